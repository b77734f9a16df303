/**
 * The SQS twin (local/services/sqs.ts) with the real SDK client: AWS JSON 1.0 (X-Amz-Target
 * AmazonSQS.*), the SDK's MD5 checks of bodies and attributes, AWS's errors (with the query code in
 * x-amzn-query-error), visibility timeouts and AWS/SQS metrics on the twin clock.
 */
import {
  CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, PurgeQueueCommand,
  PurgeQueueInProgress, QueueDeletedRecently, QueueDoesNotExist, QueueNameExists, ReceiveMessageCommand, SendMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import type { Twin } from '../../../local/server';
import { createCloudWatch, type CloudWatchService } from '../../../local/services/cloudwatch';
import { createSqs } from '../../../local/services/sqs';
import { createSts } from '../../../local/services/sts';
import { clientConfig, withTwin } from './helpers';

describe('SQS through the twin', () => {
  let twin: Twin;
  let sqs: SQSClient;
  beforeAll(async () => {
    twin = await withTwin({ services: [createSts, createCloudWatch, createSqs] });
    sqs = new SQSClient(clientConfig(twin));
  });
  afterAll(async () => {
    sqs.destroy();
    await twin.stop();
  });

  it('creates a queue idempotently, finds it by name, and refuses other attributes for the name', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '60' } }));
    expect(QueueUrl).toBe(`https://sqs.us-east-1.amazonaws.com/${twin.env.accountId}/jobs`);
    expect((await sqs.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '60' } }))).QueueUrl).toBe(QueueUrl);
    await expect(sqs.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '10' } }))).rejects.toBeInstanceOf(QueueNameExists);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl).toBe(QueueUrl);
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout', 'ApproximateNumberOfMessages'] }))).Attributes;
    expect(attrs).toEqual({ QueueArn: `arn:aws:sqs:us-east-1:${twin.env.accountId}:jobs`, VisibilityTimeout: '60', ApproximateNumberOfMessages: '0' });
  });

  it('answers a missing queue with QueueDoesNotExist and its query code', async () => {
    const err = await sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueDoesNotExist);
    expect(err).toMatchObject({ name: 'QueueDoesNotExist', Code: 'AWS.SimpleQueueService.NonExistentQueue', $metadata: { httpStatusCode: 400 } });
  });

  it('sends, receives (hidden for the visibility timeout), and deletes messages with their attributes', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'letters' }));
    // The SDK checks MD5OfMessageBody and MD5OfMessageAttributes of every answer.
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"a":1}', MessageAttributes: { KIND: { DataType: 'String', StringValue: 'test' }, N: { DataType: 'Number', StringValue: '3' } } }));
    expect(sent.MessageId).toEqual(expect.any(String));
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('{"a":1}').digest('hex'));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['ApproximateReceiveCount'], VisibilityTimeout: 30 }));
    expect(got.Messages).toHaveLength(1);
    const m = got.Messages![0]!;
    expect(m).toMatchObject({ MessageId: sent.MessageId, Body: '{"a":1}', Attributes: { ApproximateReceiveCount: '1' }, MessageAttributes: { KIND: { DataType: 'String', StringValue: 'test' }, N: { DataType: 'Number', StringValue: '3' } } });
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
    // Hidden while in flight: a second receive finds nothing.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes)
      .toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('purges once a minute, and deletes a queue (its name free again only after 60 seconds)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'purged' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl }))).rejects.toBeInstanceOf(PurgeQueueInProgress);
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes).toEqual({ ApproximateNumberOfMessages: '0' });
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(sqs.send(new CreateQueueCommand({ QueueName: 'purged' }))).rejects.toBeInstanceOf(QueueDeletedRecently);
  });

  it('publishes AWS/SQS ApproximateNumberOfMessagesVisible by QueueName every minute of twin time', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'watched' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'two' }));
    const cw = twin.services.get('monitoring') as CloudWatchService;
    const read = (): number[] => {
      const out = cw.metrics.getMetricData('us-east-1', {
        StartTime: new Date(twin.clock.now() - 600_000), EndTime: new Date(twin.clock.now() + 1), ScanBy: 'TimestampAscending',
        MetricDataQueries: [{ Id: 'v', MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: 'watched' }] }, Period: 60, Stat: 'Maximum' } }],
      }) as { MetricDataResults: { Values: number[] }[] };
      return out.MetricDataResults[0]!.Values;
    };
    for (let i = 0; i < 200 && read().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(read().at(-1)).toBe(2);
  });
});
