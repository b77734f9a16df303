/**
 * Pure: a MediaLive channel's EncoderSettings → what ffmpeg must do to produce exactly that ladder,
 * and the ffmpeg command lines of the media plane (source, encoder, packagers, demo publisher).
 * Nothing here spawns a process or touches the disk, so unit tests cover every argument.
 *
 * Field meanings are the MediaLive API's (API Reference, "Channels" → EncoderSettings:
 * VideoDescription Width/Height, H264Settings Bitrate/MaxBitrate/BufSize/RateControlMode/GopSize/
 * GopSizeUnits/GopClosedCadence/GopNumBFrames/FramerateNumerator/FramerateDenominator/Profile/Level;
 * AudioDescription AacSettings Bitrate/SampleRate/CodingMode; MediaPackageGroupSettings
 * MediapackageV2GroupSettings.SegmentLength, HlsGroupSettings.SegmentLength).
 */
import type { ModelValue } from '../core/types';
import { arr, obj, str } from '../services/media-util';
import { renditionsOf } from '../playback/manifests';

export interface VideoRung {
  /** 1-based, in the order playback lists the renditions (highest bitrate first). */
  index: number;
  name: string;
  width: number;
  height: number;
  /** Target bitrate (CBR/VBR Bitrate, QVBR MaxBitrate), bits/s. */
  bitrate: number;
  maxBitrate: number;
  bufSize: number;
  fpsNum: number;
  fpsDen: number;
  /** Key frame interval in frames (GopSize in SECONDS × frame rate, or FRAMES). */
  gopFrames: number;
  closedGop: boolean;
  bFrames: number;
  /** x264 profile: baseline, main, high. */
  profile: string;
  /** x264 level ("4.0"), or undefined to let x264 choose. */
  level?: string;
  /** RFC 6381 codec string playback advertises for it. */
  codec: string;
}

export interface AudioTrack {
  bitrate: number;
  sampleRate: number;
  channels: number;
}

export interface Ladder {
  video: VideoRung[];
  audio: AudioTrack;
  /** Segment length the output group asks for, seconds. */
  segmentSeconds: number;
  /** Colour of the input-loss image (InputLossBehavior.InputLossImageColor), `0xRRGGBB`. */
  lossColor: string;
}

const DEFAULT_SEGMENT_SECONDS = 6;

/** The ladder the channel was created with: only output groups that send somewhere, highest bitrate first. */
export function ladderOf(encoder: ModelValue): Ladder {
  const groups = arr(encoder.OutputGroups);
  const videos = new Map(arr(encoder.VideoDescriptions).map((v) => [String(v.Name), v]));
  const video = renditionsOf(encoder, groups).map((r): VideoRung => {
    const vd = videos.get(r.name) ?? {};
    const s = obj(obj(vd.CodecSettings)?.H264Settings) ?? obj(obj(vd.CodecSettings)?.H265Settings) ?? {};
    const fpsNum = num(s.FramerateNumerator) ?? 30;
    const fpsDen = num(s.FramerateDenominator) ?? 1;
    const fps = fpsNum / fpsDen;
    const gop = num(s.GopSize) ?? 2;
    const gopFrames = Math.max(1, Math.round(str(s.GopSizeUnits) === 'FRAMES' ? gop : gop * fps));
    const rc = str(s.RateControlMode) ?? 'CBR';
    const bitrate = (rc === 'QVBR' ? num(s.MaxBitrate) : num(s.Bitrate)) ?? num(s.MaxBitrate) ?? r.videoBitrate;
    const maxBitrate = rc === 'CBR' ? bitrate : num(s.MaxBitrate) ?? bitrate;
    const level = /^H264_LEVEL_(\d)(?:_(\d))?$/.exec(str(s.Level) ?? '');
    return {
      index: r.index,
      name: r.name,
      width: even(num(vd.Width) ?? r.width ?? 1280),
      height: even(num(vd.Height) ?? r.height ?? 720),
      bitrate,
      maxBitrate,
      bufSize: num(s.BufSize) ?? maxBitrate * 2,
      fpsNum,
      fpsDen,
      gopFrames,
      closedGop: (num(s.GopClosedCadence) ?? 1) > 0,
      bFrames: num(s.GopNumBFrames) ?? 0,
      profile: ({ BASELINE: 'baseline', MAIN: 'main', HIGH: 'high' } as Record<string, string>)[str(s.Profile) ?? 'MAIN'] ?? 'main',
      level: level ? `${level[1]}.${level[2] ?? '0'}` : undefined,
      codec: r.videoCodec,
    };
  });
  const ad = arr(encoder.AudioDescriptions)[0];
  const aac = obj(obj(ad?.CodecSettings)?.AacSettings) ?? {};
  const mode = str(aac.CodingMode) ?? 'CODING_MODE_2_0';
  const audio: AudioTrack = {
    bitrate: num(aac.Bitrate) ?? 192_000,
    sampleRate: num(aac.SampleRate) ?? 48_000,
    channels: mode === 'CODING_MODE_1_0' ? 1 : mode === 'CODING_MODE_1_1' || mode === 'CODING_MODE_2_0' ? 2 : 2,
  };
  const loss = obj(obj(encoder.GlobalConfiguration)?.InputLossBehavior);
  const color = str(loss?.InputLossImageColor);
  return { video, audio, segmentSeconds: segmentSecondsOf(groups), lossColor: `0x${color && /^[0-9a-fA-F]{6}$/.test(color) ? color : '000000'}` };
}

