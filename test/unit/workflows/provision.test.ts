/**
 * The checked-in provision state machine, executed with the real handlers: the happy path to
 * ON_AIR, refused requests that create nothing, retried transient faults, and a failure at
 * every step rolled back by the teardown machine to an empty account and a consistent registry.
 */
import { remainingResources } from '../../../functions/lib/notify';
import { LATENCY } from '../../../local/core/latency';
import { POLLS } from '../../../functions/lib/workflow';
import { WorkflowHarness } from './harness';

// Each test runs whole workflows (dozens of handler invocations against the in-process twin): generous on a busy machine.
jest.setTimeout(60_000);
const h = new WorkflowHarness();
// A distribution of the channel's own: these suites prove rollback around every CloudFront step too
// (shared delivery, the default, is proven in 'provision: shared delivery').
const CIDRS = { delivery: 'dedicated', input: { allowedCidrs: ['203.0.113.10/32'] } };
const request = (channelId: string, extra: Record<string, unknown> = {}) => ({ channelId, profileName: 'default', overrides: CIDRS, ...extra });

beforeAll(async () => { await h.start(); });
afterAll(async () => { await h.stop(); });
afterEach(() => h.clearFaults());

/** Nothing of any channel may be left in the account after each test. */
async function expectEmptyAccount(): Promise<void> {
  expect(h.inventory()).toEqual([]);
}

describe('checked-in definitions', () => {
  it.each(['provision', 'teardown'])('%s passes asl-validator', (machine) => {
    expect(h.validate(machine)).toEqual({ isValid: true, errors: [] });
  });

  it('gives every Task a timeout, a retry with jittered backoff for throttling and transient errors, and a catch', () => {
    for (const machine of ['provision', 'teardown']) {
      const spec = h.spec(machine);
      const tasks: [string, Record<string, unknown>][] = [];
      const walk = (states: Record<string, Record<string, unknown>>) => {
        for (const [name, s] of Object.entries(states)) {
          if (s.Type === 'Task') tasks.push([name, s]);
          for (const b of (s.Branches ?? []) as { States: Record<string, Record<string, unknown>> }[]) walk(b.States);
        }
      };
      walk(spec.definition.States as never);
      expect(tasks.length).toBeGreaterThan(10);
      for (const [name, t] of tasks) {
        expect({ name, timeout: typeof t.TimeoutSeconds }).toEqual({ name, timeout: 'number' });
        expect({ name, catch: Array.isArray(t.Catch) && (t.Catch as unknown[]).length > 0 }).toEqual({ name, catch: true });
        const retry = (t.Retry ?? []) as { ErrorEquals: string[]; JitterStrategy?: string; BackoffRate?: number; MaxDelaySeconds?: number }[];
        if (String(t.Resource).startsWith('arn:aws:states:::states:')) continue; // the child execution has its own retries
        for (const e of ['AwsThrottledError', 'AwsTransientError', 'Lambda.ServiceException', 'Lambda.TooManyRequestsException']) {
          const r = retry.find((x) => x.ErrorEquals.includes(e));
          expect({ name, e, jitter: r?.JitterStrategy, backoff: (r?.BackoffRate ?? 0) > 1, cap: typeof r?.MaxDelaySeconds }).toEqual({ name, e, jitter: 'FULL', backoff: true, cap: 'number' });
        }
      }
    }
  });
});

describe('provision: shared delivery (the default)', () => {
  it("goes ON_AIR on the stage's distribution with no CloudFront call, and teardown leaves only the stage's resources", async () => {
    const before = h.calls.length;
    const result = await h.run('provision', { channelId: 'shared-1', profileName: 'default', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } });
    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    const record = await h.record('shared-1');
    expect(record?.status).toBe('ON_AIR');
    // Viewers use the stage's domain; the channel's paths carry its generation (lib/delivery.ts).
    expect(record?.playback?.hls).toMatch(new RegExp(`^https://${process.env.DELIVERY_DOMAIN}/out/v1/onair-dev/onair-shared-1-${record?.generation}/`));
    const calls = h.calls.slice(before);
    expect(calls.filter((c) => c.service === 'cloudfront')).toEqual([]);
    expect(calls.filter((c) => c.command === 'CreateChannelGroup')).toEqual([]);
    // Every endpoint names the stage's distribution in its policy from the moment it exists.
    const policies = calls.filter((c) => c.command === 'PutOriginEndpointPolicy').map((c) => String(c.input.Policy));
    expect(policies).toHaveLength(2);
    for (const p of policies) expect(p).toContain(process.env.DELIVERY_DISTRIBUTION_ARN);
    expect(result.tasks).not.toContain('CreateDistribution');
    expect((await h.run('teardown', { channelId: 'shared-1' })).status).toBe('SUCCEEDED');
    await expectEmptyAccount();
    // The stage's channel group is the stack's: still there.
    expect(h.account()).toContain('mediapackagev2:channelGroup:onair-dev');
  });
});

