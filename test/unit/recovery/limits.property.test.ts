/**
 * Whatever events arrive — any order, duplicates, mixed case, any outcome of the actions — no
 * policy produces more actions than its limits allow.
 */
import fc from 'fast-check';
import type { PlannedAction, RecoveryEvent } from '../../../functions/lib/recovery/types';
import { advance, at, sim, step, type Sim } from './harness';

const ALERT_TYPES = ['Video Not Detected', 'audio not detected', 'RTMP Stream Not Found', 'Black Video Detected', 'HTTP Get Failed'];

const eventArb: fc.Arbitrary<(t: number) => RecoveryEvent> = fc.oneof(
  fc.record({ id: fc.integer({ min: 0, max: 5 }), type: fc.constantFrom(...ALERT_TYPES), pipeline: fc.constantFrom('0', '1'), set: fc.boolean(), skew: fc.integer({ min: -30, max: 5 }) })
    .map((a) => (t: number) => ({ kind: 'alert' as const, eventId: `al-${a.id}-${a.set}-${t}-${a.skew}`, at: at(t + a.skew), alarmId: `alarm-${a.id}`, alertType: a.type, pipeline: a.pipeline, state: a.set ? 'SET' as const : 'CLEARED' as const, message: 'm' })),
  fc.record({ state: fc.constantFrom('STOPPED', 'RUNNING', 'STARTING'), pipeline: fc.option(fc.constantFrom('0', '1'), { nil: undefined }), running: fc.integer({ min: 0, max: 2 }), skew: fc.integer({ min: -30, max: 5 }) })
    .map((e) => (t: number) => ({ kind: 'state' as const, eventId: `st-${t}-${e.state}-${e.pipeline}-${e.skew}`, at: at(t + e.skew), state: e.state, pipelinesRunning: e.running, message: 'm', ...(e.pipeline !== undefined ? { pipeline: e.pipeline } : {}) })),
  fc.record({ kind: fc.constantFrom('output-5xx-packager-p0', 'cdn-5xx-rate', 'input-loss-p0'), value: fc.constantFrom('ALARM', 'OK') as fc.Arbitrary<'ALARM' | 'OK'> })
    .map((a) => (t: number) => ({ kind: 'alarm' as const, eventId: `am-${t}-${a.kind}-${a.value}`, at: at(t), alarmName: `onair-show-1-alarm-${a.kind}`, alarmKind: a.kind, state: a.value, reason: 'r' })),
  fc.record({ state: fc.constantFrom('RUNNING', 'IDLE', 'RECOVERING'), running: fc.integer({ min: 0, max: 2 }), alerts: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }) })
    .map((o) => (t: number) => ({ kind: 'observed' as const, eventId: `ob-${t}`, at: at(t), observation: { channelState: o.state, pipelinesRunning: o.running }, setAlerts: o.alerts.map((i) => ({ alarmId: `alarm-${i}`, alertType: 'Video Not Detected', pipeline: '0', setAt: at(t), message: 'm' })) })),
);

type PolicyParams = { max: number; windowSeconds: number; resetExtra: number; maxNotifications: number; debounce: number; hold: number; stopMinutes: number | undefined };

const policyArb: fc.Arbitrary<PolicyParams> = fc.record({
  max: fc.integer({ min: 1, max: 5 }),
  windowSeconds: fc.integer({ min: 60, max: 1200 }),
  resetExtra: fc.integer({ min: 0, max: 1200 }),
  maxNotifications: fc.integer({ min: 1, max: 4 }),
  debounce: fc.integer({ min: 0, max: 60 }),
  hold: fc.integer({ min: 0, max: 60 }),
  stopMinutes: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
});

