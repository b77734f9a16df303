import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { buildAlarmRequests } from '../../../functions/lib/alarms/builders';
import { deleteAlarms, ensureAlarms, type AlarmDeps } from '../../../functions/lib/alarms/operations';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
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

/**
 * The dimension sets AWS documents per metric (sorted names). An alarm on any other set never sees data.
 * MediaLive UG: eml-metrics-global.html (ActiveAlerts), eml-metrics-input-metrics.html (InputLossSeconds),
 * eml-metrics-output-metrics.html (FillMsec, Output4xx/5xxErrors; DroppedFrames only "Pipeline, Region");
 * MediaPackage UG (v1 live) metrics.html (EgressRequestCount: Channel + StatusCodeRange);
 * CloudFront DG "Viewing CloudFront distribution metrics" (DistributionId + Region=Global, us-east-1).
 */
const DOCUMENTED: Record<string, string[][]> = {
  'AWS/MediaLive ActiveAlerts': [['ChannelId', 'Pipeline']],
  'AWS/MediaLive InputLossSeconds': [['ChannelId', 'Pipeline'], ['ActiveInputFailoverLabel', 'ChannelId', 'Pipeline']],
  'AWS/MediaLive FillMsec': [['ChannelId', 'Pipeline']],
  'AWS/MediaLive Output4xxErrors': [['ChannelId', 'OutputGroupName', 'Pipeline']],
  'AWS/MediaLive Output5xxErrors': [['ChannelId', 'OutputGroupName', 'Pipeline']],
  'AWS/MediaLive DroppedFrames': [['Pipeline', 'Region']],
  'AWS/MediaPackage EgressRequestCount': [['Channel'], ['Channel', 'OriginEndpoint'], ['StatusCodeRange'], ['Channel', 'StatusCodeRange'], ['Channel', 'OriginEndpoint', 'StatusCodeRange']],
  'AWS/CloudFront 5xxErrorRate': [['DistributionId', 'Region']],
};
const RTP = { input: { type: 'RTP_PUSH', allowedCidrs: ['203.0.113.10/32'] } };
const dimensionSet = (a: PutMetricAlarmInput): string[] => (a.Dimensions ?? []).map((d) => d.Name!).sort();

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

  it.each([['default', {}], ['single-pipeline', {}], ['mediapackage-v1', {}], ['low-latency', {}], ['default', RTP], ['default', { input: { type: 'URL_PULL', sourceUrls: ['https://a.example.com/live/index.m3u8', 'https://b.example.com/live/index.m3u8'] } }]])(
    '%s %j: every alarm uses a metric and dimension set AWS documents, per channel', (profile, overrides) => {
      const all = Object.values(buildAlarmRequests(provisioned(profile, overrides), ctx)).flat();
      expect(all.length).toBeGreaterThan(0);
      for (const alarm of all) {
        expect({ alarm: alarm.AlarmName, sets: DOCUMENTED[`${alarm.Namespace} ${alarm.MetricName}`] ?? [] }).toEqual({ alarm: alarm.AlarmName, sets: expect.arrayContaining([dimensionSet(alarm)]) });
        // Per channel: a dimension names this channel's resources (the CloudFront alarm, its distribution).
        expect(alarm.Dimensions!.some((d) => ['ChannelId', 'Channel', 'DistributionId'].includes(d.Name!))).toBe(true);
      }
      // DroppedFrames is documented only per Pipeline and Region: no per-channel alarm can use it.
      expect(all.filter((a) => a.MetricName === 'DroppedFrames')).toEqual([]);
    });

  it('missing data: INSUFFICIENT_DATA for the metrics a running channel always publishes, not a breach for request-driven ones; never an action on INSUFFICIENT_DATA', () => {
    const all = Object.values(buildAlarmRequests(provisioned('mediapackage-v1'), ctx)).flat();
    const treat = Object.fromEntries(all.map((a) => [`${a.Namespace} ${a.MetricName}`, a.TreatMissingData]));
    expect(treat).toEqual({
      'AWS/MediaLive ActiveAlerts': 'missing', 'AWS/MediaLive FillMsec': 'missing',
      'AWS/MediaLive Output4xxErrors': 'missing', 'AWS/MediaLive Output5xxErrors': 'missing',
      'AWS/MediaPackage EgressRequestCount': 'notBreaching', 'AWS/CloudFront 5xxErrorRate': 'notBreaching',
    });
    // A stopped channel's alarms sit in INSUFFICIENT_DATA: with no InsufficientDataActions, nobody is paged.
    for (const a of all) expect(a.InsufficientDataActions).toBeUndefined();
  });

  it('input loss: InputLossSeconds for RTP and MediaConnect inputs (the only ones MediaLive publishes it for), FillMsec otherwise', () => {
    const loss = (overrides: object) => Object.values(buildAlarmRequests(provisioned('default', overrides), ctx)).flat().find((a) => a.AlarmName === 'onair-demo-1-alarm-input-loss-p0')!;
    expect(loss(RTP)).toMatchObject({ MetricName: 'InputLossSeconds', Statistic: 'Sum', Threshold: 10 });
    expect(loss({})).toMatchObject({ MetricName: 'FillMsec', Statistic: 'Maximum', Threshold: 10_000 });
  });

  it('STANDARD: MediaLive alarms for pipelines 0 and 1 and the CDN alarm; CloudFront in us-east-1', () => {
    const byRegion = buildAlarmRequests(provisioned(), ctx);
    expect(Object.keys(byRegion).sort()).toEqual(['eu-west-1', 'us-east-1']);
    // No MediaPackage v2 egress alarm: AWS documents no StatusCodeRange dimension set for v2.
    expect(names(byRegion['eu-west-1'])).toEqual([
      'onair-demo-1-alarm-active-alerts-p0', 'onair-demo-1-alarm-input-loss-p0',
      'onair-demo-1-alarm-output-4xx-packager-p0', 'onair-demo-1-alarm-output-5xx-packager-p0',
      'onair-demo-1-alarm-active-alerts-p1', 'onair-demo-1-alarm-input-loss-p1',
      'onair-demo-1-alarm-output-4xx-packager-p1', 'onair-demo-1-alarm-output-5xx-packager-p1',
    ]);
    const [cdn] = byRegion['us-east-1'];
    expect(cdn).toMatchObject({
      Namespace: 'AWS/CloudFront', MetricName: '5xxErrorRate', Threshold: 5,
      Dimensions: [{ Name: 'DistributionId', Value: 'E1ABC' }, { Name: 'Region', Value: 'Global' }],
    });
    const inputLoss = byRegion['eu-west-1'].find((a) => a.AlarmName === 'onair-demo-1-alarm-input-loss-p1')!;
    expect(inputLoss).toMatchObject({ Namespace: 'AWS/MediaLive', Dimensions: [{ Name: 'ChannelId', Value: '999' }, { Name: 'Pipeline', Value: '1' }] });
    const out5xx = byRegion['eu-west-1'].find((a) => a.AlarmName === 'onair-demo-1-alarm-output-5xx-packager-p1')!;
    expect(out5xx.Dimensions).toEqual([{ Name: 'OutputGroupName', Value: 'packager' }, { Name: 'ChannelId', Value: '999' }, { Name: 'Pipeline', Value: '1' }]);
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
    const record = provisioned('default', { ...RTP, alarms: { inputLossSecondsPerMinute: 3, cdn5xxErrorRatePercent: 1.5 } });
    const all = Object.values(buildAlarmRequests(record, ctx)).flat();
    expect(all.find((a) => a.MetricName === 'InputLossSeconds')!.Threshold).toBe(3);
    const fill = Object.values(buildAlarmRequests(provisioned('default', { alarms: { inputLossSecondsPerMinute: 3 } }), ctx)).flat();
    expect(fill.find((a) => a.MetricName === 'FillMsec')!.Threshold).toBe(3000);
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
    expect(out.alarms['eu-west-1']).toHaveLength(8);
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
    expect(registry.record.resources.alarms['eu-west-1']).toHaveLength(8);
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
