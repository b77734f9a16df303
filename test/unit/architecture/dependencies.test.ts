/**
 * The dependency rules of .dependency-cruiser.cjs (issue 12), run through dependency-cruiser's API
 * on the real tree, and proven to fire on a deliberate cycle (fixtures/cycle: a.ts ↔ b.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const TREE = ['functions', 'lib', 'local', 'cli', 'bench', 'scripts', 'test'];

interface Violation { rule: string; severity: string; from: string; to: string; cycle?: string[] }
interface Cruise { violations: Violation[]; error: number; ignore: number; modules: number }
interface Known { rule: { name: string }; from: string; to: string }

/** dependency-cruiser is ESM only; jest runs tests as CommonJS: its API runs in a child process. */
function cruise(args: { paths: string[]; knownViolations?: boolean; cruiseFixtures?: boolean }): Cruise {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'cruise.mjs'), JSON.stringify(args)], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as Cruise;
}

const show = (vs: Violation[]): string => vs.map((v) => `${v.rule}: ${v.cycle ? [v.from, ...v.cycle].join(' → ') : `${v.from} → ${v.to}`}`).join('\n');

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  it('the tree breaks no rule beyond the known violations waiting for their fix, and every known one is still real', () => {
    const result = cruise({ paths: TREE, knownViolations: true });
    expect(result.modules).toBeGreaterThan(250);
    const errors = result.violations.filter((v) => v.severity !== 'ignore');
    expect(show(errors)).toBe('');
    expect(result.error).toBe(0);
    // A fixed violation leaves the baseline: a stale entry would silently allow it back.
    const known = JSON.parse(readFileSync(path.join(ROOT, '.dependency-cruiser-known-violations.json'), 'utf8')) as Known[];
    const ignored = result.violations.filter((v) => v.severity === 'ignore').map((v) => `${v.rule} ${v.from} → ${v.to}`).sort();
    expect(ignored).toEqual(known.map((k) => `${k.rule.name} ${k.from} → ${k.to}`).sort());
  });

  it('reports a cycle: fixtures/cycle/a.ts ↔ b.ts breaks no-circular', () => {
    const result = cruise({ paths: ['test/unit/architecture/fixtures/cycle'], cruiseFixtures: true });
    expect(result.error).toBe(1);
    expect(result.violations).toEqual([{
      rule: 'no-circular',
      severity: 'error',
      from: 'test/unit/architecture/fixtures/cycle/a.ts',
      to: 'test/unit/architecture/fixtures/cycle/b.ts',
      cycle: ['test/unit/architecture/fixtures/cycle/b.ts', 'test/unit/architecture/fixtures/cycle/a.ts'],
    }]);
  });

  it('the tree cruise leaves the fixtures out, so the deliberate cycle never counts against the tree', () => {
    const result = cruise({ paths: ['test/unit/architecture'] });
    expect(result.violations).toEqual([]);
  });
});
