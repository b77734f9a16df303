/**
 * The provision and teardown workflows end to end in the local cloud, over real HTTP with the SDK
 * clients: one suite per packager profile (provision-v2.test.ts, provision-v1.test.ts).
 * The fault cases are derived from the happy path's own request log: every AWS operation the
 * provision workflow called (except the registry's DynamoDB and the SNS notice) fails once with a
 * non-retryable error of that service's model, and the channel must roll back to nothing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { ChannelRegistry, type ChannelRecord, type Resources } from '../../../functions/lib/channel/registry';
import type { InventoryItem } from '../../../local/core/types';
import { useLocalCloud, type TestCloud } from '../helpers/local-cloud';

/** A 4xx each service's model declares: the handlers do not retry it, the workflow catches it. */
const NON_RETRYABLE: Record<string, string> = {
  medialive: 'BadRequestException',
  mediapackagev2: 'ValidationException',
  // Not UnprocessableEntityException: MediaPackage v1 answers that for "already exists", which the handler rightly treats as a retried create.
  mediapackage: 'ForbiddenException',
  cloudfront: 'InvalidArgument',
  monitoring: 'InvalidParameterValue',
  secretsmanager: 'InvalidRequestException',
};

export interface Harness {
  sfn: SFNClient;
  registry: ChannelRegistry;
  cloud: TestCloud;
}

export function harness(cloud: () => TestCloud): () => Harness {
  let h: Harness | undefined;
  beforeAll(() => {
    const c = cloud();
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(c.clientConfig), { marshallOptions: { removeUndefinedValues: true } });
    h = { cloud: c, sfn: new SFNClient(c.clientConfig), registry: new ChannelRegistry({ ddb, tableName: c.environment.CHANNELS_TABLE as string }) };
  });
  afterAll(() => h?.sfn.destroy());
  return () => h as Harness;
}

