/**
 * One SNS publisher (functions/lib/notify.ts publishNotice): a notice from every path that
 * publishes — workflow outcomes, refusals, start/stop lifecycle, recovery, the sweeper — carries
 * the `event` and `channelId` message attributes the README promises ("told every time") for
 * subscription filter policies, with its subject and body as each path writes them.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { MediaPackageV2Client } from '@aws-sdk/client-mediapackagev2';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { formatNotification, formatRefusal, publishNotification, publishRefusal } from '../../../functions/lib/notify';
import { formatLifecycleNotice, publishLifecycleNotice } from '../../../functions/lib/channel/lifecycle';
import { executeAction, type RecoveryDeps } from '../../../functions/lib/recovery/actions';
import { sweep, type SweeperDeps } from '../../../functions/lib/sweeper';
import { channelRecord } from '../handlers/record';

const sns = mockClient(SNSClient);
const topicArn = 'arn:aws:sns:us-east-1:111122223333:onair-dev-notifications';
const published = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
/** What the README promises: `event` and `channelId`, String attributes a filter policy matches exactly. */
const attributes = (event: string, channelId: string) => ({
  event: { DataType: 'String', StringValue: event },
  channelId: { DataType: 'String', StringValue: channelId },
});

beforeEach(() => { sns.reset(); sns.on(PublishCommand).resolves({ MessageId: 'm-1' }); });

describe('every notice carries the event and channelId message attributes', () => {
  it('a workflow outcome (provision/teardown notify)', async () => {
    const record = channelRecord({ status: 'ON_AIR' });
    await expect(publishNotification({ sns: new SNSClient({}), topicArn }, 'ON_AIR', record, 'dev')).resolves.toEqual({ messageId: 'm-1' });
    const notice = formatNotification('ON_AIR', record, 'dev');
    expect(published()).toEqual([{ TopicArn: topicArn, Subject: notice.subject, Message: notice.message, MessageAttributes: attributes('ON_AIR', 'show-1') }]);
  });

  it('a refusal (a workflow that could not take the channel)', async () => {
    const error = { Error: 'ChannelBusyError', Cause: 'show-1 is STARTING' };
    await publishRefusal({ sns: new SNSClient({}), topicArn, stage: 'dev' }, 'STOP_REFUSED', 'show-1', error);
    const notice = formatRefusal('STOP_REFUSED', 'show-1', error, 'dev');
    expect(published()).toEqual([{ TopicArn: topicArn, Subject: notice.subject, Message: notice.message, MessageAttributes: attributes('STOP_REFUSED', 'show-1') }]);
  });

  it('a refusal names the refused execution, as every workflow notice does (the ASL passes $$.Execution.Id)', async () => {
    const error = { Error: 'ChannelBusyError', Cause: 'show-1 is STARTING' };
    const arn = 'arn:aws:states:us-east-1:111122223333:execution:onair-dev-stop:stop-show-1-abc';
    await publishRefusal({ sns: new SNSClient({}), topicArn, stage: 'dev' }, 'STOP_REFUSED', 'show-1', error, { arn });
    const [sent] = published() as { Message: string; MessageAttributes: Record<string, { StringValue?: string }> }[];
    expect(sent?.MessageAttributes.executionArn?.StringValue).toBe(arn);
    expect(sent?.MessageAttributes.executionName?.StringValue).toBe('stop-show-1-abc');
    expect(sent?.Message).toContain('Execution: stop-show-1-abc');
  });

  it('a start/stop lifecycle notice', async () => {
    const record = channelRecord({ status: 'IDLE' });
    await expect(publishLifecycleNotice({ sns: new SNSClient({}), topicArn, stage: 'dev' }, 'STOPPED', record)).resolves.toEqual({ messageId: 'm-1' });
    const notice = formatLifecycleNotice('STOPPED', record, 'dev');
    expect(published()).toEqual([{ TopicArn: topicArn, Subject: notice.subject, Message: notice.message, MessageAttributes: attributes('STOPPED', 'show-1') }]);
  });

  it('a recovery notice', async () => {
    const deps = { sns: new SNSClient({}), topicArn, stage: 'dev' } as RecoveryDeps;
    await expect(executeAction(deps, channelRecord(), { actionId: 'r1', rule: 'input-loss', spec: { type: 'NOTIFY', subject: 'show-1 lost its input', lines: ['a', 'b'] } }))
      .resolves.toEqual({ ok: true, detail: 'published m-1' });
    expect(published()).toEqual([{ TopicArn: topicArn, Subject: 'OnAir [dev]: show-1 lost its input', Message: 'a\nb', MessageAttributes: attributes('RECOVERY_NOTICE', 'show-1') }]);
  });
});

