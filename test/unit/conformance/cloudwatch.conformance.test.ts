/**
 * Conformance: every CloudWatch alarm OnAir puts (per channel, lib/alarms/builders.ts; per stage, the shared
 * distribution's 5xx alarm in serverless.yml) is on a metric and dimension combination AWS documents, with a
 * statistic AWS documents for it, in the region the metric is published to, with dimension values that name
 * what OnAir actually created. An alarm on any other combination never sees a datapoint.
 * Sources beside each entry; see README.md.
 */
import type { Dimension, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import { buildAlarmRequests, CLOUDFRONT_METRICS_REGION } from '../../../functions/lib/alarms/builders';
import { pipelineCount } from '../../../functions/lib/medialive/builders';
import { buildV1ChannelRequest } from '../../../functions/lib/packager/v1';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { join } from 'node:path';
import { loadWorkflows } from '../../../local/onair/workflows';
import { STAGE } from '../resources/helpers/fixtures';
import { channelRequest, inputCases, profileCases } from './profiles';
import { intrinsic, resolved } from './stack';

const ML = 'https://docs.aws.amazon.com/medialive/latest/ug';
const SRC = {
  mlGenInfo: `${ML}/eml-metrics-gen-info.html`,
  mlGlobal: `${ML}/eml-metrics-global.html`,
  mlInput: `${ML}/eml-metrics-input-metrics.html`,
  mlOutput: `${ML}/eml-metrics-output-metrics.html`,
  mpMetrics: 'https://docs.aws.amazon.com/mediapackage/latest/ug/metrics.html',
  cfMetrics: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html',
} as const;

interface Documented {
  /** Dimension name sets AWS documents for the metric (names sorted). */
  dimensionSets: string[][];
  /**
   * Statistics AWS documents for it: the valid ones (MediaPackage, CloudFront) or MediaLive's recommended one;
   * undefined = MediaLive "supports all the statistics offered by CloudWatch" (SRC.mlGenInfo) and OnAir's
   * choice is not checked here.
   */
  statistics?: string[];
  /** The only region the metric is published to, when AWS says so. */
  region?: string;
  source: string;
}

/** AWS's documented metrics (not OnAir's choices). */
const DOCUMENTED: Record<string, Documented> = {
  // "Supported dimension sets: ChannelID, Pipeline", "Recommended statistic: Max", "Meaning of no datapoints:
  // The channel isn't running".
  'AWS/MediaLive ActiveAlerts': { dimensionSets: [['ChannelId', 'Pipeline']], statistics: ['Maximum'], source: SRC.mlGlobal },
  // Input loss seconds: ChannelId, Pipeline (also with ActiveInputFailoverLabel); published for RTP and
  // MediaConnect ingest.
  'AWS/MediaLive InputLossSeconds': { dimensionSets: [['ChannelId', 'Pipeline'], ['ActiveInputFailoverLabel', 'ChannelId', 'Pipeline']], source: SRC.mlInput },
  // Fill milliseconds: ChannelId, Pipeline.
  'AWS/MediaLive FillMsec': { dimensionSets: [['ChannelId', 'Pipeline']], source: SRC.mlOutput },
  // Output 4xx/5xx errors: OutputGroupName, ChannelId, Pipeline.
  'AWS/MediaLive Output4xxErrors': { dimensionSets: [['ChannelId', 'OutputGroupName', 'Pipeline']], source: SRC.mlOutput },
  'AWS/MediaLive Output5xxErrors': { dimensionSets: [['ChannelId', 'OutputGroupName', 'Pipeline']], source: SRC.mlOutput },
  // EgressRequestCount: "Valid statistics: Sum"; dimensions Channel, Channel + OriginEndpoint, StatusCodeRange,
  // Channel + StatusCodeRange, Channel + OriginEndpoint + StatusCodeRange (live content metrics, v1).
  'AWS/MediaPackage EgressRequestCount': {
    dimensionSets: [['Channel'], ['Channel', 'OriginEndpoint'], ['StatusCodeRange'], ['Channel', 'StatusCodeRange'], ['Channel', 'OriginEndpoint', 'StatusCodeRange']],
    statistics: ['Sum'], source: SRC.mpMetrics,
  },
  // Every distribution metric has DistributionId and Region (always "Global"); 5xxErrorRate "Valid statistics:
  // Average", unit Percent; read from us-east-1 only.
  'AWS/CloudFront 5xxErrorRate': { dimensionSets: [['DistributionId', 'Region']], statistics: ['Average'], region: 'us-east-1', source: SRC.cfMetrics },
};

const ctx = { stage: STAGE, region: 'eu-west-1', notificationsTopicArn: 'arn:aws:sns:eu-west-1:111122223333:onair-test-notifications' };
const ML_CHANNEL = '1234567';

/** A channel as ensureAlarms sees it after provisioning: every resource id recorded. */
function provisioned(record: ChannelRecord): ChannelRecord {
  const r = structuredClone(record);
  r.resources.medialiveChannelId = ML_CHANNEL;
  if (r.profile.packager.kind === 'mediapackage-v1') {
    Object.assign(r.resources.packager, { channelId: buildV1ChannelRequest(r, STAGE).Id });
  } else {
    Object.assign(r.resources.packager, { channelGroupName: `onair-${STAGE}`, channelName: 'onair-demo-1-gen0001' });
  }
  if (r.profile.delivery === 'dedicated') r.resources.distributionId = 'E1DEDICATED';
  return r;
}

const key = (a: Pick<PutMetricAlarmInput, 'Namespace' | 'MetricName'>): string => `${a.Namespace} ${a.MetricName}`;
const names = (dims: Dimension[] | undefined): string[] => (dims ?? []).map((d) => d.Name as string).sort();
const dim = (a: PutMetricAlarmInput, name: string): string | undefined => a.Dimensions?.find((d) => d.Name === name)?.Value;

describe.each([...profileCases(), ...inputCases()])('alarms: $label', ({ record: base }) => {
  const record = provisioned(base);
  const byRegion = buildAlarmRequests(record, ctx);
  const all = Object.entries(byRegion).flatMap(([region, alarms]) => alarms.map((a) => ({ region, a })));

  it('only on documented metric + dimension sets, with a documented statistic, in the metric\'s region', () => {
    expect(all.length).toBeGreaterThan(0);
    for (const { region, a } of all) {
      const doc = DOCUMENTED[key(a)];
      expect({ alarm: a.AlarmName, metric: key(a), documented: doc !== undefined }).toEqual({ alarm: a.AlarmName, metric: key(a), documented: true });
      expect(doc.dimensionSets).toContainEqual(names(a.Dimensions));
      if (doc.statistics) expect(doc.statistics).toContain(a.Statistic);
      expect(region).toBe(doc.region ?? ctx.region);
    }
  });

  it('dimension values name what OnAir created', () => {
    const channel = channelRequest(record);
    const outputGroups = (channel.EncoderSettings?.OutputGroups ?? []).map((g) => g.Name);
    const pipelines = Array.from({ length: pipelineCount(record.profile) }, (_, i) => String(i));
    for (const { a } of all) {
      if (a.Namespace === 'AWS/MediaLive') {
        expect(dim(a, 'ChannelId')).toBe(ML_CHANNEL);
        // MediaLive numbers pipelines 0 and 1 (a STANDARD channel) or 0 (SRC.mlGlobal: per Pipeline).
        expect(pipelines).toContain(dim(a, 'Pipeline'));
        // OutputGroupName is the output group's name in the channel (SRC.mlOutput).
        if (dim(a, 'OutputGroupName') !== undefined) expect(outputGroups).toContain(dim(a, 'OutputGroupName'));
      }
      if (a.Namespace === 'AWS/MediaPackage') {
        expect(dim(a, 'Channel')).toBe(buildV1ChannelRequest(record, STAGE).Id);
        expect(dim(a, 'StatusCodeRange')).toBe('5xx');
      }
      if (a.Namespace === 'AWS/CloudFront') {
        // "The value for Region is always Global" (SRC.cfMetrics).
        expect(dim(a, 'Region')).toBe('Global');
        expect(dim(a, 'DistributionId')).toBe(record.resources.distributionId);
        expect(a.Unit).toBe('Percent');
      }
    }
    // Every pipeline is watched for active alerts.
    expect(all.filter(({ a }) => a.MetricName === 'ActiveAlerts').map(({ a }) => dim(a, 'Pipeline')).sort()).toEqual(pipelines);
  });

  it('input loss on the metric MediaLive publishes for the input type', () => {
    const loss = all.filter(({ a }) => a.MetricName === 'InputLossSeconds' || a.MetricName === 'FillMsec').map(({ a }) => a.MetricName);
    // InputLossSeconds has no datapoints unless inputs are ingesting RTP (RTP push, MediaConnect) (SRC.mlInput);
    // FillMsec is an output metric for every input (SRC.mlOutput).
    const rtp = ['RTP_PUSH', 'MEDIACONNECT'].includes(record.profile.input.type);
    expect(new Set(loss)).toEqual(new Set([rtp ? 'InputLossSeconds' : 'FillMsec']));
  });

  it('MediaLive alarms show a stopped channel as missing data, not as OK', () => {
    // "Meaning of no datapoints: The channel isn't running" (SRC.mlGlobal): no data is not "no errors".
    for (const { a } of all.filter(({ a }) => a.Namespace === 'AWS/MediaLive')) expect(a.TreatMissingData).not.toBe('notBreaching');
  });
});

describe('the stage\'s CloudFront 5xx alarm (serverless.yml DeliveryCdn5xxAlarm)', () => {
  const alarm = resolved<PutMetricAlarmInput>('DeliveryCdn5xxAlarm');

  it('is on a documented metric + dimension set for the stage\'s distribution', () => {
    const doc = DOCUMENTED[key(alarm)];
    expect(doc).toBeDefined();
    expect(doc.dimensionSets).toContainEqual(names(alarm.Dimensions));
    expect(doc.statistics).toContain(alarm.Statistic);
    expect(dim(alarm, 'Region')).toBe('Global');
    expect(dim(alarm, 'DistributionId')).toBe(intrinsic({ Ref: 'DeliveryDistribution' }));
  });

  it('exists only where CloudFront publishes metrics (us-east-1)', () => {
    // "To get the CloudFront metrics from the CloudWatch API, you must use the US East (N. Virginia) Region
    // (us-east-1)" (SRC.cfMetrics).
    expect(CLOUDFRONT_METRICS_REGION).toBe(DOCUMENTED['AWS/CloudFront 5xxErrorRate'].region);
    const root = join(__dirname, '..', '..', '..');
    const condition = loadWorkflows({ root, stage: STAGE, region: 'us-east-1' }).resources.DeliveryCdn5xxAlarm.Condition as string;
    expect(loadWorkflows({ root, stage: STAGE, region: 'us-east-1' }).condition(condition)).toBe(true);
    expect(loadWorkflows({ root, stage: STAGE, region: 'eu-west-1' }).condition(condition)).toBe(false);
  });
});
