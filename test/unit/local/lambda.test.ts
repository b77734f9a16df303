import { join } from 'node:path';
import { LambdaService } from '../../../local/services/lambda';
import type { OpContext } from '../../../local/core/types';

const fixtures = join(__dirname, 'fixtures', 'handlers');
const ctx = {} as OpContext; // the Lambda behaviour reads nothing from the request context

function service(): LambdaService {
  const lambda = new LambdaService({ region: 'us-east-1', accountId: '111122223333' });
  for (const [name, exportName, timeout] of [['ctx', 'context', 3], ['cb', 'callbackStyle', 3], ['boom', 'boom', 3], ['slow', 'slow', 0.05]] as const) {
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
    expect(lambda.operations.ListFunctions().Functions).toHaveLength(4);
  });
});