describe('a notice about a workflow names its execution', () => {
  const arn = 'arn:aws:states:us-east-1:111122223333:execution:onair-dev-teardown:teardown-show-1-k2';
  const named = { executionArn: { DataType: 'String', StringValue: arn }, executionName: { DataType: 'String', StringValue: 'teardown-show-1-k2' } };

  it('a workflow outcome: the execution (name and ARN) ends the body and is in the message attributes', async () => {
    const record = channelRecord({ status: 'DELETED', execution: { workflow: 'teardown', arn, startedAt: '2026-11-24T18:00:00Z' } });
    await publishNotification({ sns: new SNSClient({}), topicArn }, 'DELETED', record, 'dev');
    const notice = formatNotification('DELETED', record, 'dev');
    expect(published()).toEqual([{
      TopicArn: topicArn, Subject: notice.subject,
      Message: `${notice.message}\n\nExecution: teardown-show-1-k2\n${arn}`,
      MessageAttributes: { ...attributes('DELETED', 'show-1'), ...named },
    }]);
  });

  it('a start/stop notice names the start or stop execution', async () => {
    const stopArn = arn.replace(/teardown/g, 'stop');
    const record = channelRecord({ status: 'IDLE', execution: { workflow: 'stop', arn: stopArn, startedAt: '2026-11-24T18:00:00Z' } });
    await publishLifecycleNotice({ sns: new SNSClient({}), topicArn, stage: 'dev' }, 'STOPPED', record);
    expect(published()[0]).toMatchObject({ Message: expect.stringMatching(/\n\nExecution: stop-show-1-k2\n/), MessageAttributes: expect.objectContaining({ executionArn: { DataType: 'String', StringValue: stopArn } }) });
  });

  it('a recovery notice names none: recovery acts outside the workflow that last held the channel', async () => {
    const deps = { sns: new SNSClient({}), topicArn, stage: 'dev' } as RecoveryDeps;
    await executeAction(deps, channelRecord({ execution: { workflow: 'provision', arn, startedAt: '2026-11-24T18:00:00Z' } }), { actionId: 'r1', rule: 'input-loss', spec: { type: 'NOTIFY', subject: 's', lines: ['a'] } });
    expect(published()[0]).toMatchObject({ Message: 'a', MessageAttributes: attributes('RECOVERY_NOTICE', 'show-1') });
  });
});

describe("the sweeper's summary", () => {
  const ml = mockClient(MediaLiveClient);
  // client-mediapackagev2 is pinned to an older SDK release whose types differ from the mock's.
  const v2 = mockClient(MediaPackageV2Client as never);
  const v1 = mockClient(MediaPackageClient);
  const cf = mockClient(CloudFrontClient);
  const cw = mockClient(CloudWatchClient);
  const sm = mockClient(SecretsManagerClient);
  const sfn = mockClient(SFNClient);
  const ddb = mockClient(DynamoDBDocumentClient);
  // Two channels whose workflows are gone (no execution) long past the grace: both stuck.
  const stuck = [
    channelRecord({ channelId: 'show-1', status: 'PROVISIONING' }),
    channelRecord({ channelId: 'show-2', status: 'TEARING_DOWN' }),
  ];
  const deps: SweeperDeps = {
    medialive: new MediaLiveClient({}), mediapackagev2: new MediaPackageV2Client({}), mediapackage: new MediaPackageClient({}),
    cloudfront: new CloudFrontClient({}), cloudwatch: new CloudWatchClient({}), cloudwatchUsEast1: new CloudWatchClient({}),
    secretsmanager: new SecretsManagerClient({}), sfn: new SFNClient({}), sns: new SNSClient({}),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    registry: { list: async () => ({ items: stuck }) } as unknown as SweeperDeps['registry'],
    config: { stage: 'dev', region: 'us-east-1', channelsTable: 'onair-dev-channels', notificationsTopicArn: topicArn, teardownStateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:onair-dev-teardown' },
    now: () => new Date('2026-11-25T18:00:00Z'),
  };

  beforeEach(() => {
    // No tagged resources anywhere: the findings come from the registry alone.
    const lists: { reset(): unknown; onAnyCommand(): { resolves(output: object): unknown } }[] = [ml, v2, v1, cf, cw, sm];
    for (const m of lists) { m.reset(); m.onAnyCommand().resolves({}); }
    sfn.reset(); ddb.reset();
    ddb.on(UpdateCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
  });

  it('a dry run: SWEEPER_FOUND, every channel it found named in channelId (String.Array), subject and body as before', async () => {
    const report = await sweep(deps, { dryRun: true });
    expect(report.findings.map((f) => f.channelId)).toEqual(['show-1', 'show-2']);
    const [notice, ...more] = published();
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ TopicArn: topicArn, Subject: 'OnAir dev: sweeper found 2 channel(s)', Message: expect.stringMatching(/^The OnAir sweeper \(dry run: nothing changed\) found:\nshow-1: stuck/) });
    expect(notice!.MessageAttributes).toEqual({
      event: { DataType: 'String', StringValue: 'SWEEPER_FOUND' },
      channelId: { DataType: 'String.Array', StringValue: '["show-1","show-2"]' },
    });
  });

  it('a sweep that starts teardowns: SWEEPER_CLEANING', async () => {
    await sweep(deps, { dryRun: false });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
    const [notice] = published();
    expect(notice).toMatchObject({ Subject: 'OnAir dev: sweeper is cleaning 2 channel(s)', Message: expect.stringMatching(/^The OnAir sweeper found:\n/) });
    expect(notice!.MessageAttributes).toEqual({
      event: { DataType: 'String', StringValue: 'SWEEPER_CLEANING' },
      channelId: { DataType: 'String.Array', StringValue: '["show-1","show-2"]' },
    });
  });

  it('finds nothing: publishes nothing', async () => {
    await sweep({ ...deps, registry: { list: async () => ({ items: [] }) } as unknown as SweeperDeps['registry'] }, { dryRun: true });
    expect(published()).toEqual([]);
  });
});
