/**
 * Ownership tags put on every resource OnAir creates, so a channel's resources can always be
 * found again (orphan sweeper, a retried create that lost its registry write).
 *
 * API (stable):
 *   channelTags(record, stage) → { 'onair:channel', 'onair:profile', 'onair:stage' }
 *   tagList(tags)              → [{ Key, Value }]   (CloudFront, CloudWatch, Secrets Manager shape)
 *   hasChannelTags(tags, record, stage) → boolean  (tags as a map or a Key/Value list)
 *   hasStageTag(tags, stage)            → boolean  (any OnAir resource of the stage, e.g. a shared input security group)
 */
import { TAG_CHANNEL, TAG_PROFILE, TAG_STAGE } from './config';
import type { ChannelRecord } from './channel/registry';

export type TagMap = Record<string, string>;

export function channelTags(record: Pick<ChannelRecord, 'channelId' | 'profileName'>, stage: string): TagMap {
  return { [TAG_CHANNEL]: record.channelId, [TAG_PROFILE]: record.profileName, [TAG_STAGE]: stage };
}

export function tagList(tags: TagMap): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** True when a resource's tags say it belongs to this channel in this stage. */
export function hasChannelTags(
  tags: Record<string, string | undefined> | { Key?: string; Value?: string }[] | undefined,
  record: Pick<ChannelRecord, 'channelId'>,
  stage: string,
): boolean {
  if (!tags) return false;
  const map: Record<string, string | undefined> = Array.isArray(tags)
    ? Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value]))
    : tags;
  return map[TAG_CHANNEL] === record.channelId && map[TAG_STAGE] === stage;
}

/** True when a resource belongs to this stage, whichever channel created it (shared resources keep their creator's tag). */
export function hasStageTag(tags: Record<string, string | undefined> | undefined, stage: string): boolean {
  return tags?.[TAG_STAGE] === stage;
}
