/**
 * MediaLive request builders: pure functions of the channel record (profile + ids) and the few
 * values AWS hands back (security group id, input id, packager destination). No I/O.
 *
 * API (stable):
 *   buildInputSecurityGroupRequest(record, stage)                      → CreateInputSecurityGroupRequest
 *   buildInputRequest({ record, stage, inputSecurityGroupId?, roleArn? }) → CreateInputRequest (with RequestId)
 *   buildChannelRequest({ record, stage, inputId, roleArn, packagerTarget }) → CreateChannelRequest (with RequestId)
 *   buildMediaPackageOutputGroup(profile, target)                      → { destinations, outputGroup }
 *       (one layout for v1 and v2; the target comes from packagerFor(record).medialiveTarget())
 *   videoDescriptionName(rendition), AUDIO_DESCRIPTION_NAME, AUDIO_SELECTOR_NAME, pipelineCount(profile)
 *   h264Level(rendition) → the smallest H.264 level that fits frame size, macroblock rate and bitrate
 */
import type {
  CreateChannelRequest, CreateInputRequest, CreateInputSecurityGroupRequest, H264Settings,
  InputSettings, OutputDestination, OutputGroup, VideoDescription, AudioDescription, AudioSelector, Output, H264Level,
} from '@aws-sdk/client-medialive';
import { ValidationError } from '../errors';
import { idempotencyToken, resourceName } from '../ids';
import type { Profile, Rendition } from '../profile';
import { LOW_LATENCY_INGEST_SEGMENT_SECONDS, PUSH_INPUT_TYPES } from '../profile-data';
import type { ChannelRecord } from '../channel/registry';
import type { MediaPackageTarget } from '../packager/types';
import { channelTags } from '../tags';

export type BuilderRecord = Pick<ChannelRecord, 'channelId' | 'generation' | 'profileName' | 'profile'>;

export const AUDIO_SELECTOR_NAME = 'audio_in';
export const AUDIO_DESCRIPTION_NAME = 'audio_aac';
/** Output group and destination id of the packager output. */
export const PACKAGER_DESTINATION_ID = 'packager';

export function videoDescriptionName(r: Pick<Rendition, 'name'>): string {
  return `video_${r.name}`;
}

/** Segment length MediaLive sends to the packager: AWS's 1 s for low-latency HLS, else the profile's. */
export function ingestSegmentSeconds(profile: Pick<Profile, 'segmentSeconds' | 'packager'>): number {
  return profile.packager.lowLatencyHls ? LOW_LATENCY_INGEST_SEGMENT_SECONDS : profile.segmentSeconds;
}

export function pipelineCount(profile: Pick<Profile, 'channelClass'>): 1 | 2 {
  return profile.channelClass === 'STANDARD' ? 2 : 1;
}

export function isPushInput(profile: Pick<Profile, 'input'>): boolean {
  return PUSH_INPUT_TYPES.includes(profile.input.type);
}

export function buildInputSecurityGroupRequest(record: BuilderRecord, stage: string): CreateInputSecurityGroupRequest {
  const cidrs = record.profile.input.allowedCidrs;
  if (cidrs.length === 0) {
    // The profile schema already refuses this; the builder refuses too, so no caller can ever
    // open an input to the world by forgetting a list.
    throw new ValidationError('An input security group needs at least one allowed CIDR', [
      { field: 'input.allowedCidrs', message: 'required for push inputs' },
    ]);
  }
  return { WhitelistRules: cidrs.map((Cidr) => ({ Cidr })), Tags: channelTags(record, stage) };
}

export interface InputRequestArgs {
  record: BuilderRecord;
  stage: string;
  /** Required for push inputs (RTMP_PUSH, RTP_PUSH). */
  inputSecurityGroupId?: string | null;
  /** MediaLive role: required for MEDIACONNECT inputs (MediaLive reads the flows with it). */
  roleArn?: string;
}

