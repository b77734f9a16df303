/**
 * MediaLive's request budget (functions/lib/admission.ts) on dynalite (real conditional writes and
 * ADD), with the clock in the test's hands: every request admitted is one AWS's token bucket
 * (MediaLive UG "Limits for API requests": 5 TPS, burst 30; lib/aws-quotas.ts) would accept, each
 * turn is taken once under concurrency, and a full queue backs off without taking a turn.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { API_RATE_LIMITS } from '../../../lib/aws-quotas';
import { CreationClaims, RequestBudget, type AdmissionDeps } from '../../../functions/lib/admission';
import { AwsThrottledError } from '../../../functions/lib/errors';
import { TokenBucket } from '../../../local/core/ratelimit';

let server: Server;
let ddb: DynamoDBDocumentClient;
let writes = 0;
const { tps, burst } = API_RATE_LIMITS.medialive;
const T = 1000 / tps;

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no types
  const dynalite = require('dynalite') as (o: object) => Server;
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand({ TableName: 'admission', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'S' }] }));
  const doc = DynamoDBDocumentClient.from(client);
  ddb = { send: (async (cmd: never) => { writes++; return doc.send(cmd); }) } as unknown as DynamoDBDocumentClient;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let keySeq = 0;
/** A fresh budget (its own item) on a clock the test moves; sleeps are recorded, not waited. */
function budget(over: Partial<AdmissionDeps> = {}) {
  const clock = { now: Date.parse('2026-12-04T20:00:00Z') };
  const slept: number[] = [];
  const b = new RequestBudget(`medialive-${++keySeq}`, {
    ddb, tableName: 'admission', rate: { tps, burst }, maxQueueMs: 60_000,
    now: () => clock.now, sleep: async (ms) => { slept.push(ms); },
    ...over,
  });
  return { b, clock, slept };
}

test('a burst goes at once, then one request per 1/tps: the 31st waits 200 ms, the 32nd 400 ms', async () => {
  const { b } = budget();
  const waits: number[] = [];
  for (let i = 0; i < burst + 3; i++) waits.push((await b.admit()).waitedMs);
  expect(waits.slice(0, burst)).toEqual(Array(burst).fill(0));
  expect(waits.slice(burst)).toEqual([T, 2 * T, 3 * T]);
});

test('concurrent requests each take a different turn (no two go at the same time past the burst)', async () => {
  const { b } = budget();
  const waits = (await Promise.all(Array.from({ length: 60 }, () => b.admit()))).map((a) => a.waitedMs).sort((x, y) => x - y);
  expect(waits.slice(0, burst)).toEqual(Array(burst).fill(0));
  expect(waits.slice(burst)).toEqual(Array.from({ length: 60 - burst }, (_, i) => (i + 1) * T));
});

test("every request admitted is one AWS's token bucket accepts at the time it goes, arrivals spread or bunched", async () => {
  const { b, clock } = budget();
  const start = clock.now;
  const goTimes: number[] = [];
  // 400 requests: bunches of 40 every 2 s (a flood of provisions) then a trickle.
  for (let i = 0; i < 400; i++) {
    clock.now = start + (i < 200 ? Math.floor(i / 40) * 2000 : 10_000 + (i - 200) * 150);
    const { waitedMs } = await b.admit();
    goTimes.push(clock.now + waitedMs);
  }
  const aws = { t: start };
  const bucket = new TokenBucket({ now: () => aws.t } as never, tps, burst);
  const refused = goTimes.sort((x, y) => x - y).filter((t) => { aws.t = t; return !bucket.take(); });
  expect(refused).toEqual([]);
  // And the budget is used, not wasted: the last request goes no later than the bucket allows.
  const floor = start + ((400 - burst) * T);
  expect(goTimes[goTimes.length - 1]).toBeLessThanOrEqual(Math.max(floor, start + 10_000 + 199 * 150) + T);
});

