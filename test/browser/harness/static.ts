/**
 * A tiny loopback server for a live folder an encoder writes into: content types of a media CDN,
 * `Access-Control-Allow-Origin: *` (the player page is on another origin, as a viewer page on a
 * deployed stage is), manifests never cached. ffmpeg rewrites manifests in place, so a reader can
 * catch one half-written: a manifest that does not look whole is read again a moment later.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface StaticServer {
  url: string;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mpd: 'application/dash+xml',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
  ts: 'video/mp2t',
};

function whole(name: string, body: string): boolean {
  if (name.endsWith('.mpd')) return body.includes('</MPD>');
  const lines = body.trimEnd().split('\n');
  return body.startsWith('#EXTM3U') && body.endsWith('\n') && !(lines[lines.length - 1] ?? '').startsWith('#EXTINF');
}

export async function serveLiveFolder(dir: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      if (path === '/time') {
        // The clock the MPD's UTCTiming points at (urn:mpeg:dash:utc:http-xsdate:2014).
        res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(new Date().toISOString());
        return;
      }
      const name = basename(path);
      const ext = name.split('.').pop() ?? '';
      const headers = { 'access-control-allow-origin': '*', 'content-type': TYPES[ext] ?? 'application/octet-stream' };
      if (!TYPES[ext]) {
        res.writeHead(404, headers).end();
        return;
      }
      try {
        let body = await readFile(join(dir, name));
        if (ext === 'm3u8' || ext === 'mpd') {
          for (let i = 0; i < 10 && !whole(name, body.toString('utf8')); i++) {
            await new Promise((r) => setTimeout(r, 25));
            body = await readFile(join(dir, name));
          }
        }
        res.writeHead(200, { ...headers, 'cache-control': ext === 'm3u8' || ext === 'mpd' ? 'no-cache' : 'max-age=1209600', 'content-length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch {
        res.writeHead(404, headers).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
