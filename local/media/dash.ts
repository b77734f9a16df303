/**
 * Pure: the live DASH manifest the twin serves for a channel, stitched from the MPDs its packager
 * (ffmpeg's dash muxer) writes for each run, and the segment rewrite a one-Period stitch needs.
 *
 * A run is one source (local/media/pipeline.ts): the publisher's feed, the input-loss image, the
 * slate after an input switch. Each run's packager restarts its own timeline at 0 and its own
 * segment numbers at 1. MediaPackage keeps one live MPD across such changes — the same
 * `availabilityStartTime`, one timeline — and splits it into Periods only on the triggers the
 * endpoint's DASH manifest asks for:
 *
 * - MediaPackage v2, "Multi-period DASH in AWS Elemental MediaPackage"
 *   (https://docs.aws.amazon.com/mediapackage/latest/userguide/multi-period.html): a period at the
 *   beginning of content, then new ones per `PeriodTriggers` — AVAILS, DRM_KEY_ROTATION,
 *   SOURCE_CHANGES ("when it detects stream set changes"), SOURCE_DISRUPTIONS ("after source input has
 *   been lost and restored, enabling the gap in content to be signaled to the player"); an empty list
 *   means "the manifest is contained all in one period" (API Reference, DashManifestConfiguration
 *   PeriodTriggers).
 * - MediaPackage v1, same page in its user guide: "By default, the entire manifest is contained in
 *   one period"; its only trigger is ADS (SCTE-35 ad markers, which the twin's encoder never sends).
 *
 * A run change in the twin is a source disruption (the output stops for the 1–2 s the new source
 * takes to start; the stream set stays the channel's ladder), so: a new Period per run when the
 * endpoint lists SOURCE_DISRUPTIONS, else one Period whose timeline continues across runs.
 *
 * `availabilityStartTime` is when the pipeline's first run captured its first frame. Each later run
 * starts where the previous one's last segment ended (its `offsetSeconds`), not at its own first
 * frame's wall-clock time: MediaLive's output runs on without a hole through an input switch (the
 * 1–2 s restart is the twin's own). The price: each switch moves the DASH timeline that much behind
 * the wall clock (HLS program date-times stay on it: their discontinuity allows the jump).
 *
 * One Period has one initialization segment per representation, so every run stitched into it must
 * have the same one, byte for byte: MediaLive's output is one encode across input switches, and
 * MediaPackage keeps one Period only for such a stream; a stream whose set or configuration changes
 * is what its SOURCE_CHANGES trigger starts a new Period for (multi-period guide above). The twin's
 * encoder keeps them identical (local/media/settings.ts: the same parameters, bitrates, start at 0,
 * bitexact); the pipeline checks each run's initialization segments against the previous run's
 * (`DashRun.period`) and a run whose differ starts a Period of its own even with an empty
 * PeriodTriggers: a player given one Period's initialization segment for media encoded with another
 * would decode it wrongly or not at all.
 *
 * The timeline of a Period has no hole: dash.js (5.2.1, TimelineSegmentsGetter) asks for the segment
 * containing the previous one's end + 10 ms, so a representation whose run ended before the next
 * run's start (audio segments end on AAC frames, 32 ms short of the video's here) was never asked
 * for again and the player stalled at the first switch. The last segment of a run is listed up to
 * the next run's start (the media gap, under one audio frame, is bridged by the browser).
 */

export interface DashSegment {
  /** The packager's number ($Number$, from 1 in each run). */
  n: number;
  /** The packager's start time and duration, in the representation's timescale. */
  t: number;
  d: number;
}

export interface DashRepresentation {
  id: string;
  contentType: string;
  /** The attributes of ffmpeg's `<Representation …>`, as written (id, mimeType, codecs, bandwidth …). */
  attributes: string;
  /** Its children other than the SegmentTemplate (AudioChannelConfiguration). */
  children: string;
  timescale: number;
  segments: DashSegment[];
}

