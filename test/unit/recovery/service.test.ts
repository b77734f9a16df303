/**
 * The service around the decision, with the registry on dynalite (real conditional writes) and
 * MediaLive/SNS/Step Functions mocked: concurrent and redelivered events act once.
 */
import { BACKUP_POLICY } from './harness';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchUpdateScheduleCommand, DescribeChannelCommand, MediaLiveClient, TooManyRequestsException } from '@aws-sdk/client-medialive';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ChannelRegistry } from '../../../functions/lib/channel/registry';
import { resolveProfile } from '../../../functions/lib/profile';
import { onEvent } from '../../../functions/recovery/onEvent';
import { onTimer } from '../../../functions/recovery/onTimer';
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
    medialive: new MediaLiveClient({}), sns: new SNSClient({}), sfn: new SFNClient({}), registry, topicArn: 'arn:aws:sns:us-east-1:111122223333:t', stage: 'dev',
    recoverStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-recover', stopStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-stop',
    now: () => new Date(now),
  };
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(async () => {
  ml.reset(); sns.reset(); sfn.reset();
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
  expect(fired.flatMap((f) => f.actions ?? [])).toEqual(['r1 SWITCH_INPUT ok']);
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
  expect(fired.actions).toEqual(['r1 SWITCH_INPUT FAILED']);
  const record = await deps.registry.get('show-1');
  expect(record.recoveryActions?.find((a) => a.actionId === 'r1' && a.action)).toMatchObject({ result: 'FAILED', detail: expect.stringMatching(/Throttled|TooManyRequests/) });
  expect(Object.keys(record.recovery!.timers)).toEqual(['retry:input-loss']);
});
