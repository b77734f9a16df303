/**
 * The one schema source of the HTTP API: every route's params, query, headers, body and
 * responses. The dispatcher validates with these schemas and docs/openapi.yaml is generated
 * from them (scripts/openapi.ts), so the document cannot say something the code does not do.
 */
// zod/mini, namespace import: esbuild keeps only the parts used (classic zod added ~75 KB to each API
// function); the same core checks, messages and JSON Schema as classic zod.
import * as z from 'zod/mini';
import { channelIdSchema } from '../ids';
import { profileSchema, BUILTIN_PROFILES } from '../profile';
import { CHANNEL_STATUSES, type SentNotice } from '../channel/registry';
import type { AlarmState as DomainAlarmState } from '../alarms/states';
import type { Broadcast as DomainBroadcast } from '../channel/broadcasts';

// ---------------------------------------------------------------- shared pieces

/**
 * Classic zod's `.meta(data)`, exactly: a copy of the schema (it inherits the original's metadata but
 * not its id) with `data` in the global registry, where z.toJSONSchema finds descriptions and
 * component ids. zod/mini's own `z.meta()` is a check instead, and checks are copied into every
 * schema derived from this one: `z.extend(channelSummarySchema, …)` would be registered under the
 * id ChannelSummary as well (zod 4.6.7: the registry then maps that id to the extended copy).
 */
function meta<T extends z.ZodMiniType>(schema: T, data: z.core.GlobalMeta): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, data);
  return copy;
}

export const errorBodySchema = meta(z.object({
  error: meta(z.string(), { description: 'Stable error name: ValidationError, Forbidden, NotFound, Conflict, IdempotencyKeyReused, UnprocessableEntity, InternalError' }),
  message: meta(z.string(), { description: 'What went wrong, for a human' }),
  details: meta(z.array(z.object({
    field: meta(z.string(), { description: 'Dotted path of the bad field (`body.overrides.video.renditions.0.bitrate`, `header.idempotency-key`)' }),
    message: z.string(),
  })), { description: 'One entry per bad field; empty when no single field is at fault' }),
}), { id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

const isoDateTime = z.iso.datetime({ offset: true });

export const channelStatusSchema = meta(z.enum(CHANNEL_STATUSES), {
  description: 'PLANNED: created by POST /broadcasts, provisioned at its lead time. PROVISIONING, STARTING, STOPPING, TEARING_DOWN: a workflow is running (conflicting requests get 409). ON_AIR, IDLE, DELETED, FAILED: settled.',
});

export const channelIdParams = z.strictObject({ id: channelIdSchema });
export const broadcastIdSchema = z.string().check(z.regex(/^b-[a-z0-9]{6,20}$/, 'a broadcast id such as b-lq2x9k3a'));
export const broadcastParams = z.strictObject({ id: channelIdSchema, broadcastId: broadcastIdSchema });

export const idempotencyHeaders = z.object({
  'idempotency-key': meta(z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.:-]{8,128}$/, '8–128 characters: letters, digits, _ . : -'))),
    { description: 'Same key and same body within 24 h return the same channel; the same key with another body is a 422.' }),
});

/** Profile overrides: any subset of Profile (arrays replace). Validated as a whole after merging. */
export const profileOverridesSchema = meta(z.record(z.string(), z.unknown()), {
  id: 'ProfileOverrides',
  description: 'Any subset of the Profile fields (objects merge deeply, arrays replace). The merged profile is validated as a whole; errors name `body.overrides.<path>`.',
});

const profileNameSchema = meta(z._default(z.enum(Object.keys(BUILTIN_PROFILES) as [string, ...string[]]), 'default'),
  { description: 'Built-in profile the overrides apply to' });

// ---------------------------------------------------------------- requests

export const createChannelBody = meta(z.strictObject({
  channelId: meta(z.optional(channelIdSchema), { description: 'Caller-chosen id; generated when absent' }),
  profile: profileNameSchema,
  overrides: z.optional(profileOverridesSchema),
  start: meta(z._default(z.boolean(), true),
    { description: 'false: create everything and leave the channel IDLE (no encoder minutes billed) until POST /channels/{id}/start' }),
}), { id: 'CreateChannelRequest' });

