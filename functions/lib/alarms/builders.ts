/**
 * CloudWatch alarm requests for one channel (pure).
 *
 * API (stable):
 *   buildAlarmRequests(record, { stage, region, notificationsTopicArn }) → Record<region, PutMetricAlarmInput[]>
 *   alarmName(channelId, part), CLOUDFRONT_METRICS_REGION
 *
 * Alarms per channel:
 * - MediaLive per pipeline (0, and 1 for STANDARD): ActiveAlerts (Max ≥ 1 for 2 min),
 *   InputLossSeconds (Sum/min ≥ profile threshold), DroppedFrames (Sum/min ≥ profile threshold),
 *   Output4xxErrors and Output5xxErrors of the packager output group (Sum/min ≥ 1 for 3 of 5 min).
 * - MediaPackage egress 5xx (EgressRequestCount, StatusCodeRange=5xx, Sum/min ≥ 5 for 2 min).
 * - CloudFront 5xxErrorRate (Average ≥ profile percent for 2 min) in us-east-1, the only region
 *   CloudFront publishes metrics to — only once the distribution id is recorded, so calling
 *   ensureAlarms again after the CDN step adds it.
 * Every alarm notifies the topic on ALARM and on OK; missing data is not a breach (a channel
 * that is stopped sends no metrics and must not page anyone).
 */
import type { PutMetricAlarmInput, Dimension } from '@aws-sdk/client-cloudwatch';
import { PACKAGER_DESTINATION_ID, pipelineCount } from '../medialive/builders';
import { resourceName } from '../ids';
import type { ChannelRecord, PackagerV1Resources, PackagerV2Resources } from '../registry';
import { channelTags, tagList } from '../tags';

export const CLOUDFRONT_METRICS_REGION = 'us-east-1';

export function alarmName(channelId: string, part: string): string {
  return resourceName(channelId, `alarm-${part}`);
}

export interface AlarmContext {
  stage: string;
  /** The channel's region (MediaLive, MediaPackage metrics). */
  region: string;
  notificationsTopicArn: string;
}

function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

export function buildAlarmRequests(record: ChannelRecord, ctx: AlarmContext): Record<string, PutMetricAlarmInput[]> {
  const { channelId, profile, resources } = record;
  const tags = tagList(channelTags(record, ctx.stage));
  const topicRegion = regionOfArn(ctx.notificationsTopicArn);
  const out: Record<string, PutMetricAlarmInput[]> = {};
  const add = (region: string, alarm: Omit<PutMetricAlarmInput, 'Tags' | 'ActionsEnabled' | 'AlarmActions' | 'OKActions' | 'TreatMissingData'>): void => {
    // CloudWatch alarm actions must name a topic in the alarm's own region.
    const actions = topicRegion === undefined || topicRegion === region ? [ctx.notificationsTopicArn] : [];
    (out[region] ??= []).push({
      ...alarm,
      ActionsEnabled: true,
      AlarmActions: actions,
      OKActions: actions,
      TreatMissingData: 'notBreaching',
      Tags: tags,
    });
  };

  const mlId = resources.medialiveChannelId;
  if (mlId) {
    for (let p = 0; p < pipelineCount(profile); p += 1) {
      const pipe: Dimension[] = [{ Name: 'ChannelId', Value: mlId }, { Name: 'Pipeline', Value: String(p) }];
      const common = { Namespace: 'AWS/MediaLive', Period: 60 } as const;
      add(ctx.region, {
        ...common,
        AlarmName: alarmName(channelId, `active-alerts-p${p}`),
        AlarmDescription: `OnAir ${channelId}: MediaLive pipeline ${p} has active alerts`,
        MetricName: 'ActiveAlerts', Statistic: 'Maximum', Dimensions: pipe,
        Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2,
      });
      add(ctx.region, {
        ...common,
        AlarmName: alarmName(channelId, `input-loss-p${p}`),
        AlarmDescription: `OnAir ${channelId}: pipeline ${p} lost its input for ≥ ${profile.alarms.inputLossSecondsPerMinute} s in a minute`,
        MetricName: 'InputLossSeconds', Statistic: 'Sum', Dimensions: pipe,
        Threshold: profile.alarms.inputLossSecondsPerMinute, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1,
      });
      add(ctx.region, {
        ...common,
        AlarmName: alarmName(channelId, `dropped-frames-p${p}`),
        AlarmDescription: `OnAir ${channelId}: pipeline ${p} dropped ≥ ${profile.alarms.droppedFramesPerMinute} frames in a minute`,
        MetricName: 'DroppedFrames', Statistic: 'Sum', Dimensions: pipe,
        Threshold: profile.alarms.droppedFramesPerMinute, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1,
      });
      for (const code of ['4xx', '5xx'] as const) {
        add(ctx.region, {
          ...common,
          AlarmName: alarmName(channelId, `output-${code}-${PACKAGER_DESTINATION_ID}-p${p}`),
          AlarmDescription: `OnAir ${channelId}: pipeline ${p} gets HTTP ${code} errors delivering output group ${PACKAGER_DESTINATION_ID}`,
          MetricName: code === '4xx' ? 'Output4xxErrors' : 'Output5xxErrors', Statistic: 'Sum',
          Dimensions: [{ Name: 'ChannelId', Value: mlId }, { Name: 'OutputGroupName', Value: PACKAGER_DESTINATION_ID }, { Name: 'Pipeline', Value: String(p) }],
          Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 3,
        });
      }
    }
  }

  // v1 publishes EgressRequestCount per Channel (+ StatusCodeRange), per the MediaPackage live
  // metrics page; v2 scopes channels by group, hence ChannelGroup + Channel (+ StatusCodeRange).
  const pk = resources.packager;
  const mpDims: Dimension[] | undefined = pk.kind === 'mediapackage-v2'
    ? ((p: PackagerV2Resources) => (p.channelGroupName && p.channelName
      ? [{ Name: 'ChannelGroup', Value: p.channelGroupName }, { Name: 'Channel', Value: p.channelName }] : undefined))(pk)
    : ((p: PackagerV1Resources) => (p.channelId ? [{ Name: 'Channel', Value: p.channelId }] : undefined))(pk);
  if (mpDims) {
    add(ctx.region, {
      AlarmName: alarmName(channelId, 'packager-egress-5xx'),
      AlarmDescription: `OnAir ${channelId}: MediaPackage answers viewers (through the CDN) with 5xx`,
      Namespace: 'AWS/MediaPackage', MetricName: 'EgressRequestCount', Statistic: 'Sum', Period: 60,
      Dimensions: [...mpDims, { Name: 'StatusCodeRange', Value: '5xx' }],
      Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2,
    });
  }

  if (resources.distributionId) {
    add(CLOUDFRONT_METRICS_REGION, {
      AlarmName: alarmName(channelId, 'cdn-5xx-rate'),
      AlarmDescription: `OnAir ${channelId}: CloudFront 5xx error rate ≥ ${profile.alarms.cdn5xxErrorRatePercent}%`,
      Namespace: 'AWS/CloudFront', MetricName: '5xxErrorRate', Statistic: 'Average', Period: 60, Unit: 'Percent',
      Dimensions: [{ Name: 'DistributionId', Value: resources.distributionId }, { Name: 'Region', Value: 'Global' }],
      Threshold: profile.alarms.cdn5xxErrorRatePercent, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2,
    });
  }
  return out;
}
