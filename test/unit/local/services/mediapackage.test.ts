import { createMediaPackageV2, type MediaPackageV2Service } from '../../../../local/services/mediapackagev2';
import { createMediaPackage, type MediaPackageService } from '../../../../local/services/mediapackage';
import type { ModelValue } from '../../../../local/core/types';
import { awsError, caller, testEnv } from './twin-test-env';

describe('MediaPackage v2', () => {
  let v2: MediaPackageV2Service;
  let call: ReturnType<typeof caller>;
  beforeEach(() => {
    const env = testEnv();
    v2 = createMediaPackageV2(env);
    call = caller(env, v2);
  });

  async function channel(): Promise<ModelValue> {
    await call('CreateChannelGroup', { ChannelGroupName: 'onair', Tags: { 'onair:stage': 'dev' } });
    return call('CreateChannel', { ChannelGroupName: 'onair', ChannelName: 'demo', InputType: 'CMAF' });
  }

  it('creates a group with an egress domain and a channel with two ingest endpoints', async () => {
    const g = await call('CreateChannelGroup', { ChannelGroupName: 'grp', Description: 'd' });
    expect(g).toMatchObject({ ChannelGroupName: 'grp', Arn: 'arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/grp', CreatedAt: expect.any(Date), ETag: expect.any(String) });
    expect(g.EgressDomain).toMatch(/^[a-z0-9]{6}\.egress\.[a-z0-9]{6}\.mediapackagev2\.us-east-1\.amazonaws\.com$/);
    const c = await call('CreateChannel', { ChannelGroupName: 'grp', ChannelName: 'ch' });
    expect(c).toMatchObject({ Arn: 'arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/grp/channel/ch', InputType: 'HLS' });
    const ingest = c.IngestEndpoints as ModelValue[];
    expect(ingest.map((e) => e.Id)).toEqual(['1', '2']);
    expect(ingest[0]!.Url).toMatch(/^https:\/\/[a-z0-9]{6}-1\.ingest\.[a-z0-9]{6}\.mediapackagev2\.us-east-1\.amazonaws\.com\/in\/v1\/grp\/1\/ch\/index$/);
    const dup = await awsError(call('CreateChannel', { ChannelGroupName: 'grp', ChannelName: 'ch' }));
    expect([dup.code, dup.status, dup.fields.ConflictExceptionType]).toEqual(['ConflictException', 409, 'RESOURCE_ALREADY_EXISTS']);
    const missing = await awsError(call('GetChannel', { ChannelGroupName: 'grp', ChannelName: 'nope' }));
    expect([missing.code, missing.fields.ResourceTypeNotFound]).toEqual(['ResourceNotFoundException', 'CHANNEL']);
  });

  it('origin endpoints: HLS/LL-HLS/DASH URLs on the egress domain; DASH needs CMAF; names unique', async () => {
    await channel();
    const { EgressDomain } = await call('GetChannelGroup', { ChannelGroupName: 'onair' });
    const ep = await call('CreateOriginEndpoint', {
      ChannelGroupName: 'onair', ChannelName: 'demo', OriginEndpointName: 'cmaf', ContainerType: 'CMAF', Segment: { SegmentDurationSeconds: 4 },
      HlsManifests: [{ ManifestName: 'index' }], LowLatencyHlsManifests: [{ ManifestName: 'll' }], DashManifests: [{ ManifestName: 'dash' }],
    });
    const base = `https://${String(EgressDomain)}/out/v1/onair/demo/cmaf`;
    expect((ep.HlsManifests as ModelValue[])[0]!.Url).toBe(`${base}/index.m3u8`);
    expect((ep.LowLatencyHlsManifests as ModelValue[])[0]!.Url).toBe(`${base}/ll.m3u8`);
    expect((ep.DashManifests as ModelValue[])[0]!.Url).toBe(`${base}/dash.mpd`);
    expect(ep.Segment).toMatchObject({ SegmentDurationSeconds: 4, SegmentName: 'segment' });
    let err = await awsError(call('CreateOriginEndpoint', { ChannelGroupName: 'onair', ChannelName: 'demo', OriginEndpointName: 'ts', ContainerType: 'TS', DashManifests: [{ ManifestName: 'd' }] }));
    expect([err.code, err.fields.ValidationExceptionType]).toEqual(['ValidationException', 'TS_CONTAINER_TYPE_WITH_DASH_MANIFEST']);
    err = await awsError(call('CreateOriginEndpoint', { ChannelGroupName: 'onair', ChannelName: 'demo', OriginEndpointName: 'x', ContainerType: 'CMAF', HlsManifests: [{ ManifestName: 'a' }], DashManifests: [{ ManifestName: 'a' }] }));
    expect(err.fields.ValidationExceptionType).toBe('MANIFEST_NAME_COLLISION');
    const listed = await call('ListOriginEndpoints', { ChannelGroupName: 'onair', ChannelName: 'demo' });
    expect((listed.Items as ModelValue[]).map((i) => i.OriginEndpointName)).toEqual(['cmaf']);
  });

  it('refuses to delete a channel with endpoints and a group with channels (409 RESOURCE_IN_USE)', async () => {
    await channel();
    await call('CreateOriginEndpoint', { ChannelGroupName: 'onair', ChannelName: 'demo', OriginEndpointName: 'hls', ContainerType: 'TS', HlsManifests: [{ ManifestName: 'index' }] });
    let err = await awsError(call('DeleteChannel', { ChannelGroupName: 'onair', ChannelName: 'demo' }));
    expect([err.status, err.fields.ConflictExceptionType]).toEqual([409, 'RESOURCE_IN_USE']);
    err = await awsError(call('DeleteChannelGroup', { ChannelGroupName: 'onair' }));
    expect([err.status, err.fields.ConflictExceptionType]).toEqual([409, 'RESOURCE_IN_USE']);
    await call('DeleteOriginEndpoint', { ChannelGroupName: 'onair', ChannelName: 'demo', OriginEndpointName: 'hls' });
    await call('DeleteChannel', { ChannelGroupName: 'onair', ChannelName: 'demo' });
    await call('DeleteChannelGroup', { ChannelGroupName: 'onair' });
    expect(v2.inventory()).toEqual([]);
  });

  it('keeps channel and endpoint policies, validating them', async () => {
    const c = await channel();
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/ml' }, Action: 'mediapackagev2:PutObject', Resource: c.Arn }] });
    await call('PutChannelPolicy', { ChannelGroupName: 'onair', ChannelName: 'demo', Policy: policy });
    expect((await call('GetChannelPolicy', { ChannelGroupName: 'onair', ChannelName: 'demo' })).Policy).toBe(policy);
    const bad = await awsError(call('PutChannelPolicy', { ChannelGroupName: 'onair', ChannelName: 'demo', Policy: '{not json' }));
    expect(bad.fields.ValidationExceptionType).toBe('INVALID_POLICY');
    const elsewhere = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'mediapackagev2:PutObject', Resource: 'arn:aws:mediapackagev2:us-east-1:111122223333:channelGroup/other/channel/x' }] });
    expect((await awsError(call('PutChannelPolicy', { ChannelGroupName: 'onair', ChannelName: 'demo', Policy: elsewhere }))).status).toBe(400);
    await call('DeleteChannelPolicy', { ChannelGroupName: 'onair', ChannelName: 'demo' });
    expect((await awsError(call('GetChannelPolicy', { ChannelGroupName: 'onair', ChannelName: 'demo' }))).status).toBe(404);
  });

  it('ClientToken replays the first answer and refuses other parameters', async () => {
    const a = await call('CreateChannelGroup', { ChannelGroupName: 'g', ClientToken: 't1' });
    const b = await call('CreateChannelGroup', { ChannelGroupName: 'g', ClientToken: 't1' });
    expect(b.Arn).toBe(a.Arn);
    const err = await awsError(call('CreateChannelGroup', { ChannelGroupName: 'g2', ClientToken: 't1' }));
    expect(err.fields.ConflictExceptionType).toBe('IDEMPOTENT_PARAMETER_MISMATCH');
  });

  it('tags by ARN and updates with ETag checks', async () => {
    const c = await channel();
    await call('TagResource', { ResourceArn: c.Arn, Tags: { a: '1' } });
    await call('UntagResource', { ResourceArn: c.Arn, TagKeys: ['a'] });
    await call('TagResource', { ResourceArn: c.Arn, Tags: { b: '2' } });
    expect((await call('ListTagsForResource', { ResourceArn: c.Arn })).Tags).toEqual({ b: '2' });
    expect((await awsError(call('UpdateChannel', { ChannelGroupName: 'onair', ChannelName: 'demo', ETag: 'stale' }))).status).toBe(409);
    const u = await call('UpdateChannel', { ChannelGroupName: 'onair', ChannelName: 'demo', ETag: c.ETag, Description: 'new' });
    expect(u.ETag).not.toBe(c.ETag);
  });
});

