// @ts-check
/**
 * The operations resources of the AWS stage, for serverless.yml:
 *
 *   resources: ${file(./deploy/ops.cjs):resources}      (merged with the other resources)
 *
 * For every stage function (a function with a `kafka` or `msk` event):
 * - an alarm on its event source mapping's `OffsetLag` (namespace AWS/Lambda, dimension
 *   FunctionName: Lambda publishes the lag of a Kafka mapping per function, the records written to
 *   the topic that the function's consumer group has not processed), maximum over a minute above
 *   OPS_OFFSET_LAG_THRESHOLD (default 1000 records) for 3 of 5 minutes;
 * - an alarm on dead-letter growth: the stage's own `RecordsDeadLettered` EMF metric
 *   (lib/ops/stage-metrics.ts) summed over 5 minutes above OPS_DEAD_LETTER_THRESHOLD (default 0,
 *   so any dead letter alarms);
 * and one CloudWatch dashboard, `<service>-<stage>-ops`: lag, records processed, dead-lettered and
 * rule duration (p99) per stage, and the alarms.
 *
 * OPS_ALARM_TOPIC_ARN (optional): an SNS topic the alarms notify (alarm and back to OK).
 */

/** Must equal lib/ops/stage-metrics.ts (a unit test checks). */
const METRICS_NAMESPACE = 'CasinoClub/EventBackbone';
const METRICS_SERVICE = 'event-backbone';
const METRIC = {
  processed: 'RecordsProcessed',
  deadLettered: 'RecordsDeadLettered',
  ruleDuration: 'RuleDuration',
};

/**
 * @typedef {{ functionKey: string, stage: string, topic: string }} StageFunction
 *   functionKey: the key under `functions` (serverless names the function's resource
 *   `<FunctionKey>LambdaFunction`); stage: the name the stage publishes its metrics under.
 * @typedef {{ offsetLagThreshold?: number, deadLetterThreshold?: number, alarmTopicArn?: string | null,
 *   dashboardName: string }} OpsOptions
 */

