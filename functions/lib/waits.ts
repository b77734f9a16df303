/**
 * Event-driven waits on MediaLive: a workflow parks a Step Functions task token on the channel
 * record (`.waitForTaskToken`, functions/medialive/parkWait.ts); MediaLive's `MediaLive Channel State Change`
 * events (EventBridge, functions/medialive/onStateChange.ts) record what each pipeline reported and wake
 * the parked task as soon as its goal is met.
 *
 * Why: waiting by polling spent two thirds of the account's MediaLive budget (5 TPS for every API,
 * not raisable) on DescribeChannel — 15 polls per channel in the 100-channel scale run. Step
 * Functions documents this callback pattern for exactly this ("Wait for a Callback with Task Token",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).
 *
 * Events are best effort ("Delivery type: Best effort",
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-medialive.html): the parked task times out after the wait's
 * `intervalSeconds` (functions/lib/workflow.ts POLLS), the workflow looks itself (DescribeChannel,
 * the same bounded poll as before) and parks again. A lost event costs one interval, never the channel.
 *
 * Ordering: an event can arrive before the token is parked, and the token before the event. Both
 * writers update the record atomically and read it back (ReturnValues ALL_NEW), and each wakes the
 * task when what it then sees meets the goal, so neither order loses a wake-up. Both may wake it:
 * the second SendTask* gets TaskTimedOut / TaskDoesNotExist / InvalidToken, which means "already
 * moved on" and is ignored.
 *
 * Events from an earlier action (the last run's RUNNING, the last stop's STOPPED) must not settle a new
 * wait. Times cannot tell them apart reliably (the events carry MediaLive's clock, a handler has its
 * own, and the local cloud runs MediaLive on a faster one), so the step that asks MediaLive to act
 * forgets the recorded states first (registry.forgetMediaLiveStates, in functions/lib/medialive/
 * operations.ts): whatever the record holds afterwards was sent after the request. Between events,
 * the newer `time` wins (registry.recordMediaLiveState), all on MediaLive's clock.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { pipelineCount } from './medialive/builders';
import type { ChannelRecord, ChannelRegistry, ParkedWait, StateSeen } from './channel/registry';

/**
 * The event states a wait's verdict turns on. The wakeWaits rule in serverless.yml filters its
 * events on exactly these (test/unit/workflows/event-waits.test.ts keeps the two equal).
 */
export const WAKING_STATES = ['CREATED', 'RUNNING', 'STOPPED', 'DELETED'] as const;

export const CHANNEL_KEY = 'channel';

/**
 * Error a contradicting event wakes the task with: the workflow catches it like a timeout and
 * looks (DescribeChannel decides; an event is a hint, never the verdict on a failure).
 */
export const WOKEN_TO_CHECK = 'OnAir.MediaLiveStateChanged';

export type Verdict = { outcome: 'met' | 'contradicted' | 'pending'; detail: string };

/** What the events recorded since the action was requested say about the wait's goal. */
export function verdict(wait: Pick<ParkedWait, 'name'>, seen: Record<string, StateSeen>, pipelinesTotal: number): Verdict {
  const channel = seen[CHANNEL_KEY];
  const pipelines = Array.from({ length: pipelinesTotal }, (_, i) => seen[String(i)]);
  switch (wait.name) {
    case 'channelCreated': {
      // CREATED is sent when the channel reaches IDLE (event states, aws-facts.md "MediaLive events").
      if (channel?.state === 'CREATED') return { outcome: 'met', detail: 'CREATED (event)' };
      return { outcome: 'pending', detail: 'no event yet' };
    }
    case 'channelRunning': {
      // RUNNING is sent once per pipeline (aws-facts.md, "MediaLive events"): every pipeline must say so.
      const running = pipelines.filter((p) => p?.state === 'RUNNING').length;
      if (running === pipelinesTotal) return { outcome: 'met', detail: `RUNNING ${running}/${pipelinesTotal} pipelines (events)` };
      const stopped = [channel, ...pipelines].find((s) => s && (s.state === 'STOPPED' || s.state === 'DELETED'));
      if (stopped) return { outcome: 'contradicted', detail: `MediaLive reported ${stopped.state} while starting` };
      return { outcome: 'pending', detail: `RUNNING ${running}/${pipelinesTotal} pipelines (events)` };
    }
    case 'channelDeleted': {
      if (channel?.state === 'DELETED') return { outcome: 'met', detail: 'DELETED (event)' };
      return { outcome: 'pending', detail: channel ? `${channel.state} (event)` : 'no event yet' };
    }
    case 'channelStopped': {
      // The channel-level event says STOPPED (never IDLE, which is DescribeChannel's word for it).
      if (channel && (channel.state === 'STOPPED' || channel.state === 'DELETED')) return { outcome: 'met', detail: `${channel.state} (event)` };
      return { outcome: 'pending', detail: channel ? `${channel.state} (event)` : 'no event yet' };
    }
  }
}

export interface WakeDeps {
  sfn: Pick<SFNClient, 'send'>;
  registry: Pick<ChannelRegistry, 'clearWait' | 'forgetDeletedMediaLiveChannel'>;
}

/** The token is no longer waiting: it timed out, its execution ended, or someone woke it first. */
function alreadyMovedOn(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken';
}

/**
 * Wakes the channel's parked wait when the events recorded on it settle its goal. Returns what was
 * done ('none' when nothing is parked or the goal is still pending).
 */
export async function wakeIfDue(deps: WakeDeps, record: ChannelRecord): Promise<'woken' | 'woken-to-check' | 'pending' | 'none'> {
  const wait = record.wait;
  if (!wait) return 'none';
  const v = verdict(wait, record.medialiveStates ?? {}, pipelineCount(record.profile));
  if (v.outcome === 'pending') return 'pending';
  try {
    if (v.outcome === 'met') {
      // DELETED is MediaLive's own word that the channel is gone: the id is cleared here, as
      // deleteChannel would after its DescribeChannel, and teardown goes straight on to the input.
      const deleted = record.resources.medialiveChannelId;
      if (wait.name === 'channelDeleted' && deleted) await deps.registry.forgetDeletedMediaLiveChannel(record.channelId, deleted);
      await deps.sfn.send(new SendTaskSuccessCommand({ taskToken: wait.token, output: JSON.stringify({ ready: true, via: 'event', state: v.detail }) }));
    } else {
      await deps.sfn.send(new SendTaskFailureCommand({ taskToken: wait.token, error: WOKEN_TO_CHECK, cause: v.detail }));
    }
  } catch (error) {
    if (!alreadyMovedOn(error)) throw error;
  }
  await deps.registry.clearWait(record.channelId, wait.token);
  return v.outcome === 'met' ? 'woken' : 'woken-to-check';
}
