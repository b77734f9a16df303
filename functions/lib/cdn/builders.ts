/**
 * CloudFront request builders (pure).
 *
 * API (stable):
 *   buildDistributionConfig({ record, stage, origin, originAccessControlId?, cdnIdentifier?, manifestCachePolicyId })
 *       → DistributionConfigWithTags (for CreateDistributionWithTags)
 *   buildOriginAccessControlConfig(record, stage) → OriginAccessControlConfig (v2)
 *   buildManifestCachePolicyConfig(stage)  → CachePolicyConfig: the stage's manifest policy, which serverless.yml
 *       creates (DeliveryManifestCachePolicy; test/unit/template checks it is this one); OnAir never creates it at run time
 *   distributionComment(record, stage), MANIFEST_PATH_PATTERNS, CACHE_KEY_QUERY_STRINGS, MANAGED_CACHE_POLICIES
 *
 * Caching follows the MediaPackage v2 CDN guide: honour the origin's Cache-Control (MediaPackage
 * sends ≈ half a segment for playlists, 1 s for LL-HLS, 14 days for segments), keep only the
 * query strings MediaPackage and LL-HLS act on in the cache key, and cache errors for 1 s so an
 * origin hiccup is neither amplified nor remembered.
 */
import type {
  CachePolicyConfig, CacheBehavior, CustomErrorResponse, DistributionConfigWithTags, OriginAccessControlConfig,
} from '@aws-sdk/client-cloudfront';
import { ValidationError } from '../errors';
import { idempotencyToken } from '../ids';
import { ingestSegmentSeconds } from '../medialive/builders';
import type { CdnOrigin } from '../packager/types';
import type { ChannelRecord } from '../channel/registry';
import { channelTags, tagList } from '../tags';

/** Managed cache policy ids (aws-facts.md). */
export const MANAGED_CACHE_POLICIES = {
  ElementalMediaPackage: '08627262-05a9-4f76-9ded-b50ca2e3a84f',
  CachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  CachingOptimizedForUncompressedObjects: 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d',
  CachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
} as const;

/**
 * Query strings MediaPackage (manifest filtering/settings) and LL-HLS act on: the MediaPackage v2 CDN
 * guide (userguide/cdn-recommendations.html) lists the first four; `_HLS_skip` (playlist delta
 * updates, Apple's LL-HLS spec, RFC 8216bis §6.2.5.1) is forwarded by AWS's reference architecture
 * (aws-cdk-mediaservices-refarch LEF) too: without it a delta playlist would be served from the
 * cache to a player that asked for the full one, and the reverse. Also the stage's manifest cache
 * policy in serverless.yml (test/unit/template checks they agree).
 */
export const CACHE_KEY_QUERY_STRINGS = ['aws.manifestfilter', 'aws.manifestsettings', '_HLS_msn', '_HLS_part', '_HLS_skip'] as const;
export const MANIFEST_PATH_PATTERNS = ['*.m3u8', '*.mpd'] as const;

/**
 * Origin timeouts for a live MediaPackage origin, from the segment length MediaLive sends, as AWS's
 * Live Event Framework derives them (aws-samples/aws-cdk-mediaservices-refarch
 * LEF/lib/event_group/cloudfront.ts): "Connection Timeout <= Segment Length" (half, rounded up),
 * "Segment length / 2 <= Read Timeout <= Segment Length", "Keep-alive Timeout > Segment Length", 2
 * connection attempts. A live request not answered within a segment is better retried than held:
 * the next segment is already due. Kept inside CloudFront's ranges (ConnectionTimeout 1–10 s, read
 * and keep-alive 1–60 s: CloudFront DG "Origin settings").
 */
export function liveOriginTimeouts(segmentSeconds: number): { ConnectionAttempts: number; ConnectionTimeout: number; OriginReadTimeout: number; OriginKeepaliveTimeout: number } {
  const half = Math.max(1, Math.ceil(segmentSeconds / 2));
  return {
    ConnectionAttempts: 2,
    ConnectionTimeout: Math.min(10, half),
    OriginReadTimeout: Math.min(60, half),
    OriginKeepaliveTimeout: Math.min(60, segmentSeconds + 1),
  };
}
export const ORIGIN_ID = 'mediapackage';
/** Statuses whose errors are cached only briefly. */
const ERROR_CODES = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];

type Rec = Pick<ChannelRecord, 'channelId' | 'generation' | 'profileName' | 'profile'>;

export function distributionComment(record: Pick<ChannelRecord, 'channelId'>, stage: string): string {
  return `OnAir ${stage} channel ${record.channelId}`.slice(0, 128);
}

/**
 * `-live-manifests`: stages deployed before shared delivery had a Lambda create `onair-<stage>-manifests`
 * (still used by their dedicated distributions); a stack resource of that name would fail to create.
 */
export function manifestCachePolicyName(stage: string): string {
  return `onair-${stage}-live-manifests`;
}

/**
 * Manifests: the managed Elemental-MediaPackage policy also keys on `start`, `end` and `m`, which
 * OnAir never uses, so manifests get this custom policy with exactly the four query strings.
 * MinTTL 0 / DefaultTTL 1 / MaxTTL 1 day: MediaPackage's own max-age always wins.
 * One policy per stage, shared by every channel: CloudFront allows only 20 custom cache
 * policies per account, so one per channel would cap OnAir at 20 channels.
 */
