/**
 * Live manifests generated from a MediaLive channel's ABR ladder and the twin clock.
 *
 * Segment n (1-based) covers [(n−1)·d, n·d) seconds after the channel started running; a segment is
 * available once complete, and playlists list the last `window` seconds of them, so
 * EXT-X-MEDIA-SEQUENCE advances by one every segment duration once the window is full. Audio is muxed
 * into every video rendition in the twin (one AAC track), so there is no separate audio group.
 * Segment bodies are placeholder bytes (MPEG-TS null packets, an MP4 `styp` box and an empty-filled
 * `mdat`) with the right content type and the containers' own signatures, 1.5 KB each: above the
 * smallest body OnAir's playback check accepts as a segment (MIN_SEGMENT_BYTES, functions/lib/cdn/
 * playback.ts, which a real segment exceeds many times over). Nothing here encodes video.
 */
import type { ModelValue } from '../core/types';
import { arr, obj, str } from '../services/media-util';

export interface Rendition {
  /** 1-based position in the ladder, used in child playlist and segment names. */
  index: number;
  name: string;
  width?: number;
  height?: number;
  videoBitrate: number;
  audioBitrate: number;
  frameRate?: number;
  videoCodec: string;
  audioCodec?: string;
}

export interface LiveTiming {
  now: number;
  startedAt: number;
  segmentSeconds: number;
  windowSeconds: number;
}

export interface Naming {
  /** Child manifest base name: `<child>_<rung>.m3u8`. */
  child: string;
  /** Segment base name: `<segment>_<rung>_<n>.ts|.mp4`. */
  segment: string;
  cmaf: boolean;
}

/** One rendition per video output of the output groups that feed the packager, highest bitrate first. */
export function renditionsOf(encoder: ModelValue, groups: ModelValue[]): Rendition[] {
  const videos = new Map(arr(encoder.VideoDescriptions).map((v) => [String(v.Name), v]));
  const audios = new Map(arr(encoder.AudioDescriptions).map((a) => [String(a.Name), a]));
  const seen = new Set<string>();
  const out: Omit<Rendition, 'index'>[] = [];
  for (const g of groups) {
    for (const o of arr(g.Outputs)) {
      const vName = str(o.VideoDescriptionName);
      const vd = vName ? videos.get(vName) : undefined;
      if (!vd || seen.has(vName!)) continue;
      seen.add(vName!);
      const codec = obj(vd.CodecSettings) ?? {};
      const h264 = obj(codec.H264Settings);
      const h265 = obj(codec.H265Settings);
      const s = h264 ?? h265 ?? {};
      const videoBitrate = num(s.Bitrate) ?? num(s.MaxBitrate) ?? 0;
      const audio = arr<string>(o.AudioDescriptionNames).map((n) => audios.get(n)).find(Boolean);
      const aac = obj(obj(audio?.CodecSettings)?.AacSettings);
      const audioBitrate = audio ? num(aac?.Bitrate) ?? 192_000 : 0;
      const fpsNum = num(s.FramerateNumerator);
      const fpsDen = num(s.FramerateDenominator);
      out.push({
        name: vName!,
        width: num(vd.Width),
        height: num(vd.Height),
        videoBitrate,
        audioBitrate,
        frameRate: fpsNum && fpsDen ? fpsNum / fpsDen : undefined,
        videoCodec: h265 ? 'hvc1.1.6.L120.90' : avcCodec(s, num(vd.Height)),
        audioCodec: audio ? (aac ? 'mp4a.40.2' : 'ac-3') : undefined,
      });
    }
  }
  return out.sort((a, b) => b.videoBitrate - a.videoBitrate).map((r, i) => ({ ...r, index: i + 1 }));
}

