/**
 * Executions of the registered state machines, run by aws-local-stepfunctions: start (with Step
 * Functions' name and input rules), stop (a `.sync` child with its parent), describe, list, history,
 * and the "Step Functions Execution Status Change" events EventBridge would deliver.
 *
 * Persistence: finished executions are kept in the snapshot. An execution still running when the
 * twin stops cannot be resumed (the engine keeps its position in memory only): after a restart it
 * is reported ABORTED with the cause "the local cloud restarted while this execution was running".
 */
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { AwsError, type ModelValue, type TwinEnv } from '../../core/types';
import type { PreparedDefinition } from './definition';
import { historyOutput, record, recordEngineEvent, type EngineEvent } from './history';
import { TaskError, page, type ExecutionRecord } from './model';
import type { StateMachines } from './state-machines';
import { TOKEN_PLACEHOLDER, TaskTokens } from './task-tokens';
import { Tasks, type TaskHost } from './tasks';

interface Running {
  abort(): void;
  /** Cancels pending twin-clock waits (an aborted execution leaves no timer behind). */
  timers: Set<() => void>;
  done: Promise<void>;
  children: Set<string>;
}

export interface ExecutionsSnapshot {
  executions: ExecutionRecord[];
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,80}$/;

export class Executions implements TaskHost {
  readonly tokens: TaskTokens;
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, Running>();
  private readonly tasks: Tasks;
  /** Set at twin shutdown: running executions are cut off and start nothing new. */
  private closed = false;

  constructor(private readonly env: TwinEnv, private readonly machines: StateMachines) {
    this.tokens = new TaskTokens(env, (arn) => this.records.get(arn));
    this.tasks = new Tasks(env, this.tokens, this);
  }

  get(arn: string): ExecutionRecord | undefined {
    return this.records.get(arn);
  }

  list(): ExecutionRecord[] {
    return [...this.records.values()];
  }