function segmentSecondsOf(groups: ModelValue[]): number {
  for (const g of groups) {
    const settings = obj(g.OutputGroupSettings) ?? {};
    const mp2 = obj(obj(settings.MediaPackageGroupSettings)?.MediapackageV2GroupSettings);
    const hls = obj(settings.HlsGroupSettings);
    const cmaf = obj(settings.CmafIngestGroupSettings);
    const len = num(mp2?.SegmentLength) ?? num(hls?.SegmentLength) ?? num(cmaf?.SegmentLength);
    if (len !== undefined) {
      const units = str(mp2?.SegmentLengthUnits ?? cmaf?.SegmentLengthUnits);
      // MILLISECONDS exists for CMAF-style ingest; everything else is seconds.
      return units === 'MILLISECONDS' ? len / 1000 : len;
    }
  }
  return DEFAULT_SEGMENT_SECONDS;
}

/** What the encoder reads. */
export type Source =
  /**
   * A publisher's stream. `publishedAt`: wall clock (ms) of its publish, i.e. when its RTMP timestamp
   * 0 was captured (encoders start their FLV timestamps at 0): with the encoder's input start it places
   * the run's first frame on the wall clock (program date-times, DASH times).
   */
  | { kind: 'rtmp'; url: string; publishedAt?: number }
  | { kind: 'file'; path: string }
  /** The input-loss image (no input: InputLossBehavior's colour, silence). */
  | { kind: 'loss' }
  /** A slate URL the twin cannot fetch (s3://, https://): a generated slate card. */
  | { kind: 'slate-card'; label: string }
  /** The demo's synthetic programme, for the pre-encoded loop. */
  | { kind: 'synthetic'; seconds: number };

/**
 * What the local encoder leaves out of x264's superfast analysis, and why: the issue's budget is the
 * default 3-rung ladder within 0.7 of one core, and the picture's fine quality is MediaLive's on AWS,
 * not something the local cloud reproduces (it reproduces the ladder: sizes, bitrates, GOPs, B-frames,
 * frame rate, profile). Measured here on the default profile's ladder exactly as bench/media.ts runs
 * it (1080p 6 Mb/s, 720p 3 Mb/s, 480p 1.2 Mb/s, 3 B-frames per MediaLive's GopNumBFrames), 30 s of a
 * 720p30 RTMP-like source encoded as fast as possible, CPU seconds per media second:
 *   superfast/zerolatency                                          0.93
 *   + subme=0, aq-mode=0, weightp=0, partitions=none               0.81
 *   + b-adapt=0, weightb=0 (the channel's fixed B-frame count,
 *     as MediaLive's GOP has; no per-frame B decision)              0.72–0.73
 *   + sliced-threads=0 (frame threads: ~3 frames, 0.1 s, more
 *     delay, which segments of 1–6 s do not see)                   0.68
 *   + no-deblock                                                   0.64–0.67
 *   + scaling with fast_bilinear (encoderArgs)                     0.62–0.64
 * PSNR of the 480p rung against the source is unchanged (24.52 dB either way). ultrafast is no cheaper
 * at these bitrates (with B-frames it costs more); what remains is the entropy coding of the ladder's
 * 10.2 Mb/s, set by the channel's bitrates. The three packagers add ≈ 0.03 (one process for the
 * three outputs measured 0.02, but the low-latency profile's segments were then listed ≈ 1 s later).
 */
