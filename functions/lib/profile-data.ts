/**
 * The zod-free half of channel profiles (profile.ts holds the schema and re-exports all of this):
 * input types, the built-in profiles and the unknown-profile error. Builders and handlers that need
 * only these import them from here, so their bundles carry no schema library (issue 7: bundle size).
 *
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
import type { ProfileOverrides } from './profile';

export const INPUT_TYPES = ['RTMP_PUSH', 'RTP_PUSH', 'URL_PULL', 'SRT_CALLER', 'MEDIACONNECT'] as const;
export type InputType = (typeof INPUT_TYPES)[number];
/** How viewers reach a channel (lib/delivery.ts): the stage's distribution, or one of its own. */
export const DELIVERY_KINDS = ['shared', 'dedicated'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/** Input types that receive pushed streams and so need an input security group. */
export const PUSH_INPUT_TYPES: readonly InputType[] = ['RTMP_PUSH', 'RTP_PUSH'];

/**
 * Segment length MediaLive sends to MediaPackage v2 for low-latency HLS: "We recommend 1 second for
 * improved latency" (MediaLive UG "Implementing low-latency output",
 * https://docs.aws.amazon.com/medialive/latest/ug/mediapackage-v2-low-latency.html). MediaPackage
 * packages whole multiples of it (profile.segmentSeconds), as AWS's Live Event Framework low-latency
 * config does (aws-samples/aws-cdk-mediaservices-refarch LEF/config/low-latency: 1 s from MediaLive,
 * longer MediaPackage segments). The GOP must divide it so every ingest segment starts with an IDR.
 */
export const LOW_LATENCY_INGEST_SEGMENT_SECONDS = 1;

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

export class UnknownProfileError extends Error {
  constructor(readonly profileName: string) {
    super(`Unknown profile "${profileName}"; known profiles: ${Object.keys(BUILTIN_PROFILES).join(', ')}`);
    this.name = 'UnknownProfileError';
  }
}
