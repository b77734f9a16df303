/**
 * Planned broadcasts: EventBridge Scheduler one-time `at()` schedules in the `onair` group
 * that start the lifecycle workflows directly (no Lambda in between): provision (a PLANNED
 * channel) or start (an existing one) at startAt − lead, stop — or teardown — at endAt.
 *
 * Broadcasts live on the channel's registry item (`broadcasts` map): a channel has a handful,
 * they are read with the channel, deleted with it, and the overlap check plus the write are one
 * conditional update guarded by `broadcastsVersion`, so two concurrent requests cannot both
 * book the same slot. Only broadcast writes bump that version, so workflow progress (which
 * updates the item constantly) never makes a booking retry.
 */
import { randomBytes, createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  CreateScheduleCommand, DeleteScheduleCommand, UpdateScheduleCommand, type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ChannelBusyError, ChannelNotFoundError } from '../errors';
import type { ChannelRecord, StoredBroadcast, StoredSchedule } from './registry';
import {
  BroadcastNotFoundError, BroadcastOverlapError, BroadcastTimeError, ChannelStateError,
} from '../errors';
import type { ChannelDeps } from './deps';
import type { Workflow, WorkflowSettings } from './settings';

export type { StoredBroadcast, StoredSchedule };

/** A broadcast as the API shows it (api/schemas.ts broadcastSchema must match it). */
export interface Broadcast extends StoredBroadcast {
  channelId: string;
  /** Derived from the clock: before its prepare time, between it and endAt, after endAt. */
  status: 'SCHEDULED' | 'IN_PROGRESS' | 'DONE';
}

export const COST_GUARD_SCHEDULE = (channelId: string) => `${channelId}-costguard`;

/** Scheduler's `at()` takes whole seconds, no zone (the zone is ScheduleExpressionTimezone). */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

export function newBroadcastId(): string {
  return `b-${randomBytes(6).toString('hex').slice(0, 8)}`;
}

export interface ScheduleRequest {
  name: string;
  at: Date;
  workflow: Workflow;
  input: Record<string, unknown>;
  description: string;
}

/**
 * One one-time schedule's definition: flexible window OFF (exact time), retries then the DLQ,
 * deleted by Scheduler after it fires. The one source for create and update (UpdateSchedule
 * replaces the whole definition).
 */
export function scheduleDefinition(settings: WorkflowSettings, req: ScheduleRequest) {
  return {
    Name: req.name,
    GroupName: settings.scheduleGroup,
    ScheduleExpression: atExpression(req.at),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    ActionAfterCompletion: 'DELETE' as const,
    State: 'ENABLED' as const,
    Description: req.description.slice(0, 512),
    Target: {
      Arn: settings.stateMachineArn(req.workflow),
      RoleArn: settings.schedulerRoleArn,
      Input: JSON.stringify(req.input),
      // StartExecution is retried on throttling/5xx for up to 15 minutes, then the event goes to the DLQ.
      RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 900 },
      DeadLetterConfig: { Arn: settings.schedulesDlqArn },
    },
  };
}

/** Creates a schedule; ClientToken makes a retried create a no-op. */
export async function createSchedule(scheduler: SchedulerClient, settings: WorkflowSettings, req: ScheduleRequest): Promise<void> {
  await scheduler.send(new CreateScheduleCommand({
    ...scheduleDefinition(settings, req),
    ClientToken: createHash('sha256').update(`${req.name}@${req.at.toISOString()}`).digest('hex').slice(0, 64),
  }));
}

export async function updateSchedule(scheduler: SchedulerClient, settings: WorkflowSettings, req: ScheduleRequest): Promise<void> {
  await scheduler.send(new UpdateScheduleCommand(scheduleDefinition(settings, req)));
}

/** Deleting a schedule that already fired (ActionAfterCompletion DELETE) or never existed is done. */
export async function deleteSchedule(scheduler: SchedulerClient, settings: WorkflowSettings, name: string): Promise<void> {
  try {
    await scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: settings.scheduleGroup }));
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return;
    throw error;
  }
}

export function prepareAt(b: Pick<StoredBroadcast, 'startAt' | 'leadSeconds'>): Date {
  return new Date(new Date(b.startAt).getTime() - b.leadSeconds * 1000);
}

function status(b: StoredBroadcast, now: Date): Broadcast['status'] {
  if (now.getTime() >= new Date(b.endAt).getTime()) return 'DONE';
  if (now.getTime() >= prepareAt(b).getTime()) return 'IN_PROGRESS';
  return 'SCHEDULED';
}

export function toBroadcast(channelId: string, b: StoredBroadcast, now: Date): Broadcast {
  return { ...b, channelId, status: status(b, now) };
}

export function broadcastView(record: ChannelRecord, now: Date): Broadcast[] {
  return Object.values(record.broadcasts ?? {})
    .sort((a, b) => a.startAt.localeCompare(b.startAt))
    .map((b) => toBroadcast(record.channelId, b, now));
}

