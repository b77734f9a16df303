/**
 * One running channel's media: a source stage (the encoder, or a loop reader in loop mode) writing
 * one MPEG-TS with the whole ladder, fanned out to three packagers (HLS TS, HLS fMP4, DASH) that
 * copy it into a run folder. A change of source (publisher gone → input-loss image, switch to the
 * slate file …) starts a new run; HLS playlists are rendered here from the packagers' own playlists
 * with global media sequence numbers and EXT-X-DISCONTINUITY between runs, so a player keeps going.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RawResponse } from '../core/types';
import type { MediaRequest } from '../services/media-registry';
import { encoderArgs, keptSegments, loopReaderArgs, packagerArgs, type Ladder, type PackageKind, type Source } from './settings';

export interface PipelineOptions {
  ffmpeg: string;
  mode: 'live' | 'loop';
  dir: string;
  /** Pre-encoded loops (loop mode): path of the cached TS for a source, encoded once. */
  loopFile?: (source: Source) => Promise<string>;
  font?: string;
  log?: (line: string) => void;
}

interface HlsEntry {
  seq: number;
  file: string;
  duration: number;
  pdt?: string;
  run: number;
  disc: number;
  init?: string;
}

const KINDS: PackageKind[] = ['ts', 'cmaf', 'dash'];
/** Segments stay fetchable this long after leaving the packager's list (players lag the playlist). */
const KEEP_RUNS = 3;

export function sourceKey(s: Source): string {
  return JSON.stringify(s);
}

export class ChannelPipeline {
  private run = 0;
  private procs: ChildProcess[] = [];
  private source?: Source;
  private stopped = false;
  private restartTimer?: NodeJS.Timeout;
  /** Per HLS kind and rung: entries by global sequence, and each run's sequence base. */
  private readonly entries: Record<'ts' | 'cmaf', Map<number, HlsEntry[]>> = { ts: new Map(), cmaf: new Map() };
  private readonly base = new Map<number, number>();
  /** When the current run's first segment appeared (wall clock), for measurements. */
  firstSegmentAt?: number;
  runStartedAt?: number;

  constructor(readonly channelId: string, readonly ladder: Ladder, private readonly opts: PipelineOptions) {
    mkdirSync(opts.dir, { recursive: true });
  }

  get currentSource(): Source | undefined {
    return this.source;
  }

  /** Switches to a source (no-op when it is the current one). */
  setSource(source: Source): void {
    if (this.stopped) return;
    if (this.source && sourceKey(this.source) === sourceKey(source) && this.procs.length) return;
    this.source = source;
    void this.startRun(source);
  }

  private runDir(run: number, kind: PackageKind): string {
    return join(this.opts.dir, `run-${run}`, kind);
  }

