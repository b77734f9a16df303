import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerServiceException, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { broadcastSchema, broadcastListSchema, plannedBroadcastSchema } from '../../../functions/lib/api/schemas';
import { ccf, ENV, makeHarness, NOW, record, SM, validCreateBody } from './harness';
import type { StoredBroadcast } from '../../../functions/lib/channel/registry';

const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const window = { startAt: at(60), endAt: at(150) };

describe('POST /channels/{id}/broadcasts', () => {
  it('books the broadcast on the channel and creates two one-time schedules targeting the workflows', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'IDLE' }) });
    h.ddbMock.on(UpdateCommand).resolves({});
    h.schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
    const res = await h.call('POST', '/channels/show-1/broadcasts', { body: { ...window, leadSeconds: 600 } });
    expect(res.statusCode).toBe(201);
    const b = broadcastSchema.parse(res.json);
    expect(b).toMatchObject({ channelId: 'show-1', leadSeconds: 600, teardownAfter: false, status: 'SCHEDULED' });
    const calls = h.schedulerMock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      expect(c).toMatchObject({
        GroupName: 'onair', FlexibleTimeWindow: { Mode: 'OFF' }, ActionAfterCompletion: 'DELETE', ScheduleExpressionTimezone: 'UTC',
        Target: { RoleArn: ENV.SCHEDULER_ROLE_ARN, DeadLetterConfig: { Arn: ENV.SCHEDULES_DLQ_ARN }, RetryPolicy: { MaximumRetryAttempts: expect.any(Number) } },
      });
      expect(c.Name!.length).toBeLessThanOrEqual(64);
    }
    expect(calls[0]).toMatchObject({ ScheduleExpression: 'at(2026-11-24T12:50:00)', Target: { Arn: SM('start') } });
    expect(calls[1]).toMatchObject({ ScheduleExpression: 'at(2026-11-24T14:30:00)', Target: { Arn: SM('stop') } });
    expect(JSON.parse(calls[0].Target!.Input!)).toEqual({ channelId: 'show-1', reason: 'broadcast', broadcastId: b.broadcastId });
    const update = h.ddbMock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.ConditionExpression).toContain('#v = :version');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':version': 0, ':next': 1 });
  });

  it('uses the default lead time and tears down at the end when asked', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'ON_AIR' }) });
    h.ddbMock.on(UpdateCommand).resolves({});
    h.schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
    const res = await h.call('POST', '/channels/show-1/broadcasts', { body: { ...window, teardownAfter: true } });
    expect(res.statusCode).toBe(201);
    expect(res.json!.leadSeconds).toBe(900);
    const calls = h.schedulerMock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(calls[0].ScheduleExpression).toBe('at(2026-11-24T12:45:00)');
    expect(calls[1].Target).toMatchObject({ Arn: SM('teardown') });
    expect(JSON.parse(calls[1].Target!.Input!)).toEqual({ channelId: 'show-1' });
  });

  it.each([
    ['a start in the past', { startAt: at(-5), endAt: at(60) }, 'body.startAt'],
    ['an end before the start', { startAt: at(60), endAt: at(30) }, 'body.endAt'],
    ['a lead time that has already begun', { startAt: at(5), endAt: at(60) }, 'body.leadSeconds'],
  ])('refuses %s with 422 naming the field, scheduling nothing', async (_w, body, field) => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record() });
    const res = await h.call('POST', '/channels/show-1/broadcasts', { body });
    expect(res.statusCode).toBe(422);
    expect(res.json!.details[0].field).toBe(field);
    expect(h.schedulerMock.calls()).toHaveLength(0);
    expect(h.ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it.each([
    [{ startAt: 'tomorrow', endAt: at(60) }, 'body.startAt'],
    [{ startAt: at(60) }, 'body.endAt'],
    [{ ...window, leadSeconds: -1 }, 'body.leadSeconds'],
    [{ ...window, extra: 1 }, 'body'],
  ])('refuses malformed %j with 400', async (body, field) => {
    const h = makeHarness();
    const res = await h.call('POST', '/channels/show-1/broadcasts', { body });
    expect(res.statusCode).toBe(400);
    expect(res.json!.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('refuses an overlapping broadcast with 409 naming the other one', async () => {
    const h = makeHarness();
    const other = { broadcastId: 'b-aaaaaaaa', startAt: at(120), endAt: at(240), leadSeconds: 900, teardownAfter: false, createdAt: 'x', schedules: [] };
    h.ddbMock.on(GetCommand).resolves({ Item: record({ broadcasts: { [other.broadcastId]: other }, broadcastsVersion: 1 }) });
    const res = await h.call('POST', '/channels/show-1/broadcasts', { body: window });
    expect(res.statusCode).toBe(409);
    expect(res.json!.message).toMatch(/Overlaps broadcast b-aaaaaaaa/);
    expect(h.schedulerMock.calls()).toHaveLength(0);
  });

  it('retries the booking when another booking raced it, then sees the overlap', async () => {
    const h = makeHarness();
    const other = { broadcastId: 'b-bbbbbbbb', startAt: at(61), endAt: at(90), leadSeconds: 60, teardownAfter: false, createdAt: 'x', schedules: [] };
    h.ddbMock.on(GetCommand).resolvesOnce({ Item: record() }).resolves({ Item: record({ broadcasts: { [other.broadcastId]: other }, broadcastsVersion: 1 }) });
    h.ddbMock.on(UpdateCommand).rejects(ccf());
    const res = await h.call('POST', '/channels/show-1/broadcasts', { body: window });
    expect(res.statusCode).toBe(409);
    expect(h.schedulerMock.calls()).toHaveLength(0);
  });

  it('undoes the booking and the first schedule when the second cannot be created', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record() });
    h.ddbMock.on(UpdateCommand).resolves({});
    h.schedulerMock.on(CreateScheduleCommand).resolvesOnce({ ScheduleArn: 'arn:s' })
      .rejects(new SchedulerServiceException({ name: 'ServiceQuotaExceededException', $fault: 'client', $metadata: {}, message: 'quota' }));
    h.schedulerMock.on(DeleteScheduleCommand).resolves({});
    const res = await h.call('POST', '/channels/show-1/broadcasts', { body: window });
    expect(res.statusCode).toBe(500);
    expect(h.schedulerMock.commandCalls(DeleteScheduleCommand)).toHaveLength(1);
    expect(h.ddbMock.commandCalls(UpdateCommand)[1].args[0].input.UpdateExpression).toMatch(/^REMOVE #b.#id/);
  });

  it('refuses a second broadcast on a PLANNED channel', async () => {
    const h = makeHarness();
    const first: StoredBroadcast = { broadcastId: 'b-aaaaaaaa', startAt: at(300), endAt: at(400), leadSeconds: 900, teardownAfter: true, createdAt: 'x', schedules: [] };
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'PLANNED', broadcasts: { [first.broadcastId]: first } }) });
    const res = await h.call('POST', '/channels/show-1/broadcasts', { body: window });
    expect(res.statusCode).toBe(409);
    expect(h.schedulerMock.calls()).toHaveLength(0);
  });

  it('answers 404 for an unknown channel and 409 for a deleted one', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolvesOnce({}).resolves({ Item: record({ status: 'DELETED' }) });
    expect((await h.call('POST', '/channels/nope/broadcasts', { body: window })).statusCode).toBe(404);
    expect((await h.call('POST', '/channels/show-1/broadcasts', { body: window })).statusCode).toBe(409);
  });
});