/** RFC 6381 codec string for H.264 from the profile and level MediaLive would use. */
function avcCodec(s: ModelValue, height: number | undefined): string {
  const profile = { BASELINE: '42E0', MAIN: '4D40', HIGH: '6400', HIGH_10BIT: '6E00', HIGH_422: '7A00', HIGH_422_10BIT: '7A00' }[String(s.Profile ?? 'MAIN')] ?? '4D40';
  const level = /^H264_LEVEL_(\d)(?:_(\d))?$/.exec(String(s.Level ?? ''));
  const levelNum = level ? Number(level[1]) * 10 + Number(level[2] ?? 0) : (height ?? 0) > 720 ? 40 : (height ?? 0) > 480 ? 31 : 30;
  return `avc1.${profile}${levelNum.toString(16).toUpperCase().padStart(2, '0')}`;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function codecs(r: Rendition): string {
  return [r.videoCodec, r.audioCodec].filter(Boolean).join(',');
}

export function hlsMultivariant(renditions: Rendition[], naming: Naming): string {
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${naming.cmaf ? 6 : 3}`, '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const r of renditions) {
    const avg = r.videoBitrate + r.audioBitrate;
    const attrs = [`BANDWIDTH=${Math.round(avg * 1.1)}`, `AVERAGE-BANDWIDTH=${avg}`];
    if (r.width && r.height) attrs.push(`RESOLUTION=${r.width}x${r.height}`);
    attrs.push(`CODECS="${codecs(r)}"`);
    if (r.frameRate) attrs.push(`FRAME-RATE=${r.frameRate.toFixed(3)}`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, `${naming.child}_${r.index}.m3u8`);
  }
  return `${lines.join('\n')}\n`;
}

/** Segments complete so far, and the first one still inside the playlist window. */
export function liveWindow(t: LiveTiming): { first: number; last: number } {
  const completed = Math.floor(Math.max(0, t.now - t.startedAt) / 1000 / t.segmentSeconds);
  const count = Math.max(1, Math.floor(t.windowSeconds / t.segmentSeconds));
  return { first: Math.max(1, completed - count + 1), last: completed };
}

export function hlsMedia(rung: number, t: LiveTiming, naming: Naming): string {
  const { first, last } = liveWindow(t);
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${naming.cmaf ? 6 : 3}`, `#EXT-X-TARGETDURATION:${Math.ceil(t.segmentSeconds)}`, `#EXT-X-MEDIA-SEQUENCE:${first}`];
  if (naming.cmaf) lines.push(`#EXT-X-MAP:URI="${naming.segment}_${rung}_init.mp4"`);
  for (let n = first; n <= last; n++) {
    const start = t.startedAt + (n - 1) * t.segmentSeconds * 1000;
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(start).toISOString()}`, `#EXTINF:${t.segmentSeconds.toFixed(3)},`, `${naming.segment}_${rung}_${n}.${naming.cmaf ? 'mp4' : 'ts'}`);
  }
  return `${lines.join('\n')}\n`;
}

