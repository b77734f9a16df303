/**
 * "Is it watchable?" end to end over HTTP: resources created with the real SDK clients, playback
 * fetched through the twin's CDN URL (/_cdn/{domain}/…) the way OnAir's probe and a player fetch it.
 */
import { CloudFrontClient, CreateDistributionCommand, CreateOriginAccessControlCommand, GetDistributionCommand, type DistributionConfig } from '@aws-sdk/client-cloudfront';
import { ConflictException, CreateChannelCommand, CreateInputCommand, CreateInputSecurityGroupCommand, DescribeChannelCommand, MediaLiveClient, StartChannelCommand, StopChannelCommand, type CreateChannelCommandInput } from '@aws-sdk/client-medialive';
import { CreateChannelCommand as CreateV1Channel, CreateOriginEndpointCommand as CreateV1Endpoint, MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { CreateChannelCommand as CreateV2Channel, CreateChannelGroupCommand, CreateOriginEndpointCommand, MediaPackageV2Client, PutChannelPolicyCommand, PutOriginEndpointPolicyCommand } from '@aws-sdk/client-mediapackagev2';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Twin } from '../../../local/server';
import { clientConfig } from './helpers';
import { cdnGet, mediaTwin, until } from './media-helpers';
import { channelRequest, distributionConfig, ROLE_ARN } from '../../unit/local/services/media-fixtures';
import { registerPermissiveRole } from '../../helpers/iam-roles';