  /** Resolves when the execution has finished (immediately if it already has). */
  async waitFor(executionArn: string): Promise<ExecutionRecord> {
    await this.running.get(executionArn)?.done;
    const rec = this.records.get(executionArn);
    if (!rec) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`, 400);
    return rec;
  }

  /** Resolves when no execution is running (used at shutdown and by tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  start(stateMachineArn: string, input: string | undefined, name?: string, parentExecutionArn?: string): ExecutionRecord {
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
    const existing = this.records.get(executionArn);
    if (existing) {
      // Same name + same input while RUNNING is idempotent; anything else is a conflict (Standard workflows).
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`, 400);
    }
    const rec: ExecutionRecord = {
      executionArn, stateMachineArn, name: executionName, status: 'RUNNING', startDate: this.env.clock.now(),
      input: inputText, stateTransitions: 0, history: [], ...(parentExecutionArn ? { parentExecutionArn } : {}),
    };
    this.records.set(executionArn, rec);
    this.run(rec, machine.prepared, parsed, this.machines.roleArn(machine));
    this.emitStatus(rec);
    this.env.changed();
    return rec;
  }

  stop(executionArn: string, error?: string, cause?: string): ExecutionRecord {
    const rec = this.describeRecord(executionArn);
    if (rec.status !== 'RUNNING') return rec;
    rec.status = 'ABORTED';
    rec.stopDate = this.env.clock.now();
    if (error !== undefined) rec.error = error;
    if (cause !== undefined) rec.cause = cause;
    const run = this.running.get(executionArn);
    run?.abort();
    // A .sync child of an aborted parent is stopped too, as Step Functions does.
    for (const child of run?.children ?? []) this.stop(child, 'States.Aborted', `Parent execution ${executionArn} was stopped`);
    this.env.changed();
    return rec;
  }

  private record(rec: ExecutionRecord, type: string, details?: Record<string, unknown>): void {
    record(rec, this.env.clock.now(), type, details);
  }

  private run(rec: ExecutionRecord, prepared: PreparedDefinition, input: unknown, roleArn: string): void {
    // The engine's types model ASL as closed unions; our definitions are the checked-in YAML, already
    // validated by the workflows' own tests (asl-validator), so they are passed through as data.
    const sm = new StateMachine(prepared.engine as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of prepared.states) {
      if (state.Type === 'Task' || state.Type === 'Wait') {
        handlers[stateName] = (taskInput: unknown) => this.tasks.run(rec, stateName, state, taskInput);
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
      for await (const ev of execution.eventLogs) recordEngineEvent(rec, this.env.clock.now(), prepared, ev as unknown as EngineEvent, roleArn);
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
      this.tokens.dropFor(rec.executionArn);
      this.emitStatus(rec);
      this.env.changed();
    })();
    const timers = new Set<() => void>();
    const abort = (): void => {
      execution.abort();
      for (const cancel of timers) cancel();
      timers.clear();
      this.tokens.dropFor(rec.executionArn, new TaskError('States.Aborted', 'execution stopped'));
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

  // ---- what a task asks of its execution (TaskHost) --------------------------------------------

  accepts(rec: ExecutionRecord): boolean {
    return rec.status === 'RUNNING' && !this.closed;
  }

  timers(executionArn: string): Set<() => void> | undefined {
    return this.running.get(executionArn)?.timers;
  }

  startChild(parent: ExecutionRecord, stateMachineArn: string, input: string, name?: string): ExecutionRecord {
    const child = this.start(stateMachineArn, input, name, parent.executionArn);
    this.running.get(parent.executionArn)?.children.add(child.executionArn);
    return child;
  }

  // ---- operations (model member names: Step Functions' are lowerCamel) --------------------------

  private describeRecord(executionArn: unknown): ExecutionRecord {
    const arn = String(executionArn ?? '');
    if (!/^arn:aws:states:[^:]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: '${arn}'`, 400);
    const rec = this.records.get(arn);
    if (!rec) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`, 400);
    return rec;
  }

  describeOutput(rec: ExecutionRecord): ModelValue {
    return {
      executionArn: rec.executionArn, stateMachineArn: rec.stateMachineArn, name: rec.name, status: rec.status,
      startDate: new Date(rec.startDate), ...(rec.stopDate !== undefined ? { stopDate: new Date(rec.stopDate) } : {}),
      input: rec.input, inputDetails: { included: true },
      ...(rec.output !== undefined ? { output: rec.output, outputDetails: { included: true } } : {}),
      ...(rec.error !== undefined ? { error: rec.error } : {}), ...(rec.cause !== undefined ? { cause: rec.cause } : {}),
    };
  }

  readonly operations = {
    StartExecution: (input: ModelValue): ModelValue => {
      const rec = this.start(String(input.stateMachineArn ?? ''), input.input as string | undefined, input.name as string | undefined);
      return { executionArn: rec.executionArn, startDate: new Date(rec.startDate) };
    },
    DescribeExecution: (input: ModelValue): ModelValue => this.describeOutput(this.describeRecord(input.executionArn)),
    StopExecution: (input: ModelValue): ModelValue => {
      const rec = this.stop(String(input.executionArn ?? ''), input.error as string | undefined, input.cause as string | undefined);
      return { stopDate: new Date(rec.stopDate ?? this.env.clock.now()) };
    },
    GetExecutionHistory: (input: ModelValue): ModelValue => {
      const rec = this.describeRecord(input.executionArn);
      const includeData = input.includeExecutionData !== false;
      let events = rec.history.map((h) => historyOutput(h, includeData));
      if (input.reverseOrder === true) events = events.reverse();
      return page(events, input, 'events');
    },
    ListExecutions: (input: ModelValue): ModelValue => {
      const smArn = String(input.stateMachineArn ?? '');
      if (!this.machines.get(smArn)) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${smArn}'`, 400);
      const list = [...this.records.values()]
        .filter((e) => e.stateMachineArn === smArn && (input.statusFilter === undefined || e.status === input.statusFilter))
        .sort((a, b) => b.startDate - a.startDate)
        .map((e) => ({
          executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status,
          startDate: new Date(e.startDate), ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
        }));
      return page(list, input, 'executions');
    },
  };

  // ---- persistence and shutdown ----------------------------------------------------------------

  /** The live records (plain data): the caller serialises them at once, a copy would double the work. */
  snapshot(): ExecutionsSnapshot {
    return { executions: this.list() };
  }

  restore(state: unknown): void {
    const s = state as Partial<ExecutionsSnapshot> | undefined;
    for (const e of s?.executions ?? []) {
      if (e.status === 'RUNNING') {
        e.status = 'ABORTED';
        e.stopDate = this.env.clock.now();
        e.error = 'States.Runtime';
        e.cause = 'The local cloud restarted while this execution was running; the twin cannot resume an execution.';
      }
      this.records.set(e.executionArn, e);
    }
  }

  /** Twin shutdown: running executions stop here; restore() reports them as aborted. */
  close(): void {
    this.closed = true;
    for (const run of this.running.values()) run.abort();
  }
}