export const LOCAL_X264_ANALYSIS = ['-x264-params', 'subme=0:aq-mode=0:weightp=0:partitions=none:b-adapt=0:weightb=0:sliced-threads=0:no-deblock=1'];

export interface EncodeOptions {
  /** x264 preset (superfast by default, with LOCAL_X264_ANALYSIS on top). */
  preset?: string;
  /** Burn the rendition name and the wall clock into each rung (drawtext). */
  burnIn?: { font?: string; clock?: boolean };
  /** Limit the output duration (loop pre-encoding), seconds. */
  seconds?: number;
}

/** ffmpeg input arguments for a source; `-re` paces file and generated sources at real time. */
export function sourceArgs(source: Source, ladder: Ladder, realtime: boolean): string[] {
  const re = realtime ? ['-re'] : [];
  const top = ladder.video[0];
  const size = `${top?.width ?? 1280}x${top?.height ?? 720}`;
  const rate = top ? `${top.fpsNum}/${top.fpsDen}` : '30';
  const silence = ['-f', 'lavfi', '-i', `anullsrc=channel_layout=stereo:sample_rate=${ladder.audio.sampleRate}`];
  switch (source.kind) {
    case 'rtmp':
      // Wait at most 5 s for the stream; a publisher that vanishes ends the process (input loss).
      return ['-rw_timeout', '5000000', '-i', source.url];
    case 'file':
      return [...re, '-stream_loop', '-1', '-i', source.path];
    case 'loss':
      return [...re, '-f', 'lavfi', '-i', `color=c=${ladder.lossColor}:size=${size}:rate=${rate}`, ...silence];
    case 'slate-card':
      return [...re, '-f', 'lavfi', '-i', `smptehdbars=size=${size}:rate=${rate}`, ...silence];
    case 'synthetic':
      return [...re, '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`, '-f', 'lavfi', '-i', `sine=frequency=440:beep_factor=4:sample_rate=${ladder.audio.sampleRate}`];
  }
}

/**
 * The encoder: one input → every video rung of the ladder + one AAC track, into one MPEG-TS on
 * stdout that the packagers copy from (so the ladder is encoded once whatever the endpoints).
 * Output streams: 0..n-1 video in ladder order, n audio.
 */
export function encoderArgs(ladder: Ladder, source: Source, opts: EncodeOptions = {}): string[] {
  const n = ladder.video.length;
  const input = sourceArgs(source, ladder, source.kind !== 'rtmp' && opts.seconds === undefined);
  const audioInput = source.kind === 'rtmp' || source.kind === 'file' ? '0:a:0?' : '1:a:0';
  const split = n > 1 ? `split=${n}${ladder.video.map((_, i) => `[s${i}]`).join('')}` : 'null[s0]';
  const chains = ladder.video.map((r, i) => {
    // A pre-encoded loop is replayed long after its encode: it says so instead of showing a clock that
    // would be the encode's, not now.
    const clock = opts.burnIn?.clock !== false;
    const text = opts.burnIn ? `,${drawtext(`${r.name} ${r.width}x${r.height}${clock ? '' : '  pre-encoded loop'}`, opts.burnIn.font, r.height, clock)}` : '';
    // fast_bilinear: 0.025 of a core less than the default bicubic for this ladder (LOCAL_X264_ANALYSIS's measurements).
    return `[s${i}]scale=${r.width}:${r.height}:flags=fast_bilinear,setsar=1${text}[v${i}]`;
  });
  // Every run starts its video and its audio at 0, whatever the source (an RTMP feed's audio and
  // video start a few ms apart, a generated source's together): the DASH muxer writes that offset
  // into the initialization segment's edit list, which must not change from one run to the next
  // (local/media/dash.ts, one Period). fps start_time=0 repeats the first frame back to 0;
  // aresample first_pts=0 pads the audio with silence back to 0 and (async) keeps it continuous
  // across an RTMP feed's jittery millisecond timestamps.
  const fps = ladder.video[0] ? `fps=${ladder.video[0].fpsNum}/${ladder.video[0].fpsDen}:start_time=0,` : '';
  const graph = [`[0:v]${fps}format=yuv420p,${split}`, ...chains].join(';');
  const video = ladder.video.flatMap((r, i) => [
    '-map', `[v${i}]`,
    `-c:v:${i}`, 'libx264',
    `-b:v:${i}`, String(r.bitrate),
    `-maxrate:v:${i}`, String(r.maxBitrate),
    `-bufsize:v:${i}`, String(r.bufSize),
    `-g:v:${i}`, String(r.gopFrames),
    `-keyint_min:v:${i}`, String(r.gopFrames),
    `-profile:v:${i}`, r.profile,
    ...(r.level ? [`-level:v:${i}`, r.level] : []),
    `-bf:v:${i}`, String(r.profile === 'baseline' ? 0 : r.bFrames),
  ]);
  return [
    // An RTMP source's input dump (`[info] … start: 2.345`) says which publisher timestamp the first
    // frame has (node-media-server replays its cached GOP first); the pipeline reads it, logs errors only.
    '-hide_banner', '-nostats', '-loglevel', source.kind === 'rtmp' ? 'level+info' : 'error',
    ...input,
    '-filter_complex', graph,
    ...video,
    // Fixed GOPs (no scene-cut key frames) so every rung cuts segments at the same instants.
    '-preset', opts.preset ?? 'superfast', '-tune', 'zerolatency', '-sc_threshold', '0', ...LOCAL_X264_ANALYSIS,
    ...(ladder.video.some((r) => r.closedGop) ? ['-flags', '+cgop'] : []),
    '-map', audioInput, '-af', 'aresample=async=1:first_pts=0',
    '-c:a', 'aac', '-b:a', String(ladder.audio.bitrate), '-ar', String(ladder.audio.sampleRate), '-ac', String(ladder.audio.channels),
    ...(opts.seconds !== undefined ? ['-t', String(opts.seconds)] : []),
    '-f', 'mpegts', '-muxdelay', '0', 'pipe:1',
  ];
}

/** Burnt-in label and (unless `clock` is false) the wall clock at encode time (drawtext; needs a font file). */
export function drawtext(label: string, font: string | undefined, height: number, clock = true): string {
  const size = Math.max(12, Math.round(height / 18));
  const f = font ? `fontfile=${escapeFilter(font)}:` : '';
  return `drawtext=${f}text='${escapeFilter(label)}${clock ? '  %{localtime\\:%H\\\\\\:%M\\\\\\:%S}' : ''}':fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:x=(w-text_w)/2:y=h-${size * 2}`;
}

function escapeFilter(s: string): string {
  return s.replace(/[\\':]/g, (c) => `\\${c}`);
}

/**
 * Replays a pre-encoded loop of the ladder at real time, remuxed (no encoding). The input is a concat
 * list naming the loop many times with its exact duration: the concat demuxer then offsets each
 * repetition's timestamps by exactly that much, where `-stream_loop` offsets by the longest stream
 * (B-frame delay, AAC priming) and the key frames drift off the segment grid (8 s/4 s segments).
 */
export function loopReaderArgs(concatList: string): string[] {
  return ['-hide_banner', '-nostats', '-loglevel', 'error', '-re', '-f', 'concat', '-safe', '0', '-i', concatList, '-map', '0', '-c', 'copy', '-f', 'mpegts', '-muxdelay', '0', 'pipe:1'];
}

/** The concat list for loopReaderArgs: `file` repeated `times`, each exactly `seconds` long. */
export function loopList(file: string, seconds: number, times: number): string {
  const entry = `file '${file.replace(/'/g, "'\\''")}'\nduration ${seconds}\n`;
  return entry.repeat(times);
}

export type PackageKind = 'ts' | 'cmaf' | 'dash';

/** How many segments the packagers keep listed (the served window is cut per endpoint from these). */
export function keptSegments(ladder: Ladder): number {
  return Math.max(6, Math.ceil(120 / ladder.segmentSeconds));
}

/**
 * A packager: copies the encoder's TS (stdin) into one output format in `dir`. HLS (TS or fMP4)
 * muxes the audio into every variant; DASH has one video adaptation set and one audio set. `run`
 * prefixes DASH file names so that a restarted pipeline never reuses a cached name.
 */
export function packagerArgs(kind: PackageKind, ladder: Ladder, dir: string, run: number): string[] {
  const n = ladder.video.length;
  const seg = String(ladder.segmentSeconds);
  const head = ['-hide_banner', '-nostats', '-loglevel', 'error', '-fflags', '+genpts', '-i', 'pipe:0'];
  if (kind === 'dash') {
    const maps = [...ladder.video.map((_, i) => ['-map', `0:v:${i}`]).flat(), '-map', '0:a:0'];
    return [
      ...head, ...maps, '-c', 'copy', '-tag:v', 'avc1', '-tag:a', 'mp4a', '-bsf:a', 'aac_adtstoasc',
      // The initialization segment is the same bytes in every run (local/media/dash.ts serves one per
      // Period): the bitrates the muxer writes (esds, the MPD's bandwidth) are the ladder's, not the
      // TS demuxer's estimate of this run's first packets; bitexact leaves out the muxer's version
      // string and creation times.
      ...ladder.video.flatMap((r, i) => [`-b:v:${i}`, String(r.bitrate)]), '-b:a', String(ladder.audio.bitrate),
      '-fflags', '+bitexact', '-flags', '+bitexact',
      '-f', 'dash', '-seg_duration', seg, '-window_size', String(keptSegments(ladder)), '-extra_window_size', '3',
      '-use_template', '1', '-use_timeline', '1',
      '-adaptation_sets', `id=0,streams=${ladder.video.map((_, i) => i).join(',')} id=1,streams=${n}`,
      '-init_seg_name', `r${run}-init-$RepresentationID$.m4s`, '-media_seg_name', `r${run}-chunk-$RepresentationID$-$Number%05d$.m4s`,
      `${dir}/manifest.mpd`,
    ];
  }
  const maps = ladder.video.flatMap((_, i) => ['-map', `0:v:${i}`, '-map', '0:a:0']);
  const fmp4 = kind === 'cmaf';
  return [
    ...head, ...maps, '-c', 'copy', ...(fmp4 ? ['-bsf:a', 'aac_adtstoasc'] : []),
    '-f', 'hls', '-hls_time', seg, '-hls_list_size', String(keptSegments(ladder)),
    '-hls_flags', 'delete_segments+program_date_time+independent_segments',
    ...(fmp4 ? ['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4'] : []),
    '-hls_segment_filename', `${dir}/s%v_%d.${fmp4 ? 'm4s' : 'ts'}`,
    '-var_stream_map', ladder.video.map((_, i) => `v:${i},a:${i}`).join(' '),
    `${dir}/p%v.m3u8`,
  ];
}

/**
 * The demo publisher, as a real encoder would push: a moving test pattern with the wall clock burnt
 * in, a tone, H.264/AAC in FLV over RTMP. One 720p30 stream (what an OBS default sends).
 */
export function publisherArgs(url: string, opts: { font?: string; width?: number; height?: number; fps?: number; bitrate?: number } = {}): string[] {
  const w = opts.width ?? 1280;
  const h = opts.height ?? 720;
  const fps = opts.fps ?? 30;
  const text = opts.font === undefined ? [] : ['-vf', drawtext('OnAir demo source', opts.font, h)];
  return [
    '-hide_banner', '-nostats', '-loglevel', 'error',
    '-re', '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=${fps}`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=4:sample_rate=48000',
    ...text,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', String(opts.bitrate ?? 2_500_000), '-g', String(fps * 2), '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128000', '-ar', '48000',
    '-f', 'flv', url,
  ];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function even(v: number): number {
  return Math.max(2, Math.round(v / 2) * 2);
}
