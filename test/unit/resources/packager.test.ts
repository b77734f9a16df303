import { mockClient } from 'aws-sdk-client-mock';
import {
  ConflictException as V2Conflict, CreateChannelCommand as V2CreateChannel, CreateChannelGroupCommand,
  CreateOriginEndpointCommand as V2CreateEndpoint, DeleteChannelCommand as V2DeleteChannel, DeleteChannelGroupCommand,
  DeleteOriginEndpointCommand as V2DeleteEndpoint, GetChannelCommand as V2GetChannel, GetChannelGroupCommand,
  GetOriginEndpointCommand as V2GetEndpoint, ListChannelsCommand as V2ListChannels, MediaPackageV2Client,
  PutChannelPolicyCommand, PutOriginEndpointPolicyCommand, ResourceNotFoundException,
} from '@aws-sdk/client-mediapackagev2';
import {
  CreateChannelCommand as V1CreateChannel, CreateOriginEndpointCommand as V1CreateEndpoint, DeleteChannelCommand as V1DeleteChannel,
  DeleteOriginEndpointCommand as V1DeleteEndpoint, DescribeChannelCommand as V1DescribeChannel,
  DescribeOriginEndpointCommand as V1DescribeEndpoint, MediaPackageClient, NotFoundException as V1NotFound,
} from '@aws-sdk/client-mediapackage';
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ResourceNotFoundException as SecretNotFound,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { packagerFor, readCdnIdentifier, type PackagerDeps } from '../../../functions/lib/packager';
import {
  buildChannelGroupRequest, buildChannelPolicy, buildOriginEndpointPolicy, buildV2ChannelRequest, buildV2OriginEndpointRequests,
} from '../../../functions/lib/packager/v2';
import { buildCdnSecretRequest, buildV1ChannelRequest, buildV1OriginEndpointRequests } from '../../../functions/lib/packager/v1';
import { ValidationError } from '../../../functions/lib/errors';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { CONFIG, DEDICATED, makeRecord, MEDIALIVE_ROLE, MemoryRegistry, PACKAGERS, SECRETS_ROLE, STAGE } from './helpers/fixtures';
import { modelErrors } from './helpers/model-check';
import { looseMock, sent, sentNames } from './helpers/loose-mock';

const v2 = looseMock(MediaPackageV2Client);
const v1 = mockClient(MediaPackageClient);
const sm = mockClient(SecretsManagerClient);
const clients = {
  mediapackagev2: new MediaPackageV2Client({ region: 'us-east-1' }),
  mediapackage: new MediaPackageClient({ region: 'us-east-1' }),
  secretsmanager: new SecretsManagerClient({ region: 'us-east-1' }),
};
const TAGS = { 'onair:channel': 'demo-1', 'onair:profile': 'default', 'onair:stage': STAGE };
const v2NotFound = () => new ResourceNotFoundException({ $metadata: { httpStatusCode: 404 }, message: 'not found' });
const v1NotFound = () => new V1NotFound({ $metadata: { httpStatusCode: 404 }, message: 'not found' });
const EGRESS = 'abc123.egress.xyz.mediapackagev2.us-east-1.amazonaws.com';
const V1_HOST = 'c4af3793bf76b33c.mediapackage.us-east-1.amazonaws.com';

let registry: MemoryRegistry;
function setup(record: ChannelRecord): PackagerDeps {
  registry = new MemoryRegistry(record);
  return { ...clients, registry, config: CONFIG };
}

beforeEach(() => { v2.reset(); v1.reset(); sm.reset(); });

