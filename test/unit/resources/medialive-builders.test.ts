import type { CreateChannelRequest } from '@aws-sdk/client-medialive';
import {
  AUDIO_DESCRIPTION_NAME, AUDIO_SELECTOR_NAME, buildChannelRequest, buildInputRequest, buildInputSecurityGroupRequest,
  h264Level, isPushInput, videoDescriptionName,
} from '../../../functions/lib/medialive/builders';
import { packagerFor } from '../../../functions/lib/packager';
import { ValidationError } from '../../../functions/lib/errors';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { inputFor, makeRecord, MEDIALIVE_ROLE, STAGE, variations } from './helpers/fixtures';
import { modelErrors } from './helpers/model-check';

function channelRequest(record: ChannelRecord): CreateChannelRequest {
  return buildChannelRequest({ record, stage: STAGE, inputId: '1234567', roleArn: MEDIALIVE_ROLE, packagerTarget: packagerFor(record).medialiveTarget(record, STAGE) });
}

/** Cross-references AWS checks at CreateChannel time but the model cannot express. */
function referenceErrors(req: CreateChannelRequest): string[] {
  const errors: string[] = [];
  const enc = req.EncoderSettings!;
  const videos = new Set(enc.VideoDescriptions!.map((v) => v.Name));
  const audios = new Set(enc.AudioDescriptions!.map((a) => a.Name));
  const destinations = new Set((req.Destinations ?? []).map((d) => d.Id));
  const usedVideo = new Set<string>();
  const usedAudio = new Set<string>();
  for (const group of enc.OutputGroups!) {
    const ref = group.OutputGroupSettings?.MediaPackageGroupSettings?.Destination?.DestinationRefId;
    if (!ref || !destinations.has(ref)) errors.push(`output group ${group.Name} points at unknown destination ${ref}`);
    for (const out of group.Outputs!) {
      if (out.VideoDescriptionName) {
        if (!videos.has(out.VideoDescriptionName)) errors.push(`unknown video ${out.VideoDescriptionName}`);
        usedVideo.add(out.VideoDescriptionName);
      }
      for (const a of out.AudioDescriptionNames ?? []) {
        if (!audios.has(a)) errors.push(`unknown audio ${a}`);
        usedAudio.add(a);
      }
    }
  }
  videos.forEach((v) => { if (!usedVideo.has(v as string)) errors.push(`video ${v} is encoded but never output`); });
  audios.forEach((a) => { if (!usedAudio.has(a as string)) errors.push(`audio ${a} is encoded but never output`); });
  // Every attached input defines every selector the audio descriptions use (MediaLive UG "Plan the
  // audio selectors", https://docs.aws.amazon.com/medialive/latest/ug/ips-plan-audio-sels.html).
  for (const att of req.InputAttachments ?? []) {
    const selectors = new Set((att.InputSettings?.AudioSelectors ?? []).map((s) => s.Name));
    for (const a of enc.AudioDescriptions!) if (!selectors.has(a.AudioSelectorName)) errors.push(`audio selector ${a.AudioSelectorName} not defined on ${att.InputAttachmentName}`);
  }
  return errors;
}

