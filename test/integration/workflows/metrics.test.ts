/**
 * OnAir's own metrics (functions/lib/metrics.ts) end to end in the local cloud: a provision, a
 * recovery action and a rollback each leave the expected metrics, written by the functions as EMF
 * lines and read back with the CloudWatch SDK (ListMetrics, GetMetricData) from the twin.
 */
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, type Dimension } from '@aws-sdk/client-cloudwatch';
import type { AuditEntry } from '../../../functions/lib/recovery/types';
import { deps } from '../../../functions/recovery/deps';
import { useLocalCloud } from '../helpers/local-cloud';
import { harness, run } from './lifecycle';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("OnAir's metrics in the local cloud", () => {
  // Scheduled rules off: the reconciler must not take the fault meant for the rollback's provision.
  const cloud = useLocalCloud({ scheduledRules: false });
  const h = harness(cloud);
  let cw: CloudWatchClient;
  const stage = () => cloud().workflows.stage;
  const dims = (o: Record<string, string>): Dimension[] => Object.entries(o).map(([Name, Value]) => ({ Name, Value }));
  /** SampleCount and Sum of one metric over the last hours (the functions stamp real time). */
  const stats = async (name: string, d: Record<string, string>): Promise<{ count: number; sum: number }> => {
    const Metric = { Namespace: 'OnAir', MetricName: name, Dimensions: dims({ stage: stage(), ...d }) };
    const out = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(Date.now() - 6 * 3600_000), EndTime: new Date(Date.now() + 3600_000),
      MetricDataQueries: [{ Id: 'n', MetricStat: { Metric, Period: 3600, Stat: 'SampleCount' } }, { Id: 's', MetricStat: { Metric, Period: 3600, Stat: 'Sum' } }],
    }));
    const total = (id: string) => (out.MetricDataResults ?? []).find((r) => r.Id === id)?.Values?.reduce((a, b) => a + b, 0) ?? 0;
    return { count: total('n'), sum: total('s') };
  };
  const listed = async (name: string): Promise<Record<string, string>[]> =>
    ((await cw.send(new ListMetricsCommand({ Namespace: 'OnAir', MetricName: name }))).Metrics ?? [])
      .map((m) => Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name as string, d.Value as string])));
  const input = (channelId: string) => ({ channelId, profileName: 'default', overrides: { input: { allowedCidrs: ['127.0.0.1/32'] } } });

  beforeAll(() => {
    cw = new CloudWatchClient(cloud().clientConfig);
    // Recovery's windows and timers on the twin's clock, as in test/integration/recovery.
    deps.now = () => new Date(cloud().twin.clock.now());
  });
  afterAll(() => cw?.destroy());

  it('a provision: ProvisionsStarted, ProvisionsSucceeded and TimeToOnAir by stage and profile', async () => {
    const exec = await run(h(), 'provision', input('met-live'));
    expect(exec.status).toBe('SUCCEEDED');
    expect(await stats('ProvisionsStarted', { profile: 'default' })).toMatchObject({ count: 1, sum: 1 });
    expect(await stats('ProvisionsSucceeded', { profile: 'default' })).toMatchObject({ count: 1, sum: 1 });
    const onAir = await stats('TimeToOnAir', { profile: 'default' });
    expect(onAir.count).toBe(1);
    // The functions' clock is real time and Step Functions' StartTime the twin's (faster): the value
    // is only checked to be a number of seconds here; its unit is.
    expect(onAir.sum).toBeGreaterThanOrEqual(0);
    expect(await listed('TimeToOnAir')).toEqual([{ stage: stage(), profile: 'default' }]);
  }, 60_000);

  it('a recovery action: RecoveryActions by kind and outcome, per profile and per channel', async () => {
    const mlId = (await h().registry.get('met-live')).resources.medialiveChannelId as string;
    const res = await fetch(`${cloud().url}/_twin/medialive/channels/${mlId}/pipelines/1/stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBeLessThan(300);
    await until('the restart', async () => ((await h().registry.get('met-live')).recoveryActions ?? []).find((a: AuditEntry) => a.action?.startsWith('RESTART') && a.result !== 'PENDING'));
    const base = { profile: 'default', kind: 'RESTART', outcome: 'OK' };
    expect(await until('RecoveryActions', async () => ((await stats('RecoveryActions', base)).count >= 1 ? true : undefined))).toBe(true);
    expect((await stats('RecoveryActions', { ...base, channel: 'met-live' })).sum).toBeGreaterThanOrEqual(1);
    expect(await listed('RecoveryActions')).toEqual(expect.arrayContaining([{ stage: stage(), ...base }, { stage: stage(), ...base, channel: 'met-live' }]));
  }, 60_000);

  it('a rollback: ProvisionsRolledBack, and the rollback teardown reports TeardownSeconds', async () => {
    const teardownsBefore = (await stats('TeardownSeconds', { profile: 'default' })).count;
    cloud().twin.faults.inject({ service: 'medialive', operation: 'CreateChannel', nth: 1, times: 1, error: { code: 'BadRequestException', message: 'injected for the metrics test' } });
    const exec = await run(h(), 'provision', input('met-fail'));
    cloud().twin.faults.clear();
    expect(exec.status).toBe('FAILED');
    expect((await h().registry.get('met-fail')).status).toBe('DELETED');
    expect(await stats('ProvisionsStarted', { profile: 'default' })).toMatchObject({ sum: 2 });
    expect(await stats('ProvisionsRolledBack', { profile: 'default' })).toMatchObject({ count: 1, sum: 1 });
    expect(await stats('ProvisionsSucceeded', { profile: 'default' })).toMatchObject({ sum: 1 });
    expect((await stats('TeardownSeconds', { profile: 'default' })).count).toBe(teardownsBefore + 1);
  }, 60_000);
});
