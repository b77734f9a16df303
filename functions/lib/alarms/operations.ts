/**
 * CloudWatch alarm operations.
 *
 * API (stable):
 *   ensureAlarms(deps, record) → { alarms: Record<region, string[]> }
 *       PutMetricAlarm is an upsert, so a retry simply puts again. Names are recorded in
 *       resources.alarms[region] BEFORE the puts: a crash between put and record can then never
 *       leave an alarm the registry does not know (deleting a name that was never created is a no-op).
 *   deleteAlarms(deps, record) → { deleted: number }   (only the alarms that exist; ids cleared per region)
 */
import { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Config } from '../config';
import { isNotFound } from '../errors';
import type { ChannelRecord, ChannelRegistry } from '../channel/registry';
import { buildAlarmRequests, CLOUDFRONT_METRICS_REGION } from './builders';

export interface AlarmDeps {
  /** Client in the channel's region. */
  cloudwatch: CloudWatchClient;
  /** Client in us-east-1 (CloudFront metrics). */
  cloudwatchUsEast1: CloudWatchClient;
  registry: Pick<ChannelRegistry, 'recordResource' | 'update'>;
  config: Pick<Config, 'stage' | 'region' | 'notificationsTopicArn'>;
}

function clientFor(deps: AlarmDeps, region: string): CloudWatchClient {
  if (region === deps.config.region) return deps.cloudwatch;
  if (region === CLOUDFRONT_METRICS_REGION) return deps.cloudwatchUsEast1;
  throw new Error(`No CloudWatch client for region ${region}`);
}

/** DeleteAlarms and DescribeAlarms take at most 100 names per call. */
function chunks<T>(items: T[], size = 100): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function ensureAlarms(deps: AlarmDeps, record: ChannelRecord): Promise<{ alarms: Record<string, string[]> }> {
  const { config } = deps;
  const byRegion = buildAlarmRequests(record, { stage: config.stage, region: config.region, notificationsTopicArn: config.notificationsTopicArn });
  const alarms: Record<string, string[]> = {};
  for (const [region, requests] of Object.entries(byRegion)) {
    const names = [...new Set([...(record.resources.alarms[region] ?? []), ...requests.map((r) => r.AlarmName as string)])];
    await deps.registry.recordResource(record.channelId, ['alarms', region], names);
    const cw = clientFor(deps, region);
    for (const request of requests) await cw.send(new PutMetricAlarmCommand(request));
    alarms[region] = names;
  }
  return { alarms };
}

export async function deleteAlarms(deps: AlarmDeps, record: ChannelRecord): Promise<{ deleted: number }> {
  let deleted = 0;
  for (const [region, names] of Object.entries(record.resources.alarms)) {
    if (names.length > 0) {
      const cw = clientFor(deps, region);
      for (const batch of chunks(names)) {
        // DeleteAlarms fails the whole call on an unknown name: delete only what exists.
        const found = await cw.send(new DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm'], MaxRecords: 100 }));
        const existing = (found.MetricAlarms ?? []).map((a) => a.AlarmName).filter((n): n is string => !!n);
        if (existing.length === 0) continue;
        try {
          await cw.send(new DeleteAlarmsCommand({ AlarmNames: existing }));
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        deleted += existing.length;
      }
    }
    await deps.registry.recordResource(record.channelId, ['alarms', region], undefined);
  }
  return { deleted };
}
