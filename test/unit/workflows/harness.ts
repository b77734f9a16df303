/**
 * Runs the checked-in state machines (as local/onair/workflows.ts resolves them) with
 * aws-local-stepfunctions, every Task calling the REAL handler in-process, against the twin.
 *
 * CHOICE (issue 12 item 4, "one model of AWS behaviour, not two"): option (a), the twin in-process
 * on a random loopback port, not (b) aws-sdk-client-mock calling the twin's behaviours.
 *  - (a) puts the handlers' real SDK clients (functions/lib/clients/*.ts, pointed at it with
 *    AWS_ENDPOINT_URL, as the local cloud does) on the twin's whole request path: AWS's wire
 *    protocols, model validation, rate limits, quotas, service roles, 409s and the SDK's own error
 *    parsing, then the twin's own inventory, SNS notifications and CDN path. DynamoDB (the registry)
 *    goes through the twin too. The stack is deployed with local/onair's deployStack, as for `npm start`.
 *  - (b) would call the behaviours with model-shaped values and hand-map every output and AwsError to
 *    the SDK's shapes and exception classes: a second, smaller model of the protocol layer, the
 *    drift issue 12 is about. Its one advantage, no HTTP, costs ~1 ms a call on loopback here.
 *  - Time: the twin runs on a ManualClock (local/core/clock.ts), not a scaled real clock. AWS's
 *    latencies (local/core/latency.ts) pass only when the workflow waits, as discrete events: a
 *    Wait state, a parked task's TimeoutSeconds and a Retry's backoff each sleep on twin time, and
 *    twin time jumps to the earliest sleeper once nothing runs (every branch asleep). So no test
 *    sleeps in real time, and what a poll sees is decided by AWS's latencies against the ASL's
 *    intervals, never by how fast this machine is.
 *
 * What the harness plays itself (it is the Step Functions engine and the Lambda runtime here):
 *  - task tokens: SendTaskSuccess / SendTaskFailure from a handler are answered by the harness. No
 *    MediaLive event is routed to the wake function, so a parked task ends at its TimeoutSeconds (of
 *    twin time) unless its own park call found the goal met;
 *  - the provision machine's `startExecution.sync:2` Task runs the teardown machine in-process;
 *  - faults are injected per Task state name, before or after the real handler ran (a failed
 *    invocation); AWS-side faults are the twin's own (this.twin.faults, local/core/faults.ts).
 * Every SDK call a function makes is recorded with its function (least privilege, observed) by
 * wrapping the clients' `send`; the call itself still goes to the twin.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as ML from '@aws-sdk/client-medialive';
import * as MP2 from '@aws-sdk/client-mediapackagev2';
import * as MP1 from '@aws-sdk/client-mediapackage';
import * as SM from '@aws-sdk/client-secrets-manager';
import * as CF from '@aws-sdk/client-cloudfront';
import * as CW from '@aws-sdk/client-cloudwatch';
import * as SNS from '@aws-sdk/client-sns';
import * as SFN from '@aws-sdk/client-sfn';
import * as SCH from '@aws-sdk/client-scheduler';
import { StateMachine } from 'aws-local-stepfunctions';
import { formatQuotaValues } from '../../../lib/aws-quotas';
import { ManualClock } from '../../../local/core/clock';
import type { TwinQuotaOption } from '../../../local/core/quotas';
import type { InventoryItem, ModelValue } from '../../../local/core/types';
import { startTwin, type Twin } from '../../../local/server';
import { SERVICES } from '../../../local/services';
import type { SnsService } from '../../../local/services/sns';
import { prepareDefinition, waitMillis, type AslState, type PreparedDefinition } from '../../../local/services/stepfunctions/definition';
import { applicationEnvironment } from '../../../local/onair/app';
import { localCredentials } from '../../../local/onair/api/credentials';
import { registerStackRoles } from '../../../local/onair/roles';
import { deployStack } from '../../../local/onair/stack';
import { loadWorkflows, type PhysicalResource, type StateMachineSpec, type Workflows } from '../../../local/onair/workflows';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- asl-validator ships no types
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };

type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface Fault {
  /** Task state name, e.g. `CreateInput`. */
  state: string;
  /** before: nothing reached AWS; after: the step did its work, then the invocation failed. */
  when: 'before' | 'after';
  /** How many invocations fail (default: all). */
  times?: number;
  name?: string;
}

