/**
 * Input security groups (MediaLive's ingest allow-lists): found again or reused before created, one
 * per CIDR set per stage, and deleted by the last channel that uses one. MediaLive allows 5 per
 * Region by default (lib/aws-quotas.ts), and its API's 5 TPS is shared by the whole account.
 */
import {
  CreateInputSecurityGroupCommand, DeleteInputSecurityGroupCommand, DescribeInputSecurityGroupCommand,
  ListInputSecurityGroupsCommand, type MediaLiveClient, type InputSecurityGroup,
} from '@aws-sdk/client-medialive';
import { isNotFound, ResourceFailedError, undefinedIfNotFound } from '../errors';
import { everyChannel, type ChannelRecord, type ChannelRegistry } from '../channel/registry';
import { hasStageTag } from '../tags';
import { buildInputSecurityGroupRequest, isPushInput } from './builders';
import type { CreationClaims } from '../admission';
import { GONE, type DeleteResult, type MediaLiveDeps } from './deps';

function sameCidrs(group: InputSecurityGroup, cidrs: string[]): boolean {
  const have = (group.WhitelistRules ?? []).map((r) => r.Cidr).sort();
  const want = [...cidrs].sort();
  return have.length === want.length && have.every((c, i) => c === want[i]);
}

type Found = { inputSecurityGroupId: string | null };

/**
 * The channel's group: the one it records, else one another live channel with the same CIDRs
 * records, else one found or created with MediaLive (lookOrCreate). `skipRegistry`: the registry's
 * group just proved gone (ensureInput's CreateInput was refused for it).
 */
export async function ensureInputSecurityGroup(deps: MediaLiveDeps, record: ChannelRecord, options: { skipRegistry?: boolean } = {}): Promise<Found> {
  return (await findInputSecurityGroup(deps, record, options)) ?? lookOrCreate(deps, record);
}

/**
 * The same for provisioning's createInputSecurityGroup step, where provisions that start together
 * all miss the registry at once: one of them (the claim's holder, functions/lib/admission.ts
 * CreationClaims) looks and creates, the others wait for what it settles on instead of each
 * listing and creating (bench scale, 100 channels at once without claims: 25 groups created, 110
 * lists). With no claims (or none answered) each looks for itself, as ensureInputSecurityGroup.
 */
export async function ensureSharedInputSecurityGroup(deps: MediaLiveDeps & { claims: Pick<CreationClaims, 'claim' | 'settle'> | undefined }, record: ChannelRecord): Promise<Found> {
  const found = await findInputSecurityGroup(deps, record);
  if (found) return found;
  const { claims, registry, config } = deps;
  if (!claims) return lookOrCreate(deps, record);
  const key = `inputSecurityGroup#${config.stage}#${cidrSetKey(record.profile.input.allowedCidrs)}`;
  const claim = await claims.claim(key, record.channelId);
  if (!claim.mine && claim.id) {
    await registry.recordResource(record.channelId, ['inputSecurityGroupId'], claim.id);
    return { inputSecurityGroupId: claim.id };
  }
  const made = await lookOrCreate(deps, record);
  if (claim.mine && made.inputSecurityGroupId) await claims.settle(key, record.channelId, made.inputSecurityGroupId);
  return made;
}

