/**
 * MediaPackage v2, v1 and CloudFront through the twin with the real SDK clients over HTTP (restJson1
 * and restXml): typed exceptions with their members, ETag/If-Match headers, idempotency.
 */
import {
  CreateDistributionWithTagsCommand, CreateOriginAccessControlCommand, CloudFrontClient, DeleteDistributionCommand, DeleteOriginAccessControlCommand,
  DistributionAlreadyExists, DistributionNotDisabled, GetDistributionCommand, GetDistributionConfigCommand, InvalidIfMatchVersion, ListTagsForResourceCommand,
  CachePolicyAlreadyExists, CreateCachePolicyCommand, ListCachePoliciesCommand, OriginAccessControlInUse, PreconditionFailed, UpdateDistributionCommand, type DistributionConfig,
} from '@aws-sdk/client-cloudfront';
import {
  ConflictException, CreateChannelCommand, CreateChannelGroupCommand, CreateOriginEndpointCommand, DeleteChannelCommand, DeleteChannelGroupCommand,
  DeleteOriginEndpointCommand, GetChannelCommand, MediaPackageV2Client, ResourceNotFoundException, ValidationException,
} from '@aws-sdk/client-mediapackagev2';
import {
  CreateChannelCommand as CreateV1Channel, CreateOriginEndpointCommand as CreateV1Endpoint, DeleteChannelCommand as DeleteV1Channel,
  DeleteOriginEndpointCommand as DeleteV1Endpoint, MediaPackageClient, UnprocessableEntityException,
} from '@aws-sdk/client-mediapackage';
import type { Twin } from '../../../local/server';
import { clientConfig } from './helpers';
import { mediaTwin, until } from './media-helpers';
import { distributionConfig } from '../../unit/local/services/media-fixtures';