export interface RunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
  /** Task state names in the order they ran (both machines). */
  tasks: string[];
  /** States entered plus retries in this execution (what Step Functions bills), not its children. */
  transitions: number;
}

/** One SDK call a function (or the harness) sent, with what the twin answered. */
export interface CallRecord {
  /** The IAM service prefix: medialive, mediapackagev2, cloudfront, cloudwatch, states, dynamodb …; `cdn` for a viewer's GET. */
  service: string;
  /** The operation (the Command class name less `Command`; `GET` for the CDN). */
  command: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  /** The error name when the call failed. */
  error?: string;
  /** The function (serverless.yml key) whose invocation sent it. */
  fn?: string;
}

/** `$$.Task.Token` as the engine sees it; each callback task replaces it with a fresh token. */
const HARNESS_TOKEN = '__harness_task_token__';

/** Which function's invocation is running: set by the harness around every handler call. */
const currentFunction = new AsyncLocalStorage<string>();

export class InjectedFailure extends Error {
  constructor(state: string, when: string) {
    super(`injected failure ${when} ${state}`);
    this.name = 'InjectedFailure';
  }
}

/** What the Lambda runtime hands Step Functions for a failed invocation. */
function asLambdaError(error: unknown): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  const out = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] }));
  out.name = e.name;
  return out;
}

/**
 * Discrete-event time for the twin's ManualClock. Activities (a handler invocation) hold `busy`;
 * `sleep` gives it up until twin time reaches the wake-up. When nothing is busy, and stays so for two
 * turns of the event loop (the engine moves between states in microtasks, HTTP answers arrive as I/O
 * while their caller is busy), the clock jumps to the earliest wake-up, firing the twin's timers due
 * by then, and wakes every sleeper due at that instant.
 */
class VirtualTime {
  private busy = 0;
  private sleepers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;
  private settling = false;

  constructor(private readonly clock: ManualClock) {}

  async activity<T>(fn: () => Promise<T>): Promise<T> {
    this.busy += 1;
    try {
      return await fn();
    } finally {
      this.busy -= 1;
      this.settle();
    }
  }

  /** Inside `activity` only: lets `twinMs` of twin time pass. */
  async sleep(twinMs: number): Promise<void> {
    const at = this.clock.now() + Math.max(0, twinMs);
    await new Promise<void>((wake) => {
      this.sleepers.push({ at, seq: ++this.seq, wake });
      this.busy -= 1;
      this.settle();
    });
  }

  private settle(): void {
    if (this.settling || this.busy > 0 || this.sleepers.length === 0) return;
    this.settling = true;
    setImmediate(() => setImmediate(() => {
      this.settling = false;
      if (this.busy > 0 || this.sleepers.length === 0) return;
      const at = Math.min(...this.sleepers.map((s) => s.at));
      this.clock.advanceTo(at);
      const due = this.sleepers.filter((s) => s.at <= at).sort((a, b) => a.seq - b.seq);
      this.sleepers = this.sleepers.filter((s) => s.at > at);
      for (const s of due) {
        this.busy += 1;
        s.wake();
      }
    }));
  }
}

type SendFn = (this: unknown, command: { input: Record<string, unknown>; constructor: { name: string } }, ...rest: unknown[]) => Promise<Record<string, unknown>>;
interface Patchable { prototype: { send: SendFn } }

/** The SDK clients OnAir's functions use, by IAM service prefix. */
const OBSERVED_CLIENTS: [Patchable, string][] = [
  [ML.MediaLiveClient as unknown as Patchable, 'medialive'],
  [MP2.MediaPackageV2Client as unknown as Patchable, 'mediapackagev2'],
  [MP1.MediaPackageClient as unknown as Patchable, 'mediapackage'],
  [SM.SecretsManagerClient as unknown as Patchable, 'secretsmanager'],
  [CF.CloudFrontClient as unknown as Patchable, 'cloudfront'],
  [CW.CloudWatchClient as unknown as Patchable, 'cloudwatch'],
  [SNS.SNSClient as unknown as Patchable, 'sns'],
  [SFN.SFNClient as unknown as Patchable, 'states'],
  [SCH.SchedulerClient as unknown as Patchable, 'scheduler'],
  // The registry's document client: its commands are named Get, Put, Update … (IAM: GetItem …).
  [DynamoDBDocumentClient as unknown as Patchable, 'dynamodb'],
];

/** Document-client commands → the DynamoDB actions IAM authorizes them as. */
const DOCUMENT_ACTIONS: Record<string, string> = {
  Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem', TransactGet: 'TransactGetItems', TransactWrite: 'TransactWriteItems',
};

