/** The twin's shared machinery: clock, rate limiter, faults, event bus, model pruning. No network. */
import { ManualClock, TwinClock } from '../../../../local/core/clock';
import { TwinEventBus } from '../../../../local/core/events';
import { FaultRegistry } from '../../../../local/core/faults';
import { DEFAULT_SCALE, LATENCY, RATE_LIMITS } from '../../../../local/core/latency';
import { page } from '../../../../local/core/paging';
import { TokenBucket } from '../../../../local/core/ratelimit';
import { AwsError, type Clock, type DeliveredEvent } from '../../../../local/core/types';
import { prune } from '../../../../scripts/prune-models';

/** A clock the test moves by hand. */
function manualClock(start = 0): Clock & { advance(ms: number): void } {
  let now = start;
  const timers: { due: number; fn: () => void }[] = [];
  return {
    scale: 1,
    now: () => now,
    setTimer(ms, fn) { const t = { due: now + ms, fn }; timers.push(t); return () => { timers.splice(timers.indexOf(t), 1); }; },
    sleep(ms) { return new Promise((r) => this.setTimer(ms, r)); },
    advance(ms) {
      now += ms;
      for (const t of timers.filter((x) => x.due <= now)) { timers.splice(timers.indexOf(t), 1); t.fn(); }
    },
  };
}

describe('TwinClock', () => {
  it('runs scale times faster than real time and fires timers on twin time', async () => {
    const clock = new TwinClock(1000);
    const t0 = clock.now();
    const fired: number[] = [];
    clock.setTimer(2_000, () => fired.push(clock.now()));
    const cancel = clock.setTimer(2_000, () => fired.push(-1));
    cancel();
    await clock.sleep(5_000);
    expect(fired).toHaveLength(1);
    expect(fired[0]! - t0).toBeGreaterThanOrEqual(2_000);
    expect(clock.realMs(60_000)).toBe(60);
    clock.dispose();
    expect(clock.pendingTimers).toBe(0);
  });
  it('never fires a timer before its twin due time, even when Node fires early', async () => {
    const clock = new TwinClock(1000);
    const early: number[] = [];
    for (let i = 0; i < 50; i++) {
      const due = clock.now() + 2_000;
      await new Promise<void>((r) => clock.setTimer(2_000, () => { if (clock.now() < due) early.push(due - clock.now()); r(); }));
    }
    expect(early).toEqual([]);
    clock.dispose();
  });
  it('refuses a scale that is not a positive number', () => {
    expect(() => new TwinClock(0)).toThrow(/positive/);
    expect(() => new TwinClock(Number.NaN)).toThrow(/positive/);
  });
});

describe('ManualClock', () => {
  it('moves only when advanced, firing due timers in order at their due time, those armed meanwhile too', () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(100, () => { fired.push(`a@${clock.now()}`); clock.setTimer(50, () => fired.push(`a2@${clock.now()}`)); });
    const cancel = clock.setTimer(200, () => fired.push('cancelled'));
    cancel();
    clock.setTimer(1_000, () => fired.push('late'));
    expect(clock.now()).toBe(1_000);
    expect(clock.nextDue()).toBe(1_100);
    clock.advanceTo(1_500);
    expect(fired).toEqual(['a@1100', 'a2@1150', 'b@1300']);
    expect(clock.now()).toBe(1_500);
    clock.advanceTo(1_200); // never back
    expect(clock.now()).toBe(1_500);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.scale).toBe(Number.POSITIVE_INFINITY);
    clock.dispose();
    expect(clock.pendingTimers).toBe(0);
    expect(fired).not.toContain('late');
  });
});

describe('latency profile', () => {
  it('keeps AWS proportions and a default scale that brings the slowest chain under a minute', () => {
    expect(LATENCY['medialive.channel.start']).toBeGreaterThan(LATENCY['medialive.channel.create']);
    expect(LATENCY['cloudfront.distribution.deploy']).toBeGreaterThanOrEqual(180_000);
    expect(LATENCY['cloudfront.distribution.deploy']).toBeLessThanOrEqual(300_000);
    const slowest = Math.max(LATENCY['cloudfront.distribution.deploy'], LATENCY['medialive.channel.create'] + LATENCY['medialive.channel.start'] + LATENCY['medialive.channel.start.pipelineSkew']);
    expect(slowest / DEFAULT_SCALE).toBeLessThan(60_000);
    expect(RATE_LIMITS.medialive).toMatchObject({ tps: 5, burst: 30, code: 'TooManyRequestsException', status: 429 });
  });
});

