/**
 * Fault injection: fail the Nth call of service:operation with an AWS error, fail always, throttle,
 * add latency, time a Lambda invocation out, or hold a resource in its transitional state. The server
 * calls `before` for every operation (HTTP or in-process) after validation; behaviours consult
 * `isHeld` before completing a transition, and Lambda's Invoke consults `takeTimeout`.
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type Clock, type FaultInjector } from './types';

export interface FaultSpec {
  /** Signing name: medialive, mediapackagev2, cloudfront, monitoring … */
  service: string;
  /** Operation name from the model; omitted or `*` = every operation of the service. */
  operation?: string;
  /** The first matching call (1-based, counted from injection) that fails. Default 1. */
  nth?: number;
  /** How many calls fail from the Nth on (default 1). */
  times?: number;
  /** Every call from the Nth on fails, until the fault is cleared. */
  always?: boolean;
  /** The error to return, as the service's own error code (status from the model when omitted). */
  error?: { code: string; message?: string; status?: number };
  /** Return the service's own throttling error (TooManyRequestsException, Throttling …). */
  throttle?: boolean;
  /** Twin milliseconds added before the call proceeds (or fails). */
  latencyMs?: number;
  /** Only calls whose input has these member values, e.g. `{ ChannelId: "1234567" }`. */
  match?: Record<string, string | number | boolean>;
  /**
   * Lambda Invoke only: the function runs to completion (its side effects happen, as a real function
   * that overran may have done), then the invocation is reported as timed out: FunctionError
   * Unhandled, errorType Sandbox.Timedout, `Task timed out after <function timeout>.00 seconds`.
   * Decided by `takeTimeout`, never by `before` (the call is not failed up front).
   */
  timeout?: boolean;
}

export interface Fault { id: string; spec: FaultSpec; seen: number; fired: number; createdAt: number }

export interface FaultResolvers {
  /** HTTP status the model gives an error code (400 when unknown). */
  statusOf(service: string, code: string): number;
  /** The service's throttling error. */
  throttleError(service: string): { code: string; status: number };
}

export class FaultRegistry implements FaultInjector {
  private readonly faults: Fault[] = [];
  private readonly held = new Set<string>();

  constructor(private readonly clock: Clock, private readonly resolvers: FaultResolvers) {}

  inject(spec: FaultSpec): Fault {
    if (!spec.service) throw new Error('fault: service is required');
    if (spec.timeout !== undefined && typeof spec.timeout !== 'boolean') throw new Error('fault: timeout must be true or false');
    if (!spec.error && !spec.throttle && spec.latencyMs === undefined && !spec.timeout) throw new Error('fault: give error, throttle, latencyMs or timeout');
    if (spec.timeout) {
      if (spec.service !== 'lambda') throw new Error(`fault: timeout applies to Lambda Invoke only (service "lambda"), not "${spec.service}"`);
      if (spec.operation && spec.operation !== '*' && spec.operation !== 'Invoke') throw new Error(`fault: timeout applies to Lambda Invoke only, not operation "${spec.operation}"`);
      if (spec.error || spec.throttle || spec.latencyMs !== undefined) throw new Error('fault: timeout cannot be combined with error, throttle or latencyMs (inject them as separate faults)');
    }
    if (spec.nth !== undefined && (!Number.isInteger(spec.nth) || spec.nth < 1)) throw new Error('fault: nth must be an integer ≥ 1');
    if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) throw new Error('fault: times must be an integer ≥ 1');
    const f: Fault = { id: randomUUID(), spec: { ...spec }, seen: 0, fired: 0, createdAt: this.clock.now() };
    this.faults.push(f);
    return f;
  }

  /** Shorthand: fail the nth call (default the next one) with this error. */
  failNth(service: string, operation: string, code: string, nth = 1, opts: Partial<FaultSpec> = {}): Fault {
    return this.inject({ service, operation, nth, error: { code }, ...opts });
  }
  failAlways(service: string, operation: string, code: string, opts: Partial<FaultSpec> = {}): Fault {
    return this.inject({ service, operation, always: true, error: { code }, ...opts });
  }
  throttle(service: string, operation = '*', times = 1): Fault {
    return this.inject({ service, operation, throttle: true, times });
  }
  addLatency(service: string, operation: string, latencyMs: number, always = true): Fault {
    return this.inject({ service, operation, latencyMs, always });
  }

  remove(id: string): boolean {
    const i = this.faults.findIndex((f) => f.id === id);
    if (i >= 0) this.faults.splice(i, 1);
    return i >= 0;
  }
  clear(): void { this.faults.length = 0; this.held.clear(); }
  list(): Fault[] { return this.faults.map((f) => ({ ...f, spec: { ...f.spec } })); }

  hold(service: string, resourceId: string): void { this.held.add(`${service}|${resourceId}`); }
  release(service: string, resourceId: string): void { this.held.delete(`${service}|${resourceId}`); }
  /** `hold(service, '*')` holds every resource of the service (a test that cannot know ids in advance). */
  isHeld(service: string, resourceId: string): boolean { return this.held.has(`${service}|${resourceId}`) || this.held.has(`${service}|*`); }
  holds(): { service: string; resourceId: string }[] {
    return [...this.held].map((k) => { const [service, resourceId] = k.split('|') as [string, string]; return { service, resourceId }; });
  }

  /**
   * Counts this call against the fault (service, operation and `match` select it; `nth`, `times` and
   * `always` decide) and says whether the fault fires for it.
   */
  private fires(f: Fault, service: string, operation: string, input: Record<string, unknown>): boolean {
    const s = f.spec;
    if (s.service !== service) return false;
    if (s.operation && s.operation !== '*' && s.operation !== operation) return false;
    if (s.match && !Object.entries(s.match).every(([k, v]) => input[k] === v)) return false;
    f.seen += 1;
    if (f.seen < (s.nth ?? 1)) return false;
    if (!s.always && f.fired >= (s.times ?? 1)) return false;
    f.fired += 1;
    return true;
  }

  async before(service: string, operation: string, input: Record<string, unknown>): Promise<void> {
    for (const f of this.faults) {
      const s = f.spec;
      // A timeout does not fail the call up front: the invocation runs, then `takeTimeout` reports it.
      if (s.timeout) continue;
      if (!this.fires(f, service, operation, input)) continue;
      if (s.latencyMs) await this.clock.sleep(s.latencyMs);
      if (s.throttle) {
        const t = this.resolvers.throttleError(service);
        throw new AwsError(t.code, 'Rate exceeded (injected by the twin)', t.status);
      }
      if (s.error) {
        throw new AwsError(s.error.code, s.error.message ?? `${s.error.code} (injected by the twin)`, s.error.status ?? this.resolvers.statusOf(service, s.error.code));
      }
    }
  }

  /**
   * Lambda Invoke: whether this invocation is to be reported as timed out (a `timeout` fault fires
   * for it). Counts the call against every matching timeout fault up to the first that fires, as
   * `before` does for the others.
   */
  takeTimeout(service: string, operation: string, input: Record<string, unknown>): boolean {
    for (const f of this.faults) {
      if (f.spec.timeout && this.fires(f, service, operation, input)) return true;
    }
    return false;
  }
}
