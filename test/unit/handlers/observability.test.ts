/**
 * OnAir's own metrics (functions/lib/metrics.ts) from the steps that record them, and log
 * correlation (functions/lib/handler.ts, functions/lib/logger.ts): every line of a workflow step
 * names its channel, execution and step; an API request's lines carry the request id and channel.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler as validate } from '../../../functions/channel/validate';
import { handler as markOnAir } from '../../../functions/channel/markOnAir';
import { handler as markDeleted } from '../../../functions/channel/markDeleted';
import { handler as recordFailure } from '../../../functions/channel/recordFailure';
import { httpApiHandler } from '../../../functions/lib/api/lambda';
import { bind } from '../../../functions/lib/api/http';
import { routes } from '../../../functions/lib/api/schemas';
import { logger } from '../../../functions/lib/logger';
import { flushedMetrics, METRIC, recordMetric } from '../../../functions/lib/metrics';
import { stepHandler } from '../../../functions/lib/handler';
import { channelInput } from '../../../functions/lib/workflow';
import { executionNameOf } from '../../../functions/lib/ids';
import { channelRecord, lambdaContext } from './record';

process.env.CHANNELS_TABLE = 'onair-test-channels';
process.env.ONAIR_STAGE = 'test';
process.env.DELIVERY_DOMAIN = 'd111111abcdef8.cloudfront.net';
const ddb = mockClient(DynamoDBDocumentClient);
mockClient(SFNClient);
const provisionArn = 'arn:aws:states:us-east-1:111122223333:execution:onair-test-provision:provision-show-1-g1';
const teardownArn = 'arn:aws:states:us-east-1:111122223333:execution:onair-test-teardown:teardown-show-1-abc';

/** The keys a step put on its log lines (Powertools' appendKeys; the lines themselves are silenced in tests). */
function appendedKeys(spy: jest.SpyInstance): Record<string, unknown> {
  return Object.assign({}, ...spy.mock.calls.map((c) => c[0] as Record<string, unknown>));
}

let keys: jest.SpyInstance;
beforeEach(() => {
  ddb.reset();
  keys = jest.spyOn(logger, 'appendKeys');
});
afterEach(() => keys.mockRestore());

