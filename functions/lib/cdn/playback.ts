/**
 * Playback URLs and the "can viewers actually watch?" check.
 *
 * API (stable):
 *   playbackUrls(record, cfg?)                       → { hls?, dash?, cmaf?, llhls? }  (CDN base + endpoint path)
 *   checkPlayback(fetchFn, record, { timeoutMs?, cfg? }) → { watchable, reason?, checked[] }
 *
 * checkPlayback GETs, through the CDN URL (not the origin), the HLS multivariant playlist and
 * checks it lists one variant per rendition; then the first variant's media playlist, which
 * must be live (segments listed, no #EXT-X-ENDLIST, not VOD); then the DASH MPD, which must be
 * dynamic. Every request has a timeout. It never throws for a negative answer: it says why.
 */
import { cdnBaseUrl, config as defaultConfig, type Config } from '../config';
import { isSharedDelivery } from '../delivery';
// Not packagerFor(): v1 and v2 both derive paths from the recorded endpoint URLs (common.ts), and
// importing the implementations would bundle both MediaPackage clients into every caller.
import { playbackPathsOf } from '../packager/common';
import type { PlaybackPaths } from '../packager/types';
import type { ChannelRecord } from '../channel/registry';

export function playbackUrls(record: ChannelRecord, cfg: Pick<Config, 'cdnUrlTemplate'> & Partial<Pick<Config, 'deliveryDomain'>> = defaultConfig): PlaybackPaths {
  // A dedicated distribution's domain is recorded; a shared-delivery channel plays on the stage's.
  const domain = record.resources.distributionDomain ?? (isSharedDelivery(record.profile) ? cfg.deliveryDomain : undefined);
  if (!domain) return {};
  const base = cdnBaseUrl(domain, cfg);
  const paths = playbackPathsOf(record);
  const out: PlaybackPaths = {};
  for (const [k, path] of Object.entries(paths) as [keyof PlaybackPaths, string | undefined][]) {
    if (path) out[k] = base + path;
  }
  return out;
}

export type FetchFn = (url: string, init?: { signal?: AbortSignal; headers?: Record<string, string> }) => Promise<{
  ok: boolean; status: number; text(): Promise<string>;
}>;

export interface PlaybackCheck {
  watchable: boolean;
  reason?: string;
  /** URLs fetched, in order. */
  checked: string[];
}

async function get(fetchFn: FetchFn, url: string, timeoutMs: number): Promise<{ ok: true; body: string } | { ok: false; reason: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchFn(url, { signal: controller.signal });
    if (!res.ok) return { ok: false, reason: `${url} answered HTTP ${res.status}` };
    return { ok: true, body: await res.text() };
  } catch (error) {
    const aborted = controller.signal.aborted;
    return { ok: false, reason: aborted ? `${url} did not answer within ${timeoutMs} ms` : `${url} failed: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Variant URIs of a multivariant playlist (the line after each #EXT-X-STREAM-INF). */
export function hlsVariants(body: string): string[] {
  const lines = body.split(/\r?\n/).map((l) => l.trim());
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      const uri = lines.slice(i + 1).find((l) => l.length > 0 && !l.startsWith('#'));
      if (uri) out.push(uri);
    }
  });
  return out;
}

export function isLiveMediaPlaylist(body: string): string | undefined {
  if (!body.startsWith('#EXTM3U')) return 'media playlist does not start with #EXTM3U';
  if (body.includes('#EXT-X-ENDLIST')) return 'media playlist has #EXT-X-ENDLIST (not live)';
  if (/#EXT-X-PLAYLIST-TYPE:VOD/.test(body)) return 'media playlist is VOD';
  if (!/#EXTINF:/.test(body)) return 'media playlist lists no segments yet';
  return undefined;
}

export async function checkPlayback(
  fetchFn: FetchFn,
  record: ChannelRecord,
  options: { timeoutMs?: number; cfg?: Pick<Config, 'cdnUrlTemplate'> } = {},
): Promise<PlaybackCheck> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const urls = playbackUrls(record, options.cfg ?? defaultConfig);
  const checked: string[] = [];
  const hlsUrl = urls.hls ?? urls.cmaf;
  if (!hlsUrl && !urls.dash) return { watchable: false, reason: 'no playback URL yet (distribution or endpoints missing)', checked };
  if (hlsUrl) {
    checked.push(hlsUrl);
    const main = await get(fetchFn, hlsUrl, timeoutMs);
    if (!main.ok) return { watchable: false, reason: main.reason, checked };
    if (!main.body.startsWith('#EXTM3U')) return { watchable: false, reason: `${hlsUrl} is not an HLS playlist`, checked };
    const variants = hlsVariants(main.body);
    const expected = record.profile.video.renditions.length;
    if (variants.length !== expected) {
      return { watchable: false, reason: `${hlsUrl} lists ${variants.length} variant(s), expected ${expected} (one per rendition)`, checked };
    }
    const variantUrl = new URL(variants[0], hlsUrl).toString();
    checked.push(variantUrl);
    const media = await get(fetchFn, variantUrl, timeoutMs);
    if (!media.ok) return { watchable: false, reason: media.reason, checked };
    const notLive = isLiveMediaPlaylist(media.body);
    if (notLive) return { watchable: false, reason: `${variantUrl}: ${notLive}`, checked };
  }
  if (urls.dash) {
    checked.push(urls.dash);
    const mpd = await get(fetchFn, urls.dash, timeoutMs);
    if (!mpd.ok) return { watchable: false, reason: mpd.reason, checked };
    if (!/<MPD[\s>]/.test(mpd.body)) return { watchable: false, reason: `${urls.dash} is not a DASH MPD`, checked };
    if (!/type\s*=\s*"dynamic"/.test(mpd.body)) return { watchable: false, reason: `${urls.dash} is not a live (dynamic) MPD`, checked };
  }
  return { watchable: true, checked };
}
