import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFrontClient, CreateCachePolicyCommand, CreateDistributionWithTagsCommand, CreateOriginAccessControlCommand,
  DeleteDistributionCommand, DeleteOriginAccessControlCommand, DistributionAlreadyExists, DistributionNotDisabled,
  GetDistributionCommand, GetDistributionConfigCommand, GetOriginAccessControlCommand, ListCachePoliciesCommand,
  ListDistributionsCommand, ListOriginAccessControlsCommand, ListTagsForResourceCommand, NoSuchDistribution,
  NoSuchOriginAccessControl, OriginAccessControlInUse, PreconditionFailed, UpdateDistributionCommand,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MediaPackageV2Client, PutOriginEndpointPolicyCommand } from '@aws-sdk/client-mediapackagev2';
import {
  buildDistributionConfig, buildManifestCachePolicyConfig, buildOriginAccessControlConfig, CACHE_KEY_QUERY_STRINGS, liveOriginTimeouts, MANAGED_CACHE_POLICIES,
} from '../../../functions/lib/cdn/builders';
import {
  deleteDistribution, deleteOriginAccessControl, describeDistribution, disableDistribution, ensureDistribution,
  ensureOriginAccessControl, type CdnDeps,
} from '../../../functions/lib/cdn/operations';
import { authorizePackagerCdn, type CdnOrigin } from '../../../functions/lib/packager';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { CONFIG, makeRecord, MemoryRegistry, STAGE } from './helpers/fixtures';
import { looseMock, sent } from './helpers/loose-mock';
import { modelErrors } from './helpers/model-check';

const cf = mockClient(CloudFrontClient);
const sm = mockClient(SecretsManagerClient);
const v2 = looseMock(MediaPackageV2Client);
const clients = {
  cloudfront: new CloudFrontClient({ region: 'us-east-1' }),
  secretsmanager: new SecretsManagerClient({ region: 'us-east-1' }),
  mediapackagev2: new MediaPackageV2Client({ region: 'us-east-1' }),
};
const EGRESS = 'abc123.egress.xyz.mediapackagev2.us-east-1.amazonaws.com';
const V1_HOST = 'c4af3793bf76b33c.mediapackage.us-east-1.amazonaws.com';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:onair/test/demo-1/cdn-identifier-AbCdEf';
const IDENTIFIER = '9ceebbe7-9607-4552-8764-876e47032660';
const DIST = { Id: 'E1ABC', ARN: 'arn:aws:cloudfront::111122223333:distribution/E1ABC', DomainName: 'd111.cloudfront.net' };
const meta = { $metadata: {} };

/** A record whose packager endpoints are recorded, as after ensurePackager. */
function packaged(kind: 'v2' | 'v1'): ChannelRecord {
  const record = kind === 'v2' ? makeRecord() : makeRecord('mediapackage-v1');
  const host = kind === 'v2' ? EGRESS : V1_HOST;
  Object.assign(record.resources.packager, kind === 'v2'
    ? { channelGroupName: 'onair-demo-1', channelName: 'onair-demo-1' }
    : { channelId: 'onair-demo-1', cdnSecretArn: SECRET_ARN });
  record.resources.packager.originEndpoints = {
    hls: { name: 'onair-demo-1-hls', format: 'HLS', url: `https://${host}/out/v1/g/c/onair-demo-1-hls/index.m3u8`, arn: 'arn:ep:hls' },
    dash: { name: 'onair-demo-1-cmaf', format: 'DASH', url: `https://${host}/out/v1/g/c/onair-demo-1-cmaf/dash.mpd`, arn: 'arn:ep:cmaf' },
  };
  return record;
}

let registry: MemoryRegistry;
function setup(record: ChannelRecord): CdnDeps {
  registry = new MemoryRegistry(record);
  return { ...clients, registry, config: CONFIG };
}

beforeEach(() => { cf.reset(); sm.reset(); v2.reset(); });

