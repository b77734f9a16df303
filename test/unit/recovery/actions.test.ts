/**
 * Recovery's actions: the MediaLive ones (recoveryMediaLive, functions/lib/recovery/medialive.ts)
 * and the deciders' (functions/lib/recovery/actions.ts: SNS, Step Functions — a MediaLive action
 * is a recover execution they start).
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BadRequestException, BatchUpdateScheduleCommand, DescribeChannelCommand, ListAlertsCommand, MediaLiveClient, RestartChannelPipelinesCommand,
  StartChannelCommand, TooManyRequestsException, UnprocessableEntityException,
} from '@aws-sdk/client-medialive';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AwsThrottledError } from '../../../functions/lib/errors';
import { actExecutionName, armTimer, executeAction, fireLateTimer, startObserve, timerExecutionName, type RecoveryDeps } from '../../../functions/lib/recovery/actions';
import { observeChannel, observeWithAlerts, pickAttachment, runMediaLiveAction } from '../../../functions/lib/recovery/medialive';
import { recoveryMediaLive } from '../../../functions/recovery/medialive';
import type { ChannelRecord, ChannelRegistry } from '../../../functions/lib/channel/registry';
import type { MediaLiveActionSpec, PlannedAction } from '../../../functions/lib/recovery/types';

const ml = mockClient(MediaLiveClient);
const sns = mockClient(SNSClient);
const sfn = mockClient(SFNClient);

const deps: RecoveryDeps = {
  sns: new SNSClient({}), sfn: new SFNClient({}), registry: {} as ChannelRegistry,
  topicArn: 'arn:aws:sns:us-east-1:111122223333:onair-dev-notifications', stage: 'dev',
  recoverStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-recover',
  observeStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-observe',
  stopStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-stop',
  now: () => new Date('2026-11-24T20:00:00Z'),
};
const mlDeps = { medialive: new MediaLiveClient({}) };
const record = { channelId: 'show-1', generation: 'mi4k2a1b2c', resources: { medialiveChannelId: '1234567' } } as unknown as ChannelRecord;
const action = (spec: PlannedAction['spec']): PlannedAction => ({ actionId: 'r7', rule: 'input-loss', spec });
/** What the recover execution's Act task (recoveryMediaLive) runs for action r7. */
const act = (spec: MediaLiveActionSpec) => runMediaLiveAction(mlDeps, '1234567', 'r7', spec);
const attachments = (...names: string[]) => names.map((n, i) => ({ InputAttachmentName: n, InputId: String(i) }));

beforeEach(() => { ml.reset(); sns.reset(); sfn.reset(); });

describe('input switch (BatchUpdateSchedule, immediate InputSwitchSettings)', () => {
  it('switches to the second attachment with a schedule action named after the action id', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', InputAttachments: attachments('onair-show-1-input', 'onair-show-1-backup') });
    ml.on(BatchUpdateScheduleCommand).resolves({});
    await expect(act({ type: 'SWITCH_INPUT', to: 'backup' })).resolves.toEqual({ ok: true, detail: 'switched to onair-show-1-backup (schedule action onair-rcv-r7-backup)' });
    expect(ml).toHaveReceivedCommandWith(BatchUpdateScheduleCommand, {
      ChannelId: '1234567',
      Creates: { ScheduleActions: [{ ActionName: 'onair-rcv-r7-backup', ScheduleActionSettings: { InputSwitchSettings: { InputAttachmentNameReference: 'onair-show-1-backup' } }, ScheduleActionStartSettings: { ImmediateModeScheduleActionStartSettings: {} } }] },
    });
  });

  it('a channel without a backup input: a failed attempt that says what is missing, no schedule change', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', InputAttachments: attachments('onair-show-1-input') });
    const out = await act({ type: 'SWITCH_INPUT', to: 'backup' });
    expect(out).toEqual({ ok: false, detail: 'MediaLive channel 1234567 has no backup input attached (only onair-show-1-input): attach a second input to switch to' });
    expect(ml).not.toHaveReceivedCommand(BatchUpdateScheduleCommand);
    const slate = await act({ type: 'SWITCH_INPUT', to: 'slate' });
    expect(slate.detail).toMatch(/no slate input attached .* provisioning does not create slate inputs yet/);
  });

  it('a retried switch finds its own schedule action: done', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', InputAttachments: attachments('a', 'b') });
    ml.on(BatchUpdateScheduleCommand).rejects(new UnprocessableEntityException({ $metadata: {}, message: 'Invalid schedule update', ValidationErrors: [{ ElementPath: 'creates.scheduleActions[0].actionName', ErrorMessage: "Schedule action 'onair-rcv-r7-backup' already exists" }] }));
    await expect(act({ type: 'SWITCH_INPUT', to: 'backup' })).resolves.toMatchObject({ ok: true });
  });

  it('throttling propagates (the invocation is retried); other refusals are failed attempts', async () => {
    ml.on(DescribeChannelCommand).rejects(new TooManyRequestsException({ $metadata: {}, message: 'slow down' }));
    await expect(act({ type: 'SWITCH_INPUT', to: 'backup' })).rejects.toBeInstanceOf(AwsThrottledError);
    ml.on(DescribeChannelCommand).rejects(new BadRequestException({ $metadata: {}, message: 'nope' }));
    await expect(act({ type: 'SWITCH_INPUT', to: 'backup' })).resolves.toEqual({ ok: false, detail: 'BadRequestException: nope' });
  });

  it('picks primary, backup and slate attachments', () => {
    expect(pickAttachment(['p', 'x-slate', 'b'], 'primary')).toBe('p');
    expect(pickAttachment(['p', 'x-slate', 'b'], 'backup')).toBe('b');
    expect(pickAttachment(['p', 'x-slate', 'b'], 'slate')).toBe('x-slate');
    expect(pickAttachment(['p'], 'backup')).toBeUndefined();
  });
});

