/**
 * Watching OnAir itself, as `osls package` writes it (serverless.yml, "watching OnAir itself" and
 * "the stage's dashboard"): the control-plane alarms and the topic they notify, the optional e-mail
 * subscription, the HTTP API access log, and the stage dashboard with its channel selectors.
 */
import { stageChannelGroupName } from '../../../functions/lib/delivery';
import { packagedTemplate, type CfnResource as Resource, type Obj, type Template } from '../../helpers/packaged-template';

/** OnAir's own metrics (namespace OnAir; functions/lib/metrics.ts names them). */
const ONAIR_METRICS = [
  'TimeToOnAir', 'TeardownSeconds', 'ProvisionsStarted', 'ProvisionsSucceeded', 'ProvisionsRolledBack',
  'RecoveryActions', 'CircuitBreakerOpened', 'CostGuardStops', 'SweeperFindings', 'ApiRequests',
];
const TOPIC = [{ Ref: 'NotificationsTopic' }];

let T: Template;
let R: Record<string, Resource>;
beforeAll(() => {
  T = packagedTemplate();
  R = T.Resources;
}, 300_000);

const ofType = (type: string) => Object.entries(R).filter(([, r]) => r.Type === type);
const alarm = (id: string): Obj => {
  expect({ id, type: R[id]?.Type }).toEqual({ id, type: 'AWS::CloudWatch::Alarm' });
  return R[id]!.Properties;
};
const dims = (p: Obj): Record<string, unknown> => Object.fromEntries((p.Dimensions as { Name: string; Value: unknown }[]).map((d) => [d.Name, d.Value]));

/** Notifies the stage's topic on ALARM and OK, never on INSUFFICIENT_DATA, with the chosen missing-data rule. */
function expectNotifies(p: Obj, treatMissingData: string): void {
  expect(p.AlarmActions).toEqual(TOPIC);
  expect(p.OKActions).toEqual(TOPIC);
  expect(p.InsufficientDataActions).toBeUndefined();
  expect(p.TreatMissingData).toBe(treatMissingData);
  expect(String(p.AlarmName)).toMatch(/^onair-dev-/);
  // The recovery rule takes onair-<channel>-alarm-<kind> for a channel alarm: these must not look like one.
  expect(String(p.AlarmName)).not.toMatch(/-alarm-/);
}

