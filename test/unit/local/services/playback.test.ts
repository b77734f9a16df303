/**
 * Playback through the twin's CDN, in-process: every service behaviour real, the clock manual.
 */
import { handleCdnRequest } from '../../../../local/playback';
import { createCloudFront } from '../../../../local/services/cloudfront';
import { createMediaLive, MEDIALIVE_DURATIONS as ML } from '../../../../local/services/medialive';
import { createMediaPackage } from '../../../../local/services/mediapackage';
import { createMediaPackageV2 } from '../../../../local/services/mediapackagev2';
import { createSecretsManager } from '../../../../local/services/secretsmanager';
import type { ModelValue, RawResponse } from '../../../../local/core/types';
import { caller, testEnv } from './twin-test-env';
import { channelRequest, distributionConfig, ROLE_ARN } from './media-fixtures';
import { registerPermissiveRole } from '../../../helpers/iam-roles';

type Env = ReturnType<typeof testEnv>;

const SECRETS_ROLE_ARN = 'arn:aws:iam::111122223333:role/mp';

function setup() {
  const env = testEnv();
  // Not the subject here (test/unit/local/iam is): roles that exist and allow what they are used for.
  registerPermissiveRole(env, ROLE_ARN);
  registerPermissiveRole(env, SECRETS_ROLE_ARN);
  const ml = env.use(createMediaLive);
  const v2 = env.use(createMediaPackageV2);
  const v1 = env.use(createMediaPackage);
  const cf = env.use(createCloudFront);
  return { env, ml: caller(env, ml), v2: caller(env, v2), v1: caller(env, v1), cf: caller(env, cf), sm: caller(env, env.use(createSecretsManager)), mlService: ml };
}

const ms = (env: Env, n: string): number => env.latency[n] as number;

async function get(env: Env, url: string, method = 'GET'): Promise<RawResponse & { text: string }> {
  const u = new URL(url, 'http://twin');
  const r = await handleCdnRequest({ method, url, path: u.pathname, query: u.searchParams, headers: {}, body: Buffer.alloc(0) }, env);
  return { ...r, text: r.body === undefined ? '' : Buffer.isBuffer(r.body) ? r.body.toString('latin1') : r.body };
}

async function encoderFor(s: ReturnType<typeof setup>, destinations: ModelValue[]): Promise<string> {
  const sg = ((await s.ml('CreateInputSecurityGroup', { WhitelistRules: [{ Cidr: '203.0.113.0/24' }] })).SecurityGroup as ModelValue).Id;
  const input = ((await s.ml('CreateInput', { Type: 'RTMP_PUSH', InputSecurityGroups: [sg], Destinations: [{ StreamName: 'live/a' }, { StreamName: 'live/b' }] })).Input as ModelValue).Id as string;
  s.env.clock.advance(ms(s.env, ML.inputCreate));
  const id = ((await s.ml('CreateChannel', channelRequest(input, { Destinations: destinations }))).Channel as ModelValue).Id as string;
  s.env.clock.advance(ms(s.env, ML.channelCreate) + ms(s.env, ML.channelStartLockout));
  return id;
}

async function startAndRun(s: ReturnType<typeof setup>, id: string): Promise<void> {
  await s.ml('StartChannel', { ChannelId: id });
  s.env.clock.advance(ms(s.env, ML.channelStart) + ms(s.env, ML.pipelineStagger));
  // The first 6 s segment is complete: MediaPackage has something to serve.
  s.env.clock.advance(6000);
}

