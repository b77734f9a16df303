/**
 * The local player server: serves the built viewer page at http://127.0.0.1:<port>/player/ and
 * nothing else. `npm start` runs it beside the local cloud; on its own:
 *
 *   npm run player -- [--port 4582] [--src <HLS or DASH URL>]   prints the page's URL
 *
 * Loopback only: it binds 127.0.0.1 and answers only requests whose Host is its own loopback
 * address (a DNS-rebinding page cannot reach it under another name) and whose Origin, when the
 * browser sends one, is its own. Every answer carries a strict Content-Security-Policy: scripts and
 * styles from this server only, no inline code, media from MediaSource blobs, and network
 * requests to the stream's origin (any https origin, or a loopback one for the local cloud).
 *
 * With `cdn` (the local cloud's URL), it also relays GET /cdn/<distribution domain>/<path> to the
 * local CloudFront path (<cdn>/_cdn/<domain>/<path>), so the page plays the local cloud's streams
 * from its own origin. The deployed stack's distribution sends no CORS headers of its own (no
 * response headers policy), so the page and the stream share an origin here instead of relying on
 * them; `urlFor` maps a local playback URL onto the relay.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPlayer, type PlayerFiles } from './build';

export const PLAYER_PORT = 4582;

/**
 * The one policy of OnAir's local pages (this player and the console, console/server.ts): scripts,
 * styles and requests from this server only, the stream from this origin, any https origin
 * (CloudFront) or the local cloud's loopback CDN; nothing else (default-src 'none' also refuses
 * fonts, plugins and frames).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface PlayerServerOptions {
  /** Default 4582; 0 picks a free port. */
  port?: number;
  /** Built files (default: built now, in memory). */
  files?: PlayerFiles;
  /** The local cloud's URL (http://127.0.0.1:4580): relay /cdn/… to its /_cdn/… playback path. */
  cdn?: string;
}

export interface PlayerServer {
  /** http://127.0.0.1:<port>/player/ */
  url: string;
  /** The page for one stream: …/player/?src=<url> (a local cloud playback URL becomes /cdn/…, the relay). */
  urlFor(src: string): string;
  stop(): Promise<void>;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

/** Playback headers worth passing on from the local CDN. */
const RELAYED = ['content-type', 'cache-control', 'content-length', 'x-cache', 'via', 'age', 'last-modified', 'etag'];

/** GET/HEAD <cdn>/_cdn/<path><search>, answered as is (status, playback headers, body): the local CDN on this origin. */
export async function relay(cdn: string, path: string, search: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const answer = await fetch(`${cdn}/_cdn/${path}${search}`, { method: req.method === 'HEAD' ? 'HEAD' : 'GET', redirect: 'manual' });
    const headers: Record<string, string> = { 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'same-origin' };
    for (const h of RELAYED) {
      const v = answer.headers.get(h);
      if (v !== null) headers[h] = v;
    }
    const body = Buffer.from(await answer.arrayBuffer());
    if (req.method !== 'HEAD') headers['content-length'] = String(body.length);
    res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    refuse(res, 502, `The local cloud did not answer: ${(error as Error).message}`);
  }
}

export function handlePlayerRequest(files: PlayerFiles, port: () => number, req: IncomingMessage, res: ServerResponse, cdn?: string): void {
  const allowedHosts = new Set([`127.0.0.1:${port()}`, `localhost:${port()}`]);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts.has(host)) return refuse(res, 421, `This server answers only as ${[...allowedHosts].join(' or ')}.`);
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.has(origin.toLowerCase().replace(/^http:\/\//, ''))) return refuse(res, 403, 'Cross-origin requests are refused.');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return refuse(res, 405, 'Method not allowed.');
  }
  const url = new URL(req.url ?? '/', 'http://local');
  const path = url.pathname;
  const cdnPath = /^\/cdn\/([a-z0-9.-]+\/.+)$/i.exec(path);
  if (cdn && cdnPath) {
    void relay(cdn, cdnPath[1]!, url.search, req, res);
    return;
  }
  if (path === '/' || path === '/player') {
    res.writeHead(302, { ...SECURITY_HEADERS, location: '/player/' });
    res.end();
    return;
  }
  const m = /^\/player\/([a-z.-]*)$/.exec(path);
  const file = m ? files.get(m[1] || 'index.html') : undefined;
  if (!file) return refuse(res, 404, 'Not found.');
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.contentType, 'content-length': file.body.length });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

export async function startPlayerServer(options: PlayerServerOptions = {}): Promise<PlayerServer> {
  const files = options.files ?? (await buildPlayer());
  let port = 0;
  const cdn = options.cdn?.replace(/\/+$/, '');
  const server: Server = createServer((req, res) => handlePlayerRequest(files, () => port, req, res, cdn));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new Error(`Port ${options.port ?? PLAYER_PORT} on 127.0.0.1 is busy: another OnAir (or something else) is using it. Stop it or pass another port.`)
        : error);
    });
    server.listen(options.port ?? PLAYER_PORT, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/player/`;
  const local = cdn ? `${cdn}/_cdn/` : undefined;
  return {
    url,
    // '/' and ':' may stay as they are in a query value: the printed link stays readable.
    urlFor: (src) => `${url}?src=${encodeURIComponent(local && src.startsWith(local) ? `/cdn/${src.slice(local.length)}` : src).replace(/%2F/g, '/').replace(/%3A/g, ':')}`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  let port = PLAYER_PORT;
  let src: string | undefined;
  let cdn: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') port = Number(argv[++i]);
    else if (argv[i] === '--src') src = argv[++i];
    else if (argv[i] === '--cdn') cdn = argv[++i];
    else {
      console.error('Usage: npm run player -- [--port N] [--src <HLS or DASH URL>] [--cdn <local cloud URL, to relay its /_cdn/ path>]');
      process.exit(2);
    }
  }
  startPlayerServer({ port, ...(cdn ? { cdn } : {}) }).then((s) => {
    console.log(`OnAir player on ${src ? s.urlFor(src) : `${s.url}?src=<HLS or DASH URL>`}  (Ctrl-C stops)`);
    const stop = (): void => void s.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }, (error: unknown) => {
    console.error(`npm run player: ${(error as Error).message}`);
    process.exit(1);
  });
}