describe('MediaPackage and CloudFront twins over HTTP', () => {
  let twin: Twin;
  let v2: MediaPackageV2Client;
  let v1: MediaPackageClient;
  let cf: CloudFrontClient;
  beforeAll(async () => {
    twin = await mediaTwin();
    v2 = new MediaPackageV2Client(clientConfig(twin));
    v1 = new MediaPackageClient(clientConfig(twin));
    cf = new CloudFrontClient(clientConfig(twin));
  });
  afterAll(async () => {
    for (const c of [v2, v1, cf]) c.destroy();
    await twin.stop();
  });

  it('MediaPackage v2: group, channel with ingest endpoints, endpoints, and ordered deletes', async () => {
    const group = await v2.send(new CreateChannelGroupCommand({ ChannelGroupName: 'onair-it', ClientToken: 'tok-g', Tags: { 'onair:channel': 'it' } }));
    expect(group.EgressDomain).toMatch(/\.egress\..+\.mediapackagev2\.us-east-1\.amazonaws\.com$/);
    expect(group.CreatedAt).toBeInstanceOf(Date);
    const again = await v2.send(new CreateChannelGroupCommand({ ChannelGroupName: 'onair-it', ClientToken: 'tok-g', Tags: { 'onair:channel': 'it' } }));
    expect(again.Arn).toBe(group.Arn);
    const channel = await v2.send(new CreateChannelCommand({ ChannelGroupName: 'onair-it', ChannelName: 'ch', InputType: 'CMAF' }));
    expect(channel.IngestEndpoints).toHaveLength(2);
    const dup = await v2.send(new CreateChannelCommand({ ChannelGroupName: 'onair-it', ChannelName: 'ch' })).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ConflictException);
    expect((dup as ConflictException).ConflictExceptionType).toBe('RESOURCE_ALREADY_EXISTS');
    const ep = await v2.send(new CreateOriginEndpointCommand({ ChannelGroupName: 'onair-it', ChannelName: 'ch', OriginEndpointName: 'cmaf', ContainerType: 'CMAF', DashManifests: [{ ManifestName: 'dash' }], HlsManifests: [{ ManifestName: 'index' }] }));
    expect(ep.DashManifests![0]!.Url).toBe(`https://${group.EgressDomain!}/out/v1/onair-it/ch/cmaf/dash.mpd`);
    const tsDash = await v2.send(new CreateOriginEndpointCommand({ ChannelGroupName: 'onair-it', ChannelName: 'ch', OriginEndpointName: 'ts', ContainerType: 'TS', DashManifests: [{ ManifestName: 'd' }] })).catch((e: unknown) => e);
    expect(tsDash).toBeInstanceOf(ValidationException);
    const inUse = await v2.send(new DeleteChannelCommand({ ChannelGroupName: 'onair-it', ChannelName: 'ch' })).catch((e: unknown) => e);
    expect((inUse as ConflictException).ConflictExceptionType).toBe('RESOURCE_IN_USE');
    await expect(v2.send(new DeleteChannelGroupCommand({ ChannelGroupName: 'onair-it' }))).rejects.toBeInstanceOf(ConflictException);
    await v2.send(new DeleteOriginEndpointCommand({ ChannelGroupName: 'onair-it', ChannelName: 'ch', OriginEndpointName: 'cmaf' }));
    await v2.send(new DeleteChannelCommand({ ChannelGroupName: 'onair-it', ChannelName: 'ch' }));
    const gone = await v2.send(new GetChannelCommand({ ChannelGroupName: 'onair-it', ChannelName: 'ch' })).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect((gone as ResourceNotFoundException).ResourceTypeNotFound).toBe('CHANNEL');
    await v2.send(new DeleteChannelGroupCommand({ ChannelGroupName: 'onair-it' }));
    expect(twin.inventory().filter((i) => i.service === 'mediapackagev2')).toEqual([]);
  });

  it('MediaPackage v1: ingest credentials, CDN authorization, 422 deleting a channel with endpoints', async () => {
    const ch = await v1.send(new CreateV1Channel({ Id: 'onair-it-v1' }));
    expect(ch.HlsIngest!.IngestEndpoints!.map((e) => [typeof e.Url, typeof e.Username, typeof e.Password])).toEqual([['string', 'string', 'string'], ['string', 'string', 'string']]);
    const ep = await v1.send(new CreateV1Endpoint({
      ChannelId: 'onair-it-v1', Id: 'onair-it-v1-hls', HlsPackage: { SegmentDurationSeconds: 6 },
      Authorization: { CdnIdentifierSecret: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x-AbCdEf', SecretsRoleArn: 'arn:aws:iam::111122223333:role/mp' },
    }));
    expect(ep.Url).toMatch(/^https:\/\/[0-9a-f]+\.mediapackage\.us-east-1\.amazonaws\.com\/out\/v1\/[0-9a-f]{32}\/index\.m3u8$/);
    await expect(v1.send(new DeleteV1Channel({ Id: 'onair-it-v1' }))).rejects.toBeInstanceOf(UnprocessableEntityException);
    await v1.send(new DeleteV1Endpoint({ Id: 'onair-it-v1-hls' }));
    await v1.send(new DeleteV1Channel({ Id: 'onair-it-v1' }));
    expect(twin.inventory().filter((i) => i.service === 'mediapackage')).toEqual([]);
  });

  it('CloudFront cache policies: managed ones listed, custom ones created once per name', async () => {
    const managed = await cf.send(new ListCachePoliciesCommand({ Type: 'managed' }));
    expect(managed.CachePolicyList!.Items!.map((i) => i.CachePolicy!.Id)).toContain('658327ea-f89d-4fab-a63d-7e88639e58f6');
    const config = { Name: 'onair-it-manifests', MinTTL: 0, DefaultTTL: 1, MaxTTL: 86400, ParametersInCacheKeyAndForwardedToOrigin: { EnableAcceptEncodingGzip: true, HeadersConfig: { HeaderBehavior: 'none' as const }, CookiesConfig: { CookieBehavior: 'none' as const }, QueryStringsConfig: { QueryStringBehavior: 'whitelist' as const, QueryStrings: { Quantity: 2, Items: ['_HLS_msn', '_HLS_part'] } } } };
    const created = await cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: config }));
    expect(created.ETag).toBeDefined();
    await expect(cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: config }))).rejects.toBeInstanceOf(CachePolicyAlreadyExists);
    const custom = await cf.send(new ListCachePoliciesCommand({ Type: 'custom' }));
    expect(custom.CachePolicyList!.Items!.map((i) => [i.Type, i.CachePolicy!.CachePolicyConfig!.Name])).toEqual([['custom', 'onair-it-manifests']]);
  });

  it('CloudFront: CallerReference, ETag and If-Match, DistributionNotDisabled, OAC in use', async () => {
    const oac = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: 'it-oac', SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 'mediapackagev2' } }));
    const config = distributionConfig({ CallerReference: 'it-cdn' }, oac.OriginAccessControl!.Id) as unknown as DistributionConfig;
    const created = await cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: [{ Key: 'onair:channel', Value: 'it' }] } } }));
    expect(created.ETag).toMatch(/^E/);
    expect(created.Location).toContain(created.Distribution!.Id!);
    expect(created.Distribution).toMatchObject({ Status: 'InProgress', DomainName: expect.stringMatching(/^d[a-z0-9]{13}\.cloudfront\.net$/) });
    const replay = await cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: [{ Key: 'onair:channel', Value: 'it' }] } } }));
    expect(replay.Distribution!.Id).toBe(created.Distribution!.Id);
    await expect(cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: { ...config, Comment: 'changed' }, Tags: { Items: [] } } }))).rejects.toBeInstanceOf(DistributionAlreadyExists);
    expect((await cf.send(new ListTagsForResourceCommand({ Resource: created.Distribution!.ARN }))).Tags!.Items).toEqual([{ Key: 'onair:channel', Value: 'it' }]);

    const id = created.Distribution!.Id!;
    await until('Deployed', async () => ((await cf.send(new GetDistributionCommand({ Id: id }))).Distribution!.Status === 'Deployed' ? true : undefined));
    const current = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    expect(current.ETag).toBe(created.ETag);
    await expect(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: current.ETag }))).rejects.toBeInstanceOf(DistributionNotDisabled);
    await expect(cf.send(new UpdateDistributionCommand({ Id: id, DistributionConfig: { ...current.DistributionConfig!, Enabled: false } }))).rejects.toBeInstanceOf(InvalidIfMatchVersion);
    const stale = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: 'ESTALE', DistributionConfig: { ...current.DistributionConfig!, Enabled: false } })).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(PreconditionFailed);
    expect((stale as PreconditionFailed).$metadata.httpStatusCode).toBe(412);
    const disabled = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: current.ETag, DistributionConfig: { ...current.DistributionConfig!, Enabled: false } }));
    expect(disabled.Distribution!.Status).toBe('InProgress');
    await until('Deployed again', async () => ((await cf.send(new GetDistributionCommand({ Id: id }))).Distribution!.Status === 'Deployed' ? true : undefined));
    await expect(cf.send(new DeleteOriginAccessControlCommand({ Id: oac.OriginAccessControl!.Id, IfMatch: oac.ETag }))).rejects.toBeInstanceOf(OriginAccessControlInUse);
    await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: disabled.ETag }));
    await cf.send(new DeleteOriginAccessControlCommand({ Id: oac.OriginAccessControl!.Id, IfMatch: oac.ETag }));
    expect(twin.inventory().filter((i) => i.service === 'cloudfront')).toEqual([]);
  });
});