describe('control-plane alarms', () => {
  it('alarm on failed executions of every state machine, by its ARN', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine').map(([id]) => id).sort();
    expect(machines).toEqual(['ObserveStateMachine', 'ProvisionStateMachine', 'RecoverStateMachine', 'StartStateMachine', 'StopStateMachine', 'SweepStateMachine', 'TeardownStateMachine']);
    for (const machine of machines) {
      const p = alarm(machine.replace(/StateMachine$/, 'ExecutionsFailedAlarm'));
      expect(p).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(dims(p)).toEqual({ StateMachineArn: { Ref: machine } });
      expectNotifies(p, 'notBreaching');
    }
  });

  it("runs recovery's MediaLive calls in recoveryMediaLive, a task of recover and of the EXPRESS observe machine, covered by their executions-failed alarms", () => {
    expect(R.ObserveStateMachine!.Properties.StateMachineType).toBe('EXPRESS');
    expect(R.RecoverStateMachine!.Properties.StateMachineType ?? 'STANDARD').toBe('STANDARD');
    for (const machine of ['RecoverStateMachine', 'ObserveStateMachine']) {
      const definition = JSON.stringify(R[machine]!.Properties.DefinitionString);
      for (const fn of ['RecoveryMediaLiveLambdaFunction', 'RecoveryTimerLambdaFunction']) expect({ machine, fn, inMachine: definition.includes(fn) }).toEqual({ machine, fn, inMachine: true });
      expect(dims(alarm(machine.replace(/StateMachine$/, 'ExecutionsFailedAlarm')))).toEqual({ StateMachineArn: { Ref: machine } });
    }
    // Invoked by the state machines only (no invoke permission, so not in the Lambda errors alarm).
    const permitted = ofType('AWS::Lambda::Permission').map(([, r]) => JSON.stringify(r.Properties.FunctionName));
    expect(permitted.filter((f) => f.includes('RecoveryMediaLive'))).toEqual([]);
    // The reconciler starts the observe executions; its role may.
    const reconcileEnv = R.RecoveryReconcileLambdaFunction!.Properties.Environment as { Variables: Record<string, unknown> };
    expect(JSON.stringify(reconcileEnv.Variables.OBSERVE_STATE_MACHINE_ARN)).toContain('onair-${sls:stage}-observe'.replace('${sls:stage}', 'dev'));
  });

  it('alarm when the schedules dead-letter queue holds a message', () => {
    const dlq = R.SchedulesDlq!;
    expect(dlq.Type).toBe('AWS::SQS::Queue');
    // It is the queue the schedules name as their DeadLetterConfig.
    const env = JSON.stringify(Object.values(R).filter((r) => r.Type === 'AWS::Lambda::Function').map((f) => f.Properties.Environment));
    expect(env).toContain('"SCHEDULES_DLQ_ARN":{"Fn::GetAtt":["SchedulesDlq","Arn"]}');
    const p = alarm('SchedulesDlqNotEmptyAlarm');
    expect(p).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(dims(p)).toEqual({ QueueName: dlq.Properties.QueueName });
    expectNotifies(p, 'notBreaching');
  });

  it('alarm on Lambda errors of every function an event source or the API invokes (metric math, ≤ 10 metrics), and on throttles', () => {
    // Functions with an invoke permission are the ones EventBridge rules, schedules and the HTTP API call.
    const permitted = new Set(ofType('AWS::Lambda::Permission').map(([, r]) => {
      const fn = r.Properties.FunctionName as { 'Fn::GetAtt'?: string[] };
      return fn['Fn::GetAtt']?.[0];
    }));
    expect(permitted.size).toBeGreaterThan(0);
    const p = alarm('LambdaErrorsAlarm');
    const metrics = p.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: Obj; Stat: string; Period: number } }[];
    const [expression, ...series] = metrics;
    expect(expression).toMatchObject({ Expression: 'SUM(FILL(METRICS(), 0))', ReturnData: true });
    expect(metrics.length).toBeLessThanOrEqual(10);
    const watched = new Set<string>();
    for (const m of series) {
      expect(m.ReturnData).toBe(false);
      expect(m.MetricStat).toMatchObject({ Stat: 'Sum', Period: 300, Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors' } });
      const d = dims(m.MetricStat!.Metric);
      expect(Object.keys(d)).toEqual(['FunctionName']);
      const ref = (d.FunctionName as { Ref: string }).Ref;
      expect(R[ref]?.Type).toBe('AWS::Lambda::Function');
      watched.add(ref);
    }
    expect([...watched].sort()).toEqual([...permitted].sort());
    expect(p).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expectNotifies(p, 'notBreaching');

    const t = alarm('LambdaThrottlesAlarm');
    expect(t).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(t.Dimensions).toBeUndefined();
    expectNotifies(t, 'notBreaching');
  });

  it("alarm when the sweeper finds anything, on OnAir's own metric for the stage", () => {
    const p = alarm('SweeperFindingsAlarm');
    expect(p).toMatchObject({ Namespace: 'OnAir', MetricName: 'SweeperFindings', Statistic: 'Maximum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(dims(p)).toEqual({ stage: 'dev' });
    // The sweeper publishes every run (0 too): a gap means it did not run, shown, not paged.
    expectNotifies(p, 'missing');
  });

  it('runs the sweep as a state machine on a 15-minute schedule, its functions covered by its executions-failed alarm', () => {
    // serverless-step-functions' schedule event: an EventBridge rule starting the state machine with {dryRun: false}.
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.Targets).includes('"SweepStateMachine"'));
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    const [target] = rule.Properties.Targets as { Arn: unknown; Input: string }[];
    expect(target!.Arn).toEqual({ Ref: 'SweepStateMachine' });
    expect(JSON.parse(target!.Input)).toEqual({ dryRun: false });
    // Its tasks are invoked by the state machine only (no invoke permission, so not in the Lambda
    // errors alarm): a failing lister or decider fails the execution, which SweepExecutionsFailedAlarm sees.
    const definition = JSON.stringify(R.SweepStateMachine!.Properties.DefinitionString);
    const tasks = ['SweepMediaLiveLambdaFunction', 'SweepMediaPackageLambdaFunction', 'SweepCloudFrontLambdaFunction', 'SweepAlarmsLambdaFunction', 'SweepDecideLambdaFunction'];
    for (const fn of tasks) {
      expect({ fn, type: R[fn]?.Type, inMachine: definition.includes(fn) }).toEqual({ fn, type: 'AWS::Lambda::Function', inMachine: true });
    }
    expect(ofType('AWS::Lambda::Function').map(([id]) => id).filter((id) => /^Sweep/.test(id)).sort()).toEqual([...tasks].sort());
    expect(dims(alarm('SweepExecutionsFailedAlarm'))).toEqual({ StateMachineArn: { Ref: 'SweepStateMachine' } });
  });

  it('alarm on 5xx of the HTTP API, by ApiId and its one stage', () => {
    const stage = R.HttpApiStage!;
    expect(stage.Properties.StageName).toBe('$default');
    expect(R.HttpApi?.Type).toBe('AWS::ApiGatewayV2::Api');
    const p = alarm('ApiServerErrorsAlarm');
    expect(p).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(dims(p)).toEqual({ ApiId: { Ref: 'HttpApi' }, Stage: '$default' });
    expectNotifies(p, 'notBreaching');
  });

  it('subscribes an e-mail address to the topic only when one is given at deploy', () => {
    const param = (T as Template & { Parameters: Record<string, Obj> }).Parameters.NotificationEmail!;
    expect(param).toMatchObject({ Type: 'String', Default: '' });
    const pattern = new RegExp(String(param.AllowedPattern));
    expect(['', 'ops@example.com'].every((v) => pattern.test(v))).toBe(true);
    expect(['ops', 'a@b', 'two words@example.com'].some((v) => pattern.test(v))).toBe(false);
    const conditions = (T as Template & { Conditions: Obj }).Conditions;
    expect(conditions.HasNotificationEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'NotificationEmail' }, ''] }] });
    const subs = ofType('AWS::SNS::Subscription');
    expect(subs).toHaveLength(1);
    const [, sub] = subs[0]!;
    expect(sub).toMatchObject({ Condition: 'HasNotificationEmail', Properties: { TopicArn: { Ref: 'NotificationsTopic' }, Protocol: 'email', Endpoint: { Ref: 'NotificationEmail' } } });
  });
});