describe('TokenBucket', () => {
  it('allows the burst, then the steady rate on twin time', () => {
    const clock = manualClock();
    const b = new TokenBucket(clock, 5, 30);
    expect(Array.from({ length: 31 }, () => b.take()).filter(Boolean)).toHaveLength(30);
    clock.advance(200);
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    clock.advance(60_000);
    expect(b.available).toBe(30);
  });
});

describe('FaultRegistry', () => {
  const resolvers = { statusOf: (_s: string, code: string) => (code === 'ConflictException' ? 409 : 400), throttleError: () => ({ code: 'TooManyRequestsException', status: 429 }) };
  const call = async (f: FaultRegistry, op = 'StartChannel', input: Record<string, unknown> = {}): Promise<string> => {
    try { await f.before('medialive', op, input); return 'ok'; } catch (e) { return `${(e as AwsError).code}/${(e as AwsError).status}`; }
  };

  it('fails exactly the Nth call, `times` times, with the model status', async () => {
    const f = new FaultRegistry(manualClock(), resolvers);
    f.failNth('medialive', 'StartChannel', 'ConflictException', 2, { times: 2 });
    expect([await call(f), await call(f), await call(f), await call(f), await call(f, 'StopChannel')]).toEqual(['ok', 'ConflictException/409', 'ConflictException/409', 'ok', 'ok']);
  });
  it('fails always until removed, throttles with the service error, and matches on input members', async () => {
    const f = new FaultRegistry(manualClock(), resolvers);
    const a = f.failAlways('medialive', '*', 'InternalServerErrorException', { error: { code: 'InternalServerErrorException', status: 500 } });
    expect([await call(f), await call(f, 'DescribeChannel')]).toEqual(['InternalServerErrorException/500', 'InternalServerErrorException/500']);
    f.remove(a.id);
    f.inject({ service: 'medialive', operation: 'DescribeChannel', throttle: true, match: { ChannelId: '9' }, always: true });
    expect([await call(f, 'DescribeChannel', { ChannelId: '1' }), await call(f, 'DescribeChannel', { ChannelId: '9' })]).toEqual(['ok', 'TooManyRequestsException/429']);
    expect(f.list()[0]).toMatchObject({ seen: 1, fired: 1 });
  });
  it('adds latency on twin time', async () => {
    const clock = manualClock();
    const f = new FaultRegistry(clock, resolvers);
    f.addLatency('medialive', 'StartChannel', 5_000);
    let done = false;
    const p = f.before('medialive', 'StartChannel', {}).then(() => { done = true; });
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(5_000);
    await p;
    expect(done).toBe(true);
  });
  it('holds and releases resources; refuses specs that do nothing', () => {
    const f = new FaultRegistry(manualClock(), resolvers);
    f.hold('medialive', '123');
    expect(f.isHeld('medialive', '123')).toBe(true);
    expect(f.isHeld('mediapackagev2', '123')).toBe(false);
    f.release('medialive', '123');
    expect(f.holds()).toEqual([]);
    expect(() => f.inject({ service: 'medialive' })).toThrow(/error, throttle, latencyMs or timeout/);
    expect(() => f.inject({ service: 'medialive', throttle: true, nth: 0 })).toThrow(/nth/);
  });
  it('takes Lambda timeouts with nth/times/always/match accounting; before() ignores them', async () => {
    const f = new FaultRegistry(manualClock(), resolvers);
    const take = (input: Record<string, unknown> = { FunctionName: 'a' }): boolean => f.takeTimeout('lambda', 'Invoke', input);
    const t = f.inject({ service: 'lambda', operation: 'Invoke', timeout: true, nth: 2, times: 2 });
    // before() neither fails nor counts the call for a timeout spec.
    await expect(f.before('lambda', 'Invoke', { FunctionName: 'a' })).resolves.toBeUndefined();
    expect(f.list()[0]).toMatchObject({ seen: 0, fired: 0 });
    expect([take(), take(), take(), take()]).toEqual([false, true, true, false]);
    expect(f.takeTimeout('lambda', 'GetFunction', { FunctionName: 'a' })).toBe(false);
    f.remove(t.id);
    f.inject({ service: 'lambda', timeout: true, always: true, match: { FunctionName: 'b' } });
    expect([take({ FunctionName: 'a' }), take({ FunctionName: 'b' }), take({ FunctionName: 'b' }), take({ FunctionName: 'b' })]).toEqual([false, true, true, true]);
    expect(f.list()[0]).toMatchObject({ seen: 3, fired: 3 });
    // An error fault on the same operation is not a timeout.
    f.clear();
    f.failNth('lambda', 'Invoke', 'TooManyRequestsException');
    expect(take()).toBe(false);
    expect(f.list()[0]).toMatchObject({ seen: 0, fired: 0 });
  });
  it('refuses a timeout for anything but Lambda Invoke, or mixed with another fault', () => {
    const f = new FaultRegistry(manualClock(), resolvers);
    expect(f.inject({ service: 'lambda', timeout: true }).spec.timeout).toBe(true);
    expect(() => f.inject({ service: 'medialive', operation: 'StartChannel', timeout: true })).toThrow(/timeout applies to Lambda Invoke only \(service "lambda"\), not "medialive"/);
    expect(() => f.inject({ service: 'lambda', operation: 'GetFunction', timeout: true })).toThrow(/timeout applies to Lambda Invoke only, not operation "GetFunction"/);
    expect(() => f.inject({ service: 'lambda', timeout: true, throttle: true })).toThrow(/timeout cannot be combined/);
    // The HTTP control API hands its JSON body straight to inject.
    expect(() => f.inject(JSON.parse('{"service":"lambda","timeout":"yes"}'))).toThrow(/timeout must be true or false/);
    expect(() => f.inject({ service: 'lambda', timeout: false })).toThrow(/error, throttle, latencyMs or timeout/);
    expect(f.list()).toHaveLength(1);
  });
});

