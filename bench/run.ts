/**
 * `npm run bench [-- <name>…] [--quick]`: runs the benchmarks one after another, each in its own
 * Node process with its own local cloud (see bench/lib/result.ts for why), prints one table of
 * figures against their targets, writes bench/results.json and refreshes the results block of
 * docs/BENCHMARKS.md (between its `results:start` / `results:end` markers) from that file.
 *
 *   names    coldstart onair cost scale recover api media (default: all, in that order)
 *   --quick  small counts to check that the benchmarks run; results are not written
 *
 * Exit code: 0 when every benchmark ran (targets missed or not), 1 when one could not run.
 * Timings are never asserted by tests; this is where they are compared with their targets.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { verdict, type BenchResult, type Figure } from './lib/result';

const ROOT = resolve(__dirname, '..');
const ALL = ['coldstart', 'onair', 'cost', 'scale', 'recover', 'api', 'media'] as const;
/** Per-benchmark ceiling (real seconds): a stuck benchmark is killed and reported, the rest still run. */
const TIMEOUT_S: Record<string, number> = { coldstart: 180, onair: 200, cost: 150, scale: 300, recover: 200, api: 120, media: 240 };

interface Results {
  date: string;
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string };
  commit: string;
  totalSeconds: number;
  loadAverage: { before: number[]; after: number[] };
  benchmarks: (BenchResult & { ranAt: string; loadAverageBefore: number[] })[];
  failed: { name: string; reason: string }[];
}

function machine(): Results['machine'] {
  const c = cpus();
  return { cpu: c[0]?.model.trim() ?? 'unknown', cores: c.length, memoryGb: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}`, node: process.version };
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'bench', 'functions', 'statemachines', 'local', 'serverless.yml'], { cwd: ROOT }).toString().trim() !== '';
    return dirty ? `${sha} (+ uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

function runOne(name: string, quick: boolean): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-bench-run-'));
  const out = join(dir, 'result.json');
  const log = join(dir, 'output.log');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, `${name}.ts`)], {
      cwd: ROOT,
      env: { ...process.env, BENCH_OUT: out, ...(quick ? { BENCH_QUICK: '1' } : {}), NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    const timer = setTimeout(() => {
      try { process.kill(-(child.pid as number), 'SIGKILL'); } catch { /* already gone */ }
    }, (TIMEOUT_S[name] ?? 300) * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      writeFileSync(log, Buffer.concat(chunks));
      if (code === 0 && existsSync(out)) {
        const r = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
        rmSync(dir, { recursive: true, force: true });
        resolvePromise(r);
      } else {
        const tail = Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l.trim()).slice(-8).join('\n');
        reject(new Error(`${signal ? `killed after ${TIMEOUT_S[name]} s` : `exited ${code}`}; output in ${log}\n${tail}`));
      }
    });
  });
}

function fmt(n: number | null): string {
  if (n === null) return '—';
  return Math.abs(n) >= 1000 ? n.toLocaleString('en-US', { maximumFractionDigits: 1 }) : String(n);
}

export function table(results: readonly BenchResult[]): string {
  const rows: string[][] = [['benchmark', 'figure', 'value', 'target', 'result']];
  for (const r of results) {
    for (const f of r.figures as Figure[]) {
      rows.push([r.name, f.label, `${fmt(f.value)} ${f.unit}`.trim(), f.target ? `${f.target.op} ${f.target.value}` : '', verdict(f)]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]): string => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The Markdown results block of docs/BENCHMARKS.md, generated from results.json. */
export function markdown(res: Results): string {
  const m = res.machine;
  const lines = [
    `Last run: ${res.date} · commit ${res.commit} · ${m.cores} × ${m.cpu}, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`,
    `· benchmarks' own time ${Math.round(res.totalSeconds)} s · load average before/after this run: ${res.loadAverage.before.map((x) => x.toFixed(2)).join(' ')} / ${res.loadAverage.after.map((x) => x.toFixed(2)).join(' ')}`,
    '',
    `Each benchmark (UTC time it finished, seconds, 1/5/15-min load average before it): ${res.benchmarks.map((b) => `${b.name} ${b.ranAt.slice(11, 16)} ${Math.round(b.seconds)} s load ${b.loadAverageBefore.map((x) => x.toFixed(1)).join('/')}`).join(' · ')}`,
    '',
    '| benchmark | figure | value | target | result |',
    '|---|---|---|---|---|',
  ];
  for (const r of res.benchmarks) {
    for (const f of r.figures) {
      lines.push(`| ${r.name} | ${f.label}${f.note ? ` <br><sub>${f.note.replace(/\|/g, '/')}</sub>` : ''} | ${fmt(f.value)} ${f.unit} | ${f.target ? `${f.target.op.replace('<=', '≤').replace('>=', '≥')} ${f.target.value}` : ''} | ${verdict(f)} |`);
    }
  }
  for (const f of res.failed) lines.push(`| ${f.name} | could not run: ${f.reason.split('\n')[0]} | | | not measured |`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(ALL as readonly string[]).includes(n));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
    return 2;
  }
  const selected = names.length ? ALL.filter((n) => names.includes(n)) : [...ALL];
  const started = Date.now();
  const before = loadavg();
  const done: Results['benchmarks'] = [];
  const failed: Results['failed'] = [];
  for (const name of selected) {
    const load = loadavg();
    process.stdout.write(`▶ ${name}${quick ? ' (quick)' : ''} … `);
    try {
      const r = await runOne(name, quick);
      done.push({ ...r, ranAt: new Date().toISOString(), loadAverageBefore: load });
      console.log(`${r.seconds.toFixed(0)} s`);
    } catch (error) {
      failed.push({ name, reason: (error as Error).message });
      console.log('failed');
      console.error((error as Error).message);
    }
  }
  const totalSeconds = (Date.now() - started) / 1000;
  console.log(`\n${table(done)}`);
  for (const f of failed) console.log(`${f.name}: could not run`);
  console.log(`\n${done.length} benchmark(s) in ${totalSeconds.toFixed(0)} s; load average ${before.map((x) => x.toFixed(2)).join(' ')} → ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  if (quick) {
    console.log('(--quick: results not written)');
    return failed.length ? 1 : 0;
  }
  const file = join(__dirname, 'results.json');
  // A partial run replaces only the benchmarks it ran.
  const previous = existsSync(file) && names.length ? (JSON.parse(readFileSync(file, 'utf8')) as Results) : undefined;
  const merged = previous ? [...previous.benchmarks.filter((b) => !selected.includes(b.name as (typeof ALL)[number])), ...done] : done;
  merged.sort((a, b) => ALL.indexOf(a.name as (typeof ALL)[number]) - ALL.indexOf(b.name as (typeof ALL)[number]));
  const results: Results = {
    date: new Date().toISOString(), machine: machine(), commit: commit(),
    totalSeconds: previous ? merged.reduce((a, b) => a + b.seconds, 0) : totalSeconds,
    loadAverage: { before, after: loadavg() }, benchmarks: merged, failed,
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const doc = join(ROOT, 'docs', 'BENCHMARKS.md');
  if (existsSync(doc)) {
    const text = readFileSync(doc, 'utf8');
    const re = /(<!-- results:start -->\n)[\s\S]*?(\n<!-- results:end -->)/;
    if (re.test(text)) writeFileSync(doc, text.replace(re, `$1${markdown(results)}$2`));
  }
  console.log(`wrote ${file}${existsSync(doc) ? ' and docs/BENCHMARKS.md' : ''}`);
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => { console.error(error); process.exit(1); });
}