/** ffmpeg's MPD → its representations and their segments (undefined when not a whole manifest). */
export function parseMpd(text: string): DashRepresentation[] | undefined {
  if (!/<\/MPD>\s*$/.test(text)) return undefined;
  const reps: DashRepresentation[] = [];
  for (const set of text.matchAll(/<AdaptationSet\b([^>]*)>([\s\S]*?)<\/AdaptationSet>/g)) {
    const contentType = /contentType="([^"]+)"/.exec(set[1]!)?.[1] ?? '';
    for (const rep of set[2]!.matchAll(/<Representation\b([^>]*)>([\s\S]*?)<\/Representation>/g)) {
      const attributes = rep[1]!.trim();
      const id = /\bid="([^"]+)"/.exec(attributes)?.[1];
      const template = /<SegmentTemplate\b([^>]*)>([\s\S]*?)<\/SegmentTemplate>/.exec(rep[2]!);
      if (id === undefined || !template) return undefined;
      const timescale = Number(/timescale="(\d+)"/.exec(template[1]!)?.[1] ?? 1);
      let n = Number(/startNumber="(\d+)"/.exec(template[1]!)?.[1] ?? 1);
      let next = 0;
      const segments: DashSegment[] = [];
      for (const s of template[2]!.matchAll(/<S\b([^>]*)\/>/g)) {
        const attr = (name: string): number | undefined => {
          const m = new RegExp(`\\b${name}="(-?\\d+)"`).exec(s[1]!);
          return m ? Number(m[1]) : undefined;
        };
        const d = attr('d');
        if (d === undefined) return undefined;
        let t = attr('t') ?? next;
        for (let i = 0; i <= (attr('r') ?? 0); i++) {
          segments.push({ n: n++, t, d });
          t += d;
        }
        next = t;
      }
      reps.push({ id, contentType, attributes, children: rep[2]!.replace(template[0], '').trim(), timescale, segments });
    }
  }
  return reps.length ? reps : undefined;
}

/** One run as the manifest needs it. */
export interface DashRun {
  run: number;
  /** Where the run starts on the pipeline's timeline, seconds after `availabilityStartTime`. */
  offsetSeconds: number;
  /** Every segment seen of the run, per representation (merged from the packager's successive MPDs). */
  reps: DashRepresentation[];
  /** One-Period stitch: the global number of the run's segment 1, per representation id. */
  base: Map<string, number>;
  /** The packager's time of segment 1, per representation id (its tfdt is 0: segment times are relative to it). */
  t0: Map<string, number>;
  /**
   * One-Period stitch: the run that began this run's Period (itself, or the previous run's period
   * when this run's initialization segments are the previous run's byte for byte: `sameInit`), and
   * where that Period starts on the pipeline's timeline (seconds). Decided once, when the run's
   * first manifest is read. Absent: a Period of its own at its own offset.
   */
  period?: { run: number; offsetSeconds: number };
}

/**
 * Whether a run may join the previous run's Period: the same representations, each with the same
 * initialization segment (bytes, or a digest of them). Unknown (missing) counts as different.
 */
export function sameInit(previous: Map<string, string> | undefined, next: Map<string, string>): boolean {
  if (!previous || previous.size === 0 || previous.size !== next.size) return false;
  return [...next].every(([id, init]) => previous.get(id) === init);
}

export interface MpdOptions {
  /** Wall clock now and the pipeline's first capture, ms. */
  now: number;
  availabilityStart: number;
  segmentSeconds: number;
  windowSeconds: number;
  /** The endpoint's DASH manifest PeriodTriggers (v2) / DashPackage PeriodTriggers (v1). */
  periodTriggers: string[];
  minUpdatePeriodSeconds?: number;
  minBufferTimeSeconds?: number;
  suggestedPresentationDelaySeconds?: number;
  /** Whether a run's segment file is still on disk. */
  exists(run: number, repId: string, n: number): boolean;
}

/** A new Period per run (source disruption), or one Period for all of them. */
export function periodPerRun(periodTriggers: string[]): boolean {
  return periodTriggers.includes('SOURCE_DISRUPTIONS');
}

