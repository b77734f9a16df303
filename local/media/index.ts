/**
 * The twin's media plane: real video for running MediaLive channels (see README.md here).
 *
 * - Ingest (ingest.ts): one RTMP listener on 127.0.0.1, its port chosen once per twin; RTMP_PUSH
 *   inputs get destinations on it while the plane is on. Started when the first channel runs.
 * - Encoding (settings.ts, pipeline.ts): each running channel's own EncoderSettings, encoded once
 *   and packaged as HLS TS, HLS fMP4 and DASH, served by playback (local/playback) instead of
 *   placeholder segments.
 * - Input loss: a publisher that disconnects raises MediaLive's RTMP input alerts on its pipeline
 *   and the channel encodes its input-loss image; reconnecting clears them. A switch to a file input
 *   (the slate) encodes that file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TwinEnv } from '../core/types';
import { mediaRegistry, registerMedia, type MediaLiveChannelView, type MediaPlaneView, type MediaRequest } from '../services/media-registry';
import { admitPublish, appAndStream, freePort, RtmpIngest, type IngestTarget } from './ingest';
import { ChannelPipeline } from './pipeline';
import { encoderArgs, ladderOf, loopList, type Ladder, type Source } from './settings';

export type MediaMode = 'live' | 'loop' | 'off';

export interface MediaOptions {
  mode: Exclude<MediaMode, 'off'>;
  /** RTMP port (default: a free one, printed by whoever starts the twin). */
  rtmpPort?: number;
  /** Where pre-encoded loops are cached (default `<dataDir>/media-cache`). */
  cacheDir?: string;
  /** ffmpeg binary (default: @ffmpeg-installer/ffmpeg's). */
  ffmpeg?: string;
  log?: (line: string) => void;
}

/**
 * MediaLive's alerts for a lost RTMP input (MediaLive UG "Alerts for channels",
 * https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-alerts-channels.html):
 * the stream is not found at the input's URL, and no video is detected. Payload: "JSON for an alert
 * event" (monitoring-cloudwatch-json-alert.html), built by the MediaLive service (alerts.ts).
 */
export const RTMP_INPUT_LOSS_ALERTS = ['RTMP Stream Not Found', 'Video Not Detected'] as const;

/** The font drawtext burns labels with (Debian's fonts-dejavu-core), when present. */
export const FONT = ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'].find((f) => existsSync(f));

