/**
 * Conformance: the MediaLive requests OnAir builds (CreateInputSecurityGroup, CreateInput for every
 * input type, the slate input, CreateChannel for every built-in profile and the slate) against AWS's
 * MediaLive User Guide and AWS's reference architecture. Each expectation names its source; the
 * README in this folder lists them. The values compared come from OnAir's builders; only AWS's
 * documented values are written here.
 */
import { ValidationError } from '../../../functions/lib/errors';
import {
  buildInputSecurityGroupRequest, buildSlateInputRequest, ingestSegmentSeconds, isPushInput, pipelineCount,
} from '../../../functions/lib/medialive/builders';
import { resolveProfile } from '../../../functions/lib/profile';
import { buildV1ChannelRequest } from '../../../functions/lib/packager/v1';
import { buildV2ChannelRequest } from '../../../functions/lib/packager/v2';
import { makeRecord, MEDIALIVE_ROLE, STAGE } from '../resources/helpers/fixtures';
import { channelRequest, inputCases, inputRequest, profileCases, SECURITY_GROUP_ID, SLATE_URL } from './profiles';

const UG = 'https://docs.aws.amazon.com/medialive/latest/ug';
/** Sources cited beside the expectations below (listed in README.md). */
export const SRC = {
  rtmpPush: `${UG}/setup-input-rtmp-push.html`,
  rtpPush: `${UG}/setup-input-rtp-push.html`,
  rtmpResult: `${UG}/setup-result-rtmp-push.html`,
  inputDestination: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-medialive-input-inputdestinationrequest.html',
  deliveringToMediaPackage: `${UG}/delivering-to-mediapackage.html`,
  lowLatency: `${UG}/mediapackage-v2-low-latency.html`,
  audioSelectors: `${UG}/ips-plan-audio-sels.html`,
  pipelineLocking: `${UG}/eml-metrics-output-lock.html`,
  lefMediaLive: 'aws-samples/aws-cdk-mediaservices-refarch LEF/lib/event/medialive.ts',
  lefLowLatencyProfile: 'aws-samples/aws-cdk-mediaservices-refarch LEF/encoding-profiles/low-latency-hd-avc-50fps-sample/medialive-mediapackage-v1.json',
  lefLowLatencyEvent: 'aws-samples/aws-cdk-mediaservices-refarch LEF/config/low-latency/eventConfiguration.ts',
} as const;

const PUSH = ['RTMP_PUSH', 'RTP_PUSH'];

describe('CreateInputSecurityGroup', () => {
  it.each(inputCases().filter((c) => isPushInput(c.record.profile)))('$label: allows exactly the sources the profile lists', ({ record }) => {
    const req = buildInputSecurityGroupRequest(record, STAGE);
    // "The security group must allow the public network IP addresses to push to MediaLive" (SRC.rtmpPush,
    // SRC.rtpPush); LEF builds WhitelistRules from the input's configured CIDRs only (SRC.lefMediaLive
    // createMediaLiveSecurityGroup).
    expect(req.WhitelistRules?.map((r) => r.Cidr)).toEqual(record.profile.input.allowedCidrs);
    expect(req.WhitelistRules?.map((r) => r.Cidr)).not.toContain('0.0.0.0/0');
  });

  it('opens to the whole internet only when 0.0.0.0/0 is listed', () => {
    const record = makeRecord('default', { input: { allowedCidrs: ['0.0.0.0/0'] } });
    expect(buildInputSecurityGroupRequest(record, STAGE).WhitelistRules).toEqual([{ Cidr: '0.0.0.0/0' }]);
  });

  it('never builds a group with no sources, and a push profile without CIDRs is refused', () => {
    const record = makeRecord('default');
    record.profile.input.allowedCidrs = [];
    // An empty whitelist would let nothing push (SRC.rtmpResult: the group "has a CIDR block that covers the
    // IP addresses where the pushed source will appear"): refused before AWS is asked.
    expect(() => buildInputSecurityGroupRequest(record, STAGE)).toThrow(ValidationError);
    expect(() => resolveProfile('default')).toThrow(/allowedCidrs/);
  });
});

