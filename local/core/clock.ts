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
