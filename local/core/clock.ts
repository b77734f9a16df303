/**
 * Twin time: starts at the real time the twin starts and runs `scale` times faster, so AWS's minutes
 * become seconds locally while every duration keeps its AWS proportions. Timers are on twin time.
 */
import type { Clock } from './types';

// setTimeout's ceiling (~24.8 days); longer timers (a secret's 30-day recovery window) re-arm.
const MAX_TIMEOUT = 2 ** 31 - 1;

export class TwinClock implements Clock {
  private readonly realStart = Date.now();
  private readonly twinStart: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(readonly scale: number, startAt?: number) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`clock scale must be a positive number, got ${scale}`);
    this.twinStart = startAt ?? this.realStart;
  }

  now(): number {
    return Math.round(this.twinStart + (Date.now() - this.realStart) * this.scale);
  }

  /** Real milliseconds that `twinMs` of twin time take. */
  realMs(twinMs: number): number {
    return Math.max(0, twinMs / this.scale);
  }

  setTimer(twinMs: number, fn: () => void): () => void {
    if (this.disposed) return () => undefined;
    const due = this.now() + Math.max(0, twinMs);
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const wait = Math.min(MAX_TIMEOUT, this.realMs(due - this.now()));
      handle = setTimeout(() => {
        this.timers.delete(handle);
        // Node may fire a timer up to a millisecond early, which a large scale turns into seconds of
        // twin time: never let a timer run before its twin due time.
        if (this.now() < due) return arm();
        fn();
      }, Math.max(1, Math.ceil(wait)));
      this.timers.add(handle);
    };
    arm();
    return () => { clearTimeout(handle); this.timers.delete(handle); };
  }

  sleep(twinMs: number): Promise<void> {
    return new Promise((resolve) => { this.setTimer(twinMs, resolve); });
  }

  /** Cancels every pending timer (twin shutdown); later timers are ignored. */
  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  get pendingTimers(): number { return this.timers.size; }
}

/**
 * Twin time that moves only when told to (`advanceTo`): AWS's latencies take no real time and the
 * caller decides when they have passed. For a harness that drives time itself (a unit test runs a
 * workflow's Wait states and timeouts as jumps of twin time). Timers fire in due order, each with
 * `now()` at its due time; a timer armed while advancing fires in the same advance when due by then.
 */
export class ManualClock implements Clock {
  /** No real time passes for twin time: a latency divided by this is 0 real milliseconds. */
  readonly scale = Number.POSITIVE_INFINITY;
  private current: number;
  private timers: { due: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  private disposed = false;

  constructor(startAt = Date.now()) {
    this.current = startAt;
  }

  now(): number {
    return this.current;
  }

  setTimer(twinMs: number, fn: () => void): () => void {
    if (this.disposed) return () => undefined;
    const timer = { due: this.current + Math.max(0, twinMs), seq: ++this.seq, fn };
    this.timers.push(timer);
    return () => { this.timers = this.timers.filter((t) => t !== timer); };
  }

  sleep(twinMs: number): Promise<void> {
    return new Promise((resolve) => { this.setTimer(twinMs, resolve); });
  }

  /** The due time of the next timer, if any. */
  nextDue(): number | undefined {
    return this.timers.reduce<number | undefined>((min, t) => (min === undefined || t.due < min ? t.due : min), undefined);
  }

  /** Moves twin time forward to `at` (never back), firing every timer due by then in order. */
  advanceTo(at: number): void {
    for (;;) {
      const next = this.timers.filter((t) => t.due <= at).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.due);
      try { next.fn(); } catch (e) { console.error('[twin] timer failed:', e); }
    }
    this.current = Math.max(this.current, at);
  }

  dispose(): void {
    this.disposed = true;
    this.timers = [];
  }

  get pendingTimers(): number { return this.timers.length; }
}