/** A full v2 stack: group, channel (+ policy for the MediaLive role), TS HLS and CMAF DASH endpoints, OAC, distribution, endpoint policies. */
async function v2Stack(s: ReturnType<typeof setup>, opts: { channelPolicy?: boolean; endpointPolicyArn?: (distArn: string) => string; oac?: boolean } = {}) {
  const group = await s.v2('CreateChannelGroup', { ChannelGroupName: 'onair' });
  const ch = await s.v2('CreateChannel', { ChannelGroupName: 'onair', ChannelName: 'demo', InputType: 'CMAF' });
  if (opts.channelPolicy !== false) {
    await s.v2('PutChannelPolicy', { ChannelGroupName: 'onair', ChannelName: 'demo', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 'mediapackagev2:PutObject', Resource: ch.Arn }] }) });
  }
  const hls = await s.v2('CreateOriginEndpoint', { ChannelGroupName: 'onair', ChannelName: 'demo', OriginEndpointName: 'hls', ContainerType: 'TS', Segment: { SegmentDurationSeconds: 6 }, HlsManifests: [{ ManifestName: 'index', ManifestWindowSeconds: 60 }] });
  const dash = await s.v2('CreateOriginEndpoint', { ChannelGroupName: 'onair', ChannelName: 'demo', OriginEndpointName: 'cmaf', ContainerType: 'CMAF', Segment: { SegmentDurationSeconds: 4 }, DashManifests: [{ ManifestName: 'dash' }], HlsManifests: [{ ManifestName: 'index' }] });
  const oac = opts.oac === false ? undefined : String(((await s.cf('CreateOriginAccessControl', { OriginAccessControlConfig: { Name: 'oac', SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 'mediapackagev2' } })).OriginAccessControl as ModelValue).Id);
  const dist = (await s.cf('CreateDistribution', { DistributionConfig: distributionConfig({}, oac, String(group.EgressDomain)) })).Distribution as ModelValue;
  for (const ep of [hls, dash]) {
    const source = opts.endpointPolicyArn ? opts.endpointPolicyArn(String(dist.ARN)) : String(dist.ARN);
    await s.v2('PutOriginEndpointPolicy', {
      ChannelGroupName: 'onair', ChannelName: 'demo', OriginEndpointName: ep.OriginEndpointName,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: ['mediapackagev2:GetObject', 'mediapackagev2:GetHeadObject'], Resource: ep.Arn, Condition: { StringEquals: { 'AWS:SourceArn': source } } }] }),
    });
  }
  const path = (u: unknown): string => new URL(String(u)).pathname;
  return {
    dist,
    cdn: (u: unknown) => `/_cdn/${String(dist.DomainName)}${path(u)}`,
    hlsUrl: ((hls.HlsManifests as ModelValue[])[0]!).Url,
    dashUrl: ((dash.DashManifests as ModelValue[])[0]!).Url,
    cmafHlsUrl: ((dash.HlsManifests as ModelValue[])[0]!).Url,
  };
}

