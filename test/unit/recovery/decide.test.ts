import { advance, at, kinds, sim, step } from './harness';
import { fixture } from './fixtures';

const SET = (t: number, id = 'e-set', extra: Record<string, unknown> = {}) => fixture('medialive/alert-video-not-detected-set.json', { id, time: at(t), detail: extra });
const CLEARED = (t: number, id = 'e-clear', extra: Record<string, unknown> = {}) => fixture('medialive/alert-video-not-detected-cleared.json', { id, time: at(t), detail: extra });

describe('input loss → switch to the backup input, and back after the hold time', () => {
  it('waits the debounce, switches, and switches back when the alert stays clear for the hold time', () => {
    const s = sim();
    step(s, 0, SET(0));
    expect(kinds(s)).toEqual([]);
    expect(s.state?.rules['input-loss'].phase).toBe('DEBOUNCING');
    advance(s, 9);
    expect(kinds(s)).toEqual([]);
    advance(s, 10);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup']);
    step(s, 20, CLEARED(20));
    expect(s.state?.rules['input-loss'].phase).toBe('HOLDING');
    advance(s, 49);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup']);
    advance(s, 50);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup', 'SWITCH_INPUT:primary']);
    expect(s.state?.rules['input-loss'].phase).toBe('IDLE');
  });

  it('does nothing when the alert clears within the debounce', () => {
    const s = sim();
    step(s, 0, SET(0));
    step(s, 5, CLEARED(5));
    advance(s, 100);
    expect(kinds(s)).toEqual([]);
    expect(s.state?.timers).toEqual({});
  });

  it('stays on the backup when the loss returns during the hold time (no second switch)', () => {
    const s = sim();
    step(s, 0, SET(0));
    advance(s, 10);
    step(s, 20, CLEARED(20));
    step(s, 30, SET(30, 'e-set2', { alarm_id: 'another-alarm-id' }));
    advance(s, 60);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup']);
    step(s, 70, CLEARED(70, 'e-clear2', { alarm_id: 'another-alarm-id' }));
    advance(s, 100);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup', 'SWITCH_INPUT:primary']);
  });

  it('matches alarm_state case-insensitively (set / Cleared)', () => {
    const s = sim();
    step(s, 0, SET(0, 'a', { alarm_state: 'set' }));
    advance(s, 10);
    step(s, 20, CLEARED(20, 'b', { alarm_state: 'Cleared' }));
    advance(s, 50);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup', 'SWITCH_INPUT:primary']);
  });

  it('uses the slate when the rule asks for it', () => {
    const s = sim({ policy: { rules: [{ name: 'input-loss', on: { alertTypes: ['Video Not Detected'] }, action: 'SWITCH_INPUT', target: 'slate', debounceSeconds: 0, holdSeconds: 0 }] } });
    step(s, 0, SET(0));
    step(s, 5, CLEARED(5));
    expect(kinds(s)).toEqual(['SWITCH_INPUT:slate', 'SWITCH_INPUT:primary']);
  });
});

describe('event semantics', () => {
  it('a redelivered event (same id) changes nothing', () => {
    const s = sim();
    step(s, 0, SET(0));
    const version = s.state?.version;
    const d = step(s, 1, SET(0));
    expect(d.changed).toBe(false);
    expect(s.state?.version).toBe(version);
  });

  it('the same alert delivered again under another id changes nothing', () => {
    const s = sim();
    step(s, 0, SET(0, 'x1'));
    const d = step(s, 1, SET(0, 'x2'));
    expect(d.changed).toBe(false);
  });

  it('a SET arriving after its CLEARED (reordered) is stale: no action ever', () => {
    const s = sim();
    step(s, 1, CLEARED(1));
    step(s, 2, SET(0));
    advance(s, 100);
    expect(kinds(s)).toEqual([]);
    expect(s.state?.alerts['9b3f0c2d1e4a5b6c7d8e9f00112233445566778a'].state).toBe('CLEARED');
  });

  it('keys alerts on alarm_id: two alerts of one type on two pipelines are both tracked', () => {
    const s = sim();
    step(s, 0, SET(0, 'p0'));
    step(s, 1, SET(1, 'p1', { alarm_id: 'other', pipeline: '1' }));
    advance(s, 11);
    step(s, 20, CLEARED(20));
    advance(s, 100);
    // Pipeline 1 still has no video: no switch back.
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup']);
  });

  it('a stale timer (re-armed or cancelled since) is ignored', () => {
    const s = sim();
    step(s, 0, SET(0));
    const dueAt = s.state!.timers['debounce:input-loss'];
    step(s, 5, CLEARED(5));
    const d = step(s, 10, { kind: 'timer', eventId: 't', at: dueAt, key: 'debounce:input-loss', dueAt });
    expect(d.changed).toBe(false);
    expect(kinds(s)).toEqual([]);
  });

  it('acts only while the channel is, and should be, ON_AIR', () => {
    for (const facts of [{ status: 'STOPPING', desiredState: 'IDLE' }, { status: 'ON_AIR', desiredState: 'IDLE' }, { status: 'STARTING', desiredState: 'ON_AIR' }]) {
      const s = sim({ facts });
      step(s, 0, SET(0));
      step(s, 1, fixture('medialive/state-stopped.json', { time: at(1) }));
      advance(s, 1000);
      expect(kinds(s)).toEqual([]);
    }
  });

  it('does nothing when recovery is disabled in the profile', () => {
    const s = sim({ policy: { enabled: false } });
    step(s, 0, SET(0));
    advance(s, 100);
    expect(kinds(s)).toEqual([]);
  });
});