describe('provision metrics', () => {
  it('validate: ProvisionsStarted with stage and profile; its lines name the channel, the execution and the step', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(ScanCommand).resolves({ Items: [] });
    await validate({ request: { channelId: 'show-1', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } }, execution: { arn: provisionArn, startedAt: '2026-11-24T18:00:00Z' } }, lambdaContext as never);
    expect(flushedMetrics()).toEqual([{ name: 'ProvisionsStarted', value: 1, dimensions: { stage: 'test', profile: 'default' } }]);
    expect(appendedKeys(keys)).toMatchObject({ step: 'validate', channelId: 'show-1', executionName: 'provision-show-1-g1', executionArn: provisionArn });
  });

  it('markOnAir: TimeToOnAir in seconds from the provision execution start, and ProvisionsSucceeded; the execution read from the record', async () => {
    const startedAt = new Date(Date.now() - 95_000).toISOString();
    ddb.on(GetCommand).resolves({ Item: channelRecord({ execution: { workflow: 'provision', arn: provisionArn, startedAt } }) });
    ddb.on(UpdateCommand).resolves({});
    await markOnAir({ channelId: 'show-1', started: true }, lambdaContext as never);
    const flushed = flushedMetrics();
    expect(flushed.map((m) => m.name)).toEqual(['ProvisionsSucceeded', 'TimeToOnAir']);
    const time = flushed.find((m) => m.name === 'TimeToOnAir')!;
    expect(time.dimensions).toEqual({ stage: 'test', profile: 'default' });
    expect(time.value).toBeGreaterThanOrEqual(95);
    expect(time.value).toBeLessThan(100);
    expect(METRIC.TimeToOnAir.unit).toBe('Seconds');
    expect(appendedKeys(keys)).toMatchObject({ step: 'markOnAir', channelId: 'show-1', executionName: 'provision-show-1-g1' });
  });

  it('markOnAir retried after its write, or in the start workflow: nothing counted again', async () => {
    ddb.on(GetCommand).resolves({ Item: channelRecord({ status: 'ON_AIR', execution: { workflow: 'provision', arn: provisionArn, startedAt: '2026-11-24T18:00:00Z' } }) });
    ddb.on(UpdateCommand).resolves({});
    await markOnAir({ channelId: 'show-1', started: true }, lambdaContext as never);
    expect(flushedMetrics()).toEqual([]);
    ddb.on(GetCommand).resolves({ Item: channelRecord({ status: 'STARTING', execution: { workflow: 'start', arn: provisionArn.replace('provision', 'start'), startedAt: '2026-11-24T18:00:00Z' } }) });
    await markOnAir({ channelId: 'show-1', started: true }, lambdaContext as never);
    expect(flushedMetrics()).toEqual([]);
  });

  it('recordFailure of a provision: ProvisionsRolledBack; of a provision that wrote no record: nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: channelRecord({ execution: { workflow: 'provision', arn: provisionArn, startedAt: '2026-11-24T18:00:00Z' } }) });
    ddb.on(UpdateCommand).resolves({});
    await recordFailure({ channelId: 'show-1', workflow: 'provision', failed: { step: 'createChannel', error: { Error: 'ConflictException', Cause: 'x' } } }, lambdaContext as never);
    expect(flushedMetrics()).toEqual([{ name: 'ProvisionsRolledBack', value: 1, dimensions: { stage: 'test', profile: 'default' } }]);
    ddb.on(GetCommand).resolves({});
    await recordFailure({ channelId: 'show-1', workflow: 'provision', failed: { step: 'validate', error: { Error: 'ValidationError', Cause: 'x' } } }, lambdaContext as never);
    expect(flushedMetrics()).toEqual([]);
  });

  it('markDeleted: TeardownSeconds from the teardown execution start on the record', async () => {
    const startedAt = new Date(Date.now() - 300_000).toISOString();
    ddb.on(GetCommand).resolves({ Item: channelRecord({ status: 'TEARING_DOWN', resources: { packager: { kind: 'mediapackage-v2', originEndpoints: {} }, alarms: {} }, execution: { workflow: 'teardown', arn: teardownArn, startedAt } }) });
    ddb.on(UpdateCommand).resolves({});
    await markDeleted({ channelId: 'show-1' }, lambdaContext as never);
    const [teardown] = flushedMetrics();
    expect(teardown).toMatchObject({ name: 'TeardownSeconds', dimensions: { stage: 'test', profile: 'default' } });
    expect(teardown!.value).toBeGreaterThanOrEqual(300);
    expect(appendedKeys(keys)).toMatchObject({ step: 'markDeleted', executionName: 'teardown-show-1-abc', executionArn: teardownArn });
  });

  it('a step that fails still flushes what it recorded', async () => {
    const failing = stepHandler('failing', channelInput, async () => {
      recordMetric('ProvisionsRolledBack', 1, { profile: 'default' });
      throw new Error('after recording');
    });
    await expect(failing({ channelId: 'show-1' }, lambdaContext as never)).rejects.toThrow('after recording');
    expect(flushedMetrics()).toEqual([{ name: 'ProvisionsRolledBack', value: 1, dimensions: { stage: 'test', profile: 'default' } }]);
  });
});

describe('API requests', () => {
  const handler = httpApiHandler([bind(routes.getChannel, async ({ params }) => ({ status: 200, body: { channelId: params.id } }))]);
  const event = (path: string, routeKey: string, pathParameters?: Record<string, string>): APIGatewayProxyEventV2 => ({
    version: '2.0', routeKey, rawPath: path, rawQueryString: '', headers: {}, isBase64Encoded: false,
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: { requestId: 'api-req-7', http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' } } as APIGatewayProxyEventV2['requestContext'],
  });

  it('ApiRequests by route template and status; the lines carry the request id and the channel', async () => {
    const res = await handler(event('/channels/show-1', 'GET /channels/{id}', { id: 'show-1' }), lambdaContext as never);
    expect(res.statusCode).toBe(200);
    expect(flushedMetrics()).toEqual([{ name: 'ApiRequests', value: 1, dimensions: { stage: 'test', route: 'GET /channels/{id}', status: '200' } }]);
    expect(appendedKeys(keys)).toMatchObject({ requestId: 'api-req-7', channelId: 'show-1', route: 'GET /channels/{id}' });
  });

  it('an unknown route counts under its route key with the status it got', async () => {
    await handler(event('/nope', '$default'), lambdaContext as never);
    expect(flushedMetrics()).toEqual([{ name: 'ApiRequests', value: 1, dimensions: { stage: 'test', route: '$default', status: '404' } }]);
  });
});

describe('executionNameOf', () => {
  it('reads the name from a standard and an express execution ARN, and nothing from another ARN', () => {
    expect(executionNameOf(provisionArn)).toBe('provision-show-1-g1');
    expect(executionNameOf('arn:aws:states:us-east-1:111122223333:express:sm:name-1:run-id')).toBe('name-1');
    expect(executionNameOf('arn:aws:states:us-east-1:111122223333:stateMachine:sm')).toBeUndefined();
  });
});
