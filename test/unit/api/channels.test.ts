import { GetCommand, PutCommand, UpdateCommand, ScanCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SFNServiceException } from '@aws-sdk/client-sfn';
import { DeleteScheduleCommand, ResourceNotFoundException } from '@aws-sdk/client-scheduler';
import { acceptedSchema, channelDetailSchema, channelListSchema, errorBodySchema, channelEventsSchema, routes } from '../../../functions/lib/api/schemas';
import { ccf, ENV, makeHarness, record, SM, validCreateBody } from './harness';

const noLeak = (body: string) => {
  expect(body).not.toMatch(/at .*\.(ts|js):\d+/); // stack frames
  expect(body).not.toMatch(/onair-dev-channels|onair-dev-idempotency|stateMachine:|requestId|RequestId/);
};

describe('POST /channels', () => {
  it('records the channel, starts provisioning and answers 202 with a Location', async () => {
    const h = makeHarness();
    h.ddbMock.on(PutCommand).resolves({});
    h.sfnMock.on(StartExecutionCommand).callsFake((input) => ({ executionArn: `${input.stateMachineArn.replace('stateMachine', 'execution')}:${input.name}`, startDate: new Date() }));
    const res = await h.call('POST', '/channels', { body: validCreateBody });
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe('/channels/show-1');
    expect(acceptedSchema.parse(res.json)).toMatchObject({ channelId: 'show-1', operation: 'provision' });
    const put = h.ddbMock.commandCalls(PutCommand)[0].args[0].input;
    expect(put.TableName).toBe('onair-dev-channels');
    expect(put.Item).toMatchObject({ channelId: 'show-1', status: 'PROVISIONING', desiredState: 'ON_AIR', execution: { workflow: 'provision' } });
    const start = h.sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(start.stateMachineArn).toBe(SM('provision'));
    expect(JSON.parse(start.input!)).toEqual({ channelId: 'show-1', startAfterCreate: true });
    // The lock names the execution before it exists: the recorded ARN is the started one.
    expect((put.Item as { execution: { arn: string } }).execution.arn).toBe(res.json!.executionArn);
  });

  it('generates an id when none is given', async () => {
    const h = makeHarness();
    h.ddbMock.on(PutCommand).resolves({});
    h.sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const res = await h.call('POST', '/channels', { body: { overrides: validCreateBody.overrides } });
    expect(res.statusCode).toBe(202);
    expect(res.json!.channelId).toMatch(/^ch-[0-9a-f]{12}$/);
  });

  it.each([
    ['a bad channel id', { ...validCreateBody, channelId: 'Bad_Id' }, 'body.channelId'],
    ['an unknown field', { ...validCreateBody, colour: 'red' }, 'body'],
    ['an unknown profile', { ...validCreateBody, profile: 'nope' }, 'body.profile'],
    ['a bad override', { ...validCreateBody, overrides: { input: { allowedCidrs: ['10.0.0.0/33'] } } }, 'body.overrides.input.allowedCidrs.0'],
    ['a push input open to nobody', { channelId: 'show-1' }, 'body.overrides.input.allowedCidrs'],
    ['an unknown cost-guard field', { ...validCreateBody, overrides: { ...validCreateBody.overrides, costGuard: { maxOnAirHours: 5 } } }, 'body.overrides.costGuard'],
    ['a cost guard below its minimum', { ...validCreateBody, overrides: { ...validCreateBody.overrides, costGuard: { maxOnAirMinutes: 1 } } }, 'body.overrides.costGuard.maxOnAirMinutes'],
  ])('refuses %s with 400 naming the field, creating nothing', async (_what, body, field) => {
    const h = makeHarness();
    const res = await h.call('POST', '/channels', { body });
    expect(res.statusCode).toBe(400);
    const err = errorBodySchema.parse(res.json);
    expect(err.error).toBe('ValidationError');
    expect(err.details.map((d) => d.field)).toContain(field);
    expect(h.ddbMock.calls()).toHaveLength(0);
    expect(h.sfnMock.calls()).toHaveLength(0);
  });

  it.each([['not JSON', '{"channelId":'], ['empty', '']])('refuses a body that is %s', async (_w, body) => {
    const h = makeHarness();
    const res = await h.call('POST', '/channels', { body });
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ error: 'ValidationError', details: [{ field: 'body' }] });
  });

  it("answers 409 naming the account quota, its value and how to raise it when the channel cannot fit, creating nothing", async () => {
    const h = makeHarness();
    // Five live channels of this stage: MediaLive's default of 5 channels per Region is used up.
    h.ddbMock.on(ScanCommand).resolves({ Items: ['a', 'b', 'c', 'd', 'e'].map((id) => record({ channelId: id, status: 'ON_AIR' })) });
    const res = await h.call('POST', '/channels', { body: validCreateBody });
    expect(res.statusCode).toBe(409);
    const err = errorBodySchema.parse(res.json);
    expect(err).toMatchObject({ error: 'Conflict', details: [
      { field: 'quota', message: 'medialive: Channels (medialive.channels)' },
      { field: 'quota.value', message: '5 (5 in use)' },
      { field: 'quota.raise', message: expect.stringContaining('Service Quotas console') },
    ] });
    expect(err.message).toMatch(/show-1 does not fit the account's quota medialive "Channels"/);
    noLeak(res.body);
    expect(h.ddbMock.commandCalls(PutCommand)).toHaveLength(0);
    expect(h.sfnMock.calls()).toHaveLength(0);
  });

  it('answers 409 when a live channel has the id, without starting anything', async () => {
    const h = makeHarness();
    h.ddbMock.on(PutCommand).rejects(ccf());
    h.ddbMock.on(GetCommand).resolves({ Item: record({ generation: 'other', status: 'ON_AIR' }) });
    const res = await h.call('POST', '/channels', { body: validCreateBody });
    expect(res.statusCode).toBe(409);
    expect(res.json).toMatchObject({ error: 'Conflict', details: [{ field: 'body.channelId' }] });
    expect(h.sfnMock.calls()).toHaveLength(0);
  });

  it('releases the id when the workflow cannot be started, and leaks nothing internal', async () => {
    const h = makeHarness();
    h.ddbMock.on(PutCommand).resolves({});
    h.ddbMock.on(UpdateCommand).resolves({});
    h.sfnMock.on(StartExecutionCommand).rejects(new SFNServiceException({ name: 'StateMachineDoesNotExist', $fault: 'client', $metadata: { requestId: 'req-123' }, message: `State Machine Does Not Exist: '${SM('provision')}'` }));
    const res = await h.call('POST', '/channels', { body: validCreateBody });
    expect(res.statusCode).toBe(500);
    expect(res.json).toEqual({ error: 'InternalError', message: expect.any(String), details: [] });
    noLeak(res.body);
    const update = h.ddbMock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(Object.values(update.ExpressionAttributeValues ?? {})).toContain('DELETED');
  });
});

