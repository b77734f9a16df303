/**
 * How the media services find each other inside one twin (playback needs the distribution, the
 * packager endpoint and the encoder feeding it). Each service registers itself against the TwinEnv it
 * was built with, so two twins in one process (tests) never see each other's resources.
 */
import type { ModelValue, RawResponse, TwinEnv } from '../core/types';

// The registry owns the contract between the media services and playback (local/playback): each
// service implements its part below and registers itself; playback reads only these views. Neither
// side imports the other's module, so the services and playback form no cycle.

/** What playback needs to know about a distribution (CloudFrontService.byDomain). */
export interface DistributionView {
  Id: string;
  ARN: string;
  DomainName: string;
  Status: 'InProgress' | 'Deployed';
  config: ModelValue;
}

/** A view of a MediaLive channel for other twin parts (playback). */
export interface MediaLiveChannelView {
  Id: string;
  Arn: string;
  /** MediaLive's channel state (RUNNING, RECOVERING, …). */
  State: string;
  PipelinesRunningCount: number;
  EncoderSettings: ModelValue;
  Destinations: ModelValue[];
  RoleArn?: string;
  startedAt?: number;
  /** Ids of the pipelines running now. */
  RunningPipelines: string[];
  /** Source URLs of the input the channel is reading now (its active attachment). */
  ActiveInputUrls: string[];
  /** The attachment the channel reads now. */
  ActiveAttachmentName?: string;
  /** Every attached input, with what ingest needs (push destinations, the security group's CIDRs). */
  Inputs: AttachedInputView[];
}

export interface AttachedInputView {
  Id: string;
  Type: string;
  AttachmentName?: string;
  /** Push inputs: one URL per pipeline (RTMP: rtmp://host:port/app/stream). */
  DestinationUrls: string[];
  /** Pull and file inputs: one URL per pipeline. */
  SourceUrls: string[];
  /** The input security group's allowed CIDRs (push inputs). */
  Cidrs: string[];
}

/**
 * The twin's media plane (local/media), when it runs: where push inputs are reached and the real
 * content it has produced for a channel. Absent (media off): playback generates placeholder content.
 */
export interface MediaPlaneView {
  /** The RTMP URL a push input's destination gets (`app/instance` stream name). */
  rtmpUrl(streamName: string): { url: string; ip: string; port: string };
  /** Real content for a channel's endpoint request, or undefined when the plane has none for it. */
  serve(channelId: string, request: MediaRequest): RawResponse | undefined;
}

export interface MediaRequest {
  /** Path below the endpoint. */
  rest: string;
  /** HLS or DASH manifest name of the endpoint (undefined for a segment request). */
  manifestName?: string;
  childName: string;
  kind?: 'HLS' | 'DASH';
  /** fMP4 (CMAF endpoint) or MPEG-TS. */
  cmaf: boolean;
  segmentPrefix: string;
  windowSeconds: number;
  /** A DASH manifest's settings on the endpoint (v2 DashManifests[], v1 DashPackage). */
  dash?: { periodTriggers: string[]; minUpdatePeriodSeconds?: number; minBufferTimeSeconds?: number; suggestedPresentationDelaySeconds?: number };
}

/** What playback learns about a v2 origin endpoint addressed by egress domain and path. */
export interface V2Origin {
  group: string;
  channel: string;
  /** The parts of the endpoint playback reads. */
  endpoint: { ContainerType: 'TS' | 'CMAF'; Segment: ModelValue; policy?: string };
  manifest: { kind: 'HLS' | 'LLHLS' | 'DASH'; name: string; config: ModelValue } | undefined;
  /** Path below the endpoint (e.g. `index.m3u8`, `index_1.m3u8`, `segment_1_42.ts`). */
  rest: string;
}

/** What playback learns about a v1 origin endpoint addressed by egress domain and path. */
export interface V1Origin {
  /** The parts of the endpoint playback reads. */
  endpoint: {
    ChannelId: string;
    ManifestName: string;
    /** HlsPackage, DashPackage or CmafPackage. */
    kind: string;
    pkg: ModelValue;
    Authorization?: { CdnIdentifierSecret: string; SecretsRoleArn: string };
    Origination: string;
  };
  /** HLS for HlsPackage and CMAF HLS manifests, DASH for DashPackage. */
  manifest: { kind: 'HLS' | 'DASH'; name: string; segmentSeconds: number; windowSeconds: number } | undefined;
  rest: string;
}

export interface CloudFrontMedia {
  byDomain(domain: string): DistributionView | undefined;
}

export interface MediaLiveMedia {
  channelViews(): MediaLiveChannelView[];
  raiseAlert(channelId: string, alert: { pipeline?: string; alertType: string; message?: string }): string;
  clearAlert(channelId: string, which: { alarmId?: string; alertType?: string; pipeline?: string }): string[];
}

export interface MediaPackageV2Media {
  resolveOrigin(domain: string, path: string): V2Origin | undefined;
  channelForIngest(url: string): { group: string; channel: string } | undefined;
  channelArn(group: string, channel: string): string | undefined;
  channelPolicy(group: string, channel: string): string | undefined;
}

export interface MediaPackageMedia {
  resolveOrigin(domain: string, path: string): V1Origin | undefined;
  channelArn(id: string): string | undefined;
  channelIdForIngest(ref: { channelId?: string; url?: string }): string | undefined;
}

export interface MediaRegistry {
  medialive?: MediaLiveMedia;
  mediapackagev2?: MediaPackageV2Media;
  mediapackage?: MediaPackageMedia;
  cloudfront?: CloudFrontMedia;
  media?: MediaPlaneView;
}

const registries = new WeakMap<object, MediaRegistry>();

export function registerMedia(env: Pick<TwinEnv, 'clock'>, parts: MediaRegistry): void {
  const key = env.clock;
  registries.set(key, { ...(registries.get(key) ?? {}), ...parts });
}

export function mediaRegistry(env: Pick<TwinEnv, 'clock'>): MediaRegistry {
  return registries.get(env.clock) ?? {};
}
