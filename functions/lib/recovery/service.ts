/**
 * Recovery's I/O around the pure decision: load the channel, decide, commit the decision with a
 * conditional write (only the invocation whose write wins acts — so a redelivered or concurrent
 * event never acts twice), then arm the timers and run the actions, feeding each result back as an
 * event (failures count toward the breaker) and into the audit trail.
 *
 * Where the actions run: NOTIFY, PAGE and STOP (SNS, Step Functions) inline, their result fed back
 * at once. SWITCH_INPUT and RESTART (MediaLive) are started as `recover` executions in mode `act`
 * (actions.ts executeAction): recoveryMediaLive runs the action, then recoveryTimer brings its
 * result to reportResult below, which feeds it back exactly as the inline results are (the audit
 * entry is patched, a failure counts toward the breaker). The deciders (recoveryEvents,
 * recoveryTimer, recoveryReconcile) thus never bundle the MediaLive client: every recovery bundle
 * stays ≤ 400 KB (docs/BENCHMARKS.md). The reconciler's observations come the same way
 * (statemachines/observe.asl.yml), and so do verify timers' (recover.asl.yml's Observe task).
 *
 * Why timers are Step Functions executions (statemachines/recover.asl.yml) — Wait until dueAt, then
 * call recoveryTimer: Lambda must not sleep through a debounce (billed, 15-minute cap); a Wait is
 * second-precise on AWS and on the twin's clock, costs ~3 state transitions, and the execution name
 * (channel, key, due time) makes arming idempotent. EventBridge Scheduler one-time schedules would
 * also work but need creating and deleting per timer in a shared group, and the 1-minute reconciler
 * tick is far too coarse for a 10 s debounce. The reconciler is the safety net: it fires any timer
 * whose execution was lost.
 */
import { pipelineCount } from '../medialive/builders';
import { RECOVERY_AUDIT_MAX, channelForMediaLive as lookupChannelForMediaLive, type ChannelRecord } from '../channel/registry';
import { decide } from './decide';
import { recoveryPolicySchema } from './policy';
import { actExecutionName, armTimer, executeAction, isMediaLiveAction, type ActionOutcome, type RecoveryDeps } from './actions';
import { failure } from './results';
import { recordMetric } from '../metrics';
import type { AuditEntry, Decision, RecoveryEvent } from './types';
import { RecoveryVersionConflictError } from '../errors';

export type { RecoveryDeps } from './actions';

const MAX_COMMIT_TRIES = 8;
/** Result feedback can plan one more round (a page); never more. */
const MAX_DEPTH = 3;

export interface Outcome {
  channelId: string;
  changed: boolean;
  actions: { actionId: string; type: string; ok: boolean; detail: string }[];
  timers: string[];
}

function patchAudit(audit: AuditEntry[], actionId: string, ok: boolean, detail: string): AuditEntry[] {
  return audit.map((a) => (a.actionId === actionId && a.result === 'PENDING' ? { ...a, result: ok ? 'OK' : 'FAILED', detail } : a));
}

export function policyOf(record: ChannelRecord) {
  // Channels created before recovery existed have no `recovery` in their stored profile.
  return recoveryPolicySchema.parse(record.profile.recovery ?? {});
}