/** Inventory service names that differ from the IAM prefix. */
const INVENTORY_SERVICE: Record<string, string> = { monitoring: 'cloudwatch' };

export class WorkflowHarness {
  workflows: Workflows;
  twin!: Twin;
  readonly clock = new ManualClock();
  readonly calls: CallRecord[] = [];
  readonly tasks: string[] = [];
  private readonly time = new VirtualTime(this.clock);
  private stack: Record<string, PhysicalResource> = {};
  private ddb?: DynamoDBDocumentClient;
  private handlers = new Map<string, Handler>();
  private prepared = new Map<string, PreparedDefinition>();
  private realFetch?: typeof fetch;
  private restores: (() => void)[] = [];
  private faults: Fault[] = [];
  /** Task tokens redeemed with SendTaskSuccess / SendTaskFailure (callback tasks). */
  private readonly taskResults = new Map<string, { ok: true; output: unknown } | { ok: false; error: string; cause: string }>();
  private executions = 0;
  private tokens = 0;

  /** quotas: the twin account's (local/core/quotas.ts); default AWS's, whatever ONAIR_TWIN_QUOTAS says. */
  constructor(private readonly options: { quotas?: TwinQuotaOption } = {}) {
    this.workflows = loadWorkflows();
  }

  async start(): Promise<void> {
    this.twin = await startTwin({ port: 0, services: SERVICES, clock: this.clock, quotas: this.options.quotas ?? 'default' });
    const load = { root: resolve(__dirname, '..', '..', '..'), region: this.twin.env.region, accountId: this.twin.env.accountId };
    // The stack's resources, as `osls deploy` leaves them. CloudFormation waits for the stage's
    // distribution to deploy (minutes of twin time): let twin time run while it polls.
    const deploying = setInterval(() => this.clock.advanceTo(this.clock.now() + 30_000), 2);
    try {
      this.stack = await deployStack(this.twin, loadWorkflows(load));
    } finally {
      clearInterval(deploying);
    }
    this.workflows = loadWorkflows({ ...load, physical: this.stack });
    registerStackRoles(this.twin.env, this.workflows);
    const env = applicationEnvironment(this.workflows, this.twin.url, this.twin.env.clock.scale);
    // Viewers' URLs stay CloudFront's (https://<domain>/…, as on AWS); this harness's fetch routes
    // them to the twin's CDN path. Log level and metrics stay as test/setup*.ts set them.
    delete env.ONAIR_CDN_URL_TEMPLATE;
    // The twin is the account: OnAir plans channels against the quotas it enforces.
    const quotas = this.twin.env.quotas ? formatQuotaValues(this.twin.env.quotas) : 'default';
    if (quotas !== 'default') env.ONAIR_ACCOUNT_QUOTAS = quotas;
    else delete process.env.ONAIR_ACCOUNT_QUOTAS;
    for (const [k, v] of Object.entries(env)) {
      if (k.startsWith('POWERTOOLS_')) continue;
      if (v === '') delete process.env[k];
      else process.env[k] = v;
    }
    this.observeSdk();
    this.ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: this.twin.url, region: this.workflows.region, credentials: localCredentials() }));
    this.realFetch = globalThis.fetch;
    const realFetch = this.realFetch;
    globalThis.fetch = (async (url: string | URL, init?: RequestInit) => {
      const u = new URL(String(url));
      this.calls.push({ service: 'cdn', command: 'GET', input: { url: String(url) }, ...(currentFunction.getStore() ? { fn: currentFunction.getStore() } : {}) });
      // The internet, for a viewer: a CloudFront domain resolves to the twin's CDN path (local/playback).
      const target = u.hostname.endsWith('.cloudfront.net') ? `${this.twin.url}/_cdn/${u.hostname}${u.pathname}${u.search}` : String(url);
      return realFetch(target, init);
    }) as typeof fetch;
  }

  /** Records every SDK call (function, input, answer); task tokens are answered here, the rest by the twin. */
  private observeSdk(): void {
    for (const [client, service] of OBSERVED_CLIENTS) {
      const proto = client.prototype;
      const own = Object.prototype.hasOwnProperty.call(proto, 'send');
      const original = proto.send;
      const record = (call: CallRecord): void => { this.calls.push(call); };
      const redeem = (call: CallRecord) => (service === 'states' ? this.redeem(call) : undefined);
      proto.send = function (command, ...rest) {
        const fn = currentFunction.getStore();
        const name = command.constructor.name.replace(/Command$/, '');
        const call: CallRecord = { service, command: service === 'dynamodb' ? DOCUMENT_ACTIONS[name] ?? name : name, input: command.input, ...(fn ? { fn } : {}) };
        record(call);
        const sent = redeem(call) ?? original.call(this, command, ...rest);
        return sent.then((out) => { call.output = out; return out; }, (e: Error) => { call.error = e.name; throw e; });
      };
      this.restores.push(() => {
        if (own) proto.send = original;
        else delete (proto as Partial<Patchable['prototype']>).send;
      });
    }
  }

  /** The engine's answer to SendTaskSuccess / SendTaskFailure: a token is redeemed once. */
  private redeem(call: CallRecord): Promise<Record<string, unknown>> | undefined {
    if (call.command !== 'SendTaskSuccess' && call.command !== 'SendTaskFailure') return undefined;
    const input = call.input as { taskToken: string; output?: string; error?: string; cause?: string };
    if (this.taskResults.has(input.taskToken)) return Promise.reject(new SFN.TaskTimedOut({ $metadata: {}, message: 'Task Timed Out' }));
    this.taskResults.set(input.taskToken, call.command === 'SendTaskSuccess'
      ? { ok: true, output: JSON.parse(String(input.output)) }
      : { ok: false, error: input.error ?? 'States.TaskFailed', cause: input.cause ?? '' });
    return Promise.resolve({ $metadata: {} });
  }

  /** Handlers (and the SDK clients they create once) load on first use, after the endpoint is set. */
  private handler(key: string): Handler {
    let handler = this.handlers.get(key);
    if (!handler) {
      const f = this.workflows.functions[key];
      if (!f) throw new Error(`serverless.yml has no function ${key}`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path from serverless.yml, like the Lambda runtime does
      const mod = require(f.modulePath) as Record<string, Handler>;
      const exported = mod[f.exportName];
      if (typeof exported !== 'function') throw new Error(`${f.modulePath} exports no ${f.exportName}`);
      handler = exported;
      this.handlers.set(key, handler);
    }
    return handler;
  }

  async stop(): Promise<void> {
    for (const r of this.restores.splice(0)) r();
    if (this.realFetch) globalThis.fetch = this.realFetch;
    await this.twin?.stop();
  }

  inject(...faults: Fault[]): void {
    this.faults.push(...faults.map((f) => ({ ...f })));
  }

  clearFaults(): void {
    this.faults = [];
    this.twin.faults.clear();
  }

  /**
   * The calls since `from` (an index into `calls`) less the registry's reads (DynamoDB GetItem,
   * Query, Scan, BatchGetItem): what was done to the account and the record, not what was looked at.
   */
  actionsSince(from: number): CallRecord[] {
    return this.calls.slice(from).filter((c) => !(c.service === 'dynamodb' && /^(GetItem|Query|Scan|BatchGetItem)$/.test(c.command)));
  }

  count(command: string): number {
    return this.calls.filter((c) => c.command === command).length;
  }

  /** What OnAir published on its topic, oldest first (the twin's SNS). */
  published(): { Subject?: string; Message: string; MessageAttributes?: unknown }[] {
    return (this.twin.services.get('sns') as SnsService).published();
  }

  /** Every live resource of the account, as `service:type:name`. */
  account(): string[] {
    return this.twin.inventory().map(label).sort();
  }

  /**
   * What channels own (the twin's inventory less the stack's resources: tables, topic, schedule
   * group, the stage's shared delivery), as an orphan check sees the account. Empty after teardown.
   */
  inventory(): string[] {
    const name = (id: string): string => id.split(/[:/]/).pop() as string;
    const stackNames = new Set(Object.values(this.stack).flatMap((p) => [p.ref, ...Object.values(p.attributes ?? {})]).map(name));
    return this.twin.inventory()
      .filter((i) => !stackNames.has(name(i.id)) && !(i.service === 'sns' && i.type === 'subscription'))
      .map(label).sort();
  }

  /** An operation on the twin, in-process (the harness's own look, not a function's call). */
  invoke(service: string, operation: string, input: ModelValue): Promise<ModelValue> {
    return this.twin.invoke(service, operation, input);
  }

  /**
   * AWS actions each function was seen calling that its own role in serverless.yml does not allow.
   */
  unauthorizedCalls(): Record<string, string[]> {
    // Operations IAM authorizes under other action names.
    const AUTHORIZED_AS: Record<string, string[]> = { 'cloudfront:CreateDistributionWithTags': ['cloudfront:CreateDistribution', 'cloudfront:TagResource'] };
    const out: Record<string, string[]> = {};
    for (const call of this.calls) {
      if (call.service === 'cdn' || !call.fn) continue;
      const allowed = new Set((this.workflows.functions[call.fn]?.iamRoleStatements ?? []).filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
      const action = `${call.service}:${call.command}`;
      if (!(AUTHORIZED_AS[action] ?? [action]).every((a) => allowed.has(a))) out[call.fn] = [...new Set([...(out[call.fn] ?? []), action])];
    }
    return out;
  }

  async record(channelId: string): Promise<ChannelRecord | undefined> {
    const out = await (this.ddb as DynamoDBDocumentClient).send(new GetCommand({
      TableName: process.env.CHANNELS_TABLE, Key: { channelId }, ConsistentRead: true,
    }));
    return out.Item as ChannelRecord | undefined;
  }

  /** The definition as checked in, validated on a copy (asl-validator mutates what it checks). */
  validate(machine: string): { isValid: boolean; errors: string[] } {
    const spec = this.spec(machine);
    const { isValid, errorsText } = aslValidator(structuredClone(spec.definition));
    return { isValid, errors: isValid ? [] : [errorsText('\n')] };
  }

  spec(machine: string): StateMachineSpec {
    const spec = this.workflows.stateMachines[machine];
    if (!spec) throw new Error(`no state machine ${machine}`);
    return spec;
  }

  /**
   * The engine's copy of a definition (the twin Step Functions' own rewrite, at scale 1): each Wait
   * state is a Task on the twin's wait resource, which this harness runs as a sleep on twin time.
   */
  private engineDefinition(machine: string): PreparedDefinition {
    let prepared = this.prepared.get(machine);
    if (!prepared) {
      prepared = prepareDefinition(this.spec(machine).definition, 1);
      this.prepared.set(machine, prepared);
    }
    return prepared;
  }

  /**
   * A failed Task's Retry, as Step Functions applies it: the first retrier whose ErrorEquals matches
   * decides; while it has attempts left, its backoff (IntervalSeconds × BackoffRate^attempt, capped
   * at MaxDelaySeconds; FULL jitter taken at its upper bound) passes on twin time before the engine
   * retries (the engine's own retry interval is overridden to 0).
   */
  private async backoff(state: AslState | undefined, error: string, attempts: Map<string, number[]>, name: string): Promise<void> {
    const retriers = (state?.Retry ?? []) as { ErrorEquals: string[]; IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number; MaxDelaySeconds?: number }[];
    const i = retriers.findIndex((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL') || (r.ErrorEquals.includes('States.TaskFailed') && error !== 'States.Timeout'));
    const counts = attempts.get(name) ?? retriers.map(() => 0);
    const r = retriers[i];
    if (!r || (counts[i] as number) >= (r.MaxAttempts ?? 3)) {
      attempts.delete(name);
      return;
    }
    const seconds = Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** (counts[i] as number), r.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
    counts[i] = (counts[i] as number) + 1;
    attempts.set(name, counts);
    await this.time.sleep(seconds * 1000);
  }

  private taskHandlers(spec: StateMachineSpec, prepared: PreparedDefinition): Record<string, (input: JsonValue) => Promise<JsonValue>> {
    const out: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    const attempts = new Map<string, number[]>();
    const original = (state: string) => prepared.states.get(state);
    for (const [state, st] of prepared.states) {
      if (st.Type !== 'Wait') continue;
      out[state] = (input) => this.time.activity(async () => {
        await this.time.sleep(waitMillis(st, input, this.clock.now()));
        return input;
      });
    }
    for (const [state, fnKey] of Object.entries(spec.taskFunctions)) {
      const definition = original(state);
      const callback = String(definition?.Resource).endsWith('.waitForTaskToken');
      out[state] = (input) => this.time.activity(async () => {
        this.tasks.push(state);
        const fault = this.faults.find((f) => f.state === state && (f.times === undefined || f.times > 0));
        if (fault && fault.times !== undefined) fault.times -= 1;
        const fail = async (error: Error): Promise<never> => {
          await this.backoff(definition, error.name, attempts, state);
          throw asLambdaError(error);
        };
        const injected = (when: string) => {
          const e = new InjectedFailure(state, when);
          if (fault?.name) e.name = fault.name;
          return e;
        };
        if (fault?.when === 'before') return fail(injected('before'));
        // `lambda:invoke.waitForTaskToken`: the function gets Parameters.Payload with a fresh task
        // token; the task ends when someone redeems it (SendTaskSuccess / SendTaskFailure), or after
        // its TimeoutSeconds of twin time with States.Timeout.
        const token = callback ? `harness-token-${++this.tokens}` : undefined;
        const payload = callback ? JSON.parse(JSON.stringify((input as { Payload: JsonValue }).Payload).split(HARNESS_TOKEN).join(token as string)) as JsonValue : input;
        let result: unknown;
        try {
          result = await currentFunction.run(fnKey, () => this.handler(fnKey)(structuredClone(payload), { functionName: fnKey, awsRequestId: `req-${this.tasks.length}`, getRemainingTimeInMillis: () => 30_000 }));
        } catch (error) {
          return fail(error instanceof Error ? error : new Error(String(error)));
        }
        if (fault?.when === 'after') return fail(injected('after'));
        if (token) {
          if (!this.taskResults.has(token)) await this.time.sleep(Number(definition?.TimeoutSeconds ?? 0) * 1000);
          const redeemed = this.taskResults.get(token);
          // Whoever redeems it from now on is told the task timed out.
          if (!redeemed) this.taskResults.set(token, { ok: false, error: 'States.Timeout', cause: '' });
          if (!redeemed) {
            const e = new Error('the parked task timed out');
            e.name = 'States.Timeout';
            return fail(e);
          }
          if (!redeemed.ok) {
            const e = new Error(redeemed.cause);
            e.name = redeemed.error;
            return fail(e);
          }
          attempts.delete(state);
          return redeemed.output as JsonValue;
        }
        attempts.delete(state);
        return (result ?? null) as JsonValue;
      });
    }
    for (const [state, child] of Object.entries(spec.childMachines)) {
      out[state] = async (input) => {
        this.tasks.push(state);
        const params = input as { Input: JsonValue };
        const result = await this.run(child, params.Input);
        if (result.status !== 'SUCCEEDED') {
          const e = new Error(`child ${child} failed: ${result.error}: ${result.cause}`);
          e.name = 'States.TaskFailed';
          throw e;
        }
        return { Status: 'SUCCEEDED', Output: result.output as JsonValue };
      };
    }
    return out;
  }

  async run(machine: string, input: JsonValue): Promise<RunResult> {
    const spec = this.spec(machine);
    const prepared = this.engineDefinition(machine);
    const sm = new StateMachine(prepared.engine as never, { validationOptions: { checkArn: false } });
    const retries = Object.fromEntries([...prepared.states.keys()].map((name) => [name, 0]));
    this.executions += 1;
    const name = `exec-${this.executions}`;
    const started = this.tasks.length;
    const execution = sm.run(input, {
      overrides: { taskResourceLocalHandlers: this.taskHandlers(spec, prepared), retryIntervalOverrides: retries },
      context: {
        Execution: { Id: `${spec.arn.replace(':stateMachine:', ':execution:')}:${name}`, Name: name, StartTime: new Date(this.clock.now()).toISOString(), Input: input as never, RoleArn: 'arn:aws:iam::111122223333:role/sfn' },
        StateMachine: { Id: spec.arn, Name: spec.name },
        Task: { Token: HARNESS_TOKEN },
      } as never,
    });
    let transitions = 0;
    const counting = (async () => {
      for await (const event of execution.eventLogs) if (event.type === 'StateEntered' || event.type === 'StateRetried') transitions += 1;
    })();
    try {
      const output = await execution.result;
      await counting;
      return { status: 'SUCCEEDED', output, tasks: this.tasks.slice(started), transitions };
    } catch (error) {
      const e = error as Error & { cause?: { name?: string; message?: string } };
      // ExecutionError wraps the Fail state's error: name = Error, message = Cause.
      const inner = e.cause ?? e;
      await counting.catch(() => undefined);
      return { status: 'FAILED', error: inner.name, cause: inner.message, tasks: this.tasks.slice(started), transitions };
    }
  }
}

/** `service:type:name` for an inventory item (alarms by name, as OnAir records them). */
function label(i: InventoryItem): string {
  const id = i.type === 'alarm' ? i.id.slice(i.id.indexOf(':alarm:') + ':alarm:'.length) : i.id;
  return `${INVENTORY_SERVICE[i.service] ?? i.service}:${i.type}:${id}`;
}
