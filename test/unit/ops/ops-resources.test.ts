import { join } from 'node:path';
import { METRICS_NAMESPACE, METRICS_SERVICE, STAGE_METRIC } from '../../../lib/ops/stage-metrics';

const root = join(__dirname, '../../..');

interface Alarm {
  Type: string;
  Properties: {
    Namespace: string;
    MetricName: string;
    Dimensions: { Name: string; Value: unknown }[];
    Statistic: string;
    Period: number;
    EvaluationPeriods: number;
    Threshold: number;
    ComparisonOperator: string;
    TreatMissingData: string;
    AlarmActions?: string[];
    OKActions?: string[];
  };
}

interface OpsModule {
  resources(
    serverless: { resolveVariable: (address: string) => Promise<unknown> },
    load?: (file: string) => unknown,
  ): Promise<{ Resources: Record<string, Alarm | { Type: string; Properties: Record<string, unknown> }> }>;
  opsResources(
    stages: { functionKey: string; stage: string; topic: string }[],
    options: {
      dashboardName: string;
      offsetLagThreshold?: number;
      deadLetterThreshold?: number;
      alarmTopicArn?: string | null;
    },
  ): Record<string, { Type: string; Properties: Record<string, unknown> }>;
  stageFunctions(functions: Record<string, unknown>): { functionKey: string; stage: string; topic: string }[];
  functionLogicalId(key: string): string;
  METRICS_NAMESPACE: string;
  METRICS_SERVICE: string;
}

const ops = (): OpsModule => require(join(root, 'deploy/ops.cjs'));

const stages = [
  { functionKey: 'processUserAction', stage: 'process-user-action', topic: 'user_actions' },
  { functionKey: 'analyzeGameResult', stage: 'analyze-game-result', topic: 'analytics' },
];

/** The dashboard body with Fn::Sub's placeholders replaced by their names, as CloudFormation would. */
function dashboard(resources: Record<string, { Type: string; Properties: Record<string, unknown> }>) {
  const sub = (resources.OpsDashboard!.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
  const placeholders = [...sub.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!);
  const filled = sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => `<${name}>`);
  return {
    body: JSON.parse(filled) as { widgets: { type: string; properties: Record<string, unknown> }[] },
    placeholders,
  };
}

