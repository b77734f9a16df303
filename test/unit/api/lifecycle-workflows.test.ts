/**
 * The checked-in start and stop state machines, executed with the real handlers (the workflows
 * helper's harness: the twin in-process, waits on its clock): start → RUNNING + watchable →
 * ON_AIR with the cost guard armed; stop → IDLE with it disarmed; the cost guard announcing
 * itself before it stops; the lock refusing a conflicting operation; failures recorded and told.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { WorkflowHarness } from '../workflows/harness';

// This suite keeps its channels (no teardown): more than MediaLive's default 5 per account, so the
// twin's account has raised quotas, and OnAir plans against them (as `npm start --quotas raised`).
const h = new WorkflowHarness({ quotas: 'raised' });
/** What the functions asked Scheduler (the twin's) since `from` (an index into h.calls). */
const schedulerCalls = (command: 'CreateSchedule' | 'DeleteSchedule', from = 0) => h.calls.slice(from).filter((c) => c.service === 'scheduler' && c.command === command).map((c) => c.input);
const overrides = (extra: Record<string, unknown> = {}) => ({ input: { allowedCidrs: ['203.0.113.10/32'] }, ...extra });

async function onAir(channelId: string, extra: Record<string, unknown> = {}) {
  const result = await h.run('provision', { channelId, profileName: 'single-pipeline', overrides: overrides(extra) });
  expect(result.status).toBe('SUCCEEDED');
}
const medialiveState = async (channelId: string) => {
  const record = await h.record(channelId);
  return (await h.invoke('medialive', 'DescribeChannel', { ChannelId: record?.resources.medialiveChannelId as string })).State;
};

beforeAll(async () => {
  await h.start();
  // The harness exports every function's environment (serverless.yml, the lifecycle functions'
  // `lifecycleEnvironment` included), as the local cloud does.
  expect(process.env.SCHEDULER_ROLE_ARN).toBe(h.workflows.functions.armCostGuard.env.SCHEDULER_ROLE_ARN);
});
afterAll(async () => { await h.stop(); });
let callsBefore = 0;
beforeEach(() => { callsBefore = h.calls.length; });
afterEach(() => h.clearFaults());

describe('checked-in definitions', () => {
  it.each(['start', 'stop'])('%s passes asl-validator', (machine) => {
    expect(h.validate(machine)).toEqual({ isValid: true, errors: [] });
  });
});

describe('stop then start', () => {
  it('stops to IDLE (removing the cost-guard schedule) and starts back to ON_AIR', async () => {
    await onAir('cycle-1');
    const stopped = await h.run('stop', { channelId: 'cycle-1', reason: 'api' });
    expect(stopped.status).toBe('SUCCEEDED');
    // No MediaLive event in this harness: the parked wait (WaitForIdle) times out and DescribeChannel decides.
    expect(stopped.tasks).toEqual(['Acquire', 'StopChannel', 'WaitForIdle', 'DescribeChannelStopped', 'MarkIdle', 'NotifyStopped']);
    expect(await h.record('cycle-1')).toMatchObject({ status: 'IDLE', desiredState: 'IDLE', execution: { workflow: 'stop' } });
    expect(await medialiveState('cycle-1')).toBe('IDLE');
    expect(schedulerCalls('DeleteSchedule', callsBefore)).toContainEqual({ Name: 'cycle-1-costguard', GroupName: 'onair-dev' });
    expect(h.published().at(-1)?.Subject).toBe('OnAir [dev]: cycle-1 stopped (IDLE)');

    const started = await h.run('start', { channelId: 'cycle-1', reason: 'broadcast', broadcastId: 'b-12345678' });
    expect(started.status).toBe('SUCCEEDED');
    expect(started.tasks).toEqual(expect.arrayContaining(['Acquire', 'StartChannel', 'WaitForRunning', 'DescribeChannelRunning', 'CheckPlayback', 'MarkOnAir', 'ArmCostGuard', 'NotifyOnAir']));
    expect(await h.record('cycle-1')).toMatchObject({ status: 'ON_AIR', desiredState: 'ON_AIR', execution: { workflow: 'start' } });
    expect(await medialiveState('cycle-1')).toBe('RUNNING');
    // No maxOnAirMinutes in this profile: nothing to arm.
    expect(schedulerCalls('CreateSchedule', callsBefore)).toHaveLength(0);
    expect(h.inventory().filter((r) => r.startsWith('scheduler:'))).toEqual([]);
  });

  it('is a no-op when the channel is already where the workflow would take it', async () => {
    await onAir('noop-1');
    const started = await h.run('start', { channelId: 'noop-1' });
    expect(started).toMatchObject({ status: 'SUCCEEDED', tasks: ['Acquire'] });
  });
});