describe('buildDistributionConfig', () => {
  const oacOrigin: CdnOrigin = { domainName: EGRESS, originPath: '', protection: { kind: 'oac' } };
  const v1Origin: CdnOrigin = { domainName: V1_HOST, originPath: '', protection: { kind: 'cdn-identifier-header', headerName: 'X-MediaPackage-CDNIdentifier', secretArn: SECRET_ARN } };

  it.each([
    ['v2 with OAC', makeRecord(), oacOrigin, { originAccessControlId: 'OAC1' }],
    ['v1 with the CDN-identifier header', makeRecord('mediapackage-v1'), v1Origin, { cdnIdentifier: IDENTIFIER }],
    ['v2 low latency, PriceClass_All', makeRecord('low-latency', { cdn: { priceClass: 'PriceClass_All' } }), oacOrigin, { originAccessControlId: 'OAC1' }],
  ])('%s passes the CloudFront model and secures viewer and origin', (_label, record, origin, extra) => {
    const cfg = buildDistributionConfig({ record, stage: STAGE, origin, manifestCachePolicyId: 'CP1', ...extra });
    expect(modelErrors('cloudfront', 'CreateDistributionWithTags', { DistributionConfigWithTags: cfg })).toEqual([]);
    const d = cfg.DistributionConfig as DistributionConfig;
    expect(d.CallerReference).toBe('onair-demo-1-gen0001-cdn');
    expect(d.HttpVersion).toBe('http2and3');
    expect(d.PriceClass).toBe(record.profile.cdn.priceClass);
    expect(d.Enabled).toBe(true);
    const behaviours = [d.DefaultCacheBehavior!, ...d.CacheBehaviors!.Items!];
    behaviours.forEach((b) => expect(b.ViewerProtocolPolicy).toBe('redirect-to-https'));
    const o = d.Origins!.Items![0];
    expect(o.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] } });
    // Manifests on their own behaviours with the custom policy; segments on the default one.
    expect(d.CacheBehaviors!.Items!.map((b) => [b.PathPattern, b.CachePolicyId])).toEqual([['*.m3u8', 'CP1'], ['*.mpd', 'CP1']]);
    expect(d.DefaultCacheBehavior!.CachePolicyId).toBe(MANAGED_CACHE_POLICIES.CachingOptimizedForUncompressedObjects);
    d.CustomErrorResponses!.Items!.forEach((e) => expect(e.ErrorCachingMinTTL).toBe(1));
    expect(cfg.Tags!.Items).toEqual(expect.arrayContaining([{ Key: 'onair:channel', Value: 'demo-1' }]));
    if (origin.protection.kind === 'oac') {
      expect(o.OriginAccessControlId).toBe('OAC1');
      expect(o.CustomHeaders).toEqual({ Quantity: 0, Items: [] });
    } else {
      expect(o.OriginAccessControlId).toBeUndefined();
      expect(o.CustomHeaders).toEqual({ Quantity: 1, Items: [{ HeaderName: 'X-MediaPackage-CDNIdentifier', HeaderValue: IDENTIFIER }] });
    }
  });

  // AWS's Live Event Framework (aws-cdk-mediaservices-refarch LEF/lib/event_group/cloudfront.ts):
  // connection ≤ segment, segment/2 ≤ read ≤ segment, keep-alive > segment, 2 attempts; from the
  // segment MediaLive sends (1 s for low-latency HLS, MediaLive UG mediapackage-v2-low-latency).
  it.each([
    ['default (6 s segments)', makeRecord(), 6],
    ['low latency (1 s segments from MediaLive)', makeRecord('low-latency'), 1],
  ])('%s: origin timeouts suited to live', (_label, record, segment) => {
    const d = buildDistributionConfig({ record, stage: STAGE, origin: oacOrigin, manifestCachePolicyId: 'CP1', originAccessControlId: 'OAC1' }).DistributionConfig as DistributionConfig;
    const o = d.Origins!.Items![0];
    const t = { ConnectionAttempts: o.ConnectionAttempts, ConnectionTimeout: o.ConnectionTimeout, ...o.CustomOriginConfig };
    expect(t).toMatchObject({ ConnectionAttempts: 2, ConnectionTimeout: Math.ceil(segment / 2), OriginReadTimeout: Math.ceil(segment / 2), OriginKeepaliveTimeout: segment + 1 });
    expect(t.ConnectionTimeout).toBeLessThanOrEqual(segment);
    expect(t.OriginReadTimeout).toBeGreaterThanOrEqual(segment / 2);
    expect(t.OriginReadTimeout).toBeLessThanOrEqual(segment);
    expect(t.OriginKeepaliveTimeout).toBeGreaterThan(segment);
  });

  it('origin timeouts stay inside CloudFront ranges for long segments', () => {
    expect(liveOriginTimeouts(30)).toEqual({ ConnectionAttempts: 2, ConnectionTimeout: 10, OriginReadTimeout: 15, OriginKeepaliveTimeout: 31 });
    expect(liveOriginTimeouts(1)).toEqual({ ConnectionAttempts: 2, ConnectionTimeout: 1, OriginReadTimeout: 1, OriginKeepaliveTimeout: 2 });
  });

  it('refuses an unprotected origin', () => {
    expect(() => buildDistributionConfig({ record: makeRecord(), stage: STAGE, origin: oacOrigin, manifestCachePolicyId: 'CP1' })).toThrow(/Origin Access Control/);
    expect(() => buildDistributionConfig({ record: makeRecord('mediapackage-v1'), stage: STAGE, origin: v1Origin, manifestCachePolicyId: 'CP1' })).toThrow(/CDN identifier/);
  });

  it('the manifest cache policy keys on exactly the MediaPackage and LL-HLS query strings (with _HLS_skip) and honours origin max-age', () => {
    const policy = buildManifestCachePolicyConfig(STAGE);
    expect(modelErrors('cloudfront', 'CreateCachePolicy', { CachePolicyConfig: policy })).toEqual([]);
    expect(policy.Name).toBe('onair-test-live-manifests');
    expect(policy.ParametersInCacheKeyAndForwardedToOrigin!.QueryStringsConfig).toEqual({
      QueryStringBehavior: 'whitelist', QueryStrings: { Quantity: 5, Items: ['aws.manifestfilter', 'aws.manifestsettings', '_HLS_msn', '_HLS_part', '_HLS_skip'] },
    });
    expect(CACHE_KEY_QUERY_STRINGS.length).toBeLessThanOrEqual(10);
    expect(policy.MinTTL).toBe(0);
  });

  it('the OAC signs every request to a MediaPackage v2 origin', () => {
    const oac = buildOriginAccessControlConfig(makeRecord(), STAGE);
    expect(modelErrors('cloudfront', 'CreateOriginAccessControl', { OriginAccessControlConfig: oac })).toEqual([]);
    expect(oac).toMatchObject({ SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 'mediapackagev2' });
  });
});

