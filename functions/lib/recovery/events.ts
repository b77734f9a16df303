/**
 * EventBridge payloads → RecoveryEvent. Shapes follow AWS's documented examples (events/medialive,
 * events/cloudwatch). Anything else is refused with a ValidationError naming the field: a malformed
 * event causes no action.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors';
import { parseOrThrow } from '../validation';
import type { AlarmEvent, AlertEvent, InputChangeEvent, StateEvent } from './types';

// zod/mini (the functional form of the same checks and messages): classic zod is ~75 KB of every
// bundle that imports it (docs/BENCHMARKS.md, cold start).
const envelope = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  'detail-type': z.string(),
  source: z.string(),
  time: z.string().check(z.refine((t) => !Number.isNaN(Date.parse(t)), 'an ISO 8601 time')),
  resources: z._default(z.array(z.string()), []),
  detail: z.record(z.string(), z.unknown()),
});

const text = (max: number) => z.string().check(z.maxLength(max));
const channelArn = z.string().check(z.regex(/^arn:aws[a-z-]*:medialive:[a-z0-9-]+:\d{12}:channel:[0-9A-Za-z]+$/, 'a MediaLive channel ARN'));
const upper = z.transform((v: string) => v.toUpperCase());
const pipelineName = z.pipe(z.union([z.string(), z.number()]), z.transform(String));

const alertDetail = z.object({
  // AWS sends SET/CLEARED, but the case varies in the wild: compare case-insensitively.
  alarm_state: z.pipe(z.pipe(z.string(), upper), z.enum(['SET', 'CLEARED'])),
  alarm_id: z.string().check(z.minLength(1), z.maxLength(128)),
  alert_type: text(200),
  pipeline: z._default(pipelineName, '0'),
  channel_arn: channelArn,
  message: z._default(text(2000), ''),
});

const stateDetail = z.object({
  channel_arn: channelArn,
  state: z.pipe(z.string().check(z.minLength(1), z.maxLength(40)), upper),
  message: z._default(text(2000), ''),
  pipelines_running_count: z._default(z.number().check(z.int(), z.gte(0), z.lte(2)), 0),
  pipeline: z.optional(pipelineName),
});

const inputDetail = z.object({
  channel_arn: channelArn,
  message: z._default(text(2000), ''),
  active_input_attachment_name: z.optional(text(256)),
  pipeline: z.optional(pipelineName),
});

const alarmDetail = z.object({
  alarmName: z.string().check(z.minLength(1), z.maxLength(255)),
  state: z.object({
    value: z.pipe(z.pipe(z.string(), upper), z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA'])),
    reason: z._default(text(4000), ''),
    timestamp: z.optional(z.string()),
  }),
});

/** `onair-<channelId>-alarm-<kind>` (functions/lib/alarms/builders.ts via resourceName). */
const ALARM_NAME = /^onair-([a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9])-alarm-([a-z0-9-]+)$/;

export type ParsedEvent =
  | { target: { medialiveChannelId: string; medialiveChannelArn: string }; event: AlertEvent | StateEvent | InputChangeEvent }
  | { target: { channelId: string }; event: AlarmEvent };

export function medialiveIdFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

export function parseEventBridgeEvent(raw: unknown): ParsedEvent {
  const e = parseOrThrow(envelope, raw, 'event');
  const base = { eventId: e.id, at: new Date(e.time).toISOString() };
  if (e.source === 'aws.medialive') {
    switch (e['detail-type']) {
      case 'MediaLive Channel Alert': {
        const d = parseOrThrow(alertDetail, e.detail, 'MediaLive alert detail');
        return {
          target: { medialiveChannelId: medialiveIdFromArn(d.channel_arn), medialiveChannelArn: d.channel_arn },
          event: { kind: 'alert', ...base, alarmId: d.alarm_id, alertType: d.alert_type, pipeline: d.pipeline, state: d.alarm_state, message: d.message },
        };
      }
      case 'MediaLive Channel State Change': {
        const d = parseOrThrow(stateDetail, e.detail, 'MediaLive state change detail');
        return {
          target: { medialiveChannelId: medialiveIdFromArn(d.channel_arn), medialiveChannelArn: d.channel_arn },
          event: { kind: 'state', ...base, state: d.state, pipelinesRunning: d.pipelines_running_count, message: d.message, ...(d.pipeline !== undefined ? { pipeline: d.pipeline } : {}) },
        };
      }
      case 'MediaLive Channel Input Change': {
        const d = parseOrThrow(inputDetail, e.detail, 'MediaLive input change detail');
        return {
          target: { medialiveChannelId: medialiveIdFromArn(d.channel_arn), medialiveChannelArn: d.channel_arn },
          event: { kind: 'input', ...base, message: d.message, ...(d.active_input_attachment_name ? { activeAttachment: d.active_input_attachment_name } : {}) },
        };
      }
    }
  }
  if (e.source === 'aws.cloudwatch' && e['detail-type'] === 'CloudWatch Alarm State Change') {
    const d = parseOrThrow(alarmDetail, e.detail, 'CloudWatch alarm detail');
    const m = ALARM_NAME.exec(d.alarmName);
    if (!m) throw new ValidationError(`Alarm ${d.alarmName} is not an OnAir channel alarm`, [{ field: 'detail.alarmName', message: 'expected onair-<channel>-alarm-<kind>' }]);
    const at = d.state.timestamp && !Number.isNaN(Date.parse(d.state.timestamp)) ? new Date(d.state.timestamp).toISOString() : base.at;
    return {
      target: { channelId: m[1] },
      event: { kind: 'alarm', eventId: e.id, at, alarmName: d.alarmName, alarmKind: m[2], state: d.state.value, reason: d.state.reason },
    };
  }
  throw new ValidationError(`Not a recovery event: ${e.source} ${e['detail-type']}`, [{ field: 'detail-type', message: 'not handled by recovery' }]);
}

/**
 * For EventBridge targets: the parsed event, or why it is dropped. A malformed or foreign event is
 * never thrown — EventBridge would retry garbage; anything else (a bug) is.
 */
export function parseOrIgnore(raw: unknown): ParsedEvent | { ignored: string } {
  try {
    return parseEventBridgeEvent(raw);
  } catch (error) {
    if (error instanceof ValidationError) return { ignored: error.message.slice(0, 300) };
    throw error;
  }
}
