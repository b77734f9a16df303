/** The twin's event bus: services emit TwinEvents; EventBridge's rule matching (and tests) subscribe. */
import { randomUUID } from 'node:crypto';
import type { Clock, DeliveredEvent, EventBus, TwinEvent } from './types';

export class TwinEventBus implements EventBus {
  private readonly listeners = new Set<(e: DeliveredEvent) => void>();
  private readonly recent: DeliveredEvent[] = [];

  constructor(private readonly clock: Clock, private readonly defaults: { region: string; account: string }, private readonly keep = 1000) {}

  emit(event: TwinEvent): void {
    const delivered: DeliveredEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': event['detail-type'],
      source: event.source,
      account: event.account ?? this.defaults.account,
      time: event.time ?? new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: event.region ?? this.defaults.region,
      resources: event.resources,
      detail: event.detail,
    };
    this.recent.push(delivered);
    if (this.recent.length > this.keep) this.recent.shift();
    // Asynchronously, as EventBridge does: an emitter never runs a consumer inside its own call.
    for (const l of [...this.listeners]) {
      setImmediate(() => {
        try { l(delivered); } catch (e) { console.error('[twin] event listener failed:', e); }
      });
    }
  }

  subscribe(listener: (event: DeliveredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** The last emitted events, oldest first (GET /_twin/events). */
  history(): DeliveredEvent[] { return [...this.recent]; }
}
