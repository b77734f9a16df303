/** What the console shows that the API answers hold but do not spell out (pure functions, tested). */
import type { Broadcast, ChannelDetail, ChannelEvents, ChannelSummary, RecoveryAction } from './types';

export const IN_PROGRESS = ['PROVISIONING', 'STARTING', 'STOPPING', 'TEARING_DOWN'];

/** Since when the channel has been in its status, as far as the record tells. */
export function statusSince(c: ChannelSummary | ChannelDetail): string {
  const d = c as Partial<ChannelDetail>;
  if (c.status === 'ON_AIR' && d.onAirAt) return d.onAirAt;
  if (IN_PROGRESS.includes(c.status) && d.execution?.startedAt) return d.execution.startedAt;
  if ((c.status === 'IDLE' || c.status === 'FAILED') && d.execution?.stoppedAt) return d.execution.stoppedAt;
  return c.updatedAt;
}

export function pipelines(c: ChannelDetail): number {
  return c.profile.channelClass === 'SINGLE_PIPELINE' ? 1 : 2;
}

export function alarmCount(c: ChannelDetail): number {
  return Object.values(c.alarms).reduce((n, names) => n + names.length, 0);
}

export interface RecoveryState {
  label: string;
  tone: 'ok' | 'warn' | 'bad';
}

/** From the audit (newest first): the circuit breaker open, on the slate or backup, or quiet. */
export function recoveryState(actions: RecoveryAction[]): RecoveryState {
  if (actions.length === 0) return { label: 'no action', tone: 'ok' };
  const breaker = actions.find((a) => a.rule === 'circuit-breaker' || /circuit breaker/i.test(a.decision));
  const lastSwitch = actions.find((a) => a.action?.startsWith('SWITCH_INPUT') && a.result === 'OK');
  if (breaker && actions.indexOf(breaker) <= (lastSwitch ? actions.indexOf(lastSwitch) : Infinity) && /open/i.test(breaker.decision)) return { label: 'breaker open', tone: 'bad' };
  if (lastSwitch && !/primary/.test(lastSwitch.action ?? '')) return { label: `on ${/slate/.test(lastSwitch.action ?? '') ? 'slate' : 'backup'}`, tone: 'warn' };
  const last = actions[0]!;
  if (last.result === 'FAILED') return { label: `${last.action ?? 'action'} failed`, tone: 'bad' };
  if (last.result === 'PENDING') return { label: `${last.action ?? 'acting'}…`, tone: 'warn' };
  return { label: last.action ? `${last.action} ${last.result.toLowerCase()}` : 'watching', tone: 'ok' };
}

/** The next broadcast that has not ended, by start time. */
export function nextBroadcast(broadcasts: Broadcast[]): Broadcast | undefined {
  return broadcasts.filter((b) => b.status !== 'DONE').sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt))[0];
}

export interface GanttBar {
  name: string;
  kind: 'task' | 'failure' | 'end';
  startMs: number;
  durationMs: number;
  repeats?: number;
  running: boolean;
}

/**
 * The workflow's steps as bars: each Task from its entry to the next step's entry (the execution's
 * end, or now for a step still running). Failures and the end are zero-length marks.
 */
export function ganttBars(events: ChannelEvents, status: string | undefined, nowMs: number): { bars: GanttBar[]; totalMs: number } {
  const steps = events.steps;
  if (steps.length === 0) return { bars: [], totalMs: 0 };
  const t0 = Date.parse(steps[0]!.at) - steps[0]!.elapsedSeconds * 1000;
  const running = status === 'RUNNING';
  const bars: GanttBar[] = [];
  steps.forEach((s, i) => {
    const start = s.elapsedSeconds * 1000;
    const next = steps[i + 1];
    const isTask = s.type === 'TaskStateEntered';
    const end = next ? next.elapsedSeconds * 1000 : running ? Math.max(start, nowMs - t0) : start;
    bars.push({
      name: s.name || s.type.replace(/^Execution/, 'Execution '),
      kind: isTask ? 'task' : /Fail|TimedOut|Aborted/.test(s.type) ? 'failure' : 'end',
      startMs: start,
      durationMs: isTask ? end - start : 0,
      ...(s.repeats ? { repeats: s.repeats } : {}),
      running: isTask && !next && running,
    });
  });
  const totalMs = Math.max(1, ...bars.map((b) => b.startMs + b.durationMs));
  return { bars, totalMs };
}

