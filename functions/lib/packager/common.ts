/** Helpers shared by both packagers: endpoint keys, playback paths and the CDN origin domain. */
import { PackagerNotReadyError, ValidationError } from '../errors';
import type { ChannelRecord, OriginEndpointRecord } from '../channel/registry';
import { hasChannelTags } from '../tags';
import type { PlaybackPaths } from './types';

/** Registry keys under resources.packager.originEndpoints, one per playback format. */
export const ENDPOINT_KEYS = ['hls', 'dash', 'cmaf', 'llhls'] as const;
export type EndpointKey = (typeof ENDPOINT_KEYS)[number];
export const FORMAT_OF: Record<EndpointKey, string> = { hls: 'HLS', dash: 'DASH', cmaf: 'CMAF', llhls: 'LL-HLS' };

/** Manifest file name on every endpoint: `index.m3u8` / `index.mpd`. */
export const MANIFEST_NAME = 'index';

export function recordedEndpoints(record: Pick<ChannelRecord, 'resources'>): Partial<Record<EndpointKey, OriginEndpointRecord>> {
  return record.resources.packager.originEndpoints as Partial<Record<EndpointKey, OriginEndpointRecord>>;
}

export function playbackPathsOf(record: Pick<ChannelRecord, 'resources'>): PlaybackPaths {
  const eps = recordedEndpoints(record);
  const out: PlaybackPaths = {};
  for (const key of ENDPOINT_KEYS) {
    const ep = eps[key];
    if (ep?.url) out[key] = new URL(ep.url).pathname;
  }
  return out;
}

/** Every endpoint of one v2 channel group (or one v1 account/region) shares one origin host. */
export function originDomainOf(record: Pick<ChannelRecord, 'resources' | 'channelId'>): string {
  const hosts = new Set(Object.values(record.resources.packager.originEndpoints).map((ep) => new URL(ep.url).host));
  if (hosts.size === 0) throw new PackagerNotReadyError(`Channel ${record.channelId} has no origin endpoints recorded yet`);
  if (hosts.size > 1) throw new PackagerNotReadyError(`Channel ${record.channelId} endpoints span several origin hosts: ${[...hosts].join(', ')}`);
  return [...hosts][0];
}

/** Distinct AWS endpoint names recorded (one endpoint can serve several formats). */
export function endpointNames(record: Pick<ChannelRecord, 'resources'>): string[] {
  return [...new Set(Object.values(record.resources.packager.originEndpoints).map((ep) => ep.name))];
}

/**
 * A resource found by its deterministic name must carry this channel's tags before OnAir adopts
 * it: the same channel id in another stage (or someone else's resource) must never be reused
 * or, later, deleted.
 */
export function assertOwned(
  tags: Parameters<typeof hasChannelTags>[0],
  record: Pick<ChannelRecord, 'channelId'>,
  stage: string,
  what: string,
): void {
  if (!hasChannelTags(tags, record, stage)) {
    throw new ValidationError(`${what} already exists and is not OnAir's for channel ${record.channelId} in stage ${stage}`, [
      { field: 'channelId', message: `collides with an existing ${what} OnAir does not own` },
    ]);
  }
}