describe.each(inputCases())('CreateInput $label', ({ record }) => {
  const req = inputRequest(record);
  const { type } = record.profile.input;
  const pipelines = pipelineCount(record.profile);

  it('asks for the profile\'s input type', () => {
    expect(req.Type).toBe(type);
  });

  it('attaches an input security group to push inputs only', () => {
    // Push inputs (RTMP, RTP) take "the group to attach to this push input" (SRC.rtmpPush, SRC.rtpPush);
    // LEF attaches one to RTP_PUSH and RTMP_PUSH and to no other type (SRC.lefMediaLive).
    if (PUSH.includes(type)) expect(req.InputSecurityGroups).toEqual([SECURITY_GROUP_ID]);
    else expect(req.InputSecurityGroups).toBeUndefined();
  });

  it('gives one source or destination per pipeline', () => {
    switch (type) {
      case 'RTMP_PUSH':
        // "If the input is a standard-class input, complete both fields, to specify two sources", one for a
        // single-pipeline input (SRC.rtmpPush); StreamName is "application name/application instance"
        // (SRC.inputDestination).
        expect(req.Destinations).toHaveLength(pipelines);
        for (const d of req.Destinations ?? []) expect(d.StreamName).toMatch(/^[^/]+\/[^/]+$/);
        break;
      case 'RTP_PUSH':
        // "MediaLive creates the input and automatically creates two endpoints on that input" (SRC.rtpPush).
        expect(req.Destinations).toBeUndefined();
        break;
      case 'URL_PULL':
        // LEF's STANDARD low-latency event pulls two URLs, one per pipeline (SRC.lefLowLatencyEvent).
        expect(req.Sources).toHaveLength(pipelines);
        break;
      case 'SRT_CALLER':
        expect(req.SrtSettings?.SrtCallerSources).toHaveLength(pipelines);
        break;
      case 'MEDIACONNECT':
        // LEF: MEDIACONNECT inputs name the MediaLive role and one flow ARN per entry (SRC.lefMediaLive).
        expect(req.RoleArn).toBe(MEDIALIVE_ROLE);
        expect(req.MediaConnectFlows).toHaveLength(pipelines);
        break;
      default:
        throw new Error(`no conformance expectation for ${type}`);
    }
  });

  it('attaches the live input with SourceEndBehavior CONTINUE', () => {
    // LEF: RTMP_PUSH, RTP_PUSH, MEDIACONNECT, SRT_CALLER "do not support 'LOOP' sourceEndBehaviour"; CONTINUE
    // is its default for every input (SRC.lefMediaLive getAttachedInputSettings).
    expect(channelRequest(record).InputAttachments?.[0].InputSettings?.SourceEndBehavior).toBe('CONTINUE');
  });
});