describe.each(variations())('MediaLive builders: $label', ({ record }) => {
  it('builds a CreateChannel request the MediaLive model accepts, with consistent references', () => {
    const req = channelRequest(record);
    expect(modelErrors('medialive', 'CreateChannel', req)).toEqual([]);
    expect(referenceErrors(req)).toEqual([]);
  });

  it('gives the slate attachment the same audio selectors as the primary input, the ones the audio descriptions use', () => {
    const base = channelRequest(record);
    const req = buildChannelRequest({ record, stage: STAGE, inputId: '1234567', roleArn: MEDIALIVE_ROLE, packagerTarget: packagerFor(record).medialiveTarget(record, STAGE), slateInputId: '7654321' });
    expect(req.EncoderSettings?.OutputGroups).toEqual(base.EncoderSettings?.OutputGroups);
    expect(modelErrors('medialive', 'CreateChannel', req)).toEqual([]);
    expect(referenceErrors(req)).toEqual([]);
    const [primary, slate] = req.InputAttachments!;
    expect(slate.InputSettings).toEqual({ SourceEndBehavior: 'LOOP', AudioSelectors: [{ Name: AUDIO_SELECTOR_NAME }] });
    expect(slate.InputSettings!.AudioSelectors).toEqual(primary.InputSettings!.AudioSelectors);
  });

  it('sets everything AWS needs explicitly', () => {
    const req = channelRequest(record);
    const { profile } = record;
    expect(req.ChannelClass).toBe(profile.channelClass);
    expect(req.RoleArn).toBe(MEDIALIVE_ROLE);
    expect(req.RequestId).toBe('onair-demo-1-gen0001-channel');
    expect(req.InputSpecification).toEqual({ Codec: profile.input.codec, Resolution: profile.input.resolution, MaximumBitrate: profile.input.maximumBitrate });
    expect(req.InputAttachments).toEqual([expect.objectContaining({ InputId: '1234567' })]);
    expect(req.EncoderSettings!.TimecodeConfig).toEqual({ Source: 'SYSTEMCLOCK' });
    expect(req.Tags).toEqual({ 'onair:channel': 'demo-1', 'onair:profile': profile.name, 'onair:stage': STAGE });
    // Pipeline locking only makes sense with two pipelines.
    expect(req.EncoderSettings!.GlobalConfiguration!.OutputLockingMode).toBe(profile.channelClass === 'STANDARD' ? 'PIPELINE_LOCKING' : undefined);
  });

  it('encodes one H.264 rung per rendition with the profile GOP, closed', () => {
    const req = channelRequest(record);
    const { profile } = record;
    const videos = req.EncoderSettings!.VideoDescriptions!;
    expect(videos.map((v) => [v.Name, v.Width, v.Height])).toEqual(profile.video.renditions.map((r) => [videoDescriptionName(r), r.width, r.height]));
    videos.forEach((v, i) => {
      const r = profile.video.renditions[i];
      const h = v.CodecSettings!.H264Settings!;
      expect(h).toMatchObject({
        GopSize: profile.video.gopSeconds, GopSizeUnits: 'SECONDS', GopClosedCadence: 1, Profile: r.h264Profile,
        FramerateControl: 'SPECIFIED', FramerateNumerator: r.framerateNumerator, FramerateDenominator: r.framerateDenominator,
        RateControlMode: r.rateControl, SceneChangeDetect: 'ENABLED', AfdSignaling: 'NONE', ScanType: 'PROGRESSIVE',
      });
      if (r.rateControl === 'QVBR') expect(h).toMatchObject({ MaxBitrate: r.bitrate, QvbrQualityLevel: expect.any(Number) });
      else expect(h).toMatchObject({ Bitrate: r.bitrate });
      if (r.h264Profile === 'BASELINE') expect(h).toMatchObject({ GopNumBFrames: 0, EntropyEncoding: 'CAVLC' });
      expect(h.Level).not.toBe('H264_LEVEL_AUTO');
    });
    expect(req.EncoderSettings!.AudioDescriptions).toEqual([expect.objectContaining({
      Name: AUDIO_DESCRIPTION_NAME, AudioSelectorName: AUDIO_SELECTOR_NAME,
      CodecSettings: { AacSettings: expect.objectContaining({ Bitrate: profile.audio.bitrate, SampleRate: profile.audio.sampleRate, Profile: 'LC' }) },
    })]);
  });

  it('builds an input request the model accepts, of the profile type', () => {
    const req = buildInputRequest({ record, stage: STAGE, inputSecurityGroupId: '9876543', roleArn: MEDIALIVE_ROLE });
    expect(modelErrors('medialive', 'CreateInput', req)).toEqual([]);
    expect(req.Type).toBe(record.profile.input.type);
    expect(req.RequestId).toBe('onair-demo-1-gen0001-input');
    expect(req.InputSecurityGroups).toEqual(isPushInput(record.profile) ? ['9876543'] : undefined);
  });

  it('builds a security group request only from the allowed CIDRs', () => {
    if (!isPushInput(record.profile)) return;
    const req = buildInputSecurityGroupRequest(record, STAGE);
    expect(modelErrors('medialive', 'CreateInputSecurityGroup', req)).toEqual([]);
    expect(req.WhitelistRules).toEqual(record.profile.input.allowedCidrs.map((Cidr) => ({ Cidr })));
  });
});

