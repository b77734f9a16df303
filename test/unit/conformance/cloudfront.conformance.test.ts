/**
 * Conformance: the CloudFront requests OnAir builds — a dedicated distribution (MediaPackage v2 with OAC,
 * MediaPackage v1 with the CDN-identifier header), its origin access control, the manifest cache policy —
 * and the stage's shared delivery in serverless.yml (channel group, OAC, cache policy, distribution;
 * lib/delivery.ts), against CloudFront's and MediaPackage's guides and AWS's Live Event Framework.
 * Sources beside each expectation; see README.md.
 */
import type { CacheBehavior, CachePolicyConfig, DistributionConfig, OriginAccessControlConfig } from '@aws-sdk/client-cloudfront';
import {
  buildDistributionConfig, buildManifestCachePolicyConfig, buildOriginAccessControlConfig, MANAGED_CACHE_POLICIES,
} from '../../../functions/lib/cdn/builders';
import { stageChannelGroupName } from '../../../functions/lib/delivery';
import { resolveProfile } from '../../../functions/lib/profile';
import { ingestSegmentSeconds } from '../../../functions/lib/medialive/builders';
import type { CdnOrigin } from '../../../functions/lib/packager/types';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { DEDICATED, makeRecord, STAGE } from '../resources/helpers/fixtures';
import { intrinsic, resolved } from './stack';

const DG = 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide';
/** Sources cited beside the expectations below (listed in README.md). */
export const SRC = {
  oac: `${DG}/private-content-restricting-access-to-mediapackage.html`,
  managedPolicies: `${DG}/using-managed-cache-policies.html`,
  quotas: `${DG}/cloudfront-limits.html`,
  pathPattern: 'https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CacheBehavior.html',
  mpCdn: 'https://docs.aws.amazon.com/mediapackage/latest/userguide/cdn-recommendations.html',
  v1CdnAuth: 'https://docs.aws.amazon.com/mediapackage/latest/ug/cdn-auth.html',
  lefCloudFront: 'aws-samples/aws-cdk-mediaservices-refarch LEF/lib/event_group/cloudfront.ts',
  lefFoundation: 'aws-samples/aws-cdk-mediaservices-refarch LEF/lib/foundation/foundation.ts',
  lefLowLatencyFoundation: 'aws-samples/aws-cdk-mediaservices-refarch LEF/config/low-latency/foundationConfiguration.ts',
  lefLowLatencyGroup: 'aws-samples/aws-cdk-mediaservices-refarch LEF/config/low-latency/eventGroupConfiguration.ts',
} as const;

/** AWS's documented values (not OnAir's), each with its source. */
const AWS = {
  // MediaPackage v2 CDN guide: include aws.manifestfilter, aws.manifestsettings, _HLS_msn and _HLS_part in the
  // cache key (SRC.mpCdn); "_HLS_msn, _HLS_part and _HLS_skip all need to be enabled to support low latency
  // hls playback" (SRC.lefLowLatencyFoundation).
  cacheKeyQueryStrings: ['aws.manifestfilter', 'aws.manifestsettings', '_HLS_msn', '_HLS_part', '_HLS_skip'],
  // CloudFront quotas: query strings per cache policy 10 (SRC.quotas; LEF: "the default of 10", SRC.lefLowLatencyFoundation).
  maxQueryStringsPerCachePolicy: 10,
  // LEF getErrorResponseConfiguration: these statuses cached for errorPageMinTtl = 1 s (SRC.lefCloudFront).
  errorCodesCachedOneSecond: [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504],
  // MediaPackage sets max-age 1 s on LL-HLS media playlists, half a segment on other playlists; honour it
  // "and avoid overriding" (SRC.mpCdn): a MinTTL above 1 s or a MaxTTL below 15 s (half of the longest
  // 30 s segment) would override it.
  smallestManifestMaxAge: 1,
  largestManifestMaxAge: 15,
  // Managed cache policy CachingOptimizedForUncompressedObjects (SRC.managedPolicies); LEF serves segments
  // with it (SRC.lefCloudFront "/out/v1/<group>/*").
  segmentPolicyId: 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d',
} as const;

/** LEF's origin timeouts from the nominal segment length (SRC.lefCloudFront): the inequalities it states. */
function expectLefTimeouts(t: { ConnectionAttempts?: number; ConnectionTimeout?: number; OriginReadTimeout?: number; OriginKeepaliveTimeout?: number }, segment: number): void {
  expect(t.ConnectionAttempts).toBe(2); // CONNECTION_ATTEMPTS = 2
  expect(t.ConnectionTimeout).toBeLessThanOrEqual(segment); // "Connection Timeout <= Segment Length"
  expect(t.OriginReadTimeout).toBeGreaterThanOrEqual(segment / 2); // "Segment length / 2 <= Read Timeout <= Segment Length"
  expect(t.OriginReadTimeout).toBeLessThanOrEqual(Math.max(1, segment)); // CloudFront's minimum is 1 s
  expect(t.OriginKeepaliveTimeout).toBeGreaterThan(segment); // "Keep-alive Timeout > Segment Length"
}

