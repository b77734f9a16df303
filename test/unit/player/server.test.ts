/**
 * The local player server (player/server.ts) on loopback: it answers only under its own loopback
 * name and origin, sends a strict Content-Security-Policy, serves only the page's files, and relays
 * /cdn/… to the local cloud's CloudFront path. Built files are stubbed: the bundle itself is
 * exercised by the browser suite (test/browser).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_SECURITY_POLICY, startPlayerServer, type PlayerServer } from '../../../player/server';
import type { PlayerFiles } from '../../../player/build';

const files: PlayerFiles = new Map([
  ['index.html', { body: Buffer.from('<!doctype html><title>p</title>'), contentType: 'text/html; charset=utf-8' }],
  ['player.js', { body: Buffer.from('void 0;'), contentType: 'text/javascript; charset=utf-8' }],
  ['player.css', { body: Buffer.from('body{}'), contentType: 'text/css; charset=utf-8' }],
]);

let player: PlayerServer;
let cdn: Server;
let cdnUrl: string;
const cdnSeen: string[] = [];

beforeAll(async () => {
  cdn = createServer((req, res) => {
    cdnSeen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/_cdn/d1.cloudfront.net/out/index.m3u8')) {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=1', 'x-secret': 'not relayed' }).end('#EXTM3U\n');
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
  });
  await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', () => r()));
  cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
  player = await startPlayerServer({ port: 0, files, cdn: cdnUrl });
});

afterAll(async () => {
  await player.stop();
  await new Promise<void>((r) => cdn.close(() => r()));
});

/** A raw request, so Host and Origin can be set as a hostile page would. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(player.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: u.port, path, method, headers: { host: u.host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('binds loopback and serves the page with a strict Content-Security-Policy', async () => {
  expect(player.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/player\/$/);
  const page = await get('/player/');
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toBe(CONTENT_SECURITY_POLICY);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/unsafe-/);
  expect(csp.split(/[; ]+/)).not.toContain('*');
  expect(page.headers['x-content-type-options']).toBe('nosniff');
  expect(page.headers['referrer-policy']).toBe('no-referrer');
  expect((await get('/player/player.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
  expect((await get('/player')).status).toBe(302);
});

test('refuses another Host (DNS rebinding), another Origin, other methods and other paths', async () => {
  expect((await get('/player/', { host: 'evil.example:80' })).status).toBe(421);
  expect((await get('/player/', { host: `attacker.test:${new URL(player.url).port}` })).status).toBe(421);
  expect((await get('/player/player.js', { origin: 'https://evil.example' })).status).toBe(403);
  expect((await get('/player/player.js', { origin: new URL(player.url).origin })).status).toBe(200);
  expect((await get('/player/', {}, 'POST')).status).toBe(405);
  expect((await get('/player/../package.json')).status).toBe(404);
  expect((await get('/player/build.ts')).status).toBe(404);
  expect((await get('/etc/passwd')).status).toBe(404);
});

test('relays /cdn/<domain>/<path> to the local cloud playback path and maps playback URLs onto it', async () => {
  const src = `${cdnUrl}/_cdn/d1.cloudfront.net/out/index.m3u8`;
  const pageUrl = new URL(player.urlFor(src));
  const relayed = pageUrl.searchParams.get('src')!;
  expect(relayed).toBe('/cdn/d1.cloudfront.net/out/index.m3u8');
  expect(pageUrl.search).toBe('?src=/cdn/d1.cloudfront.net/out/index.m3u8');
  const answer = await get(`${relayed}?aws.manifestfilter=video_height:1-480`);
  expect(answer.status).toBe(200);
  expect(answer.body).toBe('#EXTM3U\n');
  expect(answer.headers['content-type']).toBe('application/vnd.apple.mpegurl');
  expect(answer.headers['cache-control']).toBe('max-age=1');
  expect(answer.headers['x-secret']).toBeUndefined();
  expect(cdnSeen).toContain('GET /_cdn/d1.cloudfront.net/out/index.m3u8?aws.manifestfilter=video_height:1-480');
  expect((await get('/cdn/d1.cloudfront.net/out/missing.m3u8')).status).toBe(404);
  // Any other URL is left as it is.
  expect(new URL(player.urlFor('https://d2.cloudfront.net/out/v1/x/index.mpd?a=1&b=2')).searchParams.get('src')).toBe('https://d2.cloudfront.net/out/v1/x/index.mpd?a=1&b=2');
});