describe('MediaLive input types', () => {
  it('RTMP_PUSH on STANDARD has two destinations with stream names, one on SINGLE_PIPELINE', () => {
    const standard = buildInputRequest({ record: makeRecord(), stage: STAGE, inputSecurityGroupId: 'sg' });
    expect(standard.Destinations).toEqual([{ StreamName: 'demo-1/primary' }, { StreamName: 'demo-1/backup' }]);
    const single = buildInputRequest({ record: makeRecord('single-pipeline'), stage: STAGE, inputSecurityGroupId: 'sg' });
    expect(single.Destinations).toEqual([{ StreamName: 'demo-1/primary' }]);
  });

  it('SRT_CALLER sends SrtSettings with the port as a string, MEDIACONNECT the flows and the role', () => {
    const srt = buildInputRequest({ record: makeRecord('default', { input: inputFor('SRT_CALLER', 'STANDARD') }), stage: STAGE });
    expect(srt.SrtSettings!.SrtCallerSources).toEqual([
      expect.objectContaining({ SrtListenerAddress: 'srt1.example.com', SrtListenerPort: '5000', StreamId: 'cam1' }),
      expect.objectContaining({ SrtListenerAddress: 'srt2.example.com', SrtListenerPort: '5001' }),
    ]);
    const mc = buildInputRequest({ record: makeRecord('default', { input: inputFor('MEDIACONNECT', 'STANDARD') }), stage: STAGE, roleArn: MEDIALIVE_ROLE });
    expect(mc.MediaConnectFlows).toHaveLength(2);
    expect(mc.RoleArn).toBe(MEDIALIVE_ROLE);
    expect(() => buildInputRequest({ record: makeRecord('default', { input: inputFor('MEDIACONNECT', 'STANDARD') }), stage: STAGE })).toThrow(ValidationError);
  });

  it('URL_PULL lists the sources and sets HLS input settings on the attachment', () => {
    const record = makeRecord('default', { input: inputFor('URL_PULL', 'STANDARD') });
    expect(buildInputRequest({ record, stage: STAGE }).Sources).toEqual([
      { Url: 'https://src.example.com/a/index.m3u8' }, { Url: 'https://src.example.com/b/index.m3u8' },
    ]);
    expect(channelRequest(record).InputAttachments![0].InputSettings!.NetworkInputSettings!.HlsInputSettings).toBeDefined();
  });

  it('refuses a push input without its security group, and a security group without CIDRs', () => {
    expect(() => buildInputRequest({ record: makeRecord(), stage: STAGE })).toThrow(/security group/);
    const open = makeRecord();
    open.profile.input.allowedCidrs = [];
    expect(() => buildInputSecurityGroupRequest(open, STAGE)).toThrow(ValidationError);
  });

  it('never opens a security group to 0.0.0.0/0 unless the profile lists it', () => {
    expect(buildInputSecurityGroupRequest(makeRecord(), STAGE).WhitelistRules).not.toContainEqual({ Cidr: '0.0.0.0/0' });
    const world = makeRecord('default', { input: { allowedCidrs: ['0.0.0.0/0'] } });
    expect(buildInputSecurityGroupRequest(world, STAGE).WhitelistRules).toEqual([{ Cidr: '0.0.0.0/0' }]);
  });
});