export function buildManifestCachePolicyConfig(stage: string): CachePolicyConfig {
  return {
    Name: manifestCachePolicyName(stage),
    Comment: 'OnAir live manifests: origin max-age, MediaPackage and LL-HLS query strings only',
    MinTTL: 0,
    DefaultTTL: 1,
    MaxTTL: 86_400,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: {
        QueryStringBehavior: 'whitelist',
        QueryStrings: { Quantity: CACHE_KEY_QUERY_STRINGS.length, Items: [...CACHE_KEY_QUERY_STRINGS] },
      },
    },
  };
}

/**
 * OACs carry no tags, so the stage is in the name (unique per account): the same channel id in
 * two stages of one account must never share, or delete, each other's OAC.
 */
export function originAccessControlName(record: Pick<ChannelRecord, 'channelId'>, stage: string): string {
  return `onair-${stage}-${record.channelId}-oac`.slice(0, 64);
}

export function buildOriginAccessControlConfig(record: Pick<ChannelRecord, 'channelId'>, stage: string): OriginAccessControlConfig {
  return {
    Name: originAccessControlName(record, stage),
    Description: `OnAir channel ${record.channelId}: CloudFront → MediaPackage v2`,
    SigningProtocol: 'sigv4',
    SigningBehavior: 'always',
    OriginAccessControlOriginType: 'mediapackagev2',
  };
}

export interface DistributionArgs {
  record: Rec;
  stage: string;
  origin: CdnOrigin;
  /** v2 (origin.protection.kind 'oac'). */
  originAccessControlId?: string;
  /** v1 (origin.protection.kind 'cdn-identifier-header'): the secret's value. Never log it. */
  cdnIdentifier?: string;
  manifestCachePolicyId: string;
}

const GET_HEAD = { Quantity: 2, Items: ['GET', 'HEAD'] as ('GET' | 'HEAD')[], CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] as ('GET' | 'HEAD')[] } };

export function buildDistributionConfig(args: DistributionArgs): DistributionConfigWithTags {
  const { record, stage, origin } = args;
  const protection = origin.protection;
  if (protection.kind === 'oac' && !args.originAccessControlId) {
    throw new ValidationError('A MediaPackage v2 origin needs its Origin Access Control', [{ field: 'resources.originAccessControlId', message: 'missing' }]);
  }
  if (protection.kind === 'cdn-identifier-header' && !args.cdnIdentifier) {
    throw new ValidationError('A MediaPackage v1 origin needs its CDN identifier', [{ field: 'resources.packager.cdnSecretArn', message: 'secret value missing' }]);
  }
  const headers = protection.kind === 'cdn-identifier-header'
    ? { Quantity: 1, Items: [{ HeaderName: protection.headerName, HeaderValue: args.cdnIdentifier as string }] }
    : { Quantity: 0, Items: [] };
  const manifestBehaviors: CacheBehavior[] = MANIFEST_PATH_PATTERNS.map((PathPattern) => ({
    PathPattern,
    TargetOriginId: ORIGIN_ID,
    ViewerProtocolPolicy: 'redirect-to-https',
    AllowedMethods: GET_HEAD,
    Compress: true,
    CachePolicyId: args.manifestCachePolicyId,
    SmoothStreaming: false,
  }));
  const errorResponses: CustomErrorResponse[] = ERROR_CODES.map((ErrorCode) => ({ ErrorCode, ErrorCachingMinTTL: 1 }));
  const { OriginReadTimeout, OriginKeepaliveTimeout, ...connection } = liveOriginTimeouts(ingestSegmentSeconds(record.profile));
  return {
    DistributionConfig: {
      CallerReference: idempotencyToken(record.channelId, record.generation, 'cdn'),
      Comment: distributionComment(record, stage),
      Enabled: true,
      PriceClass: record.profile.cdn.priceClass,
      HttpVersion: 'http2and3',
      IsIPV6Enabled: true,
      Origins: {
        Quantity: 1,
        Items: [{
          Id: ORIGIN_ID,
          DomainName: origin.domainName,
          OriginPath: origin.originPath,
          CustomHeaders: headers,
          ...(protection.kind === 'oac' ? { OriginAccessControlId: args.originAccessControlId } : {}),
          ...connection,
          CustomOriginConfig: {
            HTTPPort: 80,
            HTTPSPort: 443,
            OriginProtocolPolicy: 'https-only',
            OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] },
            OriginReadTimeout,
            OriginKeepaliveTimeout,
          },
        }],
      },
      // Everything that is not a manifest is a segment (TS, fMP4, init): immutable, long-lived,
      // already compressed, no query string in the key.
      DefaultCacheBehavior: {
        TargetOriginId: ORIGIN_ID,
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: GET_HEAD,
        Compress: false,
        CachePolicyId: MANAGED_CACHE_POLICIES.CachingOptimizedForUncompressedObjects,
        SmoothStreaming: false,
      },
      CacheBehaviors: { Quantity: manifestBehaviors.length, Items: manifestBehaviors },
      CustomErrorResponses: { Quantity: errorResponses.length, Items: errorResponses },
      Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
      // The default *.cloudfront.net certificate: its minimum TLS version cannot be raised; a
      // custom alias + ACM certificate can (not configured by OnAir yet).
      ViewerCertificate: { CloudFrontDefaultCertificate: true },
    },
    Tags: { Items: tagList(channelTags(record, stage)) },
  };
}