interface Placed {
  run: DashRun;
  seg: DashSegment;
  /** Global number (one-Period stitch) and time on the pipeline's timeline (timescale units). */
  number: number;
  time: number;
  /** Time within the run, relative to its segment 1 (= the segment's tfdt as the packager wrote it). */
  local: number;
}

/** Ticks a run's segments move by in a one-Period stitch (added to each segment's tfdt). */
export function runShift(run: DashRun, rep: { timescale: number }): number {
  return Math.round(run.offsetSeconds * rep.timescale);
}

/** The newest `count` segments of one representation across runs, in a row of consecutive numbers. */
function placed(runs: DashRun[], repId: string, count: number, exists: MpdOptions['exists']): Placed[] {
  const all: Placed[] = [];
  for (const run of [...runs].sort((a, b) => a.run - b.run)) {
    const rep = run.reps.find((r) => r.id === repId);
    if (!rep) continue;
    const t0 = run.t0.get(repId) ?? 0;
    const base = run.base.get(repId) ?? 1;
    for (const seg of rep.segments) {
      all.push({ run, seg, number: base + seg.n - 1, local: seg.t - t0, time: runShift(run, rep) + seg.t - t0 });
    }
  }
  all.sort((a, b) => a.number - b.number);
  // $Number$ in a SegmentTimeline counts up by one per S: keep the newest unbroken row whose files exist.
  const out: Placed[] = [];
  for (let i = all.length - 1; i >= 0 && out.length < count; i--) {
    const p = all[i]!;
    if (out.length && out[0]!.number !== p.number + 1) break;
    if (!exists(p.run.run, repId, p.seg.n)) break;
    out.unshift(p);
  }
  return out;
}

function seconds(s: number): string {
  return `PT${Number(s.toFixed(3))}S`;
}

