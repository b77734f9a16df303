/**
 * Builds the operator console into three static files — index.html, console.js (Preact and the
 * views bundled in, one script) and console.css — with esbuild. Nothing is fetched from a CDN at
 * run time.
 *
 *   npx tsx console/build.ts [OUTDIR]          → console/dist/
 *   const files = await buildConsole();        // in memory, for console/server.ts
 *
 * The create form is built from the API's schema: the fields of CreateChannelRequest and of the
 * Profile fields it offers as overrides are read from docs/openapi.yaml (generated from
 * functions/lib/api/schemas.ts) and compiled into the bundle.
 *
 * The preview player is the viewer player's component (player/src/player.ts) when that file exists;
 * until then the channel page shows a labelled slot with the stream URLs (console/src/preview-slot.ts).
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ConsoleFiles } from './server';
import type { FormSpec, FieldSpec } from './src/types';
import { BROWSER_TARGETS, pageFiles } from '../player/build';

const ROOT = __dirname;
const REPO = resolve(ROOT, '..');
const PLAYER = join(REPO, 'player', 'src', 'player.ts');

interface JsonSchema {
  type?: string;
  enum?: string[];
  default?: unknown;
  description?: string;
  pattern?: string;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  $ref?: string;
}

/** The create form's fields, from the OpenAPI document. */
export function formSpec(openapiPath = join(REPO, 'docs', 'openapi.yaml')): FormSpec {
  const doc = parse(readFileSync(openapiPath, 'utf8')) as { components: { schemas: Record<string, JsonSchema> } };
  const schemas = doc.components.schemas;
  const create = schemas.CreateChannelRequest?.properties;
  const profile = schemas.Profile?.properties;
  if (!create || !profile?.input?.properties) throw new Error('docs/openapi.yaml has no CreateChannelRequest or Profile');
  const field = (path: string, label: string, s: JsonSchema, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    path, label,
    kind: s.type === 'boolean' ? 'boolean' : s.type === 'array' ? 'list' : s.enum ? 'choice' : 'text',
    ...(s.enum ? { choices: s.enum } : {}),
    ...(s.default !== undefined && !(Array.isArray(s.default) && s.default.length === 0) ? { default: s.default as string | boolean } : {}),
    ...(s.description ? { description: s.description } : {}),
    ...(s.pattern ? { pattern: s.pattern } : {}),
    ...(s.maxItems ? { maxItems: s.maxItems } : {}),
    ...extra,
  });
  const input = profile.input.properties;
  const fields: FieldSpec[] = [
    field('channelId', 'Channel id', create.channelId!),
    field('profile', 'Profile', create.profile!),
    field('overrides.input.type', 'Input type', input.type!, { description: 'How the encoder reaches MediaLive (default: the profile\'s)', default: undefined }),
    field('overrides.input.allowedCidrs', 'Allowed source CIDRs', input.allowedCidrs!, { description: 'Addresses allowed to push to the input, one per line (e.g. 203.0.113.10/32)' }),
    field('overrides.channelClass', 'Channel class', profile.channelClass!, { description: 'STANDARD: two pipelines; SINGLE_PIPELINE: one (default: the profile\'s)', default: undefined }),
    field('start', 'Start when created', create.start!),
  ];
  return { fields };
}

/** Resolves `onair-player` to the viewer player's component, or to the labelled slot without it. */
function playerPlugin(): Plugin {
  return {
    name: 'onair-player',
    setup(b) {
      b.onResolve({ filter: /^onair-player$/ }, () => ({
        path: existsSync(PLAYER) ? PLAYER : join(ROOT, 'src', 'preview-slot.ts'),
      }));
    },
  };
}

export async function buildConsole(options: { minify?: boolean } = {}): Promise<ConsoleFiles> {
  const result = await build({
    entryPoints: { console: join(ROOT, 'src', 'main.tsx'), 'console-style': join(ROOT, 'src', 'console.css') },
    bundle: true,
    write: false,
    outdir: '/out',
    format: 'iife',
    platform: 'browser',
    target: BROWSER_TARGETS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    legalComments: 'eof',
    logLevel: 'silent',
    plugins: [playerPlugin()],
    define: {
      'process.env.NODE_ENV': '"production"',
      __FORM_SPEC__: JSON.stringify(formSpec()),
      __PLAYER_BUILT_IN__: JSON.stringify(existsSync(PLAYER)),
    },
  });
  return pageFiles('console', result.outputFiles, ROOT);
}

if (require.main === module) {
  const outdir = resolve(process.argv[2] ?? join(ROOT, 'dist'));
  buildConsole().then((files) => {
    mkdirSync(outdir, { recursive: true });
    for (const [name, f] of files) {
      writeFileSync(join(outdir, name), f.body);
      console.log(`wrote ${join(outdir, name)} (${Math.round(f.body.length / 1024)} KB)`);
    }
  }, (error: unknown) => {
    console.error(`console build failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
