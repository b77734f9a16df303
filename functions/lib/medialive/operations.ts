/**
 * MediaLive operations: idempotent, with injected clients; each returns small plain data for a
 * Step Functions task. Every id is written to the registry the moment AWS returns it, and a
 * retry after a crash finds what the first attempt made (registry → RequestId → tags).
 * Waiting is the state machine's job: nothing here sleeps.
 *
 * API (stable):
 *   ensureInputSecurityGroup(deps, record) → { inputSecurityGroupId: string | null }   (null for pull inputs;
 *       reuses this stage's group with the same CIDR set)
 *   ensureInput(deps, record)              → { inputId, ingestUrls }                   (also sets record.ingestUrls)
 *   ensureSlateInput(deps, record)         → { slateInputId: string | null }             (null unless profile.recovery.slate)
 *   ensureChannel(deps, record)            → { medialiveChannelId }
 *   startChannel(deps, record)             → { state, requestedAt }   ChannelNotReadyError while a new/stopping channel cannot start yet
 *   describeChannel(deps, record)          → { exists, state?, pipelinesRunning, pipelinesTotal }
 *   stopChannel(deps, record)              → { state }   (state 'DELETED' when there is no channel)
 *   deleteChannel / deleteInput / deleteInputSecurityGroup(deps, record) → { deleted, state? }
 *       deleted=true once AWS confirms (NotFound or DELETED), and the id is then cleared in the
 *       registry; until then call again after a wait (each call is a no-op while DELETING).
 *       A running channel, an attached input or an in-use security group: the SDK's
 *       ConflictException propagates, for the state machine to wait and retry.
 *       deleteInputSecurityGroup leaves a group another input still uses (groups are shared by
 *       CIDR set) and only clears it from this channel's record.
 *   describeInput(deps, record) → { exists, state? }
 *   describeInputSecurityGroup(deps, record) → { exists, state?, sharedWith }
 */
import {
  CreateChannelCommand, CreateInputCommand, DeleteChannelCommand, DeleteInputCommand, DescribeChannelCommand,
  DescribeInputCommand, StartChannelCommand, StopChannelCommand, ConflictException, type DescribeInputResponse,
} from '@aws-sdk/client-medialive';
import { ChannelNotReadyError, isNotFound, MissingResourceError, ResourceFailedError, undefinedIfNotFound } from '../errors';
import type { ChannelRecord } from '../channel/registry';
import { packagerLayoutFor } from '../packager';
import {
  buildChannelRequest, buildInputRequest, buildSlateInputRequest, isPushInput, pipelineCount,
} from './builders';
import { GONE, type DeleteResult, type MediaLiveDeps } from './deps';
import { deleteInputSecurityGroup, ensureInputSecurityGroup } from './input-security-groups';

export type { DeleteResult, MediaLiveDeps } from './deps';



/**
 * CreateInput named a security group MediaLive does not have (deleted since it was looked up).
 * MediaLive answers an invalid request with 422 UnprocessableEntityException and the offending
 * element in ValidationErrors (API model, CreateInput), or 400/404 naming the group.
 */
function isMissingGroup(error: unknown): boolean {
  const e = error as { name?: string; message?: string; ValidationErrors?: { ElementPath?: string }[] };
  if (e.name === 'UnprocessableEntityException') return (e.ValidationErrors ?? []).some((v) => /^inputSecurityGroups/i.test(v.ElementPath ?? ''));
  return (e.name === 'NotFoundException' || e.name === 'BadRequestException') && /security ?group/i.test(e.message ?? '');
}

function ingestUrlsOf(input: Pick<DescribeInputResponse, 'Destinations'>): string[] {
  return (input.Destinations ?? []).map((d) => d.Url).filter((u): u is string => typeof u === 'string');
}

async function storeIngestUrls(deps: MediaLiveDeps, record: ChannelRecord, urls: string[]): Promise<void> {
  const same = (record.ingestUrls ?? []).join('\n') === urls.join('\n');
  if (!same || record.ingestUrls === undefined) await deps.registry.update(record.channelId, { ingestUrls: urls });
}