describe('TwinEventBus', () => {
  it('fills id, version, time, region and account, and delivers asynchronously to every subscriber', async () => {
    const bus = new TwinEventBus(manualClock(Date.parse('2026-11-24T18:00:00Z')), { region: 'us-east-1', account: '111122223333' });
    const got: DeliveredEvent[] = [];
    const off = bus.subscribe((e) => got.push(e));
    bus.emit({ source: 'aws.medialive', 'detail-type': 'MediaLive Channel State Change', detail: { state: 'RUNNING' }, resources: ['arn'] });
    expect(got).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([{ version: '0', id: expect.any(String), source: 'aws.medialive', 'detail-type': 'MediaLive Channel State Change', detail: { state: 'RUNNING' }, resources: ['arn'], region: 'us-east-1', account: '111122223333', time: '2026-11-24T18:00:00Z' }]);
    off();
    bus.emit({ source: 's', 'detail-type': 'd', detail: {}, resources: [], region: 'eu-west-1' });
    await new Promise((r) => setImmediate(r));
    expect(got).toHaveLength(1);
    expect(bus.history().map((e) => e.region)).toEqual(['us-east-1', 'eu-west-1']);
  });
});

describe('paging', () => {
  it('walks a list with opaque tokens and refuses forged ones', () => {
    const items = Array.from({ length: 5 }, (_, i) => i);
    const a = page(items, 2, undefined, 100);
    const b = page(items, 2, a.nextToken, 100);
    const c = page(items, 2, b.nextToken, 100);
    expect([a.items, b.items, c.items, c.nextToken]).toEqual([[0, 1], [2, 3], [4], undefined]);
    expect(() => page(items, 2, 'forged', 100)).toThrow(expect.objectContaining({ code: 'InvalidNextTokenException' }));
  });
});

describe('prune-models', () => {
  it('keeps the listed operations and every shape they reach, drops documentation, reports what is missing', () => {
    const raw = {
      metadata: { apiVersion: '1', documentation: 'long' },
      operations: {
        A: { name: 'A', http: { method: 'GET', requestUri: '/' }, input: { shape: 'AIn' }, errors: [{ shape: 'E' }], documentation: 'doc' },
        B: { name: 'B', http: { method: 'GET', requestUri: '/b' }, input: { shape: 'BIn' } },
      },
      shapes: {
        AIn: { type: 'structure', members: { L: { shape: 'L', documentation: 'x' } } },
        L: { type: 'list', member: { shape: 'M' } }, M: { type: 'map', key: { shape: 'S' }, value: { shape: 'S' } },
        S: { type: 'string', documentation: 'd' }, E: { type: 'structure', members: {}, exception: true },
        BIn: { type: 'structure', members: {} },
      },
    };
    const { model, missing } = prune(raw, ['A', 'Nope']);
    expect(Object.keys(model.operations)).toEqual(['A']);
    expect(Object.keys(model.shapes).sort()).toEqual(['AIn', 'E', 'L', 'M', 'S']);
    expect(JSON.stringify(model)).not.toContain('documentation');
    expect(missing).toEqual(['Nope']);
  });
});
