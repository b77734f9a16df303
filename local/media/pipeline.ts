/**
 * One running channel's media: a source stage (the encoder, or a loop reader in loop mode) writing
 * one MPEG-TS with the whole ladder, fanned out to three packagers (HLS TS, HLS fMP4, DASH) that
 * copy it into a run folder. A change of source (publisher gone → input-loss image, switch to the
 * slate file …) starts a new run; HLS playlists are rendered here from the packagers' own playlists
 * with global media sequence numbers and EXT-X-DISCONTINUITY between runs, so a player keeps going.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RawResponse } from '../core/types';
import type { MediaRequest } from '../services/media-registry';
import { parseMpd, renderMpd, runShift, sameInit, shiftTfdt, type DashRun } from './dash';
import { encoderArgs, keptSegments, loopReaderArgs, packagerArgs, type Ladder, type PackageKind, type Source } from './settings';

export interface PipelineOptions {
  ffmpeg: string;
  mode: 'live' | 'loop';
  dir: string;
  /** Pre-encoded loops (loop mode): path of the cached TS for a source, encoded once. */
  loopFile?: (source: Source) => Promise<string>;
  font?: string;
  log?: (line: string) => void;
  /** Starts the ffmpeg processes (node's spawn; tests pass a stand-in). */
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
}