function build(p: PolicyParams): Sim {
  return sim({
    policy: {
      rules: [
        { name: 'input-loss', on: { alertTypes: ['Video Not Detected', 'Audio Not Detected', 'RTMP Stream Not Found', 'HTTP Get Failed'] }, action: 'SWITCH_INPUT', debounceSeconds: p.debounce, holdSeconds: p.hold },
        { name: 'pipeline-down', on: { pipelineDown: true }, action: 'RESTART', debounceSeconds: p.debounce, verifySeconds: 30 },
        { name: 'output-errors', on: { alarms: ['output-5xx', 'cdn-5xx-rate'] }, action: 'NOTIFY', debounceSeconds: p.debounce },
        { name: 'black', on: { alertTypes: ['Black Video Detected'] }, action: 'NOTIFY', debounceSeconds: 0 },
      ],
      attempts: { max: p.max, windowSeconds: p.windowSeconds, breakerResetSeconds: p.windowSeconds + p.resetExtra },
      notifications: { maxPerWindow: p.maxNotifications },
    },
    ...(p.stopMinutes !== undefined ? { inputLossAutoStopMinutes: p.stopMinutes } : {}),
  });
}

function maxInWindow(times: number[], windowSeconds: number): number {
  let best = 0;
  for (const t of times) best = Math.max(best, times.filter((u) => u > t - windowSeconds && u <= t).length);
  return best;
}

function check(s: Sim, p: PolicyParams): void {
  const of = (types: PlannedAction['spec']['type'][]) => s.log.filter((l) => types.includes(l.action.spec.type)).map((l) => l.t);
  expect(maxInWindow(of(['SWITCH_INPUT', 'RESTART']), p.windowSeconds)).toBeLessThanOrEqual(p.max);
  expect(maxInWindow(of(['NOTIFY']), p.windowSeconds)).toBeLessThanOrEqual(p.maxNotifications);
  expect(maxInWindow(of(['PAGE']), p.windowSeconds + p.resetExtra)).toBeLessThanOrEqual(1);
  expect(maxInWindow(of(['STOP']), p.windowSeconds)).toBeLessThanOrEqual(1);
}

describe('recovery limits (property)', () => {
  it('no event sequence makes any policy exceed its limits', () => {
    fc.assert(fc.property(
      policyArb,
      fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), eventArb, fc.boolean(), fc.boolean()), { maxLength: 60 }),
      (p, script) => {
        const s = build(p);
        let t = 0;
        for (const [gap, make, duplicate, ok] of script) {
          t += gap;
          advance(s, t, { channelState: ok ? 'RUNNING' : 'IDLE', pipelinesRunning: ok ? 2 : 0 }, () => ok);
          const e = make(t);
          step(s, t, e, () => ok);
          if (duplicate) step(s, t, e, () => ok);
        }
        advance(s, t + 5000, { channelState: 'IDLE', pipelinesRunning: 0 }, () => false);
        check(s, p);
      },
    ), { numRuns: 300 });
  });

  it('an alert storm of 1,000 events produces a bounded number of actions', () => {
    const p = { max: 3, windowSeconds: 900, resetExtra: 2700, maxNotifications: 5, debounce: 10, hold: 30, stopMinutes: undefined };
    const s = build(p);
    for (let i = 0; i < 1000; i++) {
      const t = i; // one event a second for ~17 minutes, flapping SET/CLEARED across 20 alarm ids
      const id = i % 20;
      step(s, t, { kind: 'alert', eventId: `storm-${i}`, at: at(t), alarmId: `storm-${Math.floor(i / 40)}-${id}`, alertType: i % 3 ? 'Video Not Detected' : 'Black Video Detected', pipeline: String(i % 2), state: i % 40 < 20 ? 'SET' : 'CLEARED', message: 'storm' }, () => false);
      advance(s, t, undefined, () => false);
    }
    advance(s, 2000, undefined, () => false);
    check(s, p);
    // 17 minutes span at most two windows: ≤ 2 × 3 remediations, ≤ 2 × 5 notices, one page.
    expect(s.log.length).toBeLessThanOrEqual(2 * 3 + 2 * 5 + 1);
    expect(s.log.filter((l) => l.action.spec.type === 'PAGE')).toHaveLength(1);
  });
});
