/** Every operation the twin served (HTTP and in-process), newest last, bounded. */
export interface RequestRecord {
  seq: number;
  /** Twin time (ISO) the call arrived. */
  time: string;
  service: string;
  operation: string;
  region: string;
  protocol: string;
  status: number;
  errorCode?: string;
  requestId: string;
  /** Real milliseconds spent (includes injected latency). */
  durationMs: number;
  via: 'http' | 'in-process';
}

export class RequestLog {
  private readonly records: RequestRecord[] = [];
  private seq = 0;
  constructor(private readonly keep = 100_000) {}
  add(r: Omit<RequestRecord, 'seq'>): RequestRecord {
    const rec = { seq: ++this.seq, ...r };
    this.records.push(rec);
    if (this.records.length > this.keep) this.records.shift();
    return rec;
  }
  list(filter: { service?: string; operation?: string; since?: number } = {}): RequestRecord[] {
    return this.records.filter((r) => (!filter.service || r.service === filter.service)
      && (!filter.operation || r.operation === filter.operation)
      && (filter.since === undefined || r.seq > filter.since));
  }
  clear(): void { this.records.length = 0; }
}
