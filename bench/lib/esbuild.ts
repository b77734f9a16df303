/**
 * serverless.yml `custom.esbuild` → esbuild BuildOptions: the options serverless-esbuild passes through
 * when it packages each function (read from the file: one source). Used by the cold-start benchmark
 * (bench/coldstart.ts) and by test/unit/template/bundles.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..', '..');

export function esbuildOptions(root = ROOT): BuildOptions {
  const doc = parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as { custom?: { esbuild?: Record<string, unknown> } };
  const o = doc.custom?.esbuild;
  if (!o) throw new Error('serverless.yml has no custom.esbuild block');
  const external = Array.isArray(o.exclude) ? (o.exclude as string[]) : ['aws-sdk']; // serverless-esbuild's default
  return {
    bundle: o.bundle !== false,
    minify: o.minify === true,
    keepNames: o.keepNames === true,
    sourcemap: o.sourcemap === true,
    target: String(o.target ?? 'node22'),
    platform: (o.platform as BuildOptions['platform']) ?? 'node',
    format: (o.format as BuildOptions['format']) ?? 'cjs',
    ...(Array.isArray(o.mainFields) ? { mainFields: o.mainFields as string[] } : {}),
    // `plugins`: a file exporting an array of esbuild plugins, relative to the service (serverless-esbuild's rule).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- serverless.yml names a CommonJS file, loaded as osls loads it
    ...(typeof o.plugins === 'string' ? { plugins: require(join(root, o.plugins)) as Plugin[] } : {}),
    external,
    logLevel: 'silent',
  };
}