export function dashMpd(renditions: Rendition[], t: LiveTiming, naming: Naming): string {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const dur = (s: number): string => `PT${Number(s.toFixed(3))}S`;
  const template = `<SegmentTemplate timescale="1000" duration="${Math.round(t.segmentSeconds * 1000)}" startNumber="1" media="${naming.segment}_$RepresentationID$_$Number$.mp4" initialization="${naming.segment}_$RepresentationID$_init.mp4"/>`;
  const video = renditions.map((r) => {
    const attrs = [`id="${r.index}"`, `bandwidth="${r.videoBitrate}"`, `codecs="${r.videoCodec}"`];
    if (r.width && r.height) attrs.push(`width="${r.width}"`, `height="${r.height}"`);
    if (r.frameRate) attrs.push(`frameRate="${Number.isInteger(r.frameRate) ? r.frameRate : r.frameRate.toFixed(3)}"`);
    return `      <Representation ${attrs.join(' ')}/>`;
  });
  const audio = renditions.find((r) => r.audioCodec);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="dynamic" availabilityStartTime="${iso(t.startedAt)}" publishTime="${iso(t.now)}" minimumUpdatePeriod="${dur(t.segmentSeconds)}" minBufferTime="${dur(Math.min(30, t.windowSeconds / 2))}" timeShiftBufferDepth="${dur(t.windowSeconds)}" suggestedPresentationDelay="${dur(t.segmentSeconds * 2)}">`,
    '  <Period id="1" start="PT0S">',
    '    <AdaptationSet id="1" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">',
    `      ${template}`,
    ...video,
    '    </AdaptationSet>',
    ...(audio
      ? [
          '    <AdaptationSet id="2" contentType="audio" mimeType="audio/mp4" lang="und" segmentAlignment="true" startWithSAP="1">',
          `      ${template}`,
          `      <Representation id="audio" bandwidth="${audio.audioBitrate}" codecs="${audio.audioCodec}" audioSamplingRate="48000"/>`,
          '    </AdaptationSet>',
        ]
      : []),
    '  </Period>',
    // The twin's clock may run faster than the wall clock: players synchronise on it, not on their own.
    `  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="${iso(t.now)}"/>`,
    '</MPD>',
    '',
  ].join('\n');
}

/** A segment or init segment that exists at this moment, or undefined (→ 404). */
export function segmentBody(rest: string, rungs: number, t: LiveTiming, naming: Naming): { contentType: string; bytes: Buffer } | undefined {
  const m = /^(.+)_(\d+|audio)_(\d+|init)\.(ts|mp4)$/.exec(rest);
  if (!m || m[1] !== naming.segment) return undefined;
  const rung = m[2] === 'audio' ? 'audio' : Number(m[2]);
  if (rung !== 'audio' && !(rung >= 1 && rung <= rungs)) return undefined;
  const ext = m[4];
  if ((ext === 'ts') === naming.cmaf) return undefined;
  const contentType = ext === 'ts' ? 'video/MP2T' : rung === 'audio' ? 'audio/mp4' : 'video/mp4';
  if (m[3] === 'init') return ext === 'mp4' ? { contentType, bytes: mp4Box('ftyp') } : undefined;
  const n = Number(m[3]);
  const { first, last } = liveWindow(t);
  // Segments stay fetchable a little past the window (players lag the playlist), never before they exist.
  if (n < Math.max(1, first - 2) || n > last) return undefined;
  return { contentType, bytes: ext === 'ts' ? tsNullPackets(PLACEHOLDER_TS_PACKETS) : Buffer.concat([mp4Box('styp'), mdat(PLACEHOLDER_MDAT_BYTES)]) };
}

/** Placeholder segment sizes: 8 TS packets (1504 bytes); styp + a 1.5 KB mdat. */
const PLACEHOLDER_TS_PACKETS = 8;
const PLACEHOLDER_MDAT_BYTES = 1500;

/** MPEG-TS null packets (PID 0x1FFF): a valid, empty transport stream. Placeholder content. */
function tsNullPackets(count: number): Buffer {
  const b = Buffer.alloc(188 * count, 0xff);
  for (let i = 0; i < count; i++) {
    b[i * 188] = 0x47;
    b[i * 188 + 1] = 0x1f;
    b[i * 188 + 2] = 0xff;
    b[i * 188 + 3] = 0x10;
  }
  return b;
}

/** An `mdat` box of `size` bytes, zero-filled. Placeholder content. */
function mdat(size: number): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(size, 0);
  b.write('mdat', 4, 'ascii');
  return b;
}

/** An `ftyp` (init) or `styp` (media segment) box naming CMAF brands. Placeholder content. */
function mp4Box(type: 'ftyp' | 'styp'): Buffer {
  const brands = ['cmf2', 'iso6', 'cmfc'];
  const b = Buffer.alloc(16 + brands.length * 4);
  b.writeUInt32BE(b.length, 0);
  b.write(type, 4, 'ascii');
  b.write(type === 'ftyp' ? 'cmf2' : 'msdh', 8, 'ascii');
  b.writeUInt32BE(0, 12);
  brands.forEach((brand, i) => b.write(brand, 16 + i * 4, 'ascii'));
  return b;
}
