import { ValidationError } from '../../../functions/lib/errors';
import { parseEventBridgeEvent } from '../../../functions/lib/recovery/events';
import { fixture } from './fixtures';

describe('EventBridge payloads → recovery events', () => {
  it("parses the MediaLive UG's documented alert example", () => {
    const p = parseEventBridgeEvent(fixture('medialive/alert-documented-example.json'));
    expect(p.target).toEqual({ medialiveChannelId: '123456', medialiveChannelArn: 'arn:aws:medialive:us-west-2:111122223333:channel:123456' });
    expect(p.event).toMatchObject({ kind: 'alert', state: 'CLEARED', alarmId: '7ad616bd389832yue90aab1324bffab5b834a', alertType: 'Failed to Create Output File or Socket', pipeline: '0', at: '2023-03-08T18:14:25.000Z' });
  });

  it.each(['SET', 'set', 'Set', 'sEt'])('alarm_state %s is SET', (v) => {
    expect(parseEventBridgeEvent(fixture('medialive/alert-video-not-detected-set.json', { detail: { alarm_state: v } })).event).toMatchObject({ state: 'SET' });
  });

  it('reads STOPPED (not IDLE) and RUNNING per pipeline with its count', () => {
    expect(parseEventBridgeEvent(fixture('medialive/state-stopped.json')).event).toMatchObject({ kind: 'state', state: 'STOPPED', pipelinesRunning: 0 });
    expect(parseEventBridgeEvent(fixture('medialive/state-running-pipeline-1.json')).event).toMatchObject({ kind: 'state', state: 'RUNNING', pipeline: '1', pipelinesRunning: 2 });
    expect(parseEventBridgeEvent(fixture('medialive/input-change.json')).event).toMatchObject({ kind: 'input', activeAttachment: 'onair-show-1-backup' });
  });

  it("names the OnAir channel and alarm kind from OnAir's alarm name; state compared case-insensitively", () => {
    const p = parseEventBridgeEvent(fixture('cloudwatch/alarm-output-5xx-alarm.json'));
    expect(p.target).toEqual({ channelId: 'show-1' });
    expect(p.event).toMatchObject({ kind: 'alarm', alarmKind: 'output-5xx-packager-p0', state: 'ALARM', at: '2026-11-24T20:10:00.121Z' });
    const lower = fixture('cloudwatch/alarm-output-5xx-ok.json');
    (lower.detail.state as { value: string }).value = 'ok';
    expect(parseEventBridgeEvent(lower).event).toMatchObject({ state: 'OK' });
  });

  it.each([
    ['another service', { source: 'aws.ec2' }, 'detail-type'],
    ['a bad alarm_state', { detail: { alarm_state: 'MAYBE' } }, 'alarm_state'],
    ['a foreign channel ARN', { detail: { channel_arn: 'arn:aws:s3:::bucket' } }, 'channel_arn'],
    ['a missing alarm_id', { detail: { alarm_id: undefined } }, 'alarm_id'],
    ['no id', { id: undefined }, 'id'],
  ])('refuses %s, naming the field', (_, patch, field) => {
    const e = { ...fixture('medialive/alert-video-not-detected-set.json'), ...patch } as Record<string, unknown>;
    if ('detail' in patch) e.detail = { ...fixture('medialive/alert-video-not-detected-set.json').detail, ...(patch.detail as object) };
    try {
      parseEventBridgeEvent(e);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details.map((d) => d.field).join(' ')).toContain(field);
    }
  });

  it('refuses an alarm that is not an OnAir channel alarm', () => {
    expect(() => parseEventBridgeEvent(fixture('cloudwatch/alarm-output-5xx-alarm.json', { detail: { alarmName: 'onair-something-else' } }))).toThrow(ValidationError);
  });
});
