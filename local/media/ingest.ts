/**
 * RTMP ingest for the twin's push inputs: one listener on 127.0.0.1 per twin (node-media-server
 * 2.7's RTMP session, without its HTTP server, relay or process-wide signal handlers).
 *
 * A publisher is admitted as MediaLive admits one (MediaLive UG "Input security groups": a push input
 * accepts content only from the CIDRs of its input security group; "Setting up an RTMP push input":
 * the encoder pushes to the input's URL with its application name and instance, one per pipeline) —
 * and only while a channel the input is attached to is running (MediaLive listens only then).
 */
import { createServer, type Server, type Socket } from 'node:net';

/** One push destination of an attached RTMP_PUSH input of a running channel. */
export interface IngestTarget {
  channelId: string;
  inputId: string;
  /** Pipeline the destination feeds ("0", "1"). */
  pipeline: string;
  app: string;
  stream: string;
  cidrs: string[];
}

export type Admission = { ok: true; target: IngestTarget } | { ok: false; reason: string };

/** Pure: is this publisher let in? `path` is `/app/stream` (query string already removed). */
export function admitPublish(targets: IngestTarget[], ip: string, path: string): Admission {
  const m = /^\/([^/]+)\/([^/?]+)$/.exec(path);
  if (!m) return { ok: false, reason: `stream path ${path} is not /app/instance` };
  const [, app, stream] = m as unknown as [string, string, string];
  const target = targets.find((t) => t.app === app && t.stream === stream);
  if (!target) return { ok: false, reason: `no running channel has an RTMP push input at ${app}/${stream}` };
  const v4 = ipv4Of(ip);
  if (v4 === undefined || !target.cidrs.some((c) => cidrContains(c, v4))) {
    return { ok: false, reason: `source ${ip} is outside the input security group (${target.cidrs.join(', ') || 'no rules'})` };
  }
  return { ok: true, target };
}

/** `rtmp://host:port/app/stream` → app and stream, as MediaLive splits an RTMP push URL. */
export function appAndStream(url: string): { app: string; stream: string } | undefined {
  const m = /^rtmps?:\/\/[^/]+\/([^/]+)\/([^/?]+)$/.exec(url);
  return m ? { app: m[1]!, stream: m[2]! } : undefined;
}

/** IPv4 (dotted, or IPv4-mapped IPv6) → 32-bit number. */
export function ipv4Of(ip: string): number | undefined {
  const s = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function cidrContains(cidr: string, ip: number): boolean {
  const [base, bitsText] = cidr.split('/');
  const b = ipv4Of(base ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
  return ((b & mask) >>> 0) === ((ip & mask) >>> 0);
}

// ───────────────────────────── the listener ─────────────────────────────

/** What the twin uses of node-media-server 2.7's RTMP session (src/node_rtmp_session.js). */
interface RtmpSession {
  id: string;
  ip: string;
  config: object;
  run(): void;
  reject(): void;
  stop(): void;
}
interface NmsContext {
  sessions: Map<string, RtmpSession>;
  nodeEvent: { on(name: string, fn: (id: string, path: string) => void): void; removeListener(name: string, fn: (id: string, path: string) => void): void };
}
interface NmsLogger { setLogType(level: number): void }

export interface IngestEvents {
  /** Admission rule, asked on every publish (prePublish). */
  admit(ip: string, path: string): Admission;
  /** A publisher was admitted and is sending (postPublish). */
  published(target: IngestTarget, path: string): void;
  /** The publisher went away (donePublish): input loss. */
  unpublished(path: string): void;
  refused?(ip: string, path: string, reason: string): void;
}

/**
 * The twin's RTMP listener. node-media-server keeps its sessions and events in module-wide state,
 * so each listener tags its sessions with its own config object and ignores the others' events.
 */
export class RtmpIngest {
  private server?: Server;
  private readonly config = { rtmp: { port: 0, chunk_size: 60000, gop_cache: true, ping: 30, ping_timeout: 60 }, logType: 0 };
  private readonly admitted = new Map<string, IngestTarget>();
  private readonly ctx: NmsContext;
  private readonly Session: new (config: object, socket: Socket) => RtmpSession;
  private readonly handlers: Record<string, (id: string, path: string) => void>;

  constructor(readonly port: number, private readonly events: IngestEvents) {
    // node-media-server 2.7 ships CommonJS without types; these are the parts it documents in its
    // README (events prePublish/postPublish/donePublish, session.reject()).
    /* eslint-disable @typescript-eslint/no-require-imports -- untyped CommonJS internals, loaded only when a channel runs */
    this.ctx = require('node-media-server/src/node_core_ctx') as NmsContext;
    this.Session = require('node-media-server/src/node_rtmp_session') as new (config: object, socket: Socket) => RtmpSession;
    (require('node-media-server/src/node_core_logger') as NmsLogger).setLogType(0);
    /* eslint-enable @typescript-eslint/no-require-imports */
    this.handlers = {
      prePublish: (id, path) => {
        const session = this.mine(id);
        if (!session) return;
        const verdict = this.events.admit(session.ip, path);
        if (!verdict.ok) {
          this.events.refused?.(session.ip, path, verdict.reason);
          session.reject();
          return;
        }
        this.admitted.set(id, verdict.target);
      },
      postPublish: (id, path) => {
        const target = this.admitted.get(id);
        if (target && this.mine(id)) this.events.published(target, path);
      },
      donePublish: (id, path) => {
        if (!this.admitted.delete(id)) return;
        this.events.unpublished(path);
      },
    };
  }

  private mine(id: string): RtmpSession | undefined {
    const s = this.ctx.sessions.get(id);
    return s && s.config === this.config ? s : undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    for (const [name, fn] of Object.entries(this.handlers)) this.ctx.nodeEvent.on(name, fn);
    this.config.rtmp.port = this.port;
    const server = createServer((socket) => new this.Session(this.config, socket).run());
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => ok());
    });
  }

  /** Disconnects every publisher of a channel (its input stopped listening: channel stopped). */
  dropChannel(channelId: string): void {
    for (const [id, t] of this.admitted) if (t.channelId === channelId) this.ctx.sessions.get(id)?.stop();
  }

  async stop(): Promise<void> {
    for (const [name, fn] of Object.entries(this.handlers)) this.ctx.nodeEvent.removeListener(name, fn);
    for (const s of [...this.ctx.sessions.values()]) if (s.config === this.config) s.stop();
    this.admitted.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }
}

/** A free TCP port on 127.0.0.1 (the RTMP port is chosen once per twin, before any input exists). */
export async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number): Promise<number | undefined> => new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(undefined));
    s.listen(port, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
  if (preferred) {
    const p = await tryListen(preferred);
    if (p !== undefined) return p;
  }
  const p = await tryListen(0);
  if (p === undefined) throw new Error('no free port for the RTMP listener');
  return p;
}
