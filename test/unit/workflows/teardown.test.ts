/**
 * The checked-in teardown state machine with the real handlers: AWS's deletion order with its
 * waits, idempotent reruns, and its own failures — recorded on the channel with the resources
 * still there, announced, and finished by a rerun.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { remainingResources } from '../../../functions/lib/notify';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { COST_GUARD_SCHEDULE, scheduleDefinition } from '../../../functions/lib/channel/broadcasts';
import { loadWorkflowSettings } from '../../../functions/lib/channel/settings';
import { LATENCY } from '../../../local/core/latency';
import { POLLS } from '../../../functions/lib/workflow';
import { WorkflowHarness } from './harness';

// Each test runs whole workflows (dozens of handler invocations against the in-process twin): generous on a busy machine.
jest.setTimeout(60_000);
const h = new WorkflowHarness();
// A distribution of the channel's own: these suites prove rollback around every CloudFront step too
// (shared delivery, the default, is proven in 'provision: shared delivery').
const CIDRS = { delivery: 'dedicated', input: { allowedCidrs: ['203.0.113.10/32'] } };

beforeAll(async () => { await h.start(); });
afterAll(async () => { await h.stop(); });
afterEach(() => h.clearFaults());

let n = 0;
async function onAirChannel(): Promise<string> {
  n += 1;
  const channelId = `td-${n}`;
  const result = await h.run('provision', { channelId, overrides: CIDRS });
  expect(result.status).toBe('SUCCEEDED');
  return channelId;
}

/** Registry and account agree: whatever still exists is still recorded, so a rerun can find it. */
function expectConsistent(record: ChannelRecord): void {
  const r = record.resources;
  const live = h.inventory();
  const has = (prefix: string) => live.some((x) => x.startsWith(prefix));
  if (has('medialive:channel:')) expect(r.medialiveChannelId).toBeDefined();
  if (has('medialive:input:')) expect(r.inputId).toBeDefined();
  if (has('medialive:inputSecurityGroup:')) expect(r.inputSecurityGroupId).toBeDefined();
  if (has('mediapackagev2:originEndpoint:')) expect(Object.keys(r.packager.originEndpoints).length).toBeGreaterThan(0);
  if (has('mediapackagev2:channel:')) expect(r.packager.kind === 'mediapackage-v2' && r.packager.channelName).toBeTruthy();
  if (has('mediapackagev2:channelGroup:')) expect(r.packager.kind === 'mediapackage-v2' && r.packager.channelGroupName).toBeTruthy();
  if (has('cloudfront:distribution:')) expect(r.distributionId).toBeDefined();
  if (has('cloudfront:originAccessControl:')) expect(r.originAccessControlId).toBeDefined();
  for (const alarm of live.filter((x) => x.startsWith('cloudwatch:alarm:'))) {
    expect(Object.values(r.alarms).flat()).toContain(alarm.slice('cloudwatch:alarm:'.length));
  }
}

