/** A minimal TwinEnv for unit-testing one service: a scaled clock, an event log, in-process invoke. */
import type { Clock, DeliveredEvent, ModelValue, ServiceBehaviour, TwinEnv, TwinEvent } from '../../../local/core/types';

export function testClock(scale: number, start = Date.parse('2026-11-24T12:00:00Z')): Clock {
  const realStart = Date.now();
  return {
    scale,
    now: () => start + (Date.now() - realStart) * scale,
    setTimer(twinMs, fn) {
      const t = setTimeout(fn, Math.max(0, twinMs / scale));
      return () => clearTimeout(t);
    },
    sleep(twinMs) {
      return new Promise((r) => setTimeout(r, Math.max(0, twinMs / scale)));
    },
  };
}

export function testEnv(scale = 1000): TwinEnv & { emitted: TwinEvent[]; services: Map<string, ServiceBehaviour> } {
  const emitted: TwinEvent[] = [];
  const listeners = new Set<(e: DeliveredEvent) => void>();
  const services = new Map<string, ServiceBehaviour>();
  let n = 0;
  return {
    emitted,
    services,
    clock: testClock(scale),
    latency: {},
    accountId: '111122223333',
    region: 'us-east-1',
    dataDir: '/nonexistent',
    changed: () => undefined,
    faults: { before: async () => undefined, isHeld: () => false, takeTimeout: () => false },
    events: {
      emit(event) {
        emitted.push(event);
        const delivered: DeliveredEvent = { ...event, id: String(++n), version: '0', region: 'us-east-1', account: '111122223333', time: new Date().toISOString() };
        for (const l of listeners) l(delivered);
      },
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    async invoke(service: string, operation: string, input: ModelValue): Promise<ModelValue> {
      const s = services.get(service);
      const op = s?.operations[operation];
      if (!s || !op) throw new Error(`test env: ${service}.${operation} not served`);
      return op(input, {
        service, operation, region: 'us-east-1', accountId: '111122223333', clock: this.clock, latency: {},
        events: this.events, faults: this.faults, headers: {},
      });
    },
  };
}
