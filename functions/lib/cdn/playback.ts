/**
 * Playback URLs and the "can viewers actually watch?" check.
 *
 * API (stable):
 *   playbackUrls(record, cfg?)                       → { hls?, dash?, cmaf?, llhls? }  (CDN base + endpoint path)
 *   checkPlayback(fetchFn, record, { timeoutMs?, cfg? }) → { watchable, reason?, checked[] }
 *
 * checkPlayback GETs, through the CDN URL (not the origin), the HLS multivariant playlist and
 * checks it lists one variant per rendition; then the lowest-bandwidth variant's media playlist,
 * which must be live (segments listed, no #EXT-X-ENDLIST, not VOD); then that playlist's newest
 * segment, which must arrive whole: HTTP 200, a media content type, the container's own signature
 * (MPEG-TS sync bytes, or an MP4 box) and a plausible size; then the DASH MPD, which must be
 * dynamic. Four requests. Every request has a timeout. It never throws for a negative answer: it
 * says why.
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
  ok: boolean; status: number; text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer>; headers: { get(name: string): string | null };
}>;

/**
 * The smallest body a served media segment can have. A real one never comes close: OnAir's shortest
 * segments are 2 s (low latency) and its audio alone is 128 kb/s, 32 KB, with video on top, so the
 * floor only catches an empty or truncated body, never a real segment (a false "not watchable"
 * would roll back a working channel).
 */
export const MIN_SEGMENT_BYTES = 1024;

/** Content types MediaPackage serves segments with (TS, fMP4/CMAF, packed audio), and the generic one. */
const SEGMENT_TYPES = /^(video\/mp2t|video\/mp4|audio\/mp4|video\/iso\.segment|audio\/aac|application\/octet-stream)\b/i;

/** Why `bytes` is not a whole media segment, or undefined when it plausibly is one. */
export function segmentProblem(bytes: Uint8Array, contentType: string | null): string | undefined {
  if (contentType && !SEGMENT_TYPES.test(contentType)) return `is ${contentType}, not a media segment`;
  if (bytes.length < MIN_SEGMENT_BYTES) return `is ${bytes.length} bytes, less than a media segment (${MIN_SEGMENT_BYTES})`;
  // MPEG-TS: 188-byte packets, each starting with the sync byte 0x47 (ISO/IEC 13818-1).
  if (bytes[0] === 0x47) {
    if (bytes[188] !== undefined && bytes[188] !== 0x47) return 'is not a whole MPEG-TS stream (no sync byte at 188)';
    return undefined;
  }
  // ISO BMFF (fMP4/CMAF): a box size then a four-letter type (ISO/IEC 14496-12); segments start with styp, moof, sidx or emsg.
  const type = String.fromCharCode(...bytes.subarray(4, 8));
  if (['styp', 'moof', 'sidx', 'emsg', 'ftyp', 'prft'].includes(type)) return undefined;
  // ADTS (packed AAC audio): 12-bit sync word 0xFFF.
  if (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf0) === 0xf0) return undefined;
  return 'is neither MPEG-TS, MP4 nor AAC';
}

/** Variants of a multivariant playlist with their BANDWIDTH, in playlist order. */
function variantsWithBandwidth(body: string): { uri: string; bandwidth: number }[] {
  const lines = body.split(/\r?\n/).map((l) => l.trim());
  const out: { uri: string; bandwidth: number }[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXT-X-STREAM-INF')) return;
    const uri = lines.slice(i + 1).find((l) => l.length > 0 && !l.startsWith('#'));
    const bw = /BANDWIDTH=(\d+)/.exec(line);
    if (uri) out.push({ uri, bandwidth: bw ? Number(bw[1]) : Number.MAX_SAFE_INTEGER });
  });
  return out;
}

/** The newest segment's URI of a live media playlist: the last URI that follows an #EXTINF. */
export function newestSegment(body: string): string | undefined {
  let newest: string | undefined;
  let afterInf = false;
  for (const line of body.split(/\r?\n/).map((l) => l.trim())) {
    if (line.startsWith('#EXTINF')) afterInf = true;
    else if (line.length > 0 && !line.startsWith('#') && afterInf) {
      newest = line;
      afterInf = false;
    }
  }
  return newest;
}

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

async function getBytes(fetchFn: FetchFn, url: string, timeoutMs: number): Promise<{ ok: true; bytes: Uint8Array; contentType: string | null } | { ok: false; reason: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchFn(url, { signal: controller.signal });
    if (!res.ok) return { ok: false, reason: `${url} answered HTTP ${res.status}` };
    return { ok: true, bytes: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get('content-type') };
  } catch (error) {
    const aborted = controller.signal.aborted;
    return { ok: false, reason: aborted ? `${url} did not arrive within ${timeoutMs} ms` : `${url} failed: ${(error as Error).message}` };
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
    // The lowest rung: its segments are the smallest to fetch, and every rung is cut at the same time.
    const lowest = variantsWithBandwidth(main.body).sort((a, b) => a.bandwidth - b.bandwidth)[0]?.uri ?? (variants[0] as string);
    const variantUrl = new URL(lowest, hlsUrl).toString();
    checked.push(variantUrl);
    const media = await get(fetchFn, variantUrl, timeoutMs);
    if (!media.ok) return { watchable: false, reason: media.reason, checked };
    const notLive = isLiveMediaPlaylist(media.body);
    if (notLive) return { watchable: false, reason: `${variantUrl}: ${notLive}`, checked };
    const segment = newestSegment(media.body);
    if (!segment) return { watchable: false, reason: `${variantUrl}: lists no segment URI`, checked };
    const segmentUrl = new URL(segment, variantUrl).toString();
    checked.push(segmentUrl);
    const seg = await getBytes(fetchFn, segmentUrl, timeoutMs);
    if (!seg.ok) return { watchable: false, reason: seg.reason, checked };
    const problem = segmentProblem(seg.bytes, seg.contentType);
    if (problem) return { watchable: false, reason: `${segmentUrl} ${problem}`, checked };
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