describe('teardown', () => {
  it('stops, waits and deletes in AWS order, then marks the channel DELETED and says so', async () => {
    const channelId = await onAirChannel();
    // Armed by the cost guard when it went on air: a teardown not started by the API's delete (a
    // rollback, the sweeper, npm start's Ctrl-C) must remove it too, or it would stop a deleted channel.
    await h.invoke('scheduler', 'CreateSchedule', scheduleDefinition(loadWorkflowSettings(), {
      name: COST_GUARD_SCHEDULE(channelId), at: new Date(h.clock.now() + 3_600_000), workflow: 'stop',
      input: { channelId, reason: 'cost-guard' }, description: `OnAir cost guard: stop ${channelId} after 60 minutes on air`,
    }));
    expect(h.inventory()).toContain(`scheduler:schedule:${loadWorkflowSettings().scheduleGroup}/${channelId}-costguard`);
    const result = await h.run('teardown', { channelId });
    expect(result.status).toBe('SUCCEEDED');
    const ml = result.tasks.filter((t) => ['StopChannel', 'DescribeChannelStopped', 'DeleteChannel', 'ReleaseInput'].includes(t));
    // Stop → (wait IDLE) → delete channel (until DELETED) → release the input, one look per call
    // 5 s apart: DETACHED → delete it; DELETED, but the group is still IN_USE for a few seconds after
    // its input went (the twin's medialive.inputSecurityGroup.inUseLinger, 5 s) → IDLE → delete it.
    expect(ml).toEqual(['StopChannel', 'DescribeChannelStopped', 'DeleteChannel', 'DeleteChannel', 'ReleaseInput', 'ReleaseInput', 'ReleaseInput']);
    const order = h.calls.map((c) => c.command).filter((c) => /^Delete(Channel|Input|InputSecurityGroup)$/.test(c));
    expect(order.filter((c, i) => c !== order[i - 1])).toEqual(['DeleteChannel', 'DeleteInput', 'DeleteInputSecurityGroup']);
    const cdn = result.tasks.filter((t) => /Distribution|OriginAccessControl/.test(t));
    // Disabling deploys like any change (the twin: cloudfront.distribution.update, 4 min, "usually within
    // 5 minutes"); the loop looks every distributionDeployed.intervalSeconds until Deployed.
    const looks = Math.ceil(LATENCY['cloudfront.distribution.update'] / 1000 / POLLS.distributionDeployed.intervalSeconds);
    expect(cdn).toEqual(['DisableDistribution', ...Array(looks).fill('DescribeDistribution'), 'DeleteDistribution', 'DeleteOriginAccessControl']);
    // DeleteDistribution carried the ETag of the disabled, deployed distribution.
    const del = h.calls.filter((c) => c.command === 'DeleteDistribution').at(-1);
    const seen = h.calls.filter((c) => c.command === 'GetDistribution' && c.input.Id === del?.input.Id).at(-1)?.output as { ETag?: string; Distribution?: unknown };
    expect(seen.Distribution).toMatchObject({ Status: 'Deployed', DistributionConfig: { Enabled: false } });
    expect(del?.input.IfMatch).toBe(seen.ETag);
    const record = await h.record(channelId);
    expect(record).toMatchObject({ status: 'DELETED', desiredState: 'DELETED' });
    expect(record?.deletedAt).toBeDefined();
    expect(record?.failure).toBeUndefined();
    expect(remainingResources(record!.resources)).toEqual([]);
    expect(h.inventory()).toEqual([]);
    expect(h.published().at(-1)).toMatchObject({ Subject: `OnAir [dev]: ${channelId} deleted` });
  });

  it('a rerun after a complete teardown is a no-op: no AWS call, no notice', async () => {
    const channelId = await onAirChannel();
    expect((await h.run('teardown', { channelId })).status).toBe('SUCCEEDED');
    const calls = h.calls.length;
    const notices = h.published().length;
    const before = await h.record(channelId);
    const again = await h.run('teardown', { channelId });
    expect(again).toMatchObject({ status: 'SUCCEEDED', tasks: ['BeginTeardown'] });
    // The record was read, nothing else.
    expect(h.actionsSince(calls)).toEqual([]);
    expect(h.published().length).toBe(notices);
    expect(await h.record(channelId)).toEqual(before);
  });

  it('a channel OnAir never heard of: nothing to delete, nothing written', async () => {
    const result = await h.run('teardown', { channelId: 'never-was' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', tasks: ['BeginTeardown'] });
    expect(await h.record('never-was')).toBeUndefined();
  });

  it('refuses a channel another operation holds, touching nothing', async () => {
    const channelId = await onAirChannel();
    // A provisioning of this channel is in progress (its lock taken by another execution).
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await ddb.send(new UpdateCommand({ TableName: process.env.CHANNELS_TABLE, Key: { channelId }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'STARTING' } }));
    const inventory = h.inventory();
    const result = await h.run('teardown', { channelId });
    expect(result).toMatchObject({ status: 'FAILED', error: 'ChannelBusyError', tasks: ['BeginTeardown', 'NotifyRefused'] });
    expect(h.inventory()).toEqual(inventory);
    expect(h.published().at(-1)?.Subject).toBe(`OnAir [dev]: ACTION NEEDED - ${channelId} was not removed`);
    await ddb.send(new UpdateCommand({ TableName: process.env.CHANNELS_TABLE, Key: { channelId }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'ON_AIR' } }));
    expect((await h.run('teardown', { channelId })).status).toBe('SUCCEEDED');
    expect(h.inventory()).toEqual([]);
  });

  it('a notice that cannot be sent does not fail a finished teardown', async () => {
    const channelId = await onAirChannel();
    h.inject({ state: 'NotifyDeleted', when: 'before' });
    expect((await h.run('teardown', { channelId })).status).toBe('SUCCEEDED');
    expect((await h.record(channelId))?.status).toBe('DELETED');
  });
});

