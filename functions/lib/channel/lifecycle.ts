/**
 * Domain steps of the start and stop workflows that are not MediaLive calls (those reuse the
 * provisioning/teardown handlers): settle the channel's status, arm and disarm the cost guard,
 * record a failure, and tell humans what happened.
 */
import { ConflictException } from '@aws-sdk/client-scheduler';
import type { ChannelRecord } from './registry';
import { publishNotice, subjectLine, type NoticeDeps } from '../notify';
import { summarizeCaught, type Caught } from '../workflow';
import { COST_GUARD_SCHEDULE, createSchedule, deleteSchedule, updateSchedule } from './broadcasts';
import type { ChannelDeps } from './deps';

/**
 * Cost guard: when a channel goes ON_AIR with `costGuard.maxOnAirMinutes`, a one-time schedule
 * runs the stop workflow (reason `cost-guard`, which announces itself on SNS first) that many
 * minutes later. Re-arming (a restart) moves the same schedule.
 */
export async function armCostGuard(deps: ChannelDeps, channelId: string): Promise<{ armed: boolean; stopAt?: string }> {
  const record = await deps.registry.get(channelId);
  const max = record.profile.costGuard?.maxOnAirMinutes;
  // Provisioned with start: false (IDLE), or stopped again before this ran: nothing on air to guard.
  if (max === undefined || record.status !== 'ON_AIR') return { armed: false };
  const since = record.onAirAt ? new Date(record.onAirAt) : deps.now();
  const stopAt = new Date(since.getTime() + max * 60_000);
  const request = {
    name: COST_GUARD_SCHEDULE(channelId),
    at: stopAt,
    workflow: 'stop' as const,
    input: { channelId, reason: 'cost-guard' },
    description: `OnAir cost guard: stop ${channelId} after ${max} minutes on air`,
  };
  try {
    await createSchedule(deps.scheduler, deps.settings, request);
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
    // Left from an earlier run of this channel: move it (UpdateSchedule replaces the whole definition).
    await updateSchedule(deps.scheduler, deps.settings, request);
  }
  await deps.registry.update(channelId, { costGuardStopAt: stopAt.toISOString() } as Partial<ChannelRecord>);
  return { armed: true, stopAt: stopAt.toISOString() };
}

/** The channel stopped: it is IDLE, and no cost-guard schedule may fire into a later run. */
export async function markIdle(deps: ChannelDeps, channelId: string): Promise<{ status: 'IDLE' }> {
  await deleteSchedule(deps.scheduler, deps.settings, COST_GUARD_SCHEDULE(channelId));
  await deps.registry.markStopped(channelId);
  return { status: 'IDLE' };
}

/**
 * A start or stop failed: the channel is FAILED with the step and cause. From FAILED a stop
 * (which is a no-op on an IDLE encoder) or a delete brings it back under control.
 */
export async function recordLifecycleFailure(deps: ChannelDeps, channelId: string, workflow: 'start' | 'stop', failed: Caught): Promise<{ step: string; error: string; cause: string; message: string }> {
  const summary = summarizeCaught(failed);
  await deps.registry.update(channelId, { status: 'FAILED', failure: { ...summary, at: deps.now().toISOString() } });
  return { ...summary, message: `${workflow} failed at ${summary.step}: ${summary.cause}` };
}

export const LIFECYCLE_EVENTS = ['STOPPED', 'START_FAILED', 'STOP_FAILED', 'COST_GUARD_STOPPING'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export function formatLifecycleNotice(event: LifecycleEvent, record: ChannelRecord, stage: string): { subject: string; message: string } {
  const id = record.channelId;
  const tag = stage === 'prod' ? '' : ` [${stage}]`;
  const f = record.failure;
  const failure = f ? ['', `Failed step: ${f.step}`, `Error: ${f.error}`, `Cause: ${f.cause}`] : [];
  switch (event) {
    case 'STOPPED':
      return { subject: subjectLine(`OnAir${tag}: ${id} stopped (IDLE)`), message: [`Channel ${id} is stopped. Its resources are kept; encoder minutes are no longer billed.`, '', `Start it again: onair start ${id}`, `Remove it: onair delete ${id}`].join('\n') };
    case 'START_FAILED':
      return { subject: subjectLine(`OnAir${tag}: ${id} FAILED to start`), message: [`Channel ${id} could not be put on air.`, ...failure, '', 'OnAir asked MediaLive to stop the encoder so it does not bill.', `Check with: onair status ${id}`].join('\n') };
    case 'STOP_FAILED':
      return { subject: subjectLine(`OnAir${tag}: ACTION NEEDED - ${id} did not stop`), message: [`ACTION NEEDED: channel ${id} did not stop and may still be billed.`, ...failure, '', `Retry: onair stop ${id}   or remove it: onair delete ${id}`].join('\n') };
    case 'COST_GUARD_STOPPING': {
      const max = record.profile.costGuard?.maxOnAirMinutes;
      return { subject: subjectLine(`OnAir${tag}: cost guard stopping ${id}`), message: [`Cost guard: channel ${id} has been on air since ${record.onAirAt ?? 'unknown'}${max ? `, its limit of ${max} minutes` : ''}.`, 'OnAir is stopping it now.', '', `To stay on air longer, raise costGuard.maxOnAirMinutes in its profile and start it again: onair start ${id}`].join('\n') };
    }
  }
}

export async function publishLifecycleNotice(deps: NoticeDeps & { stage: string }, event: LifecycleEvent, record: ChannelRecord): Promise<{ messageId?: string }> {
  const { messageId } = await publishNotice(deps, event, record.channelId, formatLifecycleNotice(event, record, deps.stage), record.execution);
  return messageId ? { messageId } : {};
}
