/**
 * Conformance: the MediaPackage requests OnAir builds — v2 channel group, channel, channel policy, origin
 * endpoints (HLS/TS, CMAF with DASH, HLS and low-latency HLS), endpoint policies; v1 channel, endpoints
 * and the CDN-authorization secret — against AWS's MediaPackage and CloudFront guides and AWS's
 * reference architecture (Live Event Framework). Sources beside each expectation; see README.md.
 */
import { randomUUID } from 'node:crypto';
import { ingestSegmentSeconds } from '../../../functions/lib/medialive/builders';
import { policyAllows } from '../../../local/iam/policy';
import { CDN_IDENTIFIER_HEADER, CDN_SECRET_KEY } from '../../../functions/lib/packager';
import {
  buildCdnSecretRequest, buildV1ChannelRequest, buildV1OriginEndpointRequests,
} from '../../../functions/lib/packager/v1';
import {
  buildChannelGroupRequest, buildChannelPolicy, buildOriginEndpointPolicy, buildV2ChannelRequest, buildV2OriginEndpointRequests,
} from '../../../functions/lib/packager/v2';
import { stageChannelGroupName } from '../../../functions/lib/delivery';
import { ACCOUNT, DEDICATED, makeRecord, MEDIALIVE_ROLE, REGION, SECRETS_ROLE, STAGE } from '../resources/helpers/fixtures';
import { profileCases } from './profiles';
import { functionEnv, resolved } from './stack';

/** Sources cited beside the expectations below (listed in README.md). */
export const SRC = {
  deliveringToMediaPackage: 'https://docs.aws.amazon.com/medialive/latest/ug/delivering-to-mediapackage.html',
  ingestAuth: 'https://docs.aws.amazon.com/mediapackage/latest/userguide/ingest-auth.html',
  oac: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-mediapackage.html',
  segmentDuration: 'https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/mediapackagev2/aws.sdk.kotlin.services.mediapackagev2.model/-segment/segment-duration-seconds.html',
  v1CdnAuth: 'https://docs.aws.amazon.com/mediapackage/latest/ug/cdn-auth.html',
  v1CdnAuthPolicy: 'https://docs.aws.amazon.com/mediapackage/latest/ug/setting-up-create-trust-rel-policy-cdn.html',
  lefMediaPackage: 'aws-samples/aws-cdk-mediaservices-refarch LEF/lib/event/mediapackagev2.ts',
  lefLowLatencyEvent: 'aws-samples/aws-cdk-mediaservices-refarch LEF/config/low-latency/eventConfiguration.ts',
  lefCloudFront: 'aws-samples/aws-cdk-mediaservices-refarch LEF/lib/event_group/cloudfront.ts',
} as const;

