/**
 * The twin's HTTP server: one endpoint speaking every service's AWS protocol, plus the control API
 * under /_twin/. `startTwin()` is the only entry point (npm start, integration tests, benchmarks).
 *
 * Request path: address the service (SigV4 scope first) → choose its protocol → decode with the model
 * → rate limit → validate → faults → behaviour → encode. The same `execute` serves in-process calls
 * between services (env.invoke), so they see the same limits, faults and validation.
 */
import './polyfills';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TwinClock, type ManualClock } from './core/clock';
import { TwinEventBus } from './core/events';
import { FaultRegistry, type FaultSpec } from './core/faults';
import { DEFAULT_SCALE, LATENCY, RATE_LIMITS } from './core/latency';
import { resolveTwinQuotas, type TwinQuotaOption } from './core/quotas';
import { RateLimiter } from './core/ratelimit';
import { RequestLog } from './core/requestlog';
import { AwsError, type InventoryItem, type ModelValue, type OpContext, type RawResponse, type ServiceBehaviour, type ServiceFactory, type TwinEnv, type TwinRoute } from './core/types';
import { SERVICES } from './services';
import { CloudWatchService } from './services/cloudwatch';
import { LambdaService } from './services/lambda';
import { SqsService } from './services/sqs';
import { MediaPlane, type MediaOptions } from './media';
import { addressService, decodeRequest, encodeError, encodeResponse, loadModel, selectProtocol, validateInput, wireRequest, type ProtocolName, type WireResponse } from './protocols';

export const ACCOUNT_ID = '111122223333';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_PORT = 4580;

export interface TwinOptions {
  /** Default 4580; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Twin milliseconds per real millisecond (default DEFAULT_SCALE; 1 = AWS's real pace). */
  scale?: number;
  /**
   * A clock the caller moves itself (core/clock.ts ManualClock), instead of one running `scale` times
   * real time: twin time then passes only when the caller advances it. `scale` is ignored.
   */
  clock?: ManualClock;
  /** Folder for persisted state; omitted = in memory only. */
  dataDir?: string;
  /** Deletes the data folder first. */
  fresh?: boolean;
  /** The services to serve (default: local/services/index.ts). */
  services?: readonly ServiceFactory[];
  /** Log each request to stdout. */
  verbose?: boolean;
  /** Account quotas: 'default' (AWS's), 'raised' or a multiplier; omitted = ONAIR_TWIN_QUOTAS (local/core/quotas.ts). */
  quotas?: TwinQuotaOption;
  /**
   * The twin's home region (default us-east-1): where in-process calls and unsigned requests go and
   * where the local stack is deployed. Signed requests still name their own region.
   */
  region?: string;
  /**
   * Real media (local/media): RTMP ingest, the channels' own ladders encoded with ffmpeg, real
   * segments through the CDN path. Omitted = off (placeholder segments, no ffmpeg).
   */
  media?: MediaOptions;
}

export interface Twin {
  url: string;
  port: number;
  clock: TwinClock | ManualClock;
  faults: FaultRegistry;
  events: TwinEventBus;
  services: Map<string, ServiceBehaviour>;
  requests: RequestLog;
  env: TwinEnv;
  /** The media plane, when `media` was given. */
  media?: MediaPlane;
  inventory(): InventoryItem[];
  /** Calls an operation in-process (same path as HTTP, without the wire). */
  invoke(service: string, operation: string, input: ModelValue, opts?: { region?: string }): Promise<ModelValue>;
  /** Writes every service's state to the data folder now (no-op in memory). */
  save(): void;
  stop(): Promise<void>;
}

const READ_ONLY = /^(Describe|Get|List)/;

function json(status: number, body: unknown): RawResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body, null, 2) };
}