function mockCreates(): void {
  cf.on(ListOriginAccessControlsCommand).resolves({ OriginAccessControlList: { Items: [], IsTruncated: false, MaxItems: 100, Quantity: 0, Marker: '' } });
  cf.on(CreateOriginAccessControlCommand).resolves({ OriginAccessControl: { Id: 'OAC1' } });
  cf.on(CreateDistributionWithTagsCommand).resolves({ Distribution: { ...DIST, Status: 'InProgress' } as never });
}

describe('ensureDistribution', () => {
  it("v2: creates OAC and distribution (manifests on the stage's cache policy, never created here); records the ids as soon as they exist", async () => {
    const deps = setup(packaged('v2'));
    mockCreates();
    await expect(ensureDistribution(deps, registry.reload())).resolves.toEqual({ distributionId: DIST.Id, distributionDomain: DIST.DomainName, distributionArn: DIST.ARN });
    expect(cf).toHaveReceivedCommandWith(CreateDistributionWithTagsCommand, {
      DistributionConfigWithTags: expect.objectContaining({
        DistributionConfig: expect.objectContaining({ CallerReference: 'onair-demo-1-gen0001-cdn', Origins: expect.objectContaining({ Items: [expect.objectContaining({ DomainName: EGRESS, OriginAccessControlId: 'OAC1' })] }) }),
      }),
    });
    expect(registry.writes.map((w) => w.op === 'record' && w.path[0])).toEqual(['originAccessControlId', 'distributionId', 'distributionArn', 'distributionDomain']);
    expect(cf).not.toHaveReceivedCommand(CreateCachePolicyCommand);
    expect(cf).not.toHaveReceivedCommand(ListCachePoliciesCommand);
  });

  it('v1: reads the identifier from the secret into the origin header and never into the registry', async () => {
    const deps = setup(packaged('v1'));
    mockCreates();
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify({ MediaPackageCDNIdentifier: IDENTIFIER }) });
    await ensureDistribution(deps, registry.reload());
    const input = cf.commandCalls(CreateDistributionWithTagsCommand)[0].args[0].input;
    expect(input.DistributionConfigWithTags!.DistributionConfig!.Origins!.Items![0].CustomHeaders!.Items).toEqual([{ HeaderName: 'X-MediaPackage-CDNIdentifier', HeaderValue: IDENTIFIER }]);
    expect(cf).not.toHaveReceivedCommand(CreateOriginAccessControlCommand);
    expect(JSON.stringify(registry.record)).not.toContain(IDENTIFIER);
  });

  it('a retry with the id recorded gets the distribution and creates nothing', async () => {
    const deps = setup(packaged('v2'));
    registry.record.resources.distributionId = DIST.Id;
    cf.on(GetDistributionCommand).resolves({ Distribution: { ...DIST, Status: 'Deployed' } as never });
    await expect(ensureDistribution(deps, registry.reload())).resolves.toMatchObject({ distributionId: DIST.Id });
    expect(cf).not.toHaveReceivedCommand(CreateDistributionWithTagsCommand);
  });

  it('a retry after a lost registry write (DistributionAlreadyExists) finds the distribution by comment and tags', async () => {
    const deps = setup(packaged('v2'));
    mockCreates();
    cf.on(CreateDistributionWithTagsCommand).rejects(new DistributionAlreadyExists({ ...meta, message: 'exists' }));
    cf.on(ListDistributionsCommand).resolves({ DistributionList: { IsTruncated: false, Marker: '', MaxItems: 100, Quantity: 2, Items: [
      { Id: 'EOTHER', ARN: 'arn:other', DomainName: 'x.cloudfront.net', Comment: 'someone else' },
      { ...DIST, Comment: 'OnAir test channel demo-1' },
    ] as never } });
    cf.on(ListTagsForResourceCommand, { Resource: DIST.ARN }).resolves({ Tags: { Items: [{ Key: 'onair:channel', Value: 'demo-1' }, { Key: 'onair:stage', Value: STAGE }] } });
    await expect(ensureDistribution(deps, registry.reload())).resolves.toMatchObject({ distributionId: DIST.Id });
    expect(cf).not.toHaveReceivedCommandWith(ListTagsForResourceCommand, { Resource: 'arn:other' });
    expect(registry.record.resources.distributionId).toBe(DIST.Id);
  });

  it('reuses an existing OAC by name', async () => {
    const deps = setup(packaged('v2'));
    mockCreates();
    cf.on(ListOriginAccessControlsCommand).resolves({ OriginAccessControlList: { Items: [{ Id: 'OACO', Name: 'onair-prod-demo-1-oac' } as never, { Id: 'OACX', Name: 'onair-test-demo-1-oac' } as never], IsTruncated: false, MaxItems: 100, Quantity: 1, Marker: '' } });
    await ensureDistribution(deps, registry.reload());
    expect(cf).not.toHaveReceivedCommand(CreateOriginAccessControlCommand);
    expect(registry.record.resources.originAccessControlId).toBe('OACX');
  });

  it('uses the stack\'s manifest cache policy when configured', async () => {
    const deps = setup(packaged('v2'));
    deps.config = { ...deps.config, manifestCachePolicyId: 'STACK-CP' };
    mockCreates();
    await ensureDistribution(deps, registry.reload());
    expect(cf).not.toHaveReceivedCommand(ListCachePoliciesCommand);
    expect(cf.commandCalls(CreateDistributionWithTagsCommand)[0].args[0].input.DistributionConfigWithTags!.DistributionConfig!.CacheBehaviors!.Items![0].CachePolicyId).toBe('STACK-CP');
  });

  it('the workflow\'s three CDN steps — OAC, distribution, then the packager\'s authorization — grant the v2 origin to this distribution', async () => {
    const deps = setup(packaged('v2'));
    mockCreates();
    v2.on(PutOriginEndpointPolicyCommand).resolves({});
    await expect(ensureOriginAccessControl(deps, registry.reload())).resolves.toEqual({ originAccessControlId: 'OAC1' });
    await expect(ensureDistribution(deps, registry.reload())).resolves.toMatchObject({ distributionId: DIST.Id });
    await authorizePackagerCdn({ ...deps, mediapackagev2: new MediaPackageV2Client({}) }, registry.reload());
    const policies = sent(v2, PutOriginEndpointPolicyCommand).map((i) => JSON.parse(i.Policy as string).Statement[0].Condition.StringEquals['AWS:SourceArn']);
    expect(policies).toEqual([DIST.ARN, DIST.ARN]);
  });

  it('ensureOriginAccessControl is null for v1', async () => {
    const deps = setup(packaged('v1'));
    await expect(ensureOriginAccessControl(deps, registry.reload())).resolves.toEqual({ originAccessControlId: null });
    expect(cf.calls()).toHaveLength(0);
  });
});