describe('pipeline stopped while ON_AIR → restart, then verify RUNNING', () => {
  it('restarts the stopped pipeline and closes when RUNNING comes back on every pipeline', () => {
    const s = sim();
    step(s, 0, fixture('medialive/state-pipeline-1-stopped.json', { time: at(0) }));
    advance(s, 15);
    expect(s.log.map((l) => l.action.spec)).toEqual([{ type: 'RESTART', pipelines: ['1'] }]);
    expect(s.state?.rules['pipeline-down'].phase).toBe('VERIFYING');
    // RUNNING is sent once per pipeline: the count says when every pipeline runs.
    step(s, 60, fixture('medialive/state-running-pipeline-1.json', { time: at(60) }));
    expect(s.state?.rules['pipeline-down'].phase).toBe('IDLE');
    expect(s.state?.attempts[0].ok).toBe(true);
    advance(s, 1000);
    expect(kinds(s)).toEqual(['RESTART']);
  });

  it('a RUNNING for one pipeline of two does not close a whole-channel stop', () => {
    const s = sim();
    step(s, 0, fixture('medialive/state-stopped.json', { time: at(0) }));
    advance(s, 15);
    expect(s.log[0].action.spec).toEqual({ type: 'RESTART', pipelines: ['0', '1'] });
    step(s, 60, fixture('medialive/state-running-pipeline-0.json', { time: at(60) }));
    expect(s.state?.pipelinesDown).toEqual(['1']);
    expect(s.state?.rules['pipeline-down'].phase).toBe('VERIFYING');
  });

  it('verifies through DescribeChannel when no RUNNING event arrives', () => {
    const s = sim();
    step(s, 0, fixture('medialive/state-stopped.json', { time: at(0) }));
    advance(s, 15);
    advance(s, 195, { channelState: 'RUNNING', pipelinesRunning: 2 });
    expect(s.state?.rules['pipeline-down'].phase).toBe('IDLE');
    expect(s.state?.pipelinesDown).toEqual([]);
    expect(kinds(s)).toEqual(['RESTART']);
  });

  it('a pipeline down that only the reconciler saw (not which one): tells a human, never restarts the running pipeline', () => {
    const s = sim();
    const observed = (t: number) => step(s, t, { kind: 'observed', eventId: `ob-${t}`, at: at(t), observation: { channelState: 'RUNNING', pipelinesRunning: 1 }, setAlerts: [] });
    observed(0);
    advance(s, 15);
    observed(60);
    expect(kinds(s)).toEqual(['NOTIFY']);
    expect(s.log[0]!.action.spec).toMatchObject({ type: 'NOTIFY', subject: 'ACTION NEEDED - show-1: a pipeline is down' });
    expect(s.decisions.some((d) => d.audit.some((a) => /not which pipeline: not restarting the channel/.test(a.decision)))).toBe(true);
  });

  it('an observation taken before a pipeline\'s STOPPED event, decided after it, does not clear that pipeline', () => {
    const s = sim();
    step(s, 10, fixture('medialive/state-pipeline-1-stopped.json', { time: at(10) }));
    // The reconciler looked at t=5 (2 of 2 running) and its decision comes in after the event.
    step(s, 12, { kind: 'observed', eventId: 'ob-5', at: at(5), observation: { channelState: 'RUNNING', pipelinesRunning: 2 }, setAlerts: [] });
    expect(s.state?.pipelinesDown).toEqual(['1']);
    advance(s, 30);
    expect(kinds(s)).toEqual(['RESTART']);
    expect(s.log[0]!.action.spec).toMatchObject({ type: 'RESTART', pipelines: ['1'] });
  });

  it('…and when the pipeline\'s own state-change event arrives after that notice, restarts the pipeline it names', () => {
    const s = sim();
    step(s, 0, { kind: 'observed', eventId: 'ob-0', at: at(0), observation: { channelState: 'RUNNING', pipelinesRunning: 1 }, setAlerts: [] });
    advance(s, 15);
    expect(kinds(s)).toEqual(['NOTIFY']);
    step(s, 16, fixture('medialive/state-pipeline-1-stopped.json', { time: at(16) }));
    expect(kinds(s)).toEqual(['NOTIFY', 'RESTART']);
    expect(s.log[1]!.action.spec).toMatchObject({ type: 'RESTART', pipelines: ['1'] });
    expect(s.state?.rules['pipeline-down'].phase).toBe('VERIFYING');
  });

  it('keeps failing → at most attempts.max restarts, then the circuit breaker opens and pages once', () => {
    const s = sim();
    step(s, 0, fixture('medialive/state-stopped.json', { time: at(0) }));
    advance(s, 890, { channelState: 'IDLE', pipelinesRunning: 0 });
    expect(kinds(s)).toEqual(['RESTART', 'RESTART', 'RESTART', 'PAGE']);
    expect(s.state?.breaker?.reason).toMatch(/3 failed attempt/);
    const page = s.log.find((l) => l.action.spec.type === 'PAGE')!.action.spec as { lines: string[]; subject: string };
    expect(page.subject).toMatch(/ACTION NEEDED - show-1/);
    expect(page.lines.join('\n')).toMatch(/RESTART → FAILED/);
    // More stops while the breaker is open: no action.
    step(s, 900, fixture('medialive/state-pipeline-1-stopped.json', { id: 'again', time: at(900) }));
    advance(s, 3000, { channelState: 'IDLE', pipelinesRunning: 0 });
    expect(kinds(s)).toEqual(['RESTART', 'RESTART', 'RESTART', 'PAGE']);
  });

  it('ignores an older STOPPED for a pipeline after a newer RUNNING (out of order)', () => {
    const s = sim();
    step(s, 0, fixture('medialive/state-running-pipeline-1.json', { time: at(10) }));
    step(s, 1, fixture('medialive/state-pipeline-1-stopped.json', { time: at(5) }));
    advance(s, 100);
    expect(kinds(s)).toEqual([]);
  });
});