describe('provision: happy path', () => {
  it('puts a channel ON_AIR (all pipelines RUNNING, manifests served via the CDN), announces it, and teardown removes it all', async () => {
    const result = await h.run('provision', request('happy-1'));
    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    const record = await h.record('happy-1');
    expect(record).toMatchObject({ status: 'ON_AIR', desiredState: 'ON_AIR' });
    expect(record?.playback?.hls).toMatch(/^https:\/\/[a-z0-9]+\.cloudfront\.net\/out\/v1\/.+\.m3u8$/);
    expect(record?.playback?.dash).toMatch(/\.mpd$/);
    expect(record?.ingestUrls).toHaveLength(2);
    expect(record?.onAirAt).toBeDefined();
    const ch = await h.invoke('medialive', 'DescribeChannel', { ChannelId: record?.resources.medialiveChannelId as string });
    expect(ch.State).toBe('RUNNING');
    // StartChannel waited for the channel to be created (no event in this harness: the safety-net
    // look, DescribeChannelCreated, after each parked interval until the twin's CREATING settles:
    // medialive.channel.create, 8 s, within the first 15 s), so one start, accepted at once.
    const looks = Math.ceil(LATENCY['medialive.channel.create'] / 1000 / POLLS.channelCreated.intervalSeconds);
    expect(result.tasks.filter((t) => t === 'DescribeChannelCreated')).toHaveLength(looks);
    expect(result.tasks.filter((t) => t === 'StartChannel')).toHaveLength(1);
    expect(h.calls.filter((c) => c.command === 'StartChannel' && c.input.ChannelId === ch.Id)).toHaveLength(1);
    // Watchable was checked through the CDN URL viewers use, not the origin.
    expect(h.calls.filter((c) => c.command === 'GET').map((c) => c.input.url)).toContain(record?.playback?.hls);
    const notice = h.published().at(-1);
    expect(notice?.Subject).toBe('OnAir [dev]: happy-1 is ON AIR');
    expect(notice?.Message).toContain(record?.playback?.hls);
    const kinds = h.inventory().map((r) => r.split(':').slice(0, 2).join(':'));
    const count = (k: string) => kinds.filter((x) => x === k).length;
    expect([
      count('medialive:inputSecurityGroup'), count('medialive:input'), count('medialive:channel'),
      count('mediapackagev2:channelGroup'), count('mediapackagev2:channel'), count('mediapackagev2:originEndpoint'),
      count('cloudfront:originAccessControl'), count('cloudfront:distribution'),
    ]).toEqual([1, 1, 1, 1, 1, 2, 1, 1]);
    // Every alarm that exists is recorded (channel region and the CloudFront alarm in us-east-1 share a key here).
    expect(count('cloudwatch:alarm')).toBe(Object.values(record!.resources.alarms).flat().length);
    expect(Object.values(record!.resources.alarms).flat()).toContain('onair-happy-1-alarm-cdn-5xx-rate');

    const teardown = await h.run('teardown', { channelId: 'happy-1' });
    expect(teardown).toMatchObject({ status: 'SUCCEEDED' });
    if (process.env.ONAIR_PRINT_TRANSITIONS) console.log(`state transitions: provision ${result.transitions}, teardown ${teardown.transitions}`);
    const after = await h.record('happy-1');
    expect(after?.status).toBe('DELETED');
    expect(remainingResources(after!.resources)).toEqual([]);
    expect(h.published().at(-1)?.Subject).toBe('OnAir [dev]: happy-1 deleted');
    await expectEmptyAccount();
  });

  it('creates without starting when asked: IDLE, nothing encoding, READY notice', async () => {
    const startsBefore = h.count('StartChannel');
    const result = await h.run('provision', request('idle-1', { startAfterCreate: false }));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.tasks).not.toContain('StartChannel');
    const record = await h.record('idle-1');
    expect(record).toMatchObject({ status: 'IDLE', desiredState: 'IDLE' });
    expect(h.count('StartChannel')).toBe(startsBefore);
    expect(h.published().at(-1)?.Subject).toBe('OnAir [dev]: idle-1 is ready (IDLE)');
    expect((await h.run('teardown', { channelId: 'idle-1' })).status).toBe('SUCCEEDED');
    await expectEmptyAccount();
  });

  it('retries a transient fault and a throttle, and still goes ON_AIR', async () => {
    const starts = h.count('StartChannel');
    h.inject(
      { state: 'CreateChannel', when: 'before', times: 1, name: 'AwsTransientError' },
      { state: 'CreateDistribution', when: 'after', times: 2, name: 'AwsThrottledError' },
    );
    const result = await h.run('provision', request('retry-1'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.tasks.filter((t) => t === 'CreateChannel')).toHaveLength(2);
    // The retried create found what the first attempt made: one distribution, not three.
    expect(h.count('CreateDistributionWithTags')).toBeGreaterThanOrEqual(1);
    expect(h.inventory().filter((r) => r.startsWith('cloudfront:distribution:'))).toHaveLength(1);
    expect(h.count('StartChannel')).toBe(starts + 1);
    expect((await h.record('retry-1'))?.status).toBe('ON_AIR');
    expect((await h.run('teardown', { channelId: 'retry-1' })).status).toBe('SUCCEEDED');
    await expectEmptyAccount();
  });
});

