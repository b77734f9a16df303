import { join } from 'node:path';
import { FaultRegistry } from '../../../local/core/faults';
import { LambdaService } from '../../../local/services/lambda';
import type { OpContext } from '../../../local/core/types';
import { testClock } from './twin-env';

const fixtures = join(__dirname, 'fixtures', 'handlers');
const faultRegistry = (): FaultRegistry => new FaultRegistry(testClock(1000), { statusOf: () => 400, throttleError: () => ({ code: 'TooManyRequestsException', status: 429 }) });
/** The Lambda behaviour reads only the fault injector from the request context (hence the partial cast). */
const contextWith = (faults: FaultRegistry): OpContext => ({ faults }) as unknown as OpContext;
const ctx = contextWith(faultRegistry());

function service(): LambdaService {
  const lambda = new LambdaService({ region: 'us-east-1', accountId: '111122223333' });
  for (const [name, exportName, timeout] of [['ctx', 'context', 3], ['cb', 'callbackStyle', 3], ['boom', 'boom', 3], ['slow', 'slow', 0.05], ['flaky', 'flaky', 3]] as const) {
    lambda.register({ key: name, name: `onair-dev-${name}`, modulePath: fixtures, exportName, environment: {}, timeoutSeconds: timeout, memorySizeMb: 256 });
  }
  return lambda;
}

const payload = (out: Record<string, unknown>): unknown => JSON.parse(Buffer.from(out.Payload as Uint8Array).toString('utf8'));

