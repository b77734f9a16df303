/**
 * Task tokens of `.waitForTaskToken` tasks: the engine puts a placeholder where $$.Task.Token is read,
 * each callback task swaps in a fresh token, and the task waits until SendTaskSuccess or
 * SendTaskFailure redeems it (or its TimeoutSeconds pass on the twin clock: the token then expires).
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type ModelValue, type TwinEnv } from '../../core/types';
import { record } from './history';
import { TaskError, type ExecutionRecord } from './model';

/** Placeholder the engine substitutes for $$.Task.Token; each callback task swaps in a fresh token. */
export const TOKEN_PLACEHOLDER = '__onair_twin_task_token__';

interface PendingToken {
  executionArn: string;
  stateName: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
  cancelTimer?: () => void;
}

export class TaskTokens {
  private readonly tokens = new Map<string, PendingToken>();
  private readonly expired = new Set<string>();

  /** `execution` finds the execution a token belongs to (SendTaskFailure writes to its history). */
  constructor(private readonly env: TwinEnv, private readonly execution: (arn: string) => ExecutionRecord | undefined) {}

  /**
   * A fresh token for a callback task, and the promise its redemption settles. With `timeoutSeconds`
   * (twin time) the token expires: redeeming it afterwards answers TaskTimedOut.
   */
  issue(executionArn: string, stateName: string, timeoutSeconds?: number): { token: string; result: Promise<unknown> } {
    const token = Buffer.from(JSON.stringify({ e: executionArn, s: stateName, n: randomUUID() })).toString('base64url');
    const pending = deferred<unknown>();
    const entry: PendingToken = { executionArn, stateName, resolve: pending.resolve, reject: pending.reject };
    if (typeof timeoutSeconds === 'number') {
      entry.cancelTimer = this.env.clock.setTimer(timeoutSeconds * 1000, () => {
        this.drop(token);
        this.expired.add(token);
      });
    }
    this.tokens.set(token, entry);
    return { token, result: pending.promise };
  }

  /** Forgets a token; with `settle`, its task fails with that error. */
  drop(token: string, settle?: Error): void {
    const entry = this.tokens.get(token);
    entry?.cancelTimer?.();
    this.tokens.delete(token);
    if (entry && settle) entry.reject(settle);
  }

  /** Forgets every token of an execution (it finished, or was stopped: then `settle` fails its tasks). */
  dropFor(executionArn: string, settle?: Error): void {
    for (const [token, pending] of this.tokens) if (pending.executionArn === executionArn) this.drop(token, settle);
  }

  private redeem(token: unknown): PendingToken {
    const t = String(token ?? '');
    const entry = this.tokens.get(t);
    if (entry) return entry;
    if (this.expired.has(t)) throw new AwsError('TaskTimedOut', 'Task Timed Out', 400);
    try {
      const decoded = JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as { e?: string };
      if (typeof decoded.e === 'string') throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist', 400);
    } catch (error) {
      if (error instanceof AwsError) throw error;
    }
    throw new AwsError('InvalidToken', 'Invalid Token', 400);
  }

  readonly operations = {
    SendTaskSuccess: (input: ModelValue): ModelValue => {
      const entry = this.redeem(input.taskToken);
      let output: unknown;
      try {
        output = JSON.parse(String(input.output ?? ''));
      } catch {
        throw new AwsError('InvalidOutput', 'Invalid Output: output is not valid JSON', 400);
      }
      this.drop(String(input.taskToken));
      entry.resolve(output);
      return {};
    },
    SendTaskFailure: (input: ModelValue): ModelValue => {
      const entry = this.redeem(input.taskToken);
      this.drop(String(input.taskToken));
      const rec = this.execution(entry.executionArn);
      const error = String(input.error ?? 'States.TaskFailed');
      const cause = String(input.cause ?? '');
      if (rec) record(rec, this.env.clock.now(), 'TaskFailed', { error, cause });
      entry.reject(new TaskError(error, cause));
      return {};
    },
    SendTaskHeartbeat: (input: ModelValue): ModelValue => {
      this.redeem(input.taskToken);
      return {};
    },
  };
}

/** The task's input with the placeholder replaced by its token, wherever the state put $$.Task.Token. */
export function withToken(input: unknown, token: string): unknown {
  return JSON.parse(JSON.stringify(input ?? null).split(TOKEN_PLACEHOLDER).join(token));
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}
