/**
 * console/server.ts: the console's proxy signs on the server and forwards only what the API needs;
 * a request without the token, from another origin or under another Host name is refused before
 * anything is forwarded.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiSigner } from '../../../lib/sigv4';
import { verifySignature } from '../../../local/onair/api/auth';
import { createConsoleHandler, type ConsoleFiles } from '../../../console/server';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
let api: Server;
let proxy: Server;
let apiUrl = '';
let base = '';
let token = '';
const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string; signatureOk: boolean }[] = [];

beforeAll(async () => {
  api = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const query: Record<string, string> = {};
      url.searchParams.forEach((v, k) => { query[k] = v; });
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
      if (url.pathname.startsWith('/_cdn/')) {
        res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=1' }).end(`#EXTM3U\n# ${url.pathname}${url.search}\n`);
        return;
      }
      verifySignature({ method: req.method ?? 'GET', path: url.pathname, query, headers, body }, credentials, 'eu-west-1').then(
        () => true, () => false,
      ).then((signatureOk) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, signatureOk });
        res.writeHead(signatureOk ? 201 : 403, { 'content-type': 'application/json', date: 'Fri, 04 Dec 2026 10:00:00 GMT' }).end('{"ok":true}');
      });
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/prod`;
  const files: ConsoleFiles = new Map([['index.html', { body: Buffer.from('<!doctype html>'), contentType: 'text/html' }]]);
  let port = 0;
  // The "local cloud" serves its CloudFront path under /_cdn/ on the same test server as the API.
  const handler = createConsoleHandler({ files: async () => files, apiEndpoint: () => apiUrl, signer: apiSigner(credentials, 'eu-west-1'), port: () => port, cdn: () => apiUrl.replace(/\/prod$/, '') });
  proxy = createServer((req, res) => { void handler.handle(req, res).then((done) => { if (!done) res.writeHead(404).end(); }); });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  port = (proxy.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}/console/`;
  token = handler.token;
  expect(handler.url()).toBe(`${base}#token=${token}`);
});

afterAll(async () => {
  proxy.closeAllConnections();
  api.closeAllConnections();
  await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => api.close(r))]);
});

test('an API call is signed by the server and forwarded with only the API\'s headers', async () => {
  const res = await fetch(`${base}api/channels?status=ON_AIR`, {
    method: 'POST',
    headers: { 'x-onair-console-token': token, 'content-type': 'application/json', 'idempotency-key': 'key-12345678', cookie: 'a=b', origin: base.replace(/\/console\/$/, '') },
    body: '{"channelId":"abc"}',
  });
  expect(res.status).toBe(201);
  expect(res.headers.get('x-onair-api-date')).toBe('Fri, 04 Dec 2026 10:00:00 GMT');
  expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'/);
  const got = seen.at(-1)!;
  expect(got.signatureOk).toBe(true);
  expect(got.url).toBe('/prod/channels?status=ON_AIR');
  expect(got.body).toBe('{"channelId":"abc"}');
  expect(got.headers['idempotency-key']).toBe('key-12345678');
  expect(got.headers.cookie).toBeUndefined();
  expect(got.headers['x-onair-console-token']).toBeUndefined();
  expect(String(got.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/execute-api\//);
});

test.each([
  ['a wrong token', { 'x-onair-console-token': 'f'.repeat(64) }],
  ['another origin', { origin: 'http://evil.example' }],
  ['a lookalike origin', { origin: 'http://127.0.0.1.evil.example' }],
])('%s is refused with 403 and nothing is forwarded', async (_what, headers: Record<string, string>) => {
  const before = seen.length;
  const res = await fetch(`${base}api/channels`, { headers: { 'x-onair-console-token': token, ...headers } });
  expect(res.status).toBe(403);
  expect(seen.length).toBe(before);
});

test('a request without the token header is refused', async () => {
  const before = seen.length;
  const res = await fetch(`${base}api/channels`);
  expect(res.status).toBe(403);
  expect(seen.length).toBe(before);
});

test('a Host other than its loopback address (DNS rebinding) is refused', async () => {
  const { request } = await import('node:http');
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${base}index.html`, { headers: { host: 'rebind.example:80' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(421);
});

test('the page is served with the security headers; other methods and files are refused', async () => {
  const page = await fetch(base);
  expect(page.status).toBe(200);
  expect(page.headers.get('x-frame-options')).toBe('DENY');
  expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect((await fetch(`${base}nothing.js`)).status).toBe(404);
  expect((await fetch(base, { method: 'POST' })).status).toBe(405);
});

test('the preview plays the local cloud\'s streams from the console\'s origin: /console/cdn/<domain>/… relays <cloud>/_cdn/<domain>/…', async () => {
  const res = await fetch(`${base}cdn/d1234.cloudfront.net/out/v1/g/c/e/index.m3u8?x=1`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
  expect(await res.text()).toBe('#EXTM3U\n# /_cdn/d1234.cloudfront.net/out/v1/g/c/e/index.m3u8?x=1\n');
  // Only GET/HEAD, and only under a domain-shaped first segment.
  expect((await fetch(`${base}cdn/d1234.cloudfront.net/x.m3u8`, { method: 'POST' })).status).toBe(405);
  expect((await fetch(`${base}cdn/`)).status).toBe(404);
});
