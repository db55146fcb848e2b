/** The parts of the Serverless Framework (osls 4) object model the plugin touches. */

export interface FunctionDefinition {
  handler?: string;
  name?: string;
  timeout?: number;
  events?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ServerlessLike {
  service: {
    service: string;
    custom?: Record<string, unknown>;
    provider: {
      name: string;
      stage?: string;
      region?: string;
      timeout?: number;
      compiledCloudFormationTemplate?: { Resources: Record<string, CfnResource> };
    };
    getAllFunctions(): string[];
    getFunction(functionKey: string): FunctionDefinition;
  };
  config: { servicePath: string };
  serviceDir?: string;
  processedInput?: { commands: string[] };
  configSchemaHandler: {
    defineFunctionEventProperties(provider: string, event: string, schema: object): void;
    defineCustomProperties(schema: object): void;
  };
  getProvider(name: 'aws'): {
    getStage(): string;
    getRegion(): string;
    naming: { getNormalizedFunctionName(functionName: string): string };
  };
  classes?: { Error?: new (message: string, code?: string) => Error };
}

/** The writers serverless passes to external plugins (absent in older frameworks). */
export interface PluginLog {
  (message: string): void;
  notice?(message: string): void;
  info?(message: string): void;
  warning?(message: string): void;
  error?(message: string): void;
  debug?(message: string): void;
}

export interface Logger {
  notice(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export function pluginLogger(log: PluginLog | undefined): Logger {
  const prefix = (message: string) => `[kafka-offline] ${message}`;
  if (!log) {
    return {
      notice: (m) => console.log(prefix(m)),
      warning: (m) => console.warn(prefix(m)),
      error: (m) => console.error(prefix(m)),
      debug: () => undefined,
    };
  }
  return {
    notice: (m) => (log.notice ?? log)(prefix(m)),
    warning: (m) => (log.warning ?? log)(prefix(m)),
    error: (m) => (log.error ?? log)(prefix(m)),
    debug: (m) => log.debug?.(prefix(m)),
  };
}
