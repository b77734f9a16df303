/**
 * A test OpContext for calling service behaviours directly: a manual clock (advance() fires due
 * timers in order), a recording event bus, a fault injector with holds, and a latency profile.
 */
import { AwsError, type Clock, type DeliveredEvent, type EventBus, type FaultInjector, type LatencyProfile, type ModelValue, type OpContext, type ServiceBehaviour, type ServiceFactory, type TwinEnv, type TwinEvent } from '../../../../local/core/types';
import { LATENCY } from '../../../../local/core/latency';

export class ManualClock implements Clock {
  readonly scale = 1;
  private t: number;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];
  constructor(start = Date.parse('2026-11-24T12:00:00Z')) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimer(twinMs: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, twinMs), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
  sleep(twinMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(twinMs, resolve));
  }
  /** Moves time forward, firing every timer that falls due (including timers they set). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => !x.cancelled && x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }
}

export class RecordingBus implements EventBus {
  readonly events: TwinEvent[] = [];
  emit(event: TwinEvent): void {
    this.events.push(structuredClone(event));
  }
  subscribe(_listener: (event: DeliveredEvent) => void): () => void {
    return () => undefined;
  }
  ofType(detailType: string): TwinEvent[] {
    return this.events.filter((e) => e['detail-type'] === detailType);
  }
}

export class TestFaults implements FaultInjector {
  readonly held = new Set<string>();
  async before(): Promise<void> {}
  isHeld(service: string, resourceId: string): boolean {
    return this.held.has(`${service}:${resourceId}`);
  }
  takeTimeout(): boolean {
    return false;
  }
}

export interface TestEnv extends TwinEnv {
  clock: ManualClock;
  events: RecordingBus;
  faults: TestFaults;
  latency: LatencyProfile;
  ctx(service: string, operation: string, headers?: Record<string, string>): OpContext;
}

/**
 * A TwinEnv over the manual clock, with the real latency profile (one source; tests advance the
 * clock by its named figures and never assert timings). `invoke` reaches services added with `use`.
 */
export function testEnv(latency: LatencyProfile = LATENCY): TestEnv & { use(factory: ServiceFactory): ServiceBehaviour } {
  const clock = new ManualClock();
  const events = new RecordingBus();
  const faults = new TestFaults();
  const services = new Map<string, ServiceBehaviour>();
  const env = {
    clock,
    events,
    faults,
    latency,
    accountId: '111122223333',
    region: 'us-east-1',
    dataDir: '',
    persistent: false,
    changed: () => undefined,
    invoke: async (service: string, operation: string, input: ModelValue): Promise<ModelValue> => {
      const svc = services.get(service);
      const op = svc?.operations[operation];
      if (!op) throw new AwsError('UnknownOperationException', `${service}.${operation} is not served in this test`, 400);
      return op(structuredClone(input), env.ctx(service, operation));
    },
    ctx: (service: string, operation: string, headers: Record<string, string> = {}): OpContext => ({ service, operation, region: 'us-east-1', accountId: '111122223333', clock, latency, events, faults, headers }),
    use: (factory: ServiceFactory): ServiceBehaviour => {
      const svc = factory(env);
      services.set(svc.signingName, svc);
      return svc;
    },
  };
  return env;
}

/** Calls an operation the way the server would (by name, with a fresh OpContext). */
export function caller(env: TestEnv, svc: ServiceBehaviour) {
  return async (operation: string, input: ModelValue = {}, headers?: Record<string, string>): Promise<ModelValue> => {
    const op = svc.operations[operation];
    if (!op) throw new Error(`${svc.signingName} has no operation ${operation}`);
    return op(structuredClone(input), env.ctx(svc.signingName, operation, headers));
  };
}

/** Resolves to the AwsError an operation threw (fails the test when it did not throw one). */
export async function awsError(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error('expected an AwsError, the operation succeeded');
}