/** Task state → step name recorded on the channel. Every Task a teardown of a running channel runs. */
const STEPS: [string, string][] = [
  ['BeginTeardown', 'beginTeardown'],
  ['StopChannel', 'stopChannel'],
  ['WaitForChannelStopped', 'waitForChannelStopped'],
  ['DescribeChannelStopped', 'waitForChannelStopped'],
  ['DeleteChannel', 'deleteChannel'],
  ['WaitForChannelDeleted', 'deleteChannel'],
  ['ReleaseInput', 'releaseInput'],
  ['DeletePackager', 'deletePackager'],
  ['DisableDistribution', 'disableDistribution'],
  ['DescribeDistribution', 'waitForDistributionDeployed'],
  ['DeleteDistribution', 'deleteDistribution'],
  ['DeleteOriginAccessControl', 'deleteOriginAccessControl'],
  ['DeleteAlarms', 'deleteAlarms'],
  ['MarkDeleted', 'markDeleted'],
];

describe('teardown: its own failures', () => {
  it('covers every Task of the teardown machine', () => {
    const covered = new Set(STEPS.map(([s]) => s));
    const rest = Object.keys(h.spec('teardown').taskFunctions).filter((s) => !covered.has(s));
    expect(rest.sort()).toEqual(['NotifyDeleted', 'NotifyRefused', 'NotifyTeardownFailed', 'RecordTeardownFailure']);
  });

  it.each(STEPS)('%s keeps failing: FAILED with the cause, what is left stays recorded, a notice lists it; a rerun finishes', async (state, step) => {
    const channelId = await onAirChannel();
    h.inject({ state, when: 'before' });
    const result = await h.run('teardown', { channelId });
    expect(result).toMatchObject({ status: 'FAILED' });
    const record = await h.record(channelId);
    if (state === 'BeginTeardown') {
      // Could not even take the channel: nothing was touched or written.
      expect(result.error).toBe('InjectedFailure');
      expect(record?.status).toBe('ON_AIR');
    } else {
      expect(result.error).toBe('InjectedFailure');
      expect(result.cause).toContain(`${step} failed`);
      expect(record).toMatchObject({ status: 'FAILED', desiredState: 'DELETED', failure: { step, error: 'InjectedFailure' } });
      expectConsistent(record!);
      const notice = h.published().at(-1);
      expect(notice?.Subject).toBe(`OnAir [dev]: ACTION NEEDED - teardown of ${channelId} failed`);
      expect(notice?.Message).toContain(`Failed step: ${step}`);
      // markDeleted fails after every delete succeeded: nothing is left, and the notice says so.
      if (step === 'markDeleted') {
        expect(h.inventory()).toEqual([]);
        expect(notice?.Message).toContain('The registry lists nothing left');
      } else {
        expect(h.inventory().length).toBeGreaterThan(0);
        expect(notice?.Message).toContain('Still exists');
      }
      // Branches that did not fail finished their work before the failure was recorded.
      if (step === 'deleteAlarms') expect(h.inventory().every((x) => x.startsWith('cloudwatch:alarm:'))).toBe(true);
    }
    h.clearFaults();
    const rerun = await h.run('teardown', { channelId });
    expect(rerun.status).toBe('SUCCEEDED');
    const after = await h.record(channelId);
    expect(after).toMatchObject({ status: 'DELETED' });
    expect(after?.failure).toBeUndefined();
    expect(remainingResources(after!.resources)).toEqual([]);
    expect(h.inventory()).toEqual([]);
  });

  it('a transient fault in a delete is retried without failing the teardown', async () => {
    const channelId = await onAirChannel();
    h.inject({ state: 'DeleteInput', when: 'before', times: 1, name: 'AwsTransientError' }, { state: 'DeletePackager', when: 'after', times: 1, name: 'AwsThrottledError' });
    expect((await h.run('teardown', { channelId })).status).toBe('SUCCEEDED');
    expect(h.inventory()).toEqual([]);
  });
});

describe('sample inputs in events/workflows', () => {
  const load = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'events', 'workflows', name), 'utf8')) as Record<string, unknown>;

  it.each(['provision.json', 'provision-idle.json'])('%s provisions, and teardown.json-style input removes it', async (file) => {
    const input = load(file);
    const result = await h.run('provision', input as never);
    expect(result.status).toBe('SUCCEEDED');
    const expected = input.startAfterCreate === false ? 'IDLE' : 'ON_AIR';
    expect((await h.record(String(input.channelId)))?.status).toBe(expected);
    expect((await h.run('teardown', { ...load('teardown.json'), channelId: input.channelId } as never)).status).toBe('SUCCEEDED');
    expect(h.inventory()).toEqual([]);
  });
});

describe('least privilege, observed', () => {
  it('every AWS call a function made in these runs is allowed by its own role in serverless.yml', () => {
    expect(h.calls.filter((c) => c.fn).length).toBeGreaterThan(100);
    expect(h.unauthorizedCalls()).toEqual({});
  });
});
