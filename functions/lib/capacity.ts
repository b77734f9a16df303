/**
 * Capacity: does one more channel fit the account's quotas (lib/quotas.ts, values in force from
 * config.accountQuotas)? Checked by POST /channels before anything is written or created, and again
 * by the provision workflow's Validate step (planned broadcasts reach AWS only at their lead time).
 *
 * Counted from the registry, per stage: every channel that is not DELETED holds (or will hold)
 * a MediaLive channel, a push input when its input is a push type, an input security group per
 * distinct CIDR set (groups are reused, medialive/operations.ts), and a MediaPackage v2 channel in
 * its channel group. A FAILED channel with nothing left on AWS holds nothing. What other stages or
 * other software use in the same account is not known here: the quotas are the account's, so a
 * stage sharing an account should be given its share in `custom.accountQuotas`.
 */
import { isPushInput } from './medialive/builders';
import { remainingResources } from './notify';
import { channelGroupNameFor } from './packager/v2';
import { stageChannelGroupName } from './delivery';
import { ACCOUNT_QUOTAS, type QuotaId, type QuotaValues } from '../../lib/aws-quotas';
import { everyChannel, type ChannelRecord, type ChannelRegistry } from './channel/registry';
import { CapacityExceededError } from './errors';

type Candidate = Pick<ChannelRecord, 'channelId' | 'profile'>;

/** Whether a record holds (or will hold) capacity. */
export function holdsCapacity(r: ChannelRecord): boolean {
  if (r.status === 'DELETED') return false;
  if (r.status === 'FAILED' && remainingResources(r.resources).length === 0) return false;
  return true;
}

const cidrKey = (cidrs: readonly string[]): string => [...cidrs].sort().join(',');

/** The first quota the candidate would exceed next to `others` (the live channels), if any. */
export function quotaExceeded(others: ChannelRecord[], candidate: Candidate, stage: string, values: QuotaValues): CapacityExceededError | undefined {
  const live = others.filter((r) => r.channelId !== candidate.channelId && holdsCapacity(r));
  const over = (id: QuotaId, used: number) => (used + 1 > values[id] ? new CapacityExceededError(candidate.channelId, id, ACCOUNT_QUOTAS[id], values[id], used) : undefined);

  const found = over('medialive.channels', live.length);
  if (found) return found;
  if (isPushInput(candidate.profile)) {
    const push = live.filter((r) => isPushInput(r.profile));
    const pushOver = over('medialive.pushInputs', push.length);
    if (pushOver) return pushOver;
    const groups = new Set(push.map((r) => cidrKey(r.profile.input.allowedCidrs)));
    if (!groups.has(cidrKey(candidate.profile.input.allowedCidrs))) {
      const sgOver = over('medialive.inputSecurityGroups', groups.size);
      if (sgOver) return sgOver;
    }
  }
  if (candidate.profile.packager.kind === 'mediapackage-v2') {
    const v2 = live.filter((r) => r.profile.packager.kind === 'mediapackage-v2');
    const group = channelGroupNameFor(candidate, stage);
    const inGroup = over('mediapackagev2.channelsPerGroup', v2.filter((r) => channelGroupNameFor(r, stage) === group).length);
    if (inGroup) return inGroup;
    // The stage's own group always exists (serverless.yml Delivery* resources).
    const groups = new Set([stageChannelGroupName(stage), ...v2.map((r) => channelGroupNameFor(r, stage))]);
    if (!groups.has(group)) {
      const groupsOver = over('mediapackagev2.channelGroups', groups.size);
      if (groupsOver) return groupsOver;
    }
  }
  return undefined;
}

/**
 * Throws CapacityExceededError when the candidate does not fit. `before` (the Validate step): count
 * only channels recorded before the candidate, so of two requests racing for the last place the
 * later one is refused, not both.
 */
export async function checkCapacity(
  deps: { registry: Pick<ChannelRegistry, 'list'> },
  candidate: Candidate & { createdAt?: string },
  stage: string,
  values: QuotaValues,
  options: { onlyOlder?: boolean } = {},
): Promise<void> {
  let others = await everyChannel(deps.registry);
  if (options.onlyOlder && candidate.createdAt) {
    const mine = candidate.createdAt;
    others = others.filter((r) => r.createdAt < mine || (r.createdAt === mine && r.channelId < candidate.channelId));
  }
  const exceeded = quotaExceeded(others, candidate, stage, values);
  if (exceeded) throw exceeded;
}
