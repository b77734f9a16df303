/** A token bucket on twin time: `tps` tokens per twin second, at most `burst` saved up. */
import type { Clock } from './types';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly clock: Clock, readonly tps: number, readonly burst: number) {
    this.tokens = burst;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.tps);
    this.last = now;
  }

  /** Takes one token; false when the caller must be throttled. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get available(): number { this.refill(); return this.tokens; }
}

/** One bucket per (key, e.g. service + account). */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly clock: Clock) {}
  take(key: string, tps: number, burst: number): boolean {
    let b = this.buckets.get(key);
    if (!b) { b = new TokenBucket(this.clock, tps, burst); this.buckets.set(key, b); }
    return b.take();
  }
  reset(): void { this.buckets.clear(); }
}