const strip = (p: string | undefined): string => (p ?? '').replace(/^\//, '');
const methods = (b: { AllowedMethods?: unknown }): string[] => {
  const m = b.AllowedMethods as { Items?: string[] } | string[] | undefined;
  return [...(Array.isArray(m) ? m : m?.Items ?? [])].sort();
};

describe('manifest cache policy (the stage\'s, built and deployed)', () => {
  const built = buildManifestCachePolicyConfig(STAGE);
  const deployed = resolved<{ CachePolicyConfig: Record<string, unknown> }>('DeliveryManifestCachePolicy').CachePolicyConfig;
  const builtStrings = built.ParametersInCacheKeyAndForwardedToOrigin?.QueryStringsConfig?.QueryStrings?.Items ?? [];
  const deployedParams = deployed.ParametersInCacheKeyAndForwardedToOrigin as {
    QueryStringsConfig: { QueryStringBehavior: string; QueryStrings: string[] };
    HeadersConfig: { HeaderBehavior: string }; CookiesConfig: { CookieBehavior: string };
    EnableAcceptEncodingGzip: boolean; EnableAcceptEncodingBrotli: boolean;
  };

  it('keys manifests on exactly the query strings MediaPackage and LL-HLS act on', () => {
    expect(built.ParametersInCacheKeyAndForwardedToOrigin?.QueryStringsConfig?.QueryStringBehavior).toBe('whitelist');
    expect([...builtStrings].sort()).toEqual([...AWS.cacheKeyQueryStrings].sort());
    expect(deployedParams.QueryStringsConfig.QueryStringBehavior).toBe('whitelist');
    expect([...deployedParams.QueryStringsConfig.QueryStrings].sort()).toEqual([...AWS.cacheKeyQueryStrings].sort());
    expect(builtStrings.length).toBeLessThanOrEqual(AWS.maxQueryStringsPerCachePolicy);
  });

  it('no headers or cookies in the key; compressed manifests', () => {
    // LEF's MediaPackage manifest cache policy: headerBehavior none, cookieBehavior none, gzip and brotli (SRC.lefFoundation).
    for (const p of [built.ParametersInCacheKeyAndForwardedToOrigin, deployedParams]) {
      expect(p?.HeadersConfig?.HeaderBehavior).toBe('none');
      expect(p?.CookiesConfig?.CookieBehavior).toBe('none');
      expect(p?.EnableAcceptEncodingGzip).toBe(true);
      expect(p?.EnableAcceptEncodingBrotli).toBe(true);
    }
  });

  it('honours MediaPackage\'s max-age rather than overriding it', () => {
    for (const p of [built, deployed as unknown as CachePolicyConfig]) {
      expect(p.MinTTL).toBeLessThanOrEqual(AWS.smallestManifestMaxAge);
      expect(p.MaxTTL).toBeGreaterThanOrEqual(AWS.largestManifestMaxAge);
    }
  });
});

describe('origin access control (dedicated and the stage\'s)', () => {
  it.each([
    ['dedicated', buildOriginAccessControlConfig({ channelId: 'demo-1' }, STAGE)],
    ['stage', resolved<{ OriginAccessControlConfig: OriginAccessControlConfig }>('DeliveryOriginAccessControl').OriginAccessControlConfig],
  ])('%s: type mediapackagev2, signs every request with SigV4', (_, oac) => {
    // CloudFront DG "Restrict access to a MediaPackage v2 origin" (SRC.oac); LEF's OAC: originAccessControlOriginType
    // "mediapackagev2", signingBehavior "always", signingProtocol "sigv4" (SRC.lefCloudFront).
    expect(oac).toEqual(expect.objectContaining({ OriginAccessControlOriginType: 'mediapackagev2', SigningBehavior: 'always', SigningProtocol: 'sigv4' }));
  });
});

const EGRESS = 'abc123.egress.xyz.mediapackagev2.us-east-1.amazonaws.com';
const V1_HOST = 'c4af3793bf76b33c.mediapackage.us-east-1.amazonaws.com';
const POLICY_ID = 'manifest-policy-id';
const IDENTIFIER = '9ceebbe7-9607-4552-8764-876e47032660';

function dedicated(record: ChannelRecord): DistributionConfig {
  const v2 = record.profile.packager.kind === 'mediapackage-v2';
  const origin: CdnOrigin = v2
    ? { domainName: EGRESS, originPath: '', protection: { kind: 'oac' } }
    : { domainName: V1_HOST, originPath: '', protection: { kind: 'cdn-identifier-header', headerName: 'X-MediaPackage-CDNIdentifier', secretArn: 'arn:secret' } };
  return buildDistributionConfig({
    record, stage: STAGE, origin, manifestCachePolicyId: POLICY_ID,
    ...(v2 ? { originAccessControlId: 'E2OAC' } : { cdnIdentifier: IDENTIFIER }),
  }).DistributionConfig!;
}

describe.each([
  { label: 'v2 dedicated', record: makeRecord('default', DEDICATED) },
  { label: 'v2 dedicated low-latency', record: makeRecord('low-latency', DEDICATED) },
  { label: 'mediapackage-v1', record: makeRecord('mediapackage-v1') },
])('dedicated distribution: $label', ({ record }) => {
  const cfg = dedicated(record);
  const origin = cfg.Origins!.Items![0];
  const behaviors: CacheBehavior[] = cfg.CacheBehaviors?.Items ?? [];
  const v2 = record.profile.packager.kind === 'mediapackage-v2';

  it('HTTPS to viewers and to the origin, TLS 1.2, HTTP/2 and HTTP/3', () => {
    // LEF: viewerProtocolPolicy REDIRECT_TO_HTTPS on every behaviour, origin protocolPolicy HTTPS_ONLY with
    // TLS_V1_2, httpVersion HTTP2_AND_3 (SRC.lefCloudFront).
    for (const b of [cfg.DefaultCacheBehavior!, ...behaviors]) expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(origin.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
    expect(origin.CustomOriginConfig?.OriginSslProtocols?.Items).toEqual(['TLSv1.2']);
    expect(cfg.HttpVersion).toBe('http2and3');
  });

  it('protects the origin as AWS documents for its MediaPackage version', () => {
    if (v2) {
      // OAC, supported for MediaPackage v2 only (SRC.oac); no secret header needed.
      expect(origin.OriginAccessControlId).toBe('E2OAC');
      expect(origin.CustomHeaders?.Items ?? []).toEqual([]);
    } else {
      // v1: "CloudFront OAC only supports MediaPackage v2" (SRC.oac); the CDN sends X-MediaPackage-CDNIdentifier
      // with the secret's value (SRC.v1CdnAuth).
      expect(origin.OriginAccessControlId).toBeUndefined();
      expect(origin.CustomHeaders?.Items).toEqual([{ HeaderName: 'X-MediaPackage-CDNIdentifier', HeaderValue: IDENTIFIER }]);
    }
  });

  it('origin timeouts follow LEF\'s formulas from the segment MediaLive sends', () => {
    // LEF's low-latency event group uses nominalSegmentLength 1, the 1 s MediaLive segments (SRC.lefLowLatencyGroup).
    expectLefTimeouts({ ...origin, ...origin.CustomOriginConfig }, ingestSegmentSeconds(record.profile));
  });

  it('manifests use the manifest cache policy, segments CachingOptimizedForUncompressedObjects', () => {
    // LEF: "*.m3u8" and "*.mpd" → the MediaPackage manifest cache policy; everything else under the group →
    // CACHING_OPTIMIZED_FOR_UNCOMPRESSED_OBJECTS (SRC.lefCloudFront; id from SRC.managedPolicies).
    const manifest = behaviors.filter((b) => /\.(m3u8|mpd)$/.test(b.PathPattern ?? ''));
    expect(manifest.map((b) => strip(b.PathPattern).replace(/^.*\*/, '*')).sort()).toEqual(['*.m3u8', '*.mpd']);
    for (const b of manifest) expect(b.CachePolicyId).toBe(POLICY_ID);
    expect(cfg.DefaultCacheBehavior?.CachePolicyId).toBe(AWS.segmentPolicyId);
    expect(MANAGED_CACHE_POLICIES.CachingOptimizedForUncompressedObjects).toBe(AWS.segmentPolicyId);
    for (const b of [cfg.DefaultCacheBehavior!, ...behaviors]) expect(methods(b)).toEqual(['GET', 'HEAD']);
  });

  it('caches origin errors for 1 s', () => {
    const errors = cfg.CustomErrorResponses?.Items ?? [];
    expect(errors.map((e) => e.ErrorCode).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(AWS.errorCodesCachedOneSecond);
    for (const e of errors) expect(e.ErrorCachingMinTTL).toBe(1);
  });
});

describe('shared delivery: the stage\'s distribution (serverless.yml, lib/delivery.ts)', () => {
  type CfnBehavior = { PathPattern?: string; ViewerProtocolPolicy: string; CachePolicyId: string; AllowedMethods: string[] };
  type CfnOrigin = {
    DomainName: string; OriginAccessControlId?: string; ConnectionAttempts: number; ConnectionTimeout: number;
    CustomOriginConfig: { OriginProtocolPolicy: string; OriginSSLProtocols: string[]; OriginReadTimeout: number; OriginKeepaliveTimeout: number };
  };
  const cfg = resolved<{ DistributionConfig: {
    HttpVersion: string; Origins: CfnOrigin[]; CacheBehaviors: CfnBehavior[]; DefaultCacheBehavior: CfnBehavior;
    CustomErrorResponses: { ErrorCode: number; ErrorCachingMinTTL: number }[];
  } }>('DeliveryDistribution').DistributionConfig;
  const group = stageChannelGroupName(STAGE);
  const policyId = intrinsic({ Ref: 'DeliveryManifestCachePolicy' });
  const origin = cfg.Origins[0];

  it('one origin: the channel group\'s egress domain, behind the stage\'s OAC, HTTPS only', () => {
    // LEF: one distribution and one OAC per channel group, the MediaPackage origin HTTPS_ONLY with TLS 1.2
    // (SRC.lefCloudFront).
    expect(cfg.Origins).toHaveLength(1);
    expect(origin.DomainName).toBe(intrinsic({ 'Fn::GetAtt': ['DeliveryChannelGroup', 'EgressDomain'] }));
    expect(origin.OriginAccessControlId).toBe(intrinsic({ 'Fn::GetAtt': ['DeliveryOriginAccessControl', 'Id'] }));
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(origin.CustomOriginConfig.OriginSSLProtocols).toEqual(['TLSv1.2']);
    expect(cfg.HttpVersion).toBe('http2and3');
    for (const b of [cfg.DefaultCacheBehavior, ...cfg.CacheBehaviors]) {
      expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect([...b.AllowedMethods].sort()).toEqual(['GET', 'HEAD']);
    }
  });

  it('behaviours scoped to the group\'s paths, as LEF lays them out', () => {
    // LEF: "/out/v1/<group>/*.m3u8" and "/out/v1/<group>/*.mpd" → manifest cache policy, "/out/v1/<group>/*" →
    // CachingOptimizedForUncompressedObjects (SRC.lefCloudFront); a leading "/" makes no difference (SRC.pathPattern).
    const byPath = Object.fromEntries(cfg.CacheBehaviors.map((b) => [strip(b.PathPattern), b.CachePolicyId]));
    expect(byPath).toEqual({
      [`out/v1/${group}/*.m3u8`]: policyId,
      [`out/v1/${group}/*.mpd`]: policyId,
      [`out/v1/${group}/*`]: AWS.segmentPolicyId,
    });
    // Behaviours are matched in order: manifests before the catch-all (SRC.pathPattern).
    expect(strip(cfg.CacheBehaviors[cfg.CacheBehaviors.length - 1].PathPattern)).toBe(`out/v1/${group}/*`);
  });

  it('caches origin errors for 1 s', () => {
    expect(cfg.CustomErrorResponses.map((e) => e.ErrorCode).sort((a, b) => a - b)).toEqual(AWS.errorCodesCachedOneSecond);
    for (const e of cfg.CustomErrorResponses) expect(e.ErrorCachingMinTTL).toBe(1);
  });

  it('origin timeouts follow LEF\'s formulas for the default profile\'s segments', () => {
    expectLefTimeouts({ ...origin, ...origin.CustomOriginConfig }, ingestSegmentSeconds(makeRecord('default').profile));
  });

  // LEF gives a low-latency event group its own distribution tuned for 1 s segments (SRC.lefLowLatencyGroup
  // nominalSegmentLength 1 → connection 1 s, read 1 s, keep-alive 2 s; SRC.lefCloudFront); the stage's one
  // distribution carries the 6 s timeouts (3/3/7). So low-latency HLS never rides shared delivery: the
  // built-in profile is dedicated (timed for its segments), and asking for shared is refused.
  it('low-latency HLS is never on the stage\'s 6 s-timed distribution: refused on shared delivery, dedicated by default', () => {
    expect(() => resolveProfile('default', { packager: { lowLatencyHls: true }, video: { gopSeconds: 1 }, segmentSeconds: 2 })).toThrow(/delivery/);
    expect(makeRecord('low-latency').profile.delivery).toBe('dedicated');
  });
});