describe('restart', () => {
  it('a stopped (IDLE) channel is started', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    ml.on(StartChannelCommand).resolves({ State: 'STARTING' });
    await expect(act({ type: 'RESTART', pipelines: ['0', '1'] })).resolves.toEqual({ ok: true, detail: 'StartChannel 1234567' });
    expect(ml).toHaveReceivedCommandWith(StartChannelCommand, { ChannelId: '1234567' });
  });

  it('a running channel restarts only the stopped pipelines', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    ml.on(RestartChannelPipelinesCommand).resolves({});
    await act({ type: 'RESTART', pipelines: ['1'] });
    expect(ml).toHaveReceivedCommandWith(RestartChannelPipelinesCommand, { ChannelId: '1234567', PipelineIds: ['PIPELINE_1'] });
    expect(ml).not.toHaveReceivedCommand(StartChannelCommand);
  });

  it('a channel being deleted is not restarted', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'DELETING' });
    await expect(act({ type: 'RESTART', pipelines: [] })).resolves.toMatchObject({ ok: false, detail: expect.stringMatching(/DELETING: cannot restart/) });
  });
});

describe('a MediaLive action is a recover execution (mode act) the decider starts', () => {
  it('named from the channel, its generation and the action id; its input carries the MediaLive channel id', async () => {
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'arn:e' }).rejects(new ExecutionAlreadyExists({ $metadata: {}, message: 'exists' }));
    const name = actExecutionName(record, 'r7');
    expect(name).toBe('show-1-mi4k2a1b2c-r7');
    const out = await executeAction(deps, record, action({ type: 'SWITCH_INPUT', to: 'backup' }));
    expect(out).toEqual({ ok: true, detail: `started (recover execution ${name})`, started: true });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: deps.recoverStateMachineArn, name,
      input: JSON.stringify({ mode: 'act', channelId: 'show-1', medialiveChannelId: '1234567', actionId: 'r7', spec: { type: 'SWITCH_INPUT', to: 'backup' } }),
    });
    // Started twice (a retried invocation): one execution, still started.
    await expect(executeAction(deps, record, action({ type: 'SWITCH_INPUT', to: 'backup' }))).resolves.toMatchObject({ ok: true, started: true });
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  it('a channel without a MediaLive channel: a failed attempt, nothing started', async () => {
    const bare = { ...record, resources: {} } as ChannelRecord;
    await expect(executeAction(deps, bare, action({ type: 'RESTART', pipelines: ['1'] }))).resolves.toEqual({ ok: false, detail: 'the channel has no MediaLive channel' });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('recoveryMediaLive: act and observe, registry-free (its input names the MediaLive channel)', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', PipelinesRunningCount: 1, InputAttachments: attachments('p', 'b') });
    ml.on(BatchUpdateScheduleCommand).resolves({});
    ml.on(ListAlertsCommand).resolves({ Alerts: [{ Id: 'a1', AlertType: 'Video Not Detected', PipelineId: '1', SetTimestamp: new Date('2026-11-24T19:59:00Z'), Message: 'm' }] });
    const common = { channelId: 'show-1', medialiveChannelId: '1234567' };
    const d = { ...mlDeps, now: () => new Date('2026-11-24T20:00:00Z') };
    await expect(recoveryMediaLive({ op: 'act', ...common, actionId: 'r7', spec: { type: 'SWITCH_INPUT', to: 'backup' } }, d)).resolves.toEqual({ ok: true, detail: 'switched to b (schedule action onair-rcv-r7-backup)' });
    await expect(recoveryMediaLive({ op: 'observe', ...common }, d)).resolves.toEqual({ observation: { channelState: 'RUNNING', pipelinesRunning: 1 } });
    expect(ml).not.toHaveReceivedCommand(ListAlertsCommand);
    await expect(recoveryMediaLive({ op: 'observe', ...common, alerts: true }, d)).resolves.toEqual({
      observation: { channelState: 'RUNNING', pipelinesRunning: 1 },
      setAlerts: [{ alarmId: 'a1', alertType: 'Video Not Detected', pipeline: '1', setAt: '2026-11-24T19:59:00.000Z', message: 'm' }],
    });
    expect(ml).toHaveReceivedCommandWith(ListAlertsCommand, { ChannelId: '1234567', StateFilter: 'SET' });
  });

  it('observing a stopped channel lists no alerts; no MediaLive channel reads as IDLE without a call', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE', PipelinesRunningCount: 0 });
    await expect(observeWithAlerts(mlDeps, '1234567', new Date())).resolves.toEqual({ observation: { channelState: 'IDLE', pipelinesRunning: 0 }, setAlerts: [] });
    expect(ml).not.toHaveReceivedCommand(ListAlertsCommand);
    ml.reset();
    await expect(observeChannel(mlDeps, undefined)).resolves.toEqual({ channelState: 'IDLE', pipelinesRunning: 0 });
    expect(ml).not.toHaveReceivedAnyCommand();
  });
});

