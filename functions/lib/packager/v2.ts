/**
 * MediaPackage v2: channel group → CMAF-ingest channel (+ channel policy letting the MediaLive
 * role push) → origin endpoints: HLS/TS and one CMAF endpoint serving DASH, HLS/fMP4 and
 * optionally low-latency HLS. CloudFront reaches the endpoints through Origin Access Control,
 * authorised by an origin endpoint policy naming the distribution.
 *
 * Names are the idempotency keys: group — the stage's `onair-<stage>` with shared delivery (never
 * created or deleted here: the stack owns it), else the group the profile names, else
 * `onair-<channel>` created for the channel; channel `onair-<channel>-<generation>` (a recreated
 * channel never shares a cached path with the previous one, lib/delivery.ts); endpoints
 * `onair-<channel>-hls` / `-cmaf`. A retry gets each one first and creates only what is missing.
 * With shared delivery the endpoint policies naming the stage's distribution are put as the
 * endpoints are created: no CDN step follows.
 *
 * Pure builders exported for tests and the local twin's fixtures:
 *   channelGroupNameFor(record), buildChannelGroupRequest, buildV2ChannelRequest, buildChannelPolicy,
 *   buildV2OriginEndpointRequests(record, stage) → [{ keys, request }], buildOriginEndpointPolicy
 */
import {
  CreateChannelCommand, CreateChannelGroupCommand, CreateOriginEndpointCommand, DeleteChannelCommand,
  DeleteChannelGroupCommand, DeleteOriginEndpointCommand, GetChannelCommand, GetChannelGroupCommand,
  GetOriginEndpointCommand, ListChannelsCommand, PutChannelPolicyCommand, PutOriginEndpointPolicyCommand,
  ConflictException, type CreateChannelGroupRequest, type CreateChannelRequest, type CreateOriginEndpointRequest,
  type GetChannelResponse, type GetOriginEndpointResponse, type MediaPackageV2Client,
} from '@aws-sdk/client-mediapackagev2';
import { isNotFound, PackagerNotReadyError, ResourceFailedError, undefinedIfNotFound, ValidationError } from '../errors';
import { isSharedDelivery } from '../delivery';
import { idempotencyToken, resourceName } from '../ids';
import type { ChannelRecord, OriginEndpointRecord, PackagerV2Resources } from '../channel/registry';
import { channelTags, hasChannelTags } from '../tags';
import { assertOwned, endpointNames, FORMAT_OF, recordedEndpoints, playbackPathsOf, type EndpointKey } from './common';
import { channelGroupNameFor, v2CdnOrigin, v2MedialiveTarget, v2ChannelNameFor } from './layout';
import type { Packager, PackagerDeps } from './types';

export { channelGroupNameFor, v2ChannelNameFor } from './layout';

type Rec = Pick<ChannelRecord, 'channelId' | 'generation' | 'profileName' | 'profile'>;

/** Does OnAir create (and delete) this channel's group? Not the stage's, not one the profile names. */
function ownsGroup(record: Pick<ChannelRecord, 'profile'>): boolean {
  return !isSharedDelivery(record.profile) && record.profile.packager.channelGroup === undefined;
}

export function buildChannelGroupRequest(record: Rec, stage: string): CreateChannelGroupRequest {
  return {
    ChannelGroupName: channelGroupNameFor(record, stage),
    ClientToken: idempotencyToken(record.channelId, record.generation, 'mp-group'),
    Description: `OnAir channel ${record.channelId}`,
    Tags: channelTags(record, stage),
  };
}

export function buildV2ChannelRequest(record: Rec, stage: string): CreateChannelRequest {
  return {
    ChannelGroupName: channelGroupNameFor(record, stage),
    ChannelName: v2ChannelNameFor(record),
    ClientToken: idempotencyToken(record.channelId, record.generation, 'mp-channel'),
    // CMAF ingest: what MediaLive's MediaPackage output group sends to a v2 channel.
    InputType: 'CMAF',
    Description: `OnAir channel ${record.channelId}`,
    Tags: channelTags(record, stage),
  };
}

