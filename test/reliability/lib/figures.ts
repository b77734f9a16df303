/**
 * Each suite records the figures it proved (cases run, orphans found, fuzz inputs …) in
 * .prove/<suite>.json; scripts/prove.ts turns them into docs/RELIABILITY.md.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const FIGURES_DIR = join(ROOT, '.prove');

export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${suite}.json`), `${JSON.stringify({ suite, at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}

export function readAllFigures(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  let files: string[];
  try { files = readdirSync(FIGURES_DIR); } catch { return out; }
  for (const f of files.filter((x) => x.endsWith('.json') && !x.startsWith('jest-'))) {
    out[f.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as Record<string, unknown>;
  }
  return out;
}