describe('Idempotency-Key', () => {
  function idempotentHarness() {
    const h = makeHarness();
    const items = new Map<string, Record<string, unknown>>();
    h.ddbMock.on(PutCommand).callsFake((input) => {
      const key = input.TableName === ENV.IDEMPOTENCY_TABLE ? String(input.Item.key) : String(input.Item.channelId);
      const full = `${input.TableName}/${key}`;
      if (items.has(full)) throw ccf();
      items.set(full, input.Item);
      return {};
    });
    h.ddbMock.on(GetCommand).callsFake((input) => {
      const key = input.TableName === ENV.IDEMPOTENCY_TABLE ? String(input.Key.key) : String(input.Key.channelId);
      return { Item: items.get(`${input.TableName}/${key}`) };
    });
    h.sfnMock.on(StartExecutionCommand).callsFake((input) => ({ executionArn: `exec:${input.name}`, startDate: new Date() }));
    return h;
  }

  it('returns the same channel for the same key and body, never a second one', async () => {
    const h = idempotentHarness();
    const headers = { 'idempotency-key': 'booking-4711-a' };
    const body = { overrides: validCreateBody.overrides };
    const first = await h.call('POST', '/channels', { body, headers });
    // Same body with keys in another order is the same request.
    const second = await h.call('POST', '/channels', { body: JSON.stringify({ overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } }), headers });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json!.channelId).toBe(first.json!.channelId);
    expect(second.json!.executionArn).toBe(first.json!.executionArn);
    const channelPuts = h.ddbMock.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === 'onair-dev-channels');
    expect(new Set(channelPuts.map((c) => c.args[0].input.Item!.generation)).size).toBe(1);
    const names = h.sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(new Set(names).size).toBe(1);
  });

  it('answers 422 for the same key with another body, creating nothing', async () => {
    const h = idempotentHarness();
    const headers = { 'idempotency-key': 'booking-4711-b' };
    await h.call('POST', '/channels', { body: { overrides: validCreateBody.overrides }, headers });
    const putsBefore = h.ddbMock.commandCalls(PutCommand).length;
    const res = await h.call('POST', '/channels', { body: { profile: 'single-pipeline', overrides: validCreateBody.overrides }, headers });
    expect(res.statusCode).toBe(422);
    expect(res.json).toMatchObject({ error: 'IdempotencyKeyReused', details: [{ field: 'header.idempotency-key' }] });
    expect(h.ddbMock.commandCalls(PutCommand).length).toBe(putsBefore + 1); // only the refused claim
    expect(h.sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('refuses a malformed key', async () => {
    const h = makeHarness();
    const res = await h.call('POST', '/channels', { body: validCreateBody, headers: { 'idempotency-key': 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json!.details[0].field).toBe('header.idempotency-key');
  });
});

describe('GET /channels', () => {
  it('pages through the registry and filters by status', async () => {
    const h = makeHarness();
    h.ddbMock.on(ScanCommand).resolves({ Items: [record(), record({ channelId: 'show-2', status: 'ON_AIR' })], LastEvaluatedKey: { channelId: 'show-2' } });
    const res = await h.call('GET', '/channels', { query: { status: 'ON_AIR', limit: '2' } });
    expect(res.statusCode).toBe(200);
    const page = channelListSchema.parse(res.json);
    expect(page.items.map((c) => c.channelId)).toEqual(['show-2']);
    expect(h.ddbMock.commandCalls(ScanCommand)[0].args[0].input.Limit).toBe(2);
    h.ddbMock.on(ScanCommand).resolves({ Items: [] });
    const next = await h.call('GET', '/channels', { query: { cursor: page.nextCursor! } });
    expect(next.statusCode).toBe(200);
    expect(h.ddbMock.commandCalls(ScanCommand)[1].args[0].input.ExclusiveStartKey).toEqual({ channelId: 'show-2' });
    expect(next.json!.nextCursor).toBeUndefined();
  });

  it.each([
    [{ status: 'RUNNING' }, 'query.status'],
    [{ limit: '0' }, 'query.limit'],
    [{ cursor: 'bm90LWEtY3Vyc29y' }, 'query.cursor'],
    [{ colour: 'red' }, 'query'],
  ])('refuses %j with 400', async (query, field) => {
    const h = makeHarness();
    h.ddbMock.on(ScanCommand).resolves({ Items: [] });
    const res = await h.call('GET', '/channels', { query });
    expect(res.statusCode).toBe(400);
    expect(res.json!.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

describe('GET /channels/{id}', () => {
  it('shows status, profile, resources, alarms, cost guard and the execution with its current step', async () => {
    const h = makeHarness();
    const arn = 'arn:aws:states:us-east-1:111122223333:execution:onair-dev-start:start-show-1-x';
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'STARTING', execution: { workflow: 'start', arn, startedAt: '2026-11-24T11:59:00.000Z' }, profile: { ...record().profile, costGuard: { maxOnAirMinutes: 120 } } }) });
    h.sfnMock.on(DescribeExecutionCommand).resolves({ executionArn: arn, status: 'RUNNING', startDate: new Date(), stateMachineArn: SM('start') });
    h.sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [
      { id: 5, type: 'TaskStateEntered', timestamp: new Date(), stateEnteredEventDetails: { name: 'WaitRunning' } },
      { id: 4, type: 'TaskStateExited', timestamp: new Date(), stateExitedEventDetails: { name: 'StartChannel' } },
    ] });
    const res = await h.call('GET', '/channels/show-1');
    expect(res.statusCode).toBe(200);
    const c = channelDetailSchema.parse(res.json);
    expect(c).toMatchObject({
      channelId: 'show-1', status: 'STARTING', alarms: { 'us-east-1': ['onair-show-1-cdn-5xx'] },
      resources: { medialiveChannelId: '1234' }, execution: { workflow: 'start', status: 'RUNNING', currentStep: 'WaitRunning' },
      costGuard: { maxOnAirMinutes: 120 }, recoveryActions: [],
    });
  });

  it('keeps only the error type and message of a failed execution (no stack trace)', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ execution: { workflow: 'start', arn: 'arn:e', startedAt: 'x' } }) });
    h.sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'ResourceFailedError', cause: JSON.stringify({ errorType: 'ResourceFailedError', errorMessage: 'channel fell back to IDLE', trace: ['ResourceFailedError: x', '    at run (/var/task/index.js:1:2)'] }), executionArn: 'arn:e', stateMachineArn: 'arn:sm', startDate: new Date() });
    h.sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const res = await h.call('GET', '/channels/show-1');
    expect(res.json!.execution.cause).toBe('ResourceFailedError: channel fell back to IDLE');
    noLeak(res.body);
  });

  it('answers 404 for an unknown channel and 400 for a malformed id', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({});
    expect((await h.call('GET', '/channels/nope')).statusCode).toBe(404);
    const bad = await h.call('GET', '/channels/NOPE!');
    expect(bad.statusCode).toBe(400);
    expect(bad.json!.details[0].field).toBe('params.id');
  });
});

