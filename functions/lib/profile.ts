/**
 * Channel profiles: a typed, validated description of everything OnAir builds for a channel.
 * A request names a profile (default: `default`) and may override any part of it; the merged
 * result is validated as a whole, so an error always names the field that is wrong.
 * Input types, delivery kinds and the unknown-profile error live in profile-data.ts (no zod there:
 * what builders import stays small) and are re-exported from here; the built-in profiles, typed by
 * the schema, live at the end of this file.
 */
// zod/mini: the same core checks and messages as classic zod, without its ~75 KB in every bundle that
// resolves a profile (validate, the API functions, the sweeper).
import * as z from 'zod/mini';
import { parseOrThrow } from './validation';
import { defaultRecoveryRules, recoveryPolicySchema } from './recovery/policy';
import { DELIVERY_KINDS, INPUT_TYPES, LOW_LATENCY_INGEST_SEGMENT_SECONDS, PUSH_INPUT_TYPES, UnknownProfileError } from './profile-data';

export { INPUT_TYPES, PUSH_INPUT_TYPES, UnknownProfileError, type InputType } from './profile-data';

const cidr = z.string().check(z.regex(
  /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/,
  'an IPv4 CIDR such as 203.0.113.10/32',
));
/** An integer in [min, max]: classic zod's `.int().min().max()`. */
const int = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));
/** A number in [min, max]: classic zod's `.min().max()`. */
const num = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));

export const renditionSchema = z.object({
  /** Used in MediaLive names (`video_1080p30`) and output name modifiers. */
  name: z.string().check(z.regex(/^[a-z0-9_]{1,32}$/, 'lowercase letters, digits and underscores, at most 32')),
  width: int(160, 3840),
  height: int(90, 2160),
  /** Frames per second as a fraction (30000/1001 for 29.97). */
  framerateNumerator: z._default(int(1, 60000), 30),
  framerateDenominator: z._default(int(1, 1001), 1),
  /** Target bitrate in bits per second (QVBR maximum, or CBR rate). */
  bitrate: int(100_000, 40_000_000),
  h264Profile: z._default(z.enum(['BASELINE', 'MAIN', 'HIGH']), 'HIGH'),
  rateControl: z._default(z.enum(['QVBR', 'CBR']), 'QVBR'),
});
export type Rendition = z.output<typeof renditionSchema>;

