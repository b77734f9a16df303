/**
 * The operator console's server side (issue 15): serves the built page under /console/ and a
 * same-origin proxy under /console/api/ that signs each call with SigV4 on the server and forwards
 * it to the OnAir API. The browser never holds AWS credentials: it holds only a random per-run
 * console token (in the printed URL's fragment, so it never reaches a server log or a Referer).
 *
 * Used by the local API (local/onair/api: /console/ on 127.0.0.1:4581, signed with the local
 * credentials) and by `onair console` (cli/console.ts: the user's credentials, a deployed stage's API).
 *
 * Refused before anything is forwarded:
 *   - a Host that is not the loopback address and port this server listens on (DNS rebinding);
 *   - an Origin, when the browser sends one, other than that same address (another site's page);
 *   - an API call without the console token header (a page of another origin cannot send a custom
 *     header without a CORS preflight, which this server never answers with an Allow header).
 * Every answer carries a strict Content-Security-Policy: scripts and styles from this server only,
 * no inline code, API calls to this origin, media from the stream's origin (the preview player).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SignatureV4 } from '@smithy/signature-v4';
import { signRequest } from '../lib/sigv4';
import { CONTENT_SECURITY_POLICY, relay } from '../player/server';

export const CONSOLE_PREFIX = '/console/';
export const CONSOLE_API_PREFIX = '/console/api/';
export const TOKEN_HEADER = 'x-onair-console-token';
/** The API's own clock (its Date header; the local cloud's runs faster than the wall clock). */
export const API_DATE_HEADER = 'x-onair-api-date';

// The page policy is the player's (the console embeds it): one source, player/server.ts.
export { CONTENT_SECURITY_POLICY };

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export interface ConsoleFile {
  body: Buffer;
  contentType: string;
}
export type ConsoleFiles = Map<string, ConsoleFile>;

export interface ConsoleOptions {
  /** The built page (console/build.ts buildConsole), loaded on the first request. */
  files: () => Promise<ConsoleFiles>;
  /** The OnAir API base URL the proxy forwards to (the local API's own URL, or a stage's HttpApiUrl). */
  apiEndpoint: () => string;
  /** Signs the forwarded requests (lib/sigv4.ts apiSigner). */
  signer: SignatureV4;
  /** The port this server listens on (Host and Origin must name it). */
  port: () => number;
  /** Default: 32 random bytes, hex. */
  token?: string;
  /**
   * The local cloud's URL: GET /console/cdn/<domain>/<path> relays its CloudFront path
   * (<cdn>/_cdn/<domain>/<path>, player/server.ts relay), so the preview plays the local streams
   * from this origin (the local CDN sends no CORS headers). Unset for a deployed stage.
   */
  cdn?: () => string | undefined;
}

export interface ConsoleHandler {
  token: string;
  /** The URL to open: the token travels in the fragment. */
  url(): string;
  /** Handles /console/…; false for any other path (the caller serves it). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const FORWARDED_HEADERS = ['content-type', 'idempotency-key'];
const MAX_BODY = 256 * 1024;

function refuse(res: ServerResponse, status: number, error: string, message: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  res.end(JSON.stringify({ error, message, details: [] }));
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new Error('body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Loopback names this server answers to, with its port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

export function createConsoleHandler(options: ConsoleOptions): ConsoleHandler {
  const token = options.token ?? randomBytes(32).toString('hex');
  let files: Promise<ConsoleFiles> | undefined;

  async function forward(req: IncomingMessage, res: ServerResponse, apiPath: string, search: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (!['GET', 'POST', 'PUT', 'DELETE'].includes(method)) { refuse(res, 405, 'MethodNotAllowed', `${method} is not proxied`); return; }
    const body = await readBody(req);
    const base = options.apiEndpoint().replace(/\/$/, '');
    const url = new URL(`${base}${apiPath}${search}`);
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const name of FORWARDED_HEADERS) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const signed = await signRequest(options.signer, { method, url, headers, ...(body !== '' ? { body } : {}) });
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    await new Promise<void>((resolve) => {
      const out = send(url, { method, headers: { ...signed, ...(body !== '' ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(chunks);
          res.writeHead(answer.statusCode ?? 502, {
            ...SECURITY_HEADERS,
            'content-type': String(answer.headers['content-type'] ?? 'application/json'),
            ...(answer.headers.date ? { [API_DATE_HEADER]: answer.headers.date } : {}),
          });
          res.end(text);
          resolve();
        });
        answer.on('error', () => { refuse(res, 502, 'BadGateway', 'The OnAir API answer was cut off'); resolve(); });
      });
      out.setTimeout(30_000, () => out.destroy(new Error('timed out after 30 s')));
      out.on('error', (error) => { refuse(res, 502, 'BadGateway', `Cannot reach the OnAir API: ${error.message}`); resolve(); });
      out.end(body !== '' ? body : undefined);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    if (path !== '/console' && !path.startsWith(CONSOLE_PREFIX)) return false;
    const port = options.port();
    const hosts = allowedHosts(port);
    const host = req.headers.host ?? '';
    if (!hosts.includes(host)) { refuse(res, 421, 'MisdirectedRequest', 'The console answers only on its loopback address'); return true; }
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) {
      refuse(res, 403, 'Forbidden', 'Requests from another origin are refused');
      return true;
    }
    if (path === '/console') {
      res.writeHead(308, { ...SECURITY_HEADERS, location: CONSOLE_PREFIX }).end();
      return true;
    }
    if (path.startsWith(CONSOLE_API_PREFIX)) {
      const given = req.headers[TOKEN_HEADER];
      if (typeof given !== 'string' || !sameToken(given, token)) {
        refuse(res, 403, 'Forbidden', 'Missing or wrong console token: open the URL the console printed');
        return true;
      }
      try {
        await forward(req, res, `/${path.slice(CONSOLE_API_PREFIX.length)}`, url.search);
      } catch (error) {
        if (!res.headersSent) refuse(res, 502, 'BadGateway', (error as Error).message);
      }
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') { refuse(res, 405, 'MethodNotAllowed', 'The page is read-only'); return true; }
    const cdnPath = /^\/console\/cdn\/([a-z0-9.-]+\/.+)$/i.exec(path);
    const cdn = options.cdn?.();
    if (cdnPath && cdn) {
      await relay(cdn.replace(/\/+$/, ''), cdnPath[1]!, url.search, req, res);
      return true;
    }
    files ??= options.files();
    let built: ConsoleFiles;
    try {
      built = await files;
    } catch (error) {
      files = undefined;
      refuse(res, 500, 'BuildFailed', `The console could not be built: ${(error as Error).message}`);
      return true;
    }
    const name = path.slice(CONSOLE_PREFIX.length) || 'index.html';
    const file = built.get(name);
    if (!file) { refuse(res, 404, 'NotFound', `No ${name} in the console`); return true; }
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.contentType, 'content-length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  }

  return {
    token,
    url: () => `http://127.0.0.1:${options.port()}${CONSOLE_PREFIX}#token=${token}`,
    handle,
  };
}
