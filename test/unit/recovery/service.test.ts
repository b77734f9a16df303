/**
 * The service around the decision, with the registry on dynalite (real conditional writes) and
 * MediaLive/SNS/Step Functions mocked: concurrent and redelivered events act once. A MediaLive
 * action is a recover execution (mode act): runActs() plays what statemachines/recover.asl.yml does
 * with each one started — Act (recoveryMediaLive), then Report (recoveryTimer `result`), or, when
 * Act fails after its retries, ReportFailure with the error — so results come back as on AWS.
 */
import { BACKUP_POLICY } from './harness';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { BatchUpdateScheduleCommand, DescribeChannelCommand, ListAlertsCommand, MediaLiveClient, RestartChannelPipelinesCommand, TooManyRequestsException } from '@aws-sdk/client-medialive';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ChannelRegistry } from '../../../functions/lib/channel/registry';
import { resolveProfile } from '../../../functions/lib/profile';
import { onEvent } from '../../../functions/recovery/onEvent';
import { onResult, onTimer, recoveryTimer } from '../../../functions/recovery/onTimer';
import { reconcileAll } from '../../../functions/lib/recovery/reconcile';
import { isDeciderInput } from '../../../functions/lib/recovery/decider';
import { recoveryMediaLive, medialiveInput } from '../../../functions/recovery/medialive';
import type { RecoveryDeps } from '../../../functions/lib/recovery/service';
import { fixture } from './fixtures';

