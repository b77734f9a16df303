/**
 * Alarm states in the API's reads (functions/lib/alarms/states.ts): GET /channels/{id} shows each
 * recorded alarm's CloudWatch state with one DescribeAlarms per region, GET /channels counts the
 * alarms in ALARM with one DescribeAlarms per region for the whole page; what CloudWatch does not
 * answer is UNKNOWN (or no count), never OK.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { channelDetailSchema, channelListSchema } from '../../../functions/lib/api/schemas';
import { makeHarness, record } from './harness';

const cwMock = mockClient(CloudWatchClient);
const regionsAsked: string[] = [];

function harness() {
  const h = makeHarness();
  cwMock.reset();
  regionsAsked.length = 0;
  h.deps.cloudwatch = (region) => {
    regionsAsked.push(region);
    return new CloudWatchClient({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  };
  return h;
}

const alarms = {
  'eu-west-1': ['onair-show-1-alarm-active-alerts-p0', 'onair-show-1-alarm-input-loss-p0'],
  'us-east-1': ['onair-show-1-alarm-cdn-5xx-rate'],
};

describe('GET /channels/{id} alarm states', () => {
  it('reads each recorded alarm by name, one DescribeAlarms per region, in the recorded order', async () => {
    const h = harness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ resources: { ...record().resources, alarms } }) });
    const since = new Date('2026-11-24T11:58:00.000Z');
    cwMock.on(DescribeAlarmsCommand, { AlarmNames: alarms['eu-west-1'] }).resolves({ MetricAlarms: [
      { AlarmName: 'onair-show-1-alarm-input-loss-p0', StateValue: 'ALARM', StateReason: 'Threshold Crossed: 1 datapoint [5000.0] was >= 1000.0', StateUpdatedTimestamp: since },
      { AlarmName: 'onair-show-1-alarm-active-alerts-p0', StateValue: 'OK', StateReason: 'ok', StateUpdatedTimestamp: since },
    ] });
    cwMock.on(DescribeAlarmsCommand, { AlarmNames: alarms['us-east-1'] }).resolves({ MetricAlarms: [] });
    const res = await h.call('GET', '/channels/show-1');
    expect(res.statusCode).toBe(200);
    const c = channelDetailSchema.parse(res.json);
    expect(c.alarmStates).toEqual([
      { name: 'onair-show-1-alarm-active-alerts-p0', region: 'eu-west-1', state: 'OK', reason: 'ok', since: since.toISOString() },
      { name: 'onair-show-1-alarm-input-loss-p0', region: 'eu-west-1', state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [5000.0] was >= 1000.0', since: since.toISOString() },
      { name: 'onair-show-1-alarm-cdn-5xx-rate', region: 'us-east-1', state: 'UNKNOWN', reason: expect.stringContaining('no alarm of this name') },
    ]);
    expect(cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(2);
    expect(regionsAsked.sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('says UNKNOWN with the reason when CloudWatch refuses, and still answers 200', async () => {
    const h = harness();
    h.ddbMock.on(GetCommand).resolves({ Item: record({ resources: { ...record().resources, alarms: { 'eu-west-1': alarms['eu-west-1'] } } }) });
    cwMock.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const res = await h.call('GET', '/channels/show-1');
    expect(res.statusCode).toBe(200);
    expect(res.json!.alarmStates.map((a: { state: string }) => a.state)).toEqual(['UNKNOWN', 'UNKNOWN']);
    expect(res.json!.alarmStates[0].reason).toBe('CloudWatch could not be read: Throttling: Rate exceeded');
  });

  it('lists notices sent about the channel, newest first, as recorded', async () => {
    const h = harness();
    const notices = [
      { at: '2026-11-24T11:59:00.000Z', event: 'STOPPED', subject: 'OnAir [dev]: show-1 stopped (IDLE)', messageId: 'm-2' },
      { at: '2026-11-24T11:00:00.000Z', event: 'ON_AIR', subject: 'OnAir [dev]: show-1 is ON AIR' },
    ];
    h.ddbMock.on(GetCommand).resolves({ Item: record({ notices, resources: { ...record().resources, alarms: {} } }) });
    const res = await h.call('GET', '/channels/show-1');
    expect(channelDetailSchema.parse(res.json).notices).toEqual(notices);
    expect(cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(0); // no alarms: nothing to ask
  });
});

describe('GET /channels alarms in ALARM', () => {
  it('counts each channel\'s alarms in ALARM from one DescribeAlarms per region (state ALARM, OnAir prefix), paged', async () => {
    const h = harness();
    h.ddbMock.on(ScanCommand).resolves({ Items: [
      record({ resources: { ...record().resources, alarms } }),
      record({ channelId: 'show-2', resources: { ...record().resources, alarms: { 'eu-west-1': ['onair-show-2-alarm-active-alerts-p0'] } } }),
      record({ channelId: 'show-3', status: 'PLANNED', resources: { ...record().resources, alarms: {} } }),
    ] });
    cwMock.on(DescribeAlarmsCommand, { StateValue: 'ALARM' }).callsFake((input: { NextToken?: string }) => (
      input.NextToken === undefined
        ? { MetricAlarms: [{ AlarmName: 'onair-show-1-alarm-input-loss-p0' }, { AlarmName: 'onair-other-alarm-x' }], NextToken: 't2' }
        : { MetricAlarms: [{ AlarmName: 'onair-show-1-alarm-cdn-5xx-rate' }, { AlarmName: 'onair-show-1-alarm-active-alerts-p0' }] }));
    const res = await h.call('GET', '/channels');
    const page = channelListSchema.parse(res.json);
    // The same (mocked) answers in both regions: show-1 has 2 names in ALARM in eu-west-1 and 1 in us-east-1.
    expect(Object.fromEntries(page.items.map((c) => [c.channelId, c.alarmsInAlarm]))).toEqual({ 'show-1': 3, 'show-2': 0, 'show-3': 0 });
    const calls = cwMock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(4); // 2 regions × 2 pages, whatever the number of channels
    for (const input of calls) expect(input).toMatchObject({ AlarmNamePrefix: 'onair-', StateValue: 'ALARM' });
  });

  it('leaves the count out for channels whose region CloudWatch did not answer for', async () => {
    const h = harness();
    h.ddbMock.on(ScanCommand).resolves({ Items: [
      record({ resources: { ...record().resources, alarms } }),
      record({ channelId: 'show-2', resources: { ...record().resources, alarms: { 'eu-west-1': ['onair-show-2-alarm-active-alerts-p0'] } } }),
    ] });
    regionsAsked.length = 0;
    h.deps.cloudwatch = (region) => {
      const client = new CloudWatchClient({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      if (region === 'us-east-1') client.send = (() => Promise.reject(new Error('AccessDenied'))) as never;
      return client;
    };
    cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'onair-show-2-alarm-active-alerts-p0' }] });
    const res = await h.call('GET', '/channels');
    const items = channelListSchema.parse(res.json).items;
    expect(items.find((c) => c.channelId === 'show-1')!.alarmsInAlarm).toBeUndefined();
    expect(items.find((c) => c.channelId === 'show-2')!.alarmsInAlarm).toBe(1);
  });
});
