/**
 * First step of teardown (deliberate deletion and rollback alike): takes the channel's lock and
 * says what the registry holds, so every later step runs only for what exists. A channel
 * already DELETED with nothing left makes the whole run a no-op.
 *
 * It also deletes the channel's schedules (cost guard, planned broadcasts), whoever started the
 * teardown: the API's delete cancels them first, but a rollback, the sweeper or npm start's Ctrl-C
 * do not, and a schedule left behind would later start or stop a channel that no longer exists.
 */
import * as z from 'zod/mini';
import { cancelAllSchedules } from '../lib/channel/broadcasts';
import { acquire } from '../lib/channel/lock';
import { ddb, registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { ChannelBusyError } from '../lib/errors';
import { stepHandler } from '../lib/handler';
import { channelIdSchema } from '../lib/ids';
import { remainingResources } from '../lib/notify';
import type { ChannelRecord, ExecutionRef, Resources } from '../lib/channel/registry';
import { freshPolls } from '../lib/workflow';
import { lifecycleDeps } from './deps';

const input = z.object({
  /** The execution input as given (a parent execution adds AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID). */
  request: z.object({
    channelId: channelIdSchema,
    /** rollback: started by a failed provisioning, whose failure stays on the record. */
    reason: z._default(z.enum(['delete', 'rollback']), 'delete'),
    /** Set by Step Functions when a parent execution (a failed provisioning) started this one. */
    AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: z.optional(z.string()),
  }),
  execution: z.object({ arn: z.string().check(z.minLength(1)), startedAt: z.string().check(z.minLength(1)) }),
});

export interface Presence {
  channel: boolean;
  input: boolean;
  inputSecurityGroup: boolean;
  packager: boolean;
  distribution: boolean;
  originAccessControl: boolean;
  alarms: boolean;
}

export function presence(r: Resources): Presence {
  const p = r.packager;
  const packager = Object.keys(p.originEndpoints ?? {}).length > 0 || (p.kind === 'mediapackage-v2'
    ? Boolean(p.channelName || (p.channelGroupCreated && p.channelGroupName))
    : Boolean(p.channelId || p.cdnSecretArn));
  return {
    channel: Boolean(r.medialiveChannelId),
    input: Boolean(r.inputId),
    inputSecurityGroup: Boolean(r.inputSecurityGroupId),
    packager,
    distribution: Boolean(r.distributionId),
    originAccessControl: Boolean(r.originAccessControlId),
    alarms: Object.values(r.alarms ?? {}).some((names) => names.length > 0),
  };
}

const NOTHING: Presence = { channel: false, input: false, inputSecurityGroup: false, packager: false, distribution: false, originAccessControl: false, alarms: false };

export const handler = stepHandler('beginTeardown', input, async ({ request: { channelId, reason, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: parent }, execution: ex }) => {
  // What the closing notice announces: a rollback says why provisioning failed.
  const doneEvent = reason === 'rollback' ? 'ROLLED_BACK' : 'DELETED';
  const polls = freshPolls(['channelStopped', 'channelDeleted', 'inputReleased', 'distributionDeployed']);
  const existing = await registry.find(channelId);
  if (!existing) return { channelId, reason, doneEvent, proceed: false, has: NOTHING, polls };
  if (existing.status === 'DELETED' && remainingResources(existing.resources).length === 0) {
    return { channelId, reason, doneEvent, proceed: false, has: NOTHING, polls };
  }
  const execution: ExecutionRef = { workflow: 'teardown', ...ex };
  let record: ChannelRecord;
  try {
    const taken = await acquire({ ddb, tableName: config.channelsTable, now: () => new Date() }, channelId, 'teardown', execution);
    record = taken.record;
  } catch (error) {
    // Another teardown holds the channel (or died holding it: aborted, timed out). Every step is
    // idempotent and NotFound counts as done, so joining it is safe and is how a rerun resumes.
    // A rollback also takes over from the very provisioning that started it, even when that one
    // could not record its failure (status still PROVISIONING): its resources must not outlive it.
    const joinable = error instanceof ChannelBusyError
      && (error.operation === 'teardown' || (reason === 'rollback' && parent !== undefined && existing.execution?.arn === parent));
    if (!joinable) throw error;
    await registry.update(channelId, { execution, desiredState: 'DELETED' });
    record = await registry.get(channelId);
  }
  // The guard clears `failure` when it takes the channel; a rollback keeps the provisioning
  // failure so the record and the rollback notice say why.
  if (reason === 'rollback' && existing.failure && !record.failure) {
    await registry.update(channelId, { failure: existing.failure });
  }
  // NotFound counts as done (deleteSchedule): a rerun, or the API having cancelled them, is harmless.
  await cancelAllSchedules(lifecycleDeps, record);
  return { channelId, reason, doneEvent, proceed: true, has: presence(record.resources), polls };
});
