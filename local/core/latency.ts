/**
 * THE latency profile: how long AWS takes for each transition the twin models, in twin milliseconds
 * at AWS's real pace (scale 1). The clock (clock.ts) divides them by its scale; DEFAULT_SCALE makes a
 * full provision reach ON_AIR in well under a minute while keeping AWS's proportions, so the
 * benchmarks' bound (longest chain of these figures) stays true. Sources are in
 * ../shared/docs/aws-facts.md unless noted; where AWS publishes no number the SDK waiters bound it.
 */
import type { LatencyProfile } from './types';
import { API_RATE_LIMITS } from '../../lib/aws-quotas';

export const LATENCY = {
  // MediaLive — botocore medialive/2017-10-14/waiters-2.json polls ChannelCreated 3 s × 5 (15 s);
  // channels usually reach IDLE within a few seconds of CreateChannel.
  'medialive.channel.create': 8_000,
  // ChannelRunning waiter allows 10 min (5 s × 120); observed starts take about 1–2 minutes.
  // Pipelines come up separately (RUNNING is evented once per pipeline), the second slightly later.
  'medialive.channel.start': 75_000,
  'medialive.channel.start.pipelineSkew': 5_000,
  // ChannelStopped waiter 5 s × 60 (5 min); a stop usually completes in well under a minute.
  'medialive.channel.stop': 30_000,
  // ChannelDeleted waiter 5 s × 84 (7 min); typically ~20 s.
  'medialive.channel.delete': 20_000,
  // "A just-created channel cannot be started for a few seconds" (aws-facts.md): StartChannel answers
  // 409 for this long after the channel reached IDLE.
  'medialive.channel.startLockout': 3_000,
  // UpdateChannel: UPDATING → IDLE takes a few seconds.
  'medialive.channel.update': 5_000,
  // UpdateInputSecurityGroup: UPDATING → IDLE/IN_USE.
  'medialive.inputSecurityGroup.update': 2_000,
  // Deleted channels/inputs/groups stay describable as DELETED for a while before NotFound.
  'medialive.deletedRetention': 120_000,
  // RECOVERING: MediaLive restarts a failed pipeline; back to RUNNING in about a minute.
  'medialive.channel.recover': 60_000,
  // InputDetached waiter 5 s × 84: the input turns DETACHED once the channel using it is deleted.
  'medialive.input.detach': 10_000,
  // InputAttached/InputDeleted waiters 5 s × 20.
  'medialive.input.create': 2_000,
  'medialive.input.delete': 5_000,
  // "the security group stays IN_USE for a few seconds after its input is deleted" (style.md, habit 11).
  'medialive.inputSecurityGroup.inUseLinger': 5_000,
  // MediaLive keeps cleared alerts in ListAlerts for about 5 minutes (aws-facts.md, MediaLive events).
  'medialive.alert.clearedRetention': 300_000,

  // MediaPackage v1/v2: channels, groups and endpoints are usable when the create call returns.
  'mediapackage.resource.ready': 0,

  // CloudFront: "Status InProgress → Deployed, usually within 5 minutes" (waiter: 60 s × 35).
  'cloudfront.distribution.deploy': 240_000,
  // Disabling (UpdateDistribution Enabled=false) deploys like any other change.
  'cloudfront.distribution.update': 240_000,

  // CloudWatch evaluates a new alarm on its first period (≥ 60 s for standard metrics) before it
  // leaves INSUFFICIENT_DATA.
  'cloudwatch.alarm.firstEvaluation': 60_000,

  // DynamoDB: a new on-demand table is ACTIVE within seconds (TableExists waiter: 20 s × 25).
  'dynamodb.table.create': 5_000,
  'dynamodb.table.delete': 5_000,

  // EventBridge delivers to targets typically within half a second.
  'events.delivery': 500,

  // Secrets Manager: DeleteSecret without ForceDeleteWithoutRecovery waits RecoveryWindowInDays (7–30, default 30).
  'secretsmanager.recoveryWindow.defaultDays': 30,
} as const satisfies LatencyProfile;

export type LatencyName = keyof typeof LATENCY;

/**
 * Default clock scale for `npm start` and the integration suites: the slowest chain (distribution
 * deploy ≈ 4 min, in parallel with channel create + start ≈ 1.5 min) takes ~12 s of real time.
 * Scale 1 runs at AWS's real pace.
 */
export const DEFAULT_SCALE = 20;

/** API rate limits AWS enforces per account, applied by the twin in front of the behaviour. */
export const RATE_LIMITS: Readonly<Record<string, { tps: number; burst: number; code: string; status: number; message: string }>> = {
  // The rate is AWS's, from the one table (lib/aws-quotas.ts API_RATE_LIMITS); the answer is the
  // model's TooManyRequestsException (HTTP 429).
  medialive: { ...API_RATE_LIMITS.medialive, code: 'TooManyRequestsException', status: 429, message: 'Too many requests, please slow down.' },
};