describe('GET /channels/{id}/events', () => {
  it('lists the steps of the last execution, oldest first', async () => {
    const h = makeHarness();
    const t0 = new Date('2026-11-24T11:00:00Z');
    h.ddbMock.on(GetCommand).resolves({ Item: record({ execution: { workflow: 'stop', arn: 'arn:e', startedAt: t0.toISOString() } }) });
    h.sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [
      { id: 1, type: 'ExecutionStarted', timestamp: t0 },
      { id: 2, type: 'TaskStateEntered', timestamp: new Date(t0.getTime() + 1000), stateEnteredEventDetails: { name: 'Acquire' } },
      { id: 3, type: 'LambdaFunctionScheduled', timestamp: new Date(t0.getTime() + 1100) },
      { id: 4, type: 'TaskStateEntered', timestamp: new Date(t0.getTime() + 2000), stateEnteredEventDetails: { name: 'DescribeChannelStopped' } },
      { id: 5, type: 'WaitStateEntered', timestamp: new Date(t0.getTime() + 2500), stateEnteredEventDetails: { name: 'WaitForIdle' } },
      { id: 6, type: 'TaskStateEntered', timestamp: new Date(t0.getTime() + 3000), stateEnteredEventDetails: { name: 'DescribeChannelStopped' } },
      { id: 7, type: 'TaskStateEntered', timestamp: new Date(t0.getTime() + 4000), stateEnteredEventDetails: { name: 'MarkIdle' } },
      { id: 8, type: 'LambdaFunctionFailed', timestamp: new Date(t0.getTime() + 4200) },
      { id: 9, type: 'ExecutionSucceeded', timestamp: new Date(t0.getTime() + 9000) },
    ] });
    const res = await h.call('GET', '/channels/show-1/events');
    const ev = channelEventsSchema.parse(res.json);
    expect(ev.steps.map((s) => [s.type, s.name, s.elapsedSeconds, s.repeats])).toEqual([
      ['TaskStateEntered', 'Acquire', 1, undefined], ['TaskStateEntered', 'DescribeChannelStopped', 2, 2],
      ['TaskStateEntered', 'MarkIdle', 4, undefined], ['LambdaFunctionFailed', 'MarkIdle', 4.2, undefined], ['ExecutionSucceeded', '', 9, undefined],
    ]);
    expect(ev.recoveryActions).toEqual([]);
  });
});

