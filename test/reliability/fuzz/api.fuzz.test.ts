/**
 * Hostile input against every API route, through the same dispatcher the Lambda handlers and the
 * local API serve (functions/lib/api): fast-check generates malformed, oversized, wrongly typed,
 * injection-laden and boundary bodies, path parameters, query strings and headers. Every answer
 * must be a 4xx in the API's error shape — never a 5xx, never a 2xx — with no stack trace,
 * internal path or credential in it or in any log line, and nothing may be created or started:
 * the AWS clients are fakes that record every command, and only reads are allowed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import type { ApiDeps } from '../../../functions/lib/api/deps';
import { createDispatcher, MAX_BODY_BYTES, type ApiRequest } from '../../../functions/lib/api/http';
import { IdempotencyStore } from '../../../functions/lib/api/idempotency';
import { bindRoutes } from '../../../functions/lib/api/routes';
import { routes } from '../../../functions/lib/api/schemas';
import { loadLifecycleSettings } from '../../../functions/lib/api/settings';
import { logger } from '../../../functions/lib/logger';
import { ChannelRegistry } from '../../../functions/lib/channel/registry';
import { recordFigures } from '../lib/figures';
import { hostileString, hostileValue, leaks, SECRET_ACCESS_KEY, captureLogs } from './hostile';

const READS = /^(Get|Describe|List|Scan|Query)/;
const credentials = { accessKeyId: 'AKIAFUZZEXAMPLE', secretAccessKey: SECRET_ACCESS_KEY };
const SM = (n: string) => `arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-${n}`;

const ddbMock = mockClient(DynamoDBDocumentClient);
const sfnMock = mockClient(SFNClient);
const schedulerMock = mockClient(SchedulerClient);

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials }));
const deps: ApiDeps = {
  registry: new ChannelRegistry({ ddb, tableName: 'onair-dev-channels' }),
  ddb,
  channelsTable: 'onair-dev-channels',
  idempotency: new IdempotencyStore({ ddb, tableName: 'onair-dev-idempotency', now: () => new Date() }),
  sfn: new SFNClient({ region: 'us-east-1', credentials }),
  scheduler: new SchedulerClient({ region: 'us-east-1', credentials }),
  settings: loadLifecycleSettings({
    PROVISION_STATE_MACHINE_ARN: SM('provision'), START_STATE_MACHINE_ARN: SM('start'), STOP_STATE_MACHINE_ARN: SM('stop'),
    TEARDOWN_STATE_MACHINE_ARN: SM('teardown'), SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/s',
    SCHEDULES_DLQ_ARN: 'arn:aws:sqs:us-east-1:111122223333:dlq', IDEMPOTENCY_TABLE: 'onair-dev-idempotency',
  }),
  now: () => new Date(),
};
const dispatch = createDispatcher(Object.values(bindRoutes(deps)));

const stats = { inputs: 0, fiveXx: 0, twoXx: 0, byStatus: {} as Record<number, number>, writes: 0, leaks: 0 };
const perRoute: Record<string, number> = {};

// Log everything while fuzzing, so the leak scan of log lines has lines to scan.
beforeAll(() => logger.setLogLevel('DEBUG'));

beforeEach(() => {
  // An empty registry: every read finds nothing. Writes are recorded and fail the property.
  ddbMock.reset(); sfnMock.reset(); schedulerMock.reset();
  ddbMock.onAnyCommand().resolves({});
  ddbMock.on(ScanCommand).resolves({ Items: [] });
  sfnMock.onAnyCommand().resolves({});
  schedulerMock.onAnyCommand().resolves({});
});

afterAll(() => {
  recordFigures('fuzz', {
    fiveXx: stats.fiveXx,
    api: { ...stats, perRoute },
    headline: {
      'API requests (every route, hostile params/query/headers/bodies)': stats.inputs,
      'routes fuzzed': Object.keys(perRoute).length,
      '5xx answers': stats.fiveXx,
      '2xx answers': stats.twoXx,
      'writes/starts sent to AWS': stats.writes,
      'answers leaking a stack, path or credential': stats.leaks,
      'answers by status': Object.entries(stats.byStatus).map(([k, v]) => `${k}: ${v}`).join(', '),
    },
  });
});

function writesSent(): string[] {
  return [ddbMock, sfnMock, schedulerMock].flatMap((m) => m.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name))
    .filter((name) => !READS.test(name));
}

/** A path parameter: hostile strings, boundary-length ids, encodings, traversal. */
// Never empty: an empty segment is another route (the unknown-path property covers those).
const pathParam = fc.oneof(
  hostileString.filter((x) => x !== ''),
  fc.constantFrom('..', '%2e%2e', '%2F', 'a', 'ab', 'A-B', '-abc', 'abc-', 'x'.repeat(41), 'x'.repeat(5000), '%', '%zz', 'abc%00', 'ch%2Fx'),
  fc.string({ minLength: 41, maxLength: 300 }),
);