/** Channel policy: only the MediaLive service role may push segments into this channel. */
export function buildChannelPolicy(channelArn: string, medialiveRoleArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Sid: 'AllowMediaLivePush',
      Effect: 'Allow',
      Principal: { AWS: medialiveRoleArn },
      Action: 'mediapackagev2:PutObject',
      Resource: channelArn,
    }],
  });
}

/**
 * Origin endpoint policy for CloudFront OAC (CloudFront DG "Restrict access to a MediaPackage v2
 * origin"): the CloudFront service principal may read, only on behalf of this distribution.
 * GetHeadObject lets CloudFront answer HEAD requests players send.
 */
export function buildOriginEndpointPolicy(endpointArn: string, distributionArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Sid: 'AllowCloudFrontOAC',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: ['mediapackagev2:GetObject', 'mediapackagev2:GetHeadObject'],
      Resource: endpointArn,
      Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
    }],
  });
}

/** Manifest names on the endpoints (file names before .m3u8 / .mpd). */
export const V2_MANIFESTS = { hls: 'index', dash: 'dash', cmaf: 'hls', llhls: 'llhls' } as const;

export interface V2EndpointPlan {
  /** Formats this endpoint serves (registry keys). */
  keys: EndpointKey[];
  request: CreateOriginEndpointRequest;
}

export function buildV2OriginEndpointRequests(record: Rec, stage: string): V2EndpointPlan[] {
  const { profile } = record;
  const pk = profile.packager;
  const seg = profile.segmentSeconds;
  const window = pk.manifestWindowSeconds;
  const base = {
    ChannelGroupName: channelGroupNameFor(record, stage),
    ChannelName: v2ChannelNameFor(record),
    Tags: channelTags(record, stage),
  };
  const plans: V2EndpointPlan[] = [];
  if (pk.endpoints.includes('HLS')) {
    plans.push({
      keys: ['hls'],
      request: {
        ...base,
        OriginEndpointName: resourceName(record.channelId, 'hls'),
        ClientToken: idempotencyToken(record.channelId, record.generation, 'mp-ep-hls'),
        ContainerType: 'TS',
        Segment: { SegmentDurationSeconds: seg, SegmentName: 'segment', TsUseAudioRenditionGroup: true, IncludeIframeOnlyStreams: false },
        HlsManifests: [{ ManifestName: V2_MANIFESTS.hls, ManifestWindowSeconds: window, ProgramDateTimeIntervalSeconds: 60 }],
      },
    });
  }
  const dash = pk.endpoints.includes('DASH');
  const cmafHls = pk.endpoints.includes('CMAF');
  if (dash || cmafHls || pk.lowLatencyHls) {
    plans.push({
      keys: [...(dash ? ['dash' as const] : []), ...(cmafHls ? ['cmaf' as const] : []), ...(pk.lowLatencyHls ? ['llhls' as const] : [])],
      request: {
        ...base,
        OriginEndpointName: resourceName(record.channelId, 'cmaf'),
        ClientToken: idempotencyToken(record.channelId, record.generation, 'mp-ep-cmaf'),
        ContainerType: 'CMAF',
        Segment: { SegmentDurationSeconds: seg, SegmentName: 'segment', IncludeIframeOnlyStreams: false },
        ...(dash ? {
          DashManifests: [{
            ManifestName: V2_MANIFESTS.dash,
            ManifestWindowSeconds: window,
            // Players re-fetch the MPD once a segment and stay ~3 segments behind live.
            MinUpdatePeriodSeconds: seg,
            MinBufferTimeSeconds: seg * 2,
            SuggestedPresentationDelaySeconds: seg * 3,
            SegmentTemplateFormat: 'NUMBER_WITH_TIMELINE',
            PeriodTriggers: [],
            UtcTiming: { TimingMode: 'UTC_DIRECT' },
          }],
        } : {}),
        ...(cmafHls ? { HlsManifests: [{ ManifestName: V2_MANIFESTS.cmaf, ManifestWindowSeconds: window, ProgramDateTimeIntervalSeconds: 60 }] } : {}),
        ...(pk.lowLatencyHls ? {
          LowLatencyHlsManifests: [{ ManifestName: V2_MANIFESTS.llhls, ManifestWindowSeconds: window, ProgramDateTimeIntervalSeconds: 60 }],
        } : {}),
      },
    });
  }
  return plans;
}

