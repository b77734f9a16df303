/**
 * The running or last execution of a channel, as callers see it: status, the state it is in,
 * and a failure cause cleaned of anything internal (Lambda error causes carry stack traces).
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionRef } from '../channel/registry';
import type * as z from 'zod/mini';
import type { executionViewSchema } from './schemas';

export type ExecutionView = z.infer<typeof executionViewSchema>;

/**
 * Lambda task failures arrive as `{"errorType","errorMessage","trace":[...]}`: keep the type
 * and message only. Anything else is cut to its first line and 300 characters.
 */
export function publicCause(cause: string | undefined): string | undefined {
  if (cause === undefined) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') {
      return `${typeof parsed.errorType === 'string' ? `${parsed.errorType}: ` : ''}${parsed.errorMessage}`.split('\n')[0].slice(0, 300);
    }
  } catch { /* not JSON */ }
  return cause.split('\n')[0].slice(0, 300);
}

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

export async function describeExecution(sfn: SFNClient, ref: ExecutionRef): Promise<ExecutionView> {
  const base: ExecutionView = { workflow: ref.workflow, executionArn: ref.arn, startedAt: ref.startedAt, status: 'UNKNOWN' };
  try {
    const [desc, history] = await Promise.all([
      sfn.send(new DescribeExecutionCommand({ executionArn: ref.arn })),
      sfn.send(new GetExecutionHistoryCommand({ executionArn: ref.arn, reverseOrder: true, maxResults: 25, includeExecutionData: false })),
    ]);
    const entered = history.events?.find((e) => e.stateEnteredEventDetails?.name);
    return {
      ...base,
      status: desc.status ?? 'UNKNOWN',
      ...(entered?.stateEnteredEventDetails?.name ? { currentStep: entered.stateEnteredEventDetails.name } : {}),
      ...(desc.stopDate ? { stoppedAt: iso(desc.stopDate) } : {}),
      ...(desc.error ? { error: desc.error } : {}),
      ...(desc.cause ? { cause: publicCause(desc.cause) } : {}),
    };
  } catch (error) {
    // An execution recorded but not yet visible (or expired after 90 days) is not the caller's problem.
    if (error instanceof Error && (error.name === 'ExecutionDoesNotExist' || error.name === 'ResourceNotFound')) return base;
    throw error;
  }
}

export interface ExecutionStep { name: string; type: string; at: string; elapsedSeconds: number; repeats?: number }

/**
 * The steps of an execution, oldest first, as an operator reads them: each Task entered (a poll
 * loop's repeated Task collapsed into one line with `repeats`), each failure, and how the
 * execution ended. Wait/Choice/Pass bookkeeping and Lambda scheduling events are left out.
 */
export async function executionSteps(sfn: SFNClient, arn: string): Promise<ExecutionStep[]> {
  const steps: ExecutionStep[] = [];
  let nextToken: string | undefined;
  let first: number | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 200, nextToken, includeExecutionData: false }));
    for (const e of page.events ?? []) {
      const t = new Date(e.timestamp ?? 0).getTime();
      first ??= t;
      const type = e.type ?? '';
      const entered = type === 'TaskStateEntered' ? e.stateEnteredEventDetails?.name : undefined;
      const failed = /(Failed|TimedOut|Aborted)$/.test(type);
      const ended = type === 'ExecutionSucceeded';
      if (entered === undefined && !failed && !ended) continue;
      const name = entered ?? '';
      const prev = steps.at(-1);
      if (entered !== undefined && prev && prev.type === type && prev.name === name) {
        prev.repeats = (prev.repeats ?? 1) + 1;
        continue;
      }
      // Lambda failures carry no state name: attach them to the Task they happened in.
      steps.push({ name: name || (failed && prev ? prev.name : ''), type, at: new Date(t).toISOString(), elapsedSeconds: Math.round((t - first) / 100) / 10 });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return steps;
}
