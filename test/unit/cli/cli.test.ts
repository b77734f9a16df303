/**
 * The CLI against a fake API server on a loopback port: the server checks every request's SigV4
 * signature with the same credentials (so the CLI really signs), records what was asked and
 * answers from a script. Asserts requests, output and exit codes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { main } from '../../../cli/main';
import { parseArgs, UsageError, EXIT } from '../../../cli/args';
import { verifySignature } from '../../../local/onair/api/auth';

const credentials = { accessKeyId: 'AKIDCLITEST', secretAccessKey: 'cli-secret' };

interface Seen { method: string; path: string; query: Record<string, string>; body?: unknown; headers: Record<string, string | undefined> }
type Reply = { status: number; body?: unknown };

let server: Server;
let url: string;
let seen: Seen[] = [];
let script: ((req: Seen) => Reply | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => { raw += c.toString(); });
    req.on('end', () => {
      void (async () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const query: Record<string, string> = {};
        u.searchParams.forEach((v, k) => { query[k] = v; });
        const headers = req.headers as Record<string, string | undefined>;
        try {
          await verifySignature({ method: req.method ?? 'GET', path: u.pathname, query, headers, body: raw }, credentials, 'us-east-1');
        } catch (e) {
          res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Forbidden', message: (e as Error).message, details: [] }));
          return;
        }
        const s: Seen = { method: req.method ?? '', path: u.pathname, query, headers, ...(raw ? { body: JSON.parse(raw) } : {}) };
        seen.push(s);
        const reply = script.map((f) => f(s)).find((r) => r !== undefined) ?? { status: 500, body: { error: 'InternalError', message: 'unscripted', details: [] } };
        res.writeHead(reply.status, { 'content-type': 'application/json', date: 'Tue, 24 Nov 2026 12:00:00 GMT' }).end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => { seen = []; script = []; });

async function cli(args: string[], creds = credentials) {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--endpoint', url, '--poll-ms', '1'], {
    stdout: { write: (t: string) => { stdout += t; } },
    stderr: { write: (t: string) => { stderr += t; }, isTTY: false },
    env: {},
    credentials: creds,
  });
  return { code, stdout, stderr };
}

const channel = (over: Record<string, unknown> = {}) => ({
  channelId: 'show-1', status: 'ON_AIR', desiredState: 'ON_AIR', profileName: 'default',
  playback: { hls: 'https://d1.cloudfront.net/out/v1/x/index.m3u8' }, ingestUrls: ['rtmp://1.2.3.4:1935/show-1/a'],
  alarms: { 'us-east-1': ['onair-show-1-cdn-5xx'] }, costGuard: {}, broadcasts: [], recoveryActions: [],
  createdAt: 'x', updatedAt: 'y', ...over,
});
const exec = (status: string, currentStep?: string) => ({ workflow: 'provision', executionArn: 'arn:exec:1', startedAt: 'x', status, ...(currentStep ? { currentStep } : {}) });

describe('argument parsing', () => {
  it.each([
    [['bogus'], /Unknown command/],
    [['status'], /exactly one channel id/],
    [['list', 'x'], /takes no positional/],
    [['create', '--colour', 'red'], /Unknown flag --colour/],
    [['status', 'a', '--cidr', '1.2.3.4/32'], /does not apply to "status"/],
    [['create', '--profile'], /needs a value/],
    [['schedule', 'show-1', '--start', '2026-12-01T19:00:00Z'], /--end/],
    [['schedule', 'show-1', '--start', 'a', '--end', 'b', '--lead', '10m'], /whole number/],
    [['schedule', 'show-1', '--start', 'a', '--end', 'b', '--profile', 'x'], /only applies with schedule --create/],
    [['stop', 'a', '--json=yes'], /takes no value/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('parses flags, repeats and = syntax', () => {
    expect(parseArgs(['create', '--id', 'show-1', '--cidr', '1.1.1.1/32', '--cidr=2.2.2.2/32', '--json'])).toEqual({
      command: 'create', flags: { id: 'show-1', json: true }, multi: { cidr: ['1.1.1.1/32', '2.2.2.2/32'] },
    });
  });

  it('exits 2 with usage on stderr', async () => {
    const r = await cli(['start']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/needs exactly one channel id/);
    expect(seen).toHaveLength(0);
  });
});

describe('create', () => {
  it('signs the request, follows the workflow step by step and ends with the URLs', async () => {
    let polls = 0;
    script.push((r) => (r.method === 'POST' && r.path === '/channels' ? { status: 202, body: { channelId: 'show-1', operation: 'provision', executionArn: 'arn:exec:1', location: '/channels/show-1' } } : undefined));
    script.push((r) => {
      if (r.method !== 'GET' || r.path !== '/channels/show-1') return undefined;
      polls += 1;
      if (polls === 1) return { status: 200, body: channel({ status: 'PROVISIONING', execution: exec('RUNNING', 'CreateChannel') }) };
      if (polls === 2) return { status: 200, body: channel({ status: 'PROVISIONING', execution: exec('RUNNING', 'WaitForRunning') }) };
      return { status: 200, body: channel({ execution: exec('SUCCEEDED', 'OnAir') }) };
    });
    const r = await cli(['create', '--id', 'show-1', '--cidr', '203.0.113.10/32', '--idempotency-key', 'booking-42-xyz']);
    expect(r.code).toBe(EXIT.OK);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/channels', body: { channelId: 'show-1', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } } });
    expect(seen[0].headers['idempotency-key']).toBe('booking-42-xyz');
    expect(seen[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDCLITEST\/\d{8}\/us-east-1\/execute-api\/aws4_request/);
    expect(r.stderr).toMatch(/provision · PROVISIONING · CreateChannel/);
    expect(r.stderr).toMatch(/provision · PROVISIONING · WaitForRunning/);
    expect(r.stdout).toMatch(/✔ provision done in .*: show-1 is ON_AIR/);
    expect(r.stdout).toContain('https://d1.cloudfront.net/out/v1/x/index.m3u8');
    expect(r.stdout).toContain('rtmp://1.2.3.4:1935/show-1/a');
  });

  it('ends with the cause and exit 1 when the workflow fails', async () => {
    script.push((r) => (r.method === 'POST' ? { status: 202, body: { channelId: 'show-1', operation: 'provision', executionArn: 'arn:exec:1', location: '/channels/show-1' } } : undefined));
    script.push(() => ({ status: 200, body: channel({ status: 'DELETED', execution: exec('FAILED'), failure: { step: 'createInput', error: 'ConflictException', cause: 'quota reached', at: 'x' } }) }));
    const r = await cli(['create', '--id', 'show-1']);
    expect(r.code).toBe(EXIT.FAILED);
    expect(r.stdout).toMatch(/✖ provision failed/);
    expect(r.stdout).toContain('Cause: createInput: quota reached');
  });

  it('prints the validation details and exits 2 on a 400', async () => {
    script.push(() => ({ status: 400, body: { error: 'ValidationError', message: 'Invalid profile', details: [{ field: 'body.overrides.input.allowedCidrs', message: 'required for RTMP_PUSH' }] } }));
    const r = await cli(['create']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('body.overrides.input.allowedCidrs: required for RTMP_PUSH');
  });

  it('--json prints the final channel as JSON and nothing else on stdout', async () => {
    script.push((r) => (r.method === 'POST' ? { status: 202, body: { channelId: 'show-1', operation: 'provision', executionArn: 'arn:exec:1', location: '/channels/show-1' } } : undefined));
    script.push(() => ({ status: 200, body: channel({ execution: exec('SUCCEEDED') }) }));
    const r = await cli(['create', '--json', '--id', 'show-1']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ channelId: 'show-1', status: 'ON_AIR', ok: true });
    expect(r.stderr).toBe('');
  });

  it('--no-wait returns once the workflow started', async () => {
    script.push(() => ({ status: 202, body: { channelId: 'show-1', operation: 'provision', executionArn: 'arn:exec:1', location: '/channels/show-1' } }));
    const r = await cli(['create', '--no-wait']);
    expect(r.code).toBe(0);
    expect(seen).toHaveLength(1);
    expect(r.stdout).toContain('onair status show-1');
  });
});

describe('exit codes from API answers', () => {
  it.each([
    [409, { error: 'Conflict', message: 'Channel show-1 is busy: stop is in progress', details: [] }, EXIT.NOT_FOUND_OR_CONFLICT, /stop is in progress/],
    [404, { error: 'NotFound', message: 'Channel show-1 does not exist', details: [] }, EXIT.NOT_FOUND_OR_CONFLICT, /does not exist/],
    [422, { error: 'UnprocessableEntity', message: 'startAt is in the past', details: [] }, EXIT.USAGE, /in the past/],
    [500, { error: 'InternalError', message: 'try again', details: [] }, EXIT.FAILED, /try again/],
  ])('%i → exit %#', async (status, body, code, message) => {
    script.push(() => ({ status, body }));
    const r = await cli(['start', 'show-1']);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('403 when signed with other credentials → exit 4', async () => {
    const r = await cli(['status', 'show-1'], { accessKeyId: 'AKIDCLITEST', secretAccessKey: 'wrong' });
    expect(r.code).toBe(EXIT.AUTH);
    expect(r.stderr).toMatch(/Forbidden \(403\)/);
  });

  it('an API that is not there → exit 5', async () => {
    const code = await main(['status', 'show-1', '--endpoint', 'http://127.0.0.1:9'], { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, credentials });
    expect(code).toBe(EXIT.UNREACHABLE);
  });

  it('a no-op start (already ON_AIR) exits 0', async () => {
    script.push(() => ({ status: 200, body: channel() }));
    const r = await cli(['start', 'show-1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('already ON_AIR');
  });
});

describe('list, status, schedule, broadcasts, events', () => {
  it('list --all follows the cursor and prints a table', async () => {
    script.push((r) => (r.query.cursor ? { status: 200, body: { items: [channel({ channelId: 'show-2', status: 'IDLE' })] } } : { status: 200, body: { items: [channel()], nextCursor: 'abc' } }));
    const r = await cli(['list', '--all', '--status', 'ON_AIR']);
    expect(r.code).toBe(0);
    expect(seen.map((s) => s.query)).toEqual([{ status: 'ON_AIR' }, { status: 'ON_AIR', cursor: 'abc' }]);
    expect(r.stdout.split('\n').filter((l) => /^show-/.test(l))).toHaveLength(2);
  });

  it('status prints the channel', async () => {
    script.push(() => ({ status: 200, body: channel({ costGuard: { maxOnAirMinutes: 120, stopScheduledAt: '2026-11-24T14:00:00.000Z' }, execution: { ...exec('SUCCEEDED', 'OnAir'), workflow: 'start' } }) }));
    const r = await cli(['status', 'show-1']);
    expect(r.stdout).toMatch(/Status\s+ON_AIR/);
    expect(r.stdout).toMatch(/Cost guard\s+stop after 120 min on air \(at 2026-11-24T14:00:00.000Z\)/);
    expect(r.stdout).toMatch(/Workflow\s+start SUCCEEDED at OnAir/);
    expect(r.stdout).toMatch(/Alarms\s+1 in us-east-1 \(names: --json\)/);
  });

  it('status prints the alarm states (those in ALARM by name) and the last notice', async () => {
    script.push(() => ({ status: 200, body: channel({
      alarmStates: [
        { name: 'onair-show-1-alarm-input-loss-p0', region: 'eu-west-1', state: 'ALARM', since: '2026-11-24T11:58:00.000Z' },
        { name: 'onair-show-1-alarm-active-alerts-p0', region: 'eu-west-1', state: 'OK' },
        { name: 'onair-show-1-alarm-cdn-5xx-rate', region: 'us-east-1', state: 'OK' },
      ],
      notices: [{ at: '2026-11-24T11:59:00.000Z', event: 'RECOVERY_NOTICE', subject: 'OnAir [dev]: input loss on show-1' }],
    }) }));
    const r = await cli(['status', 'show-1']);
    expect(r.stdout).toMatch(/Alarms\s+1 ALARM, 2 OK \(names: --json\)/);
    expect(r.stdout).toMatch(/ {2}in ALARM\s+onair-show-1-alarm-input-loss-p0 \(eu-west-1\) since 2026-11-24T11:58:00.000Z/);
    expect(r.stdout).toMatch(/Last notice\s+2026-11-24T11:59:00.000Z RECOVERY_NOTICE: OnAir \[dev\]: input loss on show-1/);
  });

  it('schedule posts the window to the channel', async () => {
    script.push(() => ({ status: 201, body: { broadcastId: 'b-12345678', channelId: 'show-1', schedules: [{ workflow: 'start', at: 'A' }, { workflow: 'teardown', at: 'B' }] } }));
    const r = await cli(['schedule', 'show-1', '--start', '2026-12-01T19:00:00Z', '--end', '2026-12-01T21:30:00Z', '--lead', '600', '--teardown']);
    expect(r.code).toBe(0);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/channels/show-1/broadcasts', body: { startAt: '2026-12-01T19:00:00Z', endAt: '2026-12-01T21:30:00Z', leadSeconds: 600, teardownAfter: true } });
    expect(r.stdout).toContain('Scheduled b-12345678 on show-1: start at A, teardown at B');
  });

  it('resolves relative times against the API clock (its Date header)', async () => {
    script.push((r) => (r.method === 'GET' ? { status: 200, body: { items: [] } } : { status: 201, body: { broadcastId: 'b-1', channelId: 'show-1', schedules: [] } }));
    const r = await cli(['schedule', 'show-1', '--start', '+10m', '--end', '+2h']);
    expect(r.code).toBe(0);
    const post = seen.find((s) => s.method === 'POST') as Seen;
    expect(post.body).toEqual({ startAt: '2026-11-24T12:10:00Z', endAt: '2026-11-24T14:00:00Z' });
  });

  it('schedule --move reschedules a broadcast', async () => {
    script.push(() => ({ status: 200, body: { broadcastId: 'b-12345678', channelId: 'show-1', schedules: [{ workflow: 'start', at: 'A' }, { workflow: 'stop', at: 'B' }] } }));
    const r = await cli(['schedule', 'show-1', '--move', 'b-12345678', '--start', '2026-12-01T19:00:00Z', '--end', '2026-12-01T21:00:00Z']);
    expect(r.code).toBe(0);
    expect(seen[0]).toMatchObject({ method: 'PUT', path: '/channels/show-1/broadcasts/b-12345678', body: { startAt: '2026-12-01T19:00:00Z', endAt: '2026-12-01T21:00:00Z' } });
    expect(r.stdout).toContain('Rescheduled b-12345678');
  });

  it('schedule --create plans a new channel', async () => {
    script.push(() => ({ status: 201, body: { channel: channel({ status: 'PLANNED' }), broadcast: { broadcastId: 'b-1', startAt: 'S', endAt: 'E', schedules: [{ at: 'P' }] }, location: '/channels/show-1' } }));
    const r = await cli(['schedule', '--create', '--id', 'show-1', '--cidr', '203.0.113.10/32', '--start', 'S', '--end', 'E']);
    expect(r.code).toBe(0);
    expect(seen[0]).toMatchObject({ path: '/broadcasts', body: { channelId: 'show-1', startAt: 'S', endAt: 'E', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } } });
  });

  it('broadcasts lists and cancels', async () => {
    script.push((r) => (r.method === 'DELETE' ? { status: 204 } : { status: 200, body: { items: [{ broadcastId: 'b-12345678', startAt: 'S', endAt: 'E', leadSeconds: 900, status: 'SCHEDULED', teardownAfter: false }] } }));
    expect((await cli(['broadcasts', 'show-1'])).stdout).toContain('b-12345678  S → E  lead 900s  SCHEDULED');
    const r = await cli(['broadcasts', 'show-1', '--cancel', 'b-12345678']);
    expect(r.code).toBe(0);
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', path: '/channels/show-1/broadcasts/b-12345678' });
  });

  it('events prints the steps and the recovery audit', async () => {
    script.push(() => ({ status: 200, body: { execution: { workflow: 'stop', executionArn: 'arn:e' }, steps: [{ name: 'Acquire', type: 'TaskStateEntered', at: 'x', elapsedSeconds: 0.1 }, { name: 'DescribeChannelStopped', type: 'TaskStateEntered', at: 'x', elapsedSeconds: 2, repeats: 3 }], recoveryActions: [] } }));
    const r = await cli(['events', 'show-1']);
    expect(r.stdout).toMatch(/\+\s+0.1s\s+Acquire\n/);
    expect(r.stdout).toMatch(/\+\s+2s\s+DescribeChannelStopped {2}×3\n/);
    expect(r.stdout).toContain('Recovery: no automatic action so far.');
  });

  it('events gives the ids to search the logs for: the channel and execution, each recovery event and action', async () => {
    script.push(() => ({ status: 200, body: {
      execution: { workflow: 'provision', executionArn: 'arn:aws:states:us-east-1:111122223333:execution:onair-dev-provision:show-1-1796394385559' },
      steps: [],
      recoveryActions: [{ at: '2026-12-04T17:00:10Z', decision: 'Video Not Detected for 30 s: notifying', action: 'NOTIFY', result: 'OK', actionId: 'r3', trigger: { kind: 'timer', eventId: 'timer-debounce:input-loss-1', summary: 'debounce input-loss due' } }],
    } }));
    const r = await cli(['events', 'show-1']);
    expect(r.stdout).toContain('  logs: filter channelId = "show-1" and executionName = "show-1-1796394385559"\n');
    expect(r.stdout).toContain('after: debounce input-loss due  (event timer-debounce:input-loss-1, action r3)\n');
  });
});
