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
  CreateChannelCommand, CreateInputCommand, CreateInputSecurityGroupCommand, DeleteChannelCommand,
  DeleteInputCommand, DeleteInputSecurityGroupCommand, DescribeChannelCommand, DescribeInputCommand,
  DescribeInputSecurityGroupCommand, ListInputSecurityGroupsCommand, StartChannelCommand, StopChannelCommand,
  ConflictException, type MediaLiveClient, type DescribeInputResponse, type InputSecurityGroup,
} from '@aws-sdk/client-medialive';
import type { Config } from '../config';
import { ChannelNotReadyError, isNotFound, MissingResourceError, ResourceFailedError, undefinedIfNotFound } from '../errors';
import { everyChannel, type ChannelRecord, type ChannelRegistry } from '../channel/registry';
import { hasStageTag } from '../tags';
import { packagerFor } from '../packager';
import {
  buildChannelRequest, buildInputRequest, buildInputSecurityGroupRequest, buildSlateInputRequest, isPushInput, pipelineCount,
} from './builders';

export interface MediaLiveDeps {
  medialive: MediaLiveClient;
  registry: Pick<ChannelRegistry, 'recordResource' | 'update' | 'forgetMediaLiveStates' | 'list'>;
  /** Read lazily: only ensureChannel (and MEDIACONNECT inputs) need the role. */
  config: Pick<Config, 'stage' | 'medialiveRoleArn'>;
}

const GONE = new Set(['DELETED']);

function sameCidrs(group: InputSecurityGroup, cidrs: string[]): boolean {
  const have = (group.WhitelistRules ?? []).map((r) => r.Cidr).sort();
  const want = [...cidrs].sort();
  return have.length === want.length && have.every((c, i) => c === want[i]);
}

export async function ensureInputSecurityGroup(deps: MediaLiveDeps, record: ChannelRecord, options: { skipRegistry?: boolean } = {}): Promise<{ inputSecurityGroupId: string | null }> {
  if (!isPushInput(record.profile)) return { inputSecurityGroupId: null };
  const { medialive, registry, config } = deps;
  const recorded = record.resources.inputSecurityGroupId;
  if (recorded) {
    const found = await undefinedIfNotFound(() => medialive.send(new DescribeInputSecurityGroupCommand({ InputSecurityGroupId: recorded })));
    if (found && !GONE.has(found.State ?? '')) return { inputSecurityGroupId: recorded };
  }
  const stage = config.stage;
  // One group serves any number of inputs (MediaLive UG "Working with input security groups":
  // "You can attach the same input security group to any number of inputs"), and an account has
  // 5 per Region by default (lib/quotas.ts): a group of this stage with exactly the same CIDRs is
  // reused, whichever channel created it. That also finds again a create whose registry write was
  // lost (CreateInputSecurityGroup takes no name and no idempotency token).
  const cidrs = record.profile.input.allowedCidrs;
  // First the registry: another channel of this stage with exactly these CIDRs that holds a group.
  // DynamoDB answers it without spending MediaLive's account-wide 5 TPS, which a ListInputSecurityGroups
  // per channel did (bench scale: 100 of 400 calls). A group deleted meanwhile by its last channel's
  // teardown is caught by CreateInput (ensureInput), which comes back here past the registry.
  const known = options.skipRegistry ? undefined : await groupInRegistry(registry, record, cidrs);
  if (known) {
    await registry.recordResource(record.channelId, ['inputSecurityGroupId'], known);
    return { inputSecurityGroupId: known };
  }
  const reusable = await reusableGroups(medialive, stage, cidrs);
  if (reusable[0]) {
    await registry.recordResource(record.channelId, ['inputSecurityGroupId'], reusable[0]);
    return { inputSecurityGroupId: reusable[0] };
  }
  const created = await medialive.send(new CreateInputSecurityGroupCommand(buildInputSecurityGroupRequest(record, stage)));
  const id = created.SecurityGroup?.Id;
  if (!id) throw new ResourceFailedError('CreateInputSecurityGroup returned no id');
  // Provisions that start together each find no group and each create one, against a default of 5
  // per Region. Settle on one: the lowest id of the matching groups wins, and a loser deletes its own
  // (no input uses it yet) to take the winner's. Two that create without seeing each other can still
  // both keep theirs: that leaves two groups, never one per channel.
  const winner = [id, ...(await reusableGroups(medialive, stage, cidrs))].sort(byNumericId)[0] as string;
  if (winner !== id) {
    await undefinedIfNotFound(() => medialive.send(new DeleteInputSecurityGroupCommand({ InputSecurityGroupId: id })));
  }
  await registry.recordResource(record.channelId, ['inputSecurityGroupId'], winner);
  return { inputSecurityGroupId: winner };
}

