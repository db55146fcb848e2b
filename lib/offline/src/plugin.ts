/**
 * serverless-offline companion: emulates AWS's Kafka event source mappings for every function's
 * `kafka` (self-managed) and `msk` event under `serverless offline start`, against a real broker,
 * invoking the functions through serverless-offline's Lambda runtime. List it before
 * `serverless-offline` in `plugins:` (serverless-offline exits the process in its own
 * `offline:start:end`, so a plugin after it never gets to finish its batches).
 * Also extends the config schema and the packaged CloudFormation with the newer mapping controls.
 * Behaviour and options: README.md.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { extendCloudFormation } from './cloudformation';
import { extendConfigSchema } from './config-schema';
import { createDestinationSender, type DestinationSender } from './destination';
import { type EventSourceConfig, EventSourceConfigError, readEventSources } from './event-sources';
import { createLambdaInvoker, type Invoker } from './invoker';
import { createKafka } from './kafka-client';
import {
  CUSTOM_KEY,
  cliOptionDefinitions,
  type OfflineKafkaOptions,
  OptionsError,
  resolveOptions,
} from './options';
import type { InstallOutcome } from './ordered-headers';
import { EventSourceRunner } from './runner';
import { withSecretCredentials } from './secret-credentials';
import { type Logger, type PluginLog, pluginLogger, type ServerlessLike } from './serverless-types';
import { shutdown } from './shutdown';

interface Prepared {
  options: OfflineKafkaOptions;
  sources: EventSourceConfig[];
}

export class KafkaOfflinePlugin {
  /** Whether record headers reach functions in written order (set by the package entry). */
  static headerDecoding: InstallOutcome = 'unsupported';
  readonly hooks: Record<string, () => unknown>;
  readonly commands: Record<string, unknown>;
  private readonly log: Logger;
  private runners: EventSourceRunner[] = [];
  private invoker: Invoker | undefined;
  private destinations: DestinationSender | undefined;
  private shutdownTimeoutMs = 30_000;
  private prepared: Prepared | undefined;

  constructor(
    private readonly serverless: ServerlessLike,
    private readonly cliOptions: Record<string, unknown> = {},
    utils: { log?: PluginLog } = {},
  ) {
    this.log = pluginLogger(utils.log);
    this.commands = { offline: { commands: { start: { options: cliOptionDefinitions() } } } };
    this.hooks = {
      // Options and events are checked before any other plugin starts watchers or servers, so a
      // configuration error ends the command instead of leaving it hanging.
      initialize: () => {
        if (this.serverless.processedInput?.commands[0] === 'offline') this.prepare();
      },
      'offline:start:init': () => this.start(),
      'offline:start:end': () => this.stop(),
      // serverless-esbuild rebuilt the handlers: later invocations load the new code.
      'offline:functionsUpdated:cleanup': () => this.invoker?.cleanup(),
      'after:package:compileEvents': () => extendCloudFormation(this.serverless, this.log),
    };
    extendConfigSchema(serverless);
  }

  /** A configuration problem, reported the way serverless reports its own. */
  private configError(error: Error): Error {
    const ServerlessError = this.serverless.classes?.Error;
    return ServerlessError ? new ServerlessError(error.message, 'KAFKA_OFFLINE_CONFIG') : error;
  }

  private prepare(): Prepared {
    if (this.prepared) return this.prepared;
    const { service } = this.serverless;
    const provider = this.serverless.getProvider('aws');
    try {
      const options = resolveOptions(service.custom?.[CUSTOM_KEY], this.cliOptions);
      const sources = readEventSources(this.serverless, {
        service: service.service,
        stage: provider.getStage(),
        region: provider.getRegion(),
        localBrokers: options.brokers,
      });
      this.prepared = { options, sources };
      return this.prepared;
    } catch (error) {
      if (error instanceof OptionsError || error instanceof EventSourceConfigError)
        throw this.configError(error);
      throw error;
    }
  }

  async start(): Promise<void> {
    const { options, sources } = this.prepare();
    this.shutdownTimeoutMs = options.shutdownTimeoutMs;
    if (!options.enabled) {
      if (sources.length > 0)
        this.log.notice(
          `disabled (kafkaOffline.enabled: false): ${sources.length} Kafka event(s) not consumed`,
        );
      return;
    }
    const disabled = sources.filter((s) => !s.enabled);
    if (disabled.length > 0) {
      this.log.notice(
        `enabled: false, not consumed: ${disabled.map((s) => `${s.id} (${s.topic})`).join(', ')}`,
      );
    }
    const enabled = sources.filter((s) => s.enabled);
    if (enabled.length === 0) return;

    const decoding = KafkaOfflinePlugin.headerDecoding;
    if (decoding !== 'installed' && decoding !== 'already-installed')
      this.log.warning(
        `record headers keep kafkajs' grouping of repeated names (${decoding}: kafkajs was loaded before this plugin)`,
      );
    let connection: OfflineKafkaOptions;
    try {
      connection = await withSecretCredentials(options);
    } catch (error) {
      throw error instanceof OptionsError ? this.configError(error) : error;
    }
    const kafka = createKafka(connection, this.log);
    this.invoker = await createLambdaInvoker(this.serverless, this.cliOptions, [
      ...new Set(enabled.map((s) => s.functionKey)),
    ]);
    this.destinations = createDestinationSender(kafka, this.log);
    const deps = { kafka, invoker: this.invoker, destinations: this.destinations, options, log: this.log };
    this.runners = enabled.map((config) => new EventSourceRunner(config, deps));
    this.log.notice(`consuming ${enabled.length} Kafka event source(s) from ${options.brokers.join(',')}`);

    // Serve once every consumer is in its group (or known to be waiting for its topic or the
    // broker), bounded: the HTTP routes never wait on Kafka for long.
    for (const runner of this.runners) void runner.start();
    const settled = Promise.all(this.runners.map((r) => r.settled)).then(() => 'settled' as const);
    const outcome = await Promise.race([settled, sleep(options.startupTimeoutMs, 'timeout' as const)]);
    if (outcome === 'timeout') {
      this.log.warning(
        `consumers not ready after ${options.startupTimeoutMs} ms; they keep connecting in the background`,
      );
    }
  }

  async stop(): Promise<void> {
    await shutdown({
      runners: this.runners,
      invoker: this.invoker,
      destinations: this.destinations,
      log: this.log,
      timeoutMs: this.shutdownTimeoutMs,
    });
    this.runners = [];
  }
}