describe('Lambda twin', () => {
  it('gives the handler a Lambda context: request id, names, memory, remaining time within the configured timeout', async () => {
    const out = await service().operations.Invoke({ FunctionName: 'arn:aws:lambda:us-east-1:111122223333:function:onair-dev-ctx', Payload: Buffer.from('{}') }, ctx);
    expect(out).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(out.FunctionError).toBeUndefined();
    const c = payload(out) as Record<string, unknown>;
    expect(c).toMatchObject({ name: 'onair-dev-ctx', arn: 'arn:aws:lambda:us-east-1:111122223333:function:onair-dev-ctx', version: '$LATEST', memory: '256', group: '/aws/lambda/onair-dev-ctx' });
    expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.remaining).toBeGreaterThan(2000);
    expect(c.remaining).toBeLessThanOrEqual(3000);
  });

  it('supports callback handlers, and reports errors and timeouts as Lambda does', async () => {
    const lambda = service();
    expect(payload(await lambda.operations.Invoke({ FunctionName: 'onair-dev-cb', Payload: Buffer.from('{"n":21}') }, ctx))).toEqual({ doubled: 42 });
    const failed = await lambda.operations.Invoke({ FunctionName: 'onair-dev-boom' }, ctx);
    expect(failed).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(payload(failed)).toMatchObject({ errorType: 'ChannelNotIdleError', errorMessage: 'channel is not idle', trace: expect.any(Array) });
    const slow = await lambda.operations.Invoke({ FunctionName: 'onair-dev-slow' }, ctx);
    expect(payload(slow)).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.05 seconds' });
    expect(lambda.invocationStats().find((s) => s.function === 'onair-dev-boom')).toMatchObject({ invocations: 1, errors: 1, memorySizeMb: 256 });
  });

  it('answers DryRun and Event invocations, and refuses unknown functions and bad payloads', async () => {
    const lambda = service();
    expect(await lambda.operations.Invoke({ FunctionName: 'onair-dev-cb', InvocationType: 'DryRun' }, ctx)).toEqual({ StatusCode: 204 });
    expect(await lambda.operations.Invoke({ FunctionName: 'onair-dev-cb', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }, ctx)).toEqual({ StatusCode: 202 });
    await expect(lambda.operations.Invoke({ FunctionName: 'nope' }, ctx)).rejects.toMatchObject({ code: 'ResourceNotFoundException', status: 404 });
    await expect(lambda.operations.Invoke({ FunctionName: 'onair-dev-cb', Payload: Buffer.from('{bad') }, ctx)).rejects.toMatchObject({ code: 'InvalidRequestContentException' });
    expect(lambda.operations.ListFunctions().Functions).toHaveLength(5);
  });

  describe('timeout fault', () => {
    // flaky with failures: 0 succeeds and counts its invocations per key: a side effect we can see.
    const invokeFlaky = (lambda: LambdaService, c: OpContext, key: string): Promise<Record<string, unknown>> =>
      lambda.operations.Invoke({ FunctionName: 'onair-dev-flaky', Payload: Buffer.from(JSON.stringify({ key, failures: 0 })) }, c);

    it('reports the nth invocation as Sandbox.Timedout, instantly, after the handler ran; shaped as a real timeout', async () => {
      const lambda = service();
      const faults = faultRegistry();
      const c = contextWith(faults);
      faults.inject({ service: 'lambda', operation: 'Invoke', nth: 2, timeout: true });
      expect(payload(await invokeFlaky(lambda, c, 'nth'))).toEqual({ attempts: 1 });
      const started = Date.now();
      const timedOut = await invokeFlaky(lambda, c, 'nth');
      expect(Date.now() - started).toBeLessThan(1000); // the function's timeout is 3 s: no wait
      expect(timedOut).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
      expect(payload(timedOut)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds', trace: expect.any(Array) });
      // The timed-out invocation did its work: the next one is the third attempt, and succeeds.
      expect(payload(await invokeFlaky(lambda, c, 'nth'))).toEqual({ attempts: 3 });
      expect(lambda.invocationStats().find((s) => s.function === 'onair-dev-flaky')).toMatchObject({ invocations: 3, errors: 1 });
      expect(faults.list()[0]).toMatchObject({ seen: 3, fired: 1 });
      // Same shape as a real timeout.
      const real = payload(await lambda.operations.Invoke({ FunctionName: 'onair-dev-slow' }, ctx)) as Record<string, unknown>;
      expect(Object.keys(payload(timedOut) as object).sort()).toEqual(Object.keys(real).sort());
    });

    it('honours times, always and match (FunctionName); DryRun is not counted; Event invocations time out too', async () => {
      const lambda = service();
      const faults = faultRegistry();
      const c = contextWith(faults);
      const twice = faults.inject({ service: 'lambda', timeout: true, times: 2 });
      expect(await lambda.operations.Invoke({ FunctionName: 'onair-dev-flaky', InvocationType: 'DryRun' }, c)).toEqual({ StatusCode: 204 });
      const outcomes = [];
      for (let i = 0; i < 3; i += 1) outcomes.push((await invokeFlaky(lambda, c, 'times')).FunctionError ?? 'ok');
      expect(outcomes).toEqual(['Unhandled', 'Unhandled', 'ok']);
      faults.remove(twice.id);

      faults.inject({ service: 'lambda', operation: 'Invoke', timeout: true, always: true, match: { FunctionName: 'onair-dev-cb' } });
      for (let i = 0; i < 3; i += 1) {
        expect(payload(await lambda.operations.Invoke({ FunctionName: 'onair-dev-cb', Payload: Buffer.from('{"n":1}') }, c))).toMatchObject({ errorType: 'Sandbox.Timedout' });
      }
      expect((await invokeFlaky(lambda, c, 'match')).FunctionError).toBeUndefined();
      expect(lambda.invocationStats().find((s) => s.function === 'onair-dev-cb')).toMatchObject({ invocations: 3, errors: 3 });

      // An Event invocation is accepted (202) and its timeout shows in the invocation stats.
      expect(await lambda.operations.Invoke({ FunctionName: 'onair-dev-cb', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }, c)).toEqual({ StatusCode: 202 });
      for (let i = 0; i < 100 && lambda.invocationStats().find((s) => s.function === 'onair-dev-cb')?.invocations !== 4; i += 1) await new Promise((r) => setTimeout(r, 5));
      expect(lambda.invocationStats().find((s) => s.function === 'onair-dev-cb')).toMatchObject({ invocations: 4, errors: 4 });
    });
  });
});