const ml = mockClient(MediaLiveClient);
const sns = mockClient(SNSClient);
const sfn = mockClient(SFNClient);
let server: Server;
let deps: RecoveryDeps;
let now = Date.parse('2026-11-24T20:00:00Z');

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no types
  const dynalite = require('dynalite') as (o: object) => Server;
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand({ TableName: 'recovery-test', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'channelId', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'channelId', AttributeType: 'S' }] }));
  const registry = new ChannelRegistry({ ddb: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName: 'recovery-test' });
  deps = {
    sns: new SNSClient({}), sfn: new SFNClient({}), registry, topicArn: 'arn:aws:sns:us-east-1:111122223333:t', stage: 'dev',
    recoverStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-recover', stopStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-stop',
    observeStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-observe',
    now: () => new Date(now),
  };
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(async () => {
  ml.reset(); sns.reset(); sfn.reset(); ran = 0;
  ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', PipelinesRunningCount: 2, InputAttachments: [{ InputAttachmentName: 'onair-show-1-input' }, { InputAttachmentName: 'onair-show-1-backup' }] });
  ml.on(BatchUpdateScheduleCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:e' });
  // A channel whose operator attached a backup input (DescribeChannel below lists it): its policy switches to it.
  const profile = resolveProfile('default', { input: { allowedCidrs: ['127.0.0.1/32'] }, recovery: BACKUP_POLICY });
  const id = `show-1`;
  // A fresh record per test: a DELETED channel id may be created again (the item is replaced).
  if (await deps.registry.find(id)) await deps.registry.update(id, { status: 'DELETED' });
  await deps.registry.create({ channelId: id, generation: `g${now}`, profile, desiredState: 'ON_AIR' });
  await deps.registry.recordResource(id, ['medialiveChannelId'], '1234567');
  await deps.registry.update(id, { status: 'ON_AIR' });
  now += 3_600_000;
});

const mlDeps = { medialive: new MediaLiveClient({}), now: () => new Date(now) };
let ran = 0;
/** Runs the act executions started since the last call, as recover.asl.yml does (Act → Report). */
async function runActs(): Promise<void> {
  const calls = sfn.commandCalls(StartExecutionCommand).slice(ran);
  ran += calls.length;
  for (const call of calls) {
    const input = JSON.parse(call.args[0].input.input ?? '{}') as { mode?: string; channelId: string; actionId: string; spec: { type: 'SWITCH_INPUT' | 'RESTART' } };
    if (input.mode !== 'act') continue;
    const result = { channelId: input.channelId, actionId: input.actionId, type: input.spec.type };
    try {
      // (The state machine retries a throttled task; these mocks throttle every time, so it is caught in the end.)
      const out = await recoveryMediaLive(medialiveInput.parse({ op: 'act', ...input }), mlDeps);
      await onResult({ ...result, ...out }, deps);
    } catch (error) {
      const e = error as Error;
      await onResult({ ...result, error: { Error: e.name, Cause: JSON.stringify({ errorType: e.name, errorMessage: e.message }) } }, deps);
    }
  }
}

const SET = () => fixture('medialive/alert-video-not-detected-set.json', { time: new Date(now).toISOString() });

it('finds the channel by its MediaLive id, arms the debounce timer, and a duplicate delivery changes nothing', async () => {
  const first = await onEvent(SET(), deps);
  expect(first).toMatchObject({ channelId: 'show-1', changed: true, timers: [expect.stringMatching(/^debounce:input-loss@/)] });
  expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  const again = await onEvent(SET(), deps);
  expect(again).toMatchObject({ changed: false, actions: [], timers: [] });
  expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
});

it('the same event delivered concurrently is decided once (conditional write on the version)', async () => {
  const outs = await Promise.all(Array.from({ length: 5 }, () => onEvent(SET(), deps)));
  expect(outs.filter((o) => 'changed' in o && o.changed)).toHaveLength(1);
  const record = await deps.registry.get('show-1');
  expect(record.recovery?.version).toBe(1);
});

it('a timer fires the switch once, records the result in the audit, and a second firing is stale', async () => {
  await onEvent(SET(), deps);
  const record = await deps.registry.get('show-1');
  const dueAt = record.recovery!.timers['debounce:input-loss'];
  now = Date.parse(dueAt);
  const fired = await Promise.all([onTimer({ channelId: 'show-1', key: 'debounce:input-loss', dueAt }, deps), onTimer({ channelId: 'show-1', key: 'debounce:input-loss', dueAt }, deps)]);
  expect(fired.flatMap((f) => ('actions' in f ? f.actions : []))).toEqual(['r1 SWITCH_INPUT ok']);
  // The decider only started the switch: the entry says which execution runs it.
  expect((await deps.registry.get('show-1')).recoveryActions?.[0]).toMatchObject({ actionId: 'r1', result: 'PENDING', detail: expect.stringMatching(/^started \(recover execution show-1-g\d+-r1\)$/) });
  expect(ml.commandCalls(BatchUpdateScheduleCommand)).toHaveLength(0);
  await runActs();
  expect(ml.commandCalls(BatchUpdateScheduleCommand)).toHaveLength(1);
  const audit = (await deps.registry.get('show-1')).recoveryActions ?? [];
  expect(audit[0]).toMatchObject({ actionId: 'r1', action: 'SWITCH_INPUT → backup', result: 'OK', detail: 'switched to onair-show-1-backup (schedule action onair-rcv-r1-backup)' });
  expect(audit.at(-1)).toMatchObject({ trigger: { kind: 'alert' }, decision: expect.stringMatching(/waiting 10 s/) });
});

it('ignores events of channels OnAir does not own, and malformed events', async () => {
  await expect(onEvent(fixture('medialive/alert-documented-example.json'), deps)).resolves.toEqual({ ignored: 'not an OnAir channel' });
  await expect(onEvent({ hello: 'world' }, deps)).resolves.toMatchObject({ ignored: expect.stringMatching(/Invalid event/) });
  expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
});

it('an action AWS throttles after the decision was committed is a failed attempt with a retry, never lost', async () => {
  ml.on(BatchUpdateScheduleCommand).rejects(new TooManyRequestsException({ $metadata: {}, message: 'Too many requests' }));
  await onEvent(SET(), deps);
  const dueAt = (await deps.registry.get('show-1')).recovery!.timers['debounce:input-loss'];
  now = Date.parse(dueAt);
  const fired = await onTimer({ channelId: 'show-1', key: 'debounce:input-loss', dueAt }, deps);
  expect(fired).toMatchObject({ actions: ['r1 SWITCH_INPUT ok'] }); // started
  await runActs();
  const record = await deps.registry.get('show-1');
  expect(record.recoveryActions?.find((a) => a.actionId === 'r1' && a.action)).toMatchObject({ result: 'FAILED', detail: expect.stringMatching(/Throttled|TooManyRequests/) });
  expect(Object.keys(record.recovery!.timers)).toEqual(['retry:input-loss']);
  // The result delivered again (Report retried) changes nothing.
  await onResult({ channelId: 'show-1', actionId: 'r1', type: 'SWITCH_INPUT', ok: true, detail: 'late' }, deps);
  expect((await deps.registry.get('show-1')).recovery?.version).toBe(record.recovery?.version);
});

it('a MediaLive action whose execution cannot be started is a failed attempt at once, with a retry', async () => {
  await onEvent(SET(), deps);
  const dueAt = (await deps.registry.get('show-1')).recovery!.timers['debounce:input-loss'];
  now = Date.parse(dueAt);
  sfn.on(StartExecutionCommand).rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'Rate exceeded' }));
  const fired = await onTimer({ channelId: 'show-1', key: 'debounce:input-loss', dueAt }, deps);
  expect(fired).toMatchObject({ actions: ['r1 SWITCH_INPUT FAILED'] });
  const record = await deps.registry.get('show-1');
  expect(record.recoveryActions?.find((a) => a.actionId === 'r1' && a.action)).toMatchObject({ result: 'FAILED', detail: expect.stringMatching(/Throttl/) });
  expect(Object.keys(record.recovery!.timers)).toEqual(['retry:input-loss']);
  expect(ml.commandCalls(BatchUpdateScheduleCommand)).toHaveLength(0);
});

