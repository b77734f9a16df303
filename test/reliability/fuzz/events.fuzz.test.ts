/**
 * Hostile input against every event-driven and step handler, invoked as Lambda invokes them:
 *  - EventBridge targets (recovery): AWS's documented payloads from events/, each mutated so it
 *    can no longer be valid (a required member removed, the wrong type, an invalid ARN or state,
 *    oversized text), plus arbitrary values → the event is ignored: no action, no throw;
 *  - every other function's handler (workflow steps, lifecycle, sweeper) with arbitrary and
 *    hostile inputs → refused with a named error (never a TypeError-style crash), nothing sent but reads.
 * The AWS clients are fakes recording every command; the registry is empty.
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { MediaPackageV2Client } from '@aws-sdk/client-mediapackagev2';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkflows } from '../../../local/onair/workflows';
import { logger } from '../../../functions/lib/logger';
import { recordFigures, ROOT } from '../lib/figures';
import { captureLogs, hostileString, hostileValue, leaks } from './hostile';

const READS = /^(Get|Describe|List|Scan|Query)/;
const workflows = loadWorkflows({ root: ROOT });
// The functions' environment, as serverless.yml gives it (config is read lazily, at first use).
for (const fn of Object.values(workflows.functions)) for (const [k, v] of Object.entries(fn.env)) process.env[k] ??= v;
process.env.AWS_ACCESS_KEY_ID ??= 'AKIAFUZZ';
process.env.AWS_SECRET_ACCESS_KEY ??= 'fuzz';

const ddbMock = mockClient(DynamoDBDocumentClient);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one list of stubs over many client types
const mocks: AwsStub<any, any, any>[] = [
  ddbMock, mockClient(MediaLiveClient), // client-mediapackagev2 is pinned to an older SDK release whose types differ from the mock's.
  mockClient(MediaPackageV2Client as never), mockClient(MediaPackageClient), mockClient(CloudFrontClient),
  mockClient(CloudWatchClient), mockClient(SNSClient), mockClient(SecretsManagerClient), mockClient(SFNClient), mockClient(SchedulerClient),
];

const stats = { eventInputs: 0, stepInputs: 0, actions: 0, crashes: 0, leaks: 0, byFunction: {} as Record<string, number> };

beforeAll(() => logger.setLogLevel('DEBUG'));
beforeEach(() => {
  for (const m of mocks) { m.reset(); m.onAnyCommand().resolves({}); }
  ddbMock.on(ScanCommand).resolves({ Items: [] });
});
afterAll(() => {
  recordFigures('fuzz-events', {
    events: stats,
    headline: {
      'event payloads (recovery EventBridge targets)': stats.eventInputs,
      'step / scheduled handler inputs': stats.stepInputs,
      'actions taken on hostile events or inputs': stats.actions,
      'crashes (TypeError-like)': stats.crashes,
      'credential leaks in log lines': stats.leaks,
    },
  });
});

function actionsSent(): string[] {
  return mocks.flatMap((m) => m.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name)).filter((n) => !READS.test(n));
}
function resetHistory(): void { for (const m of mocks) m.resetHistory(); }

const context = {
  callbackWaitsForEmptyEventLoop: true, functionName: 'fuzz', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:fuzz',
  memoryLimitInMB: '256', awsRequestId: 'fuzz-request', logGroupName: '/aws/lambda/fuzz', logStreamName: 'fuzz', getRemainingTimeInMillis: () => 30_000,
  done: () => undefined, fail: () => undefined, succeed: () => undefined,
};

type Handler = (event: unknown, ctx: typeof context) => Promise<unknown>;
const handlerOf = (key: string): Handler => {
  const spec = workflows.functions[key]!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the deployed module, loaded as Lambda loads it
  return (require(spec.modulePath) as Record<string, Handler>)[spec.exportName]!;
};

/** Invokes and classifies: a JS runtime error is a crash; anything else (result or named error) is handled. */
async function invoke(h: Handler, event: unknown): Promise<{ crashed?: string; result?: unknown; error?: string }> {
  try {
    return { result: await h(event, context) };
  } catch (e) {
    const err = e as Error;
    if (['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError'].includes(err?.name) || err?.constructor === Error) return { crashed: `${err?.name}: ${err?.message}` };
    return { error: err.name };
  }
}

/** One hostile input into one handler, counted: what it answered and what it sent to AWS. */
async function tryHostile(key: string, h: Handler, input: unknown, counter: 'eventInputs' | 'stepInputs') {
  resetHistory();
  const out = await invoke(h, input);
  stats[counter] += 1;
  stats.byFunction[key] = (stats.byFunction[key] ?? 0) + 1;
  const sent = actionsSent();
  stats.actions += sent.length;
  if (out.crashed) stats.crashes += 1;
  return { out, sent };
}

