/**
 * CloudWatch alarms, per region (CloudFront's metrics exist only in us-east-1, so its alarms live
 * there): PutMetricAlarm, DescribeAlarms, DeleteAlarms, SetAlarmState, tags. Every state change emits
 * `CloudWatch Alarm State Change` shaped as AWS sends it and, when actions are enabled, publishes
 * the alarm's SNS message to its action topics. Tests and operators drive states with SetAlarmState
 * (or POST /_twin/alarms/state).
 *
 * Evaluation: every minute of twin time, each single-metric alarm (MetricName, Statistic or
 * ExtendedStatistic, a threshold comparison) whose metric a service twin publishes on the twin clock
 * (today AWS/SQS, local/services/sqs.ts) is evaluated as the CloudWatch User Guide describes
 * ("Alarm evaluation" and "Configuring how CloudWatch alarms treat missing data",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html): the last
 * EvaluationPeriods periods, ALARM when at least DatapointsToAlarm of them breach, missing periods
 * as TreatMissingData says. Alarms on other metrics (metric math; AWS metrics no twin publishes;
 * custom metrics, stamped by their writers' own clocks, not the twin's) are not evaluated: a new one
 * leaves INSUFFICIENT_DATA after its first evaluation only as TreatMissingData says.
 *
 * Metrics (./cloudwatch-metrics.ts): PutMetricData, ListMetrics, GetMetricData, and the EMF lines
 * Lambda functions write (local/services/lambda.ts hands them over, as CloudWatch Logs would).
 */
import { page, recordToTags, tagsToRecord } from '../core/paging';
import { AwsError, type InventoryItem, type OpContext, type ServiceBehaviour, type TwinEnv } from '../core/types';
import { MetricStore, type Dimension } from './cloudwatch-metrics';

type StateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
interface Alarm {
  config: Record<string, unknown>;
  AlarmName: string; AlarmArn: string; region: string;
  StateValue: StateValue; StateReason: string; StateReasonData?: string;
  StateUpdatedTimestamp: number; StateTransitionedTimestamp: number; AlarmConfigurationUpdatedTimestamp: number;
  Tags: Record<string, string>;
}

const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)', 'us-east-2': 'US East (Ohio)', 'us-west-1': 'US West (N. California)', 'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)', 'eu-west-2': 'EU (London)', 'eu-west-3': 'EU (Paris)', 'eu-central-1': 'EU (Frankfurt)', 'eu-north-1': 'EU (Stockholm)',
  'ap-southeast-1': 'Asia Pacific (Singapore)', 'ap-southeast-2': 'Asia Pacific (Sydney)', 'ap-northeast-1': 'Asia Pacific (Tokyo)', 'ap-south-1': 'Asia Pacific (Mumbai)',
  'sa-east-1': 'South America (Sao Paulo)', 'ca-central-1': 'Canada (Central)',
};

/** PutMetricAlarm's threshold comparisons (the anomaly-detection bands are not evaluated). */
const COMPARISONS: Record<string, { breaches: (v: number, t: number) => boolean; words: string }> = {
  GreaterThanOrEqualToThreshold: { breaches: (v, t) => v >= t, words: 'greater than or equal to' },
  GreaterThanThreshold: { breaches: (v, t) => v > t, words: 'greater than' },
  LessThanThreshold: { breaches: (v, t) => v < t, words: 'less than' },
  LessThanOrEqualToThreshold: { breaches: (v, t) => v <= t, words: 'less than or equal to' },
};

/** CloudWatch's event timestamps: `2019-10-02T17:04:40.985+0000`. */
const eventTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');
const missing = (p: string): AwsError => new AwsError('MissingParameter', `The parameter ${p} is required.`, 400);
const invalidValue = (m: string): AwsError => new AwsError('InvalidParameterValueException', m, 400);