describe('notify, page, stop', () => {
  it('publishes a short subject and a readable body', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await executeAction(deps, record, action({ type: 'PAGE', subject: 'ACTION NEEDED - show-1: automatic recovery gave up', lines: ['Channel show-1: it broke.', '', '- tried'] }));
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: deps.topicArn, Subject: 'OnAir [dev]: ACTION NEEDED - show-1: automatic recovery gave up', Message: 'Channel show-1: it broke.\n\n- tried',
      MessageAttributes: { event: { DataType: 'String', StringValue: 'RECOVERY_PAGE' }, channelId: { DataType: 'String', StringValue: 'show-1' } },
    });
  });

  it('stop: announces, then starts the stop workflow once (reason recovery)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'arn:exec' }).rejects(new ExecutionAlreadyExists({ $metadata: {}, message: 'exists' }));
    const stop = action({ type: 'STOP', subject: 'cost guard stopping show-1', lines: ['x'] });
    await expect(executeAction(deps, record, stop)).resolves.toMatchObject({ ok: true });
    await expect(executeAction(deps, record, stop)).resolves.toEqual({ ok: true, detail: 'stop workflow already started' });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: deps.stopStateMachineArn, name: 'recovery-show-1-r7', input: JSON.stringify({ channelId: 'show-1', reason: 'recovery' }) });
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe('OnAir [dev]: cost guard stopping show-1');
  });
});

describe('timers', () => {
  it('start one recover execution per (channel, key, due time), waiting the remaining seconds', async () => {
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'arn:e' }).rejects(new ExecutionAlreadyExists({ $metadata: {}, message: 'exists' }));
    const t = { key: 'debounce:input-loss', dueAt: '2026-11-24T20:00:10.000Z' };
    await armTimer(deps, 'show-1', t);
    await armTimer(deps, 'show-1', t);
    expect(timerExecutionName('show-1', t)).toBe('show-1-debounce-input-loss-1795550410');
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: deps.recoverStateMachineArn, name: 'show-1-debounce-input-loss-1795550410', input: JSON.stringify({ channelId: 'show-1', key: 'debounce:input-loss', dueAt: t.dueAt, waitSeconds: 10 }) });
  });

  it('a verify timer carries the MediaLive channel id (its execution observes the channel first); a late one waits 0 s', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:e' });
    const t = { key: 'verify:pipeline-down', dueAt: '2026-11-24T20:01:00.000Z' };
    await armTimer(deps, 'show-1', t, '1234567');
    await armTimer(deps, 'show-1', { key: 'debounce:input-loss', dueAt: t.dueAt }, '1234567');
    const inputs = sfn.commandCalls(StartExecutionCommand).map((c) => JSON.parse(c.args[0].input.input ?? '{}') as Record<string, unknown>);
    expect(inputs[0]).toEqual({ channelId: 'show-1', key: t.key, dueAt: t.dueAt, waitSeconds: 60, medialiveChannelId: '1234567' });
    expect(inputs[1]).not.toHaveProperty('medialiveChannelId');
    const late = { ...deps, now: () => new Date('2026-11-24T20:05:00Z') };
    await fireLateTimer(late, 'show-1', t, '1234567');
    const last = sfn.commandCalls(StartExecutionCommand).at(-1)!.args[0].input;
    expect(last.name).toBe(`${timerExecutionName('show-1', t)}-late-${Math.floor(Date.parse('2026-11-24T20:05:00Z') / 60_000) % 1e8}`);
    expect(last.name!.length).toBeLessThanOrEqual(80);
    expect(JSON.parse(last.input ?? '{}')).toMatchObject({ waitSeconds: 0, medialiveChannelId: '1234567' });
  });

  it("the reconciler's look is an observe execution (EXPRESS) per channel per minute", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:e' });
    await startObserve(deps, record, '1234567', new Date('2026-11-24T20:00:42Z'));
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: deps.observeStateMachineArn, name: `show-1-${Date.parse('2026-11-24T20:00:00Z') / 60_000}`,
      input: JSON.stringify({ channelId: 'show-1', medialiveChannelId: '1234567', minute: '2026-11-24T20:00:00.000Z' }),
    });
  });
});