export function costGuardView(record: ChannelRecord) {
  // Read loosely: records written under an older profile schema may lack costGuard or its fields.
  const guard = (record.profile as { costGuard?: { maxOnAirMinutes?: number; inputLossAutoStopMinutes?: number } } | undefined)?.costGuard;
  return {
    ...(guard?.maxOnAirMinutes !== undefined ? { maxOnAirMinutes: guard.maxOnAirMinutes } : {}),
    ...(record.status === 'ON_AIR' && record.costGuardStopAt ? { stopScheduledAt: record.costGuardStopAt } : {}),
    ...(guard?.inputLossAutoStopMinutes !== undefined ? { inputLossAutoStopMinutes: guard.inputLossAutoStopMinutes } : {}),
  };
}

export interface BroadcastWindow { startAt: string; endAt: string; leadSeconds?: number; teardownAfter: boolean }

/** What Scheduler runs for a broadcast: the workflows' own input shapes. */
export function scheduleRequests(channelId: string, b: StoredBroadcast): ScheduleRequest[] {
  return b.schedules.map((s) => ({
    name: s.name,
    at: new Date(s.at),
    workflow: s.workflow,
    // provision and teardown take only the channel (their own schemas refuse other reasons).
    input: s.workflow === 'teardown' || s.workflow === 'provision' ? { channelId } : { channelId, reason: 'broadcast', broadcastId: b.broadcastId },
    description: `OnAir ${s.workflow} for broadcast ${b.broadcastId} of ${channelId} (${b.startAt} – ${b.endAt})`,
  }));
}

/** Impossible times → 422 naming the field; nothing is written. */
export function checkWindow(window: BroadcastWindow, leadSeconds: number, now: Date): void {
  const start = new Date(window.startAt).getTime();
  const end = new Date(window.endAt).getTime();
  if (start <= now.getTime()) {
    throw new BroadcastTimeError(`startAt ${window.startAt} is in the past`, [{ field: 'body.startAt', message: 'must be in the future' }]);
  }
  if (end <= start) {
    throw new BroadcastTimeError(`endAt ${window.endAt} is not after startAt ${window.startAt}`, [{ field: 'body.endAt', message: 'must be after startAt' }]);
  }
  if (start - leadSeconds * 1000 <= now.getTime()) {
    throw new BroadcastTimeError(
      `startAt − leadSeconds (${new Date(start - leadSeconds * 1000).toISOString()}) has already passed: a channel needs ${leadSeconds} s to come on air; choose a later startAt or a smaller leadSeconds`,
      [{ field: 'body.leadSeconds', message: 'startAt − leadSeconds is in the past' }],
    );
  }
}

/** Two broadcasts overlap when their [prepare, end) intervals intersect (the channel is busy from prepare on). */
export function findOverlap(existing: StoredBroadcast[], candidate: Pick<StoredBroadcast, 'startAt' | 'endAt' | 'leadSeconds'>, now: Date): StoredBroadcast | undefined {
  const a0 = prepareAt(candidate).getTime();
  const a1 = new Date(candidate.endAt).getTime();
  return existing.find((b) => {
    if (new Date(b.endAt).getTime() <= now.getTime()) return false;
    const b0 = prepareAt(b).getTime();
    const b1 = new Date(b.endAt).getTime();
    return a0 < b1 && b0 < a1;
  });
}

const CLOSED = new Set(['DELETED', 'TEARING_DOWN']);

/**
 * Books a broadcast on a channel and creates its schedules. `provision` = the channel is
 * PLANNED (nothing on AWS yet). If a schedule cannot be created the booking is undone.
 */
export async function createBroadcast(deps: ChannelDeps, channelId: string, window: BroadcastWindow): Promise<Broadcast> {
  const now = deps.now();
  const leadSeconds = window.leadSeconds ?? deps.settings.defaultLeadSeconds;
  checkWindow(window, leadSeconds, now);
  const broadcastId = newBroadcastId();
  for (let attempt = 0; ; attempt += 1) {
    const record = await deps.registry.get(channelId);
    if (CLOSED.has(record.status)) throw new ChannelStateError(channelId, record.status, 'schedule a broadcast on');
    const existing = Object.values(record.broadcasts ?? {});
    // A PLANNED channel's schedules provision it; a second broadcast would need "provision or
    // start" decided at fire time, which a Scheduler target cannot do: book it once provisioned.
    if (record.status === 'PLANNED' && existing.length > 0) {
      throw new ChannelStateError(channelId, 'PLANNED with a broadcast already', 'add a second broadcast to');
    }
    const overlap = findOverlap(existing, { ...window, leadSeconds }, now);
    if (overlap) throw new BroadcastOverlapError(overlap);
    const prepareWorkflow: Workflow = record.status === 'PLANNED' ? 'provision' : 'start';
    const endWorkflow: Workflow = window.teardownAfter ? 'teardown' : 'stop';
    const stored: StoredBroadcast = {
      broadcastId,
      startAt: new Date(window.startAt).toISOString(),
      endAt: new Date(window.endAt).toISOString(),
      leadSeconds,
      teardownAfter: window.teardownAfter,
      schedules: [
        { name: `${channelId}-${broadcastId}-prepare`, phase: 'prepare', at: prepareAt({ startAt: window.startAt, leadSeconds }).toISOString(), workflow: prepareWorkflow },
        { name: `${channelId}-${broadcastId}-end`, phase: 'end', at: new Date(window.endAt).toISOString(), workflow: endWorkflow },
      ],
      createdAt: now.toISOString(),
    };
    const version = record.broadcastsVersion ?? 0;
    const booked = await deps.registry.bookBroadcast(channelId, stored, version, Boolean(record.broadcasts));
    if (!booked && attempt < 4) continue;
    if (!booked) throw new ChannelNotFoundError(channelId);
    const created: string[] = [];
    try {
      for (const req of scheduleRequests(channelId, stored)) {
        await createSchedule(deps.scheduler, deps.settings, req);
        created.push(req.name);
      }
    } catch (error) {
      await Promise.allSettled(created.map((n) => deleteSchedule(deps.scheduler, deps.settings, n)));
      await deps.registry.dropBroadcast(channelId, broadcastId).catch(() => undefined);
      throw error;
    }
    return toBroadcast(channelId, stored, now);
  }
}