const v2Cases = profileCases().filter((c) => c.record.profile.packager.kind === 'mediapackage-v2');
const CHANNEL_ARN = `arn:aws:mediapackagev2:${REGION}:${ACCOUNT}:channelGroup/onair-${STAGE}/channel/onair-demo-1-gen0001`;
const ENDPOINT_ARN = `${CHANNEL_ARN}/originEndpoint/onair-demo-1-cmaf`;
type Stmt = { Effect: string; Principal: Record<string, unknown>; Action: string | string[]; Resource: string; Condition?: Record<string, Record<string, unknown>> };
const statements = (policy: string): Stmt[] => (JSON.parse(policy) as { Statement: Stmt[] }).Statement;
const actions = (s: Stmt): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('MediaPackage v2: channel group and channel', () => {
  it.each(v2Cases)('$label: a CMAF-ingest channel', ({ record }) => {
    // MediaLive's MediaPackage output group to v2 "uses CMAF Ingest" (SRC.deliveringToMediaPackage); LEF's
    // channels: inputType "CMAF" (SRC.lefLowLatencyEvent).
    expect(buildV2ChannelRequest(record, STAGE).InputType).toBe('CMAF');
  });

  it.each(v2Cases.filter((c) => c.record.profile.delivery === 'shared'))('$label: in the stage\'s channel group (shared delivery)', ({ record }) => {
    const req = buildV2ChannelRequest(record, STAGE);
    // LEF: one channel group per event group, every event's channel created in it (SRC.lefMediaPackage
    // channelGroupName; SRC.lefCloudFront one distribution per group); the stack creates the stage's group.
    expect(req.ChannelGroupName).toBe(resolved<{ ChannelGroupName: string }>('DeliveryChannelGroup').ChannelGroupName);
    expect(req.ChannelGroupName).toBe(stageChannelGroupName(STAGE));
  });

  it('dedicated delivery names a channel group of the channel\'s own, with the channel in it', () => {
    const record = makeRecord('default', DEDICATED);
    expect(buildV2ChannelRequest(record, STAGE).ChannelGroupName).toBe(buildChannelGroupRequest(record, STAGE).ChannelGroupName);
  });

  it('channel policy: only the MediaLive role may PutObject into the channel', () => {
    const policy = buildChannelPolicy(CHANNEL_ARN, MEDIALIVE_ROLE);
    // LEF attachChannelPolicy: Allow mediapackagev2:PutObject, principal the MediaLive role ARN, resource the
    // channel (SRC.lefMediaPackage); the channel policy must allow the role MediaLive signs with (SRC.ingestAuth).
    expect(statements(policy)).toEqual([expect.objectContaining({
      Effect: 'Allow', Principal: { AWS: MEDIALIVE_ROLE }, Resource: CHANNEL_ARN,
    })]);
    expect(actions(statements(policy)[0])).toContain('mediapackagev2:PutObject');
    expect(policyAllows(policy, { action: 'mediapackagev2:PutObject', principalArn: MEDIALIVE_ROLE, resource: CHANNEL_ARN })).toBe(true);
    expect(policyAllows(policy, { action: 'mediapackagev2:PutObject', principalArn: `arn:aws:iam::${ACCOUNT}:role/someone-else`, resource: CHANNEL_ARN })).toBe(false);
  });
});

describe('MediaPackage v2: origin endpoint policy (CloudFront OAC)', () => {
  // The distribution ARN the deployed functions receive: the stage's shared distribution.
  const distributionArn = functionEnv('DELIVERY_DISTRIBUTION_ARN');
  const policy = buildOriginEndpointPolicy(ENDPOINT_ARN, distributionArn);

  it('names the stage\'s distribution in AWS\'s ARN format', () => {
    // CloudFront DG example: "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1PDK09ESKHJWT" (SRC.oac).
    expect(distributionArn).toMatch(new RegExp(`^arn:aws:cloudfront::${ACCOUNT}:distribution/[A-Z0-9]+$`));
  });

  it('grants mediapackagev2:GetObject to cloudfront.amazonaws.com only on behalf of that distribution', () => {
    // CloudFront DG: allow the service principal cloudfront.amazonaws.com mediapackagev2:GetObject on the
    // endpoint ARN with Condition StringEquals AWS:SourceArn = the distribution (SRC.oac); LEF adds
    // mediapackagev2:GetHeadObject (SRC.lefMediaPackage attachPolicyToOriginEndpoint "AllowRequestsFromCloudFront").
    const [s, ...rest] = statements(policy);
    expect(rest).toEqual([]);
    expect(s).toEqual(expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Resource: ENDPOINT_ARN }));
    expect(actions(s)).toEqual(expect.arrayContaining(['mediapackagev2:GetObject', 'mediapackagev2:GetHeadObject']));
    const sourceArn = Object.entries(s.Condition?.StringEquals ?? {}).find(([k]) => k.toLowerCase() === 'aws:sourcearn')?.[1];
    expect([sourceArn].flat()).toEqual([distributionArn]);
    const asked = { action: 'mediapackagev2:GetObject', service: 'cloudfront.amazonaws.com', resource: ENDPOINT_ARN };
    expect(policyAllows(policy, { ...asked, sourceArn: distributionArn })).toBe(true);
    expect(policyAllows(policy, { ...asked, sourceArn: `arn:aws:cloudfront::${ACCOUNT}:distribution/EOTHER` })).toBe(false);
    // Not public: LEF warns a PUBLIC policy "is not recommended for production workloads" (SRC.lefMediaPackage).
    expect(policyAllows(policy, { action: 'mediapackagev2:GetObject', principalArn: `arn:aws:iam::${ACCOUNT}:role/viewer`, resource: ENDPOINT_ARN })).toBe(false);
  });
});