describe('verify timers, the reconciler and its observe executions', () => {
  const STOPPED = () => fixture('medialive/state-pipeline-1-stopped.json', { time: new Date(now).toISOString() });
  /** A stopped pipeline, debounced, restarted (its act execution run): the rule now waits on its verify timer. */
  async function restarted(): Promise<string> {
    await onEvent(STOPPED(), deps);
    const debounce = (await deps.registry.get('show-1')).recovery!.timers['debounce:pipeline-down'];
    now = Date.parse(debounce);
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', PipelinesRunningCount: 1 });
    ml.on(RestartChannelPipelinesCommand).resolves({});
    await onTimer({ channelId: 'show-1', key: 'debounce:pipeline-down', dueAt: debounce }, deps);
    await runActs();
    expect(ml).toHaveReceivedCommand(RestartChannelPipelinesCommand);
    return (await deps.registry.get('show-1')).recovery!.timers['verify:pipeline-down'];
  }
  const verifyInput = () => {
    const armed = sfn.commandCalls(StartExecutionCommand).map((c) => JSON.parse(c.args[0].input.input ?? '{}') as Record<string, unknown>);
    return armed.find((i) => i.key === 'verify:pipeline-down');
  };

  it('a verify timer is armed with the MediaLive channel id and decided on the Observe task’s answer', async () => {
    const dueAt = await restarted();
    expect(verifyInput()).toMatchObject({ channelId: 'show-1', key: 'verify:pipeline-down', dueAt, medialiveChannelId: '1234567' });
    now = Date.parse(dueAt);
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING', PipelinesRunningCount: 2 });
    const seen = await recoveryMediaLive(medialiveInput.parse({ op: 'observe', channelId: 'show-1', medialiveChannelId: '1234567' }), mlDeps);
    await recoveryTimer({ channelId: 'show-1', key: 'verify:pipeline-down', dueAt, ...seen }, deps);
    expect((await deps.registry.get('show-1')).recoveryActions?.[0]?.decision).toMatch(/verified: every pipeline RUNNING/);
  });

  it('Observe failed after its retries: the restart counts as not verified and is tried again', async () => {
    const dueAt = await restarted();
    now = Date.parse(dueAt);
    await recoveryTimer({ channelId: 'show-1', key: 'verify:pipeline-down', dueAt, unobserved: 'AwsThrottledError' }, deps);
    const audit = (await deps.registry.get('show-1')).recoveryActions ?? [];
    expect(audit.find((a) => /restart r\d+ failed: not verified/.test(a.decision))).toBeDefined();
  });

  it('a verify timer armed without its MediaLive channel (before this release) is left to the reconciler, which observes first', async () => {
    const dueAt = await restarted();
    now = Date.parse(dueAt) + 60_000;
    const version = (await deps.registry.get('show-1')).recovery?.version;
    await expect(onTimer({ channelId: 'show-1', key: 'verify:pipeline-down', dueAt }, deps)).resolves.toMatchObject({ deferred: expect.any(String) });
    expect((await deps.registry.get('show-1')).recovery?.version).toBe(version);
    sfn.resetHistory(); ran = 0;
    await expect(reconcileAll(deps)).resolves.toMatchObject({ channels: 1, observed: 1, timersFired: 1, errors: 0 });
    const started = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(started.map((i) => i.stateMachineArn)).toEqual([deps.recoverStateMachineArn, deps.observeStateMachineArn]);
    expect(JSON.parse(started[0]!.input ?? '{}')).toMatchObject({ key: 'verify:pipeline-down', dueAt, waitSeconds: 0, medialiveChannelId: '1234567' });
    expect(JSON.parse(started[1]!.input ?? '{}')).toEqual({ channelId: 'show-1', medialiveChannelId: '1234567', minute: new Date(Math.floor(now / 60_000) * 60_000).toISOString() });
    expect(ml).not.toHaveReceivedCommand(ListAlertsCommand); // the reconciler itself calls no MediaLive
  });

  it('the observe execution’s decision: an alert ListAlerts shows is decided once per channel per minute', async () => {
    const minute = new Date(Math.floor(now / 60_000) * 60_000).toISOString();
    const observed = { channelId: 'show-1', minute, observation: { channelState: 'RUNNING', pipelinesRunning: 2 }, setAlerts: [{ alarmId: 'a-9', alertType: 'Video Not Detected', pipeline: '0', setAt: minute, message: 'lost' }] };
    await recoveryTimer({ observed }, deps);
    const record = await deps.registry.get('show-1');
    expect(Object.keys(record.recovery!.timers)).toEqual(['debounce:input-loss']);
    // Express runs at least once: the same minute again changes nothing.
    await recoveryTimer({ observed }, deps);
    expect((await deps.registry.get('show-1')).recovery?.version).toBe(record.recovery?.version);
  });
});

it("recoveryReconcile tells a decider's input (its fallback role) from its schedule's event", () => {
  expect(isDeciderInput({ channelId: 'show-1', key: 'debounce:input-loss', dueAt: '2026-11-24T20:00:10Z' })).toBe(true);
  expect(isDeciderInput({ result: { channelId: 'show-1', actionId: 'r1', type: 'RESTART', ok: true, detail: 'x' } })).toBe(true);
  expect(isDeciderInput({ observed: {} })).toBe(true);
  // EventBridge's scheduled event (EventBridge UG, "Creating a rule that runs on a schedule").
  expect(isDeciderInput({ version: '0', id: 'e', 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-24T20:00:00Z', resources: ['arn:r'], detail: {} })).toBe(false);
  expect(isDeciderInput({})).toBe(false);
});
