export * from './http-handler';
export * from './http-response';