describe('provision: every create is idempotent when retried', () => {
  const kinds = () => {
    const all = h.inventory().map((r) => r.split(':').slice(0, 2).join(':'));
    return Object.fromEntries([...new Set(all)].map((k) => [k, all.filter((x) => x === k).length]));
  };

  it.each(['CreateInputSecurityGroup', 'CreateInput', 'CreatePackager', 'CreateChannel', 'CreateOriginAccessControl', 'CreateDistribution', 'AuthorizeCdn', 'CreateAlarms', 'CreateCdnAlarm', 'StartChannel', 'MarkOnAir'])(
    '%s did its work, then its invocation failed transiently: the retry finds what it made, nothing is made twice', async (state) => {
      const channelId = `idem-${state.toLowerCase()}`;
      h.inject({ state, when: 'after', times: 1, name: 'AwsTransientError' });
      const result = await h.run('provision', request(channelId));
      expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
      expect(result.tasks.filter((t) => t === state).length).toBeGreaterThanOrEqual(2);
      expect(kinds()).toMatchObject({
        'medialive:inputSecurityGroup': 1, 'medialive:input': 1, 'medialive:channel': 1,
        'mediapackagev2:channelGroup': 1, 'mediapackagev2:channel': 1, 'mediapackagev2:originEndpoint': 2,
        'cloudfront:originAccessControl': 1, 'cloudfront:distribution': 1,
      });
      const record = await h.record(channelId);
      expect(record?.status).toBe('ON_AIR');
      expect(kinds()['cloudwatch:alarm']).toBe(Object.values(record!.resources.alarms).flat().length);
      expect((await h.run('teardown', { channelId })).status).toBe('SUCCEEDED');
      await expectEmptyAccount();
    },
  );
});