describe.each([
  ['start', 'IDLE', 'STARTING', 'ON_AIR'],
  ['stop', 'ON_AIR', 'STOPPING', 'IDLE'],
] as const)('POST /channels/{id}/%s', (op, from, during, done) => {
  it(`takes the channel from ${from} and starts the ${op} workflow`, async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: from }) });
    h.ddbMock.on(UpdateCommand).resolves({ Attributes: record({ status: during }) });
    h.sfnMock.on(StartExecutionCommand).callsFake((i) => ({ executionArn: `x:${i.name}`, startDate: new Date() }));
    const res = await h.call('POST', `/channels/show-1/${op}`);
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe('/channels/show-1');
    const update = h.ddbMock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.ConditionExpression).toMatch(/#s IN \(:from0[,)]/);
    expect(update.ExpressionAttributeValues).toMatchObject({ ':from0': from, ':during': during });
    expect(h.sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: SM(op) });
  });

  it(`is a 200 no-op when the channel is already ${done}`, async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: done }) });
    h.ddbMock.on(UpdateCommand).rejects(ccf());
    const res = await h.call('POST', `/channels/show-1/${op}`);
    expect(res.statusCode).toBe(200);
    expect(res.json!.status).toBe(done);
    expect(h.sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 409 naming the operation in progress', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'TEARING_DOWN' }) });
    h.ddbMock.on(UpdateCommand).rejects(ccf());
    const res = await h.call('POST', `/channels/show-1/${op}`);
    expect(res.statusCode).toBe(409);
    expect(res.json!.message).toMatch(/teardown is in progress/);
    expect(res.json!.details).toEqual([{ field: 'operationInProgress', message: 'teardown' }]);
    expect(h.sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 409 when the status does not allow it', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'DELETED' }) });
    h.ddbMock.on(UpdateCommand).rejects(ccf());
    const res = await h.call('POST', `/channels/show-1/${op}`);
    expect(res.statusCode).toBe(409);
    expect(res.json!.message).toBe(`Cannot ${op} channel show-1: it is DELETED`);
  });

  it('answers 404 for an unknown channel', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({});
    expect((await h.call('POST', `/channels/nope/${op}`)).statusCode).toBe(404);
  });

  it('gives the lock back when the workflow cannot be started', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: from }) });
    h.ddbMock.on(UpdateCommand).resolves({ Attributes: record({ status: during }) });
    h.sfnMock.on(StartExecutionCommand).rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'Rate exceeded' }));
    const res = await h.call('POST', `/channels/show-1/${op}`);
    expect(res.statusCode).toBe(500);
    const release = h.ddbMock.commandCalls(UpdateCommand)[1].args[0].input;
    expect(release.ConditionExpression).toBe('#e.#a = :arn');
    expect(release.ExpressionAttributeValues).toMatchObject({ ':s': from });
  });
});

