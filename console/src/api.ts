/**
 * Calls the OnAir API through the console's same-origin proxy (/console/api/…, console/server.ts),
 * which signs them with SigV4 on the server: this page holds no AWS credentials, only the console
 * token from the URL's fragment (kept in sessionStorage, removed from the address bar).
 */
import type { ErrorBody } from './types';

const TOKEN_KEY = 'onair-console-token';

function readToken(): string {
  const m = /(?:^|[#&])token=([0-9a-f]+)/.exec(location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}${location.hash.replace(/(^#|&)token=[0-9a-f]+/, '$1').replace(/^#&?$/, '') || ''}`);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

const token = readToken();
/** API time minus this browser's time (the local cloud's clock runs faster than the wall clock). */
let clockOffsetMs = 0;

export function apiNow(): number {
  return Date.now() + clockOffsetMs;
}

export interface Answer<T> {
  status: number;
  ok: boolean;
  body: T;
  error?: ErrorBody;
}

export class ApiUnreachable extends Error {}

export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await fetch(`api${path}`, {
      method,
      headers: { 'x-onair-console-token': token, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiUnreachable(`The console server did not answer: ${(error as Error).message}`);
  }
  const date = Date.parse(res.headers.get('x-onair-api-date') ?? '');
  if (!Number.isNaN(date)) clockOffsetMs = date - Date.now();
  const text = await res.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = { error: 'BadAnswer', message: text.slice(0, 200), details: [] }; }
  const ok = res.status >= 200 && res.status < 300;
  return { status: res.status, ok, body: parsed as T, ...(ok ? {} : { error: normaliseError(parsed, res.status) }) };
}

function normaliseError(body: unknown, status: number): ErrorBody {
  const b = body as Partial<ErrorBody> | undefined;
  return {
    error: typeof b?.error === 'string' ? b.error : `HTTP ${status}`,
    message: typeof b?.message === 'string' ? b.message : `The API answered ${status}`,
    details: Array.isArray(b?.details) ? b.details : [],
  };
}

export const hasToken = (): boolean => token !== '';