function fill(path: string, values: string[]): string {
  let i = 0;
  return path.replace(/\{\w+\}/g, () => {
    const v = values[i++] ?? 'x';
    // A lone surrogate cannot be percent-encoded: send it raw (the gateway would pass bytes through).
    try { return encodeURIComponent(v).replace(/%25/g, '%'); } catch { return v; }
  });
}

const headers = fc.dictionary(
  fc.oneof(fc.constantFrom('idempotency-key', 'content-type', 'authorization', 'x-amz-date', 'host', 'content-length'), fc.string({ maxLength: 30 })),
  fc.oneof(hostileString, fc.constantFrom('', 'x'.repeat(10_000), '\u0000', 'application/json; charset=utf-7')),
  { maxKeys: 6 },
);
// At least one entry, none valid (a route with a query schema must reject it; others ignore it).
const query = fc.dictionary(fc.oneof(fc.constantFrom('status', 'limit', 'cursor', 'nextToken'), fc.string({ maxLength: 20 })), fc.oneof(hostileString, fc.constantFrom('-1', '0', '1e309', 'NaN', '101', '9'.repeat(400))), { minKeys: 1, maxKeys: 4 })
  .filter((q) => !Object.entries(q).every(([k, v]) => (k === 'status' && /^[A-Z_]+$/.test(v)) || (k === 'limit' && /^\s*\d+\s*$/.test(v) && Number(v) >= 1 && Number(v) <= 100)));

/** Bodies that must never validate: malformed JSON, wrong types, hostile values, oversize. */
const badBody = fc.oneof(
  fc.constantFrom('', ' ', '{', '[', 'null', 'true', '0', '"x"', '{"a":', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '\u0000'),
  hostileValue.map((v) => JSON.stringify(v)).filter((s) => s !== undefined),
  fc.record({ channelId: hostileString, profile: hostileValue, start: hostileValue }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ startAt: hostileValue, endAt: hostileValue, leadSeconds: hostileValue, teardownAfter: hostileValue }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.integer({ min: MAX_BODY_BYTES + 1, max: MAX_BODY_BYTES * 3 }).map((n) => JSON.stringify({ channelId: 'a'.repeat(n) })),
);

const specs = Object.values(routes as Record<string, { operationId: string; method: string; path: string; body?: unknown }>);

describe('every API route under hostile input', () => {
  it('covers every route of the schema table', () => {
    expect(specs.length).toBeGreaterThanOrEqual(11);
  });

  it.each(specs.map((s) => [s.operationId, s] as const))('%s: only 4xx, nothing created or started, nothing leaked', async (id, spec) => {
    const logs = captureLogs();
    try {
      await fc.assert(fc.asyncProperty(
        fc.array(pathParam, { minLength: 2, maxLength: 2 }), headers, query, badBody, fc.boolean(),
        async (params, hdrs, q, body, validIdWithBadBody) => {
          ddbMock.resetHistory(); sfnMock.resetHistory(); schedulerMock.resetHistory();
          // Half the cases with a well-formed id, so the body/header/query validation is what is hit.
          const path = fill(spec.path, validIdWithBadBody && spec.body ? ['fuzz-channel', 'b1'] : params);
          const req: ApiRequest = { method: spec.method, path, headers: { ...hdrs }, query: q, ...(spec.body || !validIdWithBadBody ? { body } : {}) };
          const res = await dispatch(req);
          stats.inputs += 1;
          perRoute[id] = (perRoute[id] ?? 0) + 1;
          stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
          if (res.statusCode >= 500) stats.fiveXx += 1;
          if (res.statusCode < 400) stats.twoXx += 1;
          const sent = writesSent();
          stats.writes += sent.length;
          const leaked = leaks(res.body);
          if (leaked) stats.leaks += 1;
          expect({ status: res.statusCode >= 400 && res.statusCode < 500, sent, leaked }).toEqual({ status: true, sent: [], leaked: undefined });
          const err = JSON.parse(res.body) as { error?: unknown; message?: unknown };
          expect(typeof err.error).toBe('string');
          expect(typeof err.message).toBe('string');
        },
      ), { numRuns: 500, seed: 20261124 });
    } finally {
      logs.stop();
    }
    expect(logs.lines.filter((l) => leaks(l) !== undefined)).toEqual([]);
  }, 120_000);

  it('an unknown method or path is a 404/405 in the same shape, for every method', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'get', 'FOO'),
      fc.oneof(hostileString.map((s) => `/${s}`), fc.constantFrom('/', '//channels', '/channels/x/y/z', '/channels/../admin', '/CHANNELS', '/channels%2fx')),
      async (method, path) => {
        const res = await dispatch({ method, path, headers: {}, query: {} });
        stats.inputs += 1;
        stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 500) stats.fiveXx += 1;
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(leaks(res.body)).toBeUndefined();
        expect(writesSent()).toEqual([]);
      },
    ), { numRuns: 300, seed: 7 });
  });
});