describe('GET and DELETE /channels/{id}/broadcasts', () => {
  const b: StoredBroadcast = { broadcastId: 'b-12345678', startAt: at(60), endAt: at(120), leadSeconds: 900, teardownAfter: false, createdAt: 'x', schedules: [
    { name: 'show-1-b-12345678-prepare', phase: 'prepare', at: at(45), workflow: 'start' },
    { name: 'show-1-b-12345678-end', phase: 'end', at: at(120), workflow: 'stop' },
  ] };

  it('lists broadcasts with a status derived from the clock', async () => {
    const h = makeHarness();
    const done = { ...b, broadcastId: 'b-00000000', startAt: at(-120), endAt: at(-60) };
    h.ddbMock.on(GetCommand).resolves({ Item: record({ broadcasts: { [b.broadcastId]: b, [done.broadcastId]: done } }) });
    const res = await h.call('GET', '/channels/show-1/broadcasts');
    const list = broadcastListSchema.parse(res.json);
    expect(list.items.map((x) => [x.broadcastId, x.status])).toEqual([['b-00000000', 'DONE'], ['b-12345678', 'SCHEDULED']]);
  });

  it('cancels: deletes both schedules and forgets the broadcast', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ broadcasts: { [b.broadcastId]: b } }) });
    h.ddbMock.on(UpdateCommand).resolves({});
    h.schedulerMock.on(DeleteScheduleCommand).resolves({});
    const res = await h.call('DELETE', '/channels/show-1/broadcasts/b-12345678');
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(h.schedulerMock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: 'show-1-b-12345678-prepare', GroupName: 'onair' }, { Name: 'show-1-b-12345678-end', GroupName: 'onair' },
    ]);
  });

  it('answers 404 for an unknown broadcast and 400 for a malformed id', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record() });
    expect((await h.call('DELETE', '/channels/show-1/broadcasts/b-99999999')).statusCode).toBe(404);
    expect((await h.call('DELETE', '/channels/show-1/broadcasts/xyz')).statusCode).toBe(400);
  });
});

