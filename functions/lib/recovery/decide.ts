/**
 * The recovery decision: a pure function of (state, event, policy, channel facts, now) → the
 * next state, the actions to take, the timers to arm and the audit entries. No I/O, no clock:
 * the handlers load and store the state (conditional writes), run the actions and arm the timers.
 *
 * Per rule, a small state machine:
 *   IDLE ─condition─▶ DEBOUNCING ─still true at debounce─▶ act ─▶ ACTIVE (SWITCH_INPUT, NOTIFY, STOP)
 *                                                              └▶ VERIFYING (RESTART) ─RUNNING everywhere─▶ IDLE
 *   ACTIVE ─clear─▶ HOLDING ─still clear at hold─▶ switch back ─▶ IDLE   (SWITCH_INPUT only)
 *   HOLDING ─condition again─▶ ACTIVE (no second switch)
 *
 * Limits that hold whatever arrives (test/unit/recovery/limits.property.test.ts):
 *   - remediations (switch, switch back, restart) ≤ attempts.max per attempts window, counted at
 *     `now` when issued, success or not; one more needed → the breaker opens and OnAir pages once;
 *   - NOTIFY ≤ notifications.maxPerWindow per window; PAGE ≤ 1 per breaker opening (the breaker
 *     stays open ≥ one window); STOP ≤ 1 per window.
 * Event semantics (aws-facts.md): alarm_state/alarm state values compared case-insensitively by the
 * parser; alerts keyed on alarm_id within the channel; an alarm id goes SET → CLEARED once, so a
 * SET after its CLEARED is stale; STOPPED (not IDLE) and RUNNING per pipeline; redelivered events
 * (same id) change nothing; older per-pipeline/per-alarm reports than the last one are ignored.
 */
import { breakerPage, costGuardStop, ruleNotice, unknownPipelineDown, type Message } from './messages';
import { effectiveRules, type RecoveryPolicy, type RecoveryRule } from './policy';
import type {
  ActionSpec, AuditEntry, ChannelFacts, Decision, PlannedAction, RecoveryEvent, RecoveryState, RuleState, Timer,
} from './types';

const SEEN_MAX = 100;
const ALERTS_MAX = 50;
/** A failed attempt is retried after this long (still bounded by attempts.max per window). */
export const RETRY_SECONDS = 30;

export function initialRecoveryState(): RecoveryState {
  return {
    version: 0, alerts: {}, alarms: {}, pipelinesDown: [], pipelineAt: {}, rules: {}, attempts: [],
    notifications: [], pages: [], stops: [], timers: {}, seen: [], seq: 0,
  };
}