export const profileSchema = z
  .object({
    name: z.string().check(z.regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and hyphens')),
    description: z._default(z.string().check(z.maxLength(200)), ''),
    /** STANDARD runs two redundant pipelines; SINGLE_PIPELINE one (cheaper, no redundancy). */
    channelClass: z._default(z.enum(['STANDARD', 'SINGLE_PIPELINE']), 'STANDARD'),
    input: z.prefault(z.object({
      type: z._default(z.enum(INPUT_TYPES), 'RTMP_PUSH'),
      /**
       * Sources allowed to push (RTMP_PUSH, RTP_PUSH). Required for push inputs: OnAir never
       * opens an input to the world unless 0.0.0.0/0 is listed here explicitly.
       */
      allowedCidrs: z._default(z.array(cidr).check(z.maxLength(10)), []),
      /** URL_PULL: one HLS source URL per pipeline (two for STANDARD). */
      sourceUrls: z._default(z.array(z.string().check(z.url())).check(z.maxLength(2)), []),
      /** SRT_CALLER: the listener OnAir's input calls, one per pipeline. */
      srtSources: z._default(
        z.array(z.object({ host: z.string().check(z.minLength(1), z.maxLength(253)), port: int(1, 65535), streamId: z.optional(z.string().check(z.maxLength(512))) }))
          .check(z.maxLength(2)),
        [],
      ),
      /** MEDIACONNECT: flow ARNs, one per pipeline. */
      mediaConnectFlowArns: z._default(z.array(z.string().check(z.regex(/^arn:aws[a-z-]*:mediaconnect:/, 'a MediaConnect flow ARN'))).check(z.maxLength(2)), []),
      /** MediaLive InputSpecification: what the source sends (drives pricing and decoder setup). */
      codec: z._default(z.enum(['AVC', 'HEVC', 'MPEG2']), 'AVC'),
      resolution: z._default(z.enum(['SD', 'HD', 'UHD']), 'HD'),
      maximumBitrate: z._default(z.enum(['MAX_10_MBPS', 'MAX_20_MBPS', 'MAX_50_MBPS']), 'MAX_10_MBPS'),
    }), {}),
    video: z.object({
      codec: z._default(z.literal('H264'), 'H264'),
      gopSeconds: z._default(num(0.5, 10), 2),
      renditions: z.array(renditionSchema).check(z.minLength(1), z.maxLength(8)),
    }),
    audio: z.prefault(z.object({
      codec: z._default(z.literal('AAC'), 'AAC'),
      bitrate: z._default(int(32_000, 320_000), 128_000),
      sampleRate: z._default(z.union([z.literal(44100), z.literal(48000)]), 48000),
      codingMode: z._default(z.enum(['CODING_MODE_1_0', 'CODING_MODE_2_0']), 'CODING_MODE_2_0'),
    }), {}),
    /** Segment length in seconds; a whole number of GOPs so every segment starts on an IDR. */
    segmentSeconds: z._default(int(1, 30), 6),
    packager: z.prefault(z.object({
      kind: z._default(z.enum(['mediapackage-v2', 'mediapackage-v1']), 'mediapackage-v2'),
      /** v2: channel group to use; OnAir creates (and later deletes) it when absent. */
      channelGroup: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,256}$/))),
      /** v2 only: low-latency HLS endpoint (1 s parts). */
      lowLatencyHls: z._default(z.boolean(), false),
      /** Live window served in manifests, seconds. */
      manifestWindowSeconds: z._default(int(30, 3600), 60),
      /** Endpoints to create: HLS and DASH always; CMAF HLS on v1 as its own endpoint. */
      endpoints: z._default(z.array(z.enum(['HLS', 'DASH', 'CMAF'])).check(z.minLength(1), z.maxLength(3)), ['HLS', 'DASH']),
    }), {}),
    /**
     * shared: the stage's distribution and channel group serve the channel (lib/delivery.ts);
     * dedicated: a distribution of the channel's own (custom domain, price class, geo/WAF; v1).
     */
    delivery: z._default(z.enum(DELIVERY_KINDS), 'shared'),
    cdn: z.prefault(z.object({
      priceClass: z._default(z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']), 'PriceClass_100'),
    }), {}),
    alarms: z.prefault(z.object({
      /** InputLossSeconds summed over a minute above which the input-loss alarm fires. */
      inputLossSecondsPerMinute: z._default(num(1, 60), 10),
      /** CloudFront 5xxErrorRate (percent) averaged over a minute. */
      cdn5xxErrorRatePercent: z._default(num(0.1, 100), 5),
    }), {}),
    /**
     * Caps what a forgotten channel can cost. maxOnAirMinutes: when a channel goes ON_AIR, a
     * one-time schedule stops it this many minutes later (announced on SNS first). Strict, so
     * a field OnAir cannot act on yet is refused instead of silently ignored.
     */
    costGuard: z.prefault(z.strictObject({
      maxOnAirMinutes: z.optional(int(10, 10_080)),
      /** Continuous input loss for this long → announce on SNS and stop (functions/lib/recovery). */
      inputLossAutoStopMinutes: z.optional(int(1, 1440)),
    }), {}),
    /** Automatic recovery: what to do about which alert or alarm (functions/lib/recovery/policy.ts). */
    recovery: z.prefault(recoveryPolicySchema, {}),
  })
  .check(z.superRefine((p, ctx) => {
    const framesPerGop = (r: Rendition) => (p.video.gopSeconds * r.framerateNumerator) / r.framerateDenominator;
    p.video.renditions.forEach((r, i) => {
      if (!Number.isInteger(Math.round(framesPerGop(r) * 1000) / 1000)) {
        ctx.addIssue({ code: 'custom', path: ['video', 'gopSeconds'], message: `gives a fractional number of frames per GOP for rendition ${r.name}` });
      }
      if (r.width % 2 !== 0 || r.height % 2 !== 0) {
        ctx.addIssue({ code: 'custom', path: ['video', 'renditions', i, 'width'], message: 'width and height must be even for H.264 4:2:0' });
      }
    });
    const names = p.video.renditions.map((r) => r.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: 'custom', path: ['video', 'renditions'], message: 'rendition names must be unique' });
    }
    const gops = p.segmentSeconds / p.video.gopSeconds;
    if (Math.abs(gops - Math.round(gops)) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['segmentSeconds'], message: `must be a whole number of GOPs (gopSeconds ${p.video.gopSeconds})` });
    }
    // Low-latency HLS: MediaLive sends LOW_LATENCY_INGEST_SEGMENT_SECONDS segments (profile-data.ts).
    const llGops = LOW_LATENCY_INGEST_SEGMENT_SECONDS / p.video.gopSeconds;
    if (p.packager.lowLatencyHls && Math.abs(llGops - Math.round(llGops)) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['video', 'gopSeconds'], message: `low-latency HLS ingests ${LOW_LATENCY_INGEST_SEGMENT_SECONDS} s segments: the GOP must divide ${LOW_LATENCY_INGEST_SEGMENT_SECONDS} s` });
    }
    const pipelines = p.channelClass === 'STANDARD' ? 2 : 1;
    const input = p.input;
    if (PUSH_INPUT_TYPES.includes(input.type) && input.allowedCidrs.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['input', 'allowedCidrs'], message: `required for ${input.type}: list your encoder's addresses (0.0.0.0/0 only if you really mean the whole internet)` });
    }
    if (input.type === 'URL_PULL' && input.sourceUrls.length !== pipelines) {
      ctx.addIssue({ code: 'custom', path: ['input', 'sourceUrls'], message: `${p.channelClass} needs ${pipelines} source URL(s)` });
    }
    if (input.type === 'SRT_CALLER' && input.srtSources.length !== pipelines) {
      ctx.addIssue({ code: 'custom', path: ['input', 'srtSources'], message: `${p.channelClass} needs ${pipelines} SRT source(s)` });
    }
    if (input.type === 'MEDIACONNECT' && input.mediaConnectFlowArns.length !== pipelines) {
      ctx.addIssue({ code: 'custom', path: ['input', 'mediaConnectFlowArns'], message: `${p.channelClass} needs ${pipelines} flow ARN(s)` });
    }
    // A rule that switches to the slate needs one: provisioning attaches a slate only from recovery.slate.
    p.recovery.rules.forEach((r, i) => {
      if (r.action === 'SWITCH_INPUT' && r.target === 'slate' && !p.recovery.slate) {
        ctx.addIssue({ code: 'custom', path: ['recovery', 'rules', i, 'target'], message: 'switches to a slate this channel will not have: set recovery.slate (an MP4 or HLS URL), or use NOTIFY' });
      }
    });
    if (p.packager.kind === 'mediapackage-v1' && p.packager.lowLatencyHls) {
      ctx.addIssue({ code: 'custom', path: ['packager', 'lowLatencyHls'], message: 'low-latency HLS needs MediaPackage v2' });
    }
    if (p.delivery === 'shared' && p.packager.kind === 'mediapackage-v1') {
      ctx.addIssue({ code: 'custom', path: ['delivery'], message: "shared delivery needs MediaPackage v2 (v1's egress host is per account and its origin is protected per distribution): use delivery 'dedicated'" });
    }
    // The stage's one distribution times its origin for 6 s segments; low-latency HLS ingests 1 s ones,
    // and CloudFront's origin timeouts must fit the segment (read timeout ≤ segment length): AWS's Live
    // Event Framework gives a low-latency event group a distribution of its own (aws-samples/
    // aws-cdk-mediaservices-refarch LEF/lib/event_group/cloudfront.ts, LEF/config/low-latency).
    if (p.delivery === 'shared' && p.packager.lowLatencyHls) {
      ctx.addIssue({ code: 'custom', path: ['delivery'], message: "low-latency HLS needs a distribution timed for its 1 s segments: use delivery 'dedicated' (the stage's shared distribution is timed for 6 s segments)" });
    }
    if (p.delivery === 'shared' && p.packager.channelGroup !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['packager', 'channelGroup'], message: "shared delivery serves the stage's channel group only: omit channelGroup, or use delivery 'dedicated'" });
    }
    if (p.packager.kind === 'mediapackage-v1' && p.packager.channelGroup !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['packager', 'channelGroup'], message: 'channel groups exist only in MediaPackage v2' });
    }
  }));