/**
 * Moves a broadcast that has not begun (its prepare time is still ahead): new window checked like
 * a new one (overlaps with the others only), the record updated, then both schedules replaced in
 * place (UpdateSchedule). If Scheduler refuses, the previous window is put back.
 */
export async function rescheduleBroadcast(deps: ChannelDeps, channelId: string, broadcastId: string, window: BroadcastWindow): Promise<Broadcast> {
  const now = deps.now();
  for (let attempt = 0; ; attempt += 1) {
    const record = await deps.registry.get(channelId);
    const current = record.broadcasts?.[broadcastId];
    if (!current) throw new BroadcastNotFoundError(channelId, broadcastId);
    if (prepareAt(current).getTime() <= now.getTime()) {
      throw new ChannelStateError(channelId, `running broadcast ${broadcastId}`, `reschedule a broadcast that has begun on`);
    }
    const leadSeconds = window.leadSeconds ?? current.leadSeconds;
    checkWindow(window, leadSeconds, now);
    const others = Object.values(record.broadcasts ?? {}).filter((b) => b.broadcastId !== broadcastId);
    const overlap = findOverlap(others, { ...window, leadSeconds }, now);
    if (overlap) throw new BroadcastOverlapError(overlap);
    const endWorkflow: Workflow = window.teardownAfter ? 'teardown' : 'stop';
    const moved: StoredBroadcast = {
      ...current,
      startAt: new Date(window.startAt).toISOString(),
      endAt: new Date(window.endAt).toISOString(),
      leadSeconds,
      teardownAfter: window.teardownAfter,
      schedules: current.schedules.map((s) => (s.phase === 'prepare'
        ? { ...s, at: prepareAt({ startAt: window.startAt, leadSeconds }).toISOString() }
        : { ...s, at: new Date(window.endAt).toISOString(), workflow: endWorkflow })),
    };
    const version = record.broadcastsVersion ?? 0;
    if (!(await deps.registry.replaceBroadcast(channelId, moved, version))) {
      if (attempt < 4) continue;
      throw new ChannelBusyError(channelId, 'another change to its broadcasts');
    }
    try {
      for (const req of scheduleRequests(channelId, moved)) await updateSchedule(deps.scheduler, deps.settings, req);
    } catch (error) {
      await Promise.allSettled(scheduleRequests(channelId, current).map((req) => updateSchedule(deps.scheduler, deps.settings, req)));
      await deps.registry.replaceBroadcast(channelId, current, version + 1).catch(() => false);
      throw error;
    }
    return toBroadcast(channelId, moved, now);
  }
}

export async function listBroadcasts(deps: ChannelDeps, channelId: string): Promise<Broadcast[]> {
  return broadcastView(await deps.registry.get(channelId), deps.now());
}

/** Deletes the broadcast's schedules (a workflow they already started keeps running), then forgets it. */
export async function cancelBroadcast(deps: ChannelDeps, channelId: string, broadcastId: string): Promise<void> {
  const record = await deps.registry.get(channelId);
  const b = record.broadcasts?.[broadcastId];
  if (!b) throw new BroadcastNotFoundError(channelId, broadcastId);
  for (const s of b.schedules) await deleteSchedule(deps.scheduler, deps.settings, s.name);
  try {
    await deps.registry.dropBroadcast(channelId, broadcastId);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return; // cancelled concurrently: same outcome
    throw error;
  }
}

/** Before a teardown: no schedule may later start or stop a channel that no longer exists. */
export async function cancelAllSchedules(deps: ChannelDeps, record: ChannelRecord): Promise<void> {
  const names = Object.values(record.broadcasts ?? {}).flatMap((b) => b.schedules.map((s) => s.name));
  names.push(COST_GUARD_SCHEDULE(record.channelId));
  for (const n of names) await deleteSchedule(deps.scheduler, deps.settings, n);
}
