/**
 * Recovery's data: the normalized events the decision function reads, the per-channel state it
 * keeps (stored on the channel's registry item, versioned), and the actions it asks for.
 */
import type { RecoveryActionKind } from './policy';

/** A MediaLive alert, keyed on channel id + alarm_id (alarm ids are unique only per channel run). */
export interface AlertEvent {
  kind: 'alert';
  eventId: string;
  at: string;
  alarmId: string;
  alertType: string;
  pipeline: string;
  state: 'SET' | 'CLEARED';
  message: string;
}

/** `MediaLive Channel State Change`: STOPPED (never IDLE), RUNNING once per pipeline. */
export interface StateEvent {
  kind: 'state';
  eventId: string;
  at: string;
  state: 'CREATED' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'DELETED' | 'RECOVERING' | string;
  pipeline?: string;
  pipelinesRunning: number;
  message: string;
}

export interface InputChangeEvent {
  kind: 'input';
  eventId: string;
  at: string;
  activeAttachment?: string;
  message: string;
}

/** `CloudWatch Alarm State Change` of one of OnAir's alarms. */
export interface AlarmEvent {
  kind: 'alarm';
  eventId: string;
  at: string;
  alarmName: string;
  /** The part after `onair-<channel>-alarm-`, e.g. `output-5xx-destination1-p0`. */
  alarmKind: string;
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  reason: string;
}

/** A debounce/hold/verify/retry timer came due (recover state machine, or the reconciler). */
export interface TimerEvent {
  kind: 'timer';
  eventId: string;
  at: string;
  key: string;
  dueAt: string;
  /** For verify timers: what DescribeChannel said when the timer fired. */
  observation?: ChannelObservation;
}

export interface ChannelObservation {
  channelState: string;
  pipelinesRunning: number;
}

/** The reconciler's view (ListAlerts SET + DescribeChannel), for what EventBridge never delivered. */
export interface ObservedEvent {
  kind: 'observed';
  eventId: string;
  at: string;
  observation: ChannelObservation;
  setAlerts: { alarmId: string; alertType: string; pipeline: string; setAt: string; message: string }[];
}

/** What an action the decision asked for did (fed back so failures count toward the breaker). */
export interface ResultEvent {
  kind: 'result';
  eventId: string;
  at: string;
  actionId: string;
  ok: boolean;
  detail: string;
}

export type RecoveryEvent = AlertEvent | StateEvent | InputChangeEvent | AlarmEvent | TimerEvent | ObservedEvent | ResultEvent;

export interface AlertSignal { alertType: string; pipeline: string; state: 'SET' | 'CLEARED'; at: string; message: string }
export interface AlarmSignal { alarmKind: string; state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA'; at: string; reason: string }

export type RulePhase = 'IDLE' | 'DEBOUNCING' | 'ACTIVE' | 'HOLDING' | 'VERIFYING';

export interface RuleState {
  phase: RulePhase;
  since: string;
  /** The remediation in force (SWITCH_INPUT: switched away; STOP/NOTIFY: done for this activation). */
  acted: boolean;
  /** The attempt a VERIFYING/ACTIVE phase waits on. */
  actionId?: string;
}

export interface Attempt { actionId: string; rule: string; action: RecoveryActionKind; at: string; ok?: boolean }

export interface RecoveryState {
  /** Conditional-write version: every committed decision increments it. */
  version: number;
  alerts: Record<string, AlertSignal>;
  alarms: Record<string, AlarmSignal>;
  /** Pipelines known down (ids), and when each pipeline's state was last reported. */
  pipelinesDown: string[];
  pipelineAt: Record<string, string>;
  activeInput?: string;
  rules: Record<string, RuleState>;
  /** Remediations issued (switch, switch back, restart) within the attempts window. */
  attempts: Attempt[];
  notifications: string[];
  pages: string[];
  stops: string[];
  breaker?: { openedAt: string; reason: string };
  /** key → due time (ISO). A timer event whose due time differs is stale. */
  timers: Record<string, string>;
  /** Recent event ids: a redelivered event changes nothing. */
  seen: string[];
  seq: number;
}

export interface ChannelFacts {
  channelId: string;
  status: string;
  desiredState: string;
  pipelinesTotal: number;
}

export type ActionSpec =
  | { type: 'SWITCH_INPUT'; to: 'backup' | 'slate' | 'primary' }
  | { type: 'RESTART'; pipelines: string[] }
  | { type: 'NOTIFY'; subject: string; lines: string[] }
  | { type: 'PAGE'; subject: string; lines: string[] }
  | { type: 'STOP'; subject: string; lines: string[] };

/** The actions recoveryMediaLive runs (functions/lib/recovery/medialive.ts), in a recover execution. */
export type MediaLiveActionSpec = Extract<ActionSpec, { type: 'SWITCH_INPUT' | 'RESTART' }>;

export interface PlannedAction {
  actionId: string;
  rule: string;
  spec: ActionSpec;
}

export interface Timer { key: string; dueAt: string }

/** One entry of the channel's audit trail (newest first, bounded). */
export interface AuditEntry {
  at: string;
  actionId?: string;
  rule?: string;
  trigger: { kind: RecoveryEvent['kind']; eventId: string; summary: string };
  decision: string;
  action?: string;
  result: 'PENDING' | 'OK' | 'FAILED' | 'NONE';
  detail?: string;
}

export interface Decision {
  state: RecoveryState;
  actions: PlannedAction[];
  timers: Timer[];
  audit: AuditEntry[];
  /** False when the event changed nothing (duplicate, stale, irrelevant): nothing to write. */
  changed: boolean;
}