export async function ensureInput(deps: MediaLiveDeps, record: ChannelRecord): Promise<{ inputId: string; ingestUrls: string[] }> {
  const { medialive, registry, config } = deps;
  const recorded = record.resources.inputId;
  if (recorded) {
    const found = await undefinedIfNotFound(() => medialive.send(new DescribeInputCommand({ InputId: recorded })));
    if (found && !GONE.has(found.State ?? '') && found.State !== 'DELETING') {
      const ingestUrls = ingestUrlsOf(found);
      await storeIngestUrls(deps, record, ingestUrls);
      return { inputId: recorded, ingestUrls };
    }
  }
  const sg = record.resources.inputSecurityGroupId;
  if (isPushInput(record.profile) && !sg) throw new MissingResourceError('resources.inputSecurityGroupId', 'ensureInput');
  const request = buildInputRequest({
    record,
    stage: config.stage,
    inputSecurityGroupId: sg ?? null,
    ...(record.profile.input.type === 'MEDIACONNECT' ? { roleArn: config.medialiveRoleArn } : {}),
  });
  // RequestId makes a retried CreateInput return the input the first attempt created.
  let created;
  try {
    created = await medialive.send(new CreateInputCommand(request));
  } catch (error) {
    if (!sg || !isMissingGroup(error)) throw error;
    // The group found in the registry went with its last channel: find or create one with MediaLive
    // itself, then create the input with it (same RequestId: the refused request created nothing).
    const { inputSecurityGroupId } = await ensureInputSecurityGroup(deps, { ...record, resources: { ...record.resources, inputSecurityGroupId: undefined } }, { skipRegistry: true });
    created = await medialive.send(new CreateInputCommand(buildInputRequest({
      record, stage: config.stage, inputSecurityGroupId,
      ...(record.profile.input.type === 'MEDIACONNECT' ? { roleArn: config.medialiveRoleArn } : {}),
    })));
  }
  const input = created.Input;
  if (!input?.Id) throw new ResourceFailedError('CreateInput returned no id');
  await registry.recordResource(record.channelId, ['inputId'], input.Id);
  if (input.Arn) await registry.recordResource(record.channelId, ['inputArn'], input.Arn);
  const ingestUrls = ingestUrlsOf(input);
  await storeIngestUrls(deps, record, ingestUrls);
  return { inputId: input.Id, ingestUrls };
}

/** The slate input recovery switches to (profile.recovery.slate); recorded before the channel needs it. */
export async function ensureSlateInput(deps: MediaLiveDeps, record: ChannelRecord): Promise<{ slateInputId: string | null }> {
  const request = buildSlateInputRequest(record, deps.config.stage);
  if (!request) return { slateInputId: null };
  const recorded = record.resources.slateInputId;
  if (recorded) {
    const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeInputCommand({ InputId: recorded })));
    if (found && !GONE.has(found.State ?? '') && found.State !== 'DELETING') return { slateInputId: recorded };
  }
  // RequestId makes a retried CreateInput return the input the first attempt created.
  const created = await deps.medialive.send(new CreateInputCommand(request));
  const id = created.Input?.Id;
  if (!id) throw new ResourceFailedError('CreateInput (slate) returned no id');
  await deps.registry.recordResource(record.channelId, ['slateInputId'], id);
  return { slateInputId: id };
}

export async function ensureChannel(deps: MediaLiveDeps, record: ChannelRecord): Promise<{ medialiveChannelId: string; state?: string }> {
  const { medialive, registry, config } = deps;
  const recorded = record.resources.medialiveChannelId;
  if (recorded) {
    const found = await undefinedIfNotFound(() => medialive.send(new DescribeChannelCommand({ ChannelId: recorded })));
    if (found && !GONE.has(found.State ?? '') && found.State !== 'DELETING') {
      if (found.State === 'CREATE_FAILED') throw new ResourceFailedError(`MediaLive channel ${recorded} is CREATE_FAILED`);
      return { medialiveChannelId: recorded, ...(found.State ? { state: found.State } : {}) };
    }
  }
  const inputId = record.resources.inputId;
  if (!inputId) throw new MissingResourceError('resources.inputId', 'ensureChannel');
  const request = buildChannelRequest({
    record,
    stage: config.stage,
    inputId,
    roleArn: config.medialiveRoleArn,
    packagerTarget: packagerLayoutFor(record).medialiveTarget(record, config.stage),
    ...(record.resources.slateInputId ? { slateInputId: record.resources.slateInputId } : {}),
  });
  await registry.forgetMediaLiveStates(record.channelId); // functions/lib/waits.ts: only events after the request count
  const created = await medialive.send(new CreateChannelCommand(request));
  const channel = created.Channel;
  if (!channel?.Id) throw new ResourceFailedError('CreateChannel returned no id');
  await registry.recordResource(record.channelId, ['medialiveChannelId'], channel.Id);
  if (channel.Arn) await registry.recordResource(record.channelId, ['medialiveChannelArn'], channel.Arn);
  return { medialiveChannelId: channel.Id, ...(channel.State ? { state: channel.State } : {}) };
}

