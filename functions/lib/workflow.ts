/**
 * Glue shared by the workflow task handlers (functions/channel, medialive, packager, cdn, alarms):
 * input schemas, the poll schedule every Wait loop follows, and the failure shape the
 * state machines hand to recordFailure.
 *
 * Waiting lives in the state machines (Describe → Choice → Wait loops); this module only
 * decides, per poll, "ready yet?", "how long until the next look" and "give up now". The
 * interval and bound of each wait exist here once; the ASL reads them back from the task
 * result (`SecondsPath: $.polls.<name>.waitSeconds`).
 */
import * as z from 'zod/mini';
import { channelIdSchema } from './ids';
import { WaitTimeoutError } from './errors';

export const channelInput = z.object({ channelId: channelIdSchema });

/**
 * Where each wait gets its rhythm. Bounds follow AWS's SDK waiters (aws-facts.md). Intervals:
 * short on the way to ON_AIR, where every second idled past a state change is off-air time;
 * longer in teardown, which is off that path, runs its MediaLive chain beside a CloudFront wait
 * of minutes anyway, and pays ~3 state transitions per look.
 */
export const POLLS = {
  /**
   * CREATING → IDLE (bound: waiter ChannelCreated 3 s × 5, doubled). Woken by the channel's CREATED
   * event, so StartChannel is not sent into MediaLive's 409 for a channel still being created.
   */
  channelCreated: { intervalSeconds: 15, maxSeconds: 60, goal: 'the MediaLive channel to be created' },
  /**
   * STARTING → RUNNING (bound: waiter 5 s × 120). Woken by MediaLive's per-pipeline RUNNING events
   * (functions/lib/waits.ts, EVENT_WAITS); the interval is the parked task's TimeoutSeconds, the
   * safety-net look when no event came (events are best effort). 120 s: observed starts take 1–2
   * minutes (local/core/latency.ts), so the usual start needs no look and a lost event costs at most
   * one interval; a start that fell back to IDLE is caught at that look (describeMediaLive).
   */
  channelRunning: { intervalSeconds: 120, maxSeconds: 600, goal: 'the MediaLive channel to run on every pipeline' },
  /** STOPPING → IDLE (bound: waiter 5 s × 60). Woken by the channel's STOPPED event; 60 s safety net. */
  channelStopped: { intervalSeconds: 60, maxSeconds: 300, goal: 'the MediaLive channel to stop' },
  /**
   * DELETING → DELETED (bound: waiter 5 s × 84). Woken by the channel's DELETED event; 30 s safety
   * net (a delete takes ~20 s).
   */
  channelDeleted: { intervalSeconds: 30, maxSeconds: 420, goal: 'the MediaLive channel to be deleted' },
  /**
   * After the channel is deleted, in MediaLive's order (functions/lib/medialive/operations.ts
   * releaseInput): input ATTACHED → DETACHED (waiter InputDetached 5 s × 84), DeleteInput → DELETED
   * (waiter InputDeleted 5 s × 20), then the security group, IN_USE for a few seconds after its
   * last input went (aws-facts.md), is deleted. One loop, one look every 5 s; the bound is the sum.
   */
  inputReleased: { intervalSeconds: 5, maxSeconds: 420 + 100 + 120, goal: 'the MediaLive input and its security group to be deleted' },
  /** Disabled distribution InProgress → Deployed before it can be deleted: the SDK waiter's own 60 s × 35. */
  distributionDeployed: { intervalSeconds: 60, maxSeconds: 2100, goal: 'the CloudFront distribution to deploy' },
  /**
   * Watchable through the CDN. The first look comes as soon as every pipeline runs; the manifest
   * appears once the first segment is packaged, a segment or two later, so look every 2 s: ≤ 1 s late
   * on average (5 s cost 2.5 s on a ~90 s chain, bench onair 1.08 × bound), at ~3 state transitions
   * per extra look. While a dedicated distribution is still deploying (usually < 5 min, waiter
   * 35 min) look every 15 s.
   */
  playback: { intervalSeconds: 2, deployingIntervalSeconds: 15, maxSeconds: 2100, goal: 'the channel to be watchable through the CDN' },
} as const;

export type PollName = keyof typeof POLLS;

