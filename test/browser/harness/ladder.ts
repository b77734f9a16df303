/**
 * A real live ABR ladder for the browser tests, until the local cloud's own media pipeline
 * (local/media/) can feed a channel: ffmpeg (@ffmpeg-installer/ffmpeg) encodes a moving test
 * pattern and a tone into every rung of a profile — each rung's resolution, bitrate (CBR, so a
 * throttled network really cannot carry the upper rungs), H.264 profile and GOP — and writes a live
 * sliding window of fMP4 segments with both a DASH MPD and HLS playlists (one encode, two
 * manifests) into a temp folder, which a small static server serves with CORS as a CDN does.
 *
 *   const live = await startLiveLadder({ renditions: resolveProfile('default').video.renditions });
 *   live.hlsUrl, live.dashUrl
 *   await live.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveLiveFolder, type StaticServer } from './static';

export interface LadderRung {
  name: string;
  width: number;
  height: number;
  bitrate: number;
  h264Profile: 'BASELINE' | 'MAIN' | 'HIGH';
  framerateNumerator: number;
  framerateDenominator: number;
}

export interface LadderOptions {
  renditions: LadderRung[];
  /** Default 2: short segments let the ABR react within the suite's time budget. */
  segmentSeconds?: number;
  gopSeconds?: number;
  audioBitrate?: number;
  /** Frames per second of the test source (default: the top rung's). */
  fps?: number;
  /** Segments listed in the manifests (default 6). */
  windowSegments?: number;
  /** The MPD's UTCTiming (http-xsdate), as MediaPackage writes one: the player's clock. */
  utcTimingUrl?: string;
}

export interface LiveLadder {
  hlsUrl: string;
  dashUrl: string;
  dir: string;
  /** When the window was full (epoch ms). */
  startedAt: number;
  stop(): Promise<void>;
}

export function ffmpegPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export function ladderArgs(o: LadderOptions): string[] {
  const seg = o.segmentSeconds ?? 2;
  const top = o.renditions[0]!;
  const fps = o.fps ?? top.framerateNumerator / top.framerateDenominator;
  const gop = Math.round((o.gopSeconds ?? seg) * fps);
  const n = o.renditions.length;
  const split = o.renditions.map((_, i) => `[v${i}]`).join('');
  const scales = o.renditions.map((r, i) => `[v${i}]scale=${r.width}:${r.height},setsar=1[o${i}]`).join(';');
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', `testsrc2=size=${top.width}x${top.height}:rate=${fps}`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-filter_complex', `[0:v]split=${n}${split};${scales}`,
  ];
  o.renditions.forEach((_, i) => args.push('-map', `[o${i}]`));
  args.push('-map', '1:a');
  args.push('-c:v', 'libx264', '-preset', 'superfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-x264-params', 'nal-hrd=cbr');
  o.renditions.forEach((r, i) => {
    const k = `${Math.round(r.bitrate / 1000)}k`;
    args.push(`-b:v:${i}`, k, `-minrate:v:${i}`, k, `-maxrate:v:${i}`, k, `-bufsize:v:${i}`, k, `-profile:v:${i}`, r.h264Profile.toLowerCase());
  });
  args.push('-c:a', 'aac', '-b:a', `${Math.round((o.audioBitrate ?? 128_000) / 1000)}k`, '-ac', '2');
  args.push('-f', 'dash', '-seg_duration', String(seg), '-window_size', String(o.windowSegments ?? 6), '-extra_window_size', '6',
    '-use_timeline', '1', '-use_template', '1', '-hls_playlist', '1',
    ...(o.utcTimingUrl ? ['-utc_timing_url', o.utcTimingUrl] : []),
    '-adaptation_sets', `id=0,streams=v id=1,streams=a`, 'live.mpd');
  return args;
}

function segmentsIn(playlist: string): number {
  return playlist.split('\n').filter((l) => l.startsWith('#EXTINF')).length;
}

/** Starts the encoder and the server; resolves once every playlist lists `minSegments` segments. */
export async function startLiveLadder(o: LadderOptions, minSegments = 3): Promise<LiveLadder> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-ladder-'));
  const server: StaticServer = await serveLiveFolder(dir);
  const proc: ChildProcess = spawn(ffmpegPath(), ladderArgs({ utcTimingUrl: `${server.url}/time`, ...o }), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  let exited: number | null = null;
  proc.on('exit', (code) => { exited = code ?? -1; });
  const stop = async (): Promise<void> => {
    if (exited === null) {
      const gone = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (exited === null) proc.kill('SIGKILL');
    }
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const media = o.renditions.map((_, i) => join(dir, `media_${i}.m3u8`));
    const deadline = Date.now() + 20_000 + minSegments * (o.segmentSeconds ?? 2) * 1000;
    for (;;) {
      if (exited !== null) throw new Error(`ffmpeg exited (${exited}) before the window filled: ${stderr}`);
      const counts = media.map((p) => { try { return segmentsIn(readFileSync(p, 'utf8')); } catch { return 0; } });
      if (counts.every((c) => c >= minSegments)) break;
      if (Date.now() > deadline) throw new Error(`the live window did not fill in time (segments per rung: ${counts.join(', ')}); ffmpeg said: ${stderr || 'nothing'}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return { hlsUrl: `${server.url}/master.m3u8`, dashUrl: `${server.url}/live.mpd`, dir, startedAt: Date.now(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