describe('PUT /channels/{id}/broadcasts/{broadcastId} (reschedule)', () => {
  const b: StoredBroadcast = { broadcastId: 'b-12345678', startAt: at(60), endAt: at(120), leadSeconds: 900, teardownAfter: false, createdAt: 'x', schedules: [
    { name: 'show-1-b-12345678-prepare', phase: 'prepare', at: at(45), workflow: 'start' },
    { name: 'show-1-b-12345678-end', phase: 'end', at: at(120), workflow: 'stop' },
  ] };

  it('moves both schedules in place and keeps the lead unless given', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ broadcasts: { [b.broadcastId]: b }, broadcastsVersion: 3 }) });
    h.ddbMock.on(UpdateCommand).resolves({});
    h.schedulerMock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
    const res = await h.call('PUT', '/channels/show-1/broadcasts/b-12345678', { body: { startAt: at(180), endAt: at(240), teardownAfter: true } });
    expect(res.statusCode).toBe(200);
    expect(broadcastSchema.parse(res.json)).toMatchObject({ broadcastId: 'b-12345678', leadSeconds: 900, teardownAfter: true });
    const updates = h.schedulerMock.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => [u.Name, u.ScheduleExpression, u.Target!.Arn])).toEqual([
      ['show-1-b-12345678-prepare', 'at(2026-11-24T14:45:00)', SM('start')],
      ['show-1-b-12345678-end', 'at(2026-11-24T16:00:00)', SM('teardown')],
    ]);
    expect(updates[0]).toMatchObject({ FlexibleTimeWindow: { Mode: 'OFF' }, ActionAfterCompletion: 'DELETE', Target: { DeadLetterConfig: { Arn: ENV.SCHEDULES_DLQ_ARN } } });
    expect(h.ddbMock.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues).toMatchObject({ ':version': 3, ':next': 4 });
  });

  it('refuses a broadcast that has begun, an overlap and impossible times; unknown is 404', async () => {
    const h = makeHarness();
    const begun = { ...b, broadcastId: 'b-00000000', startAt: at(5), endAt: at(30) };
    const other = { ...b, broadcastId: 'b-aaaaaaaa', startAt: at(300), endAt: at(400) };
    h.ddbMock.on(GetCommand).resolves({ Item: record({ broadcasts: { [b.broadcastId]: b, [begun.broadcastId]: begun, [other.broadcastId]: other } }) });
    expect((await h.call('PUT', '/channels/show-1/broadcasts/b-00000000', { body: { startAt: at(500), endAt: at(600) } })).statusCode).toBe(409);
    const overlap = await h.call('PUT', '/channels/show-1/broadcasts/b-12345678', { body: { startAt: at(320), endAt: at(350) } });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json!.message).toMatch(/b-aaaaaaaa/);
    expect((await h.call('PUT', '/channels/show-1/broadcasts/b-12345678', { body: { startAt: at(200), endAt: at(100) } })).statusCode).toBe(422);
    expect((await h.call('PUT', '/channels/show-1/broadcasts/b-99999999', { body: { startAt: at(200), endAt: at(300) } })).statusCode).toBe(404);
    expect(h.schedulerMock.calls()).toHaveLength(0);
    expect(h.ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('puts the previous window back when Scheduler refuses', async () => {
    const h = makeHarness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ broadcasts: { [b.broadcastId]: b }, broadcastsVersion: 1 }) });
    h.ddbMock.on(UpdateCommand).resolves({});
    h.schedulerMock.on(UpdateScheduleCommand).rejectsOnce(new SchedulerServiceException({ name: 'ValidationException', $fault: 'client', $metadata: {}, message: 'bad' })).resolves({ ScheduleArn: 'arn:s' });
    const res = await h.call('PUT', '/channels/show-1/broadcasts/b-12345678', { body: { startAt: at(180), endAt: at(240) } });
    expect(res.statusCode).toBe(500);
    const restored = h.ddbMock.commandCalls(UpdateCommand)[1].args[0].input.ExpressionAttributeValues as Record<string, { startAt: string }>;
    expect(restored[':b'].startAt).toBe(b.startAt);
    const restoredSchedules = h.schedulerMock.commandCalls(UpdateScheduleCommand).slice(1).map((c) => c.args[0].input.ScheduleExpression);
    expect(restoredSchedules).toEqual(['at(2026-11-24T12:45:00)', 'at(2026-11-24T14:00:00)']);
  });
});

