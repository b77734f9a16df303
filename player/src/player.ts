/**
 * The OnAir player component: mounts a <video> into an element and plays one live stream with
 * hls.js (HLS) or dash.js (DASH), and reports what a viewer's device sees.
 *
 *   const player = mountPlayer(document.getElementById('stage')!, { src: 'https://…/index.m3u8' });
 *   player.stats();               // { engine, renditions, current, bandwidthEstimate, latency, buffer, … }
 *   const off = player.subscribe((s) => render(s));   // twice a second and on every switch or error
 *   player.destroy();
 *
 * The viewer page (main.ts) and the operator console (issue 15) both use it. Nothing here loads
 * code at run time: hls.js and dash.js are bundled by player/build.ts.
 */
import Hls, { type ErrorData, type Level } from 'hls.js';
import { MediaPlayer, type MediaPlayerClass, type Representation } from 'dashjs';
import type { PlayerError, PlayerStats, Rendition, StreamKind } from './types';

export type { PlayerError, PlayerStats, Rendition, StreamKind } from './types';

export interface PlayerOptions {
  src: string;
  /** Default: from the URL (.m3u8 → hls, .mpd → dash), else hls. */
  kind?: StreamKind;
  /** Default true: starts muted, as browsers only autoplay muted video. */
  muted?: boolean;
}

export interface PlayerHandle {
  readonly video: HTMLVideoElement;
  stats(): PlayerStats;
  /** Calls `listener` twice a second and at once on a switch or an error; returns the unsubscribe. */
  subscribe(listener: (stats: PlayerStats) => void): () => void;
  destroy(): void;
}

/** dash.js error codes after which playback cannot go on (MediaPlayerErrors: manifest loading and parsing, xlink, MediaSource, EME). */
const DASH_FATAL_CODES = new Set([10, 11, 12, 23, 24]);

export function kindOf(src: string): StreamKind | undefined {
  let path = src;
  try {
    path = new URL(src, 'http://base.invalid/').pathname;
  } catch {
    // Not a URL: look at the text itself.
  }
  if (/\.m3u8$/i.test(path)) return 'hls';
  if (/\.mpd$/i.test(path)) return 'dash';
  return undefined;
}

export function formatBitrate(bps: number): string {
  return bps >= 1_000_000 ? `${(bps / 1_000_000).toFixed(1)} Mb/s` : `${Math.round(bps / 1000)} kb/s`;
}

function rendition(index: number, width: number, height: number, bitrate: number, name?: string, codecs?: string | null): Rendition {
  const label = name && !/^\d+$/.test(name) ? name : `${height}p · ${formatBitrate(bitrate)}`;
  return { index, width, height, bitrate, label, ...(codecs ? { codecs } : {}) };
}

/** Seconds buffered ahead of `t` in the range that contains it. */
function bufferAhead(video: HTMLVideoElement): number {
  const t = video.currentTime;
  for (let i = 0; i < video.buffered.length; i++) {
    if (video.buffered.start(i) <= t + 0.1 && t <= video.buffered.end(i)) return Math.max(0, video.buffered.end(i) - t);
  }
  return 0;
}

interface Engine {
  name: PlayerStats['engine'];
  version: string;
  renditions(): Rendition[];
  bandwidth(): number | null;
  latency(): number | null;
  destroy(): void;
}