export const listChannelsQuery = z.strictObject({
  status: z.optional(channelStatusSchema),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: meta(z.optional(z.string().check(z.maxLength(2048))), { description: 'nextCursor of the previous page' }),
});

export const broadcastWindowFields = {
  startAt: meta(isoDateTime, { description: 'When the channel must be ON_AIR (ISO 8601 with offset)' }),
  endAt: meta(isoDateTime, { description: 'When the channel is stopped' }),
  leadSeconds: meta(z.optional(z.number().check(z.int(), z.gte(0), z.lte(86_400))),
    { description: 'How long before startAt the workflow starts. Default covers a channel start on AWS (ONAIR_DEFAULT_LEAD_SECONDS, 900 s unless configured).' }),
  teardownAfter: meta(z._default(z.boolean(), false), { description: 'Tear the channel down at endAt instead of only stopping it' }),
};
export const createBroadcastBody = meta(z.strictObject(broadcastWindowFields), { id: 'CreateBroadcastRequest' });
export const createPlannedChannelBody = meta(z.strictObject({
  ...broadcastWindowFields,
  channelId: meta(z.optional(channelIdSchema), { description: 'Caller-chosen id; generated when absent' }),
  profile: profileNameSchema,
  overrides: z.optional(profileOverridesSchema),
}), { id: 'CreatePlannedBroadcastRequest' });

// ---------------------------------------------------------------- responses

export const executionViewSchema = meta(z.object({
  workflow: meta(z.string(), { description: 'provision, start, stop or teardown' }),
  executionArn: z.string(),
  startedAt: z.string(),
  status: meta(z.string(), { description: 'Step Functions status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, or UNKNOWN when it cannot be read' }),
  currentStep: meta(z.optional(z.string()), { description: 'The state the execution is in (or last entered)' }),
  stoppedAt: z.optional(z.string()),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
}), { id: 'Execution' });

export const scheduleRefSchema = z.object({
  name: z.string(),
  phase: meta(z.enum(['prepare', 'end']), { description: 'prepare: provision or start at startAt − lead; end: stop (or teardown) at endAt' }),
  at: z.string(),
  workflow: z.enum(['provision', 'start', 'stop', 'teardown']),
});

export const broadcastSchema = meta(z.object({
  broadcastId: broadcastIdSchema,
  channelId: channelIdSchema,
  startAt: z.string(),
  endAt: z.string(),
  leadSeconds: z.number().check(z.int()),
  teardownAfter: z.boolean(),
  status: meta(z.enum(['SCHEDULED', 'IN_PROGRESS', 'DONE']), { description: 'Derived from the clock: before its prepare time, between it and endAt, after endAt' }),
  schedules: z.array(scheduleRefSchema),
  createdAt: z.string(),
}), { id: 'Broadcast' });
export type Broadcast = z.infer<typeof broadcastSchema>;
// The schema describes the channel domain's Broadcast (channel/broadcasts.ts): a change to either
// that the other does not follow fails to compile here.
true satisfies (Broadcast extends DomainBroadcast ? (DomainBroadcast extends Broadcast ? true : false) : false);

/** One entry of a channel's recovery audit (functions/lib/recovery/types.ts AuditEntry). */
export const recoveryActionSchema = meta(z.object({
  at: z.string(),
  trigger: z.object({
    kind: z.enum(['alert', 'state', 'input', 'alarm', 'timer', 'observed', 'result']),
    eventId: z.string(),
    summary: meta(z.string(), { description: 'The event in words, e.g. MediaLive alert SET "Video Not Detected" on pipeline 0' }),
  }),
  decision: meta(z.string(), { description: 'What recovery decided, in words' }),
  actionId: z.optional(z.string()),
  rule: meta(z.optional(z.string()), { description: 'The policy rule (profile.recovery.rules[].name) or circuit-breaker' }),
  action: meta(z.optional(z.string()), { description: 'SWITCH_INPUT → backup|slate|primary, RESTART …, NOTIFY, PAGE, STOP' }),
  result: z.enum(['PENDING', 'OK', 'FAILED', 'NONE']),
  detail: z.optional(z.string()),
}), { id: 'RecoveryAction' });