function client(deps: PackagerDeps): MediaPackageV2Client {
  if (!deps.mediapackagev2) throw new Error('MediaPackage v2 client not provided to the packager');
  return deps.mediapackagev2;
}

function manifestUrl(ep: Pick<GetOriginEndpointResponse, 'HlsManifests' | 'DashManifests' | 'LowLatencyHlsManifests'>, key: EndpointKey): string | undefined {
  switch (key) {
    case 'hls': return ep.HlsManifests?.find((m) => m.ManifestName === V2_MANIFESTS.hls)?.Url;
    case 'cmaf': return ep.HlsManifests?.find((m) => m.ManifestName === V2_MANIFESTS.cmaf)?.Url;
    case 'dash': return ep.DashManifests?.find((m) => m.ManifestName === V2_MANIFESTS.dash)?.Url;
    case 'llhls': return ep.LowLatencyHlsManifests?.find((m) => m.ManifestName === V2_MANIFESTS.llhls)?.Url;
    default: return undefined;
  }
}

const P = (...path: string[]): string[] => ['packager', ...path];

async function ensureGroup(deps: PackagerDeps, record: ChannelRecord, mp: MediaPackageV2Client): Promise<void> {
  const { registry, config } = deps;
  const name = channelGroupNameFor(record, config.stage);
  const ownGroup = ownsGroup(record);
  const existing = await undefinedIfNotFound(() => mp.send(new GetChannelGroupCommand({ ChannelGroupName: name })));
  if (existing) {
    // A group named after the channel but not tagged for it belongs to someone else: never adopt it.
    if (ownGroup && !hasChannelTags(existing.Tags, record, config.stage)) {
      throw new ValidationError(`MediaPackage channel group ${name} exists and is not OnAir's for channel ${record.channelId}`, [
        { field: 'packager.channelGroup', message: 'name a group to use, or free this one' },
      ]);
    }
    await registry.recordResource(record.channelId, P('channelGroupName'), name);
    await registry.recordResource(record.channelId, P('channelGroupCreated'), ownGroup);
    if (existing.EgressDomain) await registry.recordResource(record.channelId, P('channelGroupEgressDomain'), existing.EgressDomain);
    return;
  }
  if (isSharedDelivery(record.profile)) {
    throw new ValidationError(`The stage's MediaPackage channel group ${name} does not exist: deploy the stack (serverless.yml DeliveryChannelGroup)`, [
      { field: 'delivery', message: "shared delivery needs the stage's channel group; use 'dedicated' to create one for this channel" },
    ]);
  }
  if (!ownGroup) {
    throw new ValidationError(`MediaPackage channel group ${name} does not exist`, [
      { field: 'packager.channelGroup', message: 'the named group must exist (OnAir creates one only when none is named)' },
    ]);
  }
  // Intent first: the name is recorded before the create, so a crash between CreateChannelGroup
  // and the registry write cannot leave a group teardown does not know (deleting a group that
  // was never created is a NotFound, i.e. done).
  await registry.recordResource(record.channelId, P('channelGroupName'), name);
  await registry.recordResource(record.channelId, P('channelGroupCreated'), true);
  let egress: string | undefined;
  try {
    egress = (await mp.send(new CreateChannelGroupCommand(buildChannelGroupRequest(record, config.stage)))).EgressDomain;
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
    // Created meanwhile: by a concurrent attempt of this step (ours), or by someone else (not ours).
    const existing = await mp.send(new GetChannelGroupCommand({ ChannelGroupName: name }));
    if (!hasChannelTags(existing.Tags, record, config.stage)) {
      await registry.recordResource(record.channelId, P('channelGroupName'), undefined);
      await registry.recordResource(record.channelId, P('channelGroupCreated'), undefined);
      assertOwned(existing.Tags, record, config.stage, `MediaPackage channel group ${name}`);
    }
    egress = existing.EgressDomain;
  }
  if (egress) await registry.recordResource(record.channelId, P('channelGroupEgressDomain'), egress);
}

