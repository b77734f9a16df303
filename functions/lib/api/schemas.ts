/**
 * The one schema source of the HTTP API: every route's params, query, headers, body and
 * responses. The dispatcher validates with these schemas and docs/openapi.yaml is generated
 * from them (scripts/openapi.ts), so the document cannot say something the code does not do.
 */
// Namespace import: it lets esbuild drop zod's unused parts (its locales alone are ~270 KB).
import * as z from 'zod';
import { channelIdSchema } from '../ids';
import { profileSchema, BUILTIN_PROFILES } from '../profile';
import { CHANNEL_STATUSES } from '../channel/registry';
import type { Broadcast as DomainBroadcast } from '../channel/broadcasts';

// ---------------------------------------------------------------- shared pieces

export const errorBodySchema = z.object({
  error: z.string().meta({ description: 'Stable error name: ValidationError, Forbidden, NotFound, Conflict, IdempotencyKeyReused, UnprocessableEntity, InternalError' }),
  message: z.string().meta({ description: 'What went wrong, for a human' }),
  details: z.array(z.object({
    field: z.string().meta({ description: 'Dotted path of the bad field (`body.overrides.video.renditions.0.bitrate`, `header.idempotency-key`)' }),
    message: z.string(),
  })).meta({ description: 'One entry per bad field; empty when no single field is at fault' }),
}).meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

const isoDateTime = z.iso.datetime({ offset: true });

export const channelStatusSchema = z.enum(CHANNEL_STATUSES).meta({
  description: 'PLANNED: created by POST /broadcasts, provisioned at its lead time. PROVISIONING, STARTING, STOPPING, TEARING_DOWN: a workflow is running (conflicting requests get 409). ON_AIR, IDLE, DELETED, FAILED: settled.',
});

export const channelIdParams = z.strictObject({ id: channelIdSchema });
export const broadcastIdSchema = z.string().regex(/^b-[a-z0-9]{6,20}$/, 'a broadcast id such as b-lq2x9k3a');
export const broadcastParams = z.strictObject({ id: channelIdSchema, broadcastId: broadcastIdSchema });

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, '8–128 characters: letters, digits, _ . : -').optional()
    .meta({ description: 'Same key and same body within 24 h return the same channel; the same key with another body is a 422.' }),
});

/** Profile overrides: any subset of Profile (arrays replace). Validated as a whole after merging. */
export const profileOverridesSchema = z.record(z.string(), z.unknown()).meta({
  id: 'ProfileOverrides',
  description: 'Any subset of the Profile fields (objects merge deeply, arrays replace). The merged profile is validated as a whole; errors name `body.overrides.<path>`.',
});

const profileNameSchema = z.enum(Object.keys(BUILTIN_PROFILES) as [string, ...string[]]).default('default')
  .meta({ description: 'Built-in profile the overrides apply to' });

// ---------------------------------------------------------------- requests

export const createChannelBody = z.strictObject({
  channelId: z.optional(channelIdSchema).meta({ description: 'Caller-chosen id; generated when absent' }),
  profile: profileNameSchema,
  overrides: profileOverridesSchema.optional(),
  start: z.boolean().default(true)
    .meta({ description: 'false: create everything and leave the channel IDLE (no encoder minutes billed) until POST /channels/{id}/start' }),
}).meta({ id: 'CreateChannelRequest' });

export const listChannelsQuery = z.strictObject({
  status: channelStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional().meta({ description: 'nextCursor of the previous page' }),
});

export const broadcastWindowFields = {
  startAt: isoDateTime.meta({ description: 'When the channel must be ON_AIR (ISO 8601 with offset)' }),
  endAt: isoDateTime.meta({ description: 'When the channel is stopped' }),
  leadSeconds: z.number().int().min(0).max(86_400).optional()
    .meta({ description: 'How long before startAt the workflow starts. Default covers a channel start on AWS (ONAIR_DEFAULT_LEAD_SECONDS, 900 s unless configured).' }),
  teardownAfter: z.boolean().default(false).meta({ description: 'Tear the channel down at endAt instead of only stopping it' }),
};
export const createBroadcastBody = z.strictObject(broadcastWindowFields).meta({ id: 'CreateBroadcastRequest' });
export const createPlannedChannelBody = z.strictObject({
  ...broadcastWindowFields,
  channelId: z.optional(channelIdSchema).meta({ description: 'Caller-chosen id; generated when absent' }),
  profile: profileNameSchema,
  overrides: profileOverridesSchema.optional(),
}).meta({ id: 'CreatePlannedBroadcastRequest' });

// ---------------------------------------------------------------- responses

export const executionViewSchema = z.object({
  workflow: z.string().meta({ description: 'provision, start, stop or teardown' }),
  executionArn: z.string(),
  startedAt: z.string(),
  status: z.string().meta({ description: 'Step Functions status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, or UNKNOWN when it cannot be read' }),
  currentStep: z.string().optional().meta({ description: 'The state the execution is in (or last entered)' }),
  stoppedAt: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
}).meta({ id: 'Execution' });

export const scheduleRefSchema = z.object({
  name: z.string(),
  phase: z.enum(['prepare', 'end']).meta({ description: 'prepare: provision or start at startAt − lead; end: stop (or teardown) at endAt' }),
  at: z.string(),
  workflow: z.enum(['provision', 'start', 'stop', 'teardown']),
});

