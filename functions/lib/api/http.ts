/**
 * The API's dispatcher, shared by the Lambda handlers (API Gateway HTTP API, payload 2.0) and
 * the local API server: match the route, validate params/query/headers/body with the route's
 * schemas, run the domain function, and turn every error into `{error, message, details}`.
 */
import type * as z from 'zod/mini';
import { RouteNotFoundError, ValidationError } from '../errors';
import { issuesToDetails } from '../validation';
import { logger } from '../logger';
import { INTERNAL_ERROR, toHttpError } from './errors';
import type { RouteSpec } from './schemas';

export interface ApiRequest {
  method: string;
  /** Path without stage or query string: `/channels/abc`. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body?: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

type Out<T> = T extends z.ZodMiniType ? z.output<T> : undefined;
export interface RouteInput<S extends RouteSpec> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  headers: Out<S['headers']>;
  body: Out<S['body']>;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  /** Sent as the Location header (202/201) and usually also in the body. */
  location?: string;
}

export interface BoundRoute {
  spec: RouteSpec;
  run: (input: RouteInput<RouteSpec>) => Promise<RouteResult>;
}

export function bind<S extends RouteSpec>(spec: S, run: (input: RouteInput<S>) => Promise<RouteResult>): BoundRoute {
  return { spec, run: run as unknown as BoundRoute['run'] };
}

/** API Gateway caps payloads at 10 MB; OnAir's largest body (a profile) is a few KB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** `/channels/{id}` → a regex with one capture per `{name}` (route paths hold no other special characters). */
function pathRegex(path: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { re: new RegExp(`^${source}/?$`), names };
}

function parsePart(schema: z.ZodMiniType | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesToDetails(result.error).map((d) => ({
    field: d.field === '(root)' ? part : `${part}.${d.field}`,
    message: d.message,
  }));
  throw new ValidationError(`Invalid ${part}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
}

function parseBody(spec: RouteSpec, raw: string | undefined): unknown {
  if (!spec.body) return undefined;
  if (raw === undefined || raw.trim() === '') {
    throw new ValidationError('A JSON body is required', [{ field: 'body', message: 'required' }]);
  }
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    throw new ValidationError(`Body larger than ${MAX_BODY_BYTES} bytes`, [{ field: 'body', message: 'too large' }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ValidationError('Body is not valid JSON', [{ field: 'body', message: 'not valid JSON' }]);
  }
  return parsePart(spec.body, json, 'body');
}

export function json(statusCode: number, body: unknown, extra: Record<string, string> = {}): ApiResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...extra },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function errorResponse(error: unknown): ApiResponse {
  const mapped = toHttpError(error);
  if (mapped) return json(mapped.statusCode, mapped.body);
  logger.error('unexpected API error', error instanceof Error ? error : new Error(String(error)));
  return json(INTERNAL_ERROR.statusCode, INTERNAL_ERROR.body);
}

export function createDispatcher(bound: BoundRoute[]): (req: ApiRequest) => Promise<ApiResponse> {
  const table = bound.map((b) => ({ ...b, ...pathRegex(b.spec.path) }));
  return async (req) => {
    try {
      const method = req.method.toUpperCase();
      let route: (typeof table)[number] | undefined;
      let match: RegExpMatchArray | null = null;
      for (const r of table) {
        if (r.spec.method !== method) continue;
        match = req.path.match(r.re);
        if (match) { route = r; break; }
      }
      if (!route || !match) throw new RouteNotFoundError(method, req.path);
      const rawParams: Record<string, string> = {};
      route.names.forEach((n, i) => {
        let v = match![i + 1];
        try { v = decodeURIComponent(v); } catch { /* keep raw: the schema names it */ }
        rawParams[n] = v;
      });
      const query = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== undefined));
      const input = {
        params: parsePart(route.spec.params, rawParams, 'params'),
        query: parsePart(route.spec.query, query, 'query'),
        headers: parsePart(route.spec.headers, req.headers, 'header'),
        body: parseBody(route.spec, req.body),
      } as RouteInput<RouteSpec>;
      const result = await route.run(input);
      return json(result.status, result.body, result.location ? { location: result.location } : {});
    } catch (error) {
      return errorResponse(error);
    }
  };
}
