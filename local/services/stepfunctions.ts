/**
 * Step Functions twin: runs the checked-in ASL with aws-local-stepfunctions.
 *
 * Task resources, as Step Functions dispatches them:
 *  - `arn:aws:lambda:…:function:NAME` and `arn:aws:states:::lambda:invoke` → the twin's Lambda (the
 *    real handler), errors named by the function's errorType so Retry/Catch match;
 *  - `arn:aws:states:::states:startExecution[.sync[:2]]` → a child execution in this twin;
 *  - `arn:aws:states:::sns:publish` and `arn:aws:states:::aws-sdk:SERVICE:ACTION` → the twin's
 *    services through `env.invoke` (same validation, faults and rate limits as an HTTP call);
 *    AWS errors become `<Service>.<ErrorCode>` as Step Functions names them;
 *  - `.waitForTaskToken` on any of them → a task token ($$.Task.Token) redeemed by
 *    SendTaskSuccess / SendTaskFailure;
 *  - Wait states sleep on the twin clock (see stepfunctions-definition.ts).
 * History events use AWS's names (ExecutionStarted, TaskStateEntered, LambdaFunctionScheduled …)
 * and every execution counts its state transitions (entered states + retries, as AWS bills them).
 *
 * Persistence: finished executions are kept in the snapshot. An execution still running when the
 * twin stops cannot be resumed (the engine keeps its position in memory only): after a restart it
 * is reported ABORTED with the cause "the local cloud restarted while this execution was running".
 * Not served: JSONata, HeartbeatSeconds enforcement, Express workflows, redrive, $$.State/$$.Task
 * context fields other than Task.Token.
 */
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { AwsError, type InventoryItem, type ModelValue, type ServiceBehaviour, type TwinEnv, type TwinRoute } from '../core/types';
import { WAIT_RESOURCE, prepareDefinition, waitMillis, type AslDefinition, type AslState, type PreparedDefinition } from './stepfunctions-definition';

export interface StateMachineSpec {
  name: string;
  definition: AslDefinition;
  roleArn?: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  /** The `<type>EventDetails` member, e.g. `{ name, input }` for TaskStateEntered. */
  details?: Record<string, unknown>;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  stateTransitions: number;
  history: HistoryEvent[];
  parentExecutionArn?: string;
}

interface Running {
  abort(): void;
  /** Cancels pending twin-clock waits (an aborted execution leaves no timer behind). */
  timers: Set<() => void>;
  done: Promise<void>;
  children: Set<string>;
}

interface PendingToken {
  executionArn: string;
  stateName: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
  cancelTimer?: () => void;
}

interface Snapshot {
  executions: ExecutionRecord[];
}

/** Placeholder the engine substitutes for $$.Task.Token; each callback task swaps in a fresh token. */
const TOKEN_PLACEHOLDER = '__onair_twin_task_token__';
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,80}$/;
const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** Step Functions' error prefix for service integrations (`MediaLive.ConflictException`). */
const SERVICE_ERROR_PREFIX: Record<string, string> = {
  medialive: 'MediaLive', mediapackage: 'MediaPackage', mediapackagev2: 'MediaPackageV2', cloudfront: 'CloudFront',
  cloudwatch: 'CloudWatch', sns: 'SNS', secretsmanager: 'SecretsManager', scheduler: 'Scheduler', sfn: 'Sfn',
  lambda: 'Lambda', eventbridge: 'EventBridge', dynamodb: 'DynamoDb', sts: 'Sts',
};
/** aws-sdk integration service names → the twin's signing names. */
const SIGNING_NAME: Record<string, string> = { cloudwatch: 'monitoring', sfn: 'states', eventbridge: 'events' };

class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

export class StepFunctionsService implements ServiceBehaviour {
  readonly signingName = 'states';
  private readonly machines = new Map<string, { spec: StateMachineSpec; arn: string; prepared: PreparedDefinition; created: number }>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, Running>();
  private readonly tokens = new Map<string, PendingToken>();
  private readonly expiredTokens = new Set<string>();
  /** Set at twin shutdown: running executions are cut off and start nothing new. */
  private closed = false;