export class CloudWatchService implements ServiceBehaviour {
  readonly signingName = 'monitoring';
  private alarms = new Map<string, Alarm>();
  private readonly timers = new Set<() => void>();
  private cancelEvaluation?: () => void;
  private stopped = false;
  readonly metrics: MetricStore;

  constructor(private readonly env: TwinEnv) {
    // Data points are stamped as their writers stamp them (the functions' own clock); this clock
    // only stands in when a datum has no timestamp and bounds ListMetrics' "recently active".
    this.metrics = new MetricStore(() => Math.max(Date.now(), env.clock.now()));
  }

  /** An EMF log line a Lambda function wrote, in the region the function runs in. */
  putEmf(region: string, line: string): number {
    const n = this.metrics.putEmf(region, line);
    if (n) this.env.changed();
    return n;
  }

  /** A datum an AWS service twin publishes (AWS/SQS …) on the twin clock; alarms on it are evaluated. */
  putServiceMetric(region: string, namespace: string, name: string, dimensions: Dimension[], value: number, timestamp: number, unit?: string): void {
    this.metrics.putServiceMetric(region, namespace, name, dimensions, value, timestamp, unit);
    this.env.changed();
    this.armEvaluation();
  }

  private key(region: string, name: string): string { return `${region}|${name}`; }

