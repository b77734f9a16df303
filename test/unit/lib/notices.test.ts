/**
 * Sent notices kept on the channel (publishNotice with a registry → ChannelRegistry.recordNotice) on
 * dynalite, for its real list_append, size() conditions and list-index REMOVE: newest first, at most
 * NOTICES_MAX, none lost under concurrent writers, nothing kept for an id without a record, and a
 * recording failure never fails the publish (a retried task would send the notice twice).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ChannelRegistry, NOTICES_MAX } from '../../../functions/lib/channel/registry';
import { publishNotice } from '../../../functions/lib/notify';
import { resolveProfile } from '../../../functions/lib/profile';

let server: Server;
let registry: ChannelRegistry;
const snsMock = mockClient(SNSClient);
const sns = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const topicArn = 'arn:aws:sns:us-east-1:111122223333:onair-dev-notifications';
let t = Date.parse('2026-11-24T12:00:00Z');

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no types
  const dynalite = require('dynalite') as (o: object) => Server;
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand({ TableName: 'channels', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'channelId', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'channelId', AttributeType: 'S' }] }));
  registry = new ChannelRegistry({ ddb: DynamoDBDocumentClient.from(client), tableName: 'channels', now: () => new Date(t += 1000) });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => { snsMock.reset(); let n = 0; snsMock.on(PublishCommand).callsFake(() => ({ MessageId: `m-${++n}` })); });

const profile = resolveProfile('default', { input: { allowedCidrs: ['203.0.113.10/32'] } });
const create = (channelId: string) => registry.create({ channelId, generation: 'g1', profile, desiredState: 'ON_AIR' });
const notice = (i: number) => ({ subject: `notice ${i}`, message: 'body' });

test('each notice about a channel is kept on it, newest first, with its event and SNS MessageId', async () => {
  await create('show-1');
  await publishNotice({ sns, topicArn, registry }, 'ON_AIR', 'show-1', notice(1));
  await publishNotice({ sns, topicArn, registry }, 'STOPPED', 'show-1', notice(2));
  const { notices } = await registry.get('show-1');
  expect(notices).toEqual([
    { at: expect.any(String), event: 'STOPPED', subject: 'notice 2', messageId: 'm-2' },
    { at: expect.any(String), event: 'ON_AIR', subject: 'notice 1', messageId: 'm-1' },
  ]);
  expect(Date.parse(notices![0]!.at)).toBeGreaterThan(Date.parse(notices![1]!.at));
});

test(`keeps the newest ${NOTICES_MAX}, and loses none of the newest under concurrent writers`, async () => {
  await create('show-2');
  for (let i = 1; i <= NOTICES_MAX; i++) await publishNotice({ sns, topicArn, registry }, 'E', 'show-2', notice(i));
  await Promise.all([21, 22, 23].map((i) => publishNotice({ sns, topicArn, registry }, 'E', 'show-2', notice(i))));
  const subjects = (await registry.get('show-2')).notices!.map((n) => n.subject);
  expect(subjects.length).toBeLessThanOrEqual(NOTICES_MAX);
  expect(subjects.length).toBeGreaterThanOrEqual(NOTICES_MAX - 2); // concurrent trims may each drop an oldest one
  expect(subjects.slice(0, 3).sort()).toEqual(['notice 21', 'notice 22', 'notice 23']);
  expect(subjects.slice(3)).toEqual(Array.from({ length: subjects.length - 3 }, (_, i) => `notice ${NOTICES_MAX - i}`));
});

test('a notice about an id without a record is published and not kept; the sweeper\'s several-channel notice is not kept', async () => {
  await expect(publishNotice({ sns, topicArn, registry }, 'PROVISION_REFUSED', 'nobody', notice(1))).resolves.toEqual({ messageId: 'm-1' });
  expect(await registry.find('nobody')).toBeUndefined();
  await create('show-3');
  await publishNotice({ sns, topicArn, registry }, 'SWEEP', ['show-3', 'show-4'], notice(2));
  expect((await registry.get('show-3')).notices).toBeUndefined();
});

test('a failure to record never fails the publish', async () => {
  const broken = { recordNotice: () => Promise.reject(new Error('ProvisionedThroughputExceeded')) };
  await expect(publishNotice({ sns, topicArn, registry: broken }, 'ON_AIR', 'show-1', notice(1))).resolves.toEqual({ messageId: 'm-1' });
  expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
});
