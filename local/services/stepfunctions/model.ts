/**
 * Step Functions' resources as the twin keeps them (state machines, executions and their history),
 * the error a task fails with, and the lowerCamel paging Step Functions' list operations share.
 */
import { AwsError, type ModelValue } from '../../core/types';
import type { AslDefinition } from './definition';

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

/** A task's failure, named as Retry and Catch match it (`States.TaskFailed`, `Lambda.ServiceException` …). */
export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** One page of a list, with Step Functions' `maxResults` / `nextToken` (an opaque offset here). */
export function page<T>(items: T[], input: ModelValue, key: string): ModelValue {
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
