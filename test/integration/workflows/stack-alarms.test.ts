/**
 * The stack's control-plane alarms on the local cloud (serverless.yml "watching OnAir itself",
 * created by local/onair/stack.ts with PutMetricAlarm as CloudFormation would): every one exists with
 * the metric and dimensions of the template, resolved to the twin's names, and notifies the stage's
 * topic, and SetAlarmState moves it to ALARM. (The DLQ alarm is evaluated against the twin's SQS
 * metrics, so its state is the queue's: test/integration/workflows/schedules-dlq.test.ts drives it.)
 * (The dashboard is console-only: local/onair/stack.ts skips it, as it skips log groups.)
 */
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { useLocalCloud } from '../helpers/local-cloud';

describe("the stack's control-plane alarms on the local cloud", () => {
  const cloud = useLocalCloud({ scheduledRules: false });
  let cw: CloudWatchClient;
  let alarms: Map<string, MetricAlarm>;
  beforeAll(async () => {
    cw = new CloudWatchClient(cloud().clientConfig);
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `onair-${cloud().workflows.stage}-` }));
    alarms = new Map((out.MetricAlarms ?? []).map((a) => [a.AlarmName!, a]));
  });
  afterAll(() => cw.destroy());

  const stage = () => cloud().workflows.stage;
  const topic = () => String(process.env.NOTIFICATIONS_TOPIC_ARN);
  const get = (suffix: string): MetricAlarm => {
    const a = alarms.get(`onair-${stage()}-${suffix}`);
    expect({ suffix, found: a !== undefined }).toEqual({ suffix, found: true });
    return a!;
  };

  it('are created, each notifying the stage topic on ALARM and OK', () => {
    const names = ['provision', 'teardown', 'start', 'stop', 'recover', 'sweep'].map((m) => `${m}-executions-failed`)
      .concat(['schedules-dlq-not-empty', 'lambda-errors', 'lambda-throttles', 'sweeper-findings', 'api-5xx']);
    for (const n of names) {
      const a = get(n);
      expect(a.AlarmActions).toEqual([topic()]);
      expect(a.OKActions).toEqual([topic()]);
    }
  });

  it("name the twin's state machines, queue, functions and API", () => {
    const machine = cloud().workflows.stateMachines.teardown!;
    expect(get('teardown-executions-failed').Dimensions).toEqual([{ Name: 'StateMachineArn', Value: machine.arn }]);
    expect(get('schedules-dlq-not-empty').Dimensions).toEqual([{ Name: 'QueueName', Value: `onair-${stage()}-schedules-dlq` }]);
    const functionNames = (get('lambda-errors').Metrics ?? []).flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? []).map((d) => d.Value);
    expect(functionNames).toContain(cloud().workflows.functions.recoveryReconcile!.name);
    expect(functionNames).toHaveLength(7);
    // The sweep's functions are its state machine's tasks: its executions-failed alarm covers them.
    expect(get('sweep-executions-failed').Dimensions).toEqual([{ Name: 'StateMachineArn', Value: cloud().workflows.stateMachines.sweep!.arn }]);
    const api = get('api-5xx').Dimensions ?? [];
    expect(api.find((d) => d.Name === 'Stage')?.Value).toBe('$default');
    expect(api.find((d) => d.Name === 'ApiId')?.Value).toMatch(/^[a-z0-9]{10}$/);
  });

  it('go to ALARM when driven there (an alarm on a metric no twin publishes is not evaluated)', async () => {
    // AWS/Lambda Throttles: the twin's Lambda publishes no metrics, so nothing evaluates it back.
    // (SetAlarmState on an evaluated alarm lasts until its next evaluation, SetAlarmState API reference.)
    const name = `onair-${stage()}-lambda-throttles`;
    await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'throttled (test)' }));
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
    expect(out.MetricAlarms?.[0]?.StateValue).toBe('ALARM');
  });
});