interface HlsEntry {
  seq: number;
  /** The packager's own sequence number in its run (from 0). */
  local: number;
  file: string;
  duration: number;
  /** Start within the run: seconds after the run's first frame. */
  start: number;
  /** The packager's EXT-X-PROGRAM-DATE-TIME (ms): only its differences are used (see refresh). */
  packagerPdt?: number;
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
  /**
   * Per run: the wall clock (ms) at which its first frame was captured — the time of its media
   * timeline's 0. The first one is the DASH availabilityStartTime. See anchorRun.
   */
  private readonly anchors = new Map<number, number>();
  private availabilityStart?: number;
  private firstAnchoredRun?: number;
  /** Per run: when the source process first wrote (wall clock, ms). */
  private readonly firstOutput = new Map<number, number>();
  /** Per run: the RTMP publisher timestamp (s) of the encoder's first frame (its input dump's `start:`). */
  private readonly inputStart = new Map<number, number>();
  /** Per run: the DASH segments seen, and where the one-Period stitch numbers them. */
  private readonly dashRuns = new Map<number, DashRun>();
  private dashNextNumber = new Map<string, number>();
  /** Per run: a digest of each representation's initialization segment (one-Period stitch: dash.ts sameInit). */
  private readonly dashInits = new Map<number, Map<string, string>>();
  /** Where the next run's DASH timeline starts: the end of the last run's last segment, seconds. */
  private dashNextOffset = 0;
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
    this.refreshDash();
    // The ending run's last numbers: the next run's segments follow them in a one-Period stitch.
    const ended = this.dashRuns.get(this.run);
    if (ended) {
      for (const rep of ended.reps) {
        this.dashNextNumber.set(rep.id, (ended.base.get(rep.id) ?? 1) + Math.max(0, ...rep.segments.map((x) => x.n)));
        const last = rep.segments.at(-1);
        if (last) this.dashNextOffset = Math.max(this.dashNextOffset, ended.offsetSeconds + (last.t + last.d - (ended.t0.get(rep.id) ?? 0)) / rep.timescale);
      }
    }
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
    const start = this.opts.spawn ?? spawn;
    const src = start(this.opts.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const packagers = KINDS.map((kind) => start(this.opts.ffmpeg, packagerArgs(kind, this.ladder, this.runDir(run, kind), run), { stdio: ['pipe', 'ignore', 'pipe'] }));
    this.procs = [src, ...packagers];
    for (const p of packagers) p.stderr?.on('data', (d: Buffer) => this.opts.log?.(`[media ${this.channelId} run ${run}] ${d.toString().trim()}`));
    for (const p of this.procs) p.on('error', (e) => this.opts.log?.(`[media ${this.channelId}] ${e.message}`));
    let pending = '';
    src.stderr?.on('data', (d: Buffer) => {
      const lines = (pending + d.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.sourceLog(run, source, line);
    });
    for (const p of packagers) p.stdin?.on('error', () => undefined);
    let first = true;
    src.stdout?.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        this.anchorRun(run, source, Date.now());
      }
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

  /**
   * Where a run's media time 0 sits on the wall clock: the capture time of its first frame, which
   * program date-times and DASH times count from (MediaLive API Reference, HlsGroupSettings
   * ProgramDateTimeClock: SYSTEM_CLOCK "initialized as a function of the UTC wall clock, then
   * incremented by the EXTINF duration of each encoded segment"; "About timecodes and timestamps"
   * https://docs.aws.amazon.com/medialive/latest/ug/timecodes-about.html: a UTC output timecode is
   * "the UTC time at the moment that the first frame enters the output side of the pipeline").
   *
   * - Sources the encoder paces itself (`-re`: the input-loss image, the slate, loops) are made as
   *   they are read: the first frame is captured when the encoder starts writing, `firstOutputAt`.
   * - An RTMP feed was captured by its publisher: its frame with RTMP timestamp 0 at the publish
   *   (`publishedAt`), the encoder's first frame `start` seconds later (node-media-server first
   *   replays its cached GOP). The encoder only writes after probing its input (~3 s): stamping
   *   `firstOutputAt` put every program date-time that far ahead of the picture.
   */
  private anchorRun(run: number, source: Source, firstOutputAt: number): void {
    this.firstOutput.set(run, firstOutputAt);
    let at = firstOutputAt;
    const inputStart = this.inputStart.get(run);
    if (source.kind === 'rtmp' && source.publishedAt !== undefined && inputStart !== undefined) {
      const captured = source.publishedAt + inputStart * 1000;
      // A publisher whose timestamps do not start at 0 cannot be placed this way: keep the output time.
      if (captured <= firstOutputAt && captured >= source.publishedAt) at = captured;
    }
    this.anchors.set(run, at);
    this.firstAnchoredRun ??= run;
    if (this.firstAnchoredRun === run) this.availabilityStart = at;
  }

  /** The source process's stderr: its RTMP input's start (info), everything else logged. */
  private sourceLog(run: number, source: Source, raw: string): void {
    const m = /^\[(\w+)\]\s?(.*)$/.exec(raw.trim());
    const level = m?.[1];
    const text = (m ? m[2]! : raw).trim();
    if (level === 'info' || level === 'verbose') {
      const start = /^Duration: [^,]*, start: (-?\d+(?:\.\d+)?)/.exec(text);
      if (start && !this.inputStart.has(run)) {
        this.inputStart.set(run, Number(start[1]));
        // The encoder usually says this before its first output; if not, place the run again.
        const at = this.firstOutput.get(run);
        if (at !== undefined) this.anchorRun(run, source, at);
      }
      return;
    }
    if (text) this.opts.log?.(`[media ${this.channelId} run ${run}] ${text}`);
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
    for (const run of this.dashRuns.keys()) if (run <= current - KEEP_RUNS) this.dashRuns.delete(run);
    // The previous run's digests stay: the next run is compared with them.
    for (const run of this.dashInits.keys()) if (run < current - KEEP_RUNS) this.dashInits.delete(run);
    for (const map of [this.anchors, this.firstOutput, this.inputStart]) for (const run of map.keys()) if (run <= current - KEEP_RUNS) map.delete(run);
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
        const packagerPdt = e.pdt === undefined ? undefined : Date.parse(e.pdt);
        // Start within the run: the sum of the EXTINFs before it (the packager's segment 0 starts at
        // the run's first frame). A segment whose predecessor was never seen (nobody asked for a
        // while) is placed from one that was, by the packager's own date-times: they advance by the
        // same EXTINFs, only their origin (its start-up time) is off.
        const prev = list.find((x) => x.run === run && x.local === e.seq - 1);
        const ref = [...list].reverse().find((x) => x.run === run && x.packagerPdt !== undefined);
        const start = e.seq === 0 ? 0
          : prev ? prev.start + prev.duration
            : ref && packagerPdt !== undefined ? ref.start + (packagerPdt - ref.packagerPdt!) / 1000
              : e.seq * this.ladder.segmentSeconds;
        list.push({ seq, local: e.seq, file: join(dir, e.uri), duration: e.duration, start, packagerPdt, run, disc: last ? last.disc + (last.run !== run ? 1 : 0) : 0, init: e.map ? join(dir, e.map) : undefined });
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
    if (req.kind === 'DASH' || /^(r\d+|dash)-(init|chunk)-/.test(req.rest)) return this.serveDash(req);
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
      const anchor = this.anchors.get(e.run);
      if (anchor !== undefined) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(anchor + Math.round(e.start * 1000)).toISOString()}`);
      lines.push(`#EXTINF:${e.duration.toFixed(3)},`, `${req.segmentPrefix}_${rung}_${e.seq}.${ext}`);
      prev = e;
    }
    return `${lines.join('\n')}\n`;
  }

  /** Reads the current run's DASH manifest and merges the segments not seen yet. */
  private refreshDash(): void {
    const run = this.run;
    if (run === 0) return;
    let text: string;
    try { text = readFileSync(join(this.runDir(run, 'dash'), 'manifest.mpd'), 'utf8'); } catch { return; }
    // The muxer rewrites the manifest in place: a read can catch it half-written (parseMpd refuses it).
    const reps = parseMpd(text);
    if (!reps) return;
    let known = this.dashRuns.get(run);
    if (!known) {
      // The muxer writes a representation's initialization segment before any of its media (and its
      // manifest): all of them are on disk when the manifest is. Digests, compared once per run.
      const inits = new Map<string, string>();
      for (const rep of reps) {
        try { inits.set(rep.id, createHash('sha256').update(readFileSync(this.dashFile(run, rep.id))).digest('hex')); } catch { return; }
      }
      const previous = this.dashRuns.get(run - 1);
      // One Period only for a run whose initialization segments are the previous run's (dash.ts).
      const period = previous && sameInit(this.dashInits.get(run - 1), inits) ? previous.period ?? { run: previous.run, offsetSeconds: previous.offsetSeconds } : undefined;
      if (previous && !period) this.opts.log?.(`[media ${this.channelId} run ${run}] DASH initialization segments differ from run ${run - 1}'s: a new Period`);
      this.dashInits.set(run, inits);
      known = { run, offsetSeconds: this.dashNextOffset, reps: [], base: new Map(this.dashNextNumber), t0: new Map(), period: period ?? { run, offsetSeconds: this.dashNextOffset } };
      this.dashRuns.set(run, known);
    }
    for (const rep of reps) {
      let mine = known.reps.find((r) => r.id === rep.id);
      if (!mine) {
        mine = { ...rep, segments: [] };
        known.reps.push(mine);
      }
      mine.attributes = rep.attributes;
      const seen = new Set(mine.segments.map((x) => x.n));
      for (const seg of rep.segments) {
        if (seen.has(seg.n)) continue;
        mine.segments.push(seg);
        if (seg.n === 1) known.t0.set(rep.id, seg.t);
      }
      mine.segments.sort((a, b) => a.n - b.n);
      const keep = keptSegments(this.ladder) * 2;
      if (mine.segments.length > keep) mine.segments.splice(0, mine.segments.length - keep);
    }
  }

  /** The runs, each placed on the pipeline's timeline right after the previous one (see dash.ts). */
  private placedDashRuns(): DashRun[] {
    return [...this.dashRuns.values()];
  }

  private dashFile(run: number, repId: string, n?: number): string {
    return join(this.runDir(run, 'dash'), n === undefined ? `r${run}-init-${repId}.m4s` : `r${run}-chunk-${repId}-${String(n).padStart(5, '0')}.m4s`);
  }

  private serveDash(req: MediaRequest): RawResponse {
    const type = (repId: string): string => Number(repId) === this.ladder.video.length ? 'audio/mp4' : 'video/mp4';
    // A Period per run: the run's own files, as written.
    const seg = /^r(\d+)-(init|chunk)-(\d+)[\w-]*\.m4s$/.exec(req.rest);
    if (seg) {
      const file = join(this.runDir(Number(seg[1]), 'dash'), req.rest);
      return existsSync(file) ? fileAnswer(file, type(seg[3]!)) : notFound();
    }
    // One Period: global numbers → the run's file, moved onto the pipeline's timeline.
    const one = /^dash-(init|chunk)-(\d+)(?:-(\d+))?\.m4s$/.exec(req.rest);
    if (one) {
      const repId = one[2]!;
      const runs = this.placedDashRuns().sort((a, b) => b.run - a.run);
      if (one[1] === 'init') {
        // dash-init-<rep>-<run that began the Period>: the runs of a Period have the same bytes
        // (checked in refreshDash), so any of them that is still on disk answers.
        const period = Number(one[3]);
        const r = runs.find((x) => x.period?.run === period && existsSync(this.dashFile(x.run, repId)));
        return r ? fileAnswer(this.dashFile(r.run, repId), type(repId)) : notFound();
      }
      const number = Number(one[3]);
      for (const r of runs) {
        const rep = r.reps.find((x) => x.id === repId);
        const n = number - (r.base.get(repId) ?? 1) + 1;
        if (!rep || !rep.segments.some((x) => x.n === n)) continue;
        const file = this.dashFile(r.run, repId, n);
        if (!existsSync(file)) return notFound();
        return { status: 200, headers: { 'content-type': type(repId), 'cache-control': 'max-age=1209600' }, body: shiftTfdt(readFileSync(file), runShift(r, rep)) };
      }
      return notFound();
    }
    if (req.kind !== 'DASH' || !req.rest.endsWith('.mpd')) return notFound();
    this.refreshDash();
    if (this.availabilityStart === undefined) return notYet();
    const mpd = renderMpd(this.placedDashRuns(), {
      now: Date.now(),
      availabilityStart: this.availabilityStart,
      segmentSeconds: this.ladder.segmentSeconds,
      windowSeconds: req.windowSeconds,
      periodTriggers: req.dash?.periodTriggers ?? [],
      minUpdatePeriodSeconds: req.dash?.minUpdatePeriodSeconds,
      minBufferTimeSeconds: req.dash?.minBufferTimeSeconds,
      suggestedPresentationDelaySeconds: req.dash?.suggestedPresentationDelaySeconds,
      exists: (run, repId, n) => existsSync(this.dashFile(run, repId, n)),
    });
    if (!mpd) return notYet();
    return { status: 200, headers: { 'content-type': 'application/dash+xml', 'cache-control': 'max-age=1' }, body: mpd };
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
