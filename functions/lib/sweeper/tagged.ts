/**
 * What the sweeper's listers find and hand to its decider (functions/lib/sweeper/index.ts): the
 * OnAir-tagged resources of one stage, each with where the registry would record it, and the
 * reduction of a lister's list to what the decider needs.
 *
 * Why reduce: the `sweep` state machine (statemachines/sweep.asl.yml) passes every lister's result
 * to the decider as state data, and Step Functions caps a task's or state's input and output at
 * 256 KiB (Step Functions DG, "Step Functions service quotas", quotas related to state throttling /
 * "Maximum input or output size for a task, state, or execution",
 * https://docs.aws.amazon.com/step-functions/latest/dg/limits-overview.html). A healthy stage of
 * 100 channels × ~20 tagged resources is ~2,000 entries (~500 KB of JSON): over it. The decider
 * only acts on a tagged resource that (a) its channel does not record yet (adopted before teardown)
 * or (b) belongs to a channel that is missing, DELETED or FAILED (an orphan's or an abandoned
 * channel's) — so each lister reads the registry itself and returns only those (`forDecider`),
 * whole channels at a time, within LISTER_RESULT_BYTES. Past that it returns `truncated: true`
 * (reported in the summary and the log): the channels it left out are still there at the next
 * sweep, 15 minutes later, and the ones swept now are gone from its list by then.
 */
import type { ChannelRecord, Resources } from '../channel/registry';
import { TAG_CHANNEL, TAG_PROFILE, TAG_STAGE } from '../config';

export interface TaggedResource {
  channelId: string;
  profile?: string;
  service: 'medialive' | 'mediapackagev2' | 'mediapackage' | 'cloudfront' | 'cloudwatch' | 'secretsmanager';
  type: string;
  id: string;
  arn?: string;
  /** Where the registry keeps it (resources path), and the value to record. */
  path: string[];
  value: unknown;
  region?: string;
}

/** What each lister needs to know of the stage. */
export interface ListerConfig { stage: string; region: string }

/** One lister's result, as the state machine passes it to the decider. */
export interface ListedResources {
  /** Which lister (sweepMediaLive, …): named in the summary when it truncated or failed. */
  lister: string;
  /** Only what the decider needs (forDecider). */
  tagged: TaggedResource[];
  /** Every tagged resource the lister found, before the reduction. */
  found: number;
  /** Channels were left out to stay within LISTER_RESULT_BYTES: the next sweep takes them. */
  truncated: boolean;
}

/**
 * Bytes of JSON one lister may return. Four listers run in the Parallel state, whose output (an
 * array of the four) is the decider's input: 4 × 50,000 B plus the execution input stays under
 * Step Functions' 256 KiB (262,144 B) with room to spare. About 200–300 entries per lister.
 */
export const LISTER_RESULT_BYTES = 50_000;

export function tagMap(tags: Record<string, string | undefined> | { Key?: string; Value?: string }[] | undefined): Record<string, string | undefined> {
  if (!tags) return {};
  return Array.isArray(tags) ? Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value])) : tags;
}

/** The channel (and profile) a resource's tags name, when they are this stage's OnAir tags. */
export function ownerIn(stage: string): (tags: Record<string, string | undefined>) => { channelId: string; profile?: string } | undefined {
  return (tags) => {
    const channelId = tags[TAG_CHANNEL];
    return tags[TAG_STAGE] === stage && channelId ? { channelId, ...(tags[TAG_PROFILE] ? { profile: tags[TAG_PROFILE] } : {}) } : undefined;
  };
}

/**
 * Input security groups are shared by CIDR set (medialive/operations.ts): a group tagged with the
 * channel that created it belongs to every live channel that recorded it, so it is nobody's orphan
 * while any of them does — even after its creator was deleted.
 */
export function withoutSharedGroups(tagged: TaggedResource[], records: ChannelRecord[]): TaggedResource[] {
  const holders = new Map<string, string[]>();
  for (const r of records) {
    const id = r.resources.inputSecurityGroupId;
    if (id && r.status !== 'DELETED') holders.set(id, [...(holders.get(id) ?? []), r.channelId]);
  }
  return tagged.filter((t) => t.type !== 'inputSecurityGroup' || !(holders.get(t.id) ?? []).some((c) => c !== t.channelId));
}

/** Ids (and names) the registry already holds for a channel. */
export function recordedValues(r: Resources): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => { if (typeof v === 'string' && v) out.add(v); };
  add(r.medialiveChannelId); add(r.inputId); add(r.slateInputId); add(r.inputSecurityGroupId); add(r.distributionId); add(r.originAccessControlId);
  const p = r.packager;
  if (p.kind === 'mediapackage-v2') { if (p.channelGroupCreated) add(p.channelGroupName); add(p.channelName); } else { add(p.channelId); add(p.cdnSecretArn); }
  for (const e of Object.values(p.originEndpoints ?? {})) add(e?.name);
  for (const names of Object.values(r.alarms ?? {})) names.forEach(add);
  return out;
}

/** The value the registry would hold for a tagged resource (an endpoint's by its name). */
export function recordedAs(t: TaggedResource): string {
  return typeof t.value === 'string' ? t.value : (t.value as { name: string }).name;
}

/**
 * A lister's list reduced to what the decider acts on (see the top of this file): the resources of
 * channels that are missing, DELETED or FAILED, and any other channel's resources it does not record
 * yet. Whole channels, in channel-id order, while the JSON stays within `maxBytes`.
 */
export function forDecider(lister: string, found: TaggedResource[], records: ChannelRecord[], maxBytes = LISTER_RESULT_BYTES): ListedResources {
  const byId = new Map(records.map((r) => [r.channelId, r]));
  const held = new Map<string, Set<string>>();
  const needed = withoutSharedGroups(found, records).filter((t) => {
    const record = byId.get(t.channelId);
    if (!record || record.status === 'DELETED' || record.status === 'FAILED') return true;
    let values = held.get(t.channelId);
    if (!values) held.set(t.channelId, (values = recordedValues(record.resources)));
    return !values.has(recordedAs(t));
  });
  const byChannel = new Map<string, TaggedResource[]>();
  for (const t of needed) byChannel.set(t.channelId, [...(byChannel.get(t.channelId) ?? []), t]);
  const tagged: TaggedResource[] = [];
  let bytes = 0;
  let truncated = false;
  for (const channelId of [...byChannel.keys()].sort()) {
    const mine = byChannel.get(channelId)!;
    const size = mine.reduce((n, t) => n + Buffer.byteLength(JSON.stringify(t)) + 1, 0);
    if (bytes + size > maxBytes) { truncated = true; break; }
    tagged.push(...mine);
    bytes += size;
  }
  return { lister, tagged, found: found.length, truncated };
}
