/**
 * CloudWatch alarm requests for one channel (pure).
 *
 * API (stable):
 *   buildAlarmRequests(record, { stage, region, notificationsTopicArn }) → Record<region, PutMetricAlarmInput[]>
 *   alarmName(channelId, part), CLOUDFRONT_METRICS_REGION
 *
 * Alarms per channel — only metric and dimension combinations AWS documents, each cited beside it
 * (an alarm on a combination AWS never publishes sits in OK or INSUFFICIENT_DATA forever):
 * - MediaLive per pipeline (0, and 1 for STANDARD): ActiveAlerts (Max ≥ 1 for 2 min); input loss —
 *   InputLossSeconds (Sum/min ≥ profile threshold) for RTP and MediaConnect inputs, the only ones
 *   MediaLive publishes it for, FillMsec (Max ≥ threshold × 1000) for every other input type;
 *   Output4xxErrors and Output5xxErrors of the packager output group (Sum/min ≥ 1 for 3 of 5 min).
 *   No DroppedFrames alarm: AWS documents that metric only per Pipeline and Region, not per channel.
 * - MediaPackage v1 egress 5xx (EgressRequestCount by Channel + StatusCodeRange=5xx, Sum/min ≥ 5 for
 *   2 min). Not for v2: AWS documents no StatusCodeRange combination with ChannelGroup + Channel.
 * - CloudFront 5xxErrorRate (Average ≥ profile percent for 2 min) in us-east-1, the only region
 *   CloudFront publishes metrics to — only once the distribution id is recorded, so calling
 *   ensureAlarms again after the CDN step adds it.
 * Every alarm notifies the topic on ALARM and on OK, never on INSUFFICIENT_DATA (no
 * InsufficientDataActions). Missing data is shown, not hidden: the MediaLive metrics are published
 * every second by a running channel, so their alarms treat missing data as `missing` and go to
 * INSUFFICIENT_DATA when the channel stops (or has not produced output yet) — visible in the console,
 * and silent, since only ALARM and OK carry actions: a stopped channel pages nobody. When the channel
 * runs again they return to OK (one OK notice per alarm). The request-driven metrics (MediaPackage
 * egress, CloudFront) publish nothing while nobody watches, so there no data means no errors:
 * `notBreaching`.
 */
import type { PutMetricAlarmInput, Dimension } from '@aws-sdk/client-cloudwatch';
import { PACKAGER_DESTINATION_ID, pipelineCount } from '../medialive/builders';
import { resourceName } from '../ids';
import type { InputType } from '../profile';
import type { ChannelRecord } from '../channel/registry';
import { channelTags, tagList } from '../tags';

export const CLOUDFRONT_METRICS_REGION = 'us-east-1';

/** Input types MediaLive publishes InputLossSeconds for (RTP and MediaConnect ingest). */
export const INPUT_LOSS_SECONDS_INPUTS: readonly InputType[] = ['RTP_PUSH', 'MEDIACONNECT'];