export const costGuardViewSchema = meta(z.object({
  maxOnAirMinutes: z.optional(z.number().check(z.int())),
  stopScheduledAt: meta(z.optional(z.string()), { description: 'When the cost guard will stop the channel (while ON_AIR)' }),
  inputLossAutoStopMinutes: meta(z.optional(z.number().check(z.int())), { description: 'Stop after this many minutes of continuous input loss (announced on SNS first); acted on by automatic recovery' }),
}), { id: 'CostGuard' });

export const alarmStateSchema = meta(z.object({
  name: z.string(),
  region: z.string(),
  state: meta(z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA', 'UNKNOWN']), { description: 'CloudWatch StateValue; UNKNOWN when CloudWatch could not be read or has no such alarm (reason says which)' }),
  reason: z.optional(z.string()),
  since: meta(z.optional(z.string()), { description: 'When the alarm last changed state' }),
}), { id: 'AlarmState' });

export const sentNoticeSchema = meta(z.object({
  at: z.string(),
  event: meta(z.string(), { description: 'The notice\'s `event` message attribute: ON_AIR, STOPPED, TEARDOWN_FAILED, RECOVERY_NOTICE, RECOVERY_PAGE …' }),
  subject: z.string(),
  messageId: meta(z.optional(z.string()), { description: 'SNS MessageId' }),
}), { id: 'Notice' });
// The schemas describe alarms/states.ts's AlarmState and the registry's SentNotice: a change to either
// side that the other does not follow fails to compile here (a type-only import: the API bundles do not
// take the CloudWatch client for it).
true satisfies (z.infer<typeof alarmStateSchema> extends DomainAlarmState ? (DomainAlarmState extends z.infer<typeof alarmStateSchema> ? true : false) : false);
true satisfies (z.infer<typeof sentNoticeSchema> extends SentNotice ? (SentNotice extends z.infer<typeof sentNoticeSchema> ? true : false) : false);

export const channelSummarySchema = meta(z.object({
  channelId: channelIdSchema,
  status: channelStatusSchema,
  desiredState: z.enum(['ON_AIR', 'IDLE', 'DELETED']),
  profileName: z.string(),
  playback: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
}), { id: 'ChannelSummary' });

export const channelDetailSchema = meta(z.extend(channelSummarySchema, {
  profile: profileSchema,
  resources: meta(z.record(z.string(), z.unknown()), { description: 'Every AWS resource id OnAir created for the channel' }),
  ingestUrls: z.array(z.string()),
  alarms: meta(z.record(z.string(), z.array(z.string())), { description: 'CloudWatch alarm names by region' }),
  alarmStates: meta(z.optional(z.array(alarmStateSchema)), {
    description: 'GET /channels/{id}: the state of each alarm, read from CloudWatch with the answer (absent from the answers of start, stop and delete)',
  }),
  costGuard: costGuardViewSchema,
  execution: meta(z.optional(executionViewSchema), { description: 'The running or last workflow execution' }),
  failure: z.optional(z.object({ step: z.string(), error: z.string(), cause: z.string(), at: z.string() })),
  broadcasts: z.array(broadcastSchema),
  recoveryActions: meta(z.array(recoveryActionSchema), {
    description: 'Recent automatic recovery decisions and actions, newest first (at most 50): what triggered each, what was decided, and the result',
  }),
  notices: meta(z.array(sentNoticeSchema), { description: 'Notices published on the SNS topic about this channel, newest first (at most 20)' }),
  onAirAt: z.optional(z.string()),
}), { id: 'Channel' });
export type ChannelDetail = z.infer<typeof channelDetailSchema>;
export type ChannelSummary = z.infer<typeof channelSummarySchema>;

export const channelListItemSchema = meta(z.extend(channelSummarySchema, {
  alarmsInAlarm: meta(z.optional(z.number().check(z.int())), {
    description: 'How many of the channel\'s CloudWatch alarms are in ALARM; absent when CloudWatch could not be read',
  }),
}), { id: 'ChannelListItem' });
export type ChannelListItem = z.infer<typeof channelListItemSchema>;

export const channelListSchema = meta(z.object({
  items: z.array(channelListItemSchema),
  nextCursor: meta(z.optional(z.string()), { description: 'Pass as ?cursor= for the next page; absent on the last page. A filtered page may hold fewer than `limit` items.' }),
}), { id: 'ChannelList' });

export const acceptedSchema = meta(z.object({
  channelId: channelIdSchema,
  operation: z.enum(['provision', 'start', 'stop', 'teardown']),
  executionArn: z.string(),
  location: meta(z.string(), { description: 'Poll this (GET) for status; also sent as the Location header' }),
}), { id: 'Accepted' });

export const channelEventsSchema = meta(z.object({
  execution: meta(z.optional(z.object({ workflow: z.string(), executionArn: z.string() })),
    { description: 'The running or last workflow execution; absent when none ran yet' }),
  steps: meta(z.array(z.object({
    name: meta(z.string(), { description: 'State name (empty for execution-level events)' }),
    type: meta(z.string(), { description: 'Step Functions history event type (TaskStateEntered, ExecutionSucceeded …)' }),
    at: z.string(),
    elapsedSeconds: meta(z.number(), { description: 'Since the execution started' }),
    repeats: meta(z.optional(z.number().check(z.int())), { description: 'A poll loop entering this Task again and again is one step, entered this many times' }),
  })), { description: 'Tasks entered, failures and the end, oldest first' }),
  recoveryActions: meta(z.array(recoveryActionSchema), {
    description: 'Automatic recovery audit, newest first (at most 50)',
  }),
}), { id: 'ChannelEvents' });

export const broadcastListSchema = meta(z.object({ items: z.array(broadcastSchema) }), { id: 'BroadcastList' });
export const plannedBroadcastSchema = meta(z.object({ channel: channelSummarySchema, broadcast: broadcastSchema, location: z.string() }),
  { id: 'PlannedBroadcast' });

// ---------------------------------------------------------------- routes

export interface ResponseSpec { description: string; schema?: z.ZodMiniType; location?: boolean }

export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway route syntax: `/channels/{id}` */
  path: string;
  summary: string;
  description?: string;
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  headers?: z.ZodMiniType;
  body?: z.ZodMiniType;
  responses: Record<number, ResponseSpec>;
}

