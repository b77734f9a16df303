/**
 * The deployed bundles, built as serverless-esbuild builds them (serverless.yml custom.esbuild, read by
 * bench/lib/esbuild.ts): what serverless.yml leaves out of them (`exclude`) must be reached only
 * through a lazy `import()` on a path OnAir never takes — never loaded with the module.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { parse } from 'yaml';
import { esbuildOptions } from '../../../bench/lib/esbuild';
import { loadWorkflows } from '../../../local/onair/workflows';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- serverless.yml's plugins file is CommonJS, loaded as osls loads it
const { packageVersionOnly } = require('../../../esbuild.plugins.js') as { packageVersionOnly: (text: string) => string };

const ROOT = resolve(__dirname, '../../..');

function excluded(): string[] {
  const doc = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: { exclude: string[] } } };
  return doc.custom.esbuild.exclude;
}

/**
 * Whether an SDK client's schema module models an event stream: a union schema (type 4) with the
 * `streaming` trait, `[4, n0, _X, { [_st]: 1 }, …]` where `const _st = "streaming"`.
 */
function hasEventStream(schemaModule: string): boolean {
  const streaming = /^const (_[A-Za-z0-9_$]*) = "streaming";$/m.exec(schemaModule)?.[1];
  if (!streaming) return false;
  const key = streaming.replace(/\$/g, '\\$');
  return new RegExp(`\\[4, n\\d+, _[A-Za-z0-9_$]+,\\s*\\{ \\[${key}\\]: 1 \\}`).test(schemaModule);
}

let metafile: Metafile;

beforeAll(async () => {
  const wf = loadWorkflows({ root: ROOT });
  const entryPoints = Object.fromEntries(Object.values(wf.functions).map((f) => [f.key, f.modulePath.endsWith('.ts') ? f.modulePath : `${f.modulePath}.ts`]));
  const r = await build({ ...esbuildOptions(ROOT), absWorkingDir: ROOT, entryPoints, outdir: join(ROOT, '.bundles-test'), write: false, metafile: true });
  metafile = r.metafile;
}, 60_000);

describe('deployed bundles', () => {
  it('import every excluded module lazily (dynamic import), never at module load', () => {
    const names = excluded();
    expect(names).toEqual(expect.arrayContaining(['@aws-sdk/credential-provider-http', '@smithy/credential-provider-imds', '@smithy/core/event-streams']));
    const uses: { name: string; from: string; kind: string }[] = [];
    for (const [from, input] of Object.entries(metafile.inputs)) {
      for (const imp of input.imports) if (imp.external && names.includes(imp.path)) uses.push({ name: imp.path, from, kind: imp.kind });
    }
    // Each is actually met (the exclusion is not dead), and only as import().
    expect(new Set(uses.map((u) => u.name))).toEqual(new Set(names));
    expect(uses.filter((u) => u.kind !== 'dynamic-import')).toEqual([]);
  });

  it('bundle no SDK client with an event-stream operation (@smithy/core/event-streams is left out)', () => {
    const schemaFiles = Object.keys(metafile.inputs).filter((p) => /@aws-sdk\/client-[^/]+\/dist-es\/schemas\/schemas_\d+\.js$/.test(p));
    expect(schemaFiles.length).toBeGreaterThan(5);
    const withEventStreams = schemaFiles.filter((p) => hasEventStream(readFileSync(join(ROOT, p), 'utf8')));
    expect(withEventStreams).toEqual([]);
  });

  it('bundle only the packager clients a function calls (packager/layout.ts holds the pure half)', () => {
    const clientsOf = (entry: string): string[] => {
      const out = Object.values(metafile.outputs).find((o) => o.entryPoint === entry);
      if (!out) throw new Error(`no bundle for ${entry}`);
      return [...new Set(Object.keys(out.inputs).map((p) => /@aws-sdk\/(client-[^/]+)\//.exec(p)?.[1]).filter((c): c is string => !!c))].sort();
    };
    // createChannel needs only medialiveTarget (where MediaLive sends), no packager call.
    expect(clientsOf('functions/medialive/createChannel.ts')).toEqual(['client-dynamodb', 'client-medialive']);
    // The CDN step: CloudFront and the v1 CDN-identifier secret; no MediaPackage client (the grant is authorizeCdn's).
    expect(clientsOf('functions/cdn/createDistribution.ts')).toEqual(['client-cloudfront', 'client-dynamodb', 'client-secrets-manager']);
    // The grant: v2 origin endpoint policies only; never CloudFront, never a v1 MediaPackage call.
    expect(clientsOf('functions/cdn/authorizeCdn.ts')).toEqual(['client-dynamodb', 'client-mediapackagev2']);
  });

  it('read nothing of an SDK package.json but its version (esbuild.plugins.js sdk-package-version keeps name and version only)', () => {
    const reads: { file: string; read: string }[] = [];
    let importers = 0;
    for (const file of Object.keys(metafile.inputs)) {
      if (!/node_modules\/@(aws-sdk|smithy)\/.+\.js$/.test(file)) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/^import (\w+) from "(?:\.\.\/)+package\.json";$/gm)) {
        importers++;
        // Every use of the imported binding after its import: `.version` is the only one allowed.
        const uses = [...text.matchAll(new RegExp(`\\b${m[1]}\\b(\\.\\w+|\\[)?`, 'g'))].slice(1);
        for (const u of uses) if (u[1] !== '.version') reads.push({ file, read: u[0] });
      }
    }
    expect(importers).toBeGreaterThan(5);
    expect(reads).toEqual([]);
    // What the plugin loads instead of the file.
    expect(JSON.parse(packageVersionOnly(JSON.stringify({ name: '@aws-sdk/client-x', version: '3.1.0', description: 'd', dependencies: { a: '1' } })))).toEqual({ name: '@aws-sdk/client-x', version: '3.1.0' });
  });

  it('the event-stream check recognises an event stream (Lambda InvokeWithResponseStream)', () => {
    // client-lambda is a devDependency (tests only), bundled by no function.
    expect(hasEventStream(readFileSync(join(ROOT, 'node_modules/@aws-sdk/client-lambda/dist-es/schemas/schemas_0.js'), 'utf8'))).toBe(true);
    expect(hasEventStream(readFileSync(join(ROOT, 'node_modules/@aws-sdk/client-medialive/dist-es/schemas/schemas_0.js'), 'utf8'))).toBe(false);
  });
});