type MissingData = 'missing' | 'notBreaching';

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
  const add = (region: string, missingData: MissingData, alarm: Omit<PutMetricAlarmInput, 'Tags' | 'ActionsEnabled' | 'AlarmActions' | 'OKActions' | 'TreatMissingData'>): void => {
    // CloudWatch alarm actions must name a topic in the alarm's own region.
    const actions = topicRegion === undefined || topicRegion === region ? [ctx.notificationsTopicArn] : [];
    (out[region] ??= []).push({
      ...alarm,
      ActionsEnabled: true,
      AlarmActions: actions,
      OKActions: actions,
      TreatMissingData: missingData,
      Tags: tags,
    });
  };

  const mlId = resources.medialiveChannelId;
  if (mlId) {
    // InputLossSeconds is published only while an RTP or MediaConnect input is ingesting (MediaLive UG
    // "Input metrics", https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-input-metrics.html:
    // "Meaning of no datapoints: No inputs are ingesting RTP"). FillMsec is published for every input
    // and is the current run of fill frames after input loss ("Output metrics",
    // https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-output-metrics.html).
    const udpLoss = INPUT_LOSS_SECONDS_INPUTS.includes(profile.input.type);
    for (let p = 0; p < pipelineCount(profile); p += 1) {
      const pipe: Dimension[] = [{ Name: 'ChannelId', Value: mlId }, { Name: 'Pipeline', Value: String(p) }];
      const common = { Namespace: 'AWS/MediaLive', Period: 60 } as const;
      // ActiveAlerts by ChannelId, Pipeline; no datapoints = the channel isn't running (MediaLive UG
      // "Global metrics", https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-global.html).
      add(ctx.region, 'missing', {
        ...common,
        AlarmName: alarmName(channelId, `active-alerts-p${p}`),
        AlarmDescription: `OnAir ${channelId}: MediaLive pipeline ${p} has active alerts`,
        MetricName: 'ActiveAlerts', Statistic: 'Maximum', Dimensions: pipe,
        Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2,
      });
      const lossSeconds = profile.alarms.inputLossSecondsPerMinute;
      // Both by ChannelId, Pipeline (pages above); no datapoints while the channel isn't running.
      add(ctx.region, 'missing', {
        ...common,
        AlarmName: alarmName(channelId, `input-loss-p${p}`),
        AlarmDescription: `OnAir ${channelId}: pipeline ${p} lost its input for ≥ ${lossSeconds} s in a minute`,
        ...(udpLoss
          ? { MetricName: 'InputLossSeconds', Statistic: 'Sum' as const, Threshold: lossSeconds }
          : { MetricName: 'FillMsec', Statistic: 'Maximum' as const, Threshold: lossSeconds * 1000 }),
        Dimensions: pipe, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1,
      });
      for (const code of ['4xx', '5xx'] as const) {
        // By OutputGroupName, ChannelId, Pipeline; zero while delivering over HTTP without errors, no
        // datapoints when not delivering or not running (MediaLive UG "Output metrics",
        // https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-output-metrics.html).
        add(ctx.region, 'missing', {
          ...common,
          AlarmName: alarmName(channelId, `output-${code}-${PACKAGER_DESTINATION_ID}-p${p}`),
          AlarmDescription: `OnAir ${channelId}: pipeline ${p} gets HTTP ${code} errors delivering output group ${PACKAGER_DESTINATION_ID}`,
          MetricName: code === '4xx' ? 'Output4xxErrors' : 'Output5xxErrors', Statistic: 'Sum',
          Dimensions: [{ Name: 'OutputGroupName', Value: PACKAGER_DESTINATION_ID }, { Name: 'ChannelId', Value: mlId }, { Name: 'Pipeline', Value: String(p) }],
          Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 3,
        });
      }
    }
  }

  // MediaPackage v1 (live) publishes EgressRequestCount by "Channel and StatusCodeRange" (MediaPackage
  // UG "live content metrics", https://docs.aws.amazon.com/mediapackage/latest/ug/metrics.html); no
  // requests in a period means no datapoint, so missing data is not a breach. MediaPackage v2 scopes
  // its metrics by ChannelGroup + Channel (+ OriginEndpoint) (AWS CDK aws-mediapackagev2-alpha,
  // aws/aws-cdk packages/@aws-cdk/aws-mediapackagev2-alpha/lib/channel.ts `metric()`), and no AWS
  // source documents StatusCodeRange with those: no v2 egress-5xx alarm until one does — the
  // stage's CloudFront 5xx alarm covers what viewers see.
  const pk = resources.packager;
  if (pk.kind === 'mediapackage-v1' && pk.channelId) {
    add(ctx.region, 'notBreaching', {
      AlarmName: alarmName(channelId, 'packager-egress-5xx'),
      AlarmDescription: `OnAir ${channelId}: MediaPackage answers viewers (through the CDN) with 5xx`,
      Namespace: 'AWS/MediaPackage', MetricName: 'EgressRequestCount', Statistic: 'Sum', Period: 60,
      Dimensions: [{ Name: 'Channel', Value: pk.channelId }, { Name: 'StatusCodeRange', Value: '5xx' }],
      Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2,
    });
  }

  if (resources.distributionId) {
    // Requests drive CloudFront's metrics: no viewers, no datapoint, no error.
    add(CLOUDFRONT_METRICS_REGION, 'notBreaching', {
      AlarmName: alarmName(channelId, 'cdn-5xx-rate'),
      AlarmDescription: `OnAir ${channelId}: CloudFront 5xx error rate ≥ ${profile.alarms.cdn5xxErrorRatePercent}%`,
      Namespace: 'AWS/CloudFront', MetricName: '5xxErrorRate', Statistic: 'Average', Period: 60, Unit: 'Percent',
      Dimensions: [{ Name: 'DistributionId', Value: resources.distributionId }, { Name: 'Region', Value: 'Global' }],
      Threshold: profile.alarms.cdn5xxErrorRatePercent, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2,
    });
  }
  return out;
}
