/**
 * The deciders' Step Functions inputs (statemachines/recover.asl.yml, observe.asl.yml), handled by
 * recoveryTimer (functions/recovery/onTimer.ts) and, when it fails after its retries, by
 * recoveryReconcile (functions/recovery/reconcile.ts) — the safety net decides what recoveryTimer
 * could not, as it fires the timers whose execution was lost:
 *  - a debounce/hold/verify/retry timer came due (recover, timer mode). Verify timers bring what
 *    DescribeChannel says now (the Observe task, recoveryMediaLive), so the decision can tell a
 *    working restart from a failed one;
 *  - `result`: what a SWITCH_INPUT / RESTART did (recover, act mode: the Act task's {ok, detail},
 *    or the error it failed with after its retries) → reportResult, as inline results are fed back;
 *  - `observed`: the reconciler's look at one channel (observe) → the same decision as events.
 */
import * as z from 'zod/mini';
import { channelIdSchema } from '../ids';
import { observedEventId, timerExecutionName } from './actions';
import { processEvent, reportResult, type Outcome, type RecoveryDeps } from './service';
import type { ChannelObservation } from './types';

const isoTime = z.string().check(z.refine((t) => !Number.isNaN(Date.parse(t)), 'an ISO 8601 time'));
const execution = z.optional(z.object({ arn: z.string() }));
const observation = z.object({ channelState: z.string().check(z.maxLength(40)), pipelinesRunning: z.number().check(z.int(), z.gte(0)) });

export const timerInput = z.object({
  channelId: channelIdSchema,
  key: z.string().check(z.regex(/^(debounce|hold|verify|retry):[a-z0-9-]{1,32}$/)),
  dueAt: isoTime,
  /** Verify timers: the Observe task's answer, or (`unobserved`) the error it failed with. */
  observation: z.optional(observation),
  unobserved: z.optional(z.string().check(z.maxLength(300))),
});

const resultInput = z.object({
  result: z.object({
    channelId: channelIdSchema,
    actionId: z.string().check(z.regex(/^r[0-9]{1,9}$/)),
    type: z.enum(['SWITCH_INPUT', 'RESTART']),
    ok: z.optional(z.boolean()),
    detail: z.optional(z.string()),
    /** The Act task's error after its retries (Catch: {Error, Cause}). */
    error: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
  }),
  execution,
});

const observedInput = z.object({
  observed: z.object({
    channelId: channelIdSchema,
    minute: isoTime,
    observation,
    setAlerts: z.array(z.object({ alarmId: z.string(), alertType: z.string(), pipeline: z.string(), setAt: isoTime, message: z.string() })),
  }),
  execution,
});

export const recoveryTimerInput = z.union([resultInput, observedInput, timerInput]);

/** What DescribeChannel would say of a channel that has no MediaLive channel (nothing to ask). */
const NO_CHANNEL: ChannelObservation = { channelState: 'IDLE', pipelinesRunning: 0 };

const summary = (channelId: string, out: Outcome) => ({
  channelId, stale: false, actions: out.actions.map((a) => `${a.actionId} ${a.type} ${a.ok ? 'ok' : 'FAILED'}`),
});

export async function onTimer(input: z.output<typeof timerInput>, d: RecoveryDeps) {
  const record = await d.registry.find(input.channelId);
  if (!record || record.recovery?.timers[input.key] !== input.dueAt) return { channelId: input.channelId, stale: true };
  let seen = input.observation;
  if (input.key.startsWith('verify:') && !seen) {
    if (!record.resources.medialiveChannelId) seen = NO_CHANNEL;
    // Armed before verify timers carried their MediaLive channel (no Observe task ran): left to the
    // reconciler, which fires the overdue timer in a recover execution that observes first.
    else if (input.unobserved === undefined) return { channelId: input.channelId, stale: false, deferred: 'verify timer without an observation: the reconciler fires it' };
    // (Observe failed after its retries: decided unobserved, i.e. not verified.)
  }
  const out = await processEvent(d, input.channelId, {
    kind: 'timer', eventId: `timer-${input.key}-${input.dueAt}`, at: d.now().toISOString(), key: input.key, dueAt: input.dueAt,
    ...(seen ? { observation: seen } : {}),
  });
  return summary(input.channelId, out);
}

/** `<errorType>: <errorMessage>` of a failed Lambda task's Cause (JSON), else `<Error>: <Cause>`. */
function taskFailure(error: { Error: string; Cause?: string | undefined }): string {
  try {
    const c = JSON.parse(error.Cause ?? '') as { errorType?: unknown; errorMessage?: unknown };
    if (typeof c.errorMessage === 'string') return `${typeof c.errorType === 'string' ? c.errorType : error.Error}: ${c.errorMessage}`.slice(0, 300);
  } catch {
    // not JSON: a States.* error's cause is plain text
  }
  return `${error.Error}: ${error.Cause ?? 'no cause given'}`.slice(0, 300);
}

export async function onResult(input: z.output<typeof resultInput>['result'], d: RecoveryDeps) {
  const { ok, detail } = input.error
    ? { ok: false, detail: taskFailure(input.error) }
    : { ok: input.ok ?? false, detail: input.detail ?? 'no detail reported' };
  return summary(input.channelId, await reportResult(d, input.channelId, { actionId: input.actionId, type: input.type, ok, detail }));
}

export async function onObserved(input: z.output<typeof observedInput>['observed'], d: RecoveryDeps) {
  const out = await processEvent(d, input.channelId, {
    kind: 'observed', eventId: observedEventId(input.channelId, input.minute), at: d.now().toISOString(), observation: input.observation, setAlerts: input.setAlerts,
  });
  return summary(input.channelId, out);
}

export async function recoveryTimer(input: z.output<typeof recoveryTimerInput>, d: RecoveryDeps) {
  if ('result' in input) return onResult(input.result, d);
  if ('observed' in input) return onObserved(input.observed, d);
  return onTimer(input, d);
}

/** The execution a decider's task runs in (for its log lines): a timer's is named after the timer. */
export function deciderExecution(input: z.output<typeof recoveryTimerInput>): { arn?: string; name?: string } | undefined {
  return 'result' in input || 'observed' in input ? input.execution : { name: timerExecutionName(input.channelId, { key: input.key, dueAt: input.dueAt }) };
}

/** A decider's input (a Step Functions task), as opposed to the reconciler's schedule event. */
export function isDeciderInput(event: unknown): boolean {
  return typeof event === 'object' && event !== null && ('result' in event || 'observed' in event || 'key' in event);
}
