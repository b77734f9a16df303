/** console/src/derive.ts: what the console computes from the API's answers. */
import { broadcastOutcome, fieldFor, ganttBars, previewUrl, recoveryState, resourceList } from '../../../console/src/derive';
import type { Broadcast, ChannelDetail, ChannelEvents, RecoveryAction } from '../../../console/src/types';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

test('ganttBars: each Task lasts until the next step; a running last step grows to now; marks have no length', () => {
  const events: ChannelEvents = {
    execution: { workflow: 'provision', executionArn: 'arn' },
    recoveryActions: [],
    steps: [
      { name: 'Validate', type: 'TaskStateEntered', at: iso(T0), elapsedSeconds: 0 },
      { name: 'CreateChannel', type: 'TaskStateEntered', at: iso(T0 + 2000), elapsedSeconds: 2 },
      { name: 'WaitForRunning', type: 'TaskStateEntered', at: iso(T0 + 5000), elapsedSeconds: 5, repeats: 3 },
    ],
  };
  const running = ganttBars(events, 'RUNNING', T0 + 65_000);
  expect(running.bars.map((b) => [b.name, b.startMs, b.durationMs, b.running])).toEqual([
    ['Validate', 0, 2000, false], ['CreateChannel', 2000, 3000, false], ['WaitForRunning', 5000, 60_000, true],
  ]);
  expect(running.totalMs).toBe(65_000);
  events.steps.push({ name: '', type: 'ExecutionFailed', at: iso(T0 + 9000), elapsedSeconds: 9 });
  const failed = ganttBars(events, 'FAILED', T0 + 65_000);
  expect(failed.bars.at(-2)).toMatchObject({ name: 'WaitForRunning', durationMs: 4000, running: false, repeats: 3 });
  expect(failed.bars.at(-1)).toMatchObject({ kind: 'failure', durationMs: 0, startMs: 9000 });
  expect(failed.totalMs).toBe(9000);
});

test('fieldFor: the API\'s field path lands on the longest form field it is under', () => {
  const paths = ['channelId', 'overrides.input.type', 'overrides.input.allowedCidrs', 'start'];
  expect(fieldFor('body.overrides.input.allowedCidrs.0', paths)).toBe('overrides.input.allowedCidrs');
  expect(fieldFor('body.channelId', paths)).toBe('channelId');
  expect(fieldFor('body.overrides.video.renditions.0.bitrate', paths)).toBeUndefined();
  expect(fieldFor('body.startAt', ['startAt', 'startAtX'])).toBe('startAt');
});

const action = (over: Partial<RecoveryAction>): RecoveryAction => ({ at: iso(T0), trigger: { kind: 'alert', eventId: 'e', summary: 's' }, decision: 'd', result: 'OK', ...over });

test('recoveryState: on slate after a switch, back to quiet after switching to primary, breaker open, a failed action', () => {
  expect(recoveryState([])).toEqual({ label: 'no action', tone: 'ok' });
  expect(recoveryState([action({ action: 'SWITCH_INPUT → slate' })])).toEqual({ label: 'on slate', tone: 'warn' });
  expect(recoveryState([action({ action: 'SWITCH_INPUT → primary' }), action({ action: 'SWITCH_INPUT → slate' })]).label).not.toMatch(/on slate/);
  expect(recoveryState([action({ rule: 'circuit-breaker', decision: 'circuit breaker open: paging a human', action: 'PAGE' })])).toEqual({ label: 'breaker open', tone: 'bad' });
  expect(recoveryState([action({ action: 'RESTART', result: 'FAILED' })])).toEqual({ label: 'RESTART failed', tone: 'bad' });
});

const broadcast: Broadcast = {
  broadcastId: 'b-abc123', channelId: 'show', startAt: iso(T0 + 600_000), endAt: iso(T0 + 3_600_000), leadSeconds: 300,
  teardownAfter: false, status: 'DONE', schedules: [], createdAt: iso(T0 - 86_400_000),
};
const channel = (over: Partial<ChannelDetail>) => ({ status: 'IDLE', ...over }) as ChannelDetail;

test('broadcastOutcome: on time, late by N s, failed with its step, planned', () => {
  const after = T0 + 4_000_000;
  expect(broadcastOutcome(broadcast, channel({ onAirAt: iso(T0 + 590_000) }), after)).toEqual({ label: 'on air on time', tone: 'ok' });
  expect(broadcastOutcome(broadcast, channel({ onAirAt: iso(T0 + 642_000) }), after)).toEqual({ label: 'on air late by 42 s', tone: 'warn' });
  expect(broadcastOutcome(broadcast, channel({ failure: { step: 'StartChannel', error: 'E', cause: 'quota', at: iso(T0 + 400_000) } }), after))
    .toEqual({ label: 'failed at StartChannel: quota', tone: 'bad' });
  expect(broadcastOutcome(broadcast, channel({}), T0).label).toBe('planned');
});

test('resourceList: what a teardown removes, in words', () => {
  expect(resourceList({
    medialiveChannelId: '1234567', inputId: '7654321', inputSecurityGroupId: '42',
    packager: { kind: 'mediapackage-v2', channelName: 'onair-show-1', originEndpoints: { hls: {}, dash: {} } },
    alarms: { 'us-east-1': ['a', 'b', 'c'] },
  })).toEqual(['MediaLive channel 1234567', 'MediaLive input 7654321', 'MediaLive input security group 42', 'MediaPackage v2 channel onair-show-1 and its 2 endpoints', '3 CloudWatch alarms']);
  expect(resourceList({ packager: { kind: 'mediapackage-v2', originEndpoints: {} }, alarms: {} })).toEqual([]);
});

test('previewUrl: a local cloud playback URL is played through the console\'s relay; a CloudFront one as it is', () => {
  expect(previewUrl('http://127.0.0.1:4580/_cdn/d1.cloudfront.net/out/v1/g/c/e/index.m3u8')).toBe('/console/cdn/d1.cloudfront.net/out/v1/g/c/e/index.m3u8');
  expect(previewUrl('https://d1.cloudfront.net/out/v1/g/c/e/index.m3u8')).toBe('https://d1.cloudfront.net/out/v1/g/c/e/index.m3u8');
  expect(previewUrl(undefined)).toBeUndefined();
});