describe('DELETE /channels/{id}', () => {
  it('cancels planned schedules and starts teardown', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'ON_AIR', broadcasts: { 'b-12345678': { broadcastId: 'b-12345678', startAt: '2026-11-25T19:00:00.000Z', endAt: '2026-11-25T21:00:00.000Z', leadSeconds: 900, teardownAfter: false, createdAt: 'x', schedules: [{ name: 'show-1-b-12345678-prepare', phase: 'prepare', at: 'x', workflow: 'start' }, { name: 'show-1-b-12345678-end', phase: 'end', at: 'x', workflow: 'stop' }] } } }) });
    h.ddbMock.on(UpdateCommand).resolves({ Attributes: record({ status: 'TEARING_DOWN' }) });
    h.schedulerMock.on(DeleteScheduleCommand).resolves({});
    h.schedulerMock.on(DeleteScheduleCommand, { Name: 'show-1-costguard' }).rejects(new ResourceNotFoundException({ $metadata: {}, message: 'not found', Message: 'not found' }));
    h.sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    const res = await h.call('DELETE', '/channels/show-1');
    expect(res.statusCode).toBe(202);
    expect(h.schedulerMock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input.Name).sort())
      .toEqual(['show-1-b-12345678-end', 'show-1-b-12345678-prepare', 'show-1-costguard']);
    const start = h.sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(start.stateMachineArn).toBe(SM('teardown'));
    expect(JSON.parse(start.input!)).toEqual({ channelId: 'show-1', reason: 'delete' });
  });

  it('marks a PLANNED channel DELETED without a workflow (nothing exists on AWS yet)', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolvesOnce({ Item: record({ status: 'PLANNED' }) }).resolves({ Item: record({ status: 'DELETED' }) });
    h.ddbMock.on(UpdateCommand).resolves({});
    h.schedulerMock.on(DeleteScheduleCommand).resolves({});
    const res = await h.call('DELETE', '/channels/show-1');
    expect(res.statusCode).toBe(200);
    expect(res.json!.status).toBe('DELETED');
    expect(h.sfnMock.calls()).toHaveLength(0);
  });

  it('answers 409 for a PLANNED channel whose provisioning is starting', async () => {
    const h = makeHarness();
    const b = { broadcastId: 'b-12345678', startAt: '2026-11-24T12:10:00.000Z', endAt: '2026-11-24T13:00:00.000Z', leadSeconds: 900, teardownAfter: true, createdAt: 'x', schedules: [] };
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'PLANNED', broadcasts: { [b.broadcastId]: b } }) });
    const res = await h.call('DELETE', '/channels/show-1');
    expect(res.statusCode).toBe(409);
    expect(res.json!.message).toMatch(/provision is in progress/);
    expect(h.ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 409 while another operation runs, cancelling nothing', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'PROVISIONING' }) });
    const res = await h.call('DELETE', '/channels/show-1');
    expect(res.statusCode).toBe(409);
    expect(res.json!.message).toMatch(/provision is in progress/);
    expect(h.schedulerMock.calls()).toHaveLength(0);
  });

  it('is a 200 no-op on a deleted channel and 404 on an unknown one', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolvesOnce({ Item: record({ status: 'DELETED' }) }).resolves({});
    expect((await h.call('DELETE', '/channels/show-1')).statusCode).toBe(200);
    expect((await h.call('DELETE', '/channels/show-1')).statusCode).toBe(404);
  });
});

