/**
 * Invokes functions in-process through serverless-offline's own Lambda runtime
 * (`serverless-offline/lambda`): the same worker-thread instances, warm reuse and function timeout
 * as its HTTP events. The pool is ours (serverless-offline keeps its own private), so Kafka
 * invocations get their own warm instances, as concurrent invocations do on AWS.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerlessLike } from './serverless-types';

export type InvocationResult =
  | { ok: true; response: unknown; durationMs: number }
  | { ok: false; errorType: string; errorMessage: string; timedOut: boolean; durationMs: number };

export interface Invoker {
  invoke(functionKey: string, event: unknown): Promise<InvocationResult>;
  cleanup(): Promise<void>;
}

interface LambdaFunction {
  setEvent(event: unknown): void;
  runHandler(): Promise<unknown>;
}

interface LambdaPool {
  create(lambdas: { functionKey: string; functionDefinition: unknown }[]): void;
  get(functionKey: string): LambdaFunction;
  cleanup(): Promise<void>;
}

type LambdaPoolClass = new (serverless: unknown, options: Record<string, unknown>) => LambdaPool;

/** The options serverless-offline's Lambda code reads, with its own defaults. */
const OFFLINE_DEFAULTS: Record<string, unknown> = {
  host: 'localhost',
  localEnvironment: false,
  noTimeout: false,
  reloadHandler: false,
  terminateIdleLambdaTime: 60,
  useDocker: false,
  useInProcess: false,
  dockerReadOnly: true,
  layersDir: null,
  localLayers: {},
};

/** serverless-offline's options as its own plugin merges them: defaults < custom < CLI. */
export function offlineLambdaOptions(
  serverless: ServerlessLike,
  cliOptions: Record<string, unknown>,
): Record<string, unknown> {
  const custom = (serverless.service.custom?.['serverless-offline'] ?? {}) as Record<string, unknown>;
  return { ...OFFLINE_DEFAULTS, ...custom, ...cliOptions };
}

async function loadLambdaPool(serviceDir: string): Promise<LambdaPoolClass> {
  // Resolve from the service, so it is the serverless-offline instance serverless itself loaded.
  const requireFromService = createRequire(path.join(serviceDir, 'package.json'));
  let resolved: string;
  try {
    resolved = requireFromService.resolve('serverless-offline/lambda');
  } catch {
    resolved = createRequire(__filename).resolve('serverless-offline/lambda');
  }
  const module = (await import(pathToFileURL(resolved).href)) as { default: LambdaPoolClass };
  return module.default;
}

const isTimeout = (error: unknown): boolean =>
  error instanceof Error &&
  (error.constructor.name === 'LambdaTimeoutError' || /Lambda timeout/i.test(error.message));

export async function createLambdaInvoker(
  serverless: ServerlessLike,
  cliOptions: Record<string, unknown>,
  functionKeys: readonly string[],
): Promise<Invoker> {
  const Pool = await loadLambdaPool(serverless.serviceDir ?? serverless.config.servicePath);
  const pool = new Pool(serverless, offlineLambdaOptions(serverless, cliOptions));
  pool.create(
    functionKeys.map((functionKey) => ({
      functionKey,
      functionDefinition: serverless.service.getFunction(functionKey),
    })),
  );
  return {
    async invoke(functionKey, event) {
      const started = performance.now();
      const lambda = pool.get(functionKey);
      lambda.setEvent(event);
      try {
        const response = await lambda.runHandler();
        return { ok: true, response, durationMs: performance.now() - started };
      } catch (error) {
        const durationMs = performance.now() - started;
        const timedOut = isTimeout(error);
        return {
          ok: false,
          errorType: timedOut ? 'Sandbox.Timedout' : error instanceof Error ? error.name : typeof error,
          errorMessage: error instanceof Error ? error.message : String(error),
          timedOut,
          durationMs,
        };
      }
    },
    cleanup: () => pool.cleanup(),
  };
}
