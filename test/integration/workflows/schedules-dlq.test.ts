/**
 * Issue 13 "Done when": locally, a schedule forced into the dead-letter queue raises the DLQ alarm's
 * state change. On the local cloud with serverless.yml deployed: a one-time schedule in the stage's
 * group whose target state machine no longer exists fails its invocation (no retries left), so
 * Scheduler sends the dead-letter event to SchedulesDlq (the twin's SQS, with the attributes the
 * Scheduler User Guide "Configuring a schedule's dead-letter queue" lists); SQS publishes AWS/SQS
 * ApproximateNumberOfMessagesVisible every minute of twin time; CloudWatch evaluates
 * SchedulesDlqNotEmptyAlarm, moves it to ALARM, emits "CloudWatch Alarm State Change" and notifies
 * the stage's topic; once the message is dealt with (deleted) the alarm goes back to OK.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SnsService } from '../../../local/services/sns';
import { useLocalCloud } from '../helpers/local-cloud';

const until = async (what: string, cond: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("a schedule forced into the schedules' dead-letter queue", () => {
  const cloud = useLocalCloud({ scheduledRules: false });

  it('lands in SchedulesDlq with the dead-letter attributes, and the DLQ alarm goes to ALARM (event and notice), then back to OK', async () => {
    const c = cloud();
    const { stage, region } = c.workflows;
    const alarmName = `onair-${stage}-schedules-dlq-not-empty`;
    const topic = String(process.env.NOTIFICATIONS_TOPIC_ARN);
    const queueUrl = c.stack.SchedulesDlq!.ref;
    const queueArn = c.stack.SchedulesDlq!.attributes!.Arn!;
    expect(queueArn).toBe(String(process.env.SCHEDULES_DLQ_ARN));
    const sqs = new SQSClient(c.clientConfig);
    const cw = new CloudWatchClient(c.clientConfig);
    const scheduler = new SchedulerClient(c.clientConfig);
    const sns = c.twin.services.get('sns') as SnsService;
    const alarmState = async (): Promise<string | undefined> => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }))).MetricAlarms?.[0]?.StateValue;
    const notices = (state: string) => sns.published(topic).filter((n) => n.Subject?.startsWith(`${state}: "${alarmName}"`));
    try {
      // An empty, active DLQ publishes 0: the alarm settles in OK first.
      await until('the DLQ alarm to be OK', async () => (await alarmState()) === 'OK');
      const okNoticesBefore = notices('OK').length;

      // A cost-guard-like schedule aimed at a state machine the stack's SchedulerRole may not start
      // (it allows the four lifecycle workflows only): Scheduler's StartExecution through the role is
      // refused (AccessDeniedException, the Scheduler twin checks the role as AWS does), and
      // MaximumRetryAttempts 0 leaves nothing to retry. The dead letter itself goes through the role's
      // sqs:SendMessage on SchedulesDlq.
      const gone = `arn:aws:states:${region}:${c.twin.env.accountId}:stateMachine:onair-${stage}-gone`;
      const at = new Date(c.twin.clock.now() + 60_000).toISOString().slice(0, 19);
      const input = JSON.stringify({ channelId: 'dlq-1', reason: 'cost-guard' });
      await scheduler.send(new CreateScheduleCommand({
        Name: 'dlq-1-cost-guard', GroupName: String(process.env.ONAIR_SCHEDULE_GROUP), ScheduleExpression: `at(${at})`, FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: gone, RoleArn: String(process.env.SCHEDULER_ROLE_ARN), Input: input, RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: queueArn } },
      }));

      await until('the dead letter in the queue', async () => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages === '1');
      await until('the DLQ alarm to be ALARM', async () => (await alarmState()) === 'ALARM');

      const change = c.twin.events.history().find((e) => e['detail-type'] === 'CloudWatch Alarm State Change' && e.detail.alarmName === alarmName && (e.detail.state as { value: string }).value === 'ALARM');
      expect(change).toMatchObject({ source: 'aws.cloudwatch', detail: { previousState: { value: 'OK' }, state: { reason: expect.stringContaining('greater than the threshold (0.0)') } } });
      const [notice] = notices('ALARM');
      expect(JSON.parse(notice!.Message)).toMatchObject({ AlarmName: alarmName, NewStateValue: 'ALARM', OldStateValue: 'OK', Trigger: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' } });

      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'] }));
      expect(got.Messages).toHaveLength(1);
      const m = got.Messages![0]!;
      expect(m.Body).toBe(input);
      const attrs = Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
      expect(attrs).toEqual({
        ERROR_CODE: 'AccessDeniedException', ERROR_MESSAGE: expect.stringContaining(`states:StartExecution on resource: ${gone}`), EXECUTION_ID: expect.any(String),
        EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', IS_PAYLOAD_TRUNCATED: 'false', RETRY_ATTEMPTS: '0', SCHEDULED_TIME: `${at}Z`,
        SCHEDULE_ARN: `arn:aws:scheduler:${region}:${c.twin.env.accountId}:schedule/${String(process.env.ONAIR_SCHEDULE_GROUP)}/dlq-1-cost-guard`, TARGET_ARN: gone,
      });

      // Someone deals with it: the queue empties, and the alarm clears.
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      await until('the DLQ alarm back to OK', async () => (await alarmState()) === 'OK');
      expect(notices('OK').length).toBe(okNoticesBefore + 1);
    } finally {
      sqs.destroy();
      cw.destroy();
      scheduler.destroy();
    }
  }, 60_000);
});
