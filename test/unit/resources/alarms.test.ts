import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { buildAlarmRequests } from '../../../functions/lib/alarms/builders';
import { deleteAlarms, ensureAlarms, type AlarmDeps } from '../../../functions/lib/alarms/operations';
import type { ChannelRecord } from '../../../functions/lib/registry';
import { CONFIG, makeRecord, MemoryRegistry, STAGE, TOPIC } from './helpers/fixtures';
import { modelErrors } from './helpers/model-check';

const ctx = { stage: STAGE, region: 'eu-west-1', notificationsTopicArn: 'arn:aws:sns:eu-west-1:111122223333:onair-test-notifications' };

function provisioned(profile = 'default', overrides = {}): ChannelRecord {
  const record = makeRecord(profile, overrides);
  record.resources.medialiveChannelId = '999';
  record.resources.distributionId = 'E1ABC';
  Object.assign(record.resources.packager, record.profile.packager.kind === 'mediapackage-v2'
    ? { channelGroupName: 'onair-demo-1', channelName: 'onair-demo-1' }
    : { channelId: 'onair-demo-1' });
  return record;
}

const names = (alarms: PutMetricAlarmInput[]) => alarms.map((a) => a.AlarmName);

describe('buildAlarmRequests', () => {
  it.each([['default'], ['single-pipeline'], ['mediapackage-v1'], ['low-latency']])('%s: every request passes the CloudWatch model, notifies on ALARM and OK, tagged', (profile) => {
    const byRegion = buildAlarmRequests(provisioned(profile), { ...ctx, region: 'us-east-1', notificationsTopicArn: TOPIC });
    for (const alarm of Object.values(byRegion).flat()) {
      expect(modelErrors('monitoring', 'PutMetricAlarm', alarm)).toEqual([]);
      expect(alarm.AlarmActions).toEqual([TOPIC]);
      expect(alarm.OKActions).toEqual([TOPIC]);
      expect(alarm.AlarmName).toMatch(/^onair-demo-1-alarm-/);
      expect(alarm.Tags).toEqual(expect.arrayContaining([{ Key: 'onair:channel', Value: 'demo-1' }]));
    }
  });

  it('STANDARD: MediaLive alarms for pipelines 0 and 1, packager and CDN alarms; CloudFront in us-east-1', () => {
    const byRegion = buildAlarmRequests(provisioned(), ctx);
    expect(Object.keys(byRegion).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(names(byRegion['eu-west-1'])).toEqual([
      'onair-demo-1-alarm-active-alerts-p0', 'onair-demo-1-alarm-input-loss-p0', 'onair-demo-1-alarm-dropped-frames-p0',
      'onair-demo-1-alarm-output-4xx-packager-p0', 'onair-demo-1-alarm-output-5xx-packager-p0',
      'onair-demo-1-alarm-active-alerts-p1', 'onair-demo-1-alarm-input-loss-p1', 'onair-demo-1-alarm-dropped-frames-p1',
      'onair-demo-1-alarm-output-4xx-packager-p1', 'onair-demo-1-alarm-output-5xx-packager-p1',
      'onair-demo-1-alarm-packager-egress-5xx',
    ]);
    const [cdn] = byRegion['us-east-1'];
    expect(cdn).toMatchObject({
      Namespace: 'AWS/CloudFront', MetricName: '5xxErrorRate', Threshold: 5,
      Dimensions: [{ Name: 'DistributionId', Value: 'E1ABC' }, { Name: 'Region', Value: 'Global' }],
    });
    const inputLoss = byRegion['eu-west-1'].find((a) => a.AlarmName === 'onair-demo-1-alarm-input-loss-p1')!;
    expect(inputLoss).toMatchObject({ Namespace: 'AWS/MediaLive', Statistic: 'Sum', Threshold: 10, Dimensions: [{ Name: 'ChannelId', Value: '999' }, { Name: 'Pipeline', Value: '1' }] });
    // A topic in another region cannot be an alarm action: the us-east-1 alarm carries none rather than fail.
    expect(cdn.AlarmActions).toEqual([]);
    expect(byRegion['eu-west-1'][0].AlarmActions).toEqual([ctx.notificationsTopicArn]);
  });

  it('SINGLE_PIPELINE alarms only pipeline 0; v1 packager alarm uses the v1 channel dimension', () => {
    const single = buildAlarmRequests(provisioned('single-pipeline'), ctx)['eu-west-1'];
    expect(names(single).filter((n) => n?.endsWith('-p1'))).toEqual([]);
    const v1 = buildAlarmRequests(provisioned('mediapackage-v1'), ctx)['eu-west-1'].find((a) => a.AlarmName?.endsWith('packager-egress-5xx'));
    expect(v1!.Dimensions).toEqual([{ Name: 'Channel', Value: 'onair-demo-1' }, { Name: 'StatusCodeRange', Value: '5xx' }]);
  });

  it('leaves out what does not exist yet (no channel, no distribution)', () => {
    const record = makeRecord();
    expect(buildAlarmRequests(record, ctx)).toEqual({});
    record.resources.medialiveChannelId = '999';
    expect(Object.keys(buildAlarmRequests(record, ctx))).toEqual(['eu-west-1']);
  });

  it('uses the profile thresholds', () => {
    const record = provisioned('default', { alarms: { inputLossSecondsPerMinute: 3, droppedFramesPerMinute: 7, cdn5xxErrorRatePercent: 1.5 } });
    const all = Object.values(buildAlarmRequests(record, ctx)).flat();
    expect(all.find((a) => a.MetricName === 'InputLossSeconds')!.Threshold).toBe(3);
    expect(all.find((a) => a.MetricName === 'DroppedFrames')!.Threshold).toBe(7);
    expect(all.find((a) => a.MetricName === '5xxErrorRate')!.Threshold).toBe(1.5);
  });
});

const local = mockClient(CloudWatchClient);

function setup(record: ChannelRecord): { deps: AlarmDeps; registry: MemoryRegistry } {
  const registry = new MemoryRegistry(record);
  // aws-sdk-client-mock mocks every instance of the class: region tells the two clients apart.
  const deps: AlarmDeps = {
    cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
    cloudwatchUsEast1: new CloudWatchClient({ region: 'us-east-1' }),
    registry,
    config: { ...CONFIG, region: 'eu-west-1', notificationsTopicArn: ctx.notificationsTopicArn },
  };
  return { deps, registry };
}

async function regionOf(call: { thisValue: unknown }): Promise<string> {
  return (call.thisValue as CloudWatchClient).config.region();
}

beforeEach(() => local.reset());

describe('ensureAlarms / deleteAlarms', () => {
  it('records the names per region before putting, then puts each alarm with the right client', async () => {
    const { deps, registry } = setup(provisioned());
    const order: string[] = [];
    local.on(PutMetricAlarmCommand).callsFake(() => { order.push(`put:${registry.record.resources.alarms['eu-west-1']?.length ?? 0}`); return {}; });
    const out = await ensureAlarms(deps, registry.reload());
    expect(out.alarms['eu-west-1']).toHaveLength(11);
    expect(out.alarms['us-east-1']).toEqual(['onair-demo-1-alarm-cdn-5xx-rate']);
    expect(registry.record.resources.alarms).toEqual(out.alarms);
    // Every put happened after the region's names were in the registry.
    expect(order.every((o) => o !== 'put:0')).toBe(true);
    const calls = local.commandCalls(PutMetricAlarmCommand);
    const cdnCall = calls.find((c) => c.args[0].input.AlarmName === 'onair-demo-1-alarm-cdn-5xx-rate')!;
    expect(await regionOf(cdnCall)).toBe('us-east-1');
    const mlCall = calls.find((c) => c.args[0].input.AlarmName === 'onair-demo-1-alarm-active-alerts-p0')!;
    expect(await regionOf(mlCall)).toBe('eu-west-1');
  });

  it('a second call (after the CDN exists) adds the CloudFront alarm and keeps the earlier names', async () => {
    const record = provisioned();
    delete record.resources.distributionId;
    const { deps, registry } = setup(record);
    local.on(PutMetricAlarmCommand).resolves({});
    await ensureAlarms(deps, registry.reload());
    expect(registry.record.resources.alarms['us-east-1']).toBeUndefined();
    registry.record.resources.distributionId = 'E1ABC';
    await ensureAlarms(deps, registry.reload());
    expect(registry.record.resources.alarms['us-east-1']).toEqual(['onair-demo-1-alarm-cdn-5xx-rate']);
    expect(registry.record.resources.alarms['eu-west-1']).toHaveLength(11);
  });

  it('deletes only the alarms that exist, clears the registry, and a rerun calls nothing', async () => {
    const { deps, registry } = setup(provisioned());
    registry.record.resources.alarms = { 'eu-west-1': ['onair-demo-1-alarm-a', 'onair-demo-1-alarm-b'], 'us-east-1': ['onair-demo-1-alarm-cdn-5xx-rate'] };
    local.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
      MetricAlarms: input.AlarmNames.filter((n) => n !== 'onair-demo-1-alarm-b').map((AlarmName) => ({ AlarmName })),
    }));
    local.on(DeleteAlarmsCommand).resolves({});
    await expect(deleteAlarms(deps, registry.reload())).resolves.toEqual({ deleted: 2 });
    expect(local).toHaveReceivedCommandWith(DeleteAlarmsCommand, { AlarmNames: ['onair-demo-1-alarm-a'] });
    expect(local).toHaveReceivedCommandWith(DeleteAlarmsCommand, { AlarmNames: ['onair-demo-1-alarm-cdn-5xx-rate'] });
    expect(registry.record.resources.alarms).toEqual({});
    local.resetHistory();
    await expect(deleteAlarms(deps, registry.reload())).resolves.toEqual({ deleted: 0 });
    expect(local.calls()).toHaveLength(0);
  });
});