/** The group another live channel with exactly `cidrs` records (lowest id), if any. */
async function groupInRegistry(registry: Pick<ChannelRegistry, 'list'>, record: ChannelRecord, cidrs: string[]): Promise<string | undefined> {
  const key = [...cidrs].sort().join(',');
  const ids = (await everyChannel(registry))
    .filter((r) => r.channelId !== record.channelId && r.status !== 'DELETED' && r.resources.inputSecurityGroupId)
    .filter((r) => [...(r.profile.input.allowedCidrs ?? [])].sort().join(',') === key)
    .map((r) => r.resources.inputSecurityGroupId as string);
  return ids.sort(byNumericId)[0];
}

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

/** MediaLive ids are decimal strings: shorter is smaller. */
function byNumericId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** This stage's live groups whose whitelist is exactly `cidrs`, every page, lowest id first. */
async function reusableGroups(medialive: MediaLiveClient, stage: string, cidrs: string[]): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await medialive.send(new ListInputSecurityGroupsCommand({ NextToken: nextToken, MaxResults: 100 }));
    for (const g of page.InputSecurityGroups ?? []) {
      if (g.Id && !GONE.has(g.State ?? '') && hasStageTag(g.Tags, stage) && sameCidrs(g, cidrs)) ids.push(g.Id);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return ids.sort(byNumericId);
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
    packagerTarget: packagerFor(record).medialiveTarget(record, config.stage),
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

export interface DeleteResult { deleted: boolean; state?: string }

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

/** Inputs other than this channel's that use the group: it is shared, and stays. */
function otherInputs(group: { Inputs?: string[] }, record: ChannelRecord): string[] {
  return (group.Inputs ?? []).filter((i) => i !== record.resources.inputId);
}

/** `sharedWith`: how many other inputs use the group (teardown leaves a shared group alone). */
export async function describeInputSecurityGroup(deps: MediaLiveDeps, record: ChannelRecord): Promise<{ exists: boolean; state?: string; sharedWith: number }> {
  const id = record.resources.inputSecurityGroupId;
  if (!id) return { exists: false, sharedWith: 0 };
  const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeInputSecurityGroupCommand({ InputSecurityGroupId: id })));
  if (!found) return { exists: false, sharedWith: 0 };
  return { exists: !GONE.has(found.State ?? ''), ...(found.State ? { state: found.State } : {}), sharedWith: otherInputs(found, record).length };
}

export async function deleteInputSecurityGroup(deps: MediaLiveDeps, record: ChannelRecord): Promise<DeleteResult> {
  const id = record.resources.inputSecurityGroupId;
  if (!id) return { deleted: true };
  const forget = async (): Promise<DeleteResult> => {
    await deps.registry.recordResource(record.channelId, ['inputSecurityGroupId'], undefined);
    return { deleted: true };
  };
  const found = await undefinedIfNotFound(() => deps.medialive.send(new DescribeInputSecurityGroupCommand({ InputSecurityGroupId: id })));
  if (!found || GONE.has(found.State ?? '')) return forget();
  // Shared with another channel's input (ensureInputSecurityGroup reuses groups): this channel no
  // longer holds it; the last channel using it deletes it.
  if (otherInputs(found, record).length > 0) return forget();
  // The group stays IN_USE for a few seconds after its last input is deleted: not deletable yet.
  if (found.State === 'IN_USE' || found.State === 'UPDATING') return { deleted: false, state: found.State };
  try {
    // An input that took the group since the look (a concurrent provision reusing it) answers
    // ConflictException: it propagates and the state machine retries (then finds it shared).
    await deps.medialive.send(new DeleteInputSecurityGroupCommand({ InputSecurityGroupId: id }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  // DeleteInputSecurityGroup is synchronous: a 200 means the group is gone.
  return forget();
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
