/**
 * Runs the checked-in state machines (as local/onair/workflows.ts resolves them) with
 * aws-local-stepfunctions, every Task calling the REAL handler in-process:
 *  - the registry is a real DynamoDB implementation (dynalite, in memory, on a loopback port of
 *    this process) so conditional writes and update expressions behave as on AWS;
 *  - every other AWS API is the in-memory FakeAws (aws-sdk-client-mock) and the CDN is its fetch;
 *  - Waits and Retry intervals are overridden to 0: tests never depend on time;
 *  - the provision machine's `startExecution.sync:2` Task runs the teardown machine in-process.
 * Faults are injected per Task state name, before or after the real handler ran.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import { loadWorkflows, type StateMachineSpec, type Workflows } from '../../../local/onair/workflows';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { currentFunction, FakeAws } from './fake-aws';

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

/** `$$.Task.Token` as the engine sees it; each callback task replaces it with a fresh token. */
const HARNESS_TOKEN = '__harness_task_token__';

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

export class WorkflowHarness {
  readonly workflows: Workflows;
  readonly aws = new FakeAws();
  private server?: Server;
  private ddb?: DynamoDBDocumentClient;
  private handlers = new Map<string, Handler>();
  private realFetch?: typeof fetch;
  private faults: Fault[] = [];
  private executions = 0;
  private tokens = 0;
  readonly tasks: string[] = [];

  constructor() {
    this.workflows = loadWorkflows();
  }