export const broadcastSchema = z.object({
  broadcastId: broadcastIdSchema,
  channelId: channelIdSchema,
  startAt: z.string(),
  endAt: z.string(),
  leadSeconds: z.number().int(),
  teardownAfter: z.boolean(),
  status: z.enum(['SCHEDULED', 'IN_PROGRESS', 'DONE']).meta({ description: 'Derived from the clock: before its prepare time, between it and endAt, after endAt' }),
  schedules: z.array(scheduleRefSchema),
  createdAt: z.string(),
}).meta({ id: 'Broadcast' });
export type Broadcast = z.infer<typeof broadcastSchema>;
// The schema describes the channel domain's Broadcast (channel/broadcasts.ts): a change to either
// that the other does not follow fails to compile here.
true satisfies (Broadcast extends DomainBroadcast ? (DomainBroadcast extends Broadcast ? true : false) : false);

/** One entry of a channel's recovery audit (functions/lib/recovery/types.ts AuditEntry). */
export const recoveryActionSchema = z.object({
  at: z.string(),
  trigger: z.object({
    kind: z.enum(['alert', 'state', 'input', 'alarm', 'timer', 'observed', 'result']),
    eventId: z.string(),
    summary: z.string().meta({ description: 'The event in words, e.g. MediaLive alert SET "Video Not Detected" on pipeline 0' }),
  }),
  decision: z.string().meta({ description: 'What recovery decided, in words' }),
  actionId: z.string().optional(),
  rule: z.string().optional().meta({ description: 'The policy rule (profile.recovery.rules[].name) or circuit-breaker' }),
  action: z.string().optional().meta({ description: 'SWITCH_INPUT → backup|slate|primary, RESTART …, NOTIFY, PAGE, STOP' }),
  result: z.enum(['PENDING', 'OK', 'FAILED', 'NONE']),
  detail: z.string().optional(),
}).meta({ id: 'RecoveryAction' });

export const costGuardViewSchema = z.object({
  maxOnAirMinutes: z.number().int().optional(),
  stopScheduledAt: z.string().optional().meta({ description: 'When the cost guard will stop the channel (while ON_AIR)' }),
  inputLossAutoStopMinutes: z.number().int().optional().meta({ description: 'Stop after this many minutes of continuous input loss (announced on SNS first); acted on by automatic recovery' }),
}).meta({ id: 'CostGuard' });

export const channelSummarySchema = z.object({
  channelId: channelIdSchema,
  status: channelStatusSchema,
  desiredState: z.enum(['ON_AIR', 'IDLE', 'DELETED']),
  profileName: z.string(),
  playback: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'ChannelSummary' });

export const channelDetailSchema = channelSummarySchema.extend({
  profile: profileSchema,
  resources: z.record(z.string(), z.unknown()).meta({ description: 'Every AWS resource id OnAir created for the channel' }),
  ingestUrls: z.array(z.string()),
  alarms: z.record(z.string(), z.array(z.string())).meta({ description: 'CloudWatch alarm names by region' }),
  costGuard: costGuardViewSchema,
  execution: executionViewSchema.optional().meta({ description: 'The running or last workflow execution' }),
  failure: z.object({ step: z.string(), error: z.string(), cause: z.string(), at: z.string() }).optional(),
  broadcasts: z.array(broadcastSchema),
  recoveryActions: z.array(recoveryActionSchema).meta({
    description: 'Recent automatic recovery decisions and actions, newest first (at most 50): what triggered each, what was decided, and the result',
  }),
  onAirAt: z.string().optional(),
}).meta({ id: 'Channel' });
export type ChannelDetail = z.infer<typeof channelDetailSchema>;
export type ChannelSummary = z.infer<typeof channelSummarySchema>;

export const channelListSchema = z.object({
  items: z.array(channelSummarySchema),
  nextCursor: z.string().optional().meta({ description: 'Pass as ?cursor= for the next page; absent on the last page. A filtered page may hold fewer than `limit` items.' }),
}).meta({ id: 'ChannelList' });

export const acceptedSchema = z.object({
  channelId: channelIdSchema,
  operation: z.enum(['provision', 'start', 'stop', 'teardown']),
  executionArn: z.string(),
  location: z.string().meta({ description: 'Poll this (GET) for status; also sent as the Location header' }),
}).meta({ id: 'Accepted' });

export const channelEventsSchema = z.object({
  execution: z.object({ workflow: z.string(), executionArn: z.string() }).optional()
    .meta({ description: 'The running or last workflow execution; absent when none ran yet' }),
  steps: z.array(z.object({
    name: z.string().meta({ description: 'State name (empty for execution-level events)' }),
    type: z.string().meta({ description: 'Step Functions history event type (TaskStateEntered, ExecutionSucceeded …)' }),
    at: z.string(),
    elapsedSeconds: z.number().meta({ description: 'Since the execution started' }),
    repeats: z.number().int().optional().meta({ description: 'A poll loop entering this Task again and again is one step, entered this many times' }),
  })).meta({ description: 'Tasks entered, failures and the end, oldest first' }),
  recoveryActions: z.array(recoveryActionSchema).meta({
    description: 'Automatic recovery audit, newest first (at most 50)',
  }),
}).meta({ id: 'ChannelEvents' });

export const broadcastListSchema = z.object({ items: z.array(broadcastSchema) }).meta({ id: 'BroadcastList' });
export const plannedBroadcastSchema = z.object({ channel: channelSummarySchema, broadcast: broadcastSchema, location: z.string() })
  .meta({ id: 'PlannedBroadcast' });

// ---------------------------------------------------------------- routes

export interface ResponseSpec { description: string; schema?: z.ZodType; location?: boolean }

export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway route syntax: `/channels/{id}` */
  path: string;
  summary: string;
  description?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
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
    summary: "The steps of the channel's running or last workflow (and, with issue 5, its recovery audit)", params: channelIdParams,
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
