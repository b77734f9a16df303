/**
 * Real media through the twin (issue 14): a real RTMP publisher (ffmpeg) pushes to a running
 * channel's RTMP_PUSH input, the twin encodes the channel's own ladder with ffmpeg, and real
 * segments come back through the CloudFront path — HLS TS, HLS fMP4 and DASH. A wrong stream name
 * and a source outside the input security group are refused; a publisher that leaves raises
 * MediaLive's RTMP input alerts, and reconnecting clears them.
 *
 * Needs the ffmpeg binary of @ffmpeg-installer/ffmpeg; skipped (with a message) where it cannot run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { CloudFrontClient, CreateDistributionCommand, CreateOriginAccessControlCommand, GetDistributionCommand, type DistributionConfig } from '@aws-sdk/client-cloudfront';
import { ConflictException, CreateChannelCommand, CreateInputCommand, CreateInputSecurityGroupCommand, DescribeChannelCommand, DescribeInputCommand, ListAlertsCommand, MediaLiveClient, StartChannelCommand, type CreateChannelCommandInput } from '@aws-sdk/client-medialive';
import { CreateChannelCommand as CreateV2Channel, CreateChannelGroupCommand, CreateOriginEndpointCommand, MediaPackageV2Client, PutChannelPolicyCommand, PutOriginEndpointPolicyCommand } from '@aws-sdk/client-mediapackagev2';
import type { Twin } from '../../../local/server';
import { ffmpegPath } from '../../../local/media';
import { publisherArgs } from '../../../local/media/settings';
import { clientConfig, withTwin } from '../twin/helpers';
import { MEDIA, until } from '../twin/media-helpers';
import { distributionConfig, ROLE_ARN } from '../../unit/local/services/media-fixtures';
import { registerPermissiveRole } from '../../helpers/iam-roles';

function ffmpegRuns(): string | undefined {
  try {
    const r = spawnSync(ffmpegPath(), ['-hide_banner', '-version'], { timeout: 10_000 });
    return r.status === 0 ? undefined : `exit ${String(r.status)} ${r.stderr?.toString().slice(0, 200) ?? ''}`;
  } catch (e) {
    return (e as Error).message;
  }
}

const cannot = ffmpegRuns();
if (cannot) console.log(`[media] SKIPPED the real-media integration test: ffmpeg cannot run here (${cannot})`);
const maybe = cannot ? describe.skip : describe;

/** A small ladder (2 rungs, 2 s GOP, 2 s segments) so the test stays light on a 2-core machine. */
const LADDER = [
  { name: 'video_360p', width: 640, height: 360, bitrate: 800_000 },
  { name: 'video_180p', width: 320, height: 180, bitrate: 300_000 },
];

function encoderSettings(): Record<string, unknown> {
  return {
    TimecodeConfig: { Source: 'SYSTEMCLOCK' },
    AudioDescriptions: [{ Name: 'audio_aac', AudioSelectorName: 'default', CodecSettings: { AacSettings: { Bitrate: 96000, SampleRate: 48000, CodingMode: 'CODING_MODE_2_0' } } }],
    VideoDescriptions: LADDER.map((r) => ({
      Name: r.name, Width: r.width, Height: r.height,
      CodecSettings: { H264Settings: { Bitrate: r.bitrate, RateControlMode: 'CBR', FramerateControl: 'SPECIFIED', FramerateNumerator: 30, FramerateDenominator: 1, GopSize: 2, GopSizeUnits: 'SECONDS', Profile: 'MAIN' } },
    })),
    OutputGroups: [{
      Name: 'mediapackage',
      OutputGroupSettings: { MediaPackageGroupSettings: { Destination: { DestinationRefId: 'mp' }, MediapackageV2GroupSettings: { SegmentLength: 2, SegmentLengthUnits: 'SECONDS' } } },
      Outputs: LADDER.map((r) => ({ OutputName: r.name, VideoDescriptionName: r.name, AudioDescriptionNames: ['audio_aac'], OutputSettings: { MediaPackageOutputSettings: {} } })),
    }],
  };
}

