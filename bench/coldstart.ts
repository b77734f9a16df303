/**
 * Benchmark 3 — cold start per deployed function.
 *
 * Every function in serverless.yml (local/onair/workflows.ts) is bundled with esbuild using serverless.yml's
 * own `custom.esbuild` options (read from the file: one source), as serverless-esbuild packages it.
 *   bundle bytes   size of the minified handler bundle (the .js inside the deployment zip)
 *   load time      wall time of `node <bundle-loader>` minus that of `node <empty script>`, spawned
 *                  alternately, median of RUNS (5) each: what a cold Lambda adds to the runtime's
 *                  own start by loading the module (INIT, billed since 2025-08-01). The loader only
 *                  `require`s the bundle, with the function's environment from serverless.yml set,
 *                  as the Lambda runtime does before the first event.
 * Node here is the machine's (20.x); Lambda runs nodejs22.x on arm64, so absolute times differ —
 * the figure is the module's own cost relative to an empty process on the same machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { loadWorkflows } from '../local/onair/workflows';
import { esbuildOptions } from './lib/esbuild';
import { QUICK, runBenchmark } from './lib/result';
import { median, round } from './lib/stats';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? (QUICK ? 2 : 5));
const ROOT = resolve(__dirname, '..');

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

void runBenchmark('coldstart', async () => {
  const wf = loadWorkflows({ root: ROOT });
  const functions = Object.values(wf.functions);
  const dir = mkdtempSync(join(tmpdir(), 'onair-bundles-'));
  try {
    const options = esbuildOptions();
    const entryPoints = Object.fromEntries(functions.map((f) => [f.key, f.modulePath.endsWith('.ts') ? f.modulePath : `${f.modulePath}.ts`]));
    const started = Date.now();
    const built = await build({ ...options, entryPoints, outdir: dir, write: true, metafile: true });
    const buildSeconds = (Date.now() - started) / 1000;
    const empty = join(dir, '_empty.js');
    writeFileSync(empty, '');
    // What each bundle is made of: bytes per npm package (the measured reason when a bundle is big).
    const composition = new Map<string, { pkg: string; kb: number }[]>();
    for (const [file, out] of Object.entries(built.metafile.outputs)) {
      const key = /([^/]+)\.js$/.exec(file)?.[1];
      if (!key) continue;
      const byPkg: Record<string, number> = {};
      for (const [input, i] of Object.entries(out.inputs)) {
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(OnAir source)';
        byPkg[pkg] = (byPkg[pkg] ?? 0) + i.bytesInOutput;
      }
      composition.set(key, Object.entries(byPkg).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([pkg, b]) => ({ pkg, kb: round(b / 1024, 1) })));
    }
    const rows: { function: string; bytes: number; kb: number; loadMs: number; emptyMs: number; overMs: number; largest?: { pkg: string; kb: number }[] }[] = [];
    for (const f of functions) {
      const bundle = join(dir, `${f.key}.js`);
      const loader = join(dir, `_load_${f.key}.js`);
      writeFileSync(loader, `require(${JSON.stringify(bundle)});\n`);
      // The function's environment as the Lambda runtime sets it (config is read at module load).
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...f.env, AWS_REGION: wf.region, AWS_DEFAULT_REGION: wf.region, AWS_LAMBDA_FUNCTION_NAME: f.name, AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', POWERTOOLS_LOG_LEVEL: 'SILENT' };
      const loads: number[] = [];
      const empties: number[] = [];
      wallMs([empty], env); // warm the page cache for node itself
      for (let i = 0; i < RUNS; i++) {
        empties.push(wallMs([empty], env));
        loads.push(wallMs([loader], env));
      }
      const bytes = statSync(bundle).size;
      const loadMs = median(loads);
      const emptyMs = median(empties);
      rows.push({ function: f.key, bytes, kb: round(bytes / 1024, 1), loadMs: round(loadMs, 1), emptyMs: round(emptyMs, 1), overMs: round(loadMs - emptyMs, 1), largest: composition.get(f.key) ?? [] });
    }
    rows.sort((a, b) => b.bytes - a.bytes);
    const maxKb = Math.max(...rows.map((r) => r.kb));
    const maxOver = Math.max(...rows.map((r) => r.overMs));
    const overKb = rows.filter((r) => r.kb > 400).map((r) => r.function);
    const overMs = rows.filter((r) => r.overMs > 60).map((r) => r.function);
    return {
      figures: [
        { id: 'cold.bundle.maxKb', label: 'Largest bundle (minified)', value: maxKb, unit: 'KB', target: { op: '<=', value: 400 }, note: `${rows[0]?.function}; over 400 KB: ${overKb.length ? overKb.join(', ') : 'none'}` },
        { id: 'cold.load.maxOverMs', label: 'Slowest cold module load over empty Node', value: maxOver, unit: 'ms', target: { op: '<=', value: 60 }, note: `${[...rows].sort((a, b) => b.overMs - a.overMs)[0]?.function}; over 60 ms: ${overMs.length ? overMs.join(', ') : 'none'}` },
        { id: 'cold.functions', label: 'Functions measured', value: rows.length, unit: 'functions' },
      ],
      details: { runs: RUNS, esbuild: options, buildSeconds, node: process.version, functions: rows },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