export function buildInputRequest({ record, stage, inputSecurityGroupId, roleArn }: InputRequestArgs): CreateInputRequest {
  const { profile, channelId, generation } = record;
  const input = profile.input;
  const pipelines = pipelineCount(profile);
  const base: CreateInputRequest = {
    Name: resourceName(channelId, 'input'),
    RequestId: idempotencyToken(channelId, generation, 'input'),
    Type: input.type,
    Tags: channelTags(record, stage),
  };
  if (isPushInput(profile) && !inputSecurityGroupId) {
    throw new ValidationError(`A ${input.type} input needs its input security group first`, [
      { field: 'resources.inputSecurityGroupId', message: 'missing: run ensureInputSecurityGroup before ensureInput' },
    ]);
  }
  switch (input.type) {
    case 'RTMP_PUSH': {
      // One destination per pipeline: a STANDARD input returns two URLs (one per pipeline), and
      // RTMP needs an "app/instance" stream name on each.
      const names = pipelines === 2 ? ['primary', 'backup'] : ['primary'];
      return {
        ...base,
        InputSecurityGroups: [inputSecurityGroupId as string],
        Destinations: names.map((n) => ({ StreamName: `${channelId}/${n}` })),
      };
    }
    case 'RTP_PUSH':
      // MediaLive always allocates two RTP endpoints; nothing else to choose.
      return { ...base, InputSecurityGroups: [inputSecurityGroupId as string] };
    case 'URL_PULL':
      return { ...base, Sources: input.sourceUrls.map((Url) => ({ Url })) };
    case 'SRT_CALLER':
      return {
        ...base,
        SrtSettings: {
          SrtCallerSources: input.srtSources.map((s) => ({
            SrtListenerAddress: s.host,
            // The API models the port as a string.
            SrtListenerPort: String(s.port),
            // 2 s absorbs retransmissions on a typical internet path; SRT's 120 ms default is for LANs.
            MinimumLatency: 2000,
            ...(s.streamId ? { StreamId: s.streamId } : {}),
          })),
        },
      };
    case 'MEDIACONNECT':
      if (!roleArn) {
        throw new ValidationError('A MEDIACONNECT input needs the MediaLive role', [
          { field: 'config.medialiveRoleArn', message: 'required for MEDIACONNECT inputs' },
        ]);
      }
      return { ...base, RoleArn: roleArn, MediaConnectFlows: input.mediaConnectFlowArns.map((FlowArn) => ({ FlowArn })) };
    default: {
      const never: never = input.type;
      throw new ValidationError(`Unsupported input type ${String(never)}`, [{ field: 'input.type', message: 'unsupported' }]);
    }
  }
}

/** H.264 Annex A limits: [level, max macroblocks/s, max frame size in macroblocks, max bitrate kbps (Main)]. */
const H264_LEVELS: [H264Level, number, number, number][] = [
  ['H264_LEVEL_3', 40_500, 1_620, 10_000],
  ['H264_LEVEL_3_1', 108_000, 3_600, 14_000],
  ['H264_LEVEL_3_2', 216_000, 5_120, 20_000],
  ['H264_LEVEL_4', 245_760, 8_192, 20_000],
  ['H264_LEVEL_4_1', 245_760, 8_192, 50_000],
  ['H264_LEVEL_4_2', 522_240, 8_704, 50_000],
  ['H264_LEVEL_5', 589_824, 22_080, 135_000],
  ['H264_LEVEL_5_1', 983_040, 36_864, 240_000],
  ['H264_LEVEL_5_2', 2_073_600, 36_864, 240_000],
];

/**
 * The smallest level that fits the rung. Signalling the real level (not AUTO) lets players
 * reject a rung they cannot decode before downloading it; 854×480@30 needs 3.1, not 3.
 */
export function h264Level(r: Rendition): H264Level {
  const frameMbs = Math.ceil(r.width / 16) * Math.ceil(r.height / 16);
  const mbPerSecond = frameMbs * (r.framerateNumerator / r.framerateDenominator);
  // High profile allows 1.25× the Main-profile bitrate (Table A-2).
  const factor = r.h264Profile === 'HIGH' ? 1.25 : 1;
  const level = H264_LEVELS.find(([, maxMbps, maxFs, maxKbps]) =>
    frameMbs <= maxFs && mbPerSecond <= maxMbps && r.bitrate / 1000 <= maxKbps * factor);
  return level ? level[0] : 'H264_LEVEL_AUTO';
}