export function mountPlayer(container: HTMLElement, options: PlayerOptions): PlayerHandle {
  const kind = options.kind ?? kindOf(options.src) ?? 'hls';
  const mountedAt = performance.now();
  const video = document.createElement('video');
  video.className = 'onair-video';
  video.controls = true;
  video.playsInline = true;
  video.muted = options.muted ?? true;
  video.autoplay = true;
  container.appendChild(video);

  const listeners = new Set<(s: PlayerStats) => void>();
  const errors: PlayerError[] = [];
  let fatalError: string | null = null;
  let current: Rendition | null = null;
  let switches = 0;

  const notify = (): void => {
    const s = stats();
    for (const l of listeners) l(s);
  };
  const onError = (fatal: boolean, type: string, details: string): void => {
    errors.push({ fatal, type, details, at: Math.round(performance.now() - mountedAt) });
    if (errors.length > 50) errors.shift();
    if (fatal && !fatalError) fatalError = `${type}: ${details}`;
    notify();
  };
  const rendered = (r: Rendition | null): void => {
    if (!r) return;
    if (current && current.index !== r.index) switches += 1;
    current = r;
    notify();
  };

  const engine: Engine = kind === 'dash' ? dashEngine() : hlsEngine();

  function hlsEngine(): Engine {
    const levelsOf = (hls: Hls): Rendition[] => hls.levels.map((l: Level, i) => rendition(i, l.width, l.height, l.bitrate, l.name, l.codecSet || l.videoCodec));
    if (!Hls.isSupported()) {
      // Safari on an older iPhone: no MediaSource, but HLS plays natively (no ABR figures to show).
      if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = options.src;
        return { name: 'native', version: '', renditions: () => [], bandwidth: () => null, latency: () => null, destroy: () => video.removeAttribute('src') };
      }
      onError(true, 'unsupported', 'this browser has neither MediaSource nor native HLS');
      return { name: 'hls.js', version: Hls.version, renditions: () => [], bandwidth: () => null, latency: () => null, destroy: () => undefined };
    }
    // enableWorker: false — the page's Content-Security-Policy allows no blob: workers (hls.js would
    // build its transmuxer worker from a blob URL); transmuxing on the main thread is fine for one stream.
    const hls = new Hls({ enableWorker: false, lowLatencyMode: true, backBufferLength: 30 });
    let fatalRetries = 0;
    hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
      const l = hls.levels[data.level];
      if (l) rendered(rendition(data.level, l.width, l.height, l.bitrate, l.name, l.codecSet || l.videoCodec));
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      notify();
      void video.play().catch(() => undefined);
    });
    hls.on(Hls.Events.ERROR, (_e, data: ErrorData) => {
      onError(data.fatal, data.type, data.details);
      if (!data.fatal) return;
      // The two fatal errors hls.js can get past by itself (its own guidance): retry the network, recover media.
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR && fatalRetries++ < 3) { fatalError = null; hls.startLoad(); }
      else if (data.type === Hls.ErrorTypes.MEDIA_ERROR && fatalRetries++ < 3) { fatalError = null; hls.recoverMediaError(); }
    });
    hls.loadSource(options.src);
    hls.attachMedia(video);
    return {
      name: 'hls.js',
      version: Hls.version,
      renditions: () => levelsOf(hls),
      bandwidth: () => (Number.isFinite(hls.bandwidthEstimate) && hls.bandwidthEstimate > 0 ? Math.round(hls.bandwidthEstimate) : null),
      latency: () => (hls.levels.length > 0 && hls.liveSyncPosition !== null && Number.isFinite(hls.latency) ? hls.latency : null),
      destroy: () => hls.destroy(),
    };
  }

  function dashEngine(): Engine {
    const player: MediaPlayerClass = MediaPlayer().create();
    const fromRep = (r: Representation, i: number): Rendition => rendition(i, r.width, r.height, r.bandwidth, undefined, r.codecs);
    const list = (): Representation[] => {
      try {
        return player.getRepresentationsByType('video');
      } catch {
        return []; // before the stream is initialised
      }
    };
    const indexOf = (r: Representation): number => {
      const i = list().findIndex((x) => x.id === r.id);
      return i >= 0 ? i : r.index;
    };
    player.updateSettings({
      debug: { logLevel: 1 /* errors only */ },
      streaming: {
        abr: { autoSwitchBitrate: { video: true } },
        // The clock comes from the MPD's UTCTiming (OnAir's MediaPackage DASH endpoints write
        // UTC_DIRECT). Without one, dash.js would ask a third-party time server; ask the stream's own
        // origin (its Date header) instead, and fall back to the device clock when that is unreadable.
        utcSynchronization: { defaultTimingSource: { scheme: 'urn:mpeg:dash:utc:http-head:2014', value: options.src } },
      },
    });
    player.on('qualityChangeRendered', (e) => {
      if (e.mediaType === 'video') rendered(fromRep(e.newRepresentation, indexOf(e.newRepresentation)));
    });
    player.on('streamInitialized', () => {
      const rep = player.getCurrentRepresentationForType('video');
      if (rep && !current) rendered(fromRep(rep, indexOf(rep)));
      notify();
    });
    // dash.js reports an error once its own retries are done. Playback cannot go on without the
    // manifest or MediaSource; it goes on past a failed time sync (device clock) or a lost segment.
    player.on('error', (e) => {
      const err = (e as { error?: { code?: number; message?: string } }).error;
      onError(err?.code !== undefined && DASH_FATAL_CODES.has(err.code), 'dash', `${err?.code ?? ''} ${err?.message ?? ''}`.trim());
    });
    player.on('playbackError', (e) => onError(true, 'media', e.error?.message || `MediaError ${e.error?.code ?? ''}`));
    player.initialize(video, options.src, true);
    return {
      name: 'dash.js',
      version: player.getVersion(),
      renditions: () => list().map(fromRep),
      bandwidth: () => {
        try {
          const kbps = player.getAverageThroughput('video'); // kbit/s
          return Number.isFinite(kbps) && kbps > 0 ? Math.round(kbps * 1000) : null;
        } catch {
          return null;
        }
      },
      latency: () => {
        try {
          const l = player.getCurrentLiveLatency();
          return Number.isFinite(l) && l > 0 ? l : null;
        } catch {
          return null;
        }
      },
      destroy: () => player.destroy(),
    };
  }

  video.addEventListener('error', () => onError(true, 'media', video.error?.message || `MediaError ${video.error?.code ?? ''}`));

  function stats(): PlayerStats {
    const q = typeof video.getVideoPlaybackQuality === 'function' ? video.getVideoPlaybackQuality() : undefined;
    const state: PlayerStats['state'] = fatalError ? 'error'
      : video.paused ? (video.readyState < 2 ? 'loading' : 'paused')
      : video.readyState < 3 ? 'waiting' : 'playing';
    return {
      engine: engine.name,
      engineVersion: engine.version,
      kind,
      src: options.src,
      state,
      renditions: engine.renditions(),
      current,
      switches,
      bandwidthEstimate: engine.bandwidth(),
      latency: engine.latency(),
      buffer: bufferAhead(video),
      currentTime: video.currentTime,
      droppedFrames: q?.droppedVideoFrames ?? 0,
      errors: [...errors],
      fatalError,
    };
  }

  const timer = window.setInterval(notify, 500);
  return {
    video,
    stats,
    subscribe(listener) {
      listeners.add(listener);
      listener(stats());
      return () => listeners.delete(listener);
    },
    destroy() {
      window.clearInterval(timer);
      listeners.clear();
      engine.destroy();
      video.remove();
    },
  };
}
