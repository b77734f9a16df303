import { AwsError } from '../../../local/core/types';
import { registerRoles, type RoleSpec } from '../../../local/iam/roles';
import { EventBridgeService } from '../../../local/services/events';
import { SchedulerService, parseExpression } from '../../../local/services/scheduler';
import { SqsService } from '../../../local/services/sqs';
import { StepFunctionsService } from '../../../local/services/stepfunctions';
import { testEnv } from './twin-env';

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not reached');
};

const ROLE = 'arn:aws:iam::111122223333:role/s';

/**
 * The schedules' execution role as the Scheduler UG's "Setting up the execution role" writes it: trust
 * for scheduler.amazonaws.com conditioned on the account and the schedule group, StartExecution on
 * the workflows and SendMessage on the dead-letter queue.
 */
function schedulerRole(patch: { group?: string; actions?: string[] } = {}): RoleSpec {
  return {
    arn: ROLE,
    trust: { Statement: [{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: {
      'aws:SourceAccount': '111122223333', 'aws:SourceArn': `arn:aws:scheduler:us-east-1:111122223333:schedule-group/${patch.group ?? 'onair-dev'}`,
    } } }] },
    policies: [{ Statement: (patch.actions ?? ['states:StartExecution', 'sqs:SendMessage']).map((a) => ({
      Effect: 'Allow', Action: a, Resource: a.startsWith('sqs:') ? 'arn:aws:sqs:us-east-1:111122223333:*' : 'arn:aws:states:us-east-1:111122223333:stateMachine:*',
    })) }],
  };
}

function setup(role: RoleSpec | null = schedulerRole()): { env: ReturnType<typeof testEnv>; sfn: StepFunctionsService; machine: string } {
  const env = testEnv(1000);
  if (role) registerRoles(env, [role]);
  const sfn = new StepFunctionsService(env);
  env.services.set('states', sfn);
  const machine = sfn.register({ name: 'noop', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } });
  return { env, sfn, machine };
}

describe('EventBridge twin', () => {
  it('delivers events from the twin bus to matching rules only, with the AWS envelope', async () => {
    const { env, sfn, machine } = setup();
    const eb = new EventBridgeService(env);
    eb.putRule({ name: 'alerts', pattern: { source: ['aws.medialive'], 'detail-type': ['MediaLive Channel Alert'], detail: { alarm_state: [{ 'equals-ignore-case': 'set' }] } }, targets: [{ id: 'sm', arn: machine }] });
    env.events.emit({ source: 'aws.medialive', 'detail-type': 'MediaLive Channel Alert', resources: ['arn:x'], detail: { alarm_state: 'Set', alarm_id: 'a1' } });
    env.events.emit({ source: 'aws.medialive', 'detail-type': 'MediaLive Channel Alert', resources: ['arn:x'], detail: { alarm_state: 'CLEARED', alarm_id: 'a1' } });
    await until(() => eb.deliveryLog().length === 1);
    await eb.settled();
    const execs = sfn.listExecutionRecords();
    expect(execs).toHaveLength(1);
    const input = JSON.parse(execs[0]?.input ?? '{}');
    expect(input).toMatchObject({ version: '0', source: 'aws.medialive', 'detail-type': 'MediaLive Channel Alert', account: '111122223333', region: 'us-east-1', resources: ['arn:x'], detail: { alarm_state: 'Set' } });
    expect(typeof input.id).toBe('string');
    expect(typeof input.time).toBe('string');
    eb.stop();
  });

  it('repeats deliveries when told to (at least once), and transforms input', async () => {
    const { env, sfn, machine } = setup();
    const eb = new EventBridgeService(env, { duplicateProbability: 1 });
    eb.putRule({ name: 'r', pattern: { source: ['onair.test'] }, targets: [{ id: 't', arn: machine, inputTransformer: { inputPathsMap: { id: '$.detail.channelId' }, inputTemplate: '{"channelId": "<id>"}' } }] });
    const out = eb.operations.PutEvents({ Entries: [
      { Source: 'onair.test', DetailType: 'x', Detail: '{"channelId":"c-1"}' },
      { Source: 'onair.test', DetailType: 'x', Detail: 'not json' },
      { Source: 'onair.test', Detail: '{}' },
    ] });
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries).toEqual([{ EventId: expect.any(String) }, { ErrorCode: 'MalformedDetail', ErrorMessage: expect.any(String) }, { ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('DetailType') }]);
    await until(() => eb.deliveryLog().length === 2);
    expect(eb.deliveryLog().map((d) => d.duplicate).sort()).toEqual([false, true]);
    expect(sfn.listExecutionRecords().map((e) => JSON.parse(e.input))).toEqual([{ channelId: 'c-1' }, { channelId: 'c-1' }]);
    eb.stop();
  });

  it('fires rate() scheduled rules on the twin clock with the Scheduled Event envelope; cron is reported, not faked', async () => {
    const { env, sfn, machine } = setup();
    const eb = new EventBridgeService(env);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    eb.putScheduledRule({ name: 'every-minute', schedule: 'rate(1 minute)', targets: [{ id: 'sm', arn: machine }] });
    eb.putScheduledRule({ name: 'cron', schedule: 'cron(0 12 * * ? *)', targets: [{ id: 'sm', arn: machine }] });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('does not evaluate cron(0 12 * * ? *)'));
    warn.mockRestore();
    eb.start();
    await until(() => sfn.listExecutionRecords().length >= 2);
    eb.stop();
    const first = JSON.parse(sfn.listExecutionRecords()[0]?.input ?? '{}');
    expect(first).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', resources: ['arn:aws:events:us-east-1:111122223333:rule/every-minute'], detail: {} });
  });

  it('refuses a malformed rule pattern, naming the rule', () => {
    const { env } = setup();
    const eb = new EventBridgeService(env);
    expect(() => eb.putRule({ name: 'bad', pattern: { source: 'aws.medialive' }, targets: [] })).toThrow(/rule bad: Field source/);
    eb.stop();
  });
});