/** The MediaLive waits that MediaLive's state-change events can wake (functions/lib/waits.ts). */
export const EVENT_WAITS = ['channelCreated', 'channelRunning', 'channelStopped', 'channelDeleted'] as const satisfies readonly PollName[];
export type EventWait = (typeof EVENT_WAITS)[number];

/** A poll's state as it travels in the execution document (`$.polls.<name>`). */
export interface PollResult {
  ready: boolean;
  attempt: number;
  /** Seconds of waiting this loop has asked for so far: what its bound is checked against. */
  waited: number;
  waitSeconds: number;
  /** What the resource reported, for the execution history and the failure message. */
  state?: string;
  reason?: string;
  /** When the action waited on was requested (ISO): carried from poll to poll for the event-driven waits. */
  since?: string;
}

/**
 * Each poll task gets the previous result back (`previous.$: $.polls.<name>`), the one way every
 * state machine passes poll state; absent on a first look.
 */
export const pollInput = z.extend(channelInput, {
  previous: z.optional(z.looseObject({
    attempt: z._default(z.number().check(z.int(), z.minimum(0)), 0),
    waited: z.optional(z.number().check(z.minimum(0))),
    since: z.optional(z.iso.datetime()),
  })),
});
export interface PreviousPoll { attempt: number; waited?: number; since?: string }

export function previousOf(input: { previous?: PreviousPoll | undefined }): PreviousPoll {
  return input.previous ?? { attempt: 0 };
}

/**
 * One poll: ready → done; not ready → wait `intervalSeconds` (or the interval the caller knows
 * fits better) and look again, until the waits add up to the bound, then WaitTimeoutError.
 */
export function nextPoll(
  poll: PollName, previous: PreviousPoll, ready: boolean, state?: string, reason?: string, intervalSeconds?: number,
): PollResult {
  const { maxSeconds } = POLLS[poll];
  const interval = intervalSeconds ?? POLLS[poll].intervalSeconds;
  const waited = previous.waited ?? previous.attempt * POLLS[poll].intervalSeconds;
  const extra = { ...(state !== undefined ? { state } : {}), ...(reason !== undefined ? { reason } : {}), ...(previous.since !== undefined ? { since: previous.since } : {}) };
  const attempt = previous.attempt + 1;
  if (ready) return { ready: true, attempt, waited, waitSeconds: 0, ...extra };
  if (waited + interval > maxSeconds) throw new WaitTimeoutError(poll, POLLS[poll].goal, maxSeconds, state ?? reason);
  return { ready: false, attempt, waited: waited + interval, waitSeconds: interval, ...extra };
}

/** The counters a workflow's loops start from, placed in the execution document by its first task. */
export function freshPolls(names: readonly PollName[]): Record<string, PollResult> {
  // The first Wait of a loop already waits one interval: a state seldom changes in less.
  return Object.fromEntries(names.map((n) => [n, { ready: false, attempt: 0, waited: 0, waitSeconds: POLLS[n].intervalSeconds }]));
}

/**
 * What a Catch hands over: `{ step, error: { Error, Cause } }`, one per failed step (a
 * Parallel collects one per failed branch). Cause is a string; for a Lambda error it is the
 * JSON `{errorType, errorMessage, trace}` the Lambda runtime writes.
 */
export const caughtSchema = z.object({
  step: z.string().check(z.minLength(1), z.maxLength(80)),
  error: z.looseObject({ Error: z._default(z.string(), 'Unknown'), Cause: z.optional(z.unknown()) }),
});
export type Caught = z.output<typeof caughtSchema>;

export interface FailureSummary { step: string; error: string; cause: string }

/** Reads the human part of a Catch's Cause: the Lambda errorMessage when there is one. */
export function summarizeCaught(caught: Caught): FailureSummary {
  const raw = caught.error.Cause;
  let cause = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : JSON.stringify(raw);
  if (typeof raw === 'string' && raw.startsWith('{')) {
    try {
      const parsed = JSON.parse(raw) as { errorMessage?: unknown };
      if (typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
    } catch {
      // not JSON after all: keep the text as AWS gave it
    }
  }
  // History and SNS stay readable; the full text is in the execution history anyway.
  if (cause.length > 1000) cause = `${cause.slice(0, 997)}...`;
  return { step: caught.step, error: caught.error.Error, cause: cause || caught.error.Error };
}