describe('cost guard', () => {
  it('arms a stop schedule when the channel goes ON_AIR, and announces itself before stopping', async () => {
    await onAir('guard-1', { costGuard: { maxOnAirMinutes: 90 } });
    await h.run('stop', { channelId: 'guard-1' });
    const started = await h.run('start', { channelId: 'guard-1' });
    expect(started.status).toBe('SUCCEEDED');
    const record = (await h.record('guard-1')) as unknown as { onAirAt: string; costGuardStopAt: string };
    expect(new Date(record.costGuardStopAt).getTime() - new Date(record.onAirAt).getTime()).toBe(90 * 60_000);
    const create = schedulerCalls('CreateSchedule', callsBefore)[0] as { Target: { Input: string } };
    // The twin's Scheduler accepted it: the schedule exists.
    expect(h.inventory()).toContain('scheduler:schedule:onair-dev/guard-1-costguard');
    expect(create).toMatchObject({
      Name: 'guard-1-costguard', GroupName: 'onair-dev', FlexibleTimeWindow: { Mode: 'OFF' }, ActionAfterCompletion: 'DELETE',
      Target: { Arn: expect.stringMatching(/stateMachine:onair-dev-stop$/), DeadLetterConfig: { Arn: expect.stringMatching(/onair-dev-schedules-dlq$/) } },
    });
    expect(JSON.parse(create.Target.Input)).toEqual({ channelId: 'guard-1', reason: 'cost-guard' });

    // The schedule fires: the stop workflow with reason cost-guard.
    const before = h.published().length;
    const stopped = await h.run('stop', JSON.parse(create.Target.Input) as { channelId: string });
    expect(stopped.status).toBe('SUCCEEDED');
    expect(stopped.tasks.slice(0, 3)).toEqual(['Acquire', 'AnnounceCostGuard', 'StopChannel']);
    const notices = h.published().slice(before).map((p) => p.Subject);
    expect(notices).toEqual(['OnAir [dev]: cost guard stopping guard-1', 'OnAir [dev]: guard-1 stopped (IDLE)']);
    expect(h.published()[before]?.Message).toContain('its limit of 90 minutes');
    const after = (await h.record('guard-1')) as unknown as { status: string; costGuardStopAt?: string };
    expect(after.status).toBe('IDLE');
    expect(after.costGuardStopAt).toBeUndefined();
  });
});

describe('cost guard for provisioned channels (EventBridge)', () => {
  // Shape of AWS's "Step Functions Execution Status Change" event (Step Functions DG, "EventBridge events").
  const succeeded = (channelId: string) => ({
    version: '0', id: '315c1398-40ff-a850-213b-158f73e60175', 'detail-type': 'Step Functions Execution Status Change', source: 'aws.states',
    account: '111122223333', time: '2026-11-24T12:00:00Z', region: 'us-east-1',
    resources: [`arn:aws:states:us-east-1:111122223333:execution:onair-dev-provision:provision-${channelId}-x`],
    detail: {
      executionArn: `arn:aws:states:us-east-1:111122223333:execution:onair-dev-provision:provision-${channelId}-x`,
      stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-provision',
      name: `provision-${channelId}-x`, status: 'SUCCEEDED', startDate: 1795521601000, stopDate: 1795521661000,
      input: JSON.stringify({ channelId, startAfterCreate: true }), output: '{}',
    },
  });
  const invoke = async (event: unknown) => {
    const mod = await import('../../../functions/channel/armCostGuard');
    return (mod.handler as unknown as (e: unknown, c: unknown) => Promise<unknown>)(event, { functionName: 'armCostGuard', awsRequestId: 'r', getRemainingTimeInMillis: () => 10_000 });
  };

  it('arms the stop schedule when provisioning put the channel ON_AIR, idempotently', async () => {
    await onAir('guard-2', { costGuard: { maxOnAirMinutes: 30 } });
    expect(await invoke(succeeded('guard-2'))).toMatchObject({ armed: true });
    expect(await invoke(succeeded('guard-2'))).toMatchObject({ armed: true });
    const creates = schedulerCalls('CreateSchedule', callsBefore) as { Name: string; ScheduleExpression: string }[];
    expect(creates.map((c) => [c.Name, c.ScheduleExpression])).toEqual([
      ['guard-2-costguard', creates[0].ScheduleExpression], ['guard-2-costguard', creates[0].ScheduleExpression],
    ]);
    const record = (await h.record('guard-2')) as unknown as { onAirAt: string; costGuardStopAt: string };
    expect(new Date(record.costGuardStopAt).getTime() - new Date(record.onAirAt).getTime()).toBe(30 * 60_000);
  });

  it('does nothing for a channel provisioned IDLE or without a limit', async () => {
    const idle = await h.run('provision', { channelId: 'guard-3', profileName: 'single-pipeline', startAfterCreate: false, overrides: overrides({ costGuard: { maxOnAirMinutes: 30 } }) });
    expect(idle.status).toBe('SUCCEEDED');
    expect(await invoke(succeeded('guard-3'))).toEqual({ armed: false });
    await onAir('guard-4');
    expect(await invoke(succeeded('guard-4'))).toEqual({ armed: false });
    expect(schedulerCalls('CreateSchedule', callsBefore)).toHaveLength(0);
  });

  it('serverless.yml routes exactly the provision machine\'s SUCCEEDED events to it', () => {
    const rule = h.workflows.rules.find((r) => r.target.key === 'armCostGuard');
    expect(rule?.pattern).toEqual({
      source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['SUCCEEDED'], stateMachineArn: [{ suffix: ':stateMachine:onair-dev-provision' }] },
    });
  });
});