  async start(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no types
    const dynalite = require('dynalite') as (o: object) => Server;
    this.server = dynalite({ createTableMs: 0 });
    await new Promise<void>((r) => (this.server as Server).listen(0, '127.0.0.1', () => r()));
    const port = (this.server.address() as AddressInfo).port;
    const env = this.workflows.functions.validate?.env ?? {};
    for (const [k, v] of Object.entries(env)) if (!k.startsWith('POWERTOOLS_')) process.env[k] = v;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: this.workflows.region,
      // FakeAws enforces no account quotas and suites keep many channels: OnAir plans against raised
      // ones here (the capacity check itself: test/unit/lib/capacity.test.ts, the local cloud's suites).
      ONAIR_ACCOUNT_QUOTAS: 'x100',
    });
    const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: this.workflows.region });
    await client.send(new CreateTableCommand({
      TableName: env.CHANNELS_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'channelId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'channelId', KeyType: 'HASH' }],
    }));
    this.ddb = DynamoDBDocumentClient.from(client);
    this.aws.install();
    this.aws.deployStack(process.env);
    this.realFetch = globalThis.fetch;
    globalThis.fetch = ((url: string) => this.aws.fetch(String(url))) as unknown as typeof fetch;
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
    this.aws.restore();
    if (this.realFetch) globalThis.fetch = this.realFetch;
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  inject(...faults: Fault[]): void {
    this.faults.push(...faults.map((f) => ({ ...f })));
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * AWS actions each function was seen calling that its own role in serverless.yml does not allow
   * (the registry's DynamoDB calls are not observed here: they go to dynalite).
   */
  unauthorizedCalls(): Record<string, string[]> {
    const PREFIX: Record<string, string> = { medialive: 'medialive', mediapackagev2: 'mediapackagev2', mediapackage: 'mediapackage', secretsmanager: 'secretsmanager', cloudfront: 'cloudfront', cloudwatch: 'cloudwatch', sns: 'sns' };
    // Operations IAM authorizes under other action names.
    const AUTHORIZED_AS: Record<string, string[]> = { 'cloudfront:CreateDistributionWithTags': ['cloudfront:CreateDistribution', 'cloudfront:TagResource'] };
    const out: Record<string, string[]> = {};
    for (const call of this.aws.calls) {
      const prefix = PREFIX[call.service];
      if (!prefix || !call.fn) continue;
      const allowed = new Set((this.workflows.functions[call.fn]?.iamRoleStatements ?? []).filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
      const action = `${prefix}:${call.command}`;
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

  private taskHandlers(spec: StateMachineSpec): Record<string, (input: JsonValue) => Promise<JsonValue>> {
    const out: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    const callbackStates = new Set<string>();
    const walk = (states: Record<string, { Type: string; Resource?: unknown; Branches?: { States: Record<string, never> }[] }>) => {
      for (const [name, st] of Object.entries(states)) {
        if (st.Type === 'Task' && String(st.Resource).endsWith('.waitForTaskToken')) callbackStates.add(name);
        for (const b of st.Branches ?? []) walk(b.States);
      }
    };
    walk(spec.definition.States as never);
    for (const [state, fnKey] of Object.entries(spec.taskFunctions)) {
      out[state] = async (input) => {
        this.tasks.push(state);
        const fault = this.faults.find((f) => f.state === state && (f.times === undefined || f.times > 0));
        if (fault && fault.times !== undefined) fault.times -= 1;
        const injected = (when: string) => {
          const e = new InjectedFailure(state, when);
          if (fault?.name) e.name = fault.name;
          return asLambdaError(e);
        };
        if (fault?.when === 'before') throw injected('before');
        // `lambda:invoke.waitForTaskToken`: the function gets Parameters.Payload with a fresh task
        // token; the task ends when someone redeems it (SendTaskSuccess / SendTaskFailure through
        // FakeAws). No MediaLive event ever comes here, so a token the handler did not redeem itself
        // times out at once — tests never depend on time (the twin runs the real timeout).
        const callback = callbackStates.has(state);
        const token = callback ? `harness-token-${++this.tokens}` : undefined;
        const payload = callback ? JSON.parse(JSON.stringify((input as { Payload: JsonValue }).Payload).split(HARNESS_TOKEN).join(token as string)) as JsonValue : input;
        let result: unknown;
        try {
          result = await currentFunction.run(fnKey, () => this.handler(fnKey)(structuredClone(payload), { functionName: fnKey, awsRequestId: `req-${this.tasks.length}`, getRemainingTimeInMillis: () => 30_000 }));
        } catch (error) {
          throw asLambdaError(error);
        }
        if (fault?.when === 'after') throw injected('after');
        if (token) {
          const redeemed = this.aws.taskResults.get(token);
          if (!redeemed) {
            const e = new Error('the parked task timed out');
            e.name = 'States.Timeout';
            throw e;
          }
          if (!redeemed.ok) {
            const e = new Error(redeemed.cause);
            e.name = redeemed.error;
            throw e;
          }
          return redeemed.output as JsonValue;
        }
        return (result ?? null) as JsonValue;
      };
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

  private zeroed(spec: StateMachineSpec): { waits: Record<string, number>; retries: Record<string, number> } {
    const waits: Record<string, number> = {};
    const retries: Record<string, number> = {};
    const walk = (states: Record<string, { Type: string; Branches?: { States: Record<string, never> }[] }>) => {
      for (const [name, s] of Object.entries(states)) {
        if (s.Type === 'Wait') waits[name] = 0;
        retries[name] = 0;
        for (const b of s.Branches ?? []) walk(b.States);
      }
    };
    walk(spec.definition.States as never);
    return { waits, retries };
  }

  async run(machine: string, input: JsonValue): Promise<RunResult> {
    const spec = this.spec(machine);
    const sm = new StateMachine(spec.definition as never, { validationOptions: { checkArn: false } });
    const { waits, retries } = this.zeroed(spec);
    this.executions += 1;
    const name = `exec-${this.executions}`;
    const started = this.tasks.length;
    const execution = sm.run(input, {
      overrides: { taskResourceLocalHandlers: this.taskHandlers(spec), waitTimeOverrides: waits, retryIntervalOverrides: retries },
      context: {
        Execution: { Id: `${spec.arn.replace(':stateMachine:', ':execution:')}:${name}`, Name: name, StartTime: new Date().toISOString(), Input: input as never, RoleArn: 'arn:aws:iam::111122223333:role/sfn' },
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