describe('playback through the CDN (MediaPackage v2)', () => {
  it('serves nothing until the distribution is deployed and the channel runs; then live HLS; 404 again after stop', async () => {
    const s = setup();
    const stack = await v2Stack(s);
    const id = await encoderFor(s, [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'onair', ChannelName: 'demo' }] }]);
    expect((await get(s.env, stack.cdn(stack.hlsUrl))).status).toBe(503);
    s.env.clock.advance(ms(s.env, 'cloudfront.distribution.deploy'));
    const idle = await get(s.env, stack.cdn(stack.hlsUrl));
    expect(idle.status).toBe(404);
    await startAndRun(s, id);

    const master = await get(s.env, stack.cdn(stack.hlsUrl));
    expect(master.status).toBe(200);
    expect(master.headers).toMatchObject({ 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=3', 'x-cache': 'Miss from cloudfront' });
    const variants = master.text.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(variants).toEqual([
      '#EXT-X-STREAM-INF:BANDWIDTH=5640800,AVERAGE-BANDWIDTH=5128000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",FRAME-RATE=30.000',
      '#EXT-X-STREAM-INF:BANDWIDTH=3440800,AVERAGE-BANDWIDTH=3128000,RESOLUTION=1280x720,CODECS="avc1.64001F,mp4a.40.2",FRAME-RATE=30.000',
      '#EXT-X-STREAM-INF:BANDWIDTH=1460800,AVERAGE-BANDWIDTH=1328000,RESOLUTION=854x480,CODECS="avc1.64001E,mp4a.40.2",FRAME-RATE=30.000',
    ]);
    expect(master.text).toContain('\nindex_2.m3u8\n');

    const child = stack.cdn(String(stack.hlsUrl).replace('index.m3u8', 'index_2.m3u8'));
    s.env.clock.advance(6000 * 20);
    const media1 = await get(s.env, child);
    const seq1 = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(media1.text)![1]);
    expect(media1.text).toContain('#EXT-X-TARGETDURATION:6');
    const segments = media1.text.split('\n').filter((l) => l.endsWith('.ts'));
    expect(segments).toHaveLength(10);
    s.env.clock.advance(6000 * 3);
    const media2 = await get(s.env, child);
    expect(Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(media2.text)![1])).toBe(seq1 + 3);

    const seg = await get(s.env, stack.cdn(String(stack.hlsUrl).replace('index.m3u8', segments.at(-1)!)));
    expect(seg.status).toBe(200);
    expect(seg.headers).toMatchObject({ 'content-type': 'video/MP2T', 'cache-control': 'max-age=1209600' });
    expect(seg.text.charCodeAt(0)).toBe(0x47);
    expect((await get(s.env, stack.cdn(String(stack.hlsUrl).replace('index.m3u8', 'segment_2_99999.ts')))).status).toBe(404);
    expect((await get(s.env, stack.cdn(String(stack.hlsUrl).replace('index.m3u8', 'index_9.m3u8')))).status).toBe(404);
    expect((await get(s.env, stack.cdn(stack.hlsUrl), 'HEAD')).body).toBeUndefined();

    await s.ml('StopChannel', { ChannelId: id });
    s.env.clock.advance(ms(s.env, ML.channelStop));
    expect((await get(s.env, stack.cdn(stack.hlsUrl))).status).toBe(404);
  });

  it('answers 404 until MediaPackage has received the first segment', async () => {
    const s = setup();
    const stack = await v2Stack(s);
    const id = await encoderFor(s, [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'onair', ChannelName: 'demo' }] }]);
    s.env.clock.advance(ms(s.env, 'cloudfront.distribution.deploy'));
    await s.ml('StartChannel', { ChannelId: id });
    s.env.clock.advance(ms(s.env, ML.channelStart));
    expect((await s.ml('DescribeChannel', { ChannelId: id })).State).toBe('RUNNING');
    const early = await get(s.env, stack.cdn(stack.hlsUrl));
    expect([early.status, early.text]).toEqual([404, 'No segments received yet\n']);
    s.env.clock.advance(6000);
    expect((await get(s.env, stack.cdn(stack.hlsUrl))).status).toBe(200);
  });

  it('serves a dynamic DASH MPD with one Representation per rung and CMAF segments', async () => {
    const s = setup();
    const stack = await v2Stack(s);
    const id = await encoderFor(s, [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'onair', ChannelName: 'demo' }] }]);
    s.env.clock.advance(ms(s.env, 'cloudfront.distribution.deploy'));
    await startAndRun(s, id);
    s.env.clock.advance(40_000);
    const mpd = await get(s.env, stack.cdn(stack.dashUrl));
    expect(mpd.status).toBe(200);
    expect(mpd.headers!['content-type']).toBe('application/dash+xml');
    expect(mpd.text).toContain('type="dynamic"');
    expect(mpd.text).toMatch(/availabilityStartTime="\d{4}-\d\d-\d\dT/);
    expect(mpd.text.match(/<Representation id="\d"/g)).toHaveLength(3);
    expect(mpd.text).toContain('width="1920" height="1080"');
    expect(mpd.text).toContain('duration="4000"');
    const init = await get(s.env, stack.cdn(String(stack.dashUrl).replace('dash.mpd', 'segment_1_init.mp4')));
    expect(init.headers).toMatchObject({ 'content-type': 'video/mp4' });
    expect(init.text.slice(4, 8)).toBe('ftyp');
    const cmafMedia = await get(s.env, stack.cdn(String(stack.cmafHlsUrl).replace('index.m3u8', 'index_1.m3u8')));
    expect(cmafMedia.text).toContain('#EXT-X-MAP:URI="segment_1_init.mp4"');
  });

  it('enforces origin protection: policy for another distribution → 403; origin without OAC → 403', async () => {
    const s = setup();
    const stack = await v2Stack(s, { endpointPolicyArn: () => 'arn:aws:cloudfront::111122223333:distribution/EOTHER' });
    const id = await encoderFor(s, [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'onair', ChannelName: 'demo' }] }]);
    s.env.clock.advance(ms(s.env, 'cloudfront.distribution.deploy'));
    await startAndRun(s, id);
    expect((await get(s.env, stack.cdn(stack.hlsUrl))).status).toBe(403);

    const t = setup();
    const open = await v2Stack(t, { oac: false });
    const id2 = await encoderFor(t, [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'onair', ChannelName: 'demo' }] }]);
    t.env.clock.advance(ms(t.env, 'cloudfront.distribution.deploy'));
    await startAndRun(t, id2);
    expect((await get(t.env, open.cdn(open.hlsUrl))).status).toBe(403);
  });

  it('needs the channel policy to let the MediaLive role push, and an output group writing to the destination', async () => {
    const s = setup();
    const stack = await v2Stack(s, { channelPolicy: false });
    const id = await encoderFor(s, [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'onair', ChannelName: 'demo' }] }]);
    s.env.clock.advance(ms(s.env, 'cloudfront.distribution.deploy'));
    await startAndRun(s, id);
    expect((await get(s.env, stack.cdn(stack.hlsUrl))).status).toBe(404);
  });

  it('accepts an HLS output pointing at the ingest endpoint URLs; disabled distribution → 403', async () => {
    const s = setup();
    const stack = await v2Stack(s);
    const ingest = (await s.v2('GetChannel', { ChannelGroupName: 'onair', ChannelName: 'demo' })).IngestEndpoints as ModelValue[];
    const id = await encoderFor(s, [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'onair', ChannelName: 'demo' }] }]);
    await s.ml('UpdateChannel', { ChannelId: id, Destinations: [{ Id: 'mp', Settings: ingest.map((e) => ({ Url: e.Url })) }] });
    s.env.clock.advance(ms(s.env, ML.channelUpdate) + ms(s.env, 'cloudfront.distribution.deploy'));
    await startAndRun(s, id);
    expect((await get(s.env, stack.cdn(stack.hlsUrl))).status).toBe(200);
    const etag = (await s.cf('GetDistribution', { Id: stack.dist.Id })).ETag;
    const cfg = (await s.cf('GetDistributionConfig', { Id: stack.dist.Id })).DistributionConfig as ModelValue;
    await s.cf('UpdateDistribution', { Id: stack.dist.Id, IfMatch: etag, DistributionConfig: { ...cfg, Enabled: false } });
    s.env.clock.advance(ms(s.env, 'cloudfront.distribution.update'));
    expect((await get(s.env, stack.cdn(stack.hlsUrl))).status).toBe(403);
    expect((await get(s.env, '/_cdn/dunknown0000000.cloudfront.net/index.m3u8')).status).toBe(404);
  });
});

