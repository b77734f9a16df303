/**
 * The zod-free half of channel profiles (profile.ts holds the schema and re-exports all of this):
 * input types, delivery kinds and the unknown-profile error. Builders and handlers that need only
 * these import them from here, so their bundles carry no schema library (issue 7: bundle size).
 * It imports nothing from profile.ts (the built-in profiles, typed by the schema, live there).
 */

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
 * packages whole multiples of it (profile.segmentSeconds). AWS's Live Event Framework low-latency
 * config works to the same 1 s (aws-samples/aws-cdk-mediaservices-refarch LEF/config/low-latency:
 * the event group's nominalSegmentLength 1, set in its CMAF-ingest profile; its MediaPackage output
 * group itself sets no segment length). The GOP must divide it so every ingest segment starts with an IDR.
 */
export const LOW_LATENCY_INGEST_SEGMENT_SECONDS = 1;


// Defined in the errors catalogue; re-exported for the profile module that reads it from here.
export { UnknownProfileError } from './errors';