// ---- EventBridge targets: documented payloads, mutated to be invalid ----
const fixtures = ['medialive', 'cloudwatch'].flatMap((dir) => readdirSync(join(ROOT, 'events', dir)).filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(ROOT, 'events', dir, f), 'utf8')) as Record<string, unknown>));
const eventTargets = Object.values(workflows.rules).filter((r) => r.target.kind === 'function' && (r.pattern as { source?: string[] }).source?.some((s) => s === 'aws.medialive' || s === 'aws.cloudwatch')).map((r) => r.target.key);

/** A mutation that cannot leave the event valid: breaks a member every shape requires. */
const invalidate = fc.oneof(
  fc.constantFrom('id', 'time', 'detail', 'source', 'detail-type').map((k) => (e: Record<string, unknown>) => { const c = structuredClone(e); delete c[k]; return c; }),
  fc.tuple(fc.constantFrom('id', 'time', 'detail'), fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.array(fc.integer()))).map(([k, v]) => (e: Record<string, unknown>) => ({ ...structuredClone(e), [k]: v })),
  fc.tuple(fc.constantFrom('channel_arn', 'alarmName', 'state', 'alarm_state'), hostileString.filter((s) => !/^arn:aws[a-z-]*:medialive:/.test(s) && !/^(set|cleared|alarm|ok|insufficient_data)$/i.test(s) && s.length > 0), fc.boolean())
    .map(([k, v, remove]) => (e: Record<string, unknown>) => {
      const c = structuredClone(e) as { detail?: Record<string, unknown> };
      if (!c.detail || !(k in c.detail)) return { ...c, id: null };
      if (remove) delete c.detail[k]; else c.detail[k] = k === 'state' || k === 'alarm_state' ? `${v}\u0000` : `x${v}`;
      // A member the detail-type does not carry: break the envelope instead.
      return k === 'alarmName' && c.detail.state !== undefined && typeof c.detail.state !== 'object' ? { ...c, time: 'not a time' } : c;
    }),
  fc.constant((e: Record<string, unknown>) => ({ ...structuredClone(e), time: 'yesterday' })),
  fc.constant((e: Record<string, unknown>) => ({ ...structuredClone(e), id: 'x'.repeat(500) })),
);

describe('EventBridge targets under hostile events', () => {
  it('has targets and AWS-documented fixtures', () => {
    expect(eventTargets.length).toBeGreaterThan(0);
    expect(fixtures.length).toBeGreaterThan(5);
  });

  it('ignores every invalidated or arbitrary event: no action, no crash, nothing leaked', async () => {
    const logs = captureLogs();
    try {
      for (const key of [...new Set(eventTargets)]) {
        const h = handlerOf(key);
        await fc.assert(fc.asyncProperty(
          fc.oneof(fc.tuple(fc.constantFrom(...fixtures), invalidate).map(([e, f]) => f(e)), hostileValue, fc.record({ source: fc.constantFrom('aws.medialive', 'aws.cloudwatch'), 'detail-type': hostileString, detail: hostileValue })),
          async (event) => {
            const { out, sent } = await tryHostile(key, h, event, 'eventInputs');
            expect({ key, crashed: out.crashed, sent, ignored: out.error === undefined && typeof out.result === 'object' && out.result !== null && 'ignored' in out.result })
              .toEqual({ key, crashed: undefined, sent: [], ignored: true });
          },
        ), { numRuns: 600, seed: 5 });
      }
    } finally {
      logs.stop();
    }
    const leaked = logs.lines.filter((l) => leaks(l) === 'credential');
    stats.leaks += leaked.length;
    expect(leaked).toEqual([]);
  }, 180_000);
});

describe('every other handler under hostile input', () => {
  const keys = Object.keys(workflows.functions).filter((k) => !k.startsWith('api') && !eventTargets.includes(k)).sort();

  it.each(keys)('%s: refuses with a named error or does nothing; sends nothing but reads', async (key) => {
    const h = handlerOf(key);
    const logs = captureLogs();
    try {
      await fc.assert(fc.asyncProperty(
        fc.oneof(
          hostileValue,
          fc.record({ channelId: hostileString, action: hostileValue, resource: hostileValue, attempt: hostileValue, event: hostileValue, request: hostileValue, execution: hostileValue }, { requiredKeys: [] }),
        ),
        async (input) => {
          const { out, sent } = await tryHostile(key, h, input, 'stepInputs');
          expect({ key, crashed: out.crashed, sent }).toEqual({ key, crashed: undefined, sent: [] });
        },
      ), { numRuns: 60, seed: 11 });
    } finally {
      logs.stop();
    }
    const leaked = logs.lines.filter((l) => leaks(l) === 'credential');
    expect(leaked).toEqual([]);
  }, 60_000);
});
