/**
 * What every benchmark reports: figures (one table row each, with its target) and free-form details
 * that bench/results.json keeps for docs/BENCHMARKS.md (breakdowns, per-function tables, notes).
 *
 * A benchmark runs in its own Node process (bench/run.ts spawns it): the handlers' SDK clients are
 * created once per process with the twin's endpoint, so each benchmark gets a fresh local cloud and
 * a clean process. It writes its BenchResult as JSON to the file named by BENCH_OUT.
 */
import { writeFileSync } from 'node:fs';

export type Comparison = '<=' | '>=' | '==';

export interface Figure {
  /** Stable id, e.g. `onair.ratio.p50`. */
  id: string;
  /** Table label. */
  label: string;
  /** null = not measured (the reason is in `note`). */
  value: number | null;
  unit: string;
  /** Absent: reported for information, no target. */
  target?: { op: Comparison; value: number };
  note?: string;
}

export interface BenchResult {
  name: string;
  figures: Figure[];
  details: Record<string, unknown>;
  /** Real seconds this benchmark took, including its local cloud's start and stop. */
  seconds: number;
}

export function verdict(f: Figure): 'pass' | 'miss' | 'n/a' | 'not measured' {
  if (f.value === null) return 'not measured';
  if (!f.target) return 'n/a';
  const { op, value } = f.target;
  const ok = op === '<=' ? f.value <= value : op === '>=' ? f.value >= value : f.value === value;
  return ok ? 'pass' : 'miss';
}

/** True when BENCH_QUICK=1: small counts for developing a benchmark, never for recorded results. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Runs one benchmark body and hands its result to bench/run.ts (or prints it when run alone). */
export async function runBenchmark(name: string, body: () => Promise<Omit<BenchResult, 'name' | 'seconds'>>): Promise<void> {
  const started = Date.now();
  try {
    const r = await body();
    const result: BenchResult = { name, ...r, seconds: (Date.now() - started) / 1000 };
    const out = process.env.BENCH_OUT;
    if (out) writeFileSync(out, JSON.stringify(result, null, 2));
    else console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  } catch (error) {
    console.error(`[bench ${name}] failed:`, error);
    process.exit(1);
  }
}