export interface DecideInput {
  state: RecoveryState | undefined;
  event: RecoveryEvent;
  policy: RecoveryPolicy;
  facts: ChannelFacts;
  now: Date;
  /** profile.costGuard.inputLossAutoStopMinutes */
  inputLossAutoStopMinutes?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (t: string) => Date.parse(t);

function summarize(e: RecoveryEvent): string {
  switch (e.kind) {
    case 'alert': return `MediaLive alert ${e.state} "${e.alertType}" on pipeline ${e.pipeline}`;
    case 'state': return `MediaLive channel ${e.state}${e.pipeline !== undefined ? ` (pipeline ${e.pipeline})` : ''}, ${e.pipelinesRunning} pipeline(s) running`;
    case 'input': return `MediaLive input changed to ${e.activeAttachment ?? 'unknown'}`;
    case 'alarm': return `CloudWatch alarm ${e.alarmName} → ${e.state}`;
    case 'timer': return `timer ${e.key} due ${e.dueAt}`;
    case 'observed': return `reconciler: channel ${e.observation.channelState}, ${e.observation.pipelinesRunning} pipeline(s) running, ${e.setAlerts.length} alert(s) set`;
    case 'result': return `result of ${e.actionId}: ${e.ok ? 'ok' : 'failed'}`;
  }
}

function pipelineIds(total: number): string[] {
  return Array.from({ length: total }, (_, i) => String(i));
}

/** Applies an event to the signals. Returns false when it carries nothing new (stale or repeated). */
function applySignal(s: RecoveryState, e: RecoveryEvent, facts: ChannelFacts, now: number): boolean {
  switch (e.kind) {
    case 'alert': {
      const known = s.alerts[e.alarmId];
      if (known?.state === 'CLEARED') return false; // an alarm id never comes back after CLEARED
      if (known?.state === e.state) return false;
      s.alerts[e.alarmId] = { alertType: e.alertType, pipeline: e.pipeline, state: e.state, at: e.at, message: e.message };
      boundAlerts(s);
      return true;
    }
    case 'state': {
      const ids = e.pipeline !== undefined ? [e.pipeline] : pipelineIds(facts.pipelinesTotal);
      const fresh = ids.filter((p) => !s.pipelineAt[p] || ms(s.pipelineAt[p]) <= ms(e.at));
      if (fresh.length === 0) return false;
      const before = s.pipelinesDown.join(',');
      const timesMoved = fresh.some((p) => s.pipelineAt[p] !== e.at);
      if (e.state === 'STOPPED') {
        for (const p of fresh) s.pipelineAt[p] = e.at;
        s.pipelinesDown = [...new Set([...s.pipelinesDown.filter((p) => p !== 'unknown'), ...fresh])].sort();
        if (e.pipeline === undefined) {
          // The whole channel stopped: its alerts end with it (alarm ids restart with the channel).
          for (const a of Object.values(s.alerts)) if (a.state === 'SET') { a.state = 'CLEARED'; a.at = e.at; }
        }
      } else if (e.state === 'RUNNING') {
        for (const p of fresh) s.pipelineAt[p] = e.at;
        const up = e.pipelinesRunning >= facts.pipelinesTotal ? pipelineIds(facts.pipelinesTotal).concat('unknown') : fresh;
        s.pipelinesDown = s.pipelinesDown.filter((p) => !up.includes(p));
      } else {
        return false;
      }
      return timesMoved || before !== s.pipelinesDown.join(',');
    }
    case 'input':
      if (s.activeInput === e.activeAttachment) return false;
      s.activeInput = e.activeAttachment;
      return true;
    case 'alarm': {
      const known = s.alarms[e.alarmName];
      if (known && ms(known.at) > ms(e.at)) return false;
      if (known?.state === e.state) return false;
      s.alarms[e.alarmName] = { alarmKind: e.alarmKind, state: e.state, at: e.at, reason: e.reason };
      return true;
    }
    case 'observed': {
      let changed = false;
      const listed = new Set(e.setAlerts.map((a) => a.alarmId));
      for (const a of e.setAlerts) {
        const known = s.alerts[a.alarmId];
        if (known) continue; // SET already, or CLEARED (which ListAlerts lags behind)
        s.alerts[a.alarmId] = { alertType: a.alertType, pipeline: a.pipeline, state: 'SET', at: a.setAt, message: a.message };
        changed = true;
      }
      // An observation speaks for the moment it was taken (e.at): an alert SET, or a pipeline's state
      // event, newer than that is not contradicted by it (the look and its decision are two steps
      // apart, and an event can be decided in between).
      for (const [id, a] of Object.entries(s.alerts)) {
        if (a.state === 'SET' && !listed.has(id) && ms(a.at) <= ms(e.at)) { a.state = 'CLEARED'; a.at = iso(now); changed = true; }
      }
      boundAlerts(s);
      const o = e.observation;
      const before = s.pipelinesDown.join(',');
      const newestPipelineEvent = Math.max(0, ...Object.values(s.pipelineAt).map(ms));
      if (newestPipelineEvent <= ms(e.at)) {
        if (o.channelState === 'RUNNING' && o.pipelinesRunning >= facts.pipelinesTotal) s.pipelinesDown = [];
        else if (o.channelState === 'IDLE') s.pipelinesDown = pipelineIds(facts.pipelinesTotal);
        else if (o.channelState === 'RUNNING' && s.pipelinesDown.length === 0) s.pipelinesDown = ['unknown'];
      }
      return changed || before !== s.pipelinesDown.join(',');
    }
    case 'timer':
    case 'result':
      return true;
  }
}

function boundAlerts(s: RecoveryState): void {
  const ids = Object.keys(s.alerts);
  if (ids.length <= ALERTS_MAX) return;
  const cleared = ids.filter((id) => s.alerts[id].state === 'CLEARED').sort((a, b) => ms(s.alerts[a].at) - ms(s.alerts[b].at));
  for (const id of cleared.slice(0, ids.length - ALERTS_MAX)) delete s.alerts[id];
}

function matchesAlarm(rule: RecoveryRule, alarmKind: string): boolean {
  return rule.on.alarms.some((k) => alarmKind === k || alarmKind.startsWith(`${k}-`));
}

/** Is the rule's condition true now, and why (for messages)? */
function condition(rule: RecoveryRule, s: RecoveryState): { active: boolean; causes: string[] } {
  const causes: string[] = [];
  const types = rule.on.alertTypes.map((t) => t.toLowerCase());
  for (const a of Object.values(s.alerts)) {
    if (a.state === 'SET' && types.includes(a.alertType.toLowerCase())) causes.push(`${a.alertType} on pipeline ${a.pipeline}: ${a.message}`);
  }
  for (const [name, a] of Object.entries(s.alarms)) {
    if (a.state === 'ALARM' && matchesAlarm(rule, a.alarmKind)) causes.push(`alarm ${name}: ${a.reason}`);
  }
  if (rule.on.pipelineDown && s.pipelinesDown.length) causes.push(`pipeline(s) ${s.pipelinesDown.join(', ')} stopped`);
  return { active: causes.length > 0, causes };
}

const REMEDIATIONS = new Set(['SWITCH_INPUT', 'RESTART']);

export function decide(input: DecideInput): Decision {
  const { event, policy, facts } = input;
  const now = input.now.getTime();
  const prev = input.state ?? initialRecoveryState();
  if (prev.seen.includes(event.eventId)) return { state: prev, actions: [], timers: [], audit: [], changed: false };

  const s: RecoveryState = structuredClone(prev);
  s.seen = [...s.seen, event.eventId].slice(-SEEN_MAX);
  const actions: PlannedAction[] = [];
  const timers: Timer[] = [];
  const audit: AuditEntry[] = [];
  const trigger = { kind: event.kind, eventId: event.eventId, summary: summarize(event) };
  const note = (decision: string, extra: Partial<AuditEntry> = {}) => audit.push({ at: iso(now), trigger, decision, result: 'NONE', ...extra });
  const windowMs = policy.attempts.windowSeconds * 1000;
  const resetMs = policy.attempts.breakerResetSeconds * 1000;

  // Timers: a stale one (re-armed or cancelled since) is ignored entirely.
  let firedKey: string | undefined;
  if (event.kind === 'timer') {
    if (s.timers[event.key] !== event.dueAt) return { state: prev, actions: [], timers: [], audit: [], changed: false };
    delete s.timers[event.key];
    firedKey = event.key;
  }

  let signalChanged = applySignal(s, event, facts, now);

  // Forget what is older than every limit's memory.
  const horizon = now - Math.max(windowMs, resetMs);
  s.attempts = s.attempts.filter((a) => ms(a.at) > now - windowMs);
  s.notifications = s.notifications.filter((t) => ms(t) > now - windowMs);
  s.stops = s.stops.filter((t) => ms(t) > now - windowMs);
  s.pages = s.pages.filter((t) => ms(t) > horizon);
  if (s.breaker && now - ms(s.breaker.openedAt) >= resetMs) {
    note(`circuit breaker closed after ${policy.attempts.breakerResetSeconds} s: automatic recovery resumes`);
    delete s.breaker;
    signalChanged = true;
  }

  const armTimer = (key: string, afterSeconds: number) => {
    const t = { key, dueAt: iso(now + afterSeconds * 1000) };
    s.timers[key] = t.dueAt;
    timers.push(t);
  };
  const plan = (rule: string, spec: ActionSpec): PlannedAction => {
    s.seq += 1;
    const a = { actionId: `r${s.seq}`, rule, spec };
    actions.push(a);
    return a;
  };
  const attemptsInWindow = () => s.attempts.filter((a) => ms(a.at) > now - windowMs);
  const triedLines = () => attemptsInWindow().map((a) => `- ${a.at} ${a.rule}: ${a.action} → ${a.ok === undefined ? 'pending' : a.ok ? 'ok' : 'FAILED'}`);
  const openBreaker = (reason: string, causes: string[]) => {
    if (s.breaker) return;
    s.breaker = { openedAt: iso(now), reason };
    s.pages.push(iso(now));
    const page = plan('circuit-breaker', { type: 'PAGE', ...breakerPage(facts.channelId, reason, causes, triedLines(), policy.attempts) });
    note(`circuit breaker opened: ${reason}; paging`, { actionId: page.actionId, rule: 'circuit-breaker', action: 'PAGE', result: 'PENDING' });
  };

  // Channel facts gate everything: recovery acts only on a channel that is, and should be, ON_AIR.
  const onAir = policy.enabled && facts.status === 'ON_AIR' && facts.desiredState === 'ON_AIR';
  const rules = effectiveRules(policy, input.inputLossAutoStopMinutes);

  // Results of earlier actions: failures count toward the breaker and are retried.
  if (event.kind === 'result') {
    const attempt = s.attempts.find((a) => a.actionId === event.actionId);
    if (attempt) {
      if (!event.ok) {
        attempt.ok = false;
        const failed = attemptsInWindow().filter((a) => a.ok === false).length;
        const rule = rules.find((r) => r.name === attempt.rule);
        note(`${attempt.action} ${attempt.actionId} failed: ${event.detail}`, { actionId: attempt.actionId, rule: attempt.rule, action: attempt.action, result: 'FAILED', detail: event.detail });
        if (failed >= policy.attempts.max) {
          openBreaker(`${failed} failed attempt(s) in ${Math.round(policy.attempts.windowSeconds / 60)} min (last: ${event.detail})`, rule ? condition(rule, s).causes : []);
        } else if (rule && onAir) {
          const rs = s.rules[rule.name];
          if (rs?.actionId === attempt.actionId) {
            // Switch back failed: stay HOLDING and try again; otherwise re-debounce and retry.
            s.rules[rule.name] = { phase: rs.phase === 'IDLE' ? 'HOLDING' : 'DEBOUNCING', since: iso(now), acted: rs.phase === 'IDLE' };
            armTimer(`${rs.phase === 'IDLE' ? 'hold' : 'retry'}:${rule.name}`, RETRY_SECONDS);
          }
        }
      } else if (attempt.action !== 'RESTART') {
        attempt.ok = true; // a restart is only OK once every pipeline runs (verify)
      }
    }
    return finish();
  }

  if (!onAir) {
    const busy = Object.entries(s.rules).filter(([, r]) => r.phase !== 'IDLE');
    if (busy.length || Object.keys(s.timers).length) {
      note(`no action: channel is ${facts.status} (desired ${facts.desiredState})${policy.enabled ? '' : ', recovery disabled'}; recovery idle`);
      s.rules = {};
      s.timers = {};
    }
    return finish();
  }

  for (const rule of rules) {
    const rs: RuleState = s.rules[rule.name] ?? { phase: 'IDLE', since: iso(now), acted: false };
    const { active, causes } = condition(rule, s);
    const fired = (kind: string) => firedKey === `${kind}:${rule.name}`;
    const set = (next: Partial<RuleState>) => { s.rules[rule.name] = { ...rs, ...next }; };

    const act = () => {
      /** A NOTIFY for this rule, within the policy's notifications per window. */
      const notifyHuman = ({ subject, lines }: Message, decision: string): void => {
        set({ phase: 'ACTIVE', since: iso(now), acted: true });
        if (s.notifications.length >= policy.notifications.maxPerWindow) {
          note(`notification suppressed: ${policy.notifications.maxPerWindow} already sent in ${Math.round(policy.attempts.windowSeconds / 60)} min`, { rule: rule.name });
          return;
        }
        s.notifications.push(iso(now));
        const a = plan(rule.name, { type: 'NOTIFY', subject, lines });
        note(decision, { actionId: a.actionId, rule: rule.name, action: 'NOTIFY', result: 'PENDING' });
      };
      const remediation = REMEDIATIONS.has(rule.action);
      if (remediation && s.breaker) {
        set({ phase: 'ACTIVE', since: iso(now), acted: false });
        note(`${rule.action} not attempted: circuit breaker open since ${s.breaker.openedAt}`, { rule: rule.name });
        return;
      }
      if (remediation && attemptsInWindow().length >= policy.attempts.max) {
        set({ phase: 'ACTIVE', since: iso(now), acted: false });
        openBreaker(`${attemptsInWindow().length} remediation(s) in ${Math.round(policy.attempts.windowSeconds / 60)} min and the problem is back`, causes);
        return;
      }
      switch (rule.action) {
        case 'SWITCH_INPUT': {
          const a = plan(rule.name, { type: 'SWITCH_INPUT', to: rule.target });
          s.attempts.push({ actionId: a.actionId, rule: rule.name, action: 'SWITCH_INPUT', at: iso(now) });
          set({ phase: 'ACTIVE', since: iso(now), acted: true, actionId: a.actionId });
          note(`${causes[0]} for ${rule.debounceSeconds} s: switching to the ${rule.target} input`, { actionId: a.actionId, rule: rule.name, action: `SWITCH_INPUT → ${rule.target}`, result: 'PENDING' });
          return;
        }
        case 'RESTART': {
          const pipelines = s.pipelinesDown.filter((p) => p !== 'unknown');
          if (pipelines.length === 0) {
            // The reconciler saw fewer pipelines running than the channel has, but not which one
            // stopped (its state-change event was lost; DescribeChannel gives a count only).
            // Restarting them all would take the healthy pipeline down too: tell a human instead.
            notifyHuman(unknownPipelineDown(facts.channelId), `${causes[0]}, but not which pipeline: not restarting the channel (it would stop the running one too); notifying`);
            return;
          }
          const a = plan(rule.name, { type: 'RESTART', pipelines });
          s.attempts.push({ actionId: a.actionId, rule: rule.name, action: 'RESTART', at: iso(now) });
          set({ phase: 'VERIFYING', since: iso(now), acted: true, actionId: a.actionId });
          armTimer(`verify:${rule.name}`, rule.verifySeconds);
          note(`${causes[0]} while the channel should be ON_AIR: restarting, verifying in ${rule.verifySeconds} s`, { actionId: a.actionId, rule: rule.name, action: `RESTART ${pipelines.length ? `pipeline(s) ${pipelines.join(', ')}` : 'channel'}`, result: 'PENDING' });
          return;
        }
        case 'NOTIFY':
          notifyHuman(ruleNotice(facts.channelId, rule, causes), `${causes[0]} for ${rule.debounceSeconds} s: notifying`);
          return;
        case 'STOP': {
          set({ phase: 'ACTIVE', since: iso(now), acted: true });
          if (s.stops.length) {
            note('stop already requested in this window', { rule: rule.name });
            return;
          }
          s.stops.push(iso(now));
          const minutes = Math.round(rule.debounceSeconds / 60);
          const a = plan(rule.name, {
            type: 'STOP',
            ...costGuardStop(facts.channelId, minutes, causes),
          });
          note(`input lost for ${minutes} min (cost guard): announcing and stopping the channel`, { actionId: a.actionId, rule: rule.name, action: 'STOP', result: 'PENDING' });
          return;
        }
      }
    };

    switch (rs.phase) {
      case 'IDLE':
        if (!active) break;
        if (rule.debounceSeconds === 0) { act(); break; }
        set({ phase: 'DEBOUNCING', since: iso(now), acted: false });
        armTimer(`debounce:${rule.name}`, rule.debounceSeconds);
        note(`${causes[0]}: waiting ${rule.debounceSeconds} s before ${rule.action}`, { rule: rule.name });
        break;
      case 'DEBOUNCING':
        if (!active) {
          delete s.timers[`debounce:${rule.name}`];
          delete s.timers[`retry:${rule.name}`];
          s.rules[rule.name] = { phase: 'IDLE', since: iso(now), acted: false };
          note('cleared before acting: nothing to do', { rule: rule.name });
        } else if (fired('debounce') || fired('retry')) {
          act();
        }
        break;
      case 'ACTIVE':
        if (!active) {
          if (rule.action === 'SWITCH_INPUT' && rs.acted) {
            if (rule.holdSeconds === 0) { switchBack(rule, rs); break; }
            set({ phase: 'HOLDING', since: iso(now) });
            armTimer(`hold:${rule.name}`, rule.holdSeconds);
            note(`cleared: switching back to the primary input if it stays clear for ${rule.holdSeconds} s`, { rule: rule.name });
          } else {
            s.rules[rule.name] = { phase: 'IDLE', since: iso(now), acted: false };
            if (rule.action !== 'NOTIFY' || rs.acted) note(`${rule.name} cleared`, { rule: rule.name });
          }
        } else if (!rs.acted && REMEDIATIONS.has(rule.action) && !s.breaker && signalChanged) {
          act(); // held back by the breaker before; it has closed since
        } else if (rule.action === 'RESTART' && rs.actionId === undefined && !s.breaker && signalChanged && s.pipelinesDown.some((p) => p !== 'unknown')) {
          // A human was told "a pipeline is down" because only a count was known (the reconciler saw
          // it before the pipeline's state-change event); the event has now named the pipeline: restart it.
          act();
        }
        break;
      case 'HOLDING':
        if (active) {
          delete s.timers[`hold:${rule.name}`];
          set({ phase: 'ACTIVE', since: iso(now) });
          note(`${causes[0]}: back before the hold time; staying on the ${rule.target} input`, { rule: rule.name });
        } else if (fired('hold')) {
          switchBack(rule, rs);
        }
        break;
      case 'VERIFYING': {
        const verified = fired('verify') && event.kind === 'timer' && event.observation
          && event.observation.channelState === 'RUNNING' && event.observation.pipelinesRunning >= facts.pipelinesTotal;
        if (!active || verified) {
          delete s.timers[`verify:${rule.name}`];
          const attempt = s.attempts.find((a) => a.actionId === rs.actionId);
          if (attempt) attempt.ok = true;
          if (verified) s.pipelinesDown = [];
          s.rules[rule.name] = { phase: 'IDLE', since: iso(now), acted: false };
          note(`restart ${rs.actionId ?? ''} verified: every pipeline RUNNING`, { actionId: rs.actionId, rule: rule.name, action: 'RESTART', result: 'OK' });
        } else if (fired('verify')) {
          const o = event.kind === 'timer' ? event.observation : undefined;
          const attempt = s.attempts.find((a) => a.actionId === rs.actionId);
          if (attempt) attempt.ok = false;
          const detail = o ? `after ${rule.verifySeconds} s the channel is ${o.channelState} with ${o.pipelinesRunning}/${facts.pipelinesTotal} pipeline(s) running` : 'not verified';
          note(`restart ${rs.actionId ?? ''} failed: ${detail}`, { actionId: rs.actionId, rule: rule.name, action: 'RESTART', result: 'FAILED', detail });
          const failed = attemptsInWindow().filter((a) => a.ok === false).length;
          if (failed >= policy.attempts.max) {
            set({ phase: 'ACTIVE', since: iso(now), acted: false });
            openBreaker(`${failed} failed attempt(s) in ${Math.round(policy.attempts.windowSeconds / 60)} min (last: ${detail})`, causes);
          } else {
            act();
          }
        }
        break;
      }
    }
  }
  return finish();

  function switchBack(rule: RecoveryRule, rs: RuleState): void {
    if (s.breaker || attemptsInWindow().length >= policy.attempts.max) {
      // Staying on the backup/slate is safe; flapping back and forth is not.
      s.rules[rule.name] = { ...rs, phase: 'HOLDING', since: iso(now) };
      if (!s.breaker) openBreaker(`${attemptsInWindow().length} remediation(s) in ${Math.round(policy.attempts.windowSeconds / 60)} min: the input keeps coming and going`, []);
      else note(`not switching back: circuit breaker open since ${s.breaker.openedAt}`, { rule: rule.name });
      return;
    }
    const a = plan(rule.name, { type: 'SWITCH_INPUT', to: 'primary' });
    s.attempts.push({ actionId: a.actionId, rule: rule.name, action: 'SWITCH_INPUT', at: iso(now) });
    s.rules[rule.name] = { phase: 'IDLE', since: iso(now), acted: false, actionId: a.actionId };
    note(`clear for ${rule.holdSeconds} s: switching back to the primary input`, { actionId: a.actionId, rule: rule.name, action: 'SWITCH_INPUT → primary', result: 'PENDING' });
  }

  function finish(): Decision {
    const changed = signalChanged || actions.length > 0 || audit.length > 0 || timers.length > 0
      || JSON.stringify(prev.rules) !== JSON.stringify(s.rules) || JSON.stringify(prev.timers) !== JSON.stringify(s.timers);
    if (!changed) return { state: prev, actions: [], timers: [], audit: [], changed: false };
    s.version = prev.version + 1;
    return { state: s, actions, timers, audit, changed: true };
  }
}