describe.each(v2Cases)('MediaPackage v2 origin endpoints: $label', ({ record }) => {
  const plans = buildV2OriginEndpointRequests(record, STAGE);
  const { profile } = record;

  it('packages whole multiples of the segments MediaLive sends', () => {
    // SegmentDurationSeconds: "Enter a value equal to, or a multiple of, the input segment duration"
    // (SRC.segmentDuration); the input segment is what MediaLive's output group sends.
    const ingest = ingestSegmentSeconds(profile);
    for (const { request } of plans) {
      expect(Number.isInteger((request.Segment?.SegmentDurationSeconds ?? NaN) / ingest)).toBe(true);
    }
  });

  it('serves DASH and low-latency HLS from a CMAF container, HLS/TS from a TS container', () => {
    // LEF's low-latency event: one CMAF endpoint (containerType "CMAF") carrying hlsManifests, dashManifests
    // and lowLatencyHlsManifests (SRC.lefLowLatencyEvent).
    for (const { request } of plans) {
      if (request.DashManifests?.length || request.LowLatencyHlsManifests?.length) expect(request.ContainerType).toBe('CMAF');
      if (request.ContainerType === 'TS') expect(request.DashManifests ?? []).toEqual([]);
    }
    const ll = plans.filter((p) => p.request.LowLatencyHlsManifests?.length);
    expect(ll).toHaveLength(profile.packager.lowLatencyHls ? 1 : 0);
    expect(plans.some((p) => p.request.DashManifests?.length)).toBe(profile.packager.endpoints.includes('DASH'));
  });

  it('DASH manifests: SegmentTemplate with timeline, UTC timing from MediaPackage', () => {
    // LEF's DASH manifest: segmentTemplateFormat NUMBER_WITH_TIMELINE, utcTiming UTC_DIRECT (SRC.lefLowLatencyEvent).
    for (const m of plans.flatMap((p) => p.request.DashManifests ?? [])) {
      expect(m.SegmentTemplateFormat).toBe('NUMBER_WITH_TIMELINE');
      expect(m.UtcTiming?.TimingMode).toBe('UTC_DIRECT');
    }
  });

  it('every endpoint lives in the channel MediaLive pushes to', () => {
    const channel = buildV2ChannelRequest(record, STAGE);
    for (const { request } of plans) {
      expect({ group: request.ChannelGroupName, channel: request.ChannelName }).toEqual({ group: channel.ChannelGroupName, channel: channel.ChannelName });
    }
  });
});

describe('MediaPackage v1 (mediapackage-v1 profile): CDN authorization', () => {
  const record = makeRecord('mediapackage-v1');
  const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:onair/${STAGE}/demo-1/cdn-identifier-AbCdEf`;
  const plans = buildV1OriginEndpointRequests(record, STAGE, secretArn, SECRETS_ROLE);

  it('protects every endpoint with the CDN-identifier secret and the role MediaPackage reads it with', () => {
    // v1 CDN authorization: each endpoint names the secret (CdnIdentifierSecret) and the IAM role that lets
    // MediaPackage read it (SecretsRoleArn) (SRC.v1CdnAuth, SRC.v1CdnAuthPolicy).
    expect(plans.map((p) => p.key).sort()).toEqual(['cmaf', 'dash', 'hls']);
    for (const { request } of plans) {
      expect(request.Authorization).toEqual({ CdnIdentifierSecret: secretArn, SecretsRoleArn: SECRETS_ROLE });
      expect(request.ChannelId).toBe(buildV1ChannelRequest(record, STAGE).Id);
    }
  });

  it('stores a UUIDv4 under MediaPackageCDNIdentifier; CloudFront sends it as X-MediaPackage-CDNIdentifier', () => {
    // v1: the secret holds {"MediaPackageCDNIdentifier": "<value>"}, CloudFront sends the header
    // X-MediaPackage-CDNIdentifier with the same value; AWS recommends a UUIDv4 (SRC.v1CdnAuth).
    expect(CDN_SECRET_KEY).toBe('MediaPackageCDNIdentifier');
    expect(CDN_IDENTIFIER_HEADER).toBe('X-MediaPackage-CDNIdentifier');
    const id = randomUUID();
    const secret = buildCdnSecretRequest(record, STAGE, id);
    expect(JSON.parse(secret.SecretString ?? '{}')).toEqual({ MediaPackageCDNIdentifier: id });
  });
});