async function get(twin: Twin, domain: string, path: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(`${twin.url}/_cdn/${domain}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

function publish(url: string): ChildProcess {
  return spawn(ffmpegPath(), publisherArgs(url, { width: 640, height: 360, bitrate: 1_000_000 }), { stdio: 'ignore' });
}

function exited(p: ChildProcess, ms: number): Promise<number | null | 'running'> {
  return new Promise((ok) => {
    if (p.exitCode !== null) return ok(p.exitCode);
    const t = setTimeout(() => ok('running'), ms);
    p.once('exit', (code) => { clearTimeout(t); ok(code); });
  });
}

maybe('real media: RTMP ingest → the channel ladder → segments through the CDN', () => {
  let twin: Twin;
  let ml: MediaLiveClient;
  let v2: MediaPackageV2Client;
  let cf: CloudFrontClient;
  const procs: ChildProcess[] = [];

  beforeAll(async () => {
    twin = await withTwin({ services: MEDIA, scale: 2000, media: { mode: 'live' } });
    const cfg = clientConfig(twin);
    [ml, v2, cf] = [new MediaLiveClient(cfg), new MediaPackageV2Client(cfg), new CloudFrontClient(cfg)];
    registerPermissiveRole(twin.env, ROLE_ARN);
  });
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    for (const c of [ml, v2, cf]) c.destroy();
    await twin.stop();
  });

  it('plays what a real publisher pushes, refuses the wrong ones, and raises input loss when it leaves', async () => {
    // Packager + CDN (as media-playback.test.ts): one TS HLS, one CMAF endpoint with HLS and DASH.
    const group = await v2.send(new CreateChannelGroupCommand({ ChannelGroupName: 'real' }));
    const channel = await v2.send(new CreateV2Channel({ ChannelGroupName: 'real', ChannelName: 'demo', InputType: 'CMAF' }));
    await v2.send(new PutChannelPolicyCommand({ ChannelGroupName: 'real', ChannelName: 'demo', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 'mediapackagev2:PutObject', Resource: channel.Arn }] }) }));
    const ts = await v2.send(new CreateOriginEndpointCommand({ ChannelGroupName: 'real', ChannelName: 'demo', OriginEndpointName: 'ts', ContainerType: 'TS', Segment: { SegmentDurationSeconds: 2 }, HlsManifests: [{ ManifestName: 'index' }] }));
    const cmaf = await v2.send(new CreateOriginEndpointCommand({ ChannelGroupName: 'real', ChannelName: 'demo', OriginEndpointName: 'cmaf', ContainerType: 'CMAF', Segment: { SegmentDurationSeconds: 2 }, HlsManifests: [{ ManifestName: 'index' }], DashManifests: [{ ManifestName: 'dash' }] }));
    const oac = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: 'real-oac', SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 'mediapackagev2' } }));
    const dist = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ CallerReference: 'real-v2' }, oac.OriginAccessControl!.Id, group.EgressDomain) as unknown as DistributionConfig }));
    for (const ep of [ts, cmaf]) {
      await v2.send(new PutOriginEndpointPolicyCommand({
        ChannelGroupName: 'real', ChannelName: 'demo', OriginEndpointName: ep.OriginEndpointName,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 'mediapackagev2:GetObject', Resource: ep.Arn, Condition: { StringEquals: { 'AWS:SourceArn': dist.Distribution!.ARN } } }] }),
      }));
    }
    const domain = dist.Distribution!.DomainName!;

    // MediaLive: an RTMP push input open to 127.0.0.1 only, a channel with the small ladder.
    const sg = await ml.send(new CreateInputSecurityGroupCommand({ WhitelistRules: [{ Cidr: '127.0.0.1/32' }] }));
    const input = await ml.send(new CreateInputCommand({ Type: 'RTMP_PUSH', InputSecurityGroups: [sg.SecurityGroup!.Id!], Destinations: [{ StreamName: 'live/primary' }] }));
    const ingestUrl = input.Input!.Destinations![0]!.Url!;
    expect(ingestUrl).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/live\/primary$/);
    const ch = await until('input ready for a channel', async () => ml.send(new CreateChannelCommand({
      Name: 'real', ChannelClass: 'SINGLE_PIPELINE', RoleArn: ROLE_ARN,
      InputSpecification: { Codec: 'AVC', Resolution: 'HD', MaximumBitrate: 'MAX_10_MBPS' },
      InputAttachments: [{ InputId: input.Input!.Id!, InputAttachmentName: 'primary', InputSettings: { AudioSelectors: [{ Name: 'default' }] } }],
      Destinations: [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'real', ChannelName: 'demo' }] }],
      EncoderSettings: encoderSettings(),
    } as unknown as CreateChannelCommandInput)).catch(() => undefined));
    const id = ch.Channel!.Id!;
    await until('Deployed', async () => ((await cf.send(new GetDistributionCommand({ Id: dist.Distribution!.Id }))).Distribution!.Status === 'Deployed' ? true : undefined));

    // Not running: nobody listens for this stream yet.
    const early = publish(ingestUrl);
    procs.push(early);
    expect(await exited(early, 8000)).not.toBe('running');

    await until('started', async () => ml.send(new StartChannelCommand({ ChannelId: id })).then(() => true, (e: unknown) => (e instanceof ConflictException ? undefined : Promise.reject(e))));
    await until('RUNNING', async () => ((await ml.send(new DescribeChannelCommand({ ChannelId: id }))).State === 'RUNNING' ? true : undefined));

    // A wrong stream name is refused.
    const wrong = publish(ingestUrl.replace('/primary', '/other'));
    procs.push(wrong);
    expect(await exited(wrong, 8000)).not.toBe('running');

    const publishedAt = Date.now();
    const publisher = publish((await ml.send(new DescribeInputCommand({ InputId: input.Input!.Id! }))).Destinations![0]!.Url!);
    procs.push(publisher);

    // HLS TS: the multivariant lists both rungs; the first media segment is a real transport stream.
    const tsPath = new URL(ts.HlsManifests![0]!.Url!).pathname;
    const master = await until('the TS multivariant playlist', async () => {
      const r = await get(twin, domain, tsPath);
      return r.status === 200 ? r.body.toString() : undefined;
    }, 40_000);
    expect(master.match(/#EXT-X-STREAM-INF:.*RESOLUTION=(640x360|320x180),CODECS="avc1\.[0-9A-F]{6},mp4a\.40\.2"/g)).toHaveLength(2);
    const child = tsPath.replace('index.m3u8', 'index_1.m3u8');
    const media = await until('a rtmp-fed segment', async () => {
      const r = await get(twin, domain, child);
      const uris = r.status === 200 ? r.body.toString().split('\n').filter((l) => l.endsWith('.ts')) : [];
      // The first run may be the input-loss image (the channel ran before the publisher came).
      return uris.length && twin.media?.stats(id)?.source?.kind === 'rtmp' && twin.media.stats(id)?.firstSegmentAt ? r.body.toString() : undefined;
    }, 40_000);
    console.log(`[media] publisher → first segment of its run: ${((twin.media!.stats(id)!.firstSegmentAt! - publishedAt) / 1000).toFixed(1)} s`);
    expect(media).toMatch(/#EXT-X-PROGRAM-DATE-TIME:\d{4}-\d\d-\d\dT/);
    const segName = media.split('\n').filter((l) => l.endsWith('.ts')).pop()!;
    const seg = await get(twin, domain, tsPath.replace('index.m3u8', segName));
    expect(seg.status).toBe(200);
    expect(seg.type).toBe('video/MP2T');
    expect(seg.body.length % 188).toBe(0);
    expect(seg.body[0]).toBe(0x47);
    expect(seg.body[188]).toBe(0x47);
    // 2 s of 800 kb/s video + audio: tens to hundreds of kilobytes, never a placeholder.
    expect(seg.body.length).toBeGreaterThan(20_000);
    expect(seg.body.length).toBeLessThan(2_000_000);

    // CMAF HLS: init segment and a media fragment are ISO BMFF.
    const cmafPath = new URL(cmaf.HlsManifests![0]!.Url!).pathname;
    const cmafMedia = await until('the fMP4 media playlist', async () => {
      const r = await get(twin, domain, cmafPath.replace('index.m3u8', 'index_1.m3u8'));
      return r.status === 200 && r.body.toString().includes('.mp4\n') ? r.body.toString() : undefined;
    }, 20_000);
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(cmafMedia)![1]!;
    const initSeg = await get(twin, domain, cmafPath.replace('index.m3u8', init));
    expect(initSeg.body.subarray(4, 8).toString()).toBe('ftyp');
    const frag = await get(twin, domain, cmafPath.replace('index.m3u8', cmafMedia.split('\n').filter((l) => l.endsWith('.mp4')).pop()!));
    expect(frag.type).toBe('video/mp4');
    expect(frag.body.includes(Buffer.from('moof'))).toBe(true);
    expect(frag.body.length).toBeGreaterThan(20_000);

    // DASH: a live MPD with both video rungs and the audio set.
    const dashPath = new URL(cmaf.DashManifests![0]!.Url!).pathname;
    const mpd = await until('the MPD', async () => {
      const r = await get(twin, domain, dashPath);
      return r.status === 200 ? r.body.toString() : undefined;
    }, 20_000);
    expect(mpd).toContain('type="dynamic"');
    expect(mpd.match(/<Representation id="\d+" mimeType="video\/mp4"/g)).toHaveLength(2);
    expect(mpd).toContain('codecs="mp4a.40.2"');

    // The publisher leaves: MediaLive's RTMP input-loss alerts are SET; it comes back: CLEARED.
    publisher.kill('SIGKILL');
    const set = await until('input-loss alerts', async () => {
      const a = (await ml.send(new ListAlertsCommand({ ChannelId: id, StateFilter: 'SET' }))).Alerts ?? [];
      return a.length >= 2 ? a.map((x) => x.AlertType).sort() : undefined;
    }, 20_000);
    expect(set).toEqual(['RTMP Stream Not Found', 'Video Not Detected']);
    await until('the input-loss image encoded', async () => (twin.media?.stats(id)?.source?.kind === 'loss' ? true : undefined), 10_000);
    const again = publish(ingestUrl);
    procs.push(again);
    await until('alerts cleared', async () => ((await ml.send(new ListAlertsCommand({ ChannelId: id, StateFilter: 'SET' }))).Alerts?.length === 0 ? true : undefined), 20_000);
    again.kill('SIGKILL');
  }, 120_000);
});