export function buildH264Settings(r: Rendition, gopSeconds: number): H264Settings {
  const baseline = r.h264Profile === 'BASELINE';
  const rate: H264Settings = r.rateControl === 'QVBR'
    // QVBR: quality-targeted with a hard cap; 7 is AWS's suggestion for most content up to 1080p.
    ? { RateControlMode: 'QVBR', MaxBitrate: r.bitrate, QvbrQualityLevel: 7, BufSize: r.bitrate * 2 }
    : { RateControlMode: 'CBR', Bitrate: r.bitrate, BufSize: r.bitrate * 2, BufFillPct: 90 };
  return {
    ...rate,
    Profile: r.h264Profile,
    Level: h264Level(r),
    FramerateControl: 'SPECIFIED',
    FramerateNumerator: r.framerateNumerator,
    FramerateDenominator: r.framerateDenominator,
    ParControl: 'SPECIFIED',
    ParNumerator: 1,
    ParDenominator: 1,
    ScanType: 'PROGRESSIVE',
    // Fixed GOP in seconds, closed (GopClosedCadence 1): every GOP starts on an IDR, so the
    // packager can cut segments on any GOP boundary and players can switch rungs there.
    GopSize: gopSeconds,
    GopSizeUnits: 'SECONDS',
    GopClosedCadence: 1,
    // Scene-change I-frames are inserted without breaking the GOP cadence MediaLive keeps.
    SceneChangeDetect: 'ENABLED',
    MinIInterval: 0,
    // Baseline has no B-frames and no CABAC.
    GopNumBFrames: baseline ? 0 : 3,
    GopBReference: baseline ? 'DISABLED' : 'ENABLED',
    EntropyEncoding: baseline ? 'CAVLC' : 'CABAC',
    SubgopLength: 'FIXED',
    NumRefFrames: baseline ? 1 : 3,
    LookAheadRateControl: 'MEDIUM',
    AdaptiveQuantization: 'AUTO',
    SpatialAq: 'ENABLED',
    TemporalAq: 'ENABLED',
    FlickerAq: 'ENABLED',
    // Live sources carry no AFD worth trusting; signal none and ignore it on input.
    AfdSignaling: 'NONE',
    ColorMetadata: 'INSERT',
    ForceFieldPictures: 'DISABLED',
    Slices: 1,
    Syntax: 'DEFAULT',
    TimecodeInsertion: 'DISABLED',
  };
}

export function buildVideoDescription(r: Rendition, gopSeconds: number): VideoDescription {
  return {
    Name: videoDescriptionName(r),
    Width: r.width,
    Height: r.height,
    RespondToAfd: 'NONE',
    ScalingBehavior: 'DEFAULT',
    Sharpness: 50,
    CodecSettings: { H264Settings: buildH264Settings(r, gopSeconds) },
  };
}

export function buildAudioDescription(profile: Profile): AudioDescription {
  return {
    Name: AUDIO_DESCRIPTION_NAME,
    AudioSelectorName: AUDIO_SELECTOR_NAME,
    AudioTypeControl: 'FOLLOW_INPUT',
    LanguageCodeControl: 'FOLLOW_INPUT',
    CodecSettings: {
      AacSettings: {
        Bitrate: profile.audio.bitrate,
        SampleRate: profile.audio.sampleRate,
        CodingMode: profile.audio.codingMode,
        Profile: 'LC',
        RateControlMode: 'CBR',
        RawFormat: 'NONE',
        Spec: 'MPEG4',
        InputType: 'NORMAL',
      },
    },
  };
}

export interface PackagerOutput {
  destinations: OutputDestination[];
  outputGroup: OutputGroup;
}

