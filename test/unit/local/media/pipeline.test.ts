/**
 * What a channel's pipeline serves across runs (local/media/pipeline.ts, dash.ts), with the ffmpeg
 * processes replaced by stand-ins: the test writes what the packagers would write (playlists, MPDs,
 * segments) and says when the source process first wrote and what its input dump said.
 *
 * - Program date-times are the capture time of each segment's first frame (MediaLive's SYSTEM_CLOCK
 *   PDT), not the packager's start-up time that ffmpeg's hls muxer stamps.
 * - DASH across an input switch continues the same live MPD: one Period when the endpoint's
 *   PeriodTriggers are empty (as OnAir creates them), a new Period per run with SOURCE_DISRUPTIONS.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ChannelPipeline } from '../../../../local/media/pipeline';
import { parseMpd, shiftTfdt } from '../../../../local/media/dash';
import { ladderOf } from '../../../../local/media/settings';
import type { MediaRequest } from '../../../../local/services/media-registry';
import { encoderSettings } from '../services/media-fixtures';

interface FakeProcess extends EventEmitter {
  stdout: PassThrough;
  stderr: PassThrough;
  stdin: PassThrough;
  exitCode: number | null;
  kill(): boolean;
}

const ladder = ladderOf(encoderSettings({ gopSeconds: 2, segmentSeconds: 2 }));
const AUDIO = String(ladder.video.length);
const REPS = [...ladder.video.map((_, i) => String(i)), AUDIO];
const T0 = Date.parse('2026-12-05T10:00:00.000Z');

let dir: string;
let now: number;
let spawned: FakeProcess[][];
let pipeline: ChannelPipeline;

function fakeProcess(): FakeProcess {
  const p = new EventEmitter() as FakeProcess;
  p.stdout = new PassThrough();
  p.stderr = new PassThrough();
  p.stdin = new PassThrough();
  p.stdin.resume();
  p.exitCode = null;
  p.kill = () => { p.exitCode = 137; return true; };
  return p;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onair-pipeline-'));
  now = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  spawned = [];
  let batch: FakeProcess[] = [];
  pipeline = new ChannelPipeline('ch-1', ladder, {
    ffmpeg: join(dir, 'no-such-ffmpeg'),
    mode: 'live',
    dir: join(dir, 'media'),
    spawn: () => {
      const p = fakeProcess();
      batch.push(p);
      // One source and three packagers per run.
      if (batch.length === 4) { spawned.push(batch); batch = []; }
      return p as unknown as ChildProcess;
    },
  });
});

afterEach(() => {
  pipeline.stop();
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Lets the stream events of the stand-ins reach the pipeline. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

async function sourceWrites(run: number, at: number, stderr?: string): Promise<void> {
  // (A pipeline that ignores `spawn` has no stand-in here: it is then judged on what it serves alone.)
  const src = spawned[run - 1]?.[0];
  if (stderr) { src?.stderr.write(stderr); await settle(); }
  now = at;
  src?.stdout.write(Buffer.from([0x47]));
  await settle();
}

function runDir(run: number, kind: string): string {
  const d = join(dir, 'media', `run-${run}`, kind);
  mkdirSync(d, { recursive: true });
  return d;
}

const hlsRequest = (rest: string): MediaRequest => ({ rest, manifestName: 'index', childName: 'index', kind: rest.endsWith('.m3u8') ? 'HLS' : undefined, cmaf: false, segmentPrefix: 'segment', windowSeconds: 60 });
const dashRequest = (rest: string, periodTriggers: string[] = []): MediaRequest => ({ rest, manifestName: 'dash', childName: 'dash', kind: rest.endsWith('.mpd') ? 'DASH' : undefined, cmaf: true, segmentPrefix: 'segment', windowSeconds: 60, dash: { periodTriggers } });

function body(r: ReturnType<ChannelPipeline['serve']>): string {
  expect(r?.status).toBe(200);
  return String(r?.body);
}

describe('EXT-X-PROGRAM-DATE-TIME: the wall-clock time of the segment\'s first frame', () => {
  /** ffmpeg's hls muxer: its start-up time (whole seconds), then + each EXTINF. */
  function packagerPlaylist(run: number, startedAt: number, segments: number): void {
    const d = runDir(run, 'ts');
    const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0'];
    for (let i = 0; i < segments; i++) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(Math.floor(startedAt / 1000) * 1000 + i * 2000).toISOString().replace('Z', '+0000')}`, '#EXTINF:2.000000,', `s0_${i}.ts`);
      writeFileSync(join(d, `s0_${i}.ts`), Buffer.alloc(188, 0x47));
    }
    writeFileSync(join(d, 'p0.m3u8'), `${lines.join('\n')}\n`);
  }

  function pdts(): number[] {
    return [...body(pipeline.serve(hlsRequest('index_1.m3u8'))).matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)/g)].map((m) => Date.parse(m[1]!));
  }

  it('an RTMP feed: the publisher\'s capture time of the encoder\'s first frame (publish + the input\'s start), not when the encoder got going', async () => {
    const publishedAt = T0;
    pipeline.setSource({ kind: 'rtmp', url: 'rtmp://127.0.0.1:1935/live/primary', publishedAt });
    // The encoder probes its input for ~3.6 s, then writes; its first frame is the cached GOP's key
    // frame, captured 1.5 s after the publish.
    await sourceWrites(1, T0 + 5_100, "[info] Input #0, flv, from 'rtmp://127.0.0.1:1935/live/primary':\n[info]   Duration: 00:00:00.00, start: 1.500000, bitrate: N/A\n");
    packagerPlaylist(1, T0 + 5_300, 3);
    expect(pdts()).toEqual([T0 + 1_500, T0 + 3_500, T0 + 5_500]);
  });

  it('a source the encoder paces itself (input-loss image, slate): when the encoder first wrote', async () => {
    pipeline.setSource({ kind: 'loss' });
    await sourceWrites(1, T0 + 800);
    packagerPlaylist(1, T0 + 1_900, 2);
    expect(pdts()).toEqual([T0 + 800, T0 + 2_800]);
  });

  it('a segment whose predecessors were never listed here is placed by the packager\'s own date-time differences', async () => {
    pipeline.setSource({ kind: 'loss' });
    await sourceWrites(1, T0 + 800);
    packagerPlaylist(1, T0 + 1_900, 1);
    expect(pdts()).toEqual([T0 + 800]);
    // Three more segments, of which the first two slid out of the packager's list before anyone asked.
    packagerPlaylist(1, T0 + 1_900, 4);
    const d = runDir(1, 'ts');
    writeFileSync(join(d, 'p0.m3u8'), ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:3', `#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 + 1_000 + 6_000).toISOString()}`, '#EXTINF:2.000000,', 's0_3.ts', ''].join('\n'));
    expect(pdts()).toEqual([T0 + 800, T0 + 6_800]);
  });
});