describe.each(PACKAGERS)('packager request builders: $name', ({ overrides }) => {
  const record = makeRecord('default', overrides);
  it('every create request passes the AWS model', () => {
    if (record.profile.packager.kind === 'mediapackage-v2') {
      expect(modelErrors('mediapackagev2', 'CreateChannelGroup', buildChannelGroupRequest(record, STAGE))).toEqual([]);
      expect(modelErrors('mediapackagev2', 'CreateChannel', buildV2ChannelRequest(record, STAGE))).toEqual([]);
      for (const { request } of buildV2OriginEndpointRequests(record, STAGE)) {
        expect(modelErrors('mediapackagev2', 'CreateOriginEndpoint', request)).toEqual([]);
      }
      expect(modelErrors('mediapackagev2', 'PutChannelPolicy', { ChannelGroupName: 'g', ChannelName: 'c', Policy: buildChannelPolicy('arn:c', MEDIALIVE_ROLE) })).toEqual([]);
    } else {
      expect(modelErrors('mediapackage', 'CreateChannel', buildV1ChannelRequest(record, STAGE))).toEqual([]);
      expect(modelErrors('secretsmanager', 'CreateSecret', buildCdnSecretRequest(record, STAGE, '9ceebbe7-9607-4552-8764-876e47032660'))).toEqual([]);
      for (const { request } of buildV1OriginEndpointRequests(record, STAGE, 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x', SECRETS_ROLE)) {
        expect(modelErrors('mediapackage', 'CreateOriginEndpoint', request)).toEqual([]);
        expect(request.Authorization).toEqual({ CdnIdentifierSecret: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x', SecretsRoleArn: SECRETS_ROLE });
      }
    }
  });
});

describe('MediaPackage v2 builders', () => {
  it('a CMAF-ingest channel, and endpoints for HLS/TS and DASH (+ CMAF HLS and LL-HLS when asked)', () => {
    expect(buildV2ChannelRequest(makeRecord('default', DEDICATED), STAGE)).toMatchObject({ InputType: 'CMAF', ChannelGroupName: 'onair-demo-1', ChannelName: 'onair-demo-1-gen0001', Tags: TAGS });
    // Shared delivery: the stage's group; the generation keeps a re-creation's paths apart (lib/delivery.ts).
    expect(buildV2ChannelRequest(makeRecord(), STAGE)).toMatchObject({ ChannelGroupName: 'onair-test', ChannelName: 'onair-demo-1-gen0001' });
    const plain = buildV2OriginEndpointRequests(makeRecord(), STAGE);
    expect(plain.map((p) => [p.keys, p.request.ContainerType])).toEqual([[['hls'], 'TS'], [['dash'], 'CMAF']]);
    expect(plain[1].request.LowLatencyHlsManifests).toBeUndefined();
    const ll = buildV2OriginEndpointRequests(makeRecord('low-latency'), STAGE);
    expect(ll[1].keys).toEqual(['dash', 'llhls']);
    expect(ll[1].request.LowLatencyHlsManifests).toEqual([expect.objectContaining({ ManifestName: 'llhls' })]);
    expect(ll[1].request.Segment!.SegmentDurationSeconds).toBe(2);
  });

  it('channel policy lets only the MediaLive role PutObject; endpoint policy lets CloudFront read for one distribution', () => {
    expect(JSON.parse(buildChannelPolicy('arn:channel', MEDIALIVE_ROLE)).Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { AWS: MEDIALIVE_ROLE }, Action: 'mediapackagev2:PutObject', Resource: 'arn:channel' }),
    ]);
    expect(JSON.parse(buildOriginEndpointPolicy('arn:ep', 'arn:aws:cloudfront::111122223333:distribution/E1')).Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' }, Action: expect.arrayContaining(['mediapackagev2:GetObject']), Resource: 'arn:ep',
        Condition: { StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E1' } },
      }),
    ]);
  });
});

function mockV2Creates(): void {
  v2.on(GetChannelGroupCommand).rejects(v2NotFound());
  v2.on(CreateChannelGroupCommand).resolves({ ChannelGroupName: 'onair-demo-1', EgressDomain: EGRESS, Arn: 'arn:group' });
  v2.on(V2GetChannel).rejects(v2NotFound());
  v2.on(V2CreateChannel).resolves({ Arn: 'arn:mp:channel', IngestEndpoints: [{ Id: '1', Url: 'https://in-1/' }, { Id: '2', Url: 'https://in-2/' }] });
  v2.on(PutChannelPolicyCommand).resolves({});
  v2.on(V2GetEndpoint).rejects(v2NotFound());
  v2.on(V2CreateEndpoint, { OriginEndpointName: 'onair-demo-1-hls' }).resolves({
    Arn: 'arn:ep:hls', HlsManifests: [{ ManifestName: 'index', Url: `https://${EGRESS}/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-hls/index.m3u8` }],
  });
  v2.on(V2CreateEndpoint, { OriginEndpointName: 'onair-demo-1-cmaf' }).resolves({
    Arn: 'arn:ep:cmaf', DashManifests: [{ ManifestName: 'dash', Url: `https://${EGRESS}/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-cmaf/dash.mpd` }],
  });
}