describe('playback through the CDN (MediaPackage v1, CDN authorization)', () => {
  it('serves only when X-MediaPackage-CDNIdentifier matches the secret', async () => {
    const s = setup();
    const secret = await s.sm('CreateSecret', { Name: 'onair/demo/cdn', SecretString: JSON.stringify({ MediaPackageCDNIdentifier: 'uuid-1234' }) });
    await s.v1('CreateChannel', { Id: 'onair-demo' });
    const ep = await s.v1('CreateOriginEndpoint', { ChannelId: 'onair-demo', Id: 'onair-demo-hls', HlsPackage: { SegmentDurationSeconds: 6 }, Authorization: { CdnIdentifierSecret: secret.ARN, SecretsRoleArn: SECRETS_ROLE_ARN } });
    const url = new URL(String(ep.Url));
    const make = async (ref: string, header: string) => {
      const d = (await s.cf('CreateDistribution', { DistributionConfig: distributionConfig({ CallerReference: ref }, undefined, url.host, { 'X-MediaPackage-CDNIdentifier': header }) })).Distribution as ModelValue;
      return `/_cdn/${String(d.DomainName)}${url.pathname}`;
    };
    const good = await make('good', 'uuid-1234');
    const bad = await make('bad', 'wrong');
    const id = await encoderFor(s, [{ Id: 'mp', MediaPackageSettings: [{ ChannelId: 'onair-demo' }] }]);
    s.env.clock.advance(ms(s.env, 'cloudfront.distribution.deploy'));
    expect((await get(s.env, good)).status).toBe(404);
    await startAndRun(s, id);
    const ok = await get(s.env, good);
    expect(ok.status).toBe(200);
    expect(ok.text.match(/#EXT-X-STREAM-INF/g)).toHaveLength(3);
    expect((await get(s.env, bad)).status).toBe(403);
  });
});