function channelIdOrThrow(record: ChannelRecord, step: string): string {
  const id = record.resources.medialiveChannelId;
  if (!id) throw new MissingResourceError('resources.medialiveChannelId', step);
  return id;
}

/**
 * Starts the channel: StartChannel first, DescribeChannel only when MediaLive answers 409 — one call
 * on the usual path instead of two, out of an account-wide 5 TPS. `requestedAt` is when the start was
 * asked for (handler clock): describeMediaLive judges an IDLE channel against it. The event states
 * recorded before the request are forgotten first (functions/lib/waits.ts).
 */
export async function startChannel(deps: MediaLiveDeps, record: ChannelRecord, now: () => Date = () => new Date()): Promise<{ state: string; requestedAt: string }> {
  const id = channelIdOrThrow(record, 'startChannel');
  const requestedAt = now().toISOString();
  await deps.registry.forgetMediaLiveStates(record.channelId); // functions/lib/waits.ts: only events after the request count
  try {
    const out = await deps.medialive.send(new StartChannelCommand({ ChannelId: id }));
    return { state: out.State ?? 'STARTING', requestedAt };
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
    // 409 (StartChannel declares ConflictException: MediaLive API model, botocore medialive
    // 2017-10-14, local/models/medialive.json): already starting or running (a retried step), not
    // startable (failed, deleting), or created seconds ago and not ready yet. MediaLive's state says which.
    const state = (await deps.medialive.send(new DescribeChannelCommand({ ChannelId: id }))).State;
    if (state === 'STARTING' || state === 'RUNNING' || state === 'RECOVERING') return { state, requestedAt };
    if (state === 'CREATE_FAILED' || state === 'UPDATE_FAILED' || state === 'DELETING' || state === 'DELETED') {
      throw new ResourceFailedError(`MediaLive channel ${id} cannot start from ${state}`);
    }
    throw new ChannelNotReadyError(id, state ?? 'unknown', { cause: error });
  }
}

export interface ChannelStatus {
  exists: boolean;
  state?: string;
  pipelinesRunning: number;
  pipelinesTotal: number;
}

export async function describeChannel(deps: MediaLiveDeps, record: ChannelRecord): Promise<ChannelStatus> {
  const pipelinesTotal = pipelineCount(record.profile);
  const id = record.resources.medialiveChannelId;
  if (!id) return { exists: false, pipelinesRunning: 0, pipelinesTotal };
  const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeChannelCommand({ ChannelId: id })));
  if (!found) return { exists: false, pipelinesRunning: 0, pipelinesTotal };
  return {
    exists: !GONE.has(found.State ?? ''),
    ...(found.State ? { state: found.State } : {}),
    pipelinesRunning: found.PipelinesRunningCount ?? 0,
    pipelinesTotal: found.ChannelClass ? (found.ChannelClass === 'STANDARD' ? 2 : 1) : pipelinesTotal,
  };
}

/**
 * Stops the channel: StopChannel first, DescribeChannel only when MediaLive answers 409 (already
 * stopped or stopping, or not stoppable yet). `requestedAt`: see startChannel.
 */
export async function stopChannel(deps: MediaLiveDeps, record: ChannelRecord, now: () => Date = () => new Date()): Promise<{ state: string; requestedAt: string }> {
  const requestedAt = now().toISOString();
  const id = record.resources.medialiveChannelId;
  if (!id) return { state: 'DELETED', requestedAt };
  await deps.registry.forgetMediaLiveStates(record.channelId); // functions/lib/waits.ts: only events after the request count
  try {
    const out = await deps.medialive.send(new StopChannelCommand({ ChannelId: id }));
    return { state: out.State ?? 'STOPPING', requestedAt };
  } catch (error) {
    if (isNotFound(error)) return { state: 'DELETED', requestedAt };
    // 409: StopChannel declares ConflictException (same model) for a channel it cannot stop from its state.
    if (!(error instanceof ConflictException)) throw error;
    const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeChannelCommand({ ChannelId: id })));
    if (!found || !found.State || GONE.has(found.State)) return { state: 'DELETED', requestedAt };
    if (['IDLE', 'STOPPING', 'CREATE_FAILED', 'DELETING'].includes(found.State)) return { state: found.State, requestedAt };
    throw error;
  }
}

