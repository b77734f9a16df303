/**
 * The Packager contract shared by the MediaPackage v2 and v1 implementations (see index.ts).
 */
import type { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import type { MediaPackageV2Client } from '@aws-sdk/client-mediapackagev2';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../config';
import type { ChannelRecord, ChannelRegistry } from '../channel/registry';

export type PackagerKind = 'mediapackage-v2' | 'mediapackage-v1';

/**
 * Where MediaLive sends the channel's output: a MediaPackage v2 channel (CMAF ingest) or a v1
 * channel (HLS). The MediaLive builder turns it into the output group (buildChannelRequest).
 */
export type MediaPackageTarget =
  | { kind: 'mediapackage-v2'; channelGroup: string; channelName: string }
  | { kind: 'mediapackage-v1'; channelId: string };

export interface PackagerDeps {
  /** Needed for mediapackage-v2 records. */
  mediapackagev2?: MediaPackageV2Client;
  /** Needed for mediapackage-v1 records. */
  mediapackage?: MediaPackageClient;
  /** Needed for mediapackage-v1 records (CDN-identifier secret). */
  secretsmanager?: SecretsManagerClient;
  registry: Pick<ChannelRegistry, 'recordResource' | 'update'>;
  /** Read lazily: v2 needs medialiveRoleArn (channel policy), v1 mediapackageSecretsRoleArn. */
  config: Pick<Config, 'stage' | 'medialiveRoleArn' | 'mediapackageSecretsRoleArn' | 'deliveryDistributionArn'>;
}

export interface PlaybackPaths {
  /** HLS (TS on v2, TS on v1) multivariant playlist path, e.g. `/out/v1/<group>/<channel>/<endpoint>/index.m3u8`. */
  hls?: string;
  /** DASH MPD path. */
  dash?: string;
  /** HLS with fMP4/CMAF segments. */
  cmaf?: string;
  /** Low-latency HLS (v2 only). */
  llhls?: string;
}

export interface PackagerEnsureResult {
  kind: PackagerKind;
  /** Endpoint manifest URLs on the MediaPackage origin, by format key (hls, dash, cmaf, llhls). */
  endpoints: Record<string, string>;
}

/** How CloudFront must reach and authenticate to the origin. */
export type CdnOriginProtection =
  /** v2: CloudFront Origin Access Control (SigV4-signed origin requests), plus authorizeCdn(). */
  | { kind: 'oac' }
  /**
   * v1: CloudFront sends this header; its value is the secret's `MediaPackageCDNIdentifier`,
   * read when the distribution is created and never logged or stored in the registry.
   */
  | { kind: 'cdn-identifier-header'; headerName: 'X-MediaPackage-CDNIdentifier'; secretArn: string };

export interface CdnOrigin {
  /** Origin host, e.g. `abc123.egress.xyz.mediapackagev2.us-east-1.amazonaws.com`. */
  domainName: string;
  /** Always '' today: playback paths are the endpoint URL paths in full. */
  originPath: string;
  protection: CdnOriginProtection;
}

export interface Packager {
  readonly kind: PackagerKind;
  /** Creates (or finds) everything up to the origin endpoints; every name/ARN recorded as it appears. */
  ensure(deps: PackagerDeps, record: ChannelRecord): Promise<PackagerEnsureResult>;
  /** What MediaLive must send to (pure): the MediaLive builder makes the output group of it. */
  medialiveTarget(record: ChannelRecord, stage: string): MediaPackageTarget;
  /** Where CloudFront points (pure; needs ensure() to have recorded the endpoints). */
  cdnOrigin(record: ChannelRecord): CdnOrigin;
  /** Lets the distribution read the origin (v2: origin endpoint policies; v1: nothing to do). */
  authorizeCdn(deps: PackagerDeps, record: ChannelRecord): Promise<{ authorized: boolean; endpoints: string[] }>;
  /** Manifest paths to append to the CDN base URL (pure). */
  playbackPaths(record: ChannelRecord): PlaybackPaths;
  /**
   * Deletes endpoints → channel → (v2 group OnAir created, once empty / v1 secret); NotFound = done;
   * each id cleared in the registry as it goes, so a rerun is a no-op. `retained` names what was
   * deliberately kept (a non-empty v2 group).
   */
  delete(deps: PackagerDeps, record: ChannelRecord): Promise<{ deleted: boolean; retained?: string[] }>;
}