export type Profile = z.output<typeof profileSchema>;
/** What a caller may send: every field optional, deep. */
export type ProfileOverrides = DeepPartial<z.input<typeof profileSchema>>;
type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * The default ladder (why these numbers):
 * - 1080p30 6 Mbps, 720p30 3 Mbps, 480p30 1.2 Mbps H.264 — close to Apple's HLS authoring
 *   guidance for 30 fps content; each rung is roughly half the one above, so players step
 *   smoothly; High profile on HD rungs, Main on 480p for older phones and TVs.
 * - GOP 2 s (60 frames), closed: every segment starts on an IDR frame, so segments can be
 *   switched between rungs and cut at any GOP boundary.
 * - Segment 6 s = 3 GOPs: Apple's recommended length; a good balance between latency
 *   (≈ 3 segments behind live) and request rate on the CDN. Low-latency HLS uses 1 s parts.
 * - AAC-LC stereo 128 kbps at 48 kHz: broadcast sample rate, transparent for speech and music.
 */
const DEFAULT_LADDER = [
  { name: '1080p30', width: 1920, height: 1080, bitrate: 6_000_000, h264Profile: 'HIGH' },
  { name: '720p30', width: 1280, height: 720, bitrate: 3_000_000, h264Profile: 'HIGH' },
  { name: '480p30', width: 854, height: 480, bitrate: 1_200_000, h264Profile: 'MAIN' },
] as const;