/**
 * The MediaPackage output group, AWS's documented MediaLive → MediaPackage path for both
 * versions (MediaLive UG "Create a MediaPackage output group"): v1 names the channel id;
 * v2 names channel group + channel and MediaLive sends CMAF ingest to the channel's two
 * ingest endpoints (pipeline 0 → endpoint 1, pipeline 1 → endpoint 2), signed with the
 * channel's role, so no URLs or credentials are configured here.
 * Layout: one output per video rung and one audio-only output. CMAF ingest carries one track
 * per output, and MediaPackage builds the HLS audio rendition group from the audio output.
 */
export function buildMediaPackageOutputGroup(profile: Profile, target: MediaPackageTarget): PackagerOutput {
  const v2 = target.kind === 'mediapackage-v2';
  const destinations: OutputDestination[] = [{
    Id: PACKAGER_DESTINATION_ID,
    MediaPackageSettings: [v2
      ? { ChannelGroup: target.channelGroup, ChannelName: target.channelName }
      : { ChannelId: target.channelId }],
  }];
  const videoOutputs: Output[] = profile.video.renditions.map((r) => ({
    OutputName: r.name,
    VideoDescriptionName: videoDescriptionName(r),
    OutputSettings: {
      MediaPackageOutputSettings: v2
        ? { MediaPackageV2DestinationSettings: { AudioRenditionSets: AUDIO_DESCRIPTION_NAME } }
        : {},
    },
  }));
  const audioOutput: Output = {
    OutputName: 'audio',
    AudioDescriptionNames: [AUDIO_DESCRIPTION_NAME],
    OutputSettings: {
      MediaPackageOutputSettings: v2
        ? { MediaPackageV2DestinationSettings: { AudioGroupId: AUDIO_DESCRIPTION_NAME, HlsDefault: 'YES', HlsAutoSelect: 'YES' } }
        : {},
    },
  };
  return {
    destinations,
    outputGroup: {
      Name: PACKAGER_DESTINATION_ID,
      OutputGroupSettings: {
        MediaPackageGroupSettings: {
          Destination: { DestinationRefId: PACKAGER_DESTINATION_ID },
          ...(v2 ? {
            MediapackageV2GroupSettings: {
              // Ingest segments as long as the served ones: MediaPackage v2 serves whole multiples
              // of what it ingests, and a GOP-aligned length keeps every segment IDR-first. Low-latency
              // HLS ingests AWS's recommended 1 s segments (LOW_LATENCY_INGEST_SEGMENT_SECONDS).
              SegmentLength: ingestSegmentSeconds(profile),
              SegmentLengthUnits: 'SECONDS',
              Scte35Type: 'NONE',
              Id3Behavior: 'DISABLED',
              TimedMetadataId3Frame: 'NONE',
            },
          } : {}),
        },
      },
      Outputs: [...videoOutputs, audioOutput],
    },
  };
}

export interface ChannelRequestArgs {
  record: BuilderRecord;
  stage: string;
  inputId: string;
  /** MediaLive service role (config.medialiveRoleArn). */
  roleArn: string;
  /** From packagerFor(record).medialiveTarget(record, stage). */
  packagerTarget: MediaPackageTarget;
  /** The slate input (profile.recovery.slate), attached second: recovery switches to it. */
  slateInputId?: string;
}

/**
 * The slate input of profile.recovery.slate, or null when the profile asks for none. A pull input
 * (no security group); one source per pipeline, the same URL for both.
 */
export function buildSlateInputRequest(record: BuilderRecord, stage: string): CreateInputRequest | null {
  const slate = record.profile.recovery?.slate;
  if (!slate) return null;
  const { channelId, generation } = record;
  return {
    Name: resourceName(channelId, 'slate'),
    RequestId: idempotencyToken(channelId, generation, 'slate-input'),
    Type: slate.type,
    Sources: Array.from({ length: pipelineCount(record.profile) }, () => ({ Url: slate.url })),
    Tags: channelTags(record, stage),
  };
}