describe('the registry lock', () => {
  it('refuses a start while another operation holds the channel, changing nothing', async () => {
    await onAir('busy-1');
    await h.run('stop', { channelId: 'busy-1' });
    // Another stop holds the channel (its execution is not this one).
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await ddb.send(new UpdateCommand({
      TableName: process.env.CHANNELS_TABLE, Key: { channelId: 'busy-1' },
      UpdateExpression: 'SET #s = :s, #e = :e', ExpressionAttributeNames: { '#s': 'status', '#e': 'execution' },
      ExpressionAttributeValues: { ':s': 'STOPPING', ':e': { workflow: 'stop', arn: 'arn:aws:states:us-east-1:111122223333:execution:onair-dev-stop:other', startedAt: 'x' } },
    }));
    const started = await h.run('start', { channelId: 'busy-1' });
    expect(started).toMatchObject({ status: 'FAILED', error: 'ChannelBusyError', tasks: expect.arrayContaining(['Acquire']) });
    // Nothing touched: the only other step tells someone the start did not happen.
    expect(started.tasks.filter((t) => t !== 'Acquire')).toEqual(['NotifyRefused']);
    expect(started.cause).toContain('stop is in progress');
    expect(await h.record('busy-1')).toMatchObject({ status: 'STOPPING' });
    const notice = h.published().at(-1);
    expect(notice?.Subject).toBe('OnAir [dev]: ACTION NEEDED - busy-1 was not started');
    expect(notice?.Message).toContain('Error: ChannelBusyError');
    expect(notice?.Message).toContain('stop is in progress');
  });

  it('refuses an unknown channel', async () => {
    const started = await h.run('start', { channelId: 'ghost-1' });
    expect(started).toMatchObject({ status: 'FAILED', error: 'ChannelNotFoundError' });
    expect(h.published().at(-1)?.Subject).toBe('OnAir [dev]: ACTION NEEDED - ghost-1 was not started');
    expect(await h.record('ghost-1')).toBeUndefined();
  });

  it('tells when a planned stop cannot take the channel (it may still be on air and billed)', async () => {
    const stopped = await h.run('stop', { channelId: 'ghost-2', reason: 'broadcast' });
    expect(stopped).toMatchObject({ status: 'FAILED', error: 'ChannelNotFoundError' });
    const notice = h.published().at(-1);
    expect(notice?.Subject).toBe('OnAir [dev]: ACTION NEEDED - ghost-2 was not stopped');
    expect(notice?.Message).toContain('still billed');
    expect(notice?.MessageAttributes).toMatchObject({ executionArn: { StringValue: expect.stringContaining(':execution:onair-dev-stop:') } });
  });
});

describe('failures', () => {
  it('a start that never reaches RUNNING stops the encoder, marks FAILED with the step, and tells', async () => {
    await onAir('fail-1');
    await h.run('stop', { channelId: 'fail-1' });
    h.inject({ state: 'DescribeChannelRunning', when: 'before' });
    const started = await h.run('start', { channelId: 'fail-1' });
    expect(started.status).toBe('FAILED');
    expect(started.tasks).toEqual(expect.arrayContaining(['StopAfterFailure', 'RecordFailure', 'NotifyFailure']));
    expect(started.cause).toBe('start failed at waitForRunning: injected failure before DescribeChannelRunning');
    expect(await h.record('fail-1')).toMatchObject({ status: 'FAILED', failure: { step: 'waitForRunning', error: 'InjectedFailure' } });
    expect(await medialiveState('fail-1')).not.toBe('RUNNING');
    expect(h.published().at(-1)?.Subject).toBe('OnAir [dev]: fail-1 FAILED to start');
    // From FAILED a stop settles the channel again.
    h.clearFaults();
    expect((await h.run('stop', { channelId: 'fail-1' })).status).toBe('SUCCEEDED');
    expect(await h.record('fail-1')).toMatchObject({ status: 'IDLE' });
  });

  it('a stop that fails marks FAILED and sends an ACTION NEEDED notice', async () => {
    await onAir('fail-2');
    h.inject({ state: 'StopChannel', when: 'before' });
    const stopped = await h.run('stop', { channelId: 'fail-2' });
    expect(stopped.status).toBe('FAILED');
    expect(await h.record('fail-2')).toMatchObject({ status: 'FAILED', failure: { step: 'stopChannel' } });
    expect(h.published().at(-1)?.Subject).toBe('OnAir [dev]: ACTION NEEDED - fail-2 did not stop');
  });
});