describe('MediaPackage v2 operations', () => {
  it("shared delivery: the stage's group is used as it is (never created or deleted), endpoints open to the stage's distribution at creation", async () => {
    const deps = setup(makeRecord());
    v2.on(GetChannelGroupCommand).resolves({ ChannelGroupName: 'onair-test', EgressDomain: EGRESS, Tags: { 'onair:stage': STAGE } });
    v2.on(V2GetChannel).rejects(v2NotFound());
    v2.on(V2CreateChannel).resolves({ Arn: 'arn:mp:channel', IngestEndpoints: [{ Id: '1', Url: 'https://in-1/' }] });
    v2.on(PutChannelPolicyCommand).resolves({});
    v2.on(V2GetEndpoint).rejects(v2NotFound());
    v2.on(V2CreateEndpoint, { OriginEndpointName: 'onair-demo-1-hls' }).resolves({ Arn: 'arn:ep:hls', HlsManifests: [{ ManifestName: 'index', Url: `https://${EGRESS}/out/v1/onair-test/onair-demo-1-gen0001/onair-demo-1-hls/index.m3u8` }] });
    v2.on(V2CreateEndpoint, { OriginEndpointName: 'onair-demo-1-cmaf' }).resolves({ Arn: 'arn:ep:cmaf', DashManifests: [{ ManifestName: 'dash', Url: `https://${EGRESS}/out/v1/onair-test/onair-demo-1-gen0001/onair-demo-1-cmaf/dash.mpd` }] });
    v2.on(PutOriginEndpointPolicyCommand).resolves({});
    await packagerFor(registry.record).ensure(deps, registry.reload());
    expect(sent(v2, CreateChannelGroupCommand)).toEqual([]);
    expect(sent(v2, V2CreateChannel)).toContainEqual(expect.objectContaining({ ChannelGroupName: 'onair-test', ChannelName: 'onair-demo-1-gen0001' }));
    expect(sent(v2, PutOriginEndpointPolicyCommand)).toEqual([
      expect.objectContaining({ OriginEndpointName: 'onair-demo-1-hls', Policy: buildOriginEndpointPolicy('arn:ep:hls', CONFIG.deliveryDistributionArn) }),
      expect.objectContaining({ OriginEndpointName: 'onair-demo-1-cmaf', Policy: buildOriginEndpointPolicy('arn:ep:cmaf', CONFIG.deliveryDistributionArn) }),
    ]);
    expect(registry.record.resources.packager).toMatchObject({ channelGroupName: 'onair-test', channelGroupCreated: false });
    v2.on(V2DeleteEndpoint).resolves({});
    v2.on(V2DeleteChannel).resolves({});
    await packagerFor(registry.record).delete(deps, registry.reload());
    expect(sent(v2, DeleteChannelGroupCommand)).toEqual([]);
  });

  it("shared delivery refuses to create the stage's group when the stack has none", async () => {
    const deps = setup(makeRecord());
    v2.on(GetChannelGroupCommand).rejects(v2NotFound());
    await expect(packagerFor(registry.record).ensure(deps, registry.reload())).rejects.toThrow(/stage's MediaPackage channel group onair-test does not exist/);
    expect(sent(v2, CreateChannelGroupCommand)).toEqual([]);
  });
  it('ensure creates group → channel → policy → endpoints, recording each as it appears', async () => {
    const deps = setup(makeRecord('default', DEDICATED));
    mockV2Creates();
    const out = await packagerFor(registry.record).ensure(deps, registry.reload());
    expect(out.endpoints).toEqual({
      hls: `https://${EGRESS}/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-hls/index.m3u8`,
      dash: `https://${EGRESS}/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-cmaf/dash.mpd`,
    });
    expect(sent(v2, CreateChannelGroupCommand)).toContainEqual(expect.objectContaining({ ChannelGroupName: 'onair-demo-1', Tags: TAGS }));
    expect(sent(v2, V2CreateChannel)).toContainEqual(expect.objectContaining({ InputType: 'CMAF' }));
    expect(sent(v2, PutChannelPolicyCommand)).toContainEqual(expect.objectContaining({ Policy: buildChannelPolicy('arn:mp:channel', MEDIALIVE_ROLE) }));
    const pk = registry.record.resources.packager;
    expect(pk).toMatchObject({ channelGroupName: 'onair-demo-1', channelGroupCreated: true, channelGroupEgressDomain: EGRESS, channelName: 'onair-demo-1-gen0001', ingestEndpoints: ['https://in-1/', 'https://in-2/'] });
    expect(pk.originEndpoints.hls).toMatchObject({ name: 'onair-demo-1-hls', format: 'HLS', arn: 'arn:ep:hls' });
    // The group is recorded (as OnAir's) before the channel is even asked for.
    const groupWrite = registry.writes.findIndex((w) => w.op === 'record' && w.path.join('.') === 'packager.channelGroupCreated');
    const channelWrite = registry.writes.findIndex((w) => w.op === 'record' && w.path.join('.') === 'packager.channelArn');
    expect(groupWrite).toBeGreaterThanOrEqual(0);
    expect(groupWrite).toBeLessThan(channelWrite);
    expect(packagerFor(registry.record).playbackPaths(registry.reload())).toEqual({
      hls: '/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-hls/index.m3u8', dash: '/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-cmaf/dash.mpd',
    });
    expect(packagerFor(registry.record).cdnOrigin(registry.reload())).toEqual({ domainName: EGRESS, originPath: '', protection: { kind: 'oac' } });
  });

  it('a retry finds everything by name and creates nothing', async () => {
    const deps = setup(makeRecord('default', DEDICATED));
    v2.on(GetChannelGroupCommand).resolves({ ChannelGroupName: 'onair-demo-1', EgressDomain: EGRESS, Tags: TAGS });
    v2.on(V2GetChannel).resolves({ Arn: 'arn:mp:channel', IngestEndpoints: [], Tags: TAGS });
    v2.on(V2GetEndpoint).resolves({ Arn: 'arn:ep', Tags: TAGS, HlsManifests: [{ ManifestName: 'index', Url: `https://${EGRESS}/a/index.m3u8` }], DashManifests: [{ ManifestName: 'dash', Url: `https://${EGRESS}/a/dash.mpd` }] });
    await packagerFor(registry.record).ensure(deps, registry.reload());
    expect(sent(v2, CreateChannelGroupCommand)).toEqual([]);
    expect(sent(v2, V2CreateChannel)).toEqual([]);
    expect(sent(v2, V2CreateEndpoint)).toEqual([]);
    expect(registry.record.resources.packager).toMatchObject({ channelGroupCreated: true });
  });

  it('a concurrent create (ConflictException) reads back what exists', async () => {
    const deps = setup(makeRecord('default', DEDICATED));
    mockV2Creates();
    v2.on(CreateChannelGroupCommand).rejects(new V2Conflict({ $metadata: {}, message: 'exists' }));
    v2.on(GetChannelGroupCommand).rejectsOnce(v2NotFound()).resolves({ EgressDomain: EGRESS, Tags: TAGS });
    await packagerFor(registry.record).ensure(deps, registry.reload());
    expect(registry.record.resources.packager).toMatchObject({ channelGroupName: 'onair-demo-1', channelGroupCreated: true });
  });

  it('a group someone else created in the same instant is neither adopted nor left in the registry', async () => {
    const deps = setup(makeRecord('default', DEDICATED));
    mockV2Creates();
    v2.on(CreateChannelGroupCommand).rejects(new V2Conflict({ $metadata: {}, message: 'exists' }));
    v2.on(GetChannelGroupCommand).rejectsOnce(v2NotFound()).resolves({ EgressDomain: EGRESS, Tags: { owner: 'someone' } });
    await expect(packagerFor(registry.record).ensure(deps, registry.reload())).rejects.toBeInstanceOf(ValidationError);
    expect(registry.record.resources.packager).toEqual({ kind: 'mediapackage-v2', originEndpoints: {} });
  });

  it('a crash right after CreateChannel still leaves teardown everything it needs (names recorded first)', async () => {
    const deps = setup(makeRecord('default', DEDICATED));
    mockV2Creates();
    const real = registry.recordResource.bind(registry);
    // The Lambda dies on the write that follows CreateChannel.
    registry.recordResource = async (id, path, value) => {
      if (path.join('.') === 'packager.channelArn') throw new Error('Lambda timed out');
      return real(id, path, value);
    };
    await expect(packagerFor(registry.record).ensure(deps, registry.reload())).rejects.toThrow('Lambda timed out');
    expect(sent(v2, V2CreateChannel)).toHaveLength(1);
    registry.recordResource = real;
    v2.on(V2DeleteEndpoint).rejects(v2NotFound());
    v2.on(V2DeleteChannel).resolves({});
    v2.on(V2ListChannels).resolves({ Items: [] });
    v2.on(DeleteChannelGroupCommand).resolves({});
    await packagerFor(registry.record).delete(deps, registry.reload());
    expect(sent(v2, V2DeleteChannel)).toEqual([{ ChannelGroupName: 'onair-demo-1', ChannelName: 'onair-demo-1-gen0001' }]);
    expect(sent(v2, V2DeleteEndpoint).map((i) => i.OriginEndpointName)).toEqual(['onair-demo-1-hls', 'onair-demo-1-cmaf']);
    expect(sent(v2, DeleteChannelGroupCommand)).toEqual([{ ChannelGroupName: 'onair-demo-1' }]);
    expect(registry.record.resources.packager).toEqual({ kind: 'mediapackage-v2', originEndpoints: {} });
  });

  it('never adopts a same-named channel or endpoint of another stage', async () => {
    const deps = setup(makeRecord('default', { delivery: 'dedicated', packager: { channelGroup: 'shared-group' } }));
    mockV2Creates();
    v2.on(GetChannelGroupCommand).resolves({ EgressDomain: EGRESS });
    v2.on(V2GetChannel).resolves({ Arn: 'arn:prod:channel', Tags: { ...TAGS, 'onair:stage': 'prod' } });
    await expect(packagerFor(registry.record).ensure(deps, registry.reload())).rejects.toThrow(/not OnAir's for channel demo-1 in stage test/);
    expect(registry.record.resources.packager).not.toHaveProperty('channelArn');
    v2.on(V2GetChannel).resolves({ Arn: 'arn:mp:channel', Tags: TAGS });
    v2.on(V2GetEndpoint).resolves({ Arn: 'arn:prod:ep', Tags: { owner: 'someone' } });
    await expect(packagerFor(registry.record).ensure(deps, registry.reload())).rejects.toThrow(/origin endpoint onair-demo-1-hls/);
    expect(sent(v2, V2CreateEndpoint)).toEqual([]);
  });

  it('never adopts a same-named group that is not tagged for this channel', async () => {
    const deps = setup(makeRecord('default', DEDICATED));
    v2.on(GetChannelGroupCommand).resolves({ EgressDomain: EGRESS, Tags: { owner: 'someone' } });
    await expect(packagerFor(registry.record).ensure(deps, registry.reload())).rejects.toBeInstanceOf(ValidationError);
    expect(sent(v2, V2CreateChannel)).toEqual([]);
  });

  it('uses a named existing group without claiming it, and refuses a named group that does not exist', async () => {
    const deps = setup(makeRecord('default', { delivery: 'dedicated', packager: { channelGroup: 'shared-group' } }));
    mockV2Creates();
    v2.on(GetChannelGroupCommand).resolves({ EgressDomain: EGRESS });
    await packagerFor(registry.record).ensure(deps, registry.reload());
    expect(sent(v2, CreateChannelGroupCommand)).toEqual([]);
    expect(registry.record.resources.packager).toMatchObject({ channelGroupName: 'shared-group', channelGroupCreated: false });

    const deps2 = setup(makeRecord('default', { delivery: 'dedicated', packager: { channelGroup: 'shared-group' } }));
    v2.reset();
    v2.on(GetChannelGroupCommand).rejects(v2NotFound());
    await expect(packagerFor(registry.record).ensure(deps2, registry.reload())).rejects.toThrow(/does not exist/);
  });

  it('authorizeCdn puts an OAC policy on each endpoint for the recorded distribution', async () => {
    const deps = setup(makeRecord('default', DEDICATED));
    mockV2Creates();
    await packagerFor(registry.record).ensure(deps, registry.reload());
    registry.record.resources.distributionArn = 'arn:aws:cloudfront::111122223333:distribution/E1';
    await expect(packagerFor(registry.record).authorizeCdn(deps, registry.reload())).resolves.toEqual({ authorized: true, endpoints: ['onair-demo-1-hls', 'onair-demo-1-cmaf'] });
    expect(sent(v2, PutOriginEndpointPolicyCommand)).toContainEqual(expect.objectContaining({
      OriginEndpointName: 'onair-demo-1-cmaf', Policy: buildOriginEndpointPolicy('arn:ep:cmaf', 'arn:aws:cloudfront::111122223333:distribution/E1'),
    }));
  });

  it('delete: endpoints → channel → OnAir\'s empty group, NotFound as done, registry cleared, rerun a no-op', async () => {
    const deps = setup(makeRecord('default', DEDICATED));
    mockV2Creates();
    await packagerFor(registry.record).ensure(deps, registry.reload());
    v2.on(V2DeleteEndpoint, { OriginEndpointName: 'onair-demo-1-hls' }).rejects(v2NotFound());
    v2.on(V2DeleteEndpoint, { OriginEndpointName: 'onair-demo-1-cmaf' }).resolves({});
    v2.on(V2DeleteChannel).resolves({});
    v2.on(V2ListChannels).resolves({ Items: [] });
    v2.on(DeleteChannelGroupCommand).resolves({});
    await expect(packagerFor(registry.record).delete(deps, registry.reload())).resolves.toEqual({ deleted: true });
    const order = sentNames(v2).filter((n) => n.startsWith('Delete'));
    expect(order).toEqual(['DeleteOriginEndpointCommand', 'DeleteOriginEndpointCommand', 'DeleteChannelCommand', 'DeleteChannelGroupCommand']);
    expect(registry.record.resources.packager).toEqual({ kind: 'mediapackage-v2', originEndpoints: {} });
    v2.resetHistory();
    await packagerFor(registry.record).delete(deps, registry.reload());
    expect(v2.calls()).toHaveLength(0);
  });

  it('delete keeps a group OnAir did not create, and one that is not empty', async () => {
    const deps = setup(makeRecord('default', { delivery: 'dedicated', packager: { channelGroup: 'shared-group' } }));
    Object.assign(registry.record.resources.packager, { channelGroupName: 'shared-group', channelGroupCreated: false, channelName: 'onair-demo-1-gen0001' });
    v2.on(V2DeleteChannel).resolves({});
    await packagerFor(registry.record).delete(deps, registry.reload());
    expect(sent(v2, DeleteChannelGroupCommand)).toEqual([]);

    const deps2 = setup(makeRecord('default', DEDICATED));
    Object.assign(registry.record.resources.packager, { channelGroupName: 'onair-demo-1', channelGroupCreated: true });
    v2.on(V2ListChannels).resolves({ Items: [{ ChannelName: 'theirs' }] });
    await expect(packagerFor(registry.record).delete(deps2, registry.reload())).resolves.toMatchObject({ deleted: true, retained: [expect.stringContaining('onair-demo-1')] });
    expect(sent(v2, DeleteChannelGroupCommand)).toEqual([]);
    expect(registry.record.resources.packager).toMatchObject({ channelGroupName: 'onair-demo-1' });
  });
});

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:onair/test/demo-1/cdn-identifier-AbCdEf';

function mockV1Creates(): void {
  sm.on(DescribeSecretCommand).rejects(new SecretNotFound({ $metadata: { httpStatusCode: 400 }, message: 'no secret' }));
  sm.on(CreateSecretCommand).resolves({ ARN: SECRET_ARN });
  v1.on(V1DescribeChannel).rejects(v1NotFound());
  v1.on(V1CreateChannel).resolves({ Arn: 'arn:mp1:channel', HlsIngest: { IngestEndpoints: [{ Url: 'https://ingest-1/', Username: 'u1', Password: 'SECRET-PASSWORD' }] } });
  v1.on(V1DescribeEndpoint).rejects(v1NotFound());
  for (const k of ['hls', 'dash', 'cmaf']) {
    const ext = k === 'dash' ? 'mpd' : 'm3u8';
    v1.on(V1CreateEndpoint, { Id: `onair-demo-1-${k}` }).resolves({
      Arn: `arn:ep1:${k}`, Url: `https://${V1_HOST}/out/v1/${k}hash/index.${ext}`,
      ...(k === 'cmaf' ? { CmafPackage: { HlsManifests: [{ Id: 'x', Url: `https://${V1_HOST}/out/v1/cmafhash/index.m3u8` }] } } : {}),
    });
  }
}

describe('MediaPackage v1 operations', () => {
  it('ensure creates the secret, the channel and CDN-authorized endpoints; never records the ingest password', async () => {
    const deps = setup(makeRecord('mediapackage-v1'));
    mockV1Creates();
    const out = await packagerFor(registry.record).ensure(deps, registry.reload());
    expect(Object.keys(out.endpoints)).toEqual(['hls', 'dash', 'cmaf']);
    const secretReq = sm.commandCalls(CreateSecretCommand)[0].args[0].input;
    expect(JSON.parse(secretReq.SecretString as string)).toEqual({ MediaPackageCDNIdentifier: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(v1).toHaveReceivedCommandWith(V1CreateEndpoint, { Id: 'onair-demo-1-hls', Authorization: { CdnIdentifierSecret: SECRET_ARN, SecretsRoleArn: SECRETS_ROLE } });
    // The secret's name is recorded before CreateSecret, its ARN right after.
    expect(registry.writes.slice(0, 2)).toEqual([
      { op: 'record', path: ['packager', 'cdnSecretArn'], value: 'onair/test/demo-1/cdn-identifier' },
      { op: 'record', path: ['packager', 'cdnSecretArn'], value: SECRET_ARN },
    ]);
    expect(JSON.stringify(registry.record)).not.toContain('SECRET-PASSWORD');
    expect(JSON.stringify(registry.record)).not.toContain(JSON.parse(secretReq.SecretString as string).MediaPackageCDNIdentifier);
    expect(packagerFor(registry.record).cdnOrigin(registry.reload())).toEqual({
      domainName: V1_HOST, originPath: '', protection: { kind: 'cdn-identifier-header', headerName: 'X-MediaPackage-CDNIdentifier', secretArn: SECRET_ARN },
    });
    expect(packagerFor(registry.record).playbackPaths(registry.reload())).toEqual({ hls: '/out/v1/hlshash/index.m3u8', dash: '/out/v1/dashhash/index.mpd', cmaf: '/out/v1/cmafhash/index.m3u8' });
  });

  it('refuses a v1 channel with the same id that belongs to another stage', async () => {
    const deps = setup(makeRecord('mediapackage-v1'));
    mockV1Creates();
    v1.on(V1DescribeChannel).resolves({ Arn: 'arn:prod', Tags: { ...TAGS, 'onair:stage': 'prod' } });
    await expect(packagerFor(registry.record).ensure(deps, registry.reload())).rejects.toBeInstanceOf(ValidationError);
    expect(v1).not.toHaveReceivedCommand(V1CreateEndpoint);
  });

  it('a retry after a lost registry write adopts the tagged secret instead of creating a second one', async () => {
    const deps = setup(makeRecord('mediapackage-v1'));
    mockV1Creates();
    sm.on(DescribeSecretCommand).resolves({ ARN: SECRET_ARN, Tags: [{ Key: 'onair:channel', Value: 'demo-1' }, { Key: 'onair:stage', Value: STAGE }] });
    await packagerFor(registry.record).ensure(deps, registry.reload());
    expect(sm).not.toHaveReceivedCommand(CreateSecretCommand);
    expect(registry.record.resources.packager).toMatchObject({ cdnSecretArn: SECRET_ARN });
  });

  it('a crash right after CreateSecret / CreateChannel leaves teardown what it needs; unrecorded endpoints are deleted only if they hang off OnAir\'s channel', async () => {
    const deps = setup(makeRecord('mediapackage-v1'));
    mockV1Creates();
    const real = registry.recordResource.bind(registry);
    registry.recordResource = async (id, path, value) => {
      if (path.join('.') === 'packager.originEndpoints.hls') throw new Error('Lambda timed out');
      return real(id, path, value);
    };
    await expect(packagerFor(registry.record).ensure(deps, registry.reload())).rejects.toThrow('Lambda timed out');
    registry.recordResource = real;
    expect(registry.record.resources.packager).toMatchObject({ channelId: 'onair-demo-1', cdnSecretArn: SECRET_ARN, originEndpoints: {} });
    v1.on(V1DescribeEndpoint, { Id: 'onair-demo-1-hls' }).resolves({ ChannelId: 'onair-demo-1', Tags: TAGS });
    v1.on(V1DescribeEndpoint, { Id: 'onair-demo-1-dash' }).resolves({ ChannelId: 'someone-elses', Tags: TAGS });
    v1.on(V1DeleteEndpoint).resolves({});
    v1.on(V1DeleteChannel).resolves({});
    sm.on(DeleteSecretCommand).resolves({});
    await packagerFor(registry.record).delete(deps, registry.reload());
    expect(v1.commandCalls(V1DeleteEndpoint).map((c) => c.args[0].input.Id)).toEqual(['onair-demo-1-hls']);
    expect(v1).toHaveReceivedCommandWith(V1DeleteChannel, { Id: 'onair-demo-1' });
    expect(sm).toHaveReceivedCommandWith(DeleteSecretCommand, { SecretId: SECRET_ARN, ForceDeleteWithoutRecovery: true });
  });

  it('readCdnIdentifier returns the value and names (never shows) a bad secret', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: JSON.stringify({ MediaPackageCDNIdentifier: '9ceebbe7-9607-4552-8764-876e47032660' }) })
      .resolves({ SecretString: '{"other":"leaky-value"}' });
    await expect(readCdnIdentifier(clients.secretsmanager, SECRET_ARN)).resolves.toBe('9ceebbe7-9607-4552-8764-876e47032660');
    const error = await readCdnIdentifier(clients.secretsmanager, SECRET_ARN).catch((e: Error) => e);
    expect((error as Error).message).toContain(SECRET_ARN);
    expect((error as Error).message).not.toContain('leaky-value');
  });

  it('delete: endpoints → channel → secret without recovery window; NotFound as done; rerun a no-op', async () => {
    const deps = setup(makeRecord('mediapackage-v1'));
    mockV1Creates();
    await packagerFor(registry.record).ensure(deps, registry.reload());
    v1.on(V1DeleteEndpoint).resolves({});
    v1.on(V1DeleteEndpoint, { Id: 'onair-demo-1-dash' }).rejects(v1NotFound());
    v1.on(V1DeleteChannel).resolves({});
    sm.on(DeleteSecretCommand).resolves({});
    await expect(packagerFor(registry.record).delete(deps, registry.reload())).resolves.toEqual({ deleted: true });
    expect(v1).toHaveReceivedCommandTimes(V1DeleteEndpoint, 3);
    expect(v1).toHaveReceivedCommandWith(V1DeleteChannel, { Id: 'onair-demo-1' });
    expect(sm).toHaveReceivedCommandWith(DeleteSecretCommand, { SecretId: SECRET_ARN, ForceDeleteWithoutRecovery: true });
    expect(registry.record.resources.packager).toEqual({ kind: 'mediapackage-v1', originEndpoints: {} });
    v1.resetHistory(); sm.resetHistory();
    await packagerFor(registry.record).delete(deps, registry.reload());
    expect(v1.calls().length + sm.calls().length).toBe(0);
  });
});
