/**
 * The twin's CloudWatch metrics over HTTP with the SDK: what a Lambda function writes as EMF lines
 * (OnAir's metrics module through Powertools, and a hand-written line) and what PutMetricData
 * sends, read back with ListMetrics and GetMetricData.
 */
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { Twin } from '../../../local/server';
import type { LambdaService } from '../../../local/services/lambda';
import { clientConfig, withTwin } from './helpers';

let twin: Twin;
let cw: CloudWatchClient;
let lambda: LambdaService;
const window = () => ({ StartTime: new Date(Date.now() - 3600_000), EndTime: new Date(Date.now() + 3600_000) });

beforeAll(async () => {
  twin = await withTwin();
  cw = new CloudWatchClient(clientConfig(twin));
  lambda = twin.services.get('lambda') as unknown as LambdaService;
  const modulePath = join(__dirname, 'fixtures', 'emf-handlers');
  for (const exportName of ['recordsRecovery', 'writesRawEmf']) {
    lambda.register({ key: exportName, name: `onair-dev-${exportName}`, modulePath, exportName, environment: {}, timeoutSeconds: 5, memorySizeMb: 256 });
  }
});
afterAll(async () => { await twin.stop(); });

describe('EMF lines a function writes become metrics', () => {
  it("OnAir's metrics: namespace OnAir, stage + profile (+ kind, outcome), a second set with channel; values summed and averaged", async () => {
    await lambda.invokeOrThrow('onair-dev-recordsRecovery', { channel: 'show-1', outcome: 'OK' });
    await lambda.invokeOrThrow('onair-dev-recordsRecovery', { channel: 'show-1', outcome: 'OK' });
    const listed = await cw.send(new ListMetricsCommand({ Namespace: 'OnAir', MetricName: 'RecoveryActions' }));
    const sets = (listed.Metrics ?? []).map((m) => Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value])));
    const stage = process.env.ONAIR_STAGE ?? 'dev';
    expect(sets).toEqual(expect.arrayContaining([
      { stage, profile: 'default', kind: 'RESTART', outcome: 'OK' },
      { stage, profile: 'default', kind: 'RESTART', outcome: 'OK', channel: 'show-1' },
    ]));
    expect(sets).toHaveLength(2);
    const dims = (o: Record<string, string>) => Object.entries(o).map(([Name, Value]) => ({ Name, Value }));
    const out = await cw.send(new GetMetricDataCommand({
      ...window(),
      MetricDataQueries: [
        { Id: 'actions', MetricStat: { Metric: { Namespace: 'OnAir', MetricName: 'RecoveryActions', Dimensions: dims({ stage, profile: 'default', kind: 'RESTART', outcome: 'OK' }) }, Period: 3600, Stat: 'Sum' } },
        { Id: 'onair', MetricStat: { Metric: { Namespace: 'OnAir', MetricName: 'TimeToOnAir', Dimensions: dims({ stage, profile: 'default' }) }, Period: 3600, Stat: 'Average', Unit: 'Seconds' } },
        { Id: 'worst', MetricStat: { Metric: { Namespace: 'OnAir', MetricName: 'TimeToOnAir', Dimensions: dims({ stage, profile: 'default' }) }, Period: 3600, Stat: 'Maximum' } },
      ],
    }));
    const value = (id: string) => (out.MetricDataResults ?? []).find((r) => r.Id === id)?.Values?.reduce((a, b) => a + b, 0);
    expect(value('actions')).toBe(2);
    expect(value('onair')).toBe(90);
    expect(value('worst')).toBe(100);
    expect(out.MetricDataResults?.every((r) => r.StatusCode === 'Complete')).toBe(true);
  });

  it('a hand-written line: each dimension set, each value of an array; a directive naming a missing dimension is skipped', async () => {
    await lambda.invokeOrThrow('onair-dev-writesRawEmf', {});
    const listed = await cw.send(new ListMetricsCommand({ Namespace: 'Raw' }));
    expect((listed.Metrics ?? []).map((m) => `${m.MetricName} ${(m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(',')}`).sort())
      .toEqual(['Hits kind=a,stage=dev', 'Hits stage=dev']);
    const out = await cw.send(new GetMetricDataCommand({
      ...window(),
      MetricDataQueries: [{ Id: 'n', MetricStat: { Metric: { Namespace: 'Raw', MetricName: 'Hits', Dimensions: [{ Name: 'stage', Value: 'dev' }] }, Period: 60, Stat: 'SampleCount' } }],
    }));
    expect(out.MetricDataResults?.[0]?.Values?.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('a line written outside any invocation stays a log line', async () => {
    const before = (await cw.send(new ListMetricsCommand({ Namespace: 'Outside' }))).Metrics ?? [];
    process.stdout.write(`${JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Outside', Dimensions: [[]], Metrics: [{ Name: 'X' }] }] }, X: 1 })}\n`);
    expect(before).toEqual([]);
    expect((await cw.send(new ListMetricsCommand({ Namespace: 'Outside' }))).Metrics ?? []).toEqual([]);
  });
});

describe('PutMetricData, ListMetrics and GetMetricData', () => {
  it('stores values with counts and statistic sets; filters by dimension name; refuses AWS/ namespaces and metric math', async () => {
    await cw.send(new PutMetricDataCommand({
      Namespace: 'Custom',
      MetricData: [
        { MetricName: 'Latency', Dimensions: [{ Name: 'route', Value: 'GET /channels' }], Values: [10, 20], Counts: [3, 1], Unit: 'Milliseconds' },
        { MetricName: 'Latency', Dimensions: [{ Name: 'route', Value: 'GET /channels' }], StatisticValues: { SampleCount: 2, Sum: 100, Minimum: 40, Maximum: 60 }, Unit: 'Milliseconds' },
      ],
    }));
    const m = { Namespace: 'Custom', MetricName: 'Latency', Dimensions: [{ Name: 'route', Value: 'GET /channels' }] };
    const out = await cw.send(new GetMetricDataCommand({
      ...window(),
      MetricDataQueries: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'].map((Stat) => ({ Id: Stat.toLowerCase(), MetricStat: { Metric: m, Period: 3600, Stat } })),
    }));
    expect(Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r.Values?.[0]]))).toEqual({ samplecount: 6, sum: 150, average: 25, minimum: 10, maximum: 60 });
    expect((await cw.send(new ListMetricsCommand({ Dimensions: [{ Name: 'route' }] }))).Metrics).toEqual([{ ...m }]);
    await expect(cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'X', Value: 1 }] }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expect(cw.send(new GetMetricDataCommand({ ...window(), MetricDataQueries: [{ Id: 'e', Expression: 'SUM(METRICS())' }] }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});
