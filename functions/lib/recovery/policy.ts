/**
 * The recovery policy: a declarative part of every channel profile (`profile.recovery`).
 *
 *   rules[]   what to do about which signal:
 *               on.alertTypes  MediaLive alert types (`MediaLive Channel Alert` alert_type, exact, case-insensitive)
 *               on.alarms      OnAir alarm kinds: the part of the alarm name after `onair-<channel>-alarm-`,
 *                              prefix-matched (`output-5xx` matches `output-5xx-destination1-p0`)
 *               on.pipelineDown a pipeline (or the whole channel) STOPPED while the channel should be ON_AIR
 *             action          SWITCH_INPUT (to `target`, and back after `holdSeconds` clear) | RESTART | NOTIFY | STOP
 *             debounceSeconds the condition must persist this long before OnAir acts
 *             holdSeconds     SWITCH_INPUT: the condition must stay clear this long before switching back
 *             verifySeconds   RESTART: when to check that every pipeline runs again
 *   attempts  at most `max` remediation actions (switches, switch-backs, restarts) per `windowSeconds`;
 *             a remediation needed beyond that, or `max` failed attempts, opens the circuit breaker:
 *             OnAir stops trying and pages once, with what it tried, for `breakerResetSeconds`.
 *   notifications  at most `maxPerWindow` NOTIFY messages per attempts window (pages are separate).
 *
 * The cost guard's `inputLossAutoStopMinutes` (profile.costGuard) becomes one more rule: input
 * loss for that long → announce and stop, breaker or not (it caps cost, it does not heal).
 */
import * as z from 'zod/mini';

/** MediaLive alert types that mean "the source is gone" (MediaLive UG, alert list; aws-facts.md). */
export const INPUT_LOSS_ALERT_TYPES = [
  'Video Not Detected',
  'Audio Not Detected',
  'RTMP Stream Not Found',
  'RTMP Has No Audio/Video',
  'RTMP Server Disconnected',
  'RTMP Input Connect Failed',
  'Stopped Receiving UDP Input',
  'HTTP Get Failed',
] as const;

/** OnAir's own alarm kinds for output errors (functions/lib/alarms/builders.ts names them). */
export const OUTPUT_ERROR_ALARMS = ['output-4xx', 'output-5xx', 'packager-egress-5xx', 'cdn-5xx-rate'] as const;

export const RECOVERY_ACTIONS = ['SWITCH_INPUT', 'RESTART', 'NOTIFY', 'STOP'] as const;
export type RecoveryActionKind = (typeof RECOVERY_ACTIONS)[number];

// zod/mini: the same checks and messages as classic zod, without its ~75 KB in every bundle that parses a policy.
const ruleName = z.string().check(z.regex(/^[a-z0-9-]{1,32}$/, 'lowercase letters, digits and hyphens, at most 32'));
const int = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));

export const recoveryRuleSchema = z.object({
  name: ruleName,
  on: z.object({
    alertTypes: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(50)), []),
    alarms: z._default(z.array(z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'an alarm kind such as output-5xx'))).check(z.maxLength(20)), []),
    pipelineDown: z._default(z.boolean(), false),
  }).check(z.refine((on) => on.alertTypes.length > 0 || on.alarms.length > 0 || on.pipelineDown, {
    message: 'name at least one alert type, alarm or pipelineDown',
  })),
  action: z.enum(RECOVERY_ACTIONS),
  /**
   * SWITCH_INPUT: `slate` = the attachment provisioning creates from `recovery.slate` (named
   * `…-slate`; a profile that switches to a slate must configure one, the profile check says so);
   * `backup` = a second input attachment that is not the slate. OnAir's provisioning never
   * attaches a backup input: it is for channels whose operators attach their own, and a channel
   * without one gets a failed attempt saying so (and, after `attempts.max`, a page).
   */
  target: z._default(z.enum(['backup', 'slate']), 'backup'),
  debounceSeconds: z._default(int(0, 86_400), 10),
  holdSeconds: z._default(int(0, 3600), 30),
  verifySeconds: z._default(int(10, 900), 120),
});
export type RecoveryRule = z.output<typeof recoveryRuleSchema>;

/**
 * Input loss on a channel with no other input to switch to (every built-in profile: provisioning
 * creates one input): MediaLive's own input-loss behaviour already covers the picture (the channel's
 * InputLossBehavior, functions/lib/medialive/builders.ts), so OnAir tells a human. 30 s: an encoder
 * reconnect is not worth a notice.
 */
const INPUT_LOSS_NOTIFY: z.input<typeof recoveryRuleSchema> = { name: 'input-loss', on: { alertTypes: [...INPUT_LOSS_ALERT_TYPES] }, action: 'NOTIFY', debounceSeconds: 30 };