  private async startRun(source: Source): Promise<void> {
    this.killProcs();
    for (const kind of ['ts', 'cmaf'] as const) this.refresh(kind);
    const run = ++this.run;
    const seqs = [...this.entries.ts.values(), ...this.entries.cmaf.values()].flat().map((e) => e.seq);
    this.base.set(run, seqs.length ? Math.max(...seqs) + 1 : 1);
    this.runStartedAt = Date.now();
    this.firstSegmentAt = undefined;
    for (const kind of KINDS) mkdirSync(this.runDir(run, kind), { recursive: true });
    this.pruneRuns(run);
    let args: string[];
    if (this.opts.mode === 'loop' && this.opts.loopFile) {
      const loopSource: Source = source.kind === 'rtmp' ? { kind: 'synthetic', seconds: 0 } : source;
      const file = await this.opts.loopFile(loopSource);
      if (this.stopped || this.run !== run) return;
      args = loopReaderArgs(file);
    } else {
      // Labels are burnt into generated pictures only (the demo programme, the slate card).
      const label = source.kind === 'synthetic' || source.kind === 'slate-card';
      args = encoderArgs(this.ladder, source, { burnIn: label && this.opts.font ? { font: this.opts.font } : undefined });
    }
    const src = spawn(this.opts.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const packagers = KINDS.map((kind) => spawn(this.opts.ffmpeg, packagerArgs(kind, this.ladder, this.runDir(run, kind), run), { stdio: ['pipe', 'ignore', 'pipe'] }));
    this.procs = [src, ...packagers];
    for (const p of this.procs) {
      p.stderr?.on('data', (d: Buffer) => this.opts.log?.(`[media ${this.channelId} run ${run}] ${d.toString().trim()}`));
      p.on('error', (e) => this.opts.log?.(`[media ${this.channelId}] ${e.message}`));
    }
    for (const p of packagers) p.stdin?.on('error', () => undefined);
    src.stdout?.on('data', (chunk: Buffer) => {
      for (const p of packagers) if (p.stdin?.writable) p.stdin.write(chunk);
    });
    src.on('exit', () => {
      for (const p of packagers) p.stdin?.end();
      // A source that ends on its own (publisher gone, file unreadable) is retried with the same
      // source unless the plane switches it meanwhile (it will, on donePublish).
      if (!this.stopped && this.run === run) {
        this.procs = this.procs.filter((p) => p !== src);
        this.restartTimer = setTimeout(() => { if (!this.stopped && this.run === run && this.source) void this.startRun(this.source); }, 1000);
      }
    });
  }

  private killProcs(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    for (const p of this.procs) if (p.exitCode === null) p.kill('SIGKILL');
    this.procs = [];
  }

  private pruneRuns(current: number): void {
    for (const name of existsSync(this.opts.dir) ? readdirSync(this.opts.dir) : []) {
      const m = /^run-(\d+)$/.exec(name);
      if (m && Number(m[1]) <= current - KEEP_RUNS) rmSync(join(this.opts.dir, name), { recursive: true, force: true });
    }
    for (const kind of ['ts', 'cmaf'] as const) {
      for (const [rung, list] of this.entries[kind]) this.entries[kind].set(rung, list.filter((e) => e.run > current - KEEP_RUNS));
    }
  }

  stop(): void {
    this.stopped = true;
    this.killProcs();
    rmSync(this.opts.dir, { recursive: true, force: true });
  }

  // ───────────────────────────── HLS index ─────────────────────────────

  /** Reads the packagers' playlists of the current run and merges what is new. */
  private refresh(kind: 'ts' | 'cmaf'): void {
    const run = this.run;
    if (run === 0) return;
    const dir = this.runDir(run, kind);
    const base = this.base.get(run) ?? 1;
    for (const r of this.ladder.video) {
      const file = join(dir, `p${r.index - 1}.m3u8`);
      let text: string;
      try { text = readFileSync(file, 'utf8'); } catch { continue; }
      const list = this.entries[kind].get(r.index) ?? [];
      this.entries[kind].set(r.index, list);
      const known = new Set(list.map((e) => e.seq));
      for (const e of parsePlaylist(text)) {
        const seq = base + e.seq;
        if (known.has(seq) || !existsSync(join(dir, e.uri))) continue;
        const last = list[list.length - 1];
        list.push({ seq, file: join(dir, e.uri), duration: e.duration, pdt: e.pdt, run, disc: last ? last.disc + (last.run !== run ? 1 : 0) : 0, init: e.map ? join(dir, e.map) : undefined });
        if (this.firstSegmentAt === undefined) this.firstSegmentAt = Date.now();
      }
      list.sort((a, b) => a.seq - b.seq);
      const keep = keptSegments(this.ladder) * 2;
      if (list.length > keep) list.splice(0, list.length - keep);
    }
  }

  /** Whether any segment exists yet (MediaPackage serves nothing before the first one). */
  hasContent(): boolean {
    this.refresh('ts');
    return [...this.entries.ts.values()].some((l) => l.length > 0);
  }

  serve(req: MediaRequest): RawResponse | undefined {
    const hlsKind = req.cmaf ? 'cmaf' : 'ts';
    if (req.kind === 'DASH' || /^r\d+-(init|chunk)-/.test(req.rest)) return this.serveDash(req);
    this.refresh(hlsKind);
    const any = [...this.entries[hlsKind].values()].some((l) => l.length > 0);
    if (req.kind === 'HLS' && req.rest === `${req.manifestName}.m3u8`) {
      return any ? playlist(this.multivariant(req)) : notYet();
    }
    const child = new RegExp(`^${escapeRe(req.childName)}_(\\d+)\\.m3u8$`).exec(req.rest);
    if (req.kind === 'HLS' && child) {
      const list = this.entries[hlsKind].get(Number(child[1]));
      if (!list?.length) return any ? notFound() : notYet();
      return playlist(this.mediaPlaylist(list, Number(child[1]), req));
    }
    const seg = new RegExp(`^${escapeRe(req.segmentPrefix)}_(\\d+)_(\\d+|init\\d+)\\.(ts|mp4)$`).exec(req.rest);
    if (!seg || (seg[3] === 'ts') === req.cmaf) return notFound();
    const list = this.entries[hlsKind].get(Number(seg[1])) ?? [];
    if (seg[2]!.startsWith('init')) {
      const run = Number(seg[2]!.slice(4));
      const e = list.find((x) => x.run === run && x.init);
      return e?.init ? fileAnswer(e.init, 'video/mp4') : notFound();
    }
    const e = list.find((x) => x.seq === Number(seg[2]));
    return e ? fileAnswer(e.file, req.cmaf ? 'video/mp4' : 'video/MP2T') : notFound();
  }

  private multivariant(req: MediaRequest): string {
    const audio = this.ladder.audio.bitrate;
    const lines = ['#EXTM3U', `#EXT-X-VERSION:${req.cmaf ? 7 : 3}`, '#EXT-X-INDEPENDENT-SEGMENTS'];
    for (const r of this.ladder.video) {
      const fps = r.fpsNum / r.fpsDen;
      lines.push(
        `#EXT-X-STREAM-INF:BANDWIDTH=${Math.round((r.maxBitrate + audio) * 1.1)},AVERAGE-BANDWIDTH=${r.bitrate + audio},RESOLUTION=${r.width}x${r.height},CODECS="${r.codec},mp4a.40.2",FRAME-RATE=${fps.toFixed(3)}`,
        `${req.childName}_${r.index}.m3u8`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  private mediaPlaylist(all: HlsEntry[], rung: number, req: MediaRequest): string {
    const count = Math.max(3, Math.floor(req.windowSeconds / this.ladder.segmentSeconds));
    // Only segments of the current packagers' window or recent runs whose files still exist.
    const list = all.filter((e) => existsSync(e.file)).slice(-count);
    const first = list[0]!;
    const ext = req.cmaf ? 'mp4' : 'ts';
    const target = Math.max(Math.ceil(this.ladder.segmentSeconds), ...list.map((e) => Math.round(e.duration)));
    const lines = ['#EXTM3U', `#EXT-X-VERSION:${req.cmaf ? 7 : 3}`, `#EXT-X-TARGETDURATION:${target}`, `#EXT-X-MEDIA-SEQUENCE:${first.seq}`, `#EXT-X-DISCONTINUITY-SEQUENCE:${first.disc}`, '#EXT-X-INDEPENDENT-SEGMENTS'];
    let prev: HlsEntry | undefined;
    for (const e of list) {
      if (prev && prev.run !== e.run) lines.push('#EXT-X-DISCONTINUITY');
      if (req.cmaf && (!prev || prev.run !== e.run)) lines.push(`#EXT-X-MAP:URI="${req.segmentPrefix}_${rung}_init${e.run}.mp4"`);
      if (e.pdt) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${e.pdt}`);
      lines.push(`#EXTINF:${e.duration.toFixed(3)},`, `${req.segmentPrefix}_${rung}_${e.seq}.${ext}`);
      prev = e;
    }
    return `${lines.join('\n')}\n`;
  }

  private lastMpd = new Map<number, string>();

  private serveDash(req: MediaRequest): RawResponse {
    const seg = /^r(\d+)-(init|chunk)-[\w-]+\.m4s$/.exec(req.rest);
    if (seg) {
      const file = join(this.runDir(Number(seg[1]), 'dash'), req.rest);
      return existsSync(file) ? fileAnswer(file, /-(\d+)(-\d+)?\.m4s$/.test(req.rest) && this.isAudioRep(req.rest) ? 'audio/mp4' : 'video/mp4') : notFound();
    }
    if (req.kind !== 'DASH' || !req.rest.endsWith('.mpd')) return notFound();
    const file = join(this.runDir(this.run, 'dash'), 'manifest.mpd');
    let text: string | undefined;
    try { text = readFileSync(file, 'utf8'); } catch { text = undefined; }
    // The muxer rewrites the manifest in place: a read can catch it half-written; keep the last whole one.
    if (text && /<\/MPD>\s*$/.test(text) && /<S /.test(text)) this.lastMpd.set(this.run, text);
    const good = this.lastMpd.get(this.run);
    if (!good) return notYet();
    // ffmpeg 4.1 writes codecs="mp4a.40" (no object type); browsers need AAC-LC's full string.
    return { status: 200, headers: { 'content-type': 'application/dash+xml', 'cache-control': 'max-age=1' }, body: good.replace(/codecs="mp4a\.40"/g, 'codecs="mp4a.40.2"') };
  }

  private isAudioRep(name: string): boolean {
    const m = /^r\d+-(?:init|chunk)-(\d+)/.exec(name);
    return m !== null && Number(m[1]) === this.ladder.video.length;
  }
}

/** Pure: the entries of an HLS media playlist as ffmpeg writes it (complete lines only). */
export function parsePlaylist(text: string): { seq: number; uri: string; duration: number; pdt?: string; map?: string }[] {
  const out: { seq: number; uri: string; duration: number; pdt?: string; map?: string }[] = [];
  // A playlist caught while being rewritten may end mid-line: drop the unterminated last line.
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop();
  let seq = 0;
  let duration: number | undefined;
  let pdt: string | undefined;
  let map: string | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) seq = Number(line.slice(22));
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = isoPdt(line.slice(25));
    else if (line.startsWith('#EXT-X-MAP:')) map = /URI="([^"]+)"/.exec(line)?.[1];
    else if (line && !line.startsWith('#') && duration !== undefined) {
      out.push({ seq, uri: line, duration, pdt, map });
      seq += 1;
      duration = undefined;
      pdt = undefined;
    }
  }
  return out;
}

/** ffmpeg writes `2026-12-04T16:28:59.000+0000`; HLS wants ISO 8601 (`…Z` or `+00:00`). */
function isoPdt(s: string): string | undefined {
  const t = Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function fileAnswer(file: string, contentType: string): RawResponse {
  try {
    if (!statSync(file).isFile()) return notFound();
    return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'max-age=1209600' }, body: readFileSync(file) };
  } catch {
    return notFound();
  }
}

function playlist(body: string): RawResponse {
  return { status: 200, headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=1' }, body };
}

function notFound(): RawResponse {
  return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'max-age=1' }, body: 'Not Found\n' };
}

function notYet(): RawResponse {
  return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'max-age=1' }, body: 'No segments received yet\n' };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
