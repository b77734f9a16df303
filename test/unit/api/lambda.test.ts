/**
 * The deployed handlers: API Gateway HTTP API payload 2.0 in, the dispatcher's answer out. Each
 * function serves exactly the routes serverless.yml sends it (the others are 404 there).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { loadWorkflows } from '../../../local/onair/workflows';
import { toApiRequest } from '../../../functions/lib/api/lambda';
import { record, validCreateBody } from './harness';

const workflows = loadWorkflows();
type Handler = (event: APIGatewayProxyEventV2, context: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
const context = { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 10_000 };

function event(method: string, path: string, body?: unknown, base64 = false): APIGatewayProxyEventV2 {
  const raw = body === undefined ? undefined : JSON.stringify(body);
  return {
    version: '2.0', routeKey: `${method} ${path}`, rawPath: path, rawQueryString: '',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'abcdefgh-1' },
    requestContext: {
      accountId: '111122223333', apiId: 'api', domainName: 'api.example', domainPrefix: 'api', requestId: 'id', routeKey: `${method} ${path}`,
      stage: '$default', time: '', timeEpoch: 0, http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
    },
    isBase64Encoded: base64,
    ...(raw !== undefined ? { body: base64 ? Buffer.from(raw).toString('base64') : raw } : {}),
  };
}

let ddb: ReturnType<typeof mockClient>;
let sfn: ReturnType<typeof mockClient>;
const handlers: Record<string, Handler> = {};

beforeAll(async () => {
  for (const [k, v] of Object.entries(workflows.functions.apiChannels.env)) if (!k.startsWith('POWERTOOLS_')) process.env[k] = v;
  ddb = mockClient(DynamoDBDocumentClient);
  sfn = mockClient(SFNClient);
  for (const key of ['apiChannels', 'apiRead', 'apiBroadcasts']) {
    const fn = workflows.functions[key];
    handlers[key] = ((await import(fn.modulePath)) as Record<string, Handler>)[fn.exportName];
  }
});
beforeEach(() => { ddb.reset(); sfn.reset(); });

describe('toApiRequest', () => {
  it('lower-cases headers and decodes a base64 body', () => {
    const req = toApiRequest(event('POST', '/channels', { a: 1 }, true));
    expect(req).toMatchObject({ method: 'POST', path: '/channels', body: '{"a":1}' });
    expect(req.headers['idempotency-key']).toBe('abcdefgh-1');
  });
});

describe('deployed handlers', () => {
  it('apiChannels creates a channel with the stage table and state machine', async () => {
    ddb.on(PutCommand).resolves({});
    // The capacity check (functions/lib/capacity.ts) scans the stage's channels first.
    ddb.on(ScanCommand).resolves({ Items: [] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const res = await handlers.apiChannels(event('POST', '/channels', validCreateBody, true), context);
    expect(res.statusCode).toBe(202);
    expect(ddb.commandCalls(ScanCommand).map((c) => (c.args[0] as ScanCommand).input.TableName)).toEqual(['onair-dev-channels']);
    expect(res.headers.location).toBe('/channels/show-1');
    const puts = ddb.commandCalls(PutCommand).map((c) => (c.args[0] as PutCommand).input.TableName);
    expect(puts).toEqual(['onair-dev-idempotency', 'onair-dev-channels']);
    expect((sfn.commandCalls(StartExecutionCommand)[0].args[0] as StartExecutionCommand).input.stateMachineArn).toBe(workflows.stateMachines.provision.arn);
  });

  it('apiRead answers GET /channels/{id}', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    const res = await handlers.apiRead(event('GET', '/channels/show-1'), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ channelId: 'show-1', status: 'IDLE' });
  });

  it.each([
    ['apiRead', 'POST', '/channels'],
    ['apiChannels', 'GET', '/channels'],
    ['apiBroadcasts', 'DELETE', '/channels/show-1'],
  ])('%s does not serve %s %s', async (key, method, path) => {
    const res = await handlers[key](event(method, path, method === 'POST' ? validCreateBody : undefined), context);
    expect(res.statusCode).toBe(404);
  });

  it('serverless.yml routes each API path to the function that serves it', () => {
    const served: Record<string, string[]> = {
      apiChannels: ['POST /channels', 'POST /channels/{id}/start', 'POST /channels/{id}/stop', 'DELETE /channels/{id}'],
      apiRead: ['GET /channels', 'GET /channels/{id}', 'GET /channels/{id}/events', 'GET /channels/{id}/broadcasts'],
      apiBroadcasts: ['POST /channels/{id}/broadcasts', 'PUT /channels/{id}/broadcasts/{broadcastId}', 'DELETE /channels/{id}/broadcasts/{broadcastId}', 'POST /broadcasts'],
    };
    const doc = parse(readFileSync(join(__dirname, '../../../serverless.yml'), 'utf8'), { merge: true }) as { functions: Record<string, { events?: { httpApi?: { method: string; path: string; authorizer?: unknown } }[] }> };
    for (const [key, routes] of Object.entries(served)) {
      const events = (doc.functions[key].events ?? []).map((e) => e.httpApi).filter(Boolean) as { method: string; path: string; authorizer?: unknown }[];
      expect(events.map((e) => `${e.method} ${e.path}`)).toEqual(routes);
      for (const e of events) expect(e.authorizer).toBe('${self:custom.apiAuthorizer}');
    }
  });
});