describe('packager output group', () => {
  it('v2: MediaPackage output group naming channel group and channel, CMAF ingest segment length, one output per rung plus audio', () => {
    const record = makeRecord();
    const req = channelRequest(record);
    expect(req.Destinations).toEqual([{ Id: 'packager', MediaPackageSettings: [{ ChannelGroup: 'onair-test', ChannelName: 'onair-demo-1-gen0001' }] }]);
    const group = req.EncoderSettings!.OutputGroups![0];
    expect(group.OutputGroupSettings!.MediaPackageGroupSettings!.MediapackageV2GroupSettings).toMatchObject({ SegmentLength: 6, SegmentLengthUnits: 'SECONDS' });
    expect(group.Outputs!.map((o) => o.OutputName)).toEqual(['1080p30', '720p30', '480p30', 'audio']);
    // CMAF ingest carries one track per output.
    group.Outputs!.forEach((o) => expect((o.VideoDescriptionName ? 1 : 0) + (o.AudioDescriptionNames?.length ?? 0)).toBe(1));
  });

  it('v1: MediaPackage output group naming the v1 channel id, no v2 settings', () => {
    const record = makeRecord('mediapackage-v1');
    const req = channelRequest(record);
    expect(req.Destinations).toEqual([{ Id: 'packager', MediaPackageSettings: [{ ChannelId: 'onair-demo-1' }] }]);
    expect(req.EncoderSettings!.OutputGroups![0].OutputGroupSettings!.MediaPackageGroupSettings!.MediapackageV2GroupSettings).toBeUndefined();
  });

  it('low latency: MediaLive sends 1 s segments (AWS recommendation), MediaPackage packages the profile segment length', () => {
    const record = makeRecord('low-latency');
    const req = channelRequest(record);
    expect(req.EncoderSettings!.OutputGroups![0].OutputGroupSettings!.MediaPackageGroupSettings!.MediapackageV2GroupSettings)
      .toMatchObject({ SegmentLength: 1, SegmentLengthUnits: 'SECONDS' });
    expect(record.profile.segmentSeconds).toBe(2);
    // Every 1 s segment starts with an IDR frame: GOP = 1 s.
    expect(req.EncoderSettings!.VideoDescriptions!.map((v) => v.CodecSettings!.H264Settings!.GopSize)).toEqual([1, 1, 1]);
  });

  it('uses the channel group a profile names', () => {
    const req = channelRequest(makeRecord('default', { delivery: 'dedicated', packager: { channelGroup: 'shared-group' } }));
    expect(req.Destinations![0].MediaPackageSettings).toEqual([{ ChannelGroup: 'shared-group', ChannelName: 'onair-demo-1-gen0001' }]);
  });
});

describe('h264Level', () => {
  const r = (width: number, height: number, bitrate: number, h264Profile: 'HIGH' | 'MAIN' | 'BASELINE' = 'HIGH', fps = 30) =>
    ({ name: 'x', width, height, bitrate, h264Profile, rateControl: 'QVBR' as const, framerateNumerator: fps, framerateDenominator: 1 });
  it.each([
    [r(1920, 1080, 6_000_000), 'H264_LEVEL_4'],
    [r(1920, 1080, 6_000_000, 'HIGH', 60), 'H264_LEVEL_4_2'],
    [r(1280, 720, 3_000_000), 'H264_LEVEL_3_1'],
    [r(854, 480, 1_200_000, 'MAIN'), 'H264_LEVEL_3_1'],
    [r(640, 360, 800_000, 'BASELINE'), 'H264_LEVEL_3'],
    [r(1920, 1080, 30_000_000), 'H264_LEVEL_4_1'],
  ])('%j → %s', (rendition, level) => {
    expect(h264Level(rendition)).toBe(level);
  });
});