describe('DASH across an input switch: the same live MPD', () => {
  const TIMESCALE: Record<string, number> = Object.fromEntries(REPS.map((id) => [id, id === AUDIO ? 48_000 : 15_360]));

  /** A fragment as ffmpeg's dash muxer writes it: moof (mfhd, traf (tfhd, tfdt v1)), mdat. */
  function fragment(tfdt: number): Buffer {
    const box = (type: string, ...parts: Buffer[]): Buffer => {
      const payload = Buffer.concat(parts);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(8 + payload.length);
      head.write(type, 4, 'latin1');
      return Buffer.concat([head, payload]);
    };
    const tfdtBody = Buffer.alloc(12);
    tfdtBody[0] = 1;
    tfdtBody.writeBigUInt64BE(BigInt(tfdt), 4);
    return Buffer.concat([box('moof', box('mfhd', Buffer.alloc(8)), box('traf', box('tfhd', Buffer.alloc(8)), box('tfdt', tfdtBody))), box('mdat', Buffer.from('frames'))]);
  }

  function readTfdt(b: Buffer): number {
    const at = b.indexOf(Buffer.from('tfdt', 'latin1'));
    return Number(b.readBigUInt64BE(at + 8));
  }

  /** What the run's packager has written: an MPD listing segments 1..count, the files, the inits. */
  function packagerMpd(run: number, count: number, firstT: Record<string, number>, o: { init?: string; lastShortBy?: Record<string, number>; videoBandwidth?: number } = {}): void {
    const d = runDir(run, 'dash');
    const rep = (id: string): string => {
      const ts = TIMESCALE[id]!;
      const dur = 2 * ts;
      for (let n = 1; n <= count; n++) writeFileSync(join(d, `r${run}-chunk-${id}-${String(n).padStart(5, '0')}.m4s`), fragment((n - 1) * dur));
      writeFileSync(join(d, `r${run}-init-${id}.m4s`), Buffer.from(`${o.init ?? 'init'} ${id}`));
      const short = o.lastShortBy?.[id] ?? 0;
      const timeline = short
        ? `<S t="${firstT[id] ?? 0}" d="${dur}" r="${count - 2}" /><S d="${dur - short}" />`
        : `<S t="${firstT[id] ?? 0}" d="${dur}" r="${count - 1}" />`;
      const attrs = id === AUDIO ? `id="${id}" mimeType="audio/mp4" codecs="mp4a.40" bandwidth="128000" audioSamplingRate="48000"` : `id="${id}" mimeType="video/mp4" codecs="avc1.640028" bandwidth="${o.videoBandwidth ?? 5000000}" width="1920" height="1080" frameRate="30/1"`;
      return [
        `<Representation ${attrs}>`,
        ...(id === AUDIO ? ['<AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="2" />'] : []),
        `<SegmentTemplate timescale="${ts}" initialization="r${run}-init-$RepresentationID$.m4s" media="r${run}-chunk-$RepresentationID$-$Number%05d$.m4s" startNumber="1">`,
        `<SegmentTimeline>${timeline}</SegmentTimeline>`,
        '</SegmentTemplate></Representation>',
      ].join('\n');
    };
    writeFileSync(join(d, 'manifest.mpd'), [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2026-12-05T10:00:03Z">',
      '<Period id="0" start="PT0.0S">',
      `<AdaptationSet id="0" contentType="video" segmentAlignment="true" bitstreamSwitching="true">${REPS.filter((id) => id !== AUDIO).map(rep).join('\n')}</AdaptationSet>`,
      `<AdaptationSet id="1" contentType="audio" segmentAlignment="true" bitstreamSwitching="true">${rep(AUDIO)}</AdaptationSet>`,
      '</Period>', '</MPD>', '',
    ].join('\n'));
  }

  /** Feed for 3 segments from T0, then the slate (a new run) whose first frame is 8 s later; `slate` shapes the slate run's packager output. */
  async function feedThenSlate(slate: Parameters<typeof packagerMpd>[3] = {}): Promise<void> {
    pipeline.setSource({ kind: 'loss' });
    await sourceWrites(1, T0);
    packagerMpd(1, 3, { '0': 328 });
    body(pipeline.serve(dashRequest('dash.mpd')));
    pipeline.setSource({ kind: 'file', path: '/slates/be-right-back.mp4' });
    await sourceWrites(2, T0 + 8_000);
    packagerMpd(2, 2, { '0': 328 }, slate);
  }

  it('no PeriodTriggers (as OnAir creates the endpoint): one Period, the same availabilityStartTime, numbers and times continue without a hole, segments moved onto that timeline', async () => {
    pipeline.setSource({ kind: 'loss' });
    await sourceWrites(1, T0);
    packagerMpd(1, 3, { '0': 328 });
    const before = body(pipeline.serve(dashRequest('dash.mpd')));
    expect(before).toContain(`availabilityStartTime="${new Date(T0).toISOString()}"`);
    expect(before).toContain('type="dynamic"');
    expect(before.match(/<Representation id="\d+" mimeType="video\/mp4"/g)).toHaveLength(3);
    expect(before).toContain('codecs="mp4a.40.2"');

    pipeline.setSource({ kind: 'file', path: '/slates/be-right-back.mp4' });
    await sourceWrites(2, T0 + 8_000);
    packagerMpd(2, 2, { '0': 328 });
    const after = body(pipeline.serve(dashRequest('dash.mpd')));
    expect(after.match(/<Period\b/g)).toHaveLength(1);
    expect(after).toContain(`availabilityStartTime="${new Date(T0).toISOString()}"`);
    const video = parseMpd(after)!.find((r) => r.id === '0')!;
    // Run 1: 0, 2, 4 s; run 2 (its first frame 8 s after run 1's) follows without a hole: 6, 8 s. Numbers 1..5.
    expect(video.segments.map((s) => [s.n, s.t / 15_360])).toEqual([[1, 0], [2, 2], [3, 4], [4, 6], [5, 8]]);
    expect(after).toContain('media="dash-chunk-$RepresentationID$-$Number$.m4s"');
    const audio = parseMpd(after)!.find((r) => r.id === AUDIO)!;
    expect(audio.segments.map((s) => [s.n, s.t / 48_000])).toEqual([[1, 0], [2, 2], [3, 4], [4, 6], [5, 8]]);

    // Segment 4 is run 2's first: its tfdt (0 as the packager wrote it) now says 6 s.
    const seg4 = pipeline.serve(dashRequest('dash-chunk-0-4.m4s'));
    expect(seg4?.status).toBe(200);
    expect(readTfdt(seg4!.body as Buffer)).toBe(6 * 15_360);
    expect(readTfdt(pipeline.serve(dashRequest('dash-chunk-0-2.m4s'))!.body as Buffer)).toBe(2 * 15_360);
    expect(pipeline.serve(dashRequest(`dash-chunk-${AUDIO}-5.m4s`))?.headers?.['content-type']).toBe('audio/mp4');
    expect(readTfdt(pipeline.serve(dashRequest(`dash-chunk-${AUDIO}-5.m4s`))!.body as Buffer)).toBe(8 * 48_000);
    expect(after).toContain('initialization="dash-init-$RepresentationID$-1.m4s" media="dash-chunk-$RepresentationID$-$Number$.m4s" startNumber="1" presentationTimeOffset="0"');
    expect(String(pipeline.serve(dashRequest('dash-init-0-1.m4s'))?.body)).toBe('init 0');
    expect(pipeline.serve(dashRequest('dash-chunk-0-6.m4s'))?.status).toBe(404);
  });

  it('PeriodTriggers SOURCE_DISRUPTIONS: a new Period where the previous run ended, each with its run\'s own files', async () => {
    await feedThenSlate();
    const mpd = body(pipeline.serve(dashRequest('dash.mpd', ['SOURCE_DISRUPTIONS'])));
    expect(mpd).toContain(`availabilityStartTime="${new Date(T0).toISOString()}"`);
    expect([...mpd.matchAll(/<Period id="([^"]+)" start="([^"]+)"/g)].map((m) => [m[1], m[2]])).toEqual([['run-1', 'PT0S'], ['run-2', 'PT6S']]);
    expect(mpd).toContain('initialization="r2-init-$RepresentationID$.m4s" media="r2-chunk-$RepresentationID$-$Number%05d$.m4s" startNumber="1" presentationTimeOffset="0"');
    // The run's files as written (tfdt from 0), so the timeline is the run's own, from 0.
    expect(mpd).toMatch(/r2-chunk[^>]*>\s*<SegmentTimeline><S t="0" d="30720" \/><S t="30720" d="30720" \/><\/SegmentTimeline>/);
    expect(readTfdt(pipeline.serve(dashRequest('r2-chunk-0-00001.m4s'))!.body as Buffer)).toBe(0);
  });

  it('one Period only for runs whose initialization segments are the same bytes: a run whose differ begins a Period of its own, with its own initialization segment', async () => {
    await feedThenSlate({ init: 'other encoder', videoBandwidth: 4000000 });
    const mpd = body(pipeline.serve(dashRequest('dash.mpd')));
    // Each Period describes its representations as its own runs do.
    expect([...mpd.matchAll(/<Representation id="0"[^>]*bandwidth="(\d+)"/g)].map((m) => m[1])).toEqual(['5000000', '4000000']);
    // Multi-period DASH (MediaPackage user guide): run 2 starts where run 1 ended, 6 s, in Period p2.
    expect([...mpd.matchAll(/<Period id="([^"]+)" start="([^"]+)"/g)].map((m) => [m[1], m[2]])).toEqual([['p1', 'PT0S'], ['p2', 'PT6S']]);
    expect(mpd).toContain(`initialization="dash-init-$RepresentationID$-2.m4s" media="dash-chunk-$RepresentationID$-$Number$.m4s" startNumber="4" presentationTimeOffset="${6 * 15_360}"`);
    expect(mpd).toContain(`initialization="dash-init-$RepresentationID$-2.m4s" media="dash-chunk-$RepresentationID$-$Number$.m4s" startNumber="4" presentationTimeOffset="${6 * 48_000}"`);
    expect(String(pipeline.serve(dashRequest('dash-init-0-1.m4s'))?.body)).toBe('init 0');
    expect(String(pipeline.serve(dashRequest('dash-init-0-2.m4s'))?.body)).toBe('other encoder 0');
    // Numbers and times still continue: segment 4 (run 2's first) at 6 s.
    expect(readTfdt(pipeline.serve(dashRequest('dash-chunk-0-4.m4s'))!.body as Buffer)).toBe(6 * 15_360);

    // A third run with run 2's initialization segments joins run 2's Period.
    pipeline.setSource({ kind: 'loss' });
    await sourceWrites(3, T0 + 20_000);
    packagerMpd(3, 1, { '0': 328 }, { init: 'other encoder' });
    const third = body(pipeline.serve(dashRequest('dash.mpd')));
    expect([...third.matchAll(/<Period id="([^"]+)"/g)].map((m) => m[1])).toEqual(['p1', 'p2']);
  });

  it('no hole inside a Period: a representation whose run ended short of the next run\'s start (audio on AAC frames) lists its last segment up to it', async () => {
    pipeline.setSource({ kind: 'loss' });
    await sourceWrites(1, T0);
    // Run 1's audio ends 1536 samples (32 ms) before its video.
    packagerMpd(1, 3, { '0': 328 }, { lastShortBy: { [AUDIO]: 1536 } });
    body(pipeline.serve(dashRequest('dash.mpd')));
    pipeline.setSource({ kind: 'file', path: '/slates/be-right-back.mp4' });
    await sourceWrites(2, T0 + 8_000);
    packagerMpd(2, 2, { '0': 328 });
    const mpd = body(pipeline.serve(dashRequest('dash.mpd')));
    for (const rep of parseMpd(mpd)!) {
      // dash.js asks for the segment containing the previous one's end + 10 ms: every S ends where the next begins.
      for (let i = 1; i < rep.segments.length; i++) expect({ rep: rep.id, n: rep.segments[i]!.n, t: rep.segments[i]!.t }).toEqual({ rep: rep.id, n: rep.segments[i]!.n, t: rep.segments[i - 1]!.t + rep.segments[i - 1]!.d });
    }
    const audio = parseMpd(mpd)!.find((r) => r.id === AUDIO)!;
    expect(audio.segments.map((x) => [x.n, x.t / 48_000, x.d / 48_000])).toEqual([[1, 0, 2], [2, 2, 2], [3, 4, 2], [4, 6, 2], [5, 8, 2]]);
  });

  it('SOURCE_CHANGES alone does not split (the stream set is the same ladder before and after)', async () => {
    await feedThenSlate();
    expect(body(pipeline.serve(dashRequest('dash.mpd', ['SOURCE_CHANGES', 'AVAILS']))).match(/<Period\b/g)).toHaveLength(1);
  });

  it('shiftTfdt moves every fragment and leaves the rest of the bytes as they were', () => {
    const a = Buffer.concat([fragment(100), fragment(200)]);
    const b = shiftTfdt(a, 1000);
    expect(b.length).toBe(a.length);
    expect(readTfdt(b)).toBe(1100);
    expect(readTfdt(b.subarray(a.length / 2))).toBe(1200);
    expect(readTfdt(a)).toBe(100);
  });
});