describe('unknown routes and internal errors', () => {
  it('answers 404 in the error shape', async () => {
    const h = makeHarness();
    const res = await h.call('PATCH', '/channels/show-1');
    expect(res.statusCode).toBe(404);
    expect(errorBodySchema.parse(res.json).error).toBe('NotFound');
  });

  it('answers an unexpected DynamoDB failure with a plain 500', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).rejects(Object.assign(new Error('Requested resource not found: Table: onair-dev-channels not found'), { name: 'ResourceNotFoundException', $metadata: { requestId: 'ABC123' } }));
    const res = await h.call('GET', '/channels/show-1');
    expect(res.statusCode).toBe(500);
    noLeak(res.body);
    expect(h.ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});

describe('every route', () => {
  const withId = Object.values(routes).filter((r) => r.path.includes('{id}'));

  it.each(withId.map((r) => [r.method, r.path] as const))('%s %s answers 400 naming params.id for a malformed id, touching nothing', async (method, path) => {
    const h = makeHarness();
    const res = await h.call(method, path.replace('{id}', 'NOT_AN_ID').replace('{broadcastId}', 'b-12345678'), method === 'POST' || method === 'PUT' ? { body: {} } : {});
    expect(res.statusCode).toBe(400);
    expect(res.json!.details.map((d: { field: string }) => d.field)).toContain('params.id');
    expect(h.ddbMock.calls()).toHaveLength(0);
    expect(h.sfnMock.calls()).toHaveLength(0);
    expect(h.schedulerMock.calls()).toHaveLength(0);
  });

  it.each(withId.map((r) => [r.method, r.path] as const))('%s %s answers 404 for an unknown channel', async (method, path) => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({});
    const body = path.endsWith('/broadcasts') || path.endsWith('{broadcastId}')
      ? { startAt: '2026-11-24T14:00:00Z', endAt: '2026-11-24T15:00:00Z' } : undefined;
    const res = await h.call(method, path.replace('{id}', 'nope').replace('{broadcastId}', 'b-12345678'), body ? { body } : {});
    expect(res.statusCode).toBe(404);
    expect(h.sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('POST /broadcasts answers 409 when a live channel has the id, scheduling nothing', async () => {
    const h = makeHarness();
    h.ddbMock.on(PutCommand).rejects(ccf());
    h.ddbMock.on(GetCommand).resolves({ Item: record({ generation: 'other', status: 'IDLE' }) });
    const res = await h.call('POST', '/broadcasts', { body: { ...validCreateBody, startAt: '2026-11-24T14:00:00Z', endAt: '2026-11-24T15:00:00Z' } });
    expect(res.statusCode).toBe(409);
    expect(h.schedulerMock.calls()).toHaveLength(0);
  });
});
