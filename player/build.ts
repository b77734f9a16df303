/**
 * Builds the viewer page into three static files — index.html, player.js (hls.js and dash.js
 * bundled in, one classic script, so the page also works opened as a file) and player.css — with
 * esbuild. Nothing is fetched from a CDN at run time.
 *
 *   npm run player:build            → player/dist/
 *   npm run player:build -- OUTDIR
 *   const files = await buildPlayer();   // in memory, for the local player server
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface PlayerFile {
  body: Buffer;
  contentType: string;
}

export type PlayerFiles = Map<string, PlayerFile>;

const ROOT = __dirname;

/**
 * Browsers of the last few years, for every local page (player and console): dash.js 5's modern
 * build needs Safari 15; older iPhones play HLS natively below iOS 17.1, which brought
 * ManagedMediaSource to hls.js.
 */
export const BROWSER_TARGETS = ['chrome100', 'firefox100', 'safari15', 'edge100'];

export async function buildPlayer(options: { minify?: boolean } = {}): Promise<PlayerFiles> {
  const result = await build({
    entryPoints: { player: join(ROOT, 'src', 'main.ts'), 'player-style': join(ROOT, 'src', 'player.css') },
    bundle: true,
    write: false,
    outdir: '/out',
    format: 'iife',
    platform: 'browser',
    target: BROWSER_TARGETS,
    minify: options.minify ?? true,
    legalComments: 'eof',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return pageFiles('player', result.outputFiles, ROOT);
}

/**
 * A local page's three files from an esbuild run with entry points `<name>` (script) and
 * `<name>-style` (CSS), plus the folder's index.html: `<name>.js`, `<name>.css`, `index.html`.
 * Shared with the console (console/build.ts).
 */
export function pageFiles(name: string, outputFiles: { path: string; contents: Uint8Array }[], root: string): PlayerFiles {
  const files: PlayerFiles = new Map();
  for (const f of outputFiles) {
    if (f.path.endsWith(`/${name}.js`)) files.set(`${name}.js`, { body: Buffer.from(f.contents), contentType: 'text/javascript; charset=utf-8' });
    if (f.path.endsWith(`/${name}-style.css`)) files.set(`${name}.css`, { body: Buffer.from(f.contents), contentType: 'text/css; charset=utf-8' });
  }
  files.set('index.html', { body: readFileSync(join(root, 'index.html')), contentType: 'text/html; charset=utf-8' });
  if (files.size !== 3) throw new Error(`${name} build produced ${[...files.keys()].join(', ')}`);
  return files;
}

export async function writePlayer(outdir: string): Promise<string[]> {
  const files = await buildPlayer();
  mkdirSync(outdir, { recursive: true });
  const written: string[] = [];
  for (const [name, f] of files) {
    writeFileSync(join(outdir, name), f.body);
    written.push(`${join(outdir, name)} (${Math.round(f.body.length / 1024)} KB)`);
  }
  return written;
}

if (require.main === module) {
  const outdir = resolve(process.argv[2] ?? join(ROOT, 'dist'));
  writePlayer(outdir).then((written) => {
    for (const w of written) console.log(`wrote ${w}`);
    console.log(`Open ${join(outdir, 'index.html')}?src=<HLS or DASH URL> in a browser, or serve the folder.`);
  }, (error: unknown) => {
    console.error(`player build failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