export function ffmpegPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: a twin without media never needs the binary
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export class MediaPlane implements MediaPlaneView {
  private readonly ingest: RtmpIngest;
  private ingestStarted?: Promise<void>;
  private readonly pipelines = new Map<string, ChannelPipeline>();
  /** Stream path (`/app/stream`) → who publishes there. */
  private readonly publishers = new Map<string, IngestTarget & { publishedAt: number }>();
  /** Alarm ids raised for a lost stream, by stream path. */
  private readonly lossAlerts = new Map<string, { channelId: string; ids: string[] }>();
  private readonly loops = new Map<string, Promise<string>>();
  private readonly ffmpeg: string;
  private readonly unsubscribe: () => void;
  private pending = false;

  get mode(): MediaOptions['mode'] {
    return this.opts.mode;
  }

  constructor(private readonly env: TwinEnv, readonly port: number, private readonly opts: MediaOptions) {
    this.ffmpeg = opts.ffmpeg ?? ffmpegPath();
    this.ingest = new RtmpIngest(port, {
      admit: (ip, path) => admitPublish(this.targets(), ip, path),
      published: (target, path) => this.onPublished(target, path),
      unpublished: (path) => this.onUnpublished(path),
      refused: (ip, path, reason) => this.log(`[media] refused RTMP publish ${path} from ${ip}: ${reason}`),
    });
    rmSync(this.workDir, { recursive: true, force: true });
    this.unsubscribe = env.events.subscribe((e) => {
      if (e.source === 'aws.medialive') this.schedule();
    });
    registerMedia(env, { media: this });
  }

  /**
   * Chooses the RTMP port once per twin: the one asked for, else (persisted twin) the one its inputs
   * were given in an earlier run, else a free one; a persisted twin remembers it for the next run.
   */
  static async create(env: TwinEnv, opts: MediaOptions): Promise<MediaPlane> {
    const file = join(env.dataDir, 'state', '_media.json');
    let remembered: number | undefined;
    try { remembered = (JSON.parse(readFileSync(file, 'utf8')) as { rtmpPort?: number }).rtmpPort; } catch { remembered = undefined; }
    const port = await freePort(opts.rtmpPort ?? (env.persistent ? remembered : undefined));
    if (env.persistent) writeFileSync(file, JSON.stringify({ rtmpPort: port }));
    return new MediaPlane(env, port, opts);
  }

  private get workDir(): string {
    return join(this.env.dataDir, 'media');
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  rtmpUrl(streamName: string): { url: string; ip: string; port: string } {
    return { url: `rtmp://127.0.0.1:${this.port}/${streamName}`, ip: '127.0.0.1', port: String(this.port) };
  }

  serve(channelId: string, request: MediaRequest): ReturnType<MediaPlaneView['serve']> {
    this.reconcile();
    return this.pipelines.get(channelId)?.serve(request);
  }

  /** Measurements for a channel: when its current run started and its first segment appeared (wall clock). */
  stats(channelId: string): { runStartedAt?: number; firstSegmentAt?: number; source?: Source } | undefined {
    const p = this.pipelines.get(channelId);
    return p && { runStartedAt: p.runStartedAt, firstSegmentAt: p.firstSegmentAt, source: p.currentSource };
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.reconcile();
    });
  }

  private running(): MediaLiveChannelView[] {
    return (mediaRegistry(this.env).medialive?.channelViews() ?? []).filter((c) => (c.State === 'RUNNING' || c.State === 'RECOVERING') && c.PipelinesRunningCount > 0);
  }

  /** Push destinations MediaLive listens on now: attached RTMP_PUSH inputs of running channels. */
  targets(): IngestTarget[] {
    return this.running().flatMap((c) => c.Inputs.filter((i) => i.Type === 'RTMP_PUSH').flatMap((i) => i.DestinationUrls.flatMap((url, n) => {
      const as = appAndStream(url);
      return as ? [{ channelId: c.Id, inputId: i.Id, pipeline: String(n), app: as.app, stream: as.stream, cidrs: i.Cidrs }] : [];
    })));
  }

  /** Brings pipelines in line with the running channels and their active inputs. */
  reconcile(): void {
    const running = this.running();
    const ids = new Set(running.map((c) => c.Id));
    for (const [id, p] of this.pipelines) {
      if (ids.has(id)) continue;
      p.stop();
      this.pipelines.delete(id);
      this.ingest.dropChannel(id);
    }
    if (running.length && !this.ingestStarted) {
      this.ingestStarted = this.ingest.start().catch((e: Error) => this.log(`[media] RTMP listener failed on 127.0.0.1:${this.port}: ${e.message}`));
    }
    for (const c of running) {
      let p = this.pipelines.get(c.Id);
      if (!p) {
        const ladder = ladderOf(c.EncoderSettings);
        if (ladder.video.length === 0) continue;
        p = new ChannelPipeline(c.Id, ladder, { ffmpeg: this.ffmpeg, mode: this.opts.mode, dir: join(this.workDir, c.Id), font: FONT, log: this.opts.log, loopFile: (s) => this.loopFile(ladder, s) });
        this.pipelines.set(c.Id, p);
      }
      p.setSource(this.sourceFor(c));
    }
  }

  private sourceFor(c: MediaLiveChannelView): Source {
    const active = c.Inputs.find((i) => i.AttachmentName === c.ActiveAttachmentName) ?? c.Inputs[0];
    if (!active) return { kind: 'loss' };
    if (active.Type === 'RTMP_PUSH') {
      for (const url of active.DestinationUrls) {
        const as = appAndStream(url);
        const path = as && `/${as.app}/${as.stream}`;
        const publisher = path ? this.publishers.get(path) : undefined;
        if (publisher?.channelId === c.Id) return { kind: 'rtmp', url: `rtmp://127.0.0.1:${this.port}${path}`, publishedAt: publisher.publishedAt };
      }
      return { kind: 'loss' };
    }
    if (active.Type === 'MP4_FILE' || active.Type === 'TS_FILE' || active.Type === 'URL_PULL') {
      const url = active.SourceUrls[0] ?? '';
      const local = url.startsWith('file://') ? url.slice(7) : url.startsWith('/') ? url : undefined;
      // s3:// and https:// slates cannot be fetched offline: a generated slate card stands in.
      return local && existsSync(local) ? { kind: 'file', path: local } : { kind: 'slate-card', label: url };
    }
    return { kind: 'loss' };
  }

  private onPublished(target: IngestTarget, path: string): void {
    this.publishers.set(path, { ...target, publishedAt: Date.now() });
    const raised = this.lossAlerts.get(path);
    this.lossAlerts.delete(path);
    for (const alarmId of raised?.ids ?? []) {
      try { mediaRegistry(this.env).medialive?.clearAlert(target.channelId, { alarmId }); } catch { /* the channel restarted since: alarm ids restart with it */ }
    }
    this.log(`[media] publisher on ${path} → channel ${target.channelId} pipeline ${target.pipeline}`);
    this.reconcile();
  }

  private onUnpublished(path: string): void {
    const target = this.publishers.get(path);
    this.publishers.delete(path);
    if (!target) return;
    this.log(`[media] publisher left ${path}: input loss on channel ${target.channelId} pipeline ${target.pipeline}`);
    const ch = this.running().find((c) => c.Id === target.channelId);
    const ml = mediaRegistry(this.env).medialive;
    if (ch && ml && ch.RunningPipelines.includes(target.pipeline)) {
      const ids: string[] = [];
      for (const alertType of RTMP_INPUT_LOSS_ALERTS) {
        const message = alertType === 'RTMP Stream Not Found' ? `RTMP stream ${target.app}/${target.stream} not found` : `Video not detected on input ${target.inputId}`;
        try { ids.push(ml.raiseAlert(target.channelId, { pipeline: target.pipeline, alertType, message })); } catch { /* the channel is stopping */ }
      }
      this.lossAlerts.set(path, { channelId: target.channelId, ids });
      this.env.changed();
    }
    this.reconcile();
  }

  /** Loop mode: the ladder encoded once from a source (12 s or a whole number of segments), cached. */
  private loopFile(ladder: Ladder, source: Source): Promise<string> {
    const seconds = Math.max(2, Math.ceil(12 / ladder.segmentSeconds)) * ladder.segmentSeconds;
    const src: Source = source.kind === 'synthetic' ? { kind: 'synthetic', seconds } : source;
    const args = encoderArgs(ladder, src, { seconds, burnIn: FONT && (src.kind === 'synthetic' || src.kind === 'slate-card') ? { font: FONT, clock: false } : undefined });
    // Keyed by the encoder's own arguments: an encode made with other settings is never replayed.
    const key = createHash('sha256').update(JSON.stringify({ ladder, src, seconds, args })).digest('hex').slice(0, 20);
    const dir = this.opts.cacheDir ?? join(this.env.dataDir, 'media-cache');
    const file = join(dir, `${key}.ts`);
    const known = this.loops.get(file);
    if (known) return known;
    // About 8 hours of repetitions; the reader ends after them and the pipeline starts it again.
    const list = join(this.workDir, `${key}.concat`);
    const withList = (f: string): string => {
      mkdirSync(this.workDir, { recursive: true });
      writeFileSync(list, loopList(f, seconds, Math.ceil(8 * 3600 / seconds)));
      return list;
    };
    const made: Promise<string> = (existsSync(file) ? Promise.resolve(file) : new Promise<string>((ok, fail) => {
      mkdirSync(dir, { recursive: true });
      args[args.length - 1] = `${file}.part`;
      const p = spawn(this.ffmpeg, ['-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      p.on('error', fail);
      p.on('exit', (code) => {
        if (code === 0) { renameSync(`${file}.part`, file); ok(file); } else fail(new Error(`pre-encoding the loop failed (${code}): ${err.trim()}`));
      });
    })).then(withList);
    made.catch((e: Error) => { this.loops.delete(file); this.log(`[media] ${e.message}`); });
    this.loops.set(file, made);
    return made;
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    for (const p of this.pipelines.values()) p.stop();
    this.pipelines.clear();
    await this.ingest.stop();
  }
}