describe('Scheduler twin', () => {
  const base = (machine: string, at: string): Record<string, unknown> => ({
    Name: 'b-1', GroupName: 'onair-dev', ScheduleExpression: `at(${at})`, FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: machine, RoleArn: ROLE, Input: '{"channelId":"c-1","at":"<aws.scheduler.scheduled-time>"}', RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:111122223333:dlq' } },
    ActionAfterCompletion: 'DELETE',
  });
  const isoIn = (env: ReturnType<typeof testEnv>, ms: number): string => new Date(env.clock.now() + ms).toISOString().slice(0, 19);
  /** A started Scheduler with the onair-dev group and an SQS twin holding the queue `dlq`, firing one schedule at `target` in 1 s. */
  const firing = async (env: ReturnType<typeof testEnv>, target: string): Promise<{ sch: SchedulerService; sqs: SqsService }> => {
    const sqs = new SqsService(env);
    env.services.set('sqs', sqs);
    await env.invoke('sqs', 'CreateQueue', { QueueName: 'dlq' });
    const sch = new SchedulerService(env);
    sch.start();
    sch.operations.CreateScheduleGroup({ Name: 'onair-dev' });
    sch.operations.CreateSchedule(base(target, isoIn(env, 1000)));
    return { sch, sqs };
  };

  it('fires a one-time schedule on the twin clock, starts the workflow with its input, then deletes it', async () => {
    const { env, sfn, machine } = setup();
    const sch = new SchedulerService(env);
    sch.start();
    sch.operations.CreateScheduleGroup({ Name: 'onair-dev' });
    sch.operations.CreateSchedule(base(machine, isoIn(env, 60_000)));
    expect(sch.operations.GetSchedule({ Name: 'b-1', GroupName: 'onair-dev' })).toMatchObject({ State: 'ENABLED', ActionAfterCompletion: 'DELETE' });
    expect(sch.inventory()).toHaveLength(1);
    await until(() => sfn.listExecutionRecords().length === 1);
    expect(JSON.parse(sfn.listExecutionRecords()[0]?.input ?? '')).toMatchObject({ channelId: 'c-1', at: expect.stringMatching(/Z$/) });
    await until(() => sch.inventory().length === 0);
    expect(() => sch.operations.GetSchedule({ Name: 'b-1', GroupName: 'onair-dev' })).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException' }));
    sch.stop();
  });

  it('retries a failing target per RetryPolicy, then sends the dead-letter event to the SQS queue', async () => {
    const { env } = setup();
    const { sch, sqs } = await firing(env, 'arn:aws:states:us-east-1:111122223333:stateMachine:missing');
    await until(() => sch.deadLetterLog().length === 1 && sch.deadLetterLog()[0]?.messageId !== undefined);
    expect(sch.invocationLog().filter((i) => !i.ok)).toHaveLength(4);
    expect(sch.deadLetterLog()[0]).toMatchObject({ queueArn: 'arn:aws:sqs:us-east-1:111122223333:dlq', error: expect.stringContaining('StateMachineDoesNotExist') });
    const [letter] = sqs.peek('arn:aws:sqs:us-east-1:111122223333:dlq');
    expect(letter?.MessageId).toBe(sch.deadLetterLog()[0]?.messageId);
    expect(JSON.parse(letter?.Body ?? '')).toMatchObject({ channelId: 'c-1' });
    expect(letter?.MessageAttributes).toMatchObject({
      ERROR_CODE: { DataType: 'String', StringValue: 'StateMachineDoesNotExist' }, RETRY_ATTEMPTS: { StringValue: '3' },
      EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' }, TARGET_ARN: { StringValue: 'arn:aws:states:us-east-1:111122223333:stateMachine:missing' },
      SCHEDULE_ARN: { StringValue: 'arn:aws:scheduler:us-east-1:111122223333:schedule/onair-dev/b-1' },
    });
    sch.stop();
    sqs.stop();
  });

  it('loses a dead letter whose queue does not exist, saying so', async () => {
    const { env } = setup();
    env.services.set('sqs', new SqsService(env));
    const sch = new SchedulerService(env);
    sch.start();
    sch.operations.CreateScheduleGroup({ Name: 'onair-dev' });
    sch.operations.CreateSchedule(base('arn:aws:states:us-east-1:111122223333:stateMachine:missing', isoIn(env, 1000)));
    await until(() => sch.deadLetterLog()[0]?.deliveryError !== undefined);
    expect(sch.deadLetterLog()[0]).toMatchObject({ deliveryError: expect.stringContaining('QueueDoesNotExist') });
    sch.stop();
  });

  it('acts only through a role it may assume and that allows the action: a refusal is dead-lettered, a letter it may not send is lost', async () => {
    const run = async (role: RoleSpec | null, target?: string) => {
      const { env, sfn, machine } = setup(role);
      const { sch, sqs } = await firing(env, target ?? machine);
      await until(() => sch.deadLetterLog().length === 1 && (sch.deadLetterLog()[0]?.messageId ?? sch.deadLetterLog()[0]?.deliveryError) !== undefined);
      const out = { letter: sch.deadLetterLog()[0], failed: sch.invocationLog().filter((i) => !i.ok), started: sfn.listExecutionRecords().length, queued: sqs.peek('arn:aws:sqs:us-east-1:111122223333:dlq') };
      sch.stop();
      sqs.stop();
      return out;
    };
    // No states:StartExecution: every attempt is refused (nothing starts), then the dead letter says why.
    const noStart = await run(schedulerRole({ actions: ['sqs:SendMessage'] }));
    expect(noStart.started).toBe(0);
    expect(noStart.failed).toHaveLength(4);
    expect(noStart.failed[0]?.error).toMatch(/^AccessDeniedException: .*not authorized to perform: states:StartExecution/);
    expect(noStart.queued[0]?.MessageAttributes).toMatchObject({ ERROR_CODE: { StringValue: 'AccessDeniedException' } });
    // No sqs:SendMessage: the target's failure (a missing state machine) cannot be dead-lettered.
    const noSend = await run(schedulerRole({ actions: ['states:StartExecution'] }), 'arn:aws:states:us-east-1:111122223333:stateMachine:missing');
    expect(noSend.queued).toHaveLength(0);
    expect(noSend.letter?.deliveryError).toMatch(/not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:111122223333:dlq/);
    // A trust policy for another schedule group does not admit Scheduler acting for this one; no role at all, likewise.
    for (const role of [schedulerRole({ group: 'other' }), null]) {
      const r = await run(role);
      expect(r.started).toBe(0);
      expect(r.letter?.deliveryError).toMatch(/sts:AssumeRole|does not exist/);
    }
  });

  it('validates as AWS does, naming the field', () => {
    const { env, machine } = setup();
    const sch = new SchedulerService(env);
    sch.operations.CreateScheduleGroup({ Name: 'onair-dev' });
    const bad = (patch: Record<string, unknown>): unknown => {
      try {
        sch.operations.CreateSchedule({ ...base(machine, '2030-01-01T00:00:00'), ...patch });
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(bad({ ScheduleExpression: 'at(2030-02-30T00:00:00)' })).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('ScheduleExpression') });
    expect(bad({ ScheduleExpression: 'cron(0 12 * * ? *)' })).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('cron') });
    expect(bad({ FlexibleTimeWindow: { Mode: 'FLEXIBLE' } })).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('MaximumWindowInMinutes') });
    expect(bad({ GroupName: 'nope' })).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(bad({ Target: { Arn: machine, RoleArn: 'arn:aws:iam::111122223333:role/s', Input: '{oops' } })).toMatchObject({ message: expect.stringContaining('Target.Input') });
    expect(bad({})).toBeUndefined();
    expect(bad({})).toBeInstanceOf(AwsError);
    expect(parseExpression('at(2030-06-01T12:00:00)', 'Europe/Paris')).toEqual({ kind: 'at', time: Date.parse('2030-06-01T10:00:00Z') });
    expect(parseExpression('rate(5 minutes)')).toEqual({ kind: 'rate', everyMs: 300_000 });
    sch.stop();
  });
});