/** serverless' logical id of a function's resource. @param {string} functionKey */
const functionLogicalId = (functionKey) =>
  `${functionKey.charAt(0).toUpperCase()}${functionKey.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;

/** @param {string} functionKey */
const pascal = (functionKey) =>
  functionKey.charAt(0).toUpperCase() + functionKey.slice(1).replace(/[^A-Za-z0-9]/g, '');

/** @param {string} camel */
const kebab = (camel) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

// CloudFormation's Fn::Sub placeholder for the stack's region (not a JavaScript template).
const REGION = ['$', '{AWS::Region}'].join('');

/** @param {string | null | undefined} arn */
const actions = (arn) => (arn ? { AlarmActions: [arn], OKActions: [arn] } : {});

/**
 * The alarms and the dashboard for the given stage functions.
 * @param {StageFunction[]} stages
 * @param {OpsOptions} options
 * @returns {Record<string, any>} CloudFormation resources by logical id
 */
function opsResources(stages, options) {
  const lagThreshold = options.offsetLagThreshold ?? 1000;
  const deadLetterThreshold = options.deadLetterThreshold ?? 0;
  /** @type {Record<string, any>} */
  const resources = {};
  for (const stage of stages) {
    const id = pascal(stage.functionKey);
    resources[`Ops${id}OffsetLagAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `${stage.stage} is falling behind on ${stage.topic}: more than ${lagThreshold} records not yet processed`,
        Namespace: 'AWS/Lambda',
        MetricName: 'OffsetLag',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(stage.functionKey) } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        Threshold: lagThreshold,
        ComparisonOperator: 'GreaterThanThreshold',
        // No data: the mapping is idle or disabled, not behind.
        TreatMissingData: 'notBreaching',
        ...actions(options.alarmTopicArn),
      },
    };
    resources[`Ops${id}DeadLettersAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `${stage.stage} sent records from ${stage.topic} to ${stage.topic}_dlq (see the ops console; redrive once fixed)`,
        Namespace: METRICS_NAMESPACE,
        MetricName: METRIC.deadLettered,
        Dimensions: [
          { Name: 'service', Value: METRICS_SERVICE },
          { Name: 'stage', Value: stage.stage },
        ],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: deadLetterThreshold,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ...actions(options.alarmTopicArn),
      },
    };
  }
  resources.OpsDashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: options.dashboardName, DashboardBody: dashboardBody(stages) },
  };
  return resources;
}

/**
 * The dashboard's JSON body, with the functions' names and the region filled in by Fn::Sub.
 * @param {StageFunction[]} stages
 */
function dashboardBody(stages) {
  /** @param {string} title @param {any[]} metrics @param {string} stat @param {number} y */
  const graph = (title, metrics, stat, y) => ({
    type: 'metric',
    x: 0,
    y,
    width: 24,
    height: 6,
    properties: { title, region: REGION, view: 'timeSeries', stat, period: 60, metrics },
  });
  const custom = (/** @type {string} */ name) =>
    stages.map((s) => [METRICS_NAMESPACE, name, 'service', METRICS_SERVICE, 'stage', s.stage]);
  const body = {
    widgets: [
      graph(
        'Offset lag per stage (records not yet processed)',
        stages.map((s) => [
          'AWS/Lambda',
          'OffsetLag',
          'FunctionName',
          `\${${functionLogicalId(s.functionKey)}}`,
          { label: s.stage },
        ]),
        'Maximum',
        0,
      ),
      graph('Records processed per stage', custom(METRIC.processed), 'Sum', 6),
      graph('Records dead-lettered per stage', custom(METRIC.deadLettered), 'Sum', 12),
      graph('Rule duration per stage (p99, ms)', custom(METRIC.ruleDuration), 'p99', 18),
      {
        type: 'alarm',
        x: 0,
        y: 24,
        width: 24,
        height: 4,
        properties: {
          title: 'Stage alarms',
          alarms: stages.flatMap((s) => [
            `\${Ops${pascal(s.functionKey)}OffsetLagAlarm.Arn}`,
            `\${Ops${pascal(s.functionKey)}DeadLettersAlarm.Arn}`,
          ]),
        },
      },
    ],
  };
  return { 'Fn::Sub': JSON.stringify(body) };
}

/**
 * The stage functions in serverless' `functions` map: those with a kafka or msk event.
 * @param {Record<string, any>} functions
 * @returns {StageFunction[]}
 */
function stageFunctions(functions) {
  return Object.entries(functions).flatMap(([functionKey, fn]) => {
    const event = (fn.events ?? []).map((/** @type {any} */ e) => e.kafka ?? e.msk).find(Boolean);
    return event ? [{ functionKey, stage: kebab(functionKey), topic: event.topic }] : [];
  });
}

/** @param {string} name */
const numberSetting = (name) => {
  const raw = (process.env[name] ?? '').trim();
  if (raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, not ${JSON.stringify(raw)}`);
  return value;
};

/**
 * serverless.yml's `resources` entry: the stage functions are read from deploy/functions.cjs, the
 * same declarations that define them.
 * @param {{ resolveVariable: (address: string) => Promise<any> }} serverless
 * @param {(file: string) => any} [load] how deploy/functions.cjs loads TypeScript (tests pass their own)
 */
async function resources(serverless, load) {
  const { functions } = require('./functions.cjs');
  const service = await serverless.resolveVariable('self:service');
  const stage = await serverless.resolveVariable('sls:stage');
  const stages = stageFunctions(await functions(serverless, load));
  return {
    Resources: opsResources(stages, {
      dashboardName: `${service}-${stage}-ops`,
      offsetLagThreshold: numberSetting('OPS_OFFSET_LAG_THRESHOLD'),
      deadLetterThreshold: numberSetting('OPS_DEAD_LETTER_THRESHOLD'),
      alarmTopicArn: (process.env.OPS_ALARM_TOPIC_ARN ?? '').trim() || null,
    }),
  };
}

module.exports = {
  resources,
  opsResources,
  stageFunctions,
  functionLogicalId,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
};
