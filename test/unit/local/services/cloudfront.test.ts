import { CLOUDFRONT_DURATIONS as D, createCloudFront, type CloudFrontService } from '../../../../local/services/cloudfront';
import type { ModelValue } from '../../../../local/core/types';
import { awsError, caller, testEnv, type TestEnv } from './twin-test-env';
import { distributionConfig } from './media-fixtures';

let env: TestEnv;
let cf: CloudFrontService;
let call: ReturnType<typeof caller>;
const ms = (n: string): number => env.latency[n] as number;

beforeEach(() => {
  env = testEnv();
  cf = createCloudFront(env);
  call = caller(env, cf);
});

async function deployed(config = distributionConfig()): Promise<{ id: string; etag: string; dist: ModelValue }> {
  const out = await call('CreateDistribution', { DistributionConfig: config });
  env.clock.advance(ms(D.deploy));
  const got = await call('GetDistribution', { Id: (out.Distribution as ModelValue).Id });
  return { id: String((out.Distribution as ModelValue).Id), etag: String(got.ETag), dist: got.Distribution as ModelValue };
}

describe('distributions', () => {
  it('creates InProgress with a cloudfront.net domain and an ETag, Deployed after the profile time', async () => {
    const out = await call('CreateDistribution', { DistributionConfig: distributionConfig() });
    const d = out.Distribution as ModelValue;
    expect(d).toMatchObject({ Status: 'InProgress', DomainName: expect.stringMatching(/^d[a-z0-9]{13}\.cloudfront\.net$/), Id: expect.stringMatching(/^E[A-Z0-9]{13}$/) });
    expect(d.ARN).toBe(`arn:aws:cloudfront::111122223333:distribution/${String(d.Id)}`);
    expect(out.ETag).toEqual(expect.any(String));
    expect(out.Location).toBe(`https://cloudfront.amazonaws.com/2020-05-31/distribution/${String(d.Id)}`);
    expect((d.DistributionConfig as ModelValue).PriceClass).toBe('PriceClass_All');
    env.clock.advance(ms(D.deploy) - 1);
    expect(((await call('GetDistribution', { Id: d.Id })).Distribution as ModelValue).Status).toBe('InProgress');
    env.clock.advance(1);
    const got = await call('GetDistribution', { Id: d.Id });
    expect((got.Distribution as ModelValue).Status).toBe('Deployed');
    expect(got.ETag).toBe(out.ETag);
    expect((await call('GetDistributionConfig', { Id: d.Id })).ETag).toBe(out.ETag);
  });

  it('CallerReference: same config → same distribution; different config → DistributionAlreadyExists', async () => {
    const a = await call('CreateDistribution', { DistributionConfig: distributionConfig() });
    const b = await call('CreateDistribution', { DistributionConfig: distributionConfig() });
    expect((b.Distribution as ModelValue).Id).toBe((a.Distribution as ModelValue).Id);
    const err = await awsError(call('CreateDistribution', { DistributionConfig: distributionConfig({ Comment: 'other' }) }));
    expect([err.code, err.status]).toEqual(['DistributionAlreadyExists', 409]);
    expect(cf.inventory()).toHaveLength(1);
  });

  it('with tags, and tags by ARN', async () => {
    const out = await call('CreateDistributionWithTags', { DistributionConfigWithTags: { DistributionConfig: distributionConfig(), Tags: { Items: [{ Key: 'onair:channel', Value: 'demo' }] } } });
    const arn = (out.Distribution as ModelValue).ARN;
    await call('TagResource', { Resource: arn, Tags: { Items: [{ Key: 'x', Value: 'y' }] } });
    await call('UntagResource', { Resource: arn, TagKeys: { Items: ['onair:channel'] } });
    expect((await call('ListTagsForResource', { Resource: arn })).Tags).toEqual({ Items: [{ Key: 'x', Value: 'y' }] });
    expect((await awsError(call('ListTagsForResource', { Resource: 'arn:aws:cloudfront::111122223333:distribution/EXXX' }))).code).toBe('NoSuchResource');
  });

  it('update and delete need If-Match: missing → InvalidIfMatchVersion, stale → PreconditionFailed 412', async () => {
    const { id, etag } = await deployed();
    const disabled = distributionConfig({ Enabled: false });
    expect((await awsError(call('UpdateDistribution', { Id: id, DistributionConfig: disabled }))).code).toBe('InvalidIfMatchVersion');
    const stale = await awsError(call('UpdateDistribution', { Id: id, DistributionConfig: disabled, IfMatch: 'E0000' }));
    expect([stale.code, stale.status]).toEqual(['PreconditionFailed', 412]);
    const upd = await call('UpdateDistribution', { Id: id, DistributionConfig: disabled, IfMatch: etag });
    expect(upd.ETag).not.toBe(etag);
    expect((upd.Distribution as ModelValue).Status).toBe('InProgress');
    // Disabled but not yet Deployed: still refused.
    let err = await awsError(call('DeleteDistribution', { Id: id, IfMatch: upd.ETag }));
    expect([err.code, err.status]).toEqual(['DistributionNotDisabled', 409]);
    expect((await awsError(call('DeleteDistribution', { Id: id, IfMatch: etag }))).status).toBe(412);
    env.clock.advance(ms(D.update));
    err = await awsError(call('DeleteDistribution', { Id: id }));
    expect(err.code).toBe('InvalidIfMatchVersion');
    await call('DeleteDistribution', { Id: id }, { 'if-match': String(upd.ETag) });
    expect((await awsError(call('GetDistribution', { Id: id }))).code).toBe('NoSuchDistribution');
  });

  it('refuses to delete an enabled, deployed distribution', async () => {
    const { id, etag } = await deployed();
    expect((await awsError(call('DeleteDistribution', { Id: id, IfMatch: etag }))).code).toBe('DistributionNotDisabled');
  });

  it('refuses a changed CallerReference, quantity mismatches, unknown origins and cache policies', async () => {
    const { id, etag } = await deployed();
    expect((await awsError(call('UpdateDistribution', { Id: id, IfMatch: etag, DistributionConfig: distributionConfig({ CallerReference: 'x' }) }))).code).toBe('IllegalUpdate');
    const origins = distributionConfig().Origins as ModelValue;
    expect((await awsError(call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'q', Origins: { ...origins, Quantity: 2 } }) }))).code).toBe('InvalidArgument');
    expect((await awsError(call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'o', DefaultCacheBehavior: { TargetOriginId: 'nope', ViewerProtocolPolicy: 'https-only' } }) }))).code).toBe('NoSuchOrigin');
    expect((await awsError(call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'c', DefaultCacheBehavior: { TargetOriginId: 'mediapackage', ViewerProtocolPolicy: 'https-only', CachePolicyId: 'nope' } }) }))).code).toBe('NoSuchCachePolicy');
  });

  it('lists distributions with markers', async () => {
    await deployed(distributionConfig({ CallerReference: 'a' }));
    await deployed(distributionConfig({ CallerReference: 'b' }));
    const first = await call('ListDistributions', { MaxItems: 1 });
    const list = first.DistributionList as ModelValue;
    expect(list).toMatchObject({ Quantity: 1, IsTruncated: true, MaxItems: 1 });
    const second = (await call('ListDistributions', { MaxItems: 1, Marker: list.NextMarker })).DistributionList as ModelValue;
    expect(second).toMatchObject({ Quantity: 1, IsTruncated: false });
  });
});