describe('failed switches count toward the breaker', () => {
  it('retries a refused switch, then pages with what was tried', () => {
    const s = sim();
    const refuse = () => false;
    step(s, 0, SET(0), refuse);
    advance(s, 2000, undefined, refuse);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup', 'SWITCH_INPUT:backup', 'SWITCH_INPUT:backup', 'PAGE']);
    expect(s.state?.breaker).toBeDefined();
  });
});

describe('output errors → notify with the cause', () => {
  const ALARM = (t: number, id = 'al', extra: Record<string, unknown> = {}) => fixture('cloudwatch/alarm-output-5xx-alarm.json', { id, time: at(t), detail: extra });
  const OK = (t: number, id = 'ok') => fixture('cloudwatch/alarm-output-5xx-ok.json', { id, time: at(t), detail: { state: { value: 'OK', reason: 'fine', timestamp: at(t) } } });

  it('notifies once when the alarm persists for the debounce, naming the alarm and its reason', () => {
    const s = sim();
    step(s, 0, ALARM(0, 'al', { state: { value: 'ALARM', reason: 'Threshold Crossed: 12 errors', timestamp: at(0) } }));
    advance(s, 119);
    expect(kinds(s)).toEqual([]);
    advance(s, 120);
    expect(kinds(s)).toEqual(['NOTIFY']);
    const spec = s.log[0].action.spec as { lines: string[] };
    expect(spec.lines.join('\n')).toMatch(/onair-show-1-alarm-output-5xx-packager-p0: Threshold Crossed: 12 errors/);
    advance(s, 1000);
    expect(kinds(s)).toEqual(['NOTIFY']);
  });

  it('nothing when the alarm returns to OK within the debounce; state compared case-insensitively', () => {
    const s = sim();
    step(s, 0, ALARM(0, 'al', { state: { value: 'alarm', reason: 'x', timestamp: at(0) } }));
    expect(s.state?.rules['output-errors'].phase).toBe('DEBOUNCING');
    step(s, 60, OK(60));
    advance(s, 1000);
    expect(kinds(s)).toEqual([]);
  });

  it('bounds notifications per window when the alarm flaps', () => {
    const s = sim({ policy: { notifications: { maxPerWindow: 2 } } });
    for (let i = 0; i < 10; i++) {
      const t = i * 130;
      step(s, t, ALARM(t, `al${i}`, { state: { value: 'ALARM', reason: 'x', timestamp: at(t) } }));
      advance(s, t + 121);
      step(s, t + 125, OK(t + 125, `ok${i}`));
    }
    const notifies = s.log.filter((l) => l.action.spec.type === 'NOTIFY').map((l) => l.t);
    expect(notifies.length).toBeGreaterThan(2); // the flapping outlasts one window …
    for (const t of notifies) expect(notifies.filter((u) => u > t - 900 && u <= t).length).toBeLessThanOrEqual(2); // … but no window holds more than 2
  });
});