/** The recorded group, or (unless `skipRegistry`) another live channel's; undefined when neither. */
async function findInputSecurityGroup(deps: MediaLiveDeps, record: ChannelRecord, options: { skipRegistry?: boolean } = {}): Promise<Found | undefined> {
  if (!isPushInput(record.profile)) return { inputSecurityGroupId: null };
  const { medialive, registry } = deps;
  const recorded = record.resources.inputSecurityGroupId;
  if (recorded) {
    const found = await undefinedIfNotFound(() => medialive.send(new DescribeInputSecurityGroupCommand({ InputSecurityGroupId: recorded })));
    if (found && !GONE.has(found.State ?? '')) return { inputSecurityGroupId: recorded };
  }
  // One group serves any number of inputs (MediaLive UG "Working with input security groups":
  // "You can attach the same input security group to any number of inputs"), and an account has
  // 5 per Region by default (lib/quotas.ts): a group of this stage with exactly the same CIDRs is
  // reused, whichever channel created it.
  // First the registry: another channel of this stage with exactly these CIDRs that holds a group.
  // DynamoDB answers it without spending MediaLive's account-wide 5 TPS, which a ListInputSecurityGroups
  // per channel did (bench scale: 100 of 400 calls). A group deleted meanwhile by its last channel's
  // teardown is caught by CreateInput (ensureInput), which comes back here past the registry.
  const known = options.skipRegistry ? undefined : await groupInRegistry(registry, record, record.profile.input.allowedCidrs);
  if (!known) return undefined;
  await registry.recordResource(record.channelId, ['inputSecurityGroupId'], known);
  return { inputSecurityGroupId: known };
}

/**
 * MediaLive's own answer: this stage's group with these CIDRs, else a new one. Listing also finds
 * again a create whose registry write was lost (CreateInputSecurityGroup takes no name and no
 * idempotency token).
 */
async function lookOrCreate(deps: MediaLiveDeps, record: ChannelRecord): Promise<{ inputSecurityGroupId: string }> {
  const { medialive, registry, config } = deps;
  const stage = config.stage;
  const cidrs = record.profile.input.allowedCidrs;
  const reusable = await reusableGroups(medialive, stage, cidrs);
  if (reusable[0]) {
    await registry.recordResource(record.channelId, ['inputSecurityGroupId'], reusable[0]);
    return { inputSecurityGroupId: reusable[0] };
  }
  const created = await medialive.send(new CreateInputSecurityGroupCommand(buildInputSecurityGroupRequest(record, stage)));
  const id = created.SecurityGroup?.Id;
  if (!id) throw new ResourceFailedError('CreateInputSecurityGroup returned no id');
  // Recorded before settling: if the look or the delete below fails (throttled, timed out), the
  // step's retry finds this group on the record and keeps it, rather than creating another and
  // leaving this one behind unrecorded (bench scale once left 16 such groups).
  await registry.recordResource(record.channelId, ['inputSecurityGroupId'], id);
  // Provisions that start together each find no group and each create one, against a default of 5
  // per Region. Settle on one: the lowest id of the matching groups wins, and a loser deletes its own
  // (no input uses it yet) to take the winner's. Two that create without seeing each other can still
  // both keep theirs: that leaves two groups, never one per channel.
  const winner = [id, ...(await reusableGroups(medialive, stage, cidrs))].sort(byNumericId)[0] as string;
  if (winner === id) return { inputSecurityGroupId: id };
  await undefinedIfNotFound(() => medialive.send(new DeleteInputSecurityGroupCommand({ InputSecurityGroupId: id })));
  await registry.recordResource(record.channelId, ['inputSecurityGroupId'], winner);
  return { inputSecurityGroupId: winner };
}

/** The group another live channel with exactly `cidrs` records (lowest id), if any. */
async function groupInRegistry(registry: Pick<ChannelRegistry, 'list'>, record: ChannelRecord, cidrs: string[]): Promise<string | undefined> {
  const key = cidrSetKey(cidrs);
  const ids = (await everyChannel(registry))
    .filter((r) => r.channelId !== record.channelId && r.status !== 'DELETED' && r.resources.inputSecurityGroupId)
    .filter((r) => cidrSetKey(r.profile.input.allowedCidrs ?? []) === key)
    .map((r) => r.resources.inputSecurityGroupId as string);
  return ids.sort(byNumericId)[0];
}

/** One CIDR set, whatever order a profile lists it in: what makes two channels' groups interchangeable. */
function cidrSetKey(cidrs: readonly string[]): string {
  return [...cidrs].sort().join(',');
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
