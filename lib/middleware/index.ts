export * from './caller';
export * from './http-handler';
export * from './http-response';
export * from './stage-handler';