describe.each(profileCases())('CreateChannel: $label', ({ label, record }) => {
  const req = channelRequest(record);
  const { profile } = record;
  const enc = req.EncoderSettings!;
  const v2 = profile.packager.kind === 'mediapackage-v2';

  it('sets channel class, role and input specification explicitly', () => {
    // LEF's event configuration sets channelClass and inputSpecification {codec, maximumBitrate,
    // resolution} on every channel, and the MediaLive role (SRC.lefLowLatencyEvent, SRC.lefMediaLive roleArn).
    expect(req.ChannelClass).toBe(profile.channelClass);
    expect(req.RoleArn).toBe(MEDIALIVE_ROLE);
    expect(req.InputSpecification).toEqual({ Codec: expect.any(String), Resolution: expect.any(String), MaximumBitrate: expect.any(String) });
  });

  it('delivers through one MediaPackage output group, to the packager channel OnAir creates', () => {
    // "The MediaPackage output group ... Both v2 and v1 workflows use this output group type"; v2 "requires
    // the MediaPackage channel group name and channel name (rather than a channel ID)"; MediaLive is
    // "preconfigured with most of the information", so no URLs or credentials (SRC.deliveringToMediaPackage;
    // LEF createMediaPackageDestination: mediaPackageSettings [{ channelName, channelGroup }]).
    expect(enc.OutputGroups).toHaveLength(1);
    const group = enc.OutputGroups![0];
    const ref = group.OutputGroupSettings?.MediaPackageGroupSettings?.Destination?.DestinationRefId;
    const dest = req.Destinations?.find((d) => d.Id === ref);
    expect(dest).toBeDefined();
    expect(dest!.Settings).toBeUndefined();
    if (v2) {
      const mp = buildV2ChannelRequest(record, STAGE);
      expect(dest!.MediaPackageSettings).toEqual([{ ChannelGroup: mp.ChannelGroupName, ChannelName: mp.ChannelName }]);
    } else {
      expect(dest!.MediaPackageSettings).toEqual([{ ChannelId: buildV1ChannelRequest(record, STAGE).Id }]);
    }
    // Every rung and the audio are outputs of that group (LEF profiles: one output per video description,
    // one audio-only output).
    const outputs = group.Outputs ?? [];
    for (const v of enc.VideoDescriptions ?? []) expect(outputs.map((o) => o.VideoDescriptionName)).toContain(v.Name);
    for (const a of enc.AudioDescriptions ?? []) expect(outputs.flatMap((o) => o.AudioDescriptionNames ?? [])).toContain(a.Name);
  });

  it('defines, on every attached input, the audio selectors the audio descriptions use', () => {
    // MediaLive: every input attached to a channel defines the audio selectors (same names) the channel's
    // audio descriptions reference (SRC.audioSelectors).
    const used = new Set((enc.AudioDescriptions ?? []).map((a) => a.AudioSelectorName));
    expect(used.size).toBeGreaterThan(0);
    for (const att of req.InputAttachments ?? []) {
      const defined = new Set((att.InputSettings?.AudioSelectors ?? []).map((s) => s.Name));
      expect({ attachment: att.InputAttachmentName, missing: [...used].filter((n) => !defined.has(n as string)) }).toEqual({ attachment: att.InputAttachmentName, missing: [] });
    }
  });

  it('locks the two pipelines of a STANDARD channel and times from the system clock', () => {
    // Pipeline locking synchronises the two pipelines of a standard channel; MediaPackage outputs are
    // eligible (SRC.pipelineLocking). LEF's profiles: outputLockingMode PIPELINE_LOCKING, outputTimingSource
    // SYSTEM_CLOCK, timecodeConfig SYSTEMCLOCK (SRC.lefLowLatencyProfile).
    expect(enc.GlobalConfiguration?.OutputLockingMode).toBe(profile.channelClass === 'STANDARD' ? 'PIPELINE_LOCKING' : undefined);
    expect(enc.GlobalConfiguration?.OutputTimingSource).toBe('SYSTEM_CLOCK');
    expect(enc.TimecodeConfig?.Source).toBe('SYSTEMCLOCK');
  });

  it('cuts segments on closed GOPs: the ingest segment is a whole number of GOPs', () => {
    // "Segment length is a function of GOP size" (SRC.lowLatency); LEF's profiles use closed GOPs sized in
    // seconds (gopClosedCadence 1, gopSizeUnits SECONDS; SRC.lefLowLatencyProfile).
    const seg = ingestSegmentSeconds(profile);
    for (const v of enc.VideoDescriptions ?? []) {
      const h264 = v.CodecSettings?.H264Settings;
      expect(h264?.GopSizeUnits).toBe('SECONDS');
      expect(h264?.GopClosedCadence).toBeGreaterThanOrEqual(1);
      const gops = seg / (h264?.GopSize ?? NaN);
      expect(Number.isInteger(gops)).toBe(true);
    }
  });

  if (profile.packager.lowLatencyHls) {
    it("sends AWS's recommended 1 s segments to MediaPackage v2", () => {
      const settings = enc.OutputGroups![0].OutputGroupSettings?.MediaPackageGroupSettings?.MediapackageV2GroupSettings;
      // Low latency: Segment Length — "We recommend 1 second for improved latency" (SRC.lowLatency).
      expect(settings?.SegmentLength).toBe(1);
      expect(settings?.SegmentLengthUnits).toBe('SECONDS');
    });
  }

  if (label === 'slate') {
    it('creates the slate as a file input with one source per pipeline, looped when attached', () => {
      const slate = buildSlateInputRequest(record, STAGE)!;
      // LEF: MP4_FILE / TS_FILE inputs take URLs only (no security group), two for a STANDARD channel
      // (SRC.lefMediaLive; LEF/test/fixtures/file-input.fixture.ts standardChannelFileInput).
      expect(slate.Type).toBe('MP4_FILE');
      expect(slate.InputSecurityGroups).toBeUndefined();
      expect(slate.Sources).toEqual(Array.from({ length: pipelineCount(profile) }, () => ({ Url: SLATE_URL })));
      // LOOP is allowed for file inputs only (SRC.lefMediaLive getAttachedInputSettings): the slate loops.
      const att = req.InputAttachments?.[1];
      expect(att?.InputId).toBeDefined();
      expect(att?.InputSettings?.SourceEndBehavior).toBe('LOOP');
    });
  }
});

it('an HLS pull input attached with a slate buffers at most 10 segments, so input switching works', () => {
  const record = makeRecord('default', {
    input: { type: 'URL_PULL', sourceUrls: ['https://src.example.com/a/index.m3u8', 'https://src.example.com/b/index.m3u8'] },
    recovery: { slate: { url: SLATE_URL } },
  });
  const req = channelRequest(record);
  expect(req.InputAttachments).toHaveLength(2);
  // LEF: "bufferSegments must be set to 10 or less for HLS inputs when multiple inputs are configured. This is
  // required for Channel Schedule input switch actions" (SRC.lefMediaLive getAttachedInputSettings).
  const buffer = req.InputAttachments![0].InputSettings?.NetworkInputSettings?.HlsInputSettings?.BufferSegments;
  expect(buffer).toBeDefined();
  expect(buffer!).toBeLessThanOrEqual(10);
});