/**
 * Input loss on a channel with a slate (`recovery.slate`): switch to it, and back once the feed has
 * stayed for 30 s. 10 s: long enough to ride out an encoder reconnect, short enough that viewers see
 * the slate, not black.
 */
const INPUT_LOSS_TO_SLATE: z.input<typeof recoveryRuleSchema> = { name: 'input-loss', on: { alertTypes: [...INPUT_LOSS_ALERT_TYPES] }, action: 'SWITCH_INPUT', target: 'slate', debounceSeconds: 10, holdSeconds: 30 };

/**
 * The rules a profile gets when it names none: they act only with inputs the channel has. With a
 * slate, input loss both puts it on air and (if it lasts 30 s) tells a human, who should know the
 * audience is watching the slate.
 */
export function defaultRecoveryRules(hasSlate: boolean): z.input<typeof recoveryRuleSchema>[] {
  return hasSlate
    ? [INPUT_LOSS_TO_SLATE, { ...INPUT_LOSS_NOTIFY, name: 'input-loss-notice' }, ...DEFAULT_RECOVERY_RULES.slice(1)]
    : [INPUT_LOSS_NOTIFY, ...DEFAULT_RECOVERY_RULES.slice(1)];
}

export const DEFAULT_RECOVERY_RULES: z.input<typeof recoveryRuleSchema>[] = [
  INPUT_LOSS_NOTIFY,
  // 15 s: MediaLive restarts a failed pipeline itself (RECOVERING); only a STOPPED one needs OnAir.
  // 180 s verify: a StartChannel takes ~1–2 min to RUNNING (the waiter allows 10).
  { name: 'pipeline-down', on: { pipelineDown: true }, action: 'RESTART', debounceSeconds: 15, verifySeconds: 180 },
  // Output errors for 2 minutes: nothing automation can fix at the origin or CDN: tell a human why.
  { name: 'output-errors', on: { alarms: [...OUTPUT_ERROR_ALARMS] }, action: 'NOTIFY', debounceSeconds: 120 },
];

export const recoveryPolicySchema = z.object({
  enabled: z._default(z.boolean(), true),
  rules: z.prefault(z.array(recoveryRuleSchema).check(z.maxLength(20)), DEFAULT_RECOVERY_RULES),
  attempts: z.prefault(z.object({
    max: z._default(int(1, 20), 3),
    windowSeconds: z._default(int(60, 86_400), 900),
    breakerResetSeconds: z._default(int(60, 604_800), 3600),
  }), {}),
  notifications: z.prefault(z.object({
    maxPerWindow: z._default(int(1, 100), 5),
  }), {}),
  /**
   * A slate to switch to: provisioning creates this input (MP4_FILE: an MP4 looped; URL_PULL: an
   * HLS stream) and attaches it as `onair-<channel>-slate`. Pull inputs need no security group
   * and cost nothing while not in use.
   */
  slate: z.optional(z.object({
    url: z.string().check(z.url(), z.maxLength(1024), z.refine((u) => /^(https?|s3|s3ssl):\/\//.test(u), 'an http(s) or s3 URL')),
    type: z._default(z.enum(['MP4_FILE', 'URL_PULL']), 'MP4_FILE'),
  })),
}).check(z.superRefine((p, ctx) => {
  const names = p.rules.map((r) => r.name);
  if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['rules'], message: 'rule names must be unique' });
  if (p.attempts.breakerResetSeconds < p.attempts.windowSeconds) {
    ctx.addIssue({ code: 'custom', path: ['attempts', 'breakerResetSeconds'], message: 'must be at least attempts.windowSeconds (a breaker that closes sooner could loop)' });
  }
}));
export type RecoveryPolicy = z.output<typeof recoveryPolicySchema>;

/** The rules OnAir evaluates for a channel: the policy's, plus the cost guard's input-loss stop. */
export function effectiveRules(policy: RecoveryPolicy, inputLossAutoStopMinutes?: number): RecoveryRule[] {
  const rules = [...policy.rules];
  if (inputLossAutoStopMinutes !== undefined) {
    const lossTypes = [...new Set(policy.rules.filter((r) => r.action === 'SWITCH_INPUT').flatMap((r) => r.on.alertTypes))];
    rules.push({
      name: 'cost-guard-input-loss',
      on: { alertTypes: lossTypes.length ? lossTypes : [...INPUT_LOSS_ALERT_TYPES], alarms: [], pipelineDown: false },
      action: 'STOP', target: 'backup', debounceSeconds: inputLossAutoStopMinutes * 60, holdSeconds: 0, verifySeconds: 120,
    });
  }
  return rules;
}
