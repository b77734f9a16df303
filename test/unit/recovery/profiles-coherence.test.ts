/**
 * Every built-in profile's recovery policy acts only with what that profile provisions: for each
 * built-in profile (as is, and with a slate), every alert type and alarm its rules handle is played
 * through decide(), and each action chosen must be possible on the channel the profile creates —
 * a SWITCH_INPUT names an attachment of that channel's CreateChannel request.
 * (Before: the default input-loss rule switched to a `backup` input default provisioning never
 * creates, so every input blip logged a failed recovery and counted toward the breaker's page.)
 */
import { buildChannelRequest, pipelineCount } from '../../../functions/lib/medialive/builders';
import { packagerFor } from '../../../functions/lib/packager';
import { BUILTIN_PROFILES } from '../../../functions/lib/profile';
import { pickAttachment } from '../../../functions/lib/recovery/medialive';
import { effectiveRules } from '../../../functions/lib/recovery/policy';
import type { AlarmEvent, AlertEvent, StateEvent } from '../../../functions/lib/recovery/types';
import { makeRecord } from '../resources/helpers/fixtures';
import { advance, at, sim, step } from './harness';

const SLATE = { recovery: { slate: { url: 'https://media.example.com/slate.mp4' } } };

const cases = Object.keys(BUILTIN_PROFILES).flatMap((name) => [[name, 'as built in', {}], [name, 'with a slate', SLATE]] as const);

describe.each(cases)('%s (%s)', (name, _variant, overrides) => {
  const record = makeRecord(name, overrides);
  const request = buildChannelRequest({
    record, stage: 'dev', inputId: '1111', roleArn: 'arn:aws:iam::111122223333:role/ml',
    packagerTarget: packagerFor(record).medialiveTarget(record, 'dev'),
    ...(record.profile.recovery.slate ? { slateInputId: '2222' } : {}),
  });
  const attachments = (request.InputAttachments ?? []).map((a) => a.InputAttachmentName as string);
  const policy = record.profile.recovery;
  const rules = effectiveRules(policy, record.profile.costGuard?.inputLossAutoStopMinutes);

  const signals = rules.flatMap((r) => [
    ...r.on.alertTypes.map((type) => ({ rule: r.name, label: `alert "${type}"`, event: { kind: 'alert', eventId: `e-${type}`, at: at(0), alarmId: `a-${type}`, alertType: type, state: 'SET', pipeline: '0', message: type } satisfies AlertEvent })),
    ...r.on.alarms.map((kind) => ({ rule: r.name, label: `alarm ${kind}`, event: { kind: 'alarm', eventId: `e-${kind}`, at: at(0), alarmName: `onair-${record.channelId}-alarm-${kind}`, alarmKind: kind, state: 'ALARM', reason: 'threshold crossed' } satisfies AlarmEvent })),
    ...(r.on.pipelineDown ? [{ rule: r.name, label: 'pipeline down', event: { kind: 'state', eventId: 'e-down', at: at(0), state: 'STOPPED', pipeline: '1', pipelinesRunning: 1, message: 'pipeline 1 stopped' } satisfies StateEvent }] : []),
  ]);

  it('handles at least input loss', () => {
    expect(signals.some((s) => s.rule === 'input-loss')).toBe(true);
  });

  it.each(signals.map((s) => [s.label, s] as const))('%s → an action this channel can take', (_label, signal) => {
    const s = sim({ policy, facts: { channelId: record.channelId, pipelinesTotal: pipelineCount(record.profile) } });
    step(s, 0, signal.event);
    advance(s, 3600, { channelState: 'RUNNING', pipelinesRunning: 0 });
    const planned = s.log.map((l) => l.action.spec);
    expect(planned.length).toBeGreaterThan(0);
    for (const spec of planned) {
      if (spec.type === 'SWITCH_INPUT') expect({ to: spec.to, attachment: pickAttachment(attachments, spec.to) }).toEqual({ to: spec.to, attachment: expect.any(String) });
    }
    // With a slate, input loss puts it on air; without one, MediaLive's input-loss behaviour covers the picture and OnAir notifies.
    if (signal.rule === 'input-loss') expect(planned[0]?.type).toBe(policy.slate ? 'SWITCH_INPUT' : 'NOTIFY');
    // With a slate a human is told too: the audience is watching the slate.
    if (signal.rule === 'input-loss-notice') expect(planned.map((a) => a.type)).toEqual(['SWITCH_INPUT', 'NOTIFY']);
  });

  it('tells a human about input loss, slate or not', () => {
    const notifies = rules.filter((r) => r.action === 'NOTIFY' && r.on.alertTypes.includes('RTMP Stream Not Found'));
    expect(notifies.map((r) => r.name)).toEqual([policy.slate ? 'input-loss-notice' : 'input-loss']);
  });
});

describe('a rule that needs an input the channel will not have is refused when the profile is resolved', () => {
  it('SWITCH_INPUT → slate without recovery.slate: a ValidationError naming the rule\'s target', () => {
    const rules = [{ name: 'input-loss', on: { alertTypes: ['Video Not Detected'] }, action: 'SWITCH_INPUT', target: 'slate' }];
    expect(() => makeRecord('default', { recovery: { rules } } as never)).toThrow(expect.objectContaining({
      name: 'ValidationError',
      details: [expect.objectContaining({ field: 'recovery.rules.0.target', message: expect.stringContaining('set recovery.slate') })],
    }));
  });

  it('rules named explicitly are kept as given, slate or not (an operator may attach a backup input)', () => {
    const rules = [{ name: 'input-loss', on: { alertTypes: ['Video Not Detected'] }, action: 'SWITCH_INPUT', target: 'backup' }];
    expect(makeRecord('default', { recovery: { rules, ...SLATE.recovery } } as never).profile.recovery.rules.map((r) => `${r.action}:${r.target}`)).toEqual(['SWITCH_INPUT:backup']);
  });
});
