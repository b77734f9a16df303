/**
 * OnAir's own request builders sent with the real SDK clients over HTTP to the twin (every codec on
 * the path: restJson1 for MediaLive/MediaPackage, restXml for CloudFront, awsJson for Secrets
 * Manager), then the playback URLs fetched through the twin's CDN while the channel runs.
 */
import { CloudFrontClient, CreateCachePolicyCommand, CreateDistributionWithTagsCommand, CreateOriginAccessControlCommand, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { ConflictException, CreateChannelCommand, CreateInputCommand, CreateInputSecurityGroupCommand, DescribeChannelCommand, MediaLiveClient, StartChannelCommand } from '@aws-sdk/client-medialive';
import { CreateChannelCommand as CreateV1Channel, CreateOriginEndpointCommand as CreateV1Endpoint, MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { CreateChannelCommand as CreateV2Channel, CreateChannelGroupCommand, CreateOriginEndpointCommand, MediaPackageV2Client, PutChannelPolicyCommand, PutOriginEndpointPolicyCommand } from '@aws-sdk/client-mediapackagev2';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { buildChannelRequest, buildInputRequest, buildInputSecurityGroupRequest } from '../../../functions/lib/medialive/builders';
import { packagerFor } from '../../../functions/lib/packager';
import { buildChannelGroupRequest, buildChannelPolicy, buildOriginEndpointPolicy, buildV2ChannelRequest, buildV2OriginEndpointRequests } from '../../../functions/lib/packager/v2';
import { buildCdnSecretRequest, buildV1ChannelRequest, buildV1OriginEndpointRequests } from '../../../functions/lib/packager/v1';
import { buildDistributionConfig, buildManifestCachePolicyConfig, buildOriginAccessControlConfig } from '../../../functions/lib/cdn/builders';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import type { Twin } from '../../../local/server';
import { makeRecord, MEDIALIVE_ROLE, SECRETS_ROLE, STAGE } from '../../unit/resources/helpers/fixtures';
import { clientConfig } from './helpers';
import { registerStackRolesAs } from '../../helpers/iam-roles';
import { cdnGet, mediaTwin, until } from './media-helpers';

describe('OnAir builders → twin over HTTP → watchable through the CDN', () => {
  let twin: Twin;
  let ml: MediaLiveClient;
  let v2: MediaPackageV2Client;
  let v1: MediaPackageClient;
  let cf: CloudFrontClient;
  let sm: SecretsManagerClient;
  let cachePolicyId: string;
  beforeAll(async () => {
    twin = await mediaTwin();
    const cfg = clientConfig(twin);
    [ml, v2, v1, cf, sm] = [new MediaLiveClient(cfg), new MediaPackageV2Client(cfg), new MediaPackageClient(cfg), new CloudFrontClient(cfg), new SecretsManagerClient(cfg)];
    // The stack's own service roles: watchable only if serverless.yml grants what the builders' requests need.
    registerStackRolesAs(twin.env, STAGE, { MediaLiveRole: MEDIALIVE_ROLE, MediaPackageSecretsRole: SECRETS_ROLE });
    cachePolicyId = (await cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: buildManifestCachePolicyConfig(STAGE) }))).CachePolicy!.Id!;
  });
  afterAll(async () => {
    for (const c of [ml, v2, v1, cf, sm]) c.destroy();
    await twin.stop();
  });

  async function encoder(record: ChannelRecord): Promise<void> {
    const sg = await ml.send(new CreateInputSecurityGroupCommand(buildInputSecurityGroupRequest(record, STAGE)));
    const input = await ml.send(new CreateInputCommand(buildInputRequest({ record, stage: STAGE, inputSecurityGroupId: sg.SecurityGroup!.Id!, roleArn: MEDIALIVE_ROLE })));
    const req = buildChannelRequest({ record, stage: STAGE, inputId: input.Input!.Id!, roleArn: MEDIALIVE_ROLE, packagerTarget: packagerFor(record).medialiveTarget(record, STAGE) });
    const id = (await ml.send(new CreateChannelCommand(req))).Channel!.Id!;
    await until('started', async () => ml.send(new StartChannelCommand({ ChannelId: id })).then(() => true, (e: unknown) => (e instanceof ConflictException ? undefined : Promise.reject(e))));
    await until('RUNNING on every pipeline', async () => ((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).PipelinesRunningCount === 2 ? true : undefined));
  }

  async function watchable(domain: string, urls: string[], rungs: number): Promise<void> {
    for (const url of urls) {
      const r = await until(`${url} served`, async () => {
        const got = await cdnGet(twin, domain, new URL(url).pathname);
        return got.status === 200 ? got : undefined;
      });
      const count = url.endsWith('.mpd') ? r.body.match(/<Representation id="\d+"/g)?.length : r.body.match(/#EXT-X-STREAM-INF/g)?.length;
      expect([url, count]).toEqual([url, rungs]);
    }
  }

  it('MediaPackage v2 with OAC', async () => {
    const record = makeRecord('default', {}, 'e2e-v2');
    const group = await v2.send(new CreateChannelGroupCommand(buildChannelGroupRequest(record, STAGE)));
    const channel = await v2.send(new CreateV2Channel(buildV2ChannelRequest(record, STAGE)));
    await v2.send(new PutChannelPolicyCommand({ ChannelGroupName: channel.ChannelGroupName, ChannelName: channel.ChannelName, Policy: buildChannelPolicy(channel.Arn!, MEDIALIVE_ROLE) }));
    const endpoints = [];
    for (const plan of buildV2OriginEndpointRequests(record, STAGE)) endpoints.push(await v2.send(new CreateOriginEndpointCommand(plan.request)));
    const oac = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: buildOriginAccessControlConfig(record, STAGE) }));
    const dist = await cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: buildDistributionConfig({ record, stage: STAGE, origin: { domainName: group.EgressDomain!, originPath: '', protection: { kind: 'oac' } }, originAccessControlId: oac.OriginAccessControl!.Id, manifestCachePolicyId: cachePolicyId }) }));
    for (const ep of endpoints) {
      await v2.send(new PutOriginEndpointPolicyCommand({ ChannelGroupName: ep.ChannelGroupName, ChannelName: ep.ChannelName, OriginEndpointName: ep.OriginEndpointName, Policy: buildOriginEndpointPolicy(ep.Arn!, dist.Distribution!.ARN!) }));
    }
    await until('Deployed', async () => ((await cf.send(new GetDistributionCommand({ Id: dist.Distribution!.Id }))).Distribution!.Status === 'Deployed' ? true : undefined));
    const urls = endpoints.flatMap((ep) => [...(ep.HlsManifests ?? []), ...(ep.DashManifests ?? []), ...(ep.LowLatencyHlsManifests ?? [])].map((m) => m.Url!));
    expect((await cdnGet(twin, dist.Distribution!.DomainName!, new URL(urls[0]!).pathname)).status).toBe(404);
    await encoder(record);
    await watchable(dist.Distribution!.DomainName!, urls, record.profile.video.renditions.length);
  });

  it('MediaPackage v1 with the CDN-identifier secret', async () => {
    const record = makeRecord('default', { delivery: 'dedicated', packager: { kind: 'mediapackage-v1', endpoints: ['HLS', 'DASH', 'CMAF'] } }, 'e2e-v1');
    await v1.send(new CreateV1Channel(buildV1ChannelRequest(record, STAGE)));
    const identifier = 'a7c4c0de-0000-4000-8000-00000000e2e1';
    const secret = await sm.send(new CreateSecretCommand(buildCdnSecretRequest(record, STAGE, identifier)));
    const endpoints = [];
    for (const plan of buildV1OriginEndpointRequests(record, STAGE, secret.ARN!, SECRETS_ROLE)) endpoints.push(await v1.send(new CreateV1Endpoint(plan.request)));
    const host = new URL(endpoints[0]!.Url!).host;
    const dist = await cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: buildDistributionConfig({ record, stage: STAGE, origin: { domainName: host, originPath: '', protection: { kind: 'cdn-identifier-header', headerName: 'X-MediaPackage-CDNIdentifier', secretArn: secret.ARN! } }, cdnIdentifier: identifier, manifestCachePolicyId: cachePolicyId }) }));
    await until('Deployed', async () => ((await cf.send(new GetDistributionCommand({ Id: dist.Distribution!.Id }))).Distribution!.Status === 'Deployed' ? true : undefined));
    await encoder(record);
    await watchable(dist.Distribution!.DomainName!, endpoints.map((e) => e.Url!), record.profile.video.renditions.length);
  });
});
