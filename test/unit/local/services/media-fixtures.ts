/** Request fixtures in model member names, shaped like OnAir's builders send them. */
import type { ModelValue } from '../../../../local/core/types';

export const ROLE_ARN = 'arn:aws:iam::111122223333:role/onair-medialive';

export const RUNGS = [
  { name: 'video_1080p30', width: 1920, height: 1080, bitrate: 5_000_000 },
  { name: 'video_720p30', width: 1280, height: 720, bitrate: 3_000_000 },
  { name: 'video_480p30', width: 854, height: 480, bitrate: 1_200_000 },
];

export function encoderSettings(opts: { gopSeconds?: number; segmentSeconds?: number; destinationId?: string } = {}): ModelValue {
  const gop = opts.gopSeconds ?? 2;
  return {
    TimecodeConfig: { Source: 'SYSTEMCLOCK' },
    AudioDescriptions: [{ Name: 'audio_aac', AudioSelectorName: 'default', CodecSettings: { AacSettings: { Bitrate: 128000, SampleRate: 48000 } } }],
    VideoDescriptions: RUNGS.map((r) => ({
      Name: r.name,
      Width: r.width,
      Height: r.height,
      CodecSettings: {
        H264Settings: {
          Bitrate: r.bitrate,
          FramerateControl: 'SPECIFIED',
          FramerateNumerator: 30,
          FramerateDenominator: 1,
          GopSize: gop,
          GopSizeUnits: 'SECONDS',
          Profile: 'HIGH',
          RateControlMode: 'CBR',
        },
      },
    })),
    OutputGroups: [
      {
        Name: 'mediapackage',
        OutputGroupSettings: {
          MediaPackageGroupSettings: {
            Destination: { DestinationRefId: opts.destinationId ?? 'mp' },
            MediapackageV2GroupSettings: { SegmentLength: opts.segmentSeconds ?? 6, SegmentLengthUnits: 'SECONDS' },
          },
        },
        Outputs: RUNGS.map((r) => ({
          OutputName: r.name,
          VideoDescriptionName: r.name,
          AudioDescriptionNames: ['audio_aac'],
          OutputSettings: { MediaPackageOutputSettings: {} },
        })),
      },
    ],
  };
}

export function channelRequest(inputId: string, overrides: ModelValue = {}): ModelValue {
  return {
    Name: 'onair-demo',
    ChannelClass: 'STANDARD',
    RoleArn: ROLE_ARN,
    InputSpecification: { Codec: 'AVC', Resolution: 'HD', MaximumBitrate: 'MAX_10_MBPS' },
    InputAttachments: [{ InputId: inputId, InputAttachmentName: 'primary', InputSettings: { AudioSelectors: [{ Name: 'default' }] } }],
    Destinations: [{ Id: 'mp', MediaPackageSettings: [{ ChannelGroup: 'onair', ChannelName: 'demo' }] }],
    EncoderSettings: encoderSettings(),
    Tags: { 'onair:channel': 'demo' },
    ...overrides,
  };
}

const EGRESS = 'abc123.egress.xyz789.mediapackagev2.us-east-1.amazonaws.com';

/** A distribution in front of a MediaPackage origin (egress domain of a v2 group unless given). */
export function distributionConfig(overrides: ModelValue = {}, oacId?: string, domain = EGRESS, headers?: Record<string, string>): ModelValue {
  return {
    CallerReference: 'onair-demo-cdn-1',
    Comment: 'OnAir dev channel demo',
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: 'mediapackage', DomainName: domain, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' }, ...(headers ? { CustomHeaders: { Quantity: Object.keys(headers).length, Items: Object.entries(headers).map(([HeaderName, HeaderValue]) => ({ HeaderName, HeaderValue })) } } : {}), ...(oacId ? { OriginAccessControlId: oacId } : {}) }] },
    DefaultCacheBehavior: { TargetOriginId: 'mediapackage', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
    CacheBehaviors: { Quantity: 1, Items: [{ PathPattern: '*.m3u8', TargetOriginId: 'mediapackage', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '08627262-05a9-4f76-9ded-b50ca2e3a84f' }] },
    ...overrides,
  };
}