/** The live MPD: one Period, or one per run (see the file's comment). */
export function renderMpd(runs: DashRun[], o: MpdOptions): string | undefined {
  const newest = [...runs].sort((a, b) => b.run - a.run).find((r) => r.reps.some((rep) => rep.segments.length));
  if (!newest) return undefined;
  const count = Math.max(3, Math.floor(o.windowSeconds / o.segmentSeconds));
  const rows = new Map(newest.reps.map((r) => [r.id, placed(runs, r.id, count, o.exists)]));
  if (![...rows.values()].some((r) => r.length)) return undefined;
  const perRun = periodPerRun(o.periodTriggers);
  const head = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="dynamic"',
    `\tavailabilityStartTime="${new Date(o.availabilityStart).toISOString()}" publishTime="${new Date(o.now).toISOString()}"`,
    `\tminimumUpdatePeriod="${seconds(o.minUpdatePeriodSeconds ?? o.segmentSeconds)}" minBufferTime="${seconds(o.minBufferTimeSeconds ?? o.segmentSeconds * 2)}"`,
    `\tsuggestedPresentationDelay="${seconds(o.suggestedPresentationDelaySeconds ?? o.segmentSeconds * 3)}" timeShiftBufferDepth="${seconds(o.windowSeconds)}">`,
  ];
  const listed = [...new Set([...rows.values()].flat().map((p) => p.run))].sort((a, b) => a.run - b.run);
  const periodOf = (run: DashRun): { run: number; offsetSeconds: number } => run.period ?? { run: run.run, offsetSeconds: run.offsetSeconds };
  const periods: { id: string; start: number; run?: DashRun; stitched?: number }[] = perRun
    ? listed.map((run) => ({ id: `run-${run.run}`, start: run.offsetSeconds, run }))
    // Runs with the same initialization segments share a Period (numbered by the run that began it).
    : [...new Map(listed.map((run) => [periodOf(run).run, periodOf(run)])).values()].map((p) => ({ id: `p${p.run}`, start: p.offsetSeconds, stitched: p.run }));
  const body: string[] = [];
  for (const period of periods) {
    body.push(`\t<Period id="${period.id}" start="${seconds(period.start)}">`);
    const sets = new Map<string, DashRepresentation[]>();
    for (const rep of newest.reps) sets.set(rep.contentType, [...(sets.get(rep.contentType) ?? []), rep]);
    let setId = 0;
    for (const [contentType, reps] of sets) {
      body.push(`\t\t<AdaptationSet id="${setId++}" contentType="${contentType}" segmentAlignment="true">`);
      for (const rep of reps) {
        const row = (rows.get(rep.id) ?? []).filter((p) => (period.run ? p.run === period.run : periodOf(p.run).run === period.stitched));
        if (!row.length) continue;
        const first = row[0]!;
        const template = period.run
          // The run's own files as its packager wrote them (tfdt from 0 at its segment 1).
          ? `initialization="r${period.run.run}-init-$RepresentationID$.m4s" media="r${period.run.run}-chunk-$RepresentationID$-$Number%05d$.m4s" startNumber="${first.seg.n}" presentationTimeOffset="0"`
          // Times on the pipeline's timeline (the served tfdt): the Period's start is its offset there.
          : `initialization="dash-init-$RepresentationID$-${period.stitched}.m4s" media="dash-chunk-$RepresentationID$-$Number$.m4s" startNumber="${first.number}" presentationTimeOffset="${Math.round(period.start * rep.timescale)}"`;
        // No hole inside a Period (see the file's comment): a run's last segment lasts until the next run's first.
        const duration = (p: Placed, i: number): number => {
          const next = row[i + 1];
          return !period.run && next && next.run !== p.run && next.time > p.time + p.seg.d ? next.time - p.time : p.seg.d;
        };
        const timeline = row.map((p, i) => `<S t="${period.run ? p.local : p.time}" d="${duration(p, i)}" />`).join('');
        // As the Period's own runs describe it (a Period begun by an init change may differ from the newest).
        const own = first.run.reps.find((r) => r.id === rep.id) ?? rep;
        body.push(
          `\t\t\t<Representation ${own.attributes}>`,
          ...(own.children ? [`\t\t\t\t${own.children}`] : []),
          `\t\t\t\t<SegmentTemplate timescale="${rep.timescale}" ${template}>`,
          `\t\t\t\t\t<SegmentTimeline>${timeline}</SegmentTimeline>`,
          '\t\t\t\t</SegmentTemplate>',
          '\t\t\t</Representation>',
        );
      }
      body.push('\t\t</AdaptationSet>');
    }
    body.push('\t</Period>');
  }
  // ffmpeg 4.1 writes codecs="mp4a.40" (no object type); browsers need AAC-LC's full string.
  return `${[...head, ...body, '</MPD>'].join('\n')}\n`.replace(/codecs="mp4a\.40"/g, 'codecs="mp4a.40.2"');
}

/**
 * A one-Period stitch moves a run's segments onto the pipeline's timeline: every `tfdt`
 * (TrackFragmentBaseMediaDecodeTimeBox, ISO/IEC 14496-12 8.8.12) of every `moof/traf` gets `ticks`
 * more. Returns a copy; the packager's file is left as written.
 */
export function shiftTfdt(segment: Buffer, ticks: number): Buffer {
  const out = Buffer.from(segment);
  if (ticks === 0) return out;
  const walk = (from: number, to: number, inside: (type: string, body: number, end: number) => void): void => {
    let at = from;
    while (at + 8 <= to) {
      let size = out.readUInt32BE(at);
      let header = 8;
      if (size === 1 && at + 16 <= to) { size = Number(out.readBigUInt64BE(at + 8)); header = 16; }
      if (size < header || at + size > to) return;
      inside(out.toString('latin1', at + 4, at + 8), at + header, at + size);
      at += size;
    }
  };
  walk(0, out.length, (type, body, end) => {
    if (type !== 'moof') return;
    walk(body, end, (t2, b2, e2) => {
      if (t2 !== 'traf') return;
      walk(b2, e2, (t3, b3) => {
        if (t3 !== 'tfdt') return;
        if (out[b3] === 1) out.writeBigUInt64BE(out.readBigUInt64BE(b3 + 4) + BigInt(ticks), b3 + 4);
        else out.writeUInt32BE((out.readUInt32BE(b3 + 4) + ticks) >>> 0, b3 + 4);
      });
    });
  });
  return out;
}