async function ensureV2Channel(deps: PackagerDeps, record: ChannelRecord, mp: MediaPackageV2Client): Promise<string> {
  const { registry, config } = deps;
  const key = { ChannelGroupName: channelGroupNameFor(record, config.stage), ChannelName: v2ChannelNameFor(record) };
  const found = await undefinedIfNotFound(() => mp.send(new GetChannelCommand(key)));
  if (found) assertOwned(found.Tags, record, config.stage, `MediaPackage channel ${key.ChannelName}`);
  let channel: Pick<GetChannelResponse, 'Arn' | 'IngestEndpoints'> | undefined = found;
  if (!channel) {
    // Intent first (see ensureGroup): teardown then deletes the channel and its planned endpoints
    // by name even if this Lambda dies right after CreateChannel.
    await registry.recordResource(record.channelId, P('channelName'), key.ChannelName);
    try {
      channel = await mp.send(new CreateChannelCommand(buildV2ChannelRequest(record, config.stage)));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      const existing = await mp.send(new GetChannelCommand(key));
      if (!hasChannelTags(existing.Tags, record, config.stage)) {
        await registry.recordResource(record.channelId, P('channelName'), undefined);
        assertOwned(existing.Tags, record, config.stage, `MediaPackage channel ${key.ChannelName}`);
      }
      channel = existing;
    }
  }
  if (!channel.Arn) throw new ResourceFailedError('MediaPackage v2 channel has no ARN');
  await registry.recordResource(record.channelId, P('channelName'), key.ChannelName);
  await registry.recordResource(record.channelId, P('channelArn'), channel.Arn);
  const ingest = (channel.IngestEndpoints ?? []).map((e) => e.Url).filter((u): u is string => !!u);
  await registry.recordResource(record.channelId, P('ingestEndpoints'), ingest);
  return channel.Arn;
}

/** Lets the distribution read the origin: one origin endpoint policy per recorded endpoint, naming it. */
export async function authorizeV2Cdn(deps: PackagerDeps, record: ChannelRecord): Promise<{ authorized: boolean; endpoints: string[] }> {
  const mp = client(deps);
  const distributionArn = record.resources.distributionArn;
  if (!distributionArn) throw new PackagerNotReadyError(`Channel ${record.channelId} has no distribution ARN recorded yet`);
  const byName = new Map<string, OriginEndpointRecord>();
  for (const ep of Object.values(recordedEndpoints(record))) if (ep) byName.set(ep.name, ep);
  for (const ep of byName.values()) {
    if (!ep.arn) throw new PackagerNotReadyError(`Origin endpoint ${ep.name} has no ARN recorded`);
    await mp.send(new PutOriginEndpointPolicyCommand({
      ChannelGroupName: channelGroupNameFor(record, deps.config.stage),
      ChannelName: v2ChannelNameFor(record),
      OriginEndpointName: ep.name,
      Policy: buildOriginEndpointPolicy(ep.arn, distributionArn),
    }));
  }
  return { authorized: true, endpoints: [...byName.keys()] };
}