describe('provision: MediaPackage v1', () => {
  it('goes ON_AIR behind CDN authorization (identifier header from the secret), and teardown removes the secret too', async () => {
    const result = await h.run('provision', { channelId: 'v1-1', profileName: 'mediapackage-v1', overrides: CIDRS });
    expect(result.status).toBe('SUCCEEDED');
    const record = await h.record('v1-1');
    expect(record).toMatchObject({ status: 'ON_AIR', resources: { packager: { kind: 'mediapackage-v1' } } });
    expect(record?.resources.originAccessControlId).toBeUndefined();
    expect(record?.playback).toMatchObject({ hls: expect.stringMatching(/^https:\/\/.+\.cloudfront\.net\/out\/v1\//), dash: expect.stringMatching(/\.mpd$/), cmaf: expect.any(String) });
    // The identifier never lands in the registry: only the secret's ARN does.
    const secret = await h.invoke('secretsmanager', 'GetSecretValue', { SecretId: h.calls.filter((c) => c.command === 'CreateSecret').at(-1)?.output?.ARN as string });
    const identifier = JSON.parse(String(secret.SecretString)).MediaPackageCDNIdentifier as string;
    expect(identifier).toEqual(expect.any(String));
    expect(JSON.stringify(record)).not.toContain(identifier);
    expect((await h.run('teardown', { channelId: 'v1-1' })).status).toBe('SUCCEEDED');
    await expectEmptyAccount();
  });

  it.each(['CreatePackager', 'CreateDistribution', 'CheckPlayback'])('a failure after %s rolls back to nothing', async (state) => {
    h.inject({ state, when: 'after' });
    const channelId = `v1-${state.toLowerCase()}`;
    const result = await h.run('provision', { channelId, profileName: 'mediapackage-v1', overrides: CIDRS });
    expect(result.status).toBe('FAILED');
    expect(await h.record(channelId)).toMatchObject({ status: 'DELETED' });
    await expectEmptyAccount();
  });
});

describe('provision: rollback when even the failure cannot be recorded', () => {
  it('the rollback takes the channel over from its own provisioning and removes everything', async () => {
    h.inject({ state: 'CreateChannel', when: 'after' }, { state: 'RecordFailure', when: 'before' });
    const result = await h.run('provision', request('unrecorded-1'));
    expect(result).toMatchObject({ status: 'FAILED', error: 'ProvisioningFailed' });
    expect(result.tasks).toContain('StopChannel');
    expect(await h.record('unrecorded-1')).toMatchObject({ status: 'DELETED' });
    await expectEmptyAccount();
  });
});

describe('provision: refused requests create nothing', () => {
  it.each([
    ['a push input without allowed CIDRs', { channelId: 'bad-1' }, 'input.allowedCidrs'],
    ['an unknown field', { channelId: 'bad-2', overrides: CIDRS, profile: 'default' }, 'profile'],
    ['a bad channel id', { channelId: 'Bad_Id!', overrides: CIDRS }, 'channelId'],
    ['a bad override', { channelId: 'bad-3', overrides: { ...CIDRS, segmentSeconds: 5 } }, 'segmentSeconds'],
  ])('%s: ValidationError naming the field', async (_what, input, field) => {
    const calls = h.calls.length;
    const result = await h.run('provision', input);
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(result.cause).toContain(field);
    // Nothing created or started; the one other step tells someone (a valid channel id only).
    expect(result.tasks).toEqual(['Validate', 'NotifyRefused']);
    // The registry was read (the id is free), nothing else but the notice.
    const made = h.actionsSince(calls);
    expect(made.filter((c) => c.command !== 'Publish')).toEqual([]);
    if (field !== 'channelId') expect(h.published().at(-1)?.Subject).toBe(`OnAir [dev]: ACTION NEEDED - ${String(input.channelId)} was not created`);
    expect(await h.record(String(input.channelId))).toBeUndefined();
  });

  it('an unknown profile is refused by name', async () => {
    const result = await h.run('provision', { channelId: 'bad-4', profileName: 'nope', overrides: CIDRS });
    expect(result).toMatchObject({ status: 'FAILED', error: 'UnknownProfileError' });
    expect(result.tasks).toEqual(['Validate', 'NotifyRefused']);
    expect(h.published().at(-1)?.Message).toContain('UnknownProfileError');
  });

  it('a channel id in use is refused and the live channel is left alone', async () => {
    expect((await h.run('provision', request('taken-1'))).status).toBe('SUCCEEDED');
    const before = await h.record('taken-1');
    const inventory = h.inventory();
    const result = await h.run('provision', request('taken-1'));
    expect(result).toMatchObject({ status: 'FAILED', error: 'ChannelExistsError' });
    expect(result.tasks).toEqual(['Validate', 'NotifyRefused']);
    expect(await h.record('taken-1')).toEqual(before);
    expect(h.inventory()).toEqual(inventory);
    expect((await h.run('teardown', { channelId: 'taken-1' })).status).toBe('SUCCEEDED');
    await expectEmptyAccount();
  });
});

/** Task state → the step name recorded on the channel when it fails. */
const STEPS: [string, string][] = [
  ['Validate', 'validate'],
  ['CreateInputSecurityGroup', 'createInputSecurityGroup'],
  ['CreateInput', 'createInput'],
  ['CreatePackager', 'createPackager'],
  ['CreateChannel', 'createChannel'],
  ['WaitForCreated', 'waitForCreated'],
  ['DescribeChannelCreated', 'waitForCreated'],
  ['CreateOriginAccessControl', 'createOriginAccessControl'],
  ['CreateDistribution', 'createDistribution'],
  ['AuthorizeCdn', 'authorizeCdn'],
  ['CreateAlarms', 'createAlarms'],
  ['CreateChannelAlarms', 'createAlarms'],
  ['CreateCdnAlarm', 'createCdnAlarm'],
  ['StartChannel', 'startChannel'],
  ['WaitForRunning', 'waitForRunning'],
  ['DescribeChannelRunning', 'waitForRunning'],
  ['CheckPlayback', 'checkPlayback'],
  ['MarkOnAir', 'markOnAir'],
];

describe('provision: a failure at every step rolls back to nothing', () => {
  it('covers every Task of the provision machine', () => {
    const covered = new Set(STEPS.map(([s]) => s));
    const rest = Object.keys(h.spec('provision').taskFunctions).filter((s) => !covered.has(s));
    // Not failure points of a provisioning: the failure path itself and the notices (a lost notice never rolls back a live channel).
    expect(rest.sort()).toEqual(['MarkReady', 'NotifyNotCreated', 'NotifyOnAir', 'NotifyReady', 'NotifyRefused', 'RecordFailure']);
  });

  let n = 0;
  it.each(STEPS.flatMap(([state, step]) => (['before', 'after'] as const).map((when) => [state, step, when] as const)))(
    '%s fails (%s, %s the AWS call)', async (state, step, when) => {
      n += 1;
      const channelId = `fail-${n}`;
      h.inject({ state, when });
      const calls = h.calls.length;
      // CreateChannelAlarms is shared delivery's path (the rest of this table runs dedicated).
      const shared = state === 'CreateChannelAlarms' ? { overrides: { input: CIDRS.input } } : {};
      const result = await h.run('provision', request(channelId, shared));
      expect(result).toMatchObject({ status: 'FAILED', error: 'InjectedFailure' });
      expect(result.cause).toContain(`${step} failed: injected failure ${when} ${state}`);
      const record = await h.record(channelId);
      if (state === 'Validate' && when === 'before') {
        // Nothing was created, not even the record: nothing to roll back, only someone to tell.
        expect(record).toBeUndefined();
        expect(result.tasks).toEqual(['Validate', 'RecordFailure', 'NotifyNotCreated']);
        const notice = h.published().at(-1);
        expect(notice?.Subject).toBe(`OnAir [dev]: ACTION NEEDED - ${channelId} was not created`);
        expect(notice?.Message).toContain(`validate failed: injected failure ${when} ${state}`);
        // Named like every workflow notice: the execution's name in the body and the attributes.
        expect(notice?.Message).toMatch(/\nExecution: exec-\d+\narn:aws:states:[^\n]*:execution:onair-dev-provision:exec-\d+$/);
        expect(notice?.MessageAttributes).toMatchObject({ executionName: { StringValue: expect.stringMatching(/^exec-\d+$/) } });
        return;
      } else {
        expect(record).toMatchObject({ status: 'DELETED', desiredState: 'DELETED', failure: { step, error: 'InjectedFailure' } });
        expect(remainingResources(record!.resources)).toEqual([]);
        expect(record?.playback).toBeUndefined();
        const notice = h.published().at(-1);
        expect(notice?.Subject).toBe(`OnAir [dev]: ${channelId} FAILED - rolled back (${step})`);
        expect(notice?.Message).toContain(`injected failure ${when} ${state}`);
      }
      // Teardown deleted only what existed (a Choice per MediaLive and CloudFront resource; the
      // packager and alarm steps delete only what the record holds), and removed all of it.
      const ran = new Set(result.tasks.slice(result.tasks.indexOf('RollBack')));
      const reached = new Set(result.tasks.slice(0, result.tasks.indexOf('RecordFailure')));
      const made = (s: string) => reached.has(s) && !(s === state && when === 'before');
      const deleted = (fn: string) => h.calls.slice(calls).some((c) => c.fn === fn && c.command.startsWith('Delete'));
      expect(ran.has('StopChannel')).toBe(made('CreateChannel'));
      expect(deleted('deletePackager')).toBe(made('CreatePackager'));
      expect(ran.has('DisableDistribution')).toBe(made('CreateDistribution'));
      expect(deleted('deleteAlarms')).toBe(made('CreateAlarms') || made('CreateChannelAlarms') || made('CreateCdnAlarm'));
      await expectEmptyAccount();
    },
  );
});

describe('least privilege, observed', () => {
  it('every AWS call a function made in these runs is allowed by its own role in serverless.yml', () => {
    expect(h.calls.filter((c) => c.fn).length).toBeGreaterThan(100);
    expect(h.unauthorizedCalls()).toEqual({});
  });
});