/** Decides on one event for one channel and acts on what was committed. */
export async function processEvent(
  deps: RecoveryDeps,
  channelId: string,
  event: RecoveryEvent,
  options: {
    patch?: { actionId: string; ok: boolean; detail: string };
    depth?: number;
    /** A started action's result (reportResult): count it in RecoveryActions under this kind. */
    reported?: string;
  } = {},
): Promise<Outcome> {
  const outcome: Outcome = { channelId, changed: false, actions: [], timers: [] };
  let decision: Decision | undefined;
  let record: ChannelRecord | undefined;
  for (let i = 0; i < MAX_COMMIT_TRIES; i++) {
    record = await deps.registry.find(channelId);
    if (!record) return outcome;
    decision = decide({
      state: record.recovery,
      event,
      policy: policyOf(record),
      facts: { channelId, status: record.status, desiredState: record.desiredState, pipelinesTotal: pipelineCount(record.profile) },
      now: deps.now(),
      ...(record.profile.costGuard?.inputLossAutoStopMinutes !== undefined ? { inputLossAutoStopMinutes: record.profile.costGuard.inputLossAutoStopMinutes } : {}),
    });
    if (!decision.changed && !options.patch) return outcome;
    // A MediaLive action's entry says which recover execution runs it until its result arrives.
    const current = record;
    const started = new Map(decision.actions.filter((a) => isMediaLiveAction(a.spec) && current.resources.medialiveChannelId)
      .map((a) => [a.actionId, `started (recover execution ${actExecutionName(current, a.actionId)})`]));
    let audit = [...decision.audit].reverse().map((a) => (a.actionId && a.result === 'PENDING' && started.has(a.actionId) ? { ...a, detail: started.get(a.actionId) } : a))
      .concat(record.recoveryActions ?? []);
    if (options.patch) audit = patchAudit(audit, options.patch.actionId, options.patch.ok, options.patch.detail);
    try {
      await deps.registry.saveRecovery(channelId, record.recovery?.version ?? 0, decision.changed ? decision.state : (record.recovery ?? decision.state), audit.slice(0, RECOVERY_AUDIT_MAX));
      break;
    } catch (error) {
      if (!(error instanceof RecoveryVersionConflictError)) throw error;
      decision = undefined; // someone else committed first: decide again on their state
    }
  }
  if (!decision || !record) throw new RecoveryVersionConflictError(channelId, record?.recovery?.version ?? 0);
  outcome.changed = decision.changed;
  // Counted by the one invocation whose commit won (a redelivered event commits nothing).
  const profile = record.profileName;
  if (decision.changed && decision.state.breaker && decision.state.breaker.openedAt !== record.recovery?.breaker?.openedAt) {
    recordMetric('CircuitBreakerOpened', 1, { profile }, { channel: channelId });
  }
  if (decision.changed && options.reported && options.patch) {
    recordMetric('RecoveryActions', 1, { profile, kind: options.reported, outcome: options.patch.ok ? 'OK' : 'FAILED' }, { channel: channelId });
  }

  // From here on the decision is committed: a redelivery of this event is a no-op, so nothing
  // below may be lost by throwing. A timer that cannot be armed is fired by the reconciler once
  // overdue; an action AWS throttles is a failed attempt (retried, and counted toward the breaker).
  for (const t of decision.timers) {
    try {
      await armTimer(deps, channelId, t, record.resources.medialiveChannelId);
      outcome.timers.push(`${t.key}@${t.dueAt}`);
    } catch (error) {
      outcome.timers.push(`${t.key}@${t.dueAt} (not armed: ${(error as Error).name}; the reconciler fires it)`);
    }
  }
  const depth = options.depth ?? 0;
  for (const action of decision.actions) {
    const { started, ...result }: ActionOutcome = await executeAction(deps, record, action).catch((error: unknown) => failure(error));
    outcome.actions.push({ actionId: action.actionId, type: action.spec.type, ...result });
    if (started) continue; // its recover execution reports the result (reportResult)
    recordMetric('RecoveryActions', 1, { profile, kind: action.spec.type, outcome: result.ok ? 'OK' : 'FAILED' }, { channel: channelId });
    if (depth >= MAX_DEPTH) continue;
    const fed = await processEvent(deps, channelId, {
      kind: 'result', eventId: `result-${action.actionId}`, at: deps.now().toISOString(), actionId: action.actionId, ok: result.ok, detail: result.detail,
    }, { patch: { actionId: action.actionId, ...result }, depth: depth + 1 });
    outcome.actions.push(...fed.actions);
    outcome.timers.push(...fed.timers);
  }
  return outcome;
}

/**
 * The result of a SWITCH_INPUT / RESTART that a recover execution ran (recoveryTimer's `result`
 * input): fed back as the inline actions' results are — the audit entry is patched, a failure
 * counts toward the breaker and is retried, and RecoveryActions counts it (once: a redelivered
 * result is a seen event, which commits no change).
 */
export async function reportResult(
  deps: RecoveryDeps,
  channelId: string,
  result: { actionId: string; type: string; ok: boolean; detail: string },
): Promise<Outcome> {
  const { actionId, ok, detail } = result;
  return processEvent(deps, channelId, { kind: 'result', eventId: `result-${actionId}`, at: deps.now().toISOString(), actionId, ok, detail }, {
    patch: { actionId, ok, detail }, depth: 1, reported: result.type,
  });
}

/** The OnAir channel a MediaLive event is about (the lookup lives with the registry). */
export async function channelForMediaLive(deps: Pick<RecoveryDeps, 'registry'>, medialiveChannelId: string): Promise<string | undefined> {
  return lookupChannelForMediaLive(deps.registry, medialiveChannelId);
}

/** Timers whose due time passed more than `graceMs` ago (their execution was lost): fire them now. */
export function overdueTimers(record: ChannelRecord, now: Date, graceMs = 30_000): { key: string; dueAt: string }[] {
  return Object.entries(record.recovery?.timers ?? {})
    .filter(([, due]) => Date.parse(due) + graceMs < now.getTime())
    .map(([key, dueAt]) => ({ key, dueAt }));
}