describe('origin access controls and cache policies', () => {
  const oacConfig = { Name: 'onair-demo-oac', SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 'mediapackagev2' };

  it('CRUD with ETags; in use → OriginAccessControlInUse; wrong origin type refused', async () => {
    const created = await call('CreateOriginAccessControl', { OriginAccessControlConfig: oacConfig });
    const oacId = String((created.OriginAccessControl as ModelValue).Id);
    expect((await awsError(call('CreateOriginAccessControl', { OriginAccessControlConfig: oacConfig }))).code).toBe('OriginAccessControlAlreadyExists');
    const { id, etag } = await deployed(distributionConfig({}, oacId));
    const oacEtag = String((await call('GetOriginAccessControl', { Id: oacId })).ETag);
    expect((await awsError(call('DeleteOriginAccessControl', { Id: oacId }))).code).toBe('InvalidIfMatchVersion');
    const inUse = await awsError(call('DeleteOriginAccessControl', { Id: oacId, IfMatch: oacEtag }));
    expect([inUse.code, inUse.status]).toEqual(['OriginAccessControlInUse', 409]);
    const s3 = await call('CreateOriginAccessControl', { OriginAccessControlConfig: { ...oacConfig, Name: 's3', OriginAccessControlOriginType: 's3' } });
    const wrong = await awsError(call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'w' }, String((s3.OriginAccessControl as ModelValue).Id)) }));
    expect(wrong.code).toBe('InvalidDomainNameForOriginAccessControl');
    expect((await awsError(call('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: 'm' }, 'ENOPE') }))).code).toBe('NoSuchOriginAccessControl');
    const upd = await call('UpdateDistribution', { Id: id, IfMatch: etag, DistributionConfig: distributionConfig({ Enabled: false }) });
    env.clock.advance(ms(D.update));
    await call('DeleteDistribution', { Id: id, IfMatch: upd.ETag });
    await call('DeleteOriginAccessControl', { Id: oacId, IfMatch: oacEtag });
    const listed = (await call('ListOriginAccessControls', {})).OriginAccessControlList as ModelValue;
    expect(listed.Quantity).toBe(1);
  });

  it('lists managed cache policies and keeps custom ones (duplicate names refused, in use refused)', async () => {
    const managed = (await call('ListCachePolicies', { Type: 'managed' })).CachePolicyList as ModelValue;
    expect((managed.Items as ModelValue[]).map((i) => (i.CachePolicy as ModelValue).Id)).toContain('08627262-05a9-4f76-9ded-b50ca2e3a84f');
    const cfg = { Name: 'onair-dev-manifests', MinTTL: 0, ParametersInCacheKeyAndForwardedToOrigin: { EnableAcceptEncodingGzip: true, HeadersConfig: { HeaderBehavior: 'none' }, CookiesConfig: { CookieBehavior: 'none' }, QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: { Quantity: 1, Items: ['_HLS_msn'] } } } };
    const created = await call('CreateCachePolicy', { CachePolicyConfig: cfg });
    const policyId = String((created.CachePolicy as ModelValue).Id);
    expect((await awsError(call('CreateCachePolicy', { CachePolicyConfig: cfg }))).code).toBe('CachePolicyAlreadyExists');
    const custom = (await call('ListCachePolicies', { Type: 'custom' })).CachePolicyList as ModelValue;
    expect(custom.Quantity).toBe(1);
    await deployed(distributionConfig({ DefaultCacheBehavior: { TargetOriginId: 'mediapackage', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: policyId } }));
    expect((await awsError(call('DeleteCachePolicy', { Id: policyId, IfMatch: created.ETag }))).code).toBe('CachePolicyInUse');
  });
});