test('a full queue backs off with AwsThrottledError and takes no turn; the next request after a wait goes', async () => {
  const { b, clock } = budget({ maxQueueMs: 1000 });
  for (let i = 0; i < burst + 5; i++) await b.admit(); // the 35th waits exactly 1000 ms
  await expect(b.admit()).rejects.toBeInstanceOf(AwsThrottledError);
  await expect(b.admit()).rejects.toThrow(/backing off/);
  clock.now += T;
  expect((await b.admit()).waitedMs).toBe(1000);
});

test('an idle budget admits with one write; a queued one with one write too', async () => {
  const { b, clock } = budget();
  await b.admit();
  clock.now += 60_000;
  writes = 0;
  expect(await b.admit()).toEqual({ waitedMs: 0, queued: true });
  expect(writes).toBe(1);
  for (let i = 0; i < burst; i++) await b.admit();
  writes = 0;
  expect((await b.admit()).waitedMs).toBeGreaterThan(0);
  expect(writes).toBe(1);
});

test('a budget that cannot be reached lets the request go unqueued and says so', async () => {
  const unavailable: unknown[] = [];
  const { b } = budget({ tableName: 'no-such-table', onUnavailable: (e) => unavailable.push(e) });
  expect(await b.admit()).toEqual({ waitedMs: 0, queued: false });
  expect(unavailable).toHaveLength(1);
  expect((unavailable[0] as Error).name).toBe('ResourceNotFoundException');
});

test('an unlimited rate (the local cloud on a manual clock) needs no turn and no write', async () => {
  writes = 0;
  const { b } = budget({ rate: { tps: Number.POSITIVE_INFINITY, burst } });
  expect(await b.admit()).toEqual({ waitedMs: 0, queued: false });
  expect(writes).toBe(0);
});

describe('creation claims (one input security group for provisions that start together)', () => {
  function claims(hold = 30_000) {
    const clock = { now: Date.parse('2026-12-04T20:00:00Z') };
    const c = new CreationClaims({ ddb, tableName: 'admission', holdMs: hold, pollMs: 1000, now: () => clock.now, sleep: async (ms) => { clock.now += ms; } });
    return { c, clock };
  }

  test('the first claims and creates; one waiting meanwhile gets what it settles on', async () => {
    const { c, clock } = claims();
    const key = `isg-${++keySeq}`;
    expect(await c.claim(key, 'ch-1')).toEqual({ mine: true });
    const started = clock.now;
    const waiting = c.claim(key, 'ch-2');
    await c.settle(key, 'ch-1', '4242');
    expect(await waiting).toEqual({ mine: false, id: '4242' });
    expect(clock.now - started).toBeLessThan(30_000);
    // Later arrivals get it at once; the holder's own retry is still the holder.
    expect(await c.claim(key, 'ch-3')).toEqual({ mine: false, id: '4242' });
    expect(await c.claim(key, 'ch-1')).toEqual({ mine: true });
  });

  test('a holder that never settles holds the others back only until the claim is stale; then it is taken over', async () => {
    const { c, clock } = claims(30_000);
    const key = `isg-${++keySeq}`;
    await c.claim(key, 'ch-1');
    const started = clock.now;
    expect(await c.claim(key, 'ch-2')).toEqual({ mine: false });
    expect(clock.now - started).toBeGreaterThanOrEqual(30_000);
    clock.now += 1;
    expect(await c.claim(key, 'ch-3')).toEqual({ mine: true });
    // The slow first holder can no longer settle what ch-3 now holds.
    await c.settle(key, 'ch-1', '1');
    await c.settle(key, 'ch-3', '3');
    expect(await c.claim(key, 'ch-4')).toEqual({ mine: false, id: '3' });
  });

  test('an unreachable table: every caller goes its own way, and says so', async () => {
    const seen: unknown[] = [];
    const c = new CreationClaims({ ddb, tableName: 'no-such-table', holdMs: 1000, pollMs: 100, onUnavailable: (e) => seen.push(e) });
    expect(await c.claim('k', 'ch-1')).toEqual({ mine: false });
    expect(seen).toHaveLength(1);
  });
});