/** Built-in profiles. `default` is the seed's ladder on a redundant channel with MediaPackage v2. */
export const BUILTIN_PROFILES: Record<string, ProfileOverrides> = {
  default: {
    name: 'default',
    description: '1080p/720p/480p30 H.264 + AAC, STANDARD (2 pipelines), RTMP push, MediaPackage v2',
    video: { renditions: DEFAULT_LADDER.map((r) => ({ ...r })) },
  },
  'single-pipeline': {
    name: 'single-pipeline',
    description: 'The default ladder on one pipeline: half the encoding cost, no redundancy',
    channelClass: 'SINGLE_PIPELINE',
    video: { renditions: DEFAULT_LADDER.map((r) => ({ ...r })) },
  },
  'low-latency': {
    name: 'low-latency',
    description: 'The default ladder with a low-latency HLS endpoint: 1 s segments from MediaLive, packaged as 2 s segments',
    segmentSeconds: 2,
    video: { gopSeconds: 1, renditions: DEFAULT_LADDER.map((r) => ({ ...r })) },
    packager: { lowLatencyHls: true },
    // Origin timeouts for 1 s segments: a distribution of its own (the check above says why).
    delivery: 'dedicated',
  },
  'mediapackage-v1': {
    name: 'mediapackage-v1',
    description: 'The default ladder packaged by MediaPackage v1 (HLS, DASH and CMAF endpoints)',
    video: { renditions: DEFAULT_LADDER.map((r) => ({ ...r })) },
    packager: { kind: 'mediapackage-v1', endpoints: ['HLS', 'DASH', 'CMAF'] },
    // v1 cannot share the stage's distribution (lib/delivery.ts): a distribution of its own.
    delivery: 'dedicated',
  },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where arrays (renditions, CIDRs) replace rather than concatenate. */
export function mergeOverrides(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeOverrides(base[k], v);
  return out;
}

/**
 * Resolves a named profile plus overrides into a validated Profile, or throws a
 * ValidationError naming every bad field (paths are relative to the profile, e.g.
 * `video.renditions.0.bitrate`).
 */
export function resolveProfile(profileName = 'default', overrides: unknown = {}): Profile {
  const base = BUILTIN_PROFILES[profileName];
  if (!base) throw new UnknownProfileError(profileName, Object.keys(BUILTIN_PROFILES));
  if (overrides !== undefined && !isPlainObject(overrides)) {
    return parseOrThrow(profileSchema, overrides, 'profile overrides');
  }
  // Copies of both: the defaults filled in below must never reach the caller's objects.
  const merged = mergeOverrides(structuredClone(base), structuredClone(overrides ?? {}));
  // Rules nobody named are the defaults for the inputs this channel will have: with a slate, input
  // loss switches to it (functions/lib/recovery/policy.ts defaultRecoveryRules).
  const recovery = isPlainObject(merged) && isPlainObject(merged.recovery) ? merged.recovery : undefined;
  if (recovery?.slate !== undefined && recovery.rules === undefined) recovery.rules = defaultRecoveryRules(true);
  return parseOrThrow(profileSchema, merged, 'profile');
}