  readonly operations = {
    PutMetricAlarm: (input: Record<string, unknown>, ctx: OpContext) => {
      const name = input.AlarmName as string;
      // The model marks only AlarmName required (PromQL alarms use EvaluationCriteria); metric alarms
      // still need these, and AWS says so by name.
      if (input.EvaluationCriteria === undefined) {
        if (input.EvaluationPeriods === undefined) throw missing('EvaluationPeriods');
        if (input.ComparisonOperator === undefined) throw missing('ComparisonOperator');
        const hasMetric = input.MetricName !== undefined;
        if (hasMetric === (input.Metrics !== undefined)) throw new AwsError('InvalidParameterCombination', 'Exactly one of MetricName and Metrics must be specified.', 400);
        if (hasMetric) {
          if (input.Namespace === undefined) throw missing('Namespace');
          if (input.Period === undefined) throw missing('Period');
          if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) throw new AwsError('InvalidParameterCombination', 'Exactly one of Statistic and ExtendedStatistic must be specified.', 400);
          if (input.Threshold === undefined && input.ThresholdMetricId === undefined) throw missing('Threshold');
          const period = input.Period as number;
          if (period < 60 ? ![10, 20, 30].includes(period) : period % 60 !== 0) throw invalidValue('The parameter Period must be 10, 20, 30, or a multiple of 60.');
        }
        const dp = input.DatapointsToAlarm as number | undefined;
        if (dp !== undefined && dp > (input.EvaluationPeriods as number)) throw invalidValue('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
      }
      for (const arn of [...(input.AlarmActions as string[] ?? []), ...(input.OKActions as string[] ?? []), ...(input.InsufficientDataActions as string[] ?? [])]) {
        if (!/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(arn)) throw invalidValue(`Invalid arn syntax: ${arn}`);
      }
      const now = this.env.clock.now();
      const k = this.key(ctx.region, name);
      const existing = this.alarms.get(k);
      const { Tags: _tags, ...config } = input;
      if (existing) {
        // An update overwrites the configuration, keeps the state, and ignores Tags (AWS API reference).
        existing.config = config;
        existing.AlarmConfigurationUpdatedTimestamp = now;
        return {};
      }
      const alarm: Alarm = {
        config, AlarmName: name, AlarmArn: `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`, region: ctx.region,
        StateValue: 'INSUFFICIENT_DATA', StateReason: 'Unchecked: Initial alarm creation',
        StateUpdatedTimestamp: now, StateTransitionedTimestamp: now, AlarmConfigurationUpdatedTimestamp: now, Tags: tagsToRecord(input.Tags),
      };
      this.alarms.set(k, alarm);
      this.scheduleFirstEvaluation(alarm);
      return {};
    },

    DescribeAlarms: (input: Record<string, unknown>, ctx: OpContext) => {
      const names = input.AlarmNames as string[] | undefined;
      if (names && input.AlarmNamePrefix) throw new AwsError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be specified together.', 400);
      const types = input.AlarmTypes as string[] | undefined;
      const list = [...this.alarms.values()].filter((a) => a.region === ctx.region
        && (!names || names.includes(a.AlarmName))
        && (!input.AlarmNamePrefix || a.AlarmName.startsWith(input.AlarmNamePrefix as string))
        && (!input.StateValue || a.StateValue === input.StateValue)
        && (!input.ActionPrefix || ((a.config.AlarmActions as string[] | undefined) ?? []).some((x) => x.startsWith(input.ActionPrefix as string))))
        .sort((a, b) => a.AlarmName.localeCompare(b.AlarmName));
      const metric = !types || types.includes('MetricAlarm');
      const p = page(metric ? list : [], input.MaxRecords as number | undefined, input.NextToken as string | undefined, 50, 'InvalidNextToken');
      return { MetricAlarms: p.items.map((a) => this.describe(a)), CompositeAlarms: [], NextToken: p.nextToken };
    },

    DeleteAlarms: (input: Record<string, unknown>, ctx: OpContext) => {
      const names = input.AlarmNames as string[];
      if (names.length > 100) throw invalidValue('The collection AlarmNames must not have a size greater than 100.');
      // "If you specify an incorrect alarm name or make any other error in the operation, no alarms
      // are deleted" (DeleteAlarms API reference).
      const unknown = names.filter((n) => !this.alarms.has(this.key(ctx.region, n)));
      if (unknown.length) throw new AwsError('ResourceNotFound', `${unknown.map((n) => `Alarm ${n}`).join(', ')} not found`, 404);
      for (const n of names) this.alarms.delete(this.key(ctx.region, n));
      return {};
    },

    SetAlarmState: (input: Record<string, unknown>, ctx: OpContext) => {
      const alarm = this.alarms.get(this.key(ctx.region, input.AlarmName as string));
      if (!alarm) throw new AwsError('ResourceNotFound', `Alarm ${String(input.AlarmName)} not found`, 404);
      const data = input.StateReasonData as string | undefined;
      if (data !== undefined) { try { JSON.parse(data); } catch { throw new AwsError('InvalidFormatFault', 'StateReasonData is not valid JSON', 400); } }
      this.transition(alarm, input.StateValue as StateValue, input.StateReason as string, data);
      return {};
    },

    TagResource: (input: Record<string, unknown>) => {
      const alarm = this.byArn(input.ResourceARN as string);
      Object.assign(alarm.Tags, tagsToRecord(input.Tags));
      return {};
    },

    ListTagsForResource: (input: Record<string, unknown>) => ({ Tags: recordToTags(this.byArn(input.ResourceARN as string).Tags) }),

    PutMetricData: (input: Record<string, unknown>, ctx: OpContext) => { this.metrics.putMetricData(ctx.region, input); return {}; },
    ListMetrics: (input: Record<string, unknown>, ctx: OpContext) => this.metrics.listMetrics(ctx.region, input),
    GetMetricData: (input: Record<string, unknown>, ctx: OpContext) => this.metrics.getMetricData(ctx.region, input),
  };

  private byArn(arn: string): Alarm {
    const m = /^arn:aws:cloudwatch:([^:]+):\d+:alarm:(.+)$/.exec(arn);
    const a = m ? this.alarms.get(this.key(m[1]!, m[2]!)) : undefined;
    if (!a) throw new AwsError('ResourceNotFoundException', `The resource ${arn} does not exist.`, 404);
    return a;
  }