describe('POST /broadcasts', () => {
  it('records a PLANNED channel and schedules provision at the lead time and teardown at the end', async () => {
    const h = makeHarness();
    h.ddbMock.on(PutCommand).resolves({});
    h.ddbMock.on(UpdateCommand).resolves({});
    h.ddbMock.on(GetCommand).resolves({ Item: record({ status: 'PLANNED' }) });
    h.schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
    const res = await h.call('POST', '/broadcasts', { body: { ...validCreateBody, ...window, teardownAfter: true } });
    expect(res.statusCode).toBe(201);
    const planned = plannedBroadcastSchema.parse(res.json);
    expect(planned.channel.status).toBe('PLANNED');
    expect(res.headers.location).toBe('/channels/show-1');
    const calls = h.schedulerMock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Target!.Arn)).toEqual([SM('provision'), SM('teardown')]);
    expect(h.ddbMock.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues).toMatchObject({ ':f0': 'PLANNED' });
  });

  it('refuses impossible times before recording anything', async () => {
    const h = makeHarness();
    const res = await h.call('POST', '/broadcasts', { body: { ...validCreateBody, startAt: at(60), endAt: at(60) } });
    expect(res.statusCode).toBe(422);
    expect(h.ddbMock.calls()).toHaveLength(0);
  });

  it('refuses a bad profile override with 400', async () => {
    const h = makeHarness();
    const res = await h.call('POST', '/broadcasts', { body: { ...window, overrides: { segmentSeconds: 5 } } });
    expect(res.statusCode).toBe(400);
    expect(res.json!.details.map((d: { field: string }) => d.field)).toContain('body.overrides.segmentSeconds');
  });
});