const E = (description: string): ResponseSpec => ({ description, schema: errorBodySchema });
const common = { 400: E('Invalid request: every bad field is named in details'), 403: E('Missing or invalid SigV4 signature / not allowed') };

export const routes = {
  createChannel: {
    operationId: 'createChannel', method: 'POST', path: '/channels',
    summary: 'Create a channel (and, unless start is false, bring it on air)',
    description: 'Records the channel, then starts the provision workflow (input, encoder, packager, CDN, alarms → ON_AIR, or IDLE with start: false). Poll the Location.',
    headers: idempotencyHeaders, body: createChannelBody,
    responses: {
      202: { description: 'Provisioning started (or the same idempotent request seen before)', schema: acceptedSchema, location: true },
      ...common, 409: E('A live channel already has this id'), 422: E('Idempotency-Key reused with a different body'),
    },
  },
  listChannels: {
    operationId: 'listChannels', method: 'GET', path: '/channels',
    summary: 'List channels (paginated, optionally by status)', query: listChannelsQuery,
    responses: { 200: { description: 'A page of channels', schema: channelListSchema }, ...common },
  },
  getChannel: {
    operationId: 'getChannel', method: 'GET', path: '/channels/{id}',
    summary: 'Status, desired state, profile, resources, URLs, alarms, execution, broadcasts', params: channelIdParams,
    responses: { 200: { description: 'The channel', schema: channelDetailSchema }, ...common, 404: E('No such channel') },
  },
  channelEvents: {
    operationId: 'channelEvents', method: 'GET', path: '/channels/{id}/events',
    summary: "The steps of the channel's running or last workflow, and its recovery audit", params: channelIdParams,
    responses: { 200: { description: 'Steps, oldest first', schema: channelEventsSchema }, ...common, 404: E('No such channel') },
  },
  startChannel: {
    operationId: 'startChannel', method: 'POST', path: '/channels/{id}/start',
    summary: 'Start an IDLE channel (waits RUNNING on every pipeline and the manifest served)', params: channelIdParams,
    responses: {
      202: { description: 'Start workflow running', schema: acceptedSchema, location: true },
      200: { description: 'Already ON_AIR: nothing to do', schema: channelDetailSchema },
      ...common, 404: E('No such channel'), 409: E('Another operation is in progress (named in the message) or the channel cannot start from its status'),
    },
  },
  stopChannel: {
    operationId: 'stopChannel', method: 'POST', path: '/channels/{id}/stop',
    summary: 'Stop an ON_AIR channel (waits IDLE); resources are kept', params: channelIdParams,
    responses: {
      202: { description: 'Stop workflow running', schema: acceptedSchema, location: true },
      200: { description: 'Already IDLE: nothing to do', schema: channelDetailSchema },
      ...common, 404: E('No such channel'), 409: E('Another operation is in progress (named in the message) or the channel cannot stop from its status'),
    },
  },
  deleteChannel: {
    operationId: 'deleteChannel', method: 'DELETE', path: '/channels/{id}',
    summary: 'Tear the channel down: every resource deleted, planned broadcasts cancelled', params: channelIdParams,
    responses: {
      202: { description: 'Teardown workflow running', schema: acceptedSchema, location: true },
      200: { description: 'Already deleted, or a PLANNED channel cancelled before anything was created', schema: channelDetailSchema },
      ...common, 404: E('No such channel'), 409: E('Another operation is in progress (named in the message)'),
    },
  },
  createBroadcast: {
    operationId: 'createBroadcast', method: 'POST', path: '/channels/{id}/broadcasts',
    summary: 'Plan a broadcast on an existing channel: start at startAt − lead, stop (or tear down) at endAt',
    params: channelIdParams, body: createBroadcastBody,
    responses: {
      201: { description: 'Broadcast scheduled', schema: broadcastSchema, location: true },
      ...common, 404: E('No such channel'), 409: E('Overlaps another broadcast of the channel, or the channel is deleted'),
      422: E('Start in the past, end before start, or lead time already passed'),
    },
  },
  listBroadcasts: {
    operationId: 'listBroadcasts', method: 'GET', path: '/channels/{id}/broadcasts',
    summary: "The channel's planned broadcasts", params: channelIdParams,
    responses: { 200: { description: 'Broadcasts, by start time', schema: broadcastListSchema }, ...common, 404: E('No such channel') },
  },
  rescheduleBroadcast: {
    operationId: 'rescheduleBroadcast', method: 'PUT', path: '/channels/{id}/broadcasts/{broadcastId}',
    summary: 'Move a broadcast that has not begun: its schedules are updated in place',
    description: 'Same body as creating one; leadSeconds defaults to the broadcast\'s current lead.',
    params: broadcastParams, body: createBroadcastBody,
    responses: {
      200: { description: 'Rescheduled', schema: broadcastSchema },
      ...common, 404: E('No such channel or broadcast'), 409: E('Overlaps another broadcast, or this one has already begun'),
      422: E('Start in the past, end before start, or lead time already passed'),
    },
  },
  cancelBroadcast: {
    operationId: 'cancelBroadcast', method: 'DELETE', path: '/channels/{id}/broadcasts/{broadcastId}',
    summary: "Cancel a broadcast: deletes its schedules (a workflow already running is not stopped)", params: broadcastParams,
    responses: { 204: { description: 'Cancelled' }, ...common, 404: E('No such channel or broadcast') },
  },
  createPlannedBroadcast: {
    operationId: 'createPlannedBroadcast', method: 'POST', path: '/broadcasts',
    summary: 'Plan a whole broadcast in one request: provision at startAt − lead, ON_AIR at startAt, stop at endAt, tear down after',
    description: 'The channel is recorded as PLANNED now; nothing is created on AWS until the lead time.',
    headers: idempotencyHeaders, body: createPlannedChannelBody,
    responses: {
      201: { description: 'Channel planned and broadcast scheduled', schema: plannedBroadcastSchema, location: true },
      ...common, 409: E('A live channel already has this id'),
      422: E('Start in the past, end before start, or Idempotency-Key reused with a different body'),
    },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteId = keyof typeof routes;
