/**
 * The profile the sweeper stores on a channel the registry lost (functions/lib/sweeper/decide.ts):
 * teardown reads the record's profile (its packager kind and delivery pick what is deleted), so the
 * recreated record carries the profile `resolveProfile` gives — 'default' (MediaPackage v2) or
 * 'mediapackage-v1' with a placeholder URL_PULL input — written out here instead of resolved, so
 * the decider's bundle does without the profile schema (≈ 17 KB; issue 13 item 6).
 * test/unit/lib/sweeper.test.ts checks both are exactly what resolveProfile returns.
 */
import type { Profile } from '../profile';

const V2: Profile = {
  name: 'default',
  description: '1080p/720p/480p30 H.264 + AAC, STANDARD (2 pipelines), RTMP push, MediaPackage v2',
  channelClass: 'STANDARD',
  input: { type: 'URL_PULL', allowedCidrs: [], sourceUrls: ['https://sweeper.invalid/a.m3u8', 'https://sweeper.invalid/b.m3u8'], srtSources: [], mediaConnectFlowArns: [], codec: 'AVC', resolution: 'HD', maximumBitrate: 'MAX_10_MBPS' },
  video: { codec: 'H264', gopSeconds: 2, renditions: [{ name: '1080p30', width: 1920, height: 1080, framerateNumerator: 30, framerateDenominator: 1, bitrate: 6_000_000, h264Profile: 'HIGH', rateControl: 'QVBR' }, { name: '720p30', width: 1280, height: 720, framerateNumerator: 30, framerateDenominator: 1, bitrate: 3_000_000, h264Profile: 'HIGH', rateControl: 'QVBR' }, { name: '480p30', width: 854, height: 480, framerateNumerator: 30, framerateDenominator: 1, bitrate: 1_200_000, h264Profile: 'MAIN', rateControl: 'QVBR' }] },
  audio: { codec: 'AAC', bitrate: 128_000, sampleRate: 48_000, codingMode: 'CODING_MODE_2_0' },
  segmentSeconds: 6,
  packager: { kind: 'mediapackage-v2', lowLatencyHls: false, manifestWindowSeconds: 60, endpoints: ['HLS', 'DASH'] },
  delivery: 'shared',
  cdn: { priceClass: 'PriceClass_100' },
  alarms: { inputLossSecondsPerMinute: 10, cdn5xxErrorRatePercent: 5 },
  costGuard: {},
  recovery: { enabled: true, rules: [{ name: 'input-loss', on: { alertTypes: ['Video Not Detected', 'Audio Not Detected', 'RTMP Stream Not Found', 'RTMP Has No Audio/Video', 'RTMP Server Disconnected', 'RTMP Input Connect Failed', 'Stopped Receiving UDP Input', 'HTTP Get Failed'], alarms: [], pipelineDown: false }, action: 'NOTIFY', target: 'backup', debounceSeconds: 30, holdSeconds: 30, verifySeconds: 120 }, { name: 'pipeline-down', on: { alertTypes: [], alarms: [], pipelineDown: true }, action: 'RESTART', target: 'backup', debounceSeconds: 15, holdSeconds: 30, verifySeconds: 180 }, { name: 'output-errors', on: { alertTypes: [], alarms: ['output-4xx', 'output-5xx', 'packager-egress-5xx', 'cdn-5xx-rate'], pipelineDown: false }, action: 'NOTIFY', target: 'backup', debounceSeconds: 120, holdSeconds: 30, verifySeconds: 120 }], attempts: { max: 3, windowSeconds: 900, breakerResetSeconds: 3600 }, notifications: { maxPerWindow: 5 } },
};

export const PLACEHOLDER_PROFILES: Record<'mediapackage-v2' | 'mediapackage-v1', Profile> = {
  'mediapackage-v2': V2,
  'mediapackage-v1': {
    ...V2,
    name: 'mediapackage-v1',
    description: 'The default ladder packaged by MediaPackage v1 (HLS, DASH and CMAF endpoints)',
    packager: { kind: 'mediapackage-v1', lowLatencyHls: false, manifestWindowSeconds: 60, endpoints: ['HLS', 'DASH', 'CMAF'] },
    delivery: 'dedicated',
  },
};