export async function deleteChannel(deps: MediaLiveDeps, record: ChannelRecord): Promise<DeleteResult> {
  const id = record.resources.medialiveChannelId;
  if (!id) return { deleted: true };
  const forget = async (): Promise<DeleteResult> => {
    await deps.registry.recordResource(record.channelId, ['medialiveChannelId'], undefined);
    await deps.registry.recordResource(record.channelId, ['medialiveChannelArn'], undefined);
    return { deleted: true };
  };
  const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeChannelCommand({ ChannelId: id })));
  if (!found || GONE.has(found.State ?? '')) return forget();
  if (found.State === 'DELETING') return { deleted: false, state: 'DELETING' };
  try {
    // A channel that is not IDLE answers ConflictException: it propagates for the state machine.
    await deps.registry.forgetMediaLiveStates(record.channelId); // functions/lib/waits.ts: only events after the request count
    const out = await deps.medialive.send(new DeleteChannelCommand({ ChannelId: id }));
    if (out.State === 'DELETED') return forget();
    return { deleted: false, state: out.State ?? 'DELETING' };
  } catch (error) {
    if (isNotFound(error)) return forget();
    throw error;
  }
}

export async function describeInput(deps: MediaLiveDeps, record: ChannelRecord): Promise<{ exists: boolean; state?: string }> {
  const id = record.resources.inputId;
  if (!id) return { exists: false };
  const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeInputCommand({ InputId: id })));
  if (!found) return { exists: false };
  return { exists: !GONE.has(found.State ?? ''), ...(found.State ? { state: found.State } : {}) };
}

export async function deleteInput(deps: MediaLiveDeps, record: ChannelRecord): Promise<DeleteResult> {
  // The slate input first (same rules): the input is deleted once both are gone.
  const slate = record.resources.slateInputId;
  if (slate) {
    const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeInputCommand({ InputId: slate })));
    if (!found || GONE.has(found.State ?? '')) {
      await deps.registry.recordResource(record.channelId, ['slateInputId'], undefined);
    } else {
      // Still ATTACHED (its channel was deleted a moment ago): MediaLive would answer 409; say so instead.
      if (found.State === 'ATTACHED') return { deleted: false, state: 'ATTACHED' };
      if (found.State !== 'DELETING') {
        try {
          await deps.medialive.send(new DeleteInputCommand({ InputId: slate }));
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      return { deleted: false, state: 'DELETING' };
    }
  }
  const id = record.resources.inputId;
  if (!id) return { deleted: true };
  const forget = async (): Promise<DeleteResult> => {
    await deps.registry.recordResource(record.channelId, ['inputId'], undefined);
    await deps.registry.recordResource(record.channelId, ['inputArn'], undefined);
    return { deleted: true };
  };
  const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeInputCommand({ InputId: id })));
  if (!found || GONE.has(found.State ?? '')) return forget();
  if (found.State === 'DELETING') return { deleted: false, state: 'DELETING' };
  // MediaLive detaches an input some seconds after its channel is deleted (InputDetached waiter,
  // aws-facts.md); DeleteInput before that answers 409, so no request is sent while it is ATTACHED.
  if (found.State === 'ATTACHED') return { deleted: false, state: 'ATTACHED' };
  try {
    // An input that attached since the look (a race) answers ConflictException: it propagates.
    await deps.medialive.send(new DeleteInputCommand({ InputId: id }));
    return { deleted: false, state: 'DELETING' };
  } catch (error) {
    if (isNotFound(error)) return forget();
    throw error;
  }
}

/**
 * One look of teardown's input release, in MediaLive's order: the channel's inputs DETACHED →
 * DeleteInput → DELETED → the input security group released (IDLE) → DeleteInputSecurityGroup.
 * Each call goes as far as MediaLive allows now and says what it still waits for, so the state
 * machine needs one loop (one Task, Choice and Wait per look) for the whole chain, and no request
 * MediaLive would refuse is sent.
 */
export async function releaseInput(deps: MediaLiveDeps, record: ChannelRecord): Promise<DeleteResult> {
  const input = await deleteInput(deps, record);
  if (!input.deleted) return { deleted: false, state: `input ${input.state ?? 'DELETING'}` };
  const group = await deleteInputSecurityGroup(deps, record);
  if (!group.deleted) return { deleted: false, state: `input security group ${group.state ?? 'IN_USE'}` };
  return { deleted: true };
}
