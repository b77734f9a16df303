/**
 * The registry-only steps (validate, recordFailure, markDeleted, notify) and the glue they share:
 * what they write, what they refuse, and what an operator reads.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { handler as validate } from '../../../functions/channel/validate';
import { handler as recordFailure } from '../../../functions/channel/recordFailure';
import { handler as notify } from '../../../functions/channel/notify';
import { handler as markDeleted } from '../../../functions/channel/markDeleted';
import { presence } from '../../../functions/channel/beginTeardown';
import { formatNotification, NOTIFICATION_EVENTS } from '../../../functions/lib/notify';
import { nextPoll, POLLS, summarizeCaught } from '../../../functions/lib/workflow';
import { channelRecord, lambdaContext } from './record';

process.env.CHANNELS_TABLE = 'onair-test-channels';
process.env.ONAIR_STAGE = 'test';
process.env.NOTIFICATIONS_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:onair-test-notifications';
const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const meta = { $metadata: {} };
const execution = { arn: 'arn:aws:states:us-east-1:111122223333:execution:onair-dev-provision:x1', startedAt: '2026-11-24T18:00:00Z' };

beforeEach(() => {
  ddb.reset();
  sns.reset();
});

describe('validate', () => {
  it('creates the record with a conditional put (never over a live channel) and starts every poll fresh', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(ScanCommand).resolves({ Items: [] });
    const out = await validate({ request: { channelId: 'show-1', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } }, execution }, lambdaContext as never);
    expect(out).toMatchObject({ channelId: 'show-1', startAfterCreate: true, packager: 'mediapackage-v2', polls: { channelRunning: { attempt: 0, waited: 0, waitSeconds: POLLS.channelRunning.intervalSeconds } } });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'onair-test-channels',
      ConditionExpression: expect.stringContaining('attribute_not_exists(channelId)'),
      Item: expect.objectContaining({ channelId: 'show-1', status: 'PROVISIONING', desiredState: 'ON_AIR', execution: { workflow: 'provision', ...execution } }),
    });
  });

  it("refuses a channel the account's quotas cannot hold (5 MediaLive channels live), writing nothing", async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(ScanCommand).resolves({ Items: ['a', 'b', 'c', 'd', 'e'].map((id) => channelRecord({ channelId: id, status: 'ON_AIR', createdAt: '2026-01-01T00:00:00.000Z' })) });
    await expect(validate({ request: { channelId: 'show-1', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } }, execution }, lambdaContext as never))
      .rejects.toMatchObject({ name: 'CapacityExceededError', quotaId: 'medialive.channels', value: 5 });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('refuses unknown fields and bad values by name, writing nothing', async () => {
    await expect(validate({ request: { channelId: 'show-1', profil: 'default' }, execution }, lambdaContext as never))
      .rejects.toMatchObject({ name: 'ValidationError', details: [expect.objectContaining({ field: 'request' })] });
    ddb.on(GetCommand).resolves({});
    await expect(validate({ request: { channelId: 'show-1', overrides: { input: { allowedCidrs: ['10.0.0.0/33'] } } }, execution }, lambdaContext as never))
      .rejects.toMatchObject({ name: 'ValidationError', details: [expect.objectContaining({ field: 'input.allowedCidrs.0' })] });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('refuses a channel another operation holds, naming it', async () => {
    ddb.on(GetCommand).resolves({ Item: channelRecord({ status: 'STOPPING' }) });
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ ...meta, message: 'The conditional request failed' }));
    await expect(validate({ request: { channelId: 'show-1' }, execution }, lambdaContext as never))
      .rejects.toMatchObject({ name: 'ChannelBusyError', message: expect.stringContaining('stop is in progress') });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });
});

describe('recordFailure', () => {
  const lambdaCause = JSON.stringify({ errorType: 'ConflictException', errorMessage: 'Cannot delete a channel that has not been stopped yet', trace: ['at x'] });

  it('writes FAILED with the step and the readable Lambda error message, and returns the cause for the Fail state', async () => {
    ddb.on(GetCommand).resolves({ Item: channelRecord() });
    ddb.on(UpdateCommand).resolves({});
    const out = await recordFailure({ channelId: 'show-1', workflow: 'provision', failed: { step: 'createChannel', error: { Error: 'ConflictException', Cause: lambdaCause } } }, lambdaContext as never);
    expect(out).toEqual({ step: 'createChannel', error: 'ConflictException', cause: 'Cannot delete a channel that has not been stopped yet', message: 'createChannel failed: Cannot delete a channel that has not been stopped yet', record: 'written' });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':f0': 'FAILED', ':f1': expect.objectContaining({ step: 'createChannel', error: 'ConflictException' }), ':f2': 'DELETED' }),
    });
  });

  it('names every failed branch of a Parallel, and handles an error with no Cause (States.Timeout)', async () => {
    ddb.on(GetCommand).resolves({ Item: channelRecord() });
    ddb.on(UpdateCommand).resolves({});
    const out = await recordFailure({
      channelId: 'show-1', workflow: 'teardown',
      failed: [{ step: 'deletePackager', error: { Error: 'States.Timeout' } }, { step: 'deleteDistribution', error: { Error: 'AccessDenied', Cause: 'not allowed' } }],
    }, lambdaContext as never);
    expect(out.step).toBe('deletePackager');
    expect(out.cause).toBe('States.Timeout (also failed: deleteDistribution: AccessDenied)');
  });

  it('writes nothing when validation never created the record', async () => {
    ddb.on(GetCommand).resolves({});
    await recordFailure({ channelId: 'show-1', workflow: 'provision', failed: { step: 'validate', error: { Error: 'AwsTransientError', Cause: 'x' } } }, lambdaContext as never);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('markDeleted', () => {
  it('refuses to call a channel DELETED while the registry still lists a resource', async () => {
    ddb.on(GetCommand).resolves({ Item: channelRecord({ resources: { packager: { kind: 'mediapackage-v2', originEndpoints: {} }, alarms: {}, distributionId: 'E123' } }) });
    await expect(markDeleted({ channelId: 'show-1' }, lambdaContext as never)).rejects.toMatchObject({ name: 'ResourcesRemainError', message: expect.stringContaining('CloudFront distribution E123') });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('marks an empty channel DELETED and drops its dead URLs', async () => {
    ddb.on(GetCommand).resolves({ Item: channelRecord({ resources: { packager: { kind: 'mediapackage-v2', originEndpoints: {} }, alarms: { 'us-east-1': [] } } }) });
    ddb.on(UpdateCommand).resolves({});
    await expect(markDeleted({ channelId: 'show-1' }, lambdaContext as never)).resolves.toEqual({ status: 'DELETED', rolledBack: false });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: expect.stringMatching(/REMOVE #x0, #x1$/), ExpressionAttributeNames: expect.objectContaining({ '#x0': 'playback', '#x1': 'ingestUrls' }) });
  });
});

describe('presence: teardown runs a branch only for what the registry holds', () => {
  it('reads each resource kind', () => {
    expect(presence(channelRecord().resources)).toEqual({ channel: true, input: false, inputSecurityGroup: false, packager: false, distribution: false, originAccessControl: false, alarms: false });
    expect(presence({ packager: { kind: 'mediapackage-v2', originEndpoints: {}, channelGroupName: 'shared', channelGroupCreated: false }, alarms: { 'us-east-1': ['a'] } }))
      .toMatchObject({ packager: false, alarms: true });
    expect(presence({ packager: { kind: 'mediapackage-v1', originEndpoints: {}, cdnSecretArn: 'arn:s' }, alarms: {} })).toMatchObject({ packager: true });
  });
});

describe('notifications', () => {
  it('publishes a phone-readable notice to the topic', async () => {
    ddb.on(GetCommand).resolves({ Item: channelRecord({ status: 'ON_AIR', playback: { hls: 'https://d1.cloudfront.net/out/v1/g/c/e/index.m3u8' }, ingestUrls: ['rtmp://198.51.100.1:1935/show-1-a'] }) });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await expect(notify({ channelId: 'show-1', event: 'ON_AIR' }, lambdaContext as never)).resolves.toEqual({ messageId: 'm-1' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:us-east-1:111122223333:onair-test-notifications',
      Subject: 'OnAir [test]: show-1 is ON AIR',
      Message: expect.stringContaining('HLS:  https://d1.cloudfront.net/out/v1/g/c/e/index.m3u8'),
    });
  });

  it.each(NOTIFICATION_EVENTS)('%s: a subject SNS accepts, the channel named, the cause first when it failed', (event) => {
    const failure = { step: 'createDistribution', error: 'AccessDenied', cause: 'not authorized to perform cloudfront:CreateDistribution', at: 'now' };
    const { subject, message } = formatNotification(event, channelRecord({ channelId: 'a-very-long-channel-name-for-a-league-f', failure }), 'prod');
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7E]+$/);
    expect(subject).toContain('a-very-long-channel-name');
    if (event === 'ROLLED_BACK' || event === 'TEARDOWN_FAILED') expect(message).toContain('Failed step: createDistribution');
    if (event === 'TEARDOWN_FAILED') expect(message).toContain('- MediaLive channel 1234567');
  });
});

describe('poll schedule', () => {
  it('waits one interval at a time and stops at the bound of each wait', () => {
    for (const [name, p] of Object.entries(POLLS)) {
      const key = name as keyof typeof POLLS;
      const last = p.maxSeconds - p.intervalSeconds;
      expect(nextPoll(key, { attempt: 3, waited: last }, false)).toEqual({ ready: false, attempt: 4, waited: p.maxSeconds, waitSeconds: p.intervalSeconds });
      expect(() => nextPoll(key, { attempt: 4, waited: last + 1 }, false)).toThrow(expect.objectContaining({ name: 'WaitTimeoutError' }));
      expect(nextPoll(key, { attempt: 9, waited: p.maxSeconds }, true)).toMatchObject({ ready: true, waitSeconds: 0 });
    }
  });

  it('counts a longer interval chosen by the caller against the same bound', () => {
    expect(nextPoll('playback', { attempt: 0, waited: 0 }, false, 'InProgress', undefined, 15)).toMatchObject({ waitSeconds: 15, waited: 15 });
    expect(() => nextPoll('playback', { attempt: 9, waited: POLLS.playback.maxSeconds - 10 }, false, undefined, undefined, 15)).toThrow(expect.objectContaining({ name: 'WaitTimeoutError' }));
  });

  it('keeps a Cause that is not a Lambda error as AWS gave it, trimmed', () => {
    expect(summarizeCaught({ step: 's', error: { Error: 'States.Runtime', Cause: '{not json' } }).cause).toBe('{not json');
    expect(summarizeCaught({ step: 's', error: { Error: 'X', Cause: 'y'.repeat(5000) } }).cause).toHaveLength(1000);
  });
});
