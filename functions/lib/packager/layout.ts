/**
 * The pure half of each Packager (see index.ts): resource names, where MediaLive sends
 * (medialiveTarget), where CloudFront points (cdnOrigin) and the playback paths — computed from the
 * record alone, no AWS call. Kept apart from v1.ts / v2.ts so that a function needing only these
 * (createChannel builds MediaLive's output group from medialiveTarget; the CDN step reads cdnOrigin)
 * bundles no MediaPackage or Secrets Manager client: packagerFor() returns objects that carry the
 * calls as well, and a bundler keeps a whole object (measured: docs/BENCHMARKS.md, cold start).
 */
import { PackagerNotReadyError } from '../errors';
import { isSharedDelivery, stageChannelGroupName } from '../delivery';
import { resourceName } from '../ids';
import type { ChannelRecord, PackagerV1Resources } from '../channel/registry';
import { originDomainOf, playbackPathsOf } from './common';
import type { CdnOrigin, MediaPackageTarget, Packager } from './types';

/** What every Packager computes without calling AWS. */
export type PackagerLayout = Pick<Packager, 'kind' | 'medialiveTarget' | 'cdnOrigin' | 'playbackPaths'>;

export const CDN_IDENTIFIER_HEADER = 'X-MediaPackage-CDNIdentifier' as const;

export function v1ChannelIdFor(record: Pick<ChannelRecord, 'channelId'>): string {
  return resourceName(record.channelId);
}

export function channelGroupNameFor(record: Pick<ChannelRecord, 'channelId' | 'profile'>, stage: string): string {
  if (isSharedDelivery(record.profile)) return stageChannelGroupName(stage);
  return record.profile.packager.channelGroup ?? resourceName(record.channelId);
}

/** The generation in the name keeps each re-creation's paths apart (lib/delivery.ts). */
export function v2ChannelNameFor(record: Pick<ChannelRecord, 'channelId' | 'generation'>): string {
  return resourceName(record.channelId, record.generation);
}

// Each method a named function, the layouts and the Packagers (v1.ts, v2.ts) built of the same
// functions: an object built by spreading another is not provably free of side effects (a spread
// may run getters), so esbuild would keep both Packagers, and their clients, in every bundle.

export function v1MedialiveTarget(record: ChannelRecord, _stage: string): MediaPackageTarget {
  return { kind: 'mediapackage-v1', channelId: v1ChannelIdFor(record) };
}

export function v1CdnOrigin(record: ChannelRecord): CdnOrigin {
  const secretArn = (record.resources.packager as PackagerV1Resources).cdnSecretArn;
  if (!secretArn) throw new PackagerNotReadyError(`Channel ${record.channelId} has no CDN-identifier secret recorded yet`);
  return {
    domainName: originDomainOf(record),
    originPath: '',
    protection: { kind: 'cdn-identifier-header', headerName: CDN_IDENTIFIER_HEADER, secretArn },
  };
}

export function v2MedialiveTarget(record: ChannelRecord, stage: string): MediaPackageTarget {
  return { kind: 'mediapackage-v2', channelGroup: channelGroupNameFor(record, stage), channelName: v2ChannelNameFor(record) };
}

export function v2CdnOrigin(record: ChannelRecord): CdnOrigin {
  return { domainName: originDomainOf(record), originPath: '', protection: { kind: 'oac' } };
}

export const mediaPackageV1Layout: PackagerLayout = {
  kind: 'mediapackage-v1', medialiveTarget: v1MedialiveTarget, cdnOrigin: v1CdnOrigin, playbackPaths: playbackPathsOf,
};

export const mediaPackageV2Layout: PackagerLayout = {
  kind: 'mediapackage-v2', medialiveTarget: v2MedialiveTarget, cdnOrigin: v2CdnOrigin, playbackPaths: playbackPathsOf,
};

/** The layout of the record's packager (record.profile.packager.kind), as packagerFor() picks the Packager. */
export function packagerLayoutFor(record: Pick<ChannelRecord, 'profile'>): PackagerLayout {
  return record.profile.packager.kind === 'mediapackage-v1' ? mediaPackageV1Layout : mediaPackageV2Layout;
}