  private describe(a: Alarm): Record<string, unknown> {
    return {
      ...a.config, AlarmName: a.AlarmName, AlarmArn: a.AlarmArn, ActionsEnabled: a.config.ActionsEnabled ?? true,
      StateValue: a.StateValue, StateReason: a.StateReason, StateReasonData: a.StateReasonData,
      StateUpdatedTimestamp: new Date(a.StateUpdatedTimestamp), StateTransitionedTimestamp: new Date(a.StateTransitionedTimestamp),
      AlarmConfigurationUpdatedTimestamp: new Date(a.AlarmConfigurationUpdatedTimestamp),
    };
  }

  private scheduleFirstEvaluation(alarm: Alarm): void {
    const treat = alarm.config.TreatMissingData as string | undefined;
    const next: StateValue | undefined = treat === 'notBreaching' ? 'OK' : treat === 'breaching' ? 'ALARM' : undefined;
    if (!next) return;
    const cancel = this.env.clock.setTimer(this.env.latency['cloudwatch.alarm.firstEvaluation'] ?? 60_000, () => {
      this.timers.delete(cancel);
      if (this.alarms.get(this.key(alarm.region, alarm.AlarmName)) === alarm && alarm.StateValue === 'INSUFFICIENT_DATA') {
        this.transition(alarm, next, `Threshold Crossed: no datapoints were received for ${String(alarm.config.EvaluationPeriods ?? 1)} periods and ${String(alarm.config.EvaluationPeriods ?? 1)} missing datapoints were treated as [${next === 'OK' ? 'NonBreaching' : 'Breaching'}].`);
        this.env.changed();
      }
    });
    this.timers.add(cancel);
  }

  /** "CloudWatch evaluates alarms every minute" for periods of a minute or more (alarm-evaluation.html). */
  private armEvaluation(): void {
    if (this.stopped || this.cancelEvaluation || !this.metrics.hasServiceMetrics()) return;
    this.cancelEvaluation = this.env.clock.setTimer(60_000, () => {
      this.cancelEvaluation = undefined;
      let moved = false;
      for (const alarm of this.alarms.values()) moved = this.evaluate(alarm) || moved;
      if (moved) this.env.changed();
      this.armEvaluation();
    });
  }