export async function run(h: Harness, machine: string, input: Record<string, unknown>): Promise<DescribeExecutionCommandOutput> {
  const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: h.cloud.stateMachineArn(machine), input: JSON.stringify(input) }));
  for (;;) {
    const d = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every channel-owned resource (local/onair/app.ts: the stack's own resources are not a channel's). */
export function channelInventory(cloud: TestCloud): InventoryItem[] {
  return cloud.channelInventory();
}

/** Every resource id the registry says exists for a channel. */
export function recordedIds(r: Resources): string[] {
  const ids = [r.inputSecurityGroupId, r.inputId, r.medialiveChannelId, r.distributionId, r.originAccessControlId];
  const p = r.packager;
  if (p.kind === 'mediapackage-v2') ids.push(p.channelGroupCreated ? p.channelGroupName : undefined, p.channelName);
  else ids.push(p.channelId, p.cdnSecretArn);
  ids.push(...Object.values(p.originEndpoints).map((e) => JSON.stringify(e)));
  ids.push(...Object.values(r.alarms).flat());
  return ids.filter((x): x is string => typeof x === 'string' && x !== '');
}

export function lifecycleSuite(profileName: 'default' | 'mediapackage-v1', prefix: string, overrides: Record<string, unknown> = {}): void {
  const input = (channelId: string, name: string): Record<string, unknown> => ({ channelId, profileName: name, overrides: { ...overrides, input: { allowedCidrs: ['127.0.0.1/32'] } } });
  // Scheduled rules off: the reconciler (every twin minute) would otherwise be able to take a
  // "next DescribeChannel fails" fault meant for the workflow under test. Scale 200, not 400: the
  // wait for RUNNING asserts it was woken by MediaLive's event, and its safety-net look (120 s of
  // AWS time) is then 0.6 s of real time instead of 0.3 s, which a loaded CI machine overran once.
  const cloud = useLocalCloud({ scheduledRules: false, scale: 200 });
  const h = harness(cloud);
  let happyCalls: { service: string; operation: string }[] = [];

  it('provisions a channel ON_AIR whose HLS manifest is served through the CDN URL', async () => {
    const since = cloud().twin.requests.list().at(-1)?.seq ?? 0;
    const exec = await run(h(), 'provision', input(`${prefix}-live`, profileName));
    expect({ status: exec.status, error: exec.error, cause: exec.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    happyCalls = cloud().twin.requests.list({ since }).filter((r) => r.seq > since && r.status < 400);

    const history = await h().sfn.send(new GetExecutionHistoryCommand({ executionArn: exec.executionArn, maxResults: 1000 }));
    const types = new Set((history.events ?? []).map((e) => e.type));
    for (const t of ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionSucceeded', 'ParallelStateEntered', 'TaskScheduled', 'TaskSucceeded', 'ChoiceStateEntered', 'ExecutionSucceeded']) expect(types).toContain(t);
    // The wait for RUNNING was woken by MediaLive's events (functions/lib/waits.ts), not by its safety-net timeout.
    const parked = (history.events ?? []).filter((e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name === 'WaitForRunning');
    expect(parked.map((e) => JSON.parse(e.stateExitedEventDetails?.output ?? '{}').woken)).toEqual([{ ready: true, via: 'event', state: expect.stringMatching(/^RUNNING \d\/\d pipelines/) }]);

    const record: ChannelRecord = await h().registry.get(`${prefix}-live`);
    expect(record.status).toBe('ON_AIR');
    expect(record.profile.packager.kind).toBe(profileName === 'default' ? 'mediapackage-v2' : 'mediapackage-v1');
    expect(record.playback?.hls).toMatch(new RegExp(`^${cloud().url}/_cdn/[a-z0-9]+\\.cloudfront\\.net/`));
    const res = await fetch(record.playback?.hls as string);
    expect(res.status).toBe(200);
    const playlist = await res.text();
    expect(playlist.startsWith('#EXTM3U')).toBe(true);
    expect(playlist.match(/#EXT-X-STREAM-INF/g)).toHaveLength(3);
    // Everything the registry recorded exists, and only this channel exists.
    const inventory = JSON.stringify(channelInventory(cloud()));
    const dedicated = record.profile.delivery === 'dedicated';
    for (const id of [record.resources.inputId, record.resources.medialiveChannelId, ...(dedicated ? [record.resources.distributionId] : [])]) expect(inventory).toContain(String(id));
    // Shared delivery: the stage's distribution serves the channel; it has none of its own.
    if (!dedicated) expect(channelInventory(cloud()).filter((i) => i.service === 'cloudfront')).toEqual([]);
    expect(channelInventory(cloud()).length).toBeGreaterThan(10);
  }, 60_000);

  it('tears the running channel down: nothing left, registry DELETED, playback gone', async () => {
    const before = await h().registry.get(`${prefix}-live`);
    const exec = await run(h(), 'teardown', { channelId: `${prefix}-live` });
    expect(exec.status).toBe('SUCCEEDED');
    expect(channelInventory(cloud())).toEqual([]);
    const after = await h().registry.get(`${prefix}-live`);
    expect(after.status).toBe('DELETED');
    expect(recordedIds(after.resources)).toEqual([]);
    expect((await fetch(before.playback?.hls as string)).status).toBeGreaterThanOrEqual(400);
    // A second teardown finds nothing to do and still succeeds.
    expect((await run(h(), 'teardown', { channelId: `${prefix}-live` })).status).toBe('SUCCEEDED');
  }, 60_000);

  it('rolls back to zero resources with a consistent registry when AWS fails at any step', async () => {
    const steps = [...new Map(happyCalls.filter((c) => c.service in NON_RETRYABLE).map((c) => [`${c.service}.${c.operation}`, c])).values()];
    expect(steps.length).toBeGreaterThan(8);
    const outcomes: { step: string; status: string; registry: string; left: number; recorded: number; failure: string }[] = [];
    for (const [i, step] of steps.entries()) {
      const channelId = `${prefix}-f${i}`;
      cloud().twin.faults.inject({ service: step.service, operation: step.operation, nth: 1, times: 1, error: { code: NON_RETRYABLE[step.service] as string, message: `injected at ${step.operation}` } });
      const exec = await run(h(), 'provision', input(channelId, profileName));
      cloud().twin.faults.clear();
      if (exec.status === 'SUCCEEDED') {
        // The workflow absorbed the fault (a read retried by a poll): it must still clean up on request.
        await run(h(), 'teardown', { channelId });
      }
      const rec = await h().registry.find(channelId);
      outcomes.push({
        step: `${step.service}.${step.operation}`, status: exec.status ?? '?', registry: rec?.status ?? 'none',
        left: channelInventory(cloud()).length, recorded: rec ? recordedIds(rec.resources).length : 0,
        failure: rec?.failure ? `${rec.failure.step}: ${rec.failure.error}` : '',
      });
    }
    // The table is the evidence.
    console.log(outcomes.map((o) => `${o.step.padEnd(44)} ${o.status.padEnd(10)} registry ${o.registry.padEnd(8)} left ${o.left} recorded ${o.recorded}  ${o.failure}`).join('\n'));
    for (const o of outcomes) {
      // Nothing left on AWS, nothing left in the registry, the channel closed as DELETED.
      expect({ step: o.step, left: o.left, recorded: o.recorded, registry: o.registry }).toEqual({ step: o.step, left: 0, recorded: 0, registry: 'DELETED' });
      // A failed provision says where and why on the channel.
      if (o.status === 'FAILED') expect({ step: o.step, failure: o.failure }).toEqual({ step: o.step, failure: expect.stringContaining(NON_RETRYABLE[o.step.split('.')[0] as string] as string) });
      else expect({ step: o.step, status: o.status }).toEqual({ step: o.step, status: 'SUCCEEDED' });
    }
    // Most steps cannot absorb a failure: they must roll back rather than carry on.
    expect(outcomes.filter((o) => o.status === 'FAILED').length).toBeGreaterThan(steps.length / 2);
  }, 300_000);
}
