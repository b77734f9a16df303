/**
 * What a recovery action returns: {ok, detail}. AWS's refusals are results (a failed attempt counts
 * toward the circuit breaker); throttling and transient faults are thrown, so the invocation (or
 * the state machine's Retry) tries again. Shared by the decider's actions (SNS, Step Functions) and
 * recoveryMediaLive's (functions/lib/recovery/medialive.ts): no SDK client here.
 */
import { classifyAwsError, AwsThrottledError, AwsTransientError } from '../errors';

export interface ActionResult { ok: boolean; detail: string }

/** Throttling and transient AWS errors propagate (the invocation is retried); the rest are results. */
export function refusal(error: unknown): ActionResult {
  const c = classifyAwsError(error);
  if (c instanceof AwsThrottledError || c instanceof AwsTransientError) throw c;
  return failure(error);
}

/** `<name>: <message>` of an error, at most 300 characters (the audit entry's detail). */
export function failure(error: unknown): ActionResult {
  const e = error as { name?: string; message?: string };
  return { ok: false, detail: `${e.name ?? 'Error'}: ${e.message ?? String(error)}`.slice(0, 300) };
}