  /** Evaluates one alarm against the stored metric; true when its state changed. */
  private evaluate(alarm: Alarm): boolean {
    const c = alarm.config;
    const stat = (c.Statistic ?? c.ExtendedStatistic) as string | undefined;
    const compare = COMPARISONS[c.ComparisonOperator as string];
    if (typeof c.MetricName !== 'string' || typeof c.Namespace !== 'string' || !stat || !compare || typeof c.Threshold !== 'number' || typeof c.Period !== 'number') return false;
    const dims = (c.Dimensions ?? []) as Dimension[];
    if (!this.metrics.publishedByService(alarm.region, c.Namespace, c.MetricName, dims)) return false;
    const period = c.Period * 1000;
    const n = (c.EvaluationPeriods as number | undefined) ?? 1;
    const m = (c.DatapointsToAlarm as number | undefined) ?? n;
    const end = this.env.clock.now();
    const start = end - n * period;
    const result = (this.metrics.getMetricData(alarm.region, {
      StartTime: new Date(start), EndTime: new Date(end), ScanBy: 'TimestampAscending',
      MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: c.Namespace, MetricName: c.MetricName, Dimensions: dims }, Period: c.Period, Stat: stat, ...(c.Unit ? { Unit: c.Unit } : {}) } }],
    }).MetricDataResults as { Timestamps: Date[]; Values: number[] }[])[0]!;
    const present = result.Values.length;
    const breaching = result.Values.filter((v) => compare.breaches(v, c.Threshold as number)).length;
    const missing = n - present;
    const treat = (c.TreatMissingData as string | undefined) ?? 'missing';
    const breaches = breaching + (treat === 'breaching' ? missing : 0);
    let next: StateValue;
    if (breaches >= m) next = 'ALARM';
    else if (present > 0 || treat === 'notBreaching' || treat === 'breaching') next = 'OK';
    else if (treat === 'ignore') return false; // "the current alarm state is maintained"
    else next = 'INSUFFICIENT_DATA';
    if (next === alarm.StateValue) return false;
    const fmt = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));
    const stamp = (d: Date): string => d.toISOString().replace(/^\d{2}(\d{2})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2}).*$/, '$3/$2/$1 $4');
    const points = result.Values.map((v, i) => `${fmt(v)} (${stamp(result.Timestamps[i]!)})`);
    const reason = next === 'INSUFFICIENT_DATA'
      ? `Insufficient Data: ${n} datapoint${n > 1 ? 's were' : ' was'} unknown.`
      : `Threshold Crossed: ${present} out of the last ${n} datapoints [${points.join(', ')}] ${next === 'ALARM' ? 'was' : 'was not'} ${compare.words} the threshold (${fmt(c.Threshold)}) (minimum ${m} datapoint${m > 1 ? 's' : ''} for ${alarm.StateValue === 'ALARM' ? 'ALARM -> OK' : 'OK -> ALARM'} transition).`;
    const reasonData = JSON.stringify({
      version: '1.0', queryDate: eventTime(end), startDate: eventTime(start), statistic: stat, period: c.Period,
      recentDatapoints: result.Values, threshold: c.Threshold,
      evaluatedDatapoints: result.Timestamps.map((t, i) => ({ timestamp: eventTime(t.getTime()), value: result.Values[i] })),
    });
    this.transition(alarm, next, reason, reasonData);
    return true;
  }

  /** Moves an alarm to a state: event, then actions, as CloudWatch does (only on an actual change). */
  transition(alarm: Alarm, value: StateValue, reason: string, reasonData?: string): void {
    const previous = { value: alarm.StateValue, reason: alarm.StateReason, reasonData: alarm.StateReasonData, timestamp: eventTime(alarm.StateUpdatedTimestamp) };
    const now = this.env.clock.now();
    const changed = alarm.StateValue !== value;
    alarm.StateReason = reason;
    alarm.StateReasonData = reasonData;
    alarm.StateUpdatedTimestamp = now;
    if (!changed) return;
    alarm.StateValue = value;
    alarm.StateTransitionedTimestamp = now;
    const c = alarm.config;
    const metrics = c.MetricName !== undefined
      ? [{ id: alarm.AlarmName, metricStat: { metric: { namespace: c.Namespace, name: c.MetricName, dimensions: Object.fromEntries(((c.Dimensions ?? []) as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value])) }, period: c.Period, stat: c.Statistic ?? c.ExtendedStatistic }, returnData: true }]
      : ((c.Metrics ?? []) as Record<string, unknown>[]).map((m) => ({ id: m.Id, expression: m.Expression, label: m.Label, returnData: m.ReturnData ?? true }));
    this.env.events.emit({
      source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', region: alarm.region, resources: [alarm.AlarmArn],
      detail: {
        alarmName: alarm.AlarmName,
        state: { value, reason, ...(reasonData !== undefined ? { reasonData } : {}), timestamp: eventTime(now) },
        previousState: Object.fromEntries(Object.entries(previous).filter(([, v]) => v !== undefined)),
        configuration: { ...(c.AlarmDescription !== undefined ? { description: c.AlarmDescription } : {}), metrics },
      },
    });
    if (c.ActionsEnabled === false) return;
    const actions = ((value === 'ALARM' ? c.AlarmActions : value === 'OK' ? c.OKActions : c.InsufficientDataActions) ?? []) as string[];
    const regionName = REGION_NAMES[alarm.region] ?? alarm.region;
    for (const arn of actions) {
      const topic = /^arn:aws:sns:([^:]+):/.exec(arn);
      if (!topic) continue;
      const message = {
        AlarmName: alarm.AlarmName, AlarmDescription: c.AlarmDescription ?? null, AWSAccountId: this.env.accountId, AlarmConfigurationUpdatedTimestamp: eventTime(alarm.AlarmConfigurationUpdatedTimestamp),
        NewStateValue: value, NewStateReason: reason, StateChangeTime: eventTime(now), Region: regionName, AlarmArn: alarm.AlarmArn, OldStateValue: previous.value,
        Trigger: { MetricName: c.MetricName, Namespace: c.Namespace, StatisticType: c.ExtendedStatistic ? 'ExtendedStatistic' : 'Statistic', Statistic: c.Statistic, Unit: c.Unit ?? null, Dimensions: ((c.Dimensions ?? []) as { Name: string; Value: string }[]).map((d) => ({ value: d.Value, name: d.Name })), Period: c.Period, EvaluationPeriods: c.EvaluationPeriods, ComparisonOperator: c.ComparisonOperator, Threshold: c.Threshold, TreatMissingData: c.TreatMissingData ?? 'missing' },
      };
      // A missing topic fails the action silently, as CloudWatch only records it in the alarm history.
      this.env.invoke('sns', 'Publish', { TopicArn: arn, Subject: `${value}: "${alarm.AlarmName}" in ${regionName}`.slice(0, 100), Message: JSON.stringify(message) }, { region: topic[1] })
        .catch((e: unknown) => console.error(`[twin] alarm ${alarm.AlarmName}: action ${arn} failed: ${(e as Error).message}`));
    }
  }

  /** Test/operator hook: fire a state change as if CloudWatch evaluated it (also POST /_twin/alarms/state). */
  setState(region: string, name: string, value: StateValue, reason = 'Set by the twin'): void {
    const alarm = this.alarms.get(this.key(region, name));
    if (!alarm) throw new AwsError('ResourceNotFound', `Alarm ${name} not found in ${region}`, 404);
    this.transition(alarm, value, reason);
    this.env.changed();
  }

  readonly routes = [{
    method: 'POST', prefix: '/_twin/alarms/state',
    handle: ({ body }: { body: Buffer }) => {
      const req = JSON.parse(body.toString('utf8') || '{}') as { alarmName?: string; region?: string; state?: StateValue; reason?: string };
      if (!req.alarmName || !req.state || !['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(req.state)) return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'BadRequest', message: 'give alarmName, state (OK|ALARM|INSUFFICIENT_DATA), optional region and reason' }) };
      try { this.setState(req.region ?? this.env.region, req.alarmName, req.state, req.reason); } catch (e) { return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'NotFound', message: (e as Error).message }) }; }
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true }) };
    },
  }];

  inventory(): InventoryItem[] {
    return [...this.alarms.values()].map((a) => ({ service: 'monitoring', type: 'alarm', id: a.AlarmArn, state: a.StateValue, tags: { ...a.Tags } }));
  }
  snapshot(): { alarms: Alarm[]; metrics: ReturnType<MetricStore['snapshot']> } { return { alarms: [...this.alarms.values()], metrics: this.metrics.snapshot() }; }
  restore(state: unknown): void {
    // State saved before metrics existed is the alarm list alone.
    const saved = Array.isArray(state) ? { alarms: state as Alarm[], metrics: [] } : state as ReturnType<CloudWatchService['snapshot']>;
    this.metrics.restore(saved.metrics ?? []);
    this.alarms = new Map(saved.alarms.map((a) => [this.key(a.region, a.AlarmName), a]));
    for (const a of this.alarms.values()) if (a.StateValue === 'INSUFFICIENT_DATA') this.scheduleFirstEvaluation(a);
    this.armEvaluation();
  }
  stop(): void {
    this.stopped = true;
    for (const c of this.timers) c();
    this.timers.clear();
    this.cancelEvaluation?.();
    this.cancelEvaluation = undefined;
  }
}

export const createCloudWatch = (env: TwinEnv): CloudWatchService => new CloudWatchService(env);