export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const port = options.port ?? DEFAULT_PORT;
  const homeRegion = options.region ?? DEFAULT_REGION;
  const host = options.host ?? '127.0.0.1';
  const persistent = options.dataDir !== undefined;
  const dataDir = persistent ? resolve(options.dataDir!) : mkdtempSync(join(tmpdir(), 'onair-twin-'));
  if (persistent && options.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, 'state'), { recursive: true });

  // Twin time is monotonic across runs: it resumes where the last run stopped (or at real time when
  // that is later), so persisted deadlines (a secret's purge, a schedule) never move backwards.
  const clockFile = join(dataDir, 'state', '_clock.json');
  const savedNow = persistent && existsSync(clockFile) ? (JSON.parse(readFileSync(clockFile, 'utf8')) as { now?: number }).now : undefined;
  const clock = options.clock ?? new TwinClock(options.scale ?? DEFAULT_SCALE, typeof savedNow === 'number' ? Math.max(Date.now(), savedNow) : undefined);
  const services = new Map<string, ServiceBehaviour>();
  const requests = new RequestLog();
  const limiter = new RateLimiter(clock);
  const faults = new FaultRegistry(clock, {
    statusOf: (service, code) => loadModel(service)?.errorShape(code)?.error?.httpStatusCode ?? 400,
    throttleError: (service) => {
      const m = loadModel(service);
      for (const c of ['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'Throttled', 'ThrottledException', 'RequestLimitExceeded']) {
        const s = m?.errorShape(c);
        if (s) return { code: m!.errorShapeName(c)!, status: s.error?.httpStatusCode ?? 400 };
      }
      // Services whose model declares no throttling error answer with the query/JSON generic one.
      return { code: 'ThrottlingException', status: 400 };
    },
  });
  const events = new TwinEventBus(clock, { region: homeRegion, account: ACCOUNT_ID });

  // State is saved 250 ms after a change at the earliest, and never more often than every
  // SAVE_COST_RATIO × the last save's own duration: with hundreds of executions in the histories a
  // save takes tens of milliseconds, and saving must not become the twin's main work.
  const SAVE_DEBOUNCE_MS = 250;
  const SAVE_COST_RATIO = 20;
  let saveTimer: NodeJS.Timeout | undefined;
  let lastSaveMs = 0;
  const save = (): void => {
    if (saveTimer) { clearTimeout(saveTimer); saveTimer = undefined; }
    if (!persistent) return;
    const started = Date.now();
    writeFileSync(clockFile, JSON.stringify({ now: clock.now() }));
    for (const [name, svc] of services) {
      if (!svc.snapshot) continue;
      const file = join(dataDir, 'state', `${name}.json`);
      writeFileSync(`${file}.tmp`, JSON.stringify(svc.snapshot()));
      renameSync(`${file}.tmp`, file);
    }
    lastSaveMs = Date.now() - started;
  };
  const changed = (): void => {
    if (!persistent || saveTimer) return;
    const delay = Math.max(SAVE_DEBOUNCE_MS, lastSaveMs * SAVE_COST_RATIO);
    saveTimer = setTimeout(() => { saveTimer = undefined; try { save(); } catch (e) { console.error('[twin] saving state failed:', e); } }, delay);
  };

  const execute = async (service: string, operation: string, input: ModelValue, ctx: Omit<OpContext, 'service' | 'operation' | 'clock' | 'latency' | 'events' | 'faults' | 'accountId'>): Promise<ModelValue> => {
    const behaviour = services.get(service);
    const model = loadModel(service);
    if (!behaviour) throw new AwsError('UnknownServiceException', `The twin does not serve ${service}`, 400);
    // AWS API quotas are per account and Region.
    const limit = RATE_LIMITS[service];
    if (limit && !limiter.take(`${service}|${ACCOUNT_ID}|${ctx.region}`, limit.tps, limit.burst)) throw new AwsError(limit.code, limit.message, limit.status);
    if (model) validateInput(model, operation, input);
    await faults.before(service, operation, input);
    const handler = behaviour.operations[operation];
    if (!handler) throw new AwsError('NotImplementedException', `The twin's ${service} does not implement ${operation} yet`, 501);
    const out = await handler(input, { ...ctx, service, operation, accountId: ACCOUNT_ID, clock, latency: LATENCY, events, faults });
    if (!READ_ONLY.test(operation)) changed();
    return out ?? {};
  };

  const invoke = async (service: string, operation: string, input: ModelValue, opts: { region?: string } = {}): Promise<ModelValue> => {
    const started = Date.now();
    const requestId = randomUUID();
    const region = opts.region ?? homeRegion;
    try {
      const out = await execute(service, operation, input, { region, headers: {}, requestId });
      requests.add({ time: new Date(clock.now()).toISOString(), service, operation, region, protocol: 'in-process', status: 200, requestId, durationMs: Date.now() - started, via: 'in-process' });
      return out;
    } catch (e) {
      const status = e instanceof AwsError ? e.status : 500;
      requests.add({ time: new Date(clock.now()).toISOString(), service, operation, region, protocol: 'in-process', status, errorCode: e instanceof AwsError ? e.code : 'InternalFailure', requestId, durationMs: Date.now() - started, via: 'in-process' });
      throw e;
    }
  };

  const quotas = resolveTwinQuotas(options.quotas);
  const env: TwinEnv = { clock, latency: LATENCY, events, faults, accountId: ACCOUNT_ID, region: homeRegion, dataDir, persistent, quotas, changed, invoke };
  const factories = options.services ?? SERVICES;
  for (const make of factories) {
    const svc = make(env);
    if (services.has(svc.signingName)) throw new Error(`two services claim ${svc.signingName}`);
    services.set(svc.signingName, svc);
    const file = join(dataDir, 'state', `${svc.signingName}.json`);
    if (persistent && svc.restore && existsSync(file)) {
      try { svc.restore(JSON.parse(readFileSync(file, 'utf8')) as unknown); } catch (e) { throw new Error(`cannot restore ${svc.signingName} from ${file} (start with --fresh to discard it): ${(e as Error).message}`, { cause: e }); }
    }
  }

  // The media plane registers before the first request: RTMP_PUSH inputs take its listener's URL.
  const media = options.media ? await MediaPlane.create(env, options.media) : undefined;

  // A function's EMF log lines become CloudWatch metrics in the function's region (the twin's home
  // region), as CloudWatch Logs extracts them from its log group.
  const lambda = services.get('lambda');
  const monitoring = services.get('monitoring');
  if (lambda instanceof LambdaService && monitoring instanceof CloudWatchService) {
    lambda.onMetricLine((line) => monitoring.putEmf(homeRegion, line));
  }
  // SQS publishes its queues' metrics (AWS/SQS, by QueueName) to CloudWatch every minute.
  const sqs = services.get('sqs');
  if (sqs instanceof SqsService && monitoring instanceof CloudWatchService) {
    sqs.onMetric((m) => monitoring.putServiceMetric(m.region, 'AWS/SQS', m.MetricName, [{ Name: 'QueueName', Value: m.QueueName }], m.Value, m.Timestamp, 'Count'));
  }

  const inventory = (): InventoryItem[] => [...services.values()].flatMap((s) => s.inventory());

  const controlRoutes: TwinRoute[] = [
    { method: 'GET', prefix: '/_twin/health', handle: () => json(200, { ok: true, scale: clock.scale, now: new Date(clock.now()).toISOString(), services: [...services.keys()], quotas }) },
    { method: 'GET', prefix: '/_twin/clock', handle: () => json(200, { now: clock.now(), iso: new Date(clock.now()).toISOString(), scale: clock.scale }) },
    {
      method: 'GET', prefix: '/_twin/inventory', handle: ({ query }) => {
        const svc = query.get('service');
        const items = inventory().filter((i) => !svc || i.service === svc);
        const byService: Record<string, number> = {};
        for (const i of items) byService[i.service] = (byService[i.service] ?? 0) + 1;
        return json(200, { count: items.length, byService, items });
      },
    },
    {
      prefix: '/_twin/requests', handle: ({ method, query }) => {
        if (method === 'DELETE') { requests.clear(); return json(200, { cleared: true }); }
        const since = query.get('since');
        return json(200, { requests: requests.list({ service: query.get('service') ?? undefined, operation: query.get('operation') ?? undefined, since: since ? Number(since) : undefined }) });
      },
    },
    { method: 'GET', prefix: '/_twin/events', handle: () => json(200, { events: events.history() }) },
    {
      prefix: '/_twin/faults', handle: ({ method, path, body }) => {
        const rest = path.slice('/_twin/faults'.length).replace(/^\//, '');
        const parse = (): Record<string, unknown> => {
          try { return JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>; } catch { throw new TwinControlError('body must be JSON'); }
        };
        if (rest.startsWith('hold')) {
          const { service, resourceId } = parse() as { service?: string; resourceId?: string };
          if (method === 'GET') return json(200, { holds: faults.holds() });
          if (!service || !resourceId) throw new TwinControlError('give service and resourceId');
          if (method === 'POST') faults.hold(service, resourceId); else if (method === 'DELETE') faults.release(service, resourceId);
          return json(200, { holds: faults.holds() });
        }
        if (method === 'GET') return json(200, { faults: faults.list(), holds: faults.holds() });
        if (method === 'POST') {
          try { return json(201, faults.inject(parse() as unknown as FaultSpec)); } catch (e) { throw new TwinControlError((e as Error).message); }
        }
        if (method === 'DELETE') {
          if (rest) return faults.remove(rest) ? json(200, { removed: rest }) : json(404, { error: 'NotFound', message: `no fault ${rest}` });
          faults.clear();
          return json(200, { cleared: true });
        }
        return json(405, { error: 'MethodNotAllowed' });
      },
    },
  ];
  const extraRoutes = [...services.values()].flatMap((s) => s.routes ?? []);
  const routes = [...controlRoutes, ...extraRoutes].sort((a, b) => b.prefix.length - a.prefix.length);

  const send = (res: ServerResponse, r: RawResponse | WireResponse): void => {
    const body = r.body === undefined ? '' : r.body;
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(r.status, headers);
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const url = req.url ?? '/';
    const wire = wireRequest(req.method ?? 'GET', url, req.headers, body);
    const raw = { method: wire.method, url, headers: wire.headers, body };
    if (wire.rawPath.startsWith('/_')) {
      const route = routes.find((r) => wire.rawPath.startsWith(r.prefix) && (!r.method || r.method === wire.method));
      if (route) {
        try { return send(res, await route.handle({ ...raw, path: wire.rawPath, query: wire.query })); } catch (e) {
          if (e instanceof TwinControlError) return send(res, json(400, { error: 'BadRequest', message: e.message }));
          throw e;
        }
      }
      if (wire.rawPath.startsWith('/_twin/')) return send(res, json(404, { error: 'NotFound', message: `no control route ${wire.method} ${wire.rawPath}` }));
    }
    const addressed = addressService(wire, [...services.keys()], homeRegion);
    if (!addressed) {
      return send(res, json(400, { __type: 'UnrecognizedClientException', message: 'The twin cannot tell which AWS service this request is for: sign it with SigV4 (the SDKs and CLI do).' }));
    }
    const behaviour = services.get(addressed.service)!;
    if (behaviour.proxy) {
      const started = Date.now();
      const target = wire.headers['x-amz-target'] ?? '';
      const operation = target.slice(target.lastIndexOf('.') + 1) || wire.rawPath;
      const log = (status: number, requestId: string, errorCode?: string): void => {
        requests.add({ time: new Date(clock.now()).toISOString(), service: addressed.service, operation, region: addressed.region, protocol: 'proxy', status, ...(errorCode ? { errorCode } : {}), requestId, durationMs: Date.now() - started, via: 'http' });
      };
      // Proxied services (DynamoDB) take injected faults too, answered in awsJson as they would be.
      try {
        let input: Record<string, unknown> = {};
        try { input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>; } catch { /* the real implementation will say so */ }
        await faults.before(addressed.service, operation, input);
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        const requestId = randomUUID();
        log(e.status, requestId, e.code);
        return send(res, { status: e.status, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId }, body: JSON.stringify({ __type: `com.amazonaws.${addressed.service}#${e.code}`, message: e.message }) });
      }
      const r = await behaviour.proxy(raw);
      log(r.status, r.headers?.['x-amzn-requestid'] ?? '', r.status >= 400 ? /"__type":"[^"]*#([^"]+)"/.exec(String(r.body))?.[1] : undefined);
      if (r.status < 400 && !/\.(Describe|Get|List|Query|Scan|BatchGet)/.test(target)) changed();
      return send(res, r);
    }
    const model = loadModel(addressed.service);
    if (!model) return send(res, json(400, { message: `no model for ${addressed.service}` }));
    const protocol: ProtocolName = selectProtocol(model, wire);
    const requestId = randomUUID();
    const started = Date.now();
    let operation = '?';
    try {
      const decoded = decodeRequest(model, protocol, wire);
      operation = decoded.operation;
      const out = await execute(addressed.service, operation, decoded.input, { region: addressed.region, headers: wire.headers, requestId });
      const r = encodeResponse(model, protocol, operation, out, requestId);
      requests.add({ time: new Date(clock.now()).toISOString(), service: addressed.service, operation, region: addressed.region, protocol, status: r.status, requestId, durationMs: Date.now() - started, via: 'http' });
      if (options.verbose) console.log(`[twin] ${addressed.service}.${operation} ${r.status}`);
      return send(res, r);
    } catch (e) {
      const err = e instanceof AwsError ? e : internal(e, addressed.service, operation);
      const r = encodeError(model, protocol, err, requestId);
      requests.add({ time: new Date(clock.now()).toISOString(), service: addressed.service, operation, region: addressed.region, protocol, status: r.status, errorCode: err.code, requestId, durationMs: Date.now() - started, via: 'http' });
      if (options.verbose) console.log(`[twin] ${addressed.service}.${operation} ${r.status} ${err.code}: ${err.message}`);
      return send(res, r);
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
        console.error('[twin] request failed:', e);
        if (!res.headersSent) send(res, json(500, { message: 'twin internal error' }));
      });
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      fail(e.code === 'EADDRINUSE' ? new Error(`port ${port} is in use — is another \`npm start\` running? use --port`) : e);
    });
    server.listen(port, host, () => ok());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host}:${actualPort}`;
  for (const svc of services.values()) await svc.start?.({ url, port: actualPort });

  // A crash or process.exit() still leaves the last state on disk (stop() is the normal path).
  const saveOnExit = (): void => { try { save(); } catch { /* nothing more can be done at exit */ } };
  if (persistent) process.once('exit', saveOnExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', saveOnExit);
    try { save(); } catch (e) { console.error('[twin] saving state failed:', e); }
    clock.dispose();
    await new Promise<void>((ok) => { server.close(() => ok()); server.closeAllConnections(); });
    await media?.stop();
    for (const svc of services.values()) await svc.stop?.();
    if (!persistent) rmSync(dataDir, { recursive: true, force: true });
  };

  return { url, port: actualPort, clock, faults, events, services, requests, env, media, inventory, invoke, save, stop };
}

class TwinControlError extends Error {}

function internal(e: unknown, service: string, operation: string): AwsError {
  console.error(`[twin] ${service}.${operation} failed inside the twin:`, e);
  return new AwsError('InternalServerErrorException', `The twin failed inside ${service}.${operation}: ${(e as Error)?.message ?? String(e)}`, 500);
}