describe('MediaPackage v1', () => {
  let v1: MediaPackageService;
  let call: ReturnType<typeof caller>;
  beforeEach(() => {
    const env = testEnv();
    v1 = createMediaPackage(env);
    call = caller(env, v1);
  });

  const auth = { CdnIdentifierSecret: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:onair/cdn-AbCdEf', SecretsRoleArn: 'arn:aws:iam::111122223333:role/mp-secrets' };

  it('creates a channel with two HLS ingest endpoints with credentials', async () => {
    const c = await call('CreateChannel', { Id: 'onair-demo', Tags: { 'onair:channel': 'demo' } });
    const eps = (c.HlsIngest as ModelValue).IngestEndpoints as ModelValue[];
    expect(eps).toHaveLength(2);
    for (const e of eps) {
      expect(e.Url).toMatch(/^https:\/\/[0-9a-f]{10}\.mediapackage\.us-east-1\.amazonaws\.com\/in\/v2\/[0-9a-f]{32}\/[0-9a-f]{32}\/channel$/);
      expect(e).toMatchObject({ Username: expect.any(String), Password: expect.any(String) });
    }
    expect(c.Arn).toMatch(/^arn:aws:mediapackage:us-east-1:111122223333:channels\/[0-9a-f]{32}$/);
    expect((await awsError(call('CreateChannel', { Id: 'onair-demo' }))).status).toBe(422);
  });

  it('creates HLS, DASH and CMAF endpoints with URLs and CDN authorization, validating both', async () => {
    await call('CreateChannel', { Id: 'ch' });
    const hls = await call('CreateOriginEndpoint', { ChannelId: 'ch', Id: 'ch-hls', HlsPackage: { SegmentDurationSeconds: 4 }, Authorization: auth });
    expect(hls.Url).toMatch(/^https:\/\/[0-9a-f]{16}\.mediapackage\.us-east-1\.amazonaws\.com\/out\/v1\/[0-9a-f]{32}\/index\.m3u8$/);
    expect(hls.Authorization).toEqual(auth);
    expect(hls.HlsPackage).toMatchObject({ SegmentDurationSeconds: 4, PlaylistWindowSeconds: 60 });
    const dash = await call('CreateOriginEndpoint', { ChannelId: 'ch', Id: 'ch-dash', DashPackage: {}, ManifestName: 'live' });
    expect(dash.Url).toMatch(/\/live\.mpd$/);
    const cmaf = await call('CreateOriginEndpoint', { ChannelId: 'ch', Id: 'ch-cmaf', CmafPackage: { HlsManifests: [{ Id: 'cmaf-hls' }] } });
    expect(((cmaf.CmafPackage as ModelValue).HlsManifests as ModelValue[])[0]!.Url).toMatch(/\/cmaf-hls\.m3u8$/);
    expect((await awsError(call('CreateOriginEndpoint', { ChannelId: 'ch', Id: 'two', HlsPackage: {}, DashPackage: {} }))).status).toBe(422);
    expect((await awsError(call('CreateOriginEndpoint', { ChannelId: 'ch', Id: 'none' }))).status).toBe(422);
    expect((await awsError(call('CreateOriginEndpoint', { ChannelId: 'ch', Id: 'bad', HlsPackage: {}, Authorization: { ...auth, CdnIdentifierSecret: 'plain' } }))).message).toMatch(/CdnIdentifierSecret/);
    expect((await awsError(call('CreateOriginEndpoint', { ChannelId: 'nope', Id: 'x', HlsPackage: {} }))).status).toBe(422);
    expect(((await call('ListOriginEndpoints', { ChannelId: 'ch' })).OriginEndpoints as unknown[]).length).toBe(3);
  });

  it('refuses to delete a channel that still has endpoints (422), then deletes in order', async () => {
    await call('CreateChannel', { Id: 'ch' });
    await call('CreateOriginEndpoint', { ChannelId: 'ch', Id: 'ep', HlsPackage: {} });
    const err = await awsError(call('DeleteChannel', { Id: 'ch' }));
    expect([err.code, err.status]).toEqual(['UnprocessableEntityException', 422]);
    await call('DeleteOriginEndpoint', { Id: 'ep' });
    await call('DeleteChannel', { Id: 'ch' });
    expect((await awsError(call('DescribeChannel', { Id: 'ch' }))).code).toBe('NotFoundException');
    expect(v1.inventory()).toEqual([]);
  });

  it('tags channels and endpoints by ARN', async () => {
    const c = await call('CreateChannel', { Id: 'ch', Tags: { a: '1' } });
    await call('TagResource', { ResourceArn: c.Arn, Tags: { b: '2' } });
    await call('UntagResource', { ResourceArn: c.Arn, TagKeys: ['a'] });
    expect((await call('ListTagsForResource', { ResourceArn: c.Arn })).Tags).toEqual({ b: '2' });
  });
});
