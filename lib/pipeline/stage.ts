import type { CatalogueTopic, TopicEvent } from '../events/catalogue';
import type { LambdaKafkaRecord } from '../kafka/lambda-event';
import type { Logger } from '../log';

/**
 * The pipeline's contracts: what a stage is and what its rule may ask for. A stage function's file
 * declares its stage once (`declareStage`); the serverless.yml function and its `kafka` / `msk`
 * event source, the deployment test's expectations and the e2e helpers' counts all come from it.
 */

/** One event a rule asks the stage to produce; the stage adds the id, time, user and correlation. */
export type Emit = {
  [T in CatalogueTopic]: {
    topic: T;
    event_type: string;
    data: TopicEvent<T>['data'];
    /** Whose event it is; the input's user unless set. */
    user_id?: string;
    /**
     * Names this output among the record's outputs, for its deterministic id. Defaults to
     * `<topic>/<event_type>#<n>`, which is stable as long as the rule is.
     */
    kind?: string;
  };
}[CatalogueTopic];

export interface RuleContext {
  record: LambdaKafkaRecord;
  /** How many times this container has been handed this record (1 = first delivery). */
  attempt: number;
  log: Logger;
}

/**
 * A stage's business: what one valid input event leads to. Throw a `RejectedError` (or any error
 * that is not `retriable`) for an event that can never succeed: it is dead-lettered. Anything
 * retriable, or unknown, fails the batch, which is then delivered again.
 */
export type StageRule<T extends CatalogueTopic> = (
  event: TopicEvent<T>,
  context: RuleContext,
) => readonly Emit[] | Promise<readonly Emit[]>;

export interface StageDeclaration<T extends CatalogueTopic = CatalogueTopic> {
  /**
   * The stage's name, also its file's (`functions/pipeline/<name>.ts`) and its consumer group's
   * suffix; in logs, dead letters and every derived event id. Never rename a deployed stage.
   */
  name: string;
  /** What it does, in a line (serverless.yml's function description). */
  description: string;
  /** The topic its event source reads; each record is validated with this topic's schema. */
  topic: T;
  /** Only these event types invoke it (AWS filter criteria); the rest of the topic is not its business. */
  eventTypes?: readonly string[];
  rule: StageRule<T>;
  /** Seconds; the provider's default otherwise. */
  timeout?: number;
  /**
   * Seconds its event source gathers records before invoking (AWS's MaximumBatchingWindowInSeconds);
   * the shared `stageBatchingWindow` otherwise. 0 for a stage on the player's latency path.
   */
  batchingWindow?: number;
  /** Extra environment of this function (values may be serverless variables, e.g. `${param:hqApiUrl}`). */
  environment?: Record<string, string>;
  /**
   * The player-state tables it uses, as one of deploy/tables.cjs's uses: its role gets those table
   * actions and no others (deploy/functions.cjs). None: no table access.
   */
  state?: StateUse;
}

/** A kind of player-state access (deploy/tables.cjs USES): the table actions a function's role gets. */
export type StateUse = 'stateWrite' | 'stateRead' | 'inboxDeliver' | 'sessions';

/** A stage, declared once; its file exports it as `stage` beside `handler = stageHandler(stage)`. */
export const declareStage = <T extends CatalogueTopic>(stage: StageDeclaration<T>): StageDeclaration<T> =>
  stage;