/**
 * The audio selectors every attached input must define: one per selector name the channel's audio
 * descriptions use. MediaLive requires the same selectors, under the same names, in every input
 * attached to a channel, because an output references a selector once, not once per input
 * (MediaLive UG "Plan the audio selectors", rules 1 and 3:
 * https://docs.aws.amazon.com/medialive/latest/ug/ips-plan-audio-sels.html).
 * A selector with no settings takes the source's first audio track.
 */
export function audioSelectorsFor(audioDescriptions: AudioDescription[]): AudioSelector[] {
  const names = new Set(audioDescriptions.map((d) => d.AudioSelectorName).filter((n): n is string => Boolean(n)));
  return [...names].map((Name) => ({ Name }));
}

export function buildInputSettings(profile: Profile, audioSelectors: AudioSelector[]): InputSettings {
  return {
    SourceEndBehavior: 'CONTINUE',
    InputFilter: 'AUTO',
    FilterStrength: 1,
    DeblockFilter: 'DISABLED',
    DenoiseFilter: 'DISABLED',
    AudioSelectors: audioSelectors,
    ...(profile.input.type === 'URL_PULL' ? {
      NetworkInputSettings: {
        ServerValidation: 'CHECK_CRYPTOGRAPHY_AND_VALIDATE_NAME',
        // Start from the top rung of the source and keep 2 segments of buffer.
        HlsInputSettings: { Bandwidth: 0, BufferSegments: 2, Retries: 5, RetryInterval: 1 },
      },
    } : {}),
  };
}

export function buildChannelRequest({ record, stage, inputId, roleArn, packagerTarget, slateInputId }: ChannelRequestArgs): CreateChannelRequest {
  const packagerOutput = buildMediaPackageOutputGroup(record.profile, packagerTarget);
  const { profile, channelId, generation } = record;
  const standard = profile.channelClass === 'STANDARD';
  const audioDescriptions = [buildAudioDescription(profile)];
  // Every attachment (primary and slate) carries the selectors the audio descriptions name.
  const audioSelectors = audioSelectorsFor(audioDescriptions);
  return {
    Name: resourceName(channelId),
    RequestId: idempotencyToken(channelId, generation, 'channel'),
    ChannelClass: profile.channelClass,
    RoleArn: roleArn,
    LogLevel: 'DISABLED',
    InputSpecification: {
      Codec: profile.input.codec,
      Resolution: profile.input.resolution,
      MaximumBitrate: profile.input.maximumBitrate,
    },
    InputAttachments: [{
      InputAttachmentName: resourceName(channelId, 'input'),
      InputId: inputId,
      InputSettings: buildInputSettings(profile, audioSelectors),
    },
    // The slate loops for as long as recovery keeps it on air (a file input ends otherwise).
    ...(slateInputId ? [{
      InputAttachmentName: resourceName(channelId, 'slate'),
      InputId: slateInputId,
      InputSettings: { SourceEndBehavior: 'LOOP' as const, AudioSelectors: audioSelectors },
    }] : [])],
    Destinations: packagerOutput.destinations,
    EncoderSettings: {
      // System clock: both pipelines stamp the same wall-clock timecode, so MediaPackage can
      // switch between them without a discontinuity even when the source carries none.
      TimecodeConfig: { Source: 'SYSTEMCLOCK' },
      GlobalConfiguration: {
        InputEndAction: 'NONE',
        OutputTimingSource: 'SYSTEM_CLOCK',
        SupportLowFramerateInputs: 'DISABLED',
        // Repeat the last frame for 1 s, then a dark slate: viewers see the loss, players keep going.
        InputLossBehavior: { RepeatFrameMsec: 1000, BlackFrameMsec: 10_000, InputLossImageType: 'COLOR', InputLossImageColor: '333333' },
        // Two pipelines must emit identical segments for MediaPackage's input redundancy.
        ...(standard ? { OutputLockingMode: 'PIPELINE_LOCKING' as const } : {}),
      },
      VideoDescriptions: profile.video.renditions.map((r) => buildVideoDescription(r, profile.video.gopSeconds)),
      AudioDescriptions: audioDescriptions,
      OutputGroups: [packagerOutput.outputGroup],
    },
    Tags: channelTags(record, stage),
  };
}
