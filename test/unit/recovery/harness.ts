/** Folds events through the pure decision, the way the service does, recording every action. */
import { decide } from '../../../functions/lib/recovery/decide';
import { parseEventBridgeEvent } from '../../../functions/lib/recovery/events';
import { DEFAULT_RECOVERY_RULES, INPUT_LOSS_ALERT_TYPES, recoveryPolicySchema, type RecoveryPolicy } from '../../../functions/lib/recovery/policy';
import type { ChannelFacts, Decision, PlannedAction, RecoveryEvent, RecoveryState } from '../../../functions/lib/recovery/types';

export const T0 = Date.parse('2026-11-24T20:00:00Z');
export const at = (s: number) => new Date(T0 + s * 1000).toISOString();

export interface Sim {
  state: RecoveryState | undefined;
  facts: ChannelFacts;
  policy: RecoveryPolicy;
  inputLossAutoStopMinutes?: number;
  /** Every action planned, with the time it was planned (seconds from T0). */
  log: { t: number; action: PlannedAction }[];
  decisions: Decision[];
}

/**
 * The policy these decision tests assume unless they give their own: a channel whose operator
 * attached a backup input (OnAir provisions none; the built-in profiles notify on input loss, or
 * switch to their slate), so input loss switches to it and back: the richest path decide() has.
 */
export const BACKUP_POLICY = {
  rules: [
    { name: 'input-loss', on: { alertTypes: [...INPUT_LOSS_ALERT_TYPES] }, action: 'SWITCH_INPUT', target: 'backup', debounceSeconds: 10, holdSeconds: 30 },
    ...DEFAULT_RECOVERY_RULES.slice(1),
  ],
};

export function sim(overrides: { policy?: unknown; facts?: Partial<ChannelFacts>; inputLossAutoStopMinutes?: number } = {}): Sim {
  return {
    state: undefined,
    facts: { channelId: 'show-1', status: 'ON_AIR', desiredState: 'ON_AIR', pipelinesTotal: 2, ...overrides.facts },
    policy: recoveryPolicySchema.parse(overrides.policy ?? BACKUP_POLICY),
    ...(overrides.inputLossAutoStopMinutes !== undefined ? { inputLossAutoStopMinutes: overrides.inputLossAutoStopMinutes } : {}),
    log: [],
    decisions: [],
  };
}

/** Applies one event at t seconds; `results` answers each planned action (default: ok). */
export function step(s: Sim, t: number, event: RecoveryEvent | unknown, results: (a: PlannedAction) => boolean = () => true): Decision {
  const e = (event as RecoveryEvent).kind ? (event as RecoveryEvent) : parseEventBridgeEvent(event).event;
  const d = decide({ state: s.state, event: e, policy: s.policy, facts: s.facts, now: new Date(T0 + t * 1000), ...(s.inputLossAutoStopMinutes !== undefined ? { inputLossAutoStopMinutes: s.inputLossAutoStopMinutes } : {}) });
  s.decisions.push(d);
  if (d.changed) s.state = d.state;
  for (const a of d.actions) {
    s.log.push({ t, action: a });
    // Result feedback, as the service does after running the action.
    step(s, t, { kind: 'result', eventId: `result-${a.actionId}`, at: at(t), actionId: a.actionId, ok: results(a), detail: results(a) ? 'ok' : 'refused' }, results);
  }
  return d;
}

/** Fires every timer due at or before t (as the recover state machine would), in due order. */
export function advance(s: Sim, t: number, observation?: { channelState: string; pipelinesRunning: number }, results?: (a: PlannedAction) => boolean): void {
  for (;;) {
    const due = Object.entries(s.state?.timers ?? {}).filter(([, d]) => Date.parse(d) <= T0 + t * 1000).sort((a, b) => Date.parse(a[1]) - Date.parse(b[1]))[0];
    if (!due) return;
    const [key, dueAt] = due;
    const when = (Date.parse(dueAt) - T0) / 1000;
    step(s, when, { kind: 'timer', eventId: `timer-${key}-${dueAt}`, at: dueAt, key, dueAt, ...(key.startsWith('verify:') && observation ? { observation } : {}) }, results);
  }
}

export const kinds = (s: Sim) => s.log.map((l) => (l.action.spec.type === 'SWITCH_INPUT' ? `SWITCH_INPUT:${l.action.spec.to}` : l.action.spec.type));