describe('deploy/ops.cjs: CloudWatch alarms and dashboard for the stage functions', () => {
  it('publishes under the namespace and service the stage metrics use', () => {
    expect(ops().METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(ops().METRICS_SERVICE).toBe(METRICS_SERVICE);
  });

  it('names functions as serverless does', () => {
    expect(ops().functionLogicalId('processUserAction')).toBe('ProcessUserActionLambdaFunction');
    expect(ops().functionLogicalId('my-fn_x')).toBe('MyDashfnUnderscorexLambdaFunction');
  });

  it("alarms on each stage mapping's OffsetLag (AWS/Lambda, per function) and on its dead-letter growth", () => {
    const resources = ops().opsResources(stages, {
      dashboardName: 'svc-prod-ops',
      offsetLagThreshold: 500,
      alarmTopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:ops',
    });
    expect(Object.keys(resources).sort()).toEqual([
      'OpsAnalyzeGameResultDeadLettersAlarm',
      'OpsAnalyzeGameResultOffsetLagAlarm',
      'OpsDashboard',
      'OpsProcessUserActionDeadLettersAlarm',
      'OpsProcessUserActionOffsetLagAlarm',
    ]);
    const lag = resources.OpsProcessUserActionOffsetLagAlarm as Alarm;
    expect(lag.Type).toBe('AWS::CloudWatch::Alarm');
    expect(lag.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'OffsetLag',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ProcessUserActionLambdaFunction' } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 500,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: ['arn:aws:sns:ap-northeast-2:123456789012:ops'],
      OKActions: ['arn:aws:sns:ap-northeast-2:123456789012:ops'],
    });
    const dead = resources.OpsAnalyzeGameResultDeadLettersAlarm as Alarm;
    expect(dead.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: STAGE_METRIC.deadLettered,
      Dimensions: [
        { Name: 'service', Value: METRICS_SERVICE },
        { Name: 'stage', Value: 'analyze-game-result' },
      ],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('leaves alarm actions out without a topic', () => {
    const resources = ops().opsResources(stages, { dashboardName: 'd' });
    const lag = resources.OpsProcessUserActionOffsetLagAlarm as Alarm;
    expect(lag.Properties.AlarmActions).toBeUndefined();
    expect(lag.Properties.Threshold).toBe(1000);
  });

  it('builds a dashboard of lag, processed, dead-lettered, rule duration and the alarms, referencing only real resources', () => {
    const resources = ops().opsResources(stages, { dashboardName: 'svc-prod-ops' });
    expect(resources.OpsDashboard?.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(resources.OpsDashboard?.Properties.DashboardName).toBe('svc-prod-ops');
    const { body, placeholders } = dashboard(resources);
    const titles = body.widgets.map((w) => w.properties.title);
    expect(titles).toEqual([
      'Offset lag per stage (records not yet processed)',
      'Records processed per stage',
      'Records dead-lettered per stage',
      'Rule duration per stage (p99, ms)',
      'Stage alarms',
    ]);
    expect(body.widgets[0]?.properties.metrics).toEqual([
      [
        'AWS/Lambda',
        'OffsetLag',
        'FunctionName',
        '<ProcessUserActionLambdaFunction>',
        { label: 'process-user-action' },
      ],
      [
        'AWS/Lambda',
        'OffsetLag',
        'FunctionName',
        '<AnalyzeGameResultLambdaFunction>',
        { label: 'analyze-game-result' },
      ],
    ]);
    expect(body.widgets[2]?.properties.metrics).toEqual(
      stages.map((s) => [
        METRICS_NAMESPACE,
        STAGE_METRIC.deadLettered,
        'service',
        METRICS_SERVICE,
        'stage',
        s.stage,
      ]),
    );
    // Every Fn::Sub placeholder is a pseudo parameter, a function, or one of the alarms made here.
    for (const name of placeholders) {
      const resource = name.replace(/\.Arn$/, '');
      const known =
        name === 'AWS::Region' ||
        /^[A-Za-z]+LambdaFunction$/.test(name) ||
        (name.endsWith('.Arn') && resource in resources);
      expect(known ? name : `unknown ${name}`).toBe(name);
    }
  });

  it('finds the stage functions among serverless functions by their kafka or msk event', () => {
    expect(
      ops().stageFunctions({
        getHealth: { events: [{ http: { method: 'get', path: 'api/kafka/health' } }] },
        processUserAction: { events: [{ kafka: { topic: 'user_actions' } }] },
        processVipEvent: { events: [{ msk: { topic: 'vip_events' } }] },
      }),
    ).toEqual([
      { functionKey: 'processUserAction', stage: 'process-user-action', topic: 'user_actions' },
      { functionKey: 'processVipEvent', stage: 'process-vip-event', topic: 'vip_events' },
    ]);
  });

  it("makes alarms for every stage deploy/functions.cjs declares (serverless.yml's resources entry)", async () => {
    const params: Record<string, unknown> = {
      'self:service': 'svc',
      'sls:stage': 'prod',
      'param:gameApiKey': 'game-key-under-test',
      'param:adminApiKey': 'admin-key-under-test',
      'param:kafkaSource': 'msk',
      'param:stageGroupPrefix': 'prefix',
      'self:custom.stageTrigger.msk': { batchSize: 100 },
    };
    const made = await ops().resources(
      { resolveVariable: async (address: string) => params[address] },
      (file: string) => require(file),
    );
    const { functions } = require(join(root, 'deploy/functions.cjs'));
    const declared = ops().stageFunctions(
      await functions({ resolveVariable: async (address: string) => params[address] }, (file: string) =>
        require(file),
      ),
    );
    expect(declared.length).toBeGreaterThanOrEqual(9);
    const lagAlarms = Object.values(made.Resources).filter(
      (r): r is Alarm =>
        r.Type === 'AWS::CloudWatch::Alarm' && (r as Alarm).Properties.MetricName === 'OffsetLag',
    );
    expect(lagAlarms.map((a) => a.Properties.Dimensions[0]?.Value)).toEqual(
      declared.map((s) => ({ Ref: ops().functionLogicalId(s.functionKey) })),
    );
    expect((made.Resources.OpsDashboard!.Properties as Record<string, unknown>).DashboardName).toBe(
      'svc-prod-ops',
    );
  });
});
