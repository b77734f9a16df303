/**
 * The running or last execution of a channel, as callers see it: status, the state it is in,
 * and a failure cause cleaned of anything internal (Lambda error causes carry stack traces).
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionRef } from '../registry';
import type { z } from 'zod';
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

export interface ExecutionStep { name: string; type: string; at: string; elapsedSeconds: number }

/** Every state entered and how each ended, oldest first (for `onair events`). */
export async function executionSteps(sfn: SFNClient, arn: string): Promise<ExecutionStep[]> {
  const steps: ExecutionStep[] = [];
  let nextToken: string | undefined;
  let first: number | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 200, nextToken, includeExecutionData: false }));
    for (const e of page.events ?? []) {
      const t = new Date(e.timestamp ?? 0).getTime();
      first ??= t;
      const name = e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name;
      // State entries/exits, the execution's own events, and failures (a task's error before its Catch).
      const interesting = name !== undefined || /^Execution/.test(e.type ?? '') || /(Failed|TimedOut)$/.test(e.type ?? '');
      if (!interesting || e.type === 'ExecutionStarted') continue;
      steps.push({ name: name ?? '', type: e.type ?? '', at: new Date(t).toISOString(), elapsedSeconds: Math.round((t - first) / 100) / 10 });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return steps;
}