export interface Outcome {
  label: string;
  tone: 'ok' | 'warn' | 'bad' | 'none';
}

/**
 * How a broadcast went, from what the channel record keeps: the last time it went on air and the
 * last failure. A broadcast before the channel's latest on-air time has no record left of its own.
 */
export function broadcastOutcome(b: Broadcast, c: ChannelDetail | undefined, nowMs: number): Outcome {
  const start = Date.parse(b.startAt);
  const prepare = start - b.leadSeconds * 1000;
  const end = Date.parse(b.endAt);
  if (nowMs < prepare) return { label: 'planned', tone: 'none' };
  if (!c) return { label: b.status.toLowerCase(), tone: 'none' };
  const onAir = c.onAirAt ? Date.parse(c.onAirAt) : NaN;
  if (!Number.isNaN(onAir) && onAir >= prepare && onAir <= end) {
    const late = Math.round((onAir - start) / 1000);
    return late <= 0 ? { label: 'on air on time', tone: 'ok' } : { label: `on air late by ${late} s`, tone: 'warn' };
  }
  const failedAt = c.failure ? Date.parse(c.failure.at) : NaN;
  if (c.failure && failedAt >= prepare && failedAt <= end) return { label: `failed at ${c.failure.step}: ${c.failure.cause}`, tone: 'bad' };
  if (nowMs < start) return { label: 'preparing', tone: 'none' };
  return nowMs <= end ? { label: `not on air yet (${c.status})`, tone: 'bad' } : { label: 'no on-air time recorded', tone: 'none' };
}

/** Which form field an API error names: the longest field path `body.<path>` is, or is under. */
export function fieldFor(errorField: string, paths: string[]): string | undefined {
  const f = errorField.replace(/^body\./, '');
  return paths.filter((p) => f === p || f.startsWith(`${p}.`)).sort((a, b) => b.length - a.length)[0];
}

const RESOURCE_LABELS: Record<string, string> = {
  medialiveChannelId: 'MediaLive channel',
  inputId: 'MediaLive input',
  slateInputId: 'MediaLive slate input',
  inputSecurityGroupId: 'MediaLive input security group',
  distributionId: 'CloudFront distribution',
  originAccessControlId: 'CloudFront origin access control',
};

/** What a teardown removes, in words, from the channel's `resources` (the registry's record of what exists). */
export function resourceList(resources: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, label] of Object.entries(RESOURCE_LABELS)) {
    const v = resources[key];
    if (typeof v === 'string' && v) out.push(`${label} ${v}`);
  }
  const packager = resources.packager as Record<string, unknown> | undefined;
  const packagerChannel = packager?.channelName ?? packager?.channelId;
  if (typeof packagerChannel === 'string') {
    const endpoints = Object.keys((packager?.originEndpoints ?? {}) as Record<string, unknown>).length;
    out.push(`MediaPackage ${packager?.kind === 'mediapackage-v1' ? 'v1' : 'v2'} channel ${packagerChannel} and its ${endpoints} endpoint${endpoints === 1 ? '' : 's'}`);
  }
  const alarms = resources.alarms as Record<string, string[]> | undefined;
  const n = Object.values(alarms ?? {}).reduce((s, a) => s + a.length, 0);
  if (n > 0) out.push(`${n} CloudWatch alarm${n > 1 ? 's' : ''}`);
  return out;
}

/**
 * A local cloud playback URL (http://127.0.0.1:<port>/_cdn/<domain>/…) becomes this page's relay of
 * it (/console/cdn/<domain>/…, console/server.ts): the local CDN sends no CORS headers. A deployed
 * stage's CloudFront URL is played as it is.
 */
export function previewUrl(src: string | undefined): string | undefined {
  const local = src ? /^http:\/\/(?:127\.0\.0\.1|localhost):\d+\/_cdn\/(.+)$/.exec(src) : null;
  return local ? `/console/cdn/${local[1]}` : src;
}