describe('live playback through the twin CDN', () => {
  let twin: Twin;
  let ml: MediaLiveClient;
  let v2: MediaPackageV2Client;
  let v1: MediaPackageClient;
  let cf: CloudFrontClient;
  let sm: SecretsManagerClient;
  beforeAll(async () => {
    twin = await mediaTwin();
    const cfg = clientConfig(twin);
    [ml, v2, v1, cf, sm] = [new MediaLiveClient(cfg), new MediaPackageV2Client(cfg), new MediaPackageClient(cfg), new CloudFrontClient(cfg), new SecretsManagerClient(cfg)];
    // Roles that exist and allow what they are used for (permissions: test/integration/twin/iam-service-roles.test.ts).
    for (const arn of [ROLE_ARN, 'arn:aws:iam::111122223333:role/mp-secrets']) registerPermissiveRole(twin.env, arn);
  });
  afterAll(async () => {
    for (const c of [ml, v2, v1, cf, sm]) c.destroy();
    await twin.stop();
  });

  async function encoder(destinations: CreateChannelCommandInput['Destinations']): Promise<string> {
    const sg = await ml.send(new CreateInputSecurityGroupCommand({ WhitelistRules: [{ Cidr: '198.51.100.0/24' }] }));
    const input = await ml.send(new CreateInputCommand({ Type: 'RTMP_PUSH', InputSecurityGroups: [sg.SecurityGroup!.Id!], Destinations: [{ StreamName: 'live/a' }, { StreamName: 'live/b' }] }));
    await new Promise((r) => setTimeout(r, 5));
    const ch = await until('input ready for a channel', async () => ml.send(new CreateChannelCommand({ ...(channelRequest(input.Input!.Id!) as CreateChannelCommandInput), Destinations: destinations })).catch(() => undefined));
    return ch.Channel!.Id!;
  }

  async function start(id: string): Promise<void> {
    await until('started', async () => ml.send(new StartChannelCommand({ ChannelId: id })).then(() => true, (e: unknown) => (e instanceof ConflictException ? undefined : Promise.reject(e))));
    await until('RUNNING ×2', async () => ((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).PipelinesRunningCount === 2 ? true : undefined));
  }

  it('MediaPackage v2 + OAC: 404 until RUNNING, then a live ladder whose media sequence advances; 404 after stop', async () => {
    const group = await v2.send(new CreateChannelGroupCommand({ ChannelGroupName: 'play' }));
    const channel = await v2.send(new CreateV2Channel({ ChannelGroupName: 'play', ChannelName: 'demo', InputType: 'CMAF' }));
    await v2.send(new PutChannelPolicyCommand({ ChannelGroupName: 'play', ChannelName: 'demo', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 'mediapackagev2:PutObject', Resource: channel.Arn }] }) }));
    const ep = await v2.send(new CreateOriginEndpointCommand({ ChannelGroupName: 'play', ChannelName: 'demo', OriginEndpointName: 'hls', ContainerType: 'TS', Segment: { SegmentDurationSeconds: 6 }, HlsManifests: [{ ManifestName: 'index' }] }));
    const oac = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: 'play-oac', SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 'mediapackagev2' } }));
    const dist = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ CallerReference: 'play-v2' }, oac.OriginAccessControl!.Id, group.EgressDomain) as unknown as DistributionConfig }));
    await v2.send(new PutOriginEndpointPolicyCommand({
      ChannelGroupName: 'play', ChannelName: 'demo', OriginEndpointName: 'hls',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 'mediapackagev2:GetObject', Resource: ep.Arn, Condition: { StringEquals: { 'AWS:SourceArn': dist.Distribution!.ARN } } }] }),
    }));
    const domain = dist.Distribution!.DomainName!;
    const path = new URL(ep.HlsManifests![0]!.Url!).pathname;
    const id = await encoder([{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'play', ChannelName: 'demo' }] }]);
    await until('Deployed', async () => ((await cf.send(new GetDistributionCommand({ Id: dist.Distribution!.Id }))).Distribution!.Status === 'Deployed' ? true : undefined));
    expect((await cdnGet(twin, domain, path)).status).toBe(404);

    await start(id);
    const master = await until('the first segment', async () => {
      const r = await cdnGet(twin, domain, path);
      return r.status === 200 ? r : undefined;
    });
    expect(master.type).toBe('application/vnd.apple.mpegurl');
    expect(master.body.match(/#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=\d+x\d+,CODECS="[^"]+",FRAME-RATE=30\.000/g)).toHaveLength(3);

    const child = path.replace('index.m3u8', 'index_1.m3u8');
    const seq = async (): Promise<number> => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec((await cdnGet(twin, domain, child)).body)?.[1]);
    const first = await until('a full window', async () => ((await seq()) > 1 ? seq() : undefined));
    await until('the media sequence to advance', async () => ((await seq()) > first ? true : undefined));

    await ml.send(new StopChannelCommand({ ChannelId: id }));
    await until('404 after stop', async () => ((await cdnGet(twin, domain, path)).status === 404 ? true : undefined));
  });

  it('MediaPackage v1 + CDN authorization: the header must match the Secrets Manager secret', async () => {
    const secret = await sm.send(new CreateSecretCommand({ Name: 'onair/play/cdn', SecretString: JSON.stringify({ MediaPackageCDNIdentifier: 'c0ffee00-1111-2222-3333-444455556666' }) }));
    await v1.send(new CreateV1Channel({ Id: 'play-v1' }));
    const ep = await v1.send(new CreateV1Endpoint({ ChannelId: 'play-v1', Id: 'play-v1-dash', DashPackage: { SegmentDurationSeconds: 2 }, Authorization: { CdnIdentifierSecret: secret.ARN!, SecretsRoleArn: 'arn:aws:iam::111122223333:role/mp-secrets' } }));
    const url = new URL(ep.Url!);
    const mk = async (ref: string, value: string): Promise<string> =>
      (await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ CallerReference: ref }, undefined, url.host, { 'X-MediaPackage-CDNIdentifier': value }) as unknown as DistributionConfig }))).Distribution!.DomainName!;
    const good = await mk('play-v1-good', 'c0ffee00-1111-2222-3333-444455556666');
    const bad = await mk('play-v1-bad', 'guess');
    const id = await encoder([{ Id: 'mp', MediaPackageSettings: [{ ChannelId: 'play-v1' }] }]);
    await start(id);
    const mpd = await until('deployed and served', async () => {
      const r = await cdnGet(twin, good, url.pathname);
      return r.status === 200 ? r : undefined;
    });
    expect(mpd.type).toBe('application/dash+xml');
    expect(mpd.body).toContain('type="dynamic"');
    expect(mpd.body.match(/<Representation id="\d"/g)).toHaveLength(3);
    const denied = await until('the other distribution deployed', async () => {
      const r = await cdnGet(twin, bad, url.pathname);
      return r.status === 503 ? undefined : r;
    });
    expect(denied.status).toBe(403);
  });
});
