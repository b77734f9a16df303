/**
 * Small helpers shared by the media services' behaviours (MediaLive, MediaPackage v1/v2, CloudFront)
 * and playback. Behaviour only: nothing here knows about wire formats.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { AwsError, type RawResponse, type TwinEnv } from '../core/types';

/** What the media services need from the twin (timers fire after the request returned). */
export type MediaEnv = Pick<TwinEnv, 'clock' | 'latency' | 'events' | 'faults' | 'changed'>;

/**
 * A named duration from the latency profile (local/core/latency.ts is the one source). A missing name
 * is a programming error in the twin, so it fails loudly instead of guessing a number.
 */
export function duration(env: Pick<MediaEnv, 'latency'>, name: string): number {
  const value = env.latency[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`latency profile has no duration named '${name}'`);
  }
  return value;
}

/** How often a transition held by a test (`faults.hold`) re-checks whether it was released, in twin ms. */
const HOLD_RECHECK_TWIN_MS = 250;

/**
 * Pending state transitions per resource. A transition fires after its duration on the twin clock,
 * unless a test holds the resource in its transitional state: then it waits until released.
 */
export class Transitions {
  private readonly pending = new Map<string, Set<() => void>>();

  constructor(private readonly env: MediaEnv, private readonly service: string) {}

  after(resourceId: string, twinMs: number, fn: () => void): void {
    const set = this.pending.get(resourceId) ?? new Set<() => void>();
    this.pending.set(resourceId, set);
    let cancel: () => void = () => undefined;
    const fire = (): void => {
      set.delete(cancel);
      if (this.env.faults.isHeld(this.service, resourceId)) {
        cancel = this.env.clock.setTimer(HOLD_RECHECK_TWIN_MS, fire);
        set.add(cancel);
        return;
      }
      fn();
      this.env.changed();
    };
    cancel = this.env.clock.setTimer(twinMs, fire);
    set.add(cancel);
  }

  /** Cancels every pending transition of a resource (or of all resources). */
  cancel(resourceId?: string): void {
    const ids = resourceId === undefined ? [...this.pending.keys()] : [resourceId];
    for (const id of ids) {
      for (const c of this.pending.get(id) ?? []) c();
      this.pending.delete(id);
    }
  }
}

export function randomDigits(n: number): string {
  let s = String(randomInt(1, 10));
  while (s.length < n) s += String(randomInt(0, 10));
  return s;
}

export function randomHex(n: number): string {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export function randomAlnum(n: number, upper = false): string {
  let s = '';
  for (let i = 0; i < n; i++) s += LOWER_ALNUM[randomInt(0, LOWER_ALNUM.length)];
  return upper ? s.toUpperCase() : s;
}

/** A stable fingerprint of a request (key order independent) for idempotency-token comparisons. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}

/** Token pagination over an already ordered list (tokens are opaque offsets, as AWS's are opaque). */
export function paginate<T>(
  items: T[],
  maxResults: unknown,
  nextToken: unknown,
  defaultMax: number,
  errorFor: (message: string) => AwsError,
): { page: T[]; next?: string } {
  let start = 0;
  if (typeof nextToken === 'string' && nextToken !== '') {
    const decoded = Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(decoded) || decoded < 0) throw errorFor(`Invalid NextToken: ${nextToken}`);
    start = decoded;
  }
  const max = typeof maxResults === 'number' && maxResults > 0 ? maxResults : defaultMax;
  const page = items.slice(start, start + max);
  const end = start + page.length;
  return { page, next: end < items.length ? Buffer.from(String(end), 'utf8').toString('base64url') : undefined };
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function arr<T = Record<string, unknown>>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export function obj(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function tagsOf(value: unknown): Record<string, string> {
  const o = obj(value);
  if (!o) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** A JSON answer of the twin's control API (/_twin/...). */
export function jsonResponse(status: number, body: unknown): RawResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body, null, 2) };
}

/** Runs a control action; an AwsError becomes `{error, message}` with its status. */
export async function control(fn: () => unknown): Promise<RawResponse> {
  try {
    return jsonResponse(200, (await fn()) ?? {});
  } catch (e) {
    if (e instanceof AwsError) return jsonResponse(e.status, { error: e.code, message: e.message });
    throw e;
  }
}

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return obj(v) ?? {};
  } catch {
    throw new AwsError('BadRequest', 'The control API expects a JSON object body', 400);
  }
}