describe('disable / delete', () => {
  const enabledConfig = () => buildDistributionConfig({ record: makeRecord(), stage: STAGE, origin: { domainName: EGRESS, originPath: '', protection: { kind: 'oac' } }, originAccessControlId: 'OAC1', manifestCachePolicyId: 'CP1' }).DistributionConfig!;

  it('disables with the ETag it read, and retries once with a fresh ETag on PreconditionFailed', async () => {
    const deps = setup(packaged('v2'));
    registry.record.resources.distributionId = DIST.Id;
    cf.on(GetDistributionConfigCommand).resolvesOnce({ ETag: 'E-OLD', DistributionConfig: enabledConfig() }).resolves({ ETag: 'E-NEW', DistributionConfig: enabledConfig() });
    cf.on(UpdateDistributionCommand, { IfMatch: 'E-OLD' }).rejects(new PreconditionFailed({ ...meta, message: 'stale' }));
    cf.on(UpdateDistributionCommand, { IfMatch: 'E-NEW' }).resolves({ Distribution: { ...DIST, Status: 'InProgress' } as never });
    await expect(disableDistribution(deps, registry.reload())).resolves.toEqual({ exists: true, status: 'InProgress', enabled: false });
    expect(cf).toHaveReceivedCommandWith(UpdateDistributionCommand, { Id: DIST.Id, IfMatch: 'E-NEW', DistributionConfig: expect.objectContaining({ Enabled: false, CallerReference: 'onair-demo-1-gen0001-cdn' }) });
  });

  it('disabling an already disabled or missing distribution is a no-op', async () => {
    const deps = setup(packaged('v2'));
    registry.record.resources.distributionId = DIST.Id;
    cf.on(GetDistributionConfigCommand).resolves({ ETag: 'E', DistributionConfig: { ...enabledConfig(), Enabled: false } });
    cf.on(GetDistributionCommand).resolves({ Distribution: { ...DIST, Status: 'Deployed', DistributionConfig: { ...enabledConfig(), Enabled: false } } as never });
    await expect(disableDistribution(deps, registry.reload())).resolves.toEqual({ exists: true, status: 'Deployed', enabled: false });
    expect(cf).not.toHaveReceivedCommand(UpdateDistributionCommand);
    cf.on(GetDistributionConfigCommand).rejects(new NoSuchDistribution({ ...meta, message: 'gone' }));
    await expect(disableDistribution(deps, registry.reload())).resolves.toEqual({ exists: false, enabled: false });
  });

  it('delete uses the current ETag; DistributionNotDisabled propagates; NotFound is done and clears the ids', async () => {
    const deps = setup(packaged('v2'));
    Object.assign(registry.record.resources, { distributionId: DIST.Id, distributionArn: DIST.ARN, distributionDomain: DIST.DomainName });
    cf.on(GetDistributionCommand).resolves({ ETag: 'E7', Distribution: { ...DIST, Status: 'InProgress' } as never });
    cf.on(DeleteDistributionCommand).rejectsOnce(new DistributionNotDisabled({ ...meta, message: 'not disabled' })).resolves({});
    await expect(deleteDistribution(deps, registry.reload())).rejects.toBeInstanceOf(DistributionNotDisabled);
    expect(registry.record.resources.distributionId).toBe(DIST.Id);
    await expect(deleteDistribution(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(cf).toHaveReceivedCommandWith(DeleteDistributionCommand, { Id: DIST.Id, IfMatch: 'E7' });
    expect(registry.record.resources).not.toHaveProperty('distributionId');
    expect(registry.record.resources).not.toHaveProperty('distributionDomain');
    cf.resetHistory();
    await expect(deleteDistribution(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(cf.calls()).toHaveLength(0);
  });

  it('describeDistribution reports status and enabled; NotFound is "does not exist"', async () => {
    const deps = setup(packaged('v2'));
    registry.record.resources.distributionId = DIST.Id;
    cf.on(GetDistributionCommand).resolvesOnce({ Distribution: { ...DIST, Status: 'Deployed', DistributionConfig: enabledConfig() } as never })
      .rejects(new NoSuchDistribution({ ...meta, message: 'gone' }));
    await expect(describeDistribution(deps, registry.reload())).resolves.toEqual({ exists: true, status: 'Deployed', enabled: true });
    await expect(describeDistribution(deps, registry.reload())).resolves.toEqual({ exists: false });
  });

  it('deleteOriginAccessControl: in use propagates, NotFound is done', async () => {
    const deps = setup(packaged('v2'));
    registry.record.resources.originAccessControlId = 'OAC1';
    cf.on(GetOriginAccessControlCommand).resolves({ ETag: 'EO' });
    cf.on(DeleteOriginAccessControlCommand).rejectsOnce(new OriginAccessControlInUse({ ...meta, message: 'in use' }))
      .rejects(new NoSuchOriginAccessControl({ ...meta, message: 'gone' }));
    await expect(deleteOriginAccessControl(deps, registry.reload())).rejects.toBeInstanceOf(OriginAccessControlInUse);
    await expect(deleteOriginAccessControl(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(cf).toHaveReceivedCommandWith(DeleteOriginAccessControlCommand, { Id: 'OAC1', IfMatch: 'EO' });
    expect(registry.record.resources.originAccessControlId).toBeUndefined();
  });
});