describe('HTTP API access log', () => {
  it('writes one JSON object per request with request id, route, status, latencies and the IAM caller, to a log group with retention', () => {
    const settings = R.HttpApiStage!.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
    expect(R.HttpApiLogGroup?.Properties.RetentionInDays).toBe(30);
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      caller: '$context.identity.caller',
      userArn: '$context.identity.userArn',
    });
    for (const v of Object.values(format)) expect(v).toMatch(/^\$context\.[A-Za-z.]+$/);
  });
});

describe('stage dashboard', () => {
  interface Widget { type: string; x: number; y: number; width: number; height: number; properties: Obj }
  interface Body { variables: Obj[]; widgets: Widget[] }
  let sub: string;
  let body: Body;
  beforeAll(() => {
    const d = R.Dashboard!;
    expect(d.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(d.Properties.DashboardName).toBe('onair-dev');
    sub = (d.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    // Fn::Sub placeholders are strings in the JSON; mark them to follow them below.
    body = JSON.parse(sub.replace(/\$\{([^}]+)\}/g, '<$1>')) as Body;
  });

  const metricsOf = (w: Widget): unknown[][] => (w.properties.metrics as unknown[][] | undefined) ?? [];
  /** [namespace, name, dims] of each plain metric line of the dashboard (expressions excluded). */
  const lines = (): { w: Widget; ns: string; name: string; dims: Record<string, string> }[] =>
    body.widgets.flatMap((w) => metricsOf(w).filter((m) => typeof m[0] === 'string').map((m) => {
      const plain = m.filter((x) => typeof x === 'string') as string[];
      const [ns, name, ...rest] = plain;
      const d: Record<string, string> = {};
      for (let i = 0; i + 1 < rest.length; i += 2) d[rest[i]!] = rest[i + 1]!;
      return { w, ns: ns!, name: name!, dims: d };
    }));

  it('refers only to resources and pseudo parameters of the stack', () => {
    for (const [, ref] of sub.matchAll(/\$\{([^}]+)\}/g)) {
      const [id, attr] = ref!.split('.');
      if (id!.startsWith('AWS::')) continue;
      expect({ ref, exists: id! in R, attr: attr ?? 'Ref' }).toEqual({ ref, exists: true, attr: attr === 'Arn' ? 'Arn' : 'Ref' });
    }
    for (const w of body.widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      expect(['metric', 'text', 'log', 'alarm']).toContain(w.type);
    }
  });

  it('selects the channel with property variables on the MediaLive ChannelId and the MediaPackage Channel, filled by metric search', () => {
    const byProperty = Object.fromEntries(body.variables.map((v) => [v.property, v]));
    expect(byProperty.ChannelId).toMatchObject({ type: 'property', inputType: 'select', populateFrom: 'ChannelId', defaultValue: '__FIRST', visible: true });
    expect(String(byProperty.ChannelId!.search)).toBe('{AWS/MediaLive,ChannelId,Pipeline} MetricName="ActiveAlerts"');
    expect(byProperty.Channel).toMatchObject({ type: 'property', inputType: 'select', populateFrom: 'Channel', defaultValue: '__FIRST' });
    expect(String(byProperty.Channel!.search)).toBe(`{AWS/MediaPackage,ChannelGroup,Channel} MetricName="IngressBytes" ChannelGroup="${stageChannelGroupName('dev')}"`);
    expect(new Set(body.variables.map((v) => v.id)).size).toBe(body.variables.length);
  });

  it('shows per channel and pipeline the MediaLive metrics AWS documents, all driven by the ChannelId selector', () => {
    const ml = lines().filter((l) => l.ns === 'AWS/MediaLive');
    const names = new Set(ml.map((l) => l.name));
    expect([...names].sort()).toEqual(['ActiveAlerts', 'FillMsec', 'InputLossSeconds', 'InputVideoFrameRate', 'NetworkIn', 'Output4xxErrors', 'Output5xxErrors', 'PipelinesLocked']);
    for (const l of ml) {
      expect(l.dims).toHaveProperty('ChannelId');
      expect(['0', '1']).toContain(l.dims.Pipeline);
      const keys = Object.keys(l.dims).sort();
      expect(keys).toEqual(l.name.startsWith('Output') ? ['ChannelId', 'OutputGroupName', 'Pipeline'] : ['ChannelId', 'Pipeline']);
      expect(l.w.properties.region).toBe('<AWS::Region>');
    }
    // Both pipelines of every metric (a SINGLE_PIPELINE channel leaves pipeline 1 empty).
    for (const name of names) expect(new Set(ml.filter((l) => l.name === name).map((l) => l.dims.Pipeline))).toEqual(new Set(['0', '1']));
  });

  it("shows MediaPackage v2 ingress and egress in the stage's channel group, and the shared distribution's CloudFront metrics from us-east-1", () => {
    const mp = lines().filter((l) => l.ns === 'AWS/MediaPackage');
    expect(mp.map((l) => l.name).sort()).toEqual(['EgressBytes', 'EgressRequestCount', 'EgressResponseTime', 'IngressBytes', 'IngressRequestCount']);
    for (const l of mp) expect(l.dims).toEqual({ ChannelGroup: stageChannelGroupName('dev'), Channel: 'none' });
    const cf = lines().filter((l) => l.ns === 'AWS/CloudFront');
    expect(cf.map((l) => l.name).sort()).toEqual(['4xxErrorRate', '5xxErrorRate', 'Requests', 'TotalErrorRate']);
    for (const l of cf) {
      expect(l.dims).toEqual({ Region: 'Global', DistributionId: '<DeliveryDistribution>' });
      expect(l.w.properties.region).toBe('us-east-1');
    }
  });

  it("graphs every one of OnAir's own metrics for the stage", () => {
    const expressions = body.widgets.flatMap((w) => metricsOf(w).flat().filter((m): m is { expression: string } => typeof m === 'object' && m !== null && 'expression' in m)).map((m) => m.expression);
    for (const name of ONAIR_METRICS) {
      const found = expressions.filter((e) => e.includes(`MetricName="${name}"`));
      expect({ name, count: found.length }).toEqual({ name, count: 1 });
      expect(found[0]).toMatch(/^SEARCH\('\{OnAir,stage[,a-z]*\} MetricName="\w+" stage="dev"', '(Sum|Maximum)', \d+\)$/);
    }
  });

  it("lists recent recovery actions from the recovery functions' log groups, and the control-plane alarms' states", () => {
    const log = body.widgets.find((w) => w.type === 'log')!;
    const query = String(log.properties.query);
    const sources = [...query.matchAll(/SOURCE '<(\w+)>'/g)].map((m) => m[1]!).sort();
    expect(sources).toEqual(['RecoveryEventsLogGroup', 'RecoveryReconcileLogGroup', 'RecoveryTimerLogGroup']);
    for (const s of sources) {
      expect(R[s]?.Type).toBe('AWS::Logs::LogGroup');
      expect(String(R[s]?.Properties.LogGroupName)).toMatch(/^\/aws\/lambda\/onair-dev-recovery/);
    }
    expect(query).toContain('filter ispresent(RecoveryActions)');
    const alarms = body.widgets.find((w) => w.type === 'alarm')!.properties.alarms as string[];
    const controlPlane = ofType('AWS::CloudWatch::Alarm').filter(([, r]) => (r as Resource & { Condition?: string }).Condition === undefined).map(([id]) => `<${id}.Arn>`).sort();
    expect([...alarms].sort()).toEqual(controlPlane);
  });

  it('gives its console URL as the DashboardUrl output', () => {
    const url = (T.Outputs?.DashboardUrl as { Value: { 'Fn::Sub': string } }).Value['Fn::Sub'];
    expect(url).toBe('https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}#dashboards/dashboard/${Dashboard}');
  });
});
