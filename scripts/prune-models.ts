/**
 * Writes local/models/<service>.json: AWS's botocore service model pruned to the operations listed in
 * local/models/operations.json (the one place to add an operation) and the shapes they reach.
 *
 *   npx tsx scripts/prune-models.ts [--botocore <path to botocore/data>]
 *
 * Keys of operations.json are signing names (the SigV4 credential scope's service); botocore keeps
 * two of them under another folder name (monitoring → cloudwatch, states → stepfunctions).
 * An operation named in operations.json but absent from the model is reported and skipped (the
 * MediaLive model may drop or add operations between versions).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const DEFAULT_BOTOCORE = '/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data';
const BOTOCORE_DIR: Record<string, string> = { monitoring: 'cloudwatch', states: 'stepfunctions' };

interface RawShape {
  type: string;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  [k: string]: unknown;
}
interface RawModel {
  version?: string;
  metadata: Record<string, unknown>;
  operations: Record<string, { input?: { shape: string }; output?: { shape: string }; errors?: { shape: string }[]; [k: string]: unknown }>;
  shapes: Record<string, RawShape>;
}

function botocoreVersion(dataDir: string): string {
  try {
    return JSON.parse(execFileSync('python3', ['-c', 'import botocore,json;print(json.dumps(botocore.__version__))'], { encoding: 'utf8' })) as string;
  } catch {
    return `unknown (read from ${dataDir})`;
  }
}

function latestVersionDir(dir: string): string {
  const versions = readdirSync(dir).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  const v = versions.at(-1);
  if (!v) throw new Error(`no model version under ${dir}`);
  return join(dir, v);
}

export function prune(model: RawModel, operations: string[]): { model: RawModel; missing: string[] } {
  const keep = new Set<string>();
  const visit = (name: string | undefined): void => {
    if (!name || keep.has(name)) return;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`shape ${name} missing from model`);
    keep.add(name);
    for (const m of Object.values(shape.members ?? {})) visit(m.shape);
    visit(shape.member?.shape);
    visit(shape.key?.shape);
    visit(shape.value?.shape);
  };
  const ops: RawModel['operations'] = {};
  const missing: string[] = [];
  for (const op of operations) {
    const def = model.operations[op];
    if (!def) { missing.push(op); continue; }
    // Documentation is most of the model's bytes and nothing the twin uses.
    const { documentation: _d, ...rest } = def as Record<string, unknown>;
    ops[op] = rest as RawModel['operations'][string];
    visit(def.input?.shape);
    visit(def.output?.shape);
    for (const e of def.errors ?? []) visit(e.shape);
  }
  const shapes: RawModel['shapes'] = {};
  for (const name of [...keep].sort()) {
    const { documentation: _d, ...shape } = model.shapes[name] as RawShape & { documentation?: unknown };
    if (shape.members) {
      shape.members = Object.fromEntries(Object.entries(shape.members).map(([k, v]) => {
        const { documentation: _md, ...m } = v as { shape: string; documentation?: unknown };
        return [k, m];
      }));
    }
    shapes[name] = shape;
  }
  const { documentation: _md, ...metadata } = model.metadata;
  return { model: { version: model.version, metadata, operations: ops, shapes }, missing };
}

function main(): void {
  const args = process.argv.slice(2);
  const i = args.indexOf('--botocore');
  const dataDir = i >= 0 && args[i + 1] ? args[i + 1]! : DEFAULT_BOTOCORE;
  if (!existsSync(dataDir)) throw new Error(`botocore data not found at ${dataDir} (pass --botocore <path>)`);
  const root = resolve(__dirname, '..');
  const wanted = JSON.parse(readFileSync(join(root, 'local/models/operations.json'), 'utf8')) as Record<string, string[]>;
  const sources: Record<string, string> = {};
  for (const [service, ops] of Object.entries(wanted)) {
    const dir = latestVersionDir(join(dataDir, BOTOCORE_DIR[service] ?? service));
    const raw = JSON.parse(gunzipSync(readFileSync(join(dir, 'service-2.json.gz'))).toString('utf8')) as RawModel;
    const { model, missing } = prune(raw, ops);
    if (missing.length) console.warn(`${service}: not in the model, skipped: ${missing.join(', ')}`);
    writeFileSync(join(root, `local/models/${service}.json`), JSON.stringify(model) + '\n');
    sources[service] = `${BOTOCORE_DIR[service] ?? service}/${dir.split('/').at(-1)}`;
    console.log(`${service}: ${Object.keys(model.operations).length} operations, ${Object.keys(model.shapes).length} shapes`);
  }
  writeFileSync(join(root, 'local/models/sources.json'), JSON.stringify({ botocore: botocoreVersion(dataDir), models: sources }, null, 2) + '\n');
}

if (require.main === module) main();