  constructor(private readonly env: TwinEnv) {}

  // ---- registration (app.ts) -------------------------------------------------------------------

  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.env.region}:${this.env.accountId}:stateMachine:${name}`;
  }

  register(spec: StateMachineSpec): string {
    const arn = this.stateMachineArn(spec.name);
    const prepared = prepareDefinition(spec.definition, this.env.clock.scale);
    this.machines.set(arn, { spec, arn, prepared, created: this.env.clock.now() });
    return arn;
  }

  // ---- in-process API (npm start, tests, benchmarks) -------------------------------------------

  getExecution(arn: string): ExecutionRecord | undefined {
    return this.executions.get(arn);
  }

  listExecutionRecords(): ExecutionRecord[] {
    return [...this.executions.values()];
  }

  /** Resolves when the execution has finished (immediately if it already has). */
  async waitFor(executionArn: string): Promise<ExecutionRecord> {
    await this.running.get(executionArn)?.done;
    const rec = this.executions.get(executionArn);
    if (!rec) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`, 400);
    return rec;
  }

  /** Resolves when no execution is running (used at shutdown and by tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  // ---- executions -----------------------------------------------------------------------------

  startExecution(stateMachineArn: string, input: string | undefined, name?: string, parentExecutionArn?: string): ExecutionRecord {
    const machine = this.machines.get(stateMachineArn);
    if (!/^arn:aws:states:[^:]+:\d{12}:stateMachine:[^:]+$/.test(stateMachineArn)) {
      throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${stateMachineArn}'`, 400);
    }
    if (!machine) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`, 400);
    const executionName = name ?? randomUUID();
    if (!NAME_PATTERN.test(executionName)) throw new AwsError('InvalidName', `Invalid Name: '${executionName}'`, 400);
    const inputText = input ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch {
      throw new AwsError('InvalidExecutionInput', `Invalid State Machine Execution Input: 'input' is not valid JSON`, 400);
    }
    if (Buffer.byteLength(inputText) > 256 * 1024) throw new AwsError('InvalidExecutionInput', 'Input exceeds 262144 bytes', 400);
    const executionArn = `arn:aws:states:${this.env.region}:${this.env.accountId}:execution:${machine.spec.name}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Same name + same input while RUNNING is idempotent; anything else is a conflict (Standard workflows).
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`, 400);
    }
    const rec: ExecutionRecord = {
      executionArn, stateMachineArn, name: executionName, status: 'RUNNING', startDate: this.env.clock.now(),
      input: inputText, stateTransitions: 0, history: [], ...(parentExecutionArn ? { parentExecutionArn } : {}),
    };
    this.executions.set(executionArn, rec);
    this.run(rec, machine.prepared, parsed, machine.spec.roleArn ?? this.roleArnFor(machine.spec.name));
    this.emitStatus(rec);
    this.env.changed();
    return rec;
  }

  private roleArnFor(name: string): string {
    return `arn:aws:iam::${this.env.accountId}:role/${name}-role`;
  }

  private record(rec: ExecutionRecord, type: string, details?: Record<string, unknown>): void {
    const last = rec.history[rec.history.length - 1];
    // A task still in flight when the execution was stopped finishes unseen, as on AWS.
    if (last && TERMINAL.has(last.type)) return;
    rec.history.push({ id: rec.history.length + 1, previousEventId: last?.id ?? 0, timestamp: this.env.clock.now(), type, ...(details ? { details } : {}) });
  }

  private run(rec: ExecutionRecord, prepared: PreparedDefinition, input: unknown, roleArn: string): void {
    // The engine's types model ASL as closed unions; our definitions are the checked-in YAML, already
    // validated by the workflows' own tests (asl-validator), so they are passed through as data.
    const sm = new StateMachine(prepared.engine as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of prepared.states) {
      if (state.Type === 'Task' || state.Type === 'Wait') {
        handlers[stateName] = (taskInput: unknown) => this.runTask(rec, stateName, state, taskInput);
      }
    }
    const children = new Set<string>();
    // `never`: the engine types input and task results as its JSONValue; ours are parsed JSON too.
    const execution = sm.run(input as never, {
      noThrowOnAbort: true,
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: {
        Execution: { Id: rec.executionArn, Name: rec.name, RoleArn: roleArn, StartTime: new Date(rec.startDate).toISOString() },
        StateMachine: { Id: rec.stateMachineArn, Name: rec.stateMachineArn.split(':').pop() },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    const history = (async () => {
      for await (const ev of execution.eventLogs) this.onEngineEvent(rec, prepared, ev as unknown as EngineEvent, roleArn);
    })();
    const done = (async () => {
      let outcome: { ok: true; output: unknown } | { ok: false; error: Error };
      try {
        outcome = { ok: true, output: await execution.result };
      } catch (error) {
        outcome = { ok: false, error: error as Error };
      }
      await history.catch(() => undefined);
      if (rec.status === 'ABORTED') {
        this.record(rec, 'ExecutionAborted', { ...(rec.error !== undefined ? { error: rec.error } : {}), ...(rec.cause !== undefined ? { cause: rec.cause } : {}) });
      } else if (rec.status === 'RUNNING') {
        rec.stopDate = this.env.clock.now();
        if (outcome.ok) {
          rec.status = 'SUCCEEDED';
          rec.output = JSON.stringify(outcome.output ?? null);
        } else if (outcome.error.name === 'ExecutionTimeoutError') {
          rec.status = 'TIMED_OUT';
          rec.error = 'States.Timeout';
          this.record(rec, 'ExecutionTimedOut', { error: 'States.Timeout' });
        } else {
          const failed = [...rec.history].reverse().find((h) => h.type === 'ExecutionFailed');
          rec.status = 'FAILED';
          rec.error = String(failed?.details?.error ?? outcome.error.name);
          rec.cause = failed?.details?.cause as string | undefined ?? outcome.error.message;
        }
      }
      this.running.delete(rec.executionArn);
      for (const [token, pending] of this.tokens) if (pending.executionArn === rec.executionArn) this.dropToken(token);
      this.emitStatus(rec);
      this.env.changed();
    })();
    const timers = new Set<() => void>();
    const abort = (): void => {
      execution.abort();
      for (const cancel of timers) cancel();
      timers.clear();
      for (const [token, pending] of this.tokens) {
        if (pending.executionArn === rec.executionArn) this.dropToken(token, new TaskError('States.Aborted', 'execution stopped'));
      }
    };
    this.running.set(rec.executionArn, { abort, done, children, timers });
  }

  /** EventBridge's `Step Functions Execution Status Change` (dates in epoch ms, as AWS sends them). */
  private emitStatus(rec: ExecutionRecord): void {
    this.env.events.emit({
      source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', resources: [rec.executionArn],
      detail: {
        executionArn: rec.executionArn, stateMachineArn: rec.stateMachineArn, name: rec.name, status: rec.status,
        startDate: rec.startDate, stopDate: rec.stopDate ?? null, input: rec.input, output: rec.output ?? null,
        error: rec.error ?? null, cause: rec.cause ?? null,
      },
    });
  }

  private onEngineEvent(rec: ExecutionRecord, prepared: PreparedDefinition, ev: EngineEvent, roleArn: string): void {
    const typeOf = (name: string): string => prepared.types.get(name) ?? 'Task';
    switch (ev.type) {
      case 'ExecutionStarted':
        this.record(rec, 'ExecutionStarted', { input: JSON.stringify(ev.input ?? null), inputDetails: { truncated: false }, roleArn });
        return;
      case 'ExecutionSucceeded':
        this.record(rec, 'ExecutionSucceeded', { output: JSON.stringify(ev.output ?? null), outputDetails: { truncated: false } });
        return;
      case 'ExecutionFailed':
        this.record(rec, 'ExecutionFailed', { error: ev.Error, cause: typeof ev.Cause === 'string' ? ev.Cause : JSON.stringify(ev.Cause) });
        return;
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        return; // recorded by StopExecution / the timeout handler with AWS's details
      case 'StateEntered': {
        const t = typeOf(ev.state.name);
        rec.stateTransitions += 1;
        this.record(rec, `${t}StateEntered`, { name: ev.state.name, input: JSON.stringify(ev.state.input ?? null), inputDetails: { truncated: false } });
        if (t === 'Parallel' || t === 'Map') this.record(rec, `${t}StateStarted`, t === 'Map' ? { length: Array.isArray(ev.state.input) ? ev.state.input.length : 0 } : undefined);
        return;
      }
      case 'StateExited': {
        const t = typeOf(ev.state.name);
        if (t === 'Parallel' || t === 'Map') this.record(rec, `${t}StateSucceeded`);
        this.record(rec, `${t}StateExited`, { name: ev.state.name, output: JSON.stringify(ev.state.output ?? null), outputDetails: { truncated: false } });
        return;
      }
      case 'StateFailed': {
        const t = typeOf(ev.state.name);
        if (t === 'Parallel' || t === 'Map') this.record(rec, `${t}StateFailed`);
        return;
      }
      case 'StateRetried':
        rec.stateTransitions += 1; // AWS bills each retry as a state transition
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.record(rec, ev.type, { name: ev.parentState?.name, index: ev.index });
        return;
      default:
        return;
    }
  }

  // ---- tasks ----------------------------------------------------------------------------------

  private async runTask(rec: ExecutionRecord, stateName: string, state: AslState, rawInput: unknown): Promise<unknown> {
    // Let the engine's queued StateEntered reach the history before this task's own events.
    await new Promise((r) => setImmediate(r));
    // A stopped execution starts nothing new (the engine may still retry the interrupted state).
    if (rec.status !== 'RUNNING' || this.closed) throw new TaskError('States.Aborted', 'execution stopped');
    if (state.Type === 'Wait') {
      const ms = waitMillis(state, rawInput, this.env.clock.now());
      const timers = this.running.get(rec.executionArn)?.timers;
      await new Promise<void>((resolve, reject) => {
        const stopTimer = this.env.clock.setTimer(ms, () => {
          timers?.delete(cancel);
          resolve();
        });
        // Settling on abort matters: the engine keeps a (long) real timer per Task until it settles.
        const cancel = (): void => {
          stopTimer();
          reject(new TaskError('States.Aborted', 'execution stopped'));
        };
        timers?.add(cancel);
      });
      return rawInput;
    }
    let resource = String(state.Resource);
    if (resource === WAIT_RESOURCE) throw new TaskError('States.Runtime', 'internal wait resource used in a Task');
    const callback = resource.endsWith('.waitForTaskToken');
    let input = rawInput;
    let token: string | undefined;
    let tokenResult: Promise<unknown> | undefined;
    if (callback) {
      resource = resource.slice(0, -'.waitForTaskToken'.length);
      token = Buffer.from(JSON.stringify({ e: rec.executionArn, s: stateName, n: randomUUID() })).toString('base64url');
      input = JSON.parse(JSON.stringify(rawInput ?? null).split(TOKEN_PLACEHOLDER).join(token));
      const pending = deferred<unknown>();
      const entry: PendingToken = { executionArn: rec.executionArn, stateName, resolve: pending.resolve, reject: pending.reject };
      if (typeof state.TimeoutSeconds === 'number') {
        const t = token;
        entry.cancelTimer = this.env.clock.setTimer(state.TimeoutSeconds * 1000, () => {
          this.dropToken(t);
          this.expiredTokens.add(t);
        });
      }
      this.tokens.set(token, entry);
      tokenResult = pending.promise;
    }
    try {
      const direct = /^arn:aws:lambda:[^:]+:\d+:function:/.test(resource);
      let result: unknown;
      if (direct || resource === 'arn:aws:states:::lambda:invoke') {
        result = await this.lambdaTask(rec, resource, direct, input, state, callback);
      } else {
        result = await this.serviceTask(rec, resource, input, stateName, callback);
      }
      if (tokenResult) {
        const output = await tokenResult;
        this.record(rec, 'TaskSucceeded', { resourceType: resourceType(resource), resource: resourceName(resource), output: JSON.stringify(output) });
        return output;
      }
      return result;
    } catch (error) {
      if (token) this.dropToken(token);
      throw error;
    }
  }

  private async lambdaTask(rec: ExecutionRecord, resource: string, direct: boolean, input: unknown, state: AslState, callback = false): Promise<unknown> {
    const params = (input ?? {}) as Record<string, unknown>;
    const functionName = direct ? resource : String(params.FunctionName ?? '');
    const payload = direct ? input : params.Payload ?? {};
    if (direct) {
      this.record(rec, 'LambdaFunctionScheduled', { resource, input: JSON.stringify(payload ?? null), inputDetails: { truncated: false }, ...(typeof state.TimeoutSeconds === 'number' ? { timeoutInSeconds: state.TimeoutSeconds } : {}) });
      this.record(rec, 'LambdaFunctionStarted');
    } else {
      this.record(rec, 'TaskScheduled', { resourceType: 'lambda', resource: 'invoke', region: this.env.region, parameters: JSON.stringify(params) });
      this.record(rec, 'TaskStarted', { resourceType: 'lambda', resource: 'invoke' });
    }
    let out: ModelValue;
    try {
      out = await this.env.invoke('lambda', 'Invoke', { FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload ?? null)) });
    } catch (error) {
      // Lambda's own errors (throttling, service faults) reach Retry as Lambda.<Code>.
      const name = error instanceof AwsError ? `Lambda.${error.code}` : 'Lambda.SdkClientException';
      const cause = (error as Error).message;
      this.record(rec, direct ? 'LambdaFunctionFailed' : 'TaskFailed', { ...(direct ? {} : { resourceType: 'lambda', resource: 'invoke' }), error: name, cause });
      throw new TaskError(name, cause);
    }
    const text = out.Payload ? Buffer.from(out.Payload as Uint8Array).toString('utf8') : 'null';
    const body = JSON.parse(text) as unknown;
    if (out.FunctionError) {
      const p = body as { errorType?: string; errorMessage?: string };
      const name = p.errorType ?? 'Lambda.Unknown';
      this.record(rec, direct ? 'LambdaFunctionFailed' : 'TaskFailed', { ...(direct ? {} : { resourceType: 'lambda', resource: 'invoke' }), error: name, cause: text });
      throw new TaskError(name, text);
    }
    if (direct) {
      this.record(rec, 'LambdaFunctionSucceeded', { output: text, outputDetails: { truncated: false } });
      return body;
    }
    const result = { ExecutedVersion: '$LATEST', Payload: body, StatusCode: 200 };
    this.record(rec, callback ? 'TaskSubmitted' : 'TaskSucceeded', { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify(result) });
    return result;
  }

  private async serviceTask(rec: ExecutionRecord, resource: string, input: unknown, stateName: string, callback = false): Promise<unknown> {
    // A callback task's call only submits it: TaskSucceeded comes with SendTaskSuccess.
    const done = callback ? 'TaskSubmitted' : 'TaskSucceeded';
    const params = (input ?? {}) as Record<string, unknown>;
    const rType = resourceType(resource);
    const rName = resourceName(resource);
    this.record(rec, 'TaskScheduled', { resourceType: rType, resource: rName, region: this.env.region, parameters: JSON.stringify(params) });
    this.record(rec, 'TaskStarted', { resourceType: rType, resource: rName });
    const fail = (error: string, cause: string): never => {
      this.record(rec, 'TaskFailed', { resourceType: rType, resource: rName, error, cause });
      throw new TaskError(error, cause);
    };
    let m: RegExpExecArray | null;
    if ((m = /^arn:aws:states:::states:startExecution(\.sync(:2)?)?$/.exec(resource))) {
      const childInput = typeof params.Input === 'string' ? params.Input : JSON.stringify(params.Input ?? {});
      let child: ExecutionRecord;
      try {
        child = this.startExecution(String(params.StateMachineArn ?? ''), childInput, typeof params.Name === 'string' ? params.Name : undefined, rec.executionArn);
      } catch (error) {
        return fail(`StepFunctions.${(error as AwsError).code ?? 'SdkClientException'}`, (error as Error).message);
      }
      this.running.get(rec.executionArn)?.children.add(child.executionArn);
      if (!m[1]) {
        const out = { ExecutionArn: child.executionArn, StartDate: new Date(child.startDate).toISOString() };
        this.record(rec, 'TaskSucceeded', { resourceType: rType, resource: rName, output: JSON.stringify(out) });
        return out;
      }
      this.record(rec, 'TaskSubmitted', { resourceType: rType, resource: rName, output: JSON.stringify({ ExecutionArn: child.executionArn }) });
      const done = await this.waitFor(child.executionArn);
      const describe = {
        ExecutionArn: done.executionArn, StateMachineArn: done.stateMachineArn, Name: done.name, Status: done.status,
        StartDate: done.startDate, StopDate: done.stopDate, Input: m[2] ? JSON.parse(done.input) : done.input,
        Output: done.output === undefined ? null : m[2] ? JSON.parse(done.output) : done.output,
        ...(done.error ? { Error: done.error } : {}), ...(done.cause ? { Cause: done.cause } : {}),
      };
      if (done.status !== 'SUCCEEDED') return fail(done.status === 'TIMED_OUT' ? 'States.Timeout' : 'States.TaskFailed', JSON.stringify(describe));
      this.record(rec, 'TaskSucceeded', { resourceType: rType, resource: rName, output: JSON.stringify(describe) });
      return describe;
    }
    let service: string;
    let action: string;
    if (resource === 'arn:aws:states:::sns:publish') {
      service = 'sns';
      action = 'publish';
    } else if ((m = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(resource))) {
      service = m[1] as string;
      action = m[2] as string;
    } else {
      return fail('States.Runtime', `The local cloud does not implement the task resource ${resource} (state ${stateName})`);
    }
    const operation = action.charAt(0).toUpperCase() + action.slice(1);
    let out: ModelValue;
    try {
      out = await this.env.invoke(SIGNING_NAME[service] ?? service, operation, params);
    } catch (error) {
      const prefix = SERVICE_ERROR_PREFIX[service] ?? service;
      if (error instanceof AwsError) return fail(`${prefix}.${error.code}`, error.message);
      return fail(`${prefix}.SdkClientException`, (error as Error).message);
    }
    const result = JSON.parse(JSON.stringify(out)) as unknown; // Dates → ISO strings, as Step Functions returns them
    this.record(rec, done, { resourceType: rType, resource: rName, output: JSON.stringify(result) });
    return result;
  }

  private dropToken(token: string, settle?: Error): void {
    const entry = this.tokens.get(token);
    entry?.cancelTimer?.();
    this.tokens.delete(token);
    if (entry && settle) entry.reject(settle);
  }

  private redeem(token: unknown): PendingToken {
    const t = String(token ?? '');
    const entry = this.tokens.get(t);
    if (entry) return entry;
    if (this.expiredTokens.has(t)) throw new AwsError('TaskTimedOut', 'Task Timed Out', 400);
    try {
      const decoded = JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as { e?: string };
      if (typeof decoded.e === 'string') throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist', 400);
    } catch (error) {
      if (error instanceof AwsError) throw error;
    }
    throw new AwsError('InvalidToken', 'Invalid Token', 400);
  }

  stopExecution(executionArn: string, error?: string, cause?: string): ExecutionRecord {
    const rec = this.describeRecord(executionArn);
    if (rec.status !== 'RUNNING') return rec;
    rec.status = 'ABORTED';
    rec.stopDate = this.env.clock.now();
    if (error !== undefined) rec.error = error;
    if (cause !== undefined) rec.cause = cause;
    const run = this.running.get(executionArn);
    run?.abort();
    // A .sync child of an aborted parent is stopped too, as Step Functions does.
    for (const child of run?.children ?? []) this.stopExecution(child, 'States.Aborted', `Parent execution ${executionArn} was stopped`);
    this.env.changed();
    return rec;
  }

  private describeRecord(executionArn: unknown): ExecutionRecord {
    const arn = String(executionArn ?? '');
    if (!/^arn:aws:states:[^:]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: '${arn}'`, 400);
    const rec = this.executions.get(arn);
    if (!rec) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`, 400);
    return rec;
  }

  // ---- operations (model member names: Step Functions' are lowerCamel) --------------------------

  readonly operations = {
    StartExecution: (input: ModelValue): ModelValue => {
      const rec = this.startExecution(String(input.stateMachineArn ?? ''), input.input as string | undefined, input.name as string | undefined);
      return { executionArn: rec.executionArn, startDate: new Date(rec.startDate) };
    },
    DescribeExecution: (input: ModelValue): ModelValue => this.describeOutput(this.describeRecord(input.executionArn)),
    StopExecution: (input: ModelValue): ModelValue => {
      const rec = this.stopExecution(String(input.executionArn ?? ''), input.error as string | undefined, input.cause as string | undefined);
      return { stopDate: new Date(rec.stopDate ?? this.env.clock.now()) };
    },
    GetExecutionHistory: (input: ModelValue): ModelValue => {
      const rec = this.describeRecord(input.executionArn);
      const includeData = input.includeExecutionData !== false;
      let events = rec.history.map((h) => this.historyOutput(h, includeData));
      if (input.reverseOrder === true) events = events.reverse();
      return page(events, input, 'events');
    },
    ListExecutions: (input: ModelValue): ModelValue => {
      const smArn = String(input.stateMachineArn ?? '');
      if (!this.machines.has(smArn)) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${smArn}'`, 400);
      const list = [...this.executions.values()]
        .filter((e) => e.stateMachineArn === smArn && (input.statusFilter === undefined || e.status === input.statusFilter))
        .sort((a, b) => b.startDate - a.startDate)
        .map((e) => ({
          executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status,
          startDate: new Date(e.startDate), ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
        }));
      return page(list, input, 'executions');
    },
    ListStateMachines: (input: ModelValue): ModelValue => page(
      [...this.machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.spec.name, type: 'STANDARD', creationDate: new Date(m.created) })),
      input, 'stateMachines'),
    DescribeStateMachine: (input: ModelValue): ModelValue => {
      const arn = String(input.stateMachineArn ?? '');
      const m = this.machines.get(arn);
      if (!m) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`, 400);
      return {
        stateMachineArn: m.arn, name: m.spec.name, status: 'ACTIVE', definition: JSON.stringify(m.spec.definition),
        roleArn: m.spec.roleArn ?? this.roleArnFor(m.spec.name), type: 'STANDARD', creationDate: new Date(m.created),
      };
    },
    SendTaskSuccess: (input: ModelValue): ModelValue => {
      const entry = this.redeem(input.taskToken);
      let output: unknown;
      try {
        output = JSON.parse(String(input.output ?? ''));
      } catch {
        throw new AwsError('InvalidOutput', 'Invalid Output: output is not valid JSON', 400);
      }
      this.dropToken(String(input.taskToken));
      entry.resolve(output);
      return {};
    },
    SendTaskFailure: (input: ModelValue): ModelValue => {
      const entry = this.redeem(input.taskToken);
      this.dropToken(String(input.taskToken));
      const rec = this.executions.get(entry.executionArn);
      const error = String(input.error ?? 'States.TaskFailed');
      const cause = String(input.cause ?? '');
      if (rec) this.record(rec, 'TaskFailed', { error, cause });
      entry.reject(new TaskError(error, cause));
      return {};
    },
    SendTaskHeartbeat: (input: ModelValue): ModelValue => {
      this.redeem(input.taskToken);
      return {};
    },
  };

  describeOutput(rec: ExecutionRecord): ModelValue {
    return {
      executionArn: rec.executionArn, stateMachineArn: rec.stateMachineArn, name: rec.name, status: rec.status,
      startDate: new Date(rec.startDate), ...(rec.stopDate !== undefined ? { stopDate: new Date(rec.stopDate) } : {}),
      input: rec.input, inputDetails: { included: true },
      ...(rec.output !== undefined ? { output: rec.output, outputDetails: { included: true } } : {}),
      ...(rec.error !== undefined ? { error: rec.error } : {}), ...(rec.cause !== undefined ? { cause: rec.cause } : {}),
    };
  }

  private historyOutput(h: HistoryEvent, includeData: boolean): ModelValue {
    const out: ModelValue = { timestamp: new Date(h.timestamp), type: h.type, id: h.id, previousEventId: h.previousEventId };
    if (h.details) {
      const details = includeData ? h.details : Object.fromEntries(Object.entries(h.details).filter(([k]) => !['input', 'output'].includes(k)));
      // AWS shares one details member for every *StateEntered / *StateExited type.
      const member = h.type.endsWith('StateEntered') ? 'stateEnteredEventDetails'
        : h.type.endsWith('StateExited') ? 'stateExitedEventDetails'
          : `${h.type.charAt(0).toLowerCase()}${h.type.slice(1)}EventDetails`;
      out[member] = details;
    }
    return out;
  }

  /** Control route: every execution with its state-transition count (benchmarks read it). */
  readonly routes: TwinRoute[] = [{
    method: 'GET',
    prefix: '/_twin/executions',
    handle: () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        executions: this.listExecutionRecords().map((e) => ({
          executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status,
          startDate: new Date(e.startDate).toISOString(), stopDate: e.stopDate === undefined ? null : new Date(e.stopDate).toISOString(),
          stateTransitions: e.stateTransitions, historyEvents: e.history.length, error: e.error ?? null, cause: e.cause ?? null,
          parentExecutionArn: e.parentExecutionArn ?? null,
        })),
      }),
    }),
  }];

  inventory(): InventoryItem[] {
    return [];
  }

  /** The live records (plain data): the caller serialises them at once, a copy would double the work. */
  snapshot(): Snapshot {
    return { executions: this.listExecutionRecords() };
  }

  restore(state: unknown): void {
    const s = state as Partial<Snapshot> | undefined;
    for (const e of s?.executions ?? []) {
      if (e.status === 'RUNNING') {
        e.status = 'ABORTED';
        e.stopDate = this.env.clock.now();
        e.error = 'States.Runtime';
        e.cause = 'The local cloud restarted while this execution was running; the twin cannot resume an execution.';
      }
      this.executions.set(e.executionArn, e);
    }
  }

  /** Twin shutdown: running executions stop here; restore() reports them as aborted. */
  stop(): void {
    this.closed = true;
    for (const run of this.running.values()) run.abort();
  }
}

interface EngineEvent {
  type: string;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  index?: number;
  parentState?: { name: string };
  state: { name: string; type: string; input?: unknown; output?: unknown };
}

function resourceType(resource: string): string {
  const m = /^arn:aws:states:::(?:aws-sdk:)?([a-z0-9]+)/.exec(resource);
  return m?.[1] ?? 'lambda';
}

function resourceName(resource: string): string {
  const m = /^arn:aws:states:::(?:aws-sdk:[a-z0-9]+:|[a-z0-9]+:)(.+)$/.exec(resource);
  return m?.[1] ?? resource;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

function page<T>(items: T[], input: ModelValue, key: string): ModelValue {
  const max = typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : 1000;
  let start = 0;
  if (typeof input.nextToken === 'string') {
    start = Number(Buffer.from(input.nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidToken', 'Invalid Token: nextToken', 400);
  }
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
  return { [key]: slice, ...(next ? { nextToken: next } : {}) };
}

/** One line in local/services/index.ts: `states: createStepFunctions`. */
export function createStepFunctions(env: TwinEnv): StepFunctionsService {
  return new StepFunctionsService(env);
}

export type { AslDefinition };
