/**
 * One Packager interface, two implementations: MediaPackage v2 (default; channel group,
 * CMAF-ingest channel, HLS + DASH/CMAF origin endpoints, OAC) and MediaPackage v1 (channel,
 * HLS/DASH/CMAF endpoints behind CDN authorization with a Secrets Manager secret).
 *
 * API (stable):
 *   packagerFor(record) → Packager   (record.profile.packager.kind picks the implementation)
 *   Packager.ensure(deps, record)          → { kind, endpoints: { hls?, dash?, cmaf?, llhls? } (origin URLs) }
 *   Packager.medialiveTarget(record, stage) → where MediaLive sends (buildChannelRequest builds the output group)
 *   Packager.cdnOrigin(record)             → { domainName, originPath, protection }
 *   Packager.authorizeCdn(deps, record)    → { authorized, endpoints }
 *   Packager.playbackPaths(record)         → { hls?, dash?, cmaf?, llhls? }
 *   Packager.delete(deps, record)          → { deleted, retained? }
 *   ensurePackager / authorizePackagerCdn / deletePackager(deps, record): the same, dispatched on the record.
 *   packagerLayoutFor(record) → the pure half (kind, medialiveTarget, cdnOrigin, playbackPaths),
 *     from layout.ts, which imports no AWS client: what to import when only that is needed.
 */
import type { ChannelRecord } from '../channel/registry';
import { authorizeV1Cdn, mediaPackageV1 } from './v1';
import { authorizeV2Cdn, mediaPackageV2 } from './v2';
import type { Packager, PackagerDeps, PackagerEnsureResult } from './types';

export type {
  Packager, PackagerDeps, PackagerEnsureResult, PackagerKind, PlaybackPaths, CdnOrigin, CdnOriginProtection,
} from './types';
export { CDN_IDENTIFIER_HEADER, CDN_SECRET_KEY, readCdnIdentifier } from './v1';
export { packagerLayoutFor, type PackagerLayout } from './layout';

export function packagerFor(record: Pick<ChannelRecord, 'profile'>): Packager {
  return record.profile.packager.kind === 'mediapackage-v1' ? mediaPackageV1 : mediaPackageV2;
}

export function ensurePackager(deps: PackagerDeps, record: ChannelRecord): Promise<PackagerEnsureResult> {
  return packagerFor(record).ensure(deps, record);
}

/** Each implementation's authorizeCdn, not packagerFor(): the CDN step then bundles only the v2 client's call. */
export function authorizePackagerCdn(deps: PackagerDeps, record: ChannelRecord): Promise<{ authorized: boolean; endpoints: string[] }> {
  return record.profile.packager.kind === 'mediapackage-v1' ? authorizeV1Cdn(deps, record) : authorizeV2Cdn(deps, record);
}

export function deletePackager(deps: PackagerDeps, record: ChannelRecord): Promise<{ deleted: boolean; retained?: string[] }> {
  return packagerFor(record).delete(deps, record);
}