export const mediaPackageV2: Packager = {
  kind: 'mediapackage-v2',
  medialiveTarget: v2MedialiveTarget,
  cdnOrigin: v2CdnOrigin,
  playbackPaths: playbackPathsOf,

  async ensure(deps, record) {
    const mp = client(deps);
    await ensureGroup(deps, record, mp);
    const channelArn = await ensureV2Channel(deps, record, mp);
    await mp.send(new PutChannelPolicyCommand({
      ChannelGroupName: channelGroupNameFor(record, deps.config.stage),
      ChannelName: v2ChannelNameFor(record),
      Policy: buildChannelPolicy(channelArn, deps.config.medialiveRoleArn),
    }));
    const endpoints: Record<string, string> = {};
    for (const plan of buildV2OriginEndpointRequests(record, deps.config.stage)) {
      const { ChannelGroupName, ChannelName, OriginEndpointName } = plan.request;
      const key = { ChannelGroupName, ChannelName, OriginEndpointName };
      const what = `MediaPackage origin endpoint ${OriginEndpointName}`;
      const found = await undefinedIfNotFound(() => mp.send(new GetOriginEndpointCommand(key)));
      if (found) assertOwned(found.Tags, record, deps.config.stage, what);
      let ep: Pick<GetOriginEndpointResponse, 'Arn' | 'HlsManifests' | 'DashManifests' | 'LowLatencyHlsManifests'> | undefined = found;
      if (!ep) {
        try {
          ep = await mp.send(new CreateOriginEndpointCommand(plan.request));
        } catch (error) {
          if (!(error instanceof ConflictException)) throw error;
          const existing = await mp.send(new GetOriginEndpointCommand(key));
          assertOwned(existing.Tags, record, deps.config.stage, what);
          ep = existing;
        }
      }
      for (const k of plan.keys) {
        const url = manifestUrl(ep, k);
        if (!url) throw new ResourceFailedError(`MediaPackage v2 endpoint ${OriginEndpointName} has no ${FORMAT_OF[k]} manifest URL`);
        const value: OriginEndpointRecord = { name: OriginEndpointName as string, format: FORMAT_OF[k], url, ...(ep.Arn ? { arn: ep.Arn } : {}) };
        await deps.registry.recordResource(record.channelId, P('originEndpoints', k), value);
        endpoints[k] = url;
      }
      // Shared delivery: the stage's distribution may read this endpoint from the moment it exists.
      if (isSharedDelivery(record.profile)) {
        if (!ep.Arn) throw new ResourceFailedError(`MediaPackage v2 endpoint ${OriginEndpointName} has no ARN`);
        await mp.send(new PutOriginEndpointPolicyCommand({ ...key, Policy: buildOriginEndpointPolicy(ep.Arn, deps.config.deliveryDistributionArn) }));
      }
    }
    return { kind: 'mediapackage-v2', endpoints };
  },

  authorizeCdn: authorizeV2Cdn,

  async delete(deps, record) {
    const mp = client(deps);
    const res = record.resources.packager as PackagerV2Resources;
    const group = res.channelGroupName ?? channelGroupNameFor(record, deps.config.stage);
    const channelName = res.channelName ?? v2ChannelNameFor(record);
    // Endpoints live inside OnAir's channel, so when that channel may exist, its planned endpoint
    // names are deleted too: one created just before a crash is then not left behind.
    const planned = res.channelName
      ? buildV2OriginEndpointRequests(record, deps.config.stage).map((p) => p.request.OriginEndpointName as string)
      : [];
    for (const name of [...new Set([...endpointNames(record), ...planned])]) {
      try {
        await mp.send(new DeleteOriginEndpointCommand({ ChannelGroupName: group, ChannelName: channelName, OriginEndpointName: name }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      for (const [k, ep] of Object.entries(res.originEndpoints)) {
        if (ep.name === name) await deps.registry.recordResource(record.channelId, P('originEndpoints', k), undefined);
      }
    }
    if (res.channelName || res.channelArn) {
      try {
        // Endpoints must be gone first, else ConflictException (propagates).
        await mp.send(new DeleteChannelCommand({ ChannelGroupName: group, ChannelName: channelName }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      for (const k of ['channelName', 'channelArn', 'ingestEndpoints']) await deps.registry.recordResource(record.channelId, P(k), undefined);
    }
    if (res.channelGroupCreated && res.channelGroupName) {
      let empty = true;
      try {
        const channels = await mp.send(new ListChannelsCommand({ ChannelGroupName: res.channelGroupName, MaxResults: 1 }));
        empty = (channels.Items ?? []).length === 0;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      if (!empty) {
        // Someone put another channel in OnAir's group: keep the group (and its record, so the
        // sweeper still sees it) rather than break theirs. Everything of this channel is gone.
        return { deleted: true, retained: [`channel group ${res.channelGroupName} (not empty)`] };
      }
      try {
        await mp.send(new DeleteChannelGroupCommand({ ChannelGroupName: res.channelGroupName }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    if (res.channelGroupName) {
      for (const k of ['channelGroupName', 'channelGroupCreated', 'channelGroupEgressDomain']) {
        await deps.registry.recordResource(record.channelId, P(k), undefined);
      }
    }
    return { deleted: true };
  },
};