describe('cost guard: input loss beyond inputLossAutoStopMinutes → stop', () => {
  it('switches after the debounce and stops after the limit, announcing it', () => {
    const s = sim({ inputLossAutoStopMinutes: 5 });
    step(s, 0, SET(0));
    advance(s, 299);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup']);
    advance(s, 300);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup', 'STOP']);
    const stop = s.log[1].action.spec as { subject: string; lines: string[] };
    expect(stop.subject).toMatch(/no input for 5 min/);
  });

  it('stops even when the breaker is open (it caps cost, it does not heal)', () => {
    const s = sim({ inputLossAutoStopMinutes: 10 });
    const refuse = (a: { spec: { type: string } }) => a.spec.type !== 'SWITCH_INPUT';
    step(s, 0, SET(0), refuse);
    advance(s, 700, undefined, refuse);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup', 'SWITCH_INPUT:backup', 'SWITCH_INPUT:backup', 'PAGE', 'STOP']);
  });
});

describe('flapping input', () => {
  it('is bounded: attempts.max remediations in the window, then one page', () => {
    const s = sim({ policy: { rules: [{ name: 'input-loss', on: { alertTypes: ['Video Not Detected'] }, action: 'SWITCH_INPUT', debounceSeconds: 1, holdSeconds: 1 }] } });
    for (let i = 0; i < 20; i++) {
      const t = i * 10;
      step(s, t, SET(t, `s${i}`, { alarm_id: `a${i}` }));
      advance(s, t + 2);
      step(s, t + 3, CLEARED(t + 3, `c${i}`, { alarm_id: `a${i}` }));
      advance(s, t + 5);
    }
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup', 'SWITCH_INPUT:primary', 'SWITCH_INPUT:backup', 'PAGE']);
  });
});

describe('reconciler observations (events EventBridge never delivered)', () => {
  it('a SET alert only ListAlerts knows starts the debounce; its absence later clears it', () => {
    const s = sim();
    const obs = (t: number, alerts: { alarmId: string }[]) => ({
      kind: 'observed' as const, eventId: `obs-${t}`, at: at(t), observation: { channelState: 'RUNNING', pipelinesRunning: 2 },
      setAlerts: alerts.map((a) => ({ ...a, alertType: 'Video Not Detected', pipeline: '0', setAt: at(0), message: 'm' })),
    });
    step(s, 0, obs(0, [{ alarmId: 'lost-1' }]));
    advance(s, 10);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup']);
    step(s, 60, obs(60, []));
    advance(s, 90);
    expect(kinds(s)).toEqual(['SWITCH_INPUT:backup', 'SWITCH_INPUT:primary']);
  });

  it('a channel DescribeChannel reports IDLE while it should be ON_AIR is restarted', () => {
    const s = sim();
    step(s, 0, { kind: 'observed', eventId: 'o', at: at(0), observation: { channelState: 'IDLE', pipelinesRunning: 0 }, setAlerts: [] });
    advance(s, 15);
    expect(s.log[0].action.spec).toEqual({ type: 'RESTART', pipelines: ['0', '1'] });
  });
});

describe('audit', () => {
  it('records the trigger, the decision and the action of every step', () => {
    const s = sim();
    step(s, 0, SET(0));
    advance(s, 10);
    const audit = s.decisions.flatMap((d) => d.audit);
    expect(audit[0]).toMatchObject({ trigger: { kind: 'alert', summary: 'MediaLive alert SET "Video Not Detected" on pipeline 0' }, decision: expect.stringMatching(/waiting 10 s before SWITCH_INPUT/), result: 'NONE' });
    expect(audit[1]).toMatchObject({ trigger: { kind: 'timer' }, action: 'SWITCH_INPUT → backup', result: 'PENDING', actionId: 'r1', rule: 'input-loss' });
  });
});
