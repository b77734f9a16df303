/**
 * The orchestration services over real HTTP with the SDK clients: Step Functions, Lambda,
 * EventBridge and Scheduler, as the app and the CLI reach them.
 */
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, ListSchedulesCommand, ResourceNotFoundException, SchedulerClient, ValidationException } from '@aws-sdk/client-scheduler';
import {
  DescribeExecutionCommand, DescribeStateMachineCommand, ExecutionAlreadyExists, GetExecutionHistoryCommand, ListExecutionsCommand,
  ListStateMachinesCommand, SFNClient, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { useLocalCloud } from '../helpers/local-cloud';

describe('orchestration services over HTTP', () => {
  const cloud = useLocalCloud();
  const sfn = (): SFNClient => new SFNClient(cloud().clientConfig);

  it('lists and describes the state machines of serverless.yml', async () => {
    const list = await sfn().send(new ListStateMachinesCommand({}));
    expect(list.stateMachines?.map((m) => m.name).sort()).toEqual(Object.values(cloud().workflows.stateMachines).map((m) => m.name).sort());
    const d = await sfn().send(new DescribeStateMachineCommand({ stateMachineArn: cloud().stateMachineArn('provision') }));
    expect(d).toMatchObject({ status: 'ACTIVE', type: 'STANDARD', name: cloud().workflows.stateMachines.provision?.name });
    expect(JSON.parse(d.definition ?? '{}').StartAt).toBe('Validate');
  });

  it('starts, names idempotently, lists, stops and records the history of executions', async () => {
    const arn = cloud().stateMachineArn('provision');
    const input = JSON.stringify({ channelId: 'svc-1', overrides: { input: { allowedCidrs: ['127.0.0.1/32'] } } });
    const a = await sfn().send(new StartExecutionCommand({ stateMachineArn: arn, name: 'svc-1', input }));
    const b = await sfn().send(new StartExecutionCommand({ stateMachineArn: arn, name: 'svc-1', input }));
    expect(b.executionArn).toBe(a.executionArn);
    await expect(sfn().send(new StartExecutionCommand({ stateMachineArn: arn, name: 'svc-1', input: '{}' }))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    const running = await sfn().send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }));
    expect(running.executions?.map((e) => e.executionArn)).toContain(a.executionArn);
    await sfn().send(new StopExecutionCommand({ executionArn: a.executionArn, error: 'Test', cause: 'stopped by the test' }));
    await cloud().stepFunctions.waitFor(a.executionArn as string);
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn: a.executionArn }));
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Test', cause: 'stopped by the test', name: 'svc-1' });
    expect(d.stopDate).toBeInstanceOf(Date);
    const h = await sfn().send(new GetExecutionHistoryCommand({ executionArn: a.executionArn, reverseOrder: true }));
    expect(h.events?.[0]?.type).toBe('ExecutionAborted');
    expect(h.events?.at(-1)).toMatchObject({ type: 'ExecutionStarted', id: 1, previousEventId: 0 });
    // What the aborted run created stays recorded on its channel (status PROVISIONING): as on AWS,
    // stopping an execution runs no Catch; the orphan sweeper owns that case.
    const report = await (await fetch(`${cloud().url}/_twin/executions`)).json() as { executions: { name: string; stateTransitions: number }[] };
    expect(report.executions.find((e) => e.name === 'svc-1')?.stateTransitions).toBeGreaterThan(0);
  }, 60_000);

  it('invokes a real handler through Lambda Invoke, errors as FunctionError with the error name', async () => {
    const lambda = new LambdaClient(cloud().clientConfig);
    const fn = cloud().workflows.functions.validate;
    const out = await lambda.send(new InvokeCommand({ FunctionName: fn?.name, Payload: Buffer.from(JSON.stringify({ request: { channelId: 'BAD ID' }, execution: { arn: 'x', startedAt: 'y' } })) }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8'))).toMatchObject({ errorType: 'ValidationError', errorMessage: expect.stringContaining('channelId') });
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('PutEvents reports FailedEntryCount and delivers matching events to their targets', async () => {
    const eb = new EventBridgeClient(cloud().clientConfig);
    cloud().eventBridge.putRule({ name: 'it-rule', pattern: { source: ['onair.it'], detail: { channelId: [{ prefix: 'it-' }] } }, targets: [{ id: 'teardown', arn: cloud().stateMachineArn('teardown'), inputPath: '$.detail' }] });
    const out = await eb.send(new PutEventsCommand({ Entries: [
      { Source: 'onair.it', DetailType: 'Test', Detail: JSON.stringify({ channelId: 'it-gone' }) },
      { Source: 'onair.it', DetailType: 'Test', Detail: '[1]' },
    ] }));
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[1]?.ErrorCode).toBe('MalformedDetail');
    for (let i = 0; i < 200 && !cloud().eventBridge.deliveryLog().some((d) => d.rule === 'it-rule'); i++) await new Promise((r) => setTimeout(r, 10));
    await cloud().eventBridge.settled();
    const started = cloud().stepFunctions.listExecutionRecords().filter((e) => e.input === '{"channelId":"it-gone"}');
    expect(started).toHaveLength(1);
    const rules = await eb.send(new ListRulesCommand({ NamePrefix: 'it-' }));
    expect(rules.Rules?.[0]).toMatchObject({ Name: 'it-rule', State: 'ENABLED' });
  });

  it('Scheduler: a one-time schedule fires the workflow on the twin clock and deletes itself', async () => {
    const scheduler = new SchedulerClient(cloud().clientConfig);
    const group = cloud().environment.ONAIR_SCHEDULE_GROUP as string;
    // 15 minutes of twin time (2.25 s real at TEST_SCALE 400; it was 2 minutes, 0.3 s, which a loaded
    // machine spent before GetSchedule and the schedule had fired and deleted itself).
    const at = new Date(cloud().twin.clock.now() + 900_000).toISOString().slice(0, 19);
    // The stack's SchedulerRole (serverless.yml): the Scheduler twin assumes it and checks it allows StartExecution.
    const target = { Arn: cloud().stateMachineArn('teardown'), RoleArn: String(cloud().environment.SCHEDULER_ROLE_ARN), Input: JSON.stringify({ channelId: 'sched-1' }) };
    await expect(scheduler.send(new CreateScheduleCommand({ Name: 'bad', GroupName: group, ScheduleExpression: 'at(2030-13-01T00:00:00)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target })))
      .rejects.toBeInstanceOf(ValidationException);
    await scheduler.send(new CreateScheduleCommand({ Name: 'sched-1', GroupName: group, ScheduleExpression: `at(${at})`, FlexibleTimeWindow: { Mode: 'OFF' }, Target: target, ActionAfterCompletion: 'DELETE' }));
    expect(await scheduler.send(new GetScheduleCommand({ Name: 'sched-1', GroupName: group }))).toMatchObject({ State: 'ENABLED', ScheduleExpression: `at(${at})` });
    expect((await scheduler.send(new ListSchedulesCommand({ GroupName: group }))).Schedules?.map((s) => s.Name)).toContain('sched-1');
    for (let i = 0; i < 3000 && !cloud().stepFunctions.listExecutionRecords().some((e) => e.input === target.Input); i++) await new Promise((r) => setTimeout(r, 10));
    expect(cloud().stepFunctions.listExecutionRecords().filter((e) => e.input === target.Input)).toHaveLength(1);
    for (let i = 0; i < 100 && cloud().scheduler.inventory().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'sched-1', GroupName: group }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(scheduler.send(new DeleteScheduleCommand({ Name: 'sched-1', GroupName: group }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  }, 30_000);
});
