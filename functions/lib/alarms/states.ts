/**
 * What the channels' CloudWatch alarms say now, for the API's reads (GET /channels/{id}, GET
 * /channels). Only the CloudWatch client: the read Lambda bundles this, not the alarm builders.
 *
 * Requests are few on purpose (DescribeAlarms has a low per-account rate, "CloudWatch service quotas",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html):
 * - one channel: DescribeAlarms by AlarmNames, one call per region per 100 names ("AlarmNames … Maximum
 *   number of 100 items", DescribeAlarms API reference,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html);
 * - a page of channels: DescribeAlarms with StateValue ALARM and the names' common prefix, one call per
 *   region (paged by NextToken), matched against each channel's recorded names.
 * A region CloudWatch does not answer for is reported as such (state UNKNOWN, or no count), never as OK.
 */
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { resourceName } from '../ids';

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA', 'UNKNOWN'] as const;
export type AlarmStateValue = (typeof ALARM_STATES)[number];

export interface AlarmState {
  name: string;
  region: string;
  /** UNKNOWN: CloudWatch could not be read (reason says why) or has no such alarm. */
  state: AlarmStateValue;
  reason?: string;
  /** When the alarm last changed state. */
  since?: string;
}

/** A CloudWatch client in a region (a channel's alarms are in its region and, for CloudFront, us-east-1). */
export type CloudWatchIn = (region: string) => CloudWatchClient;

/** Every alarm OnAir creates is named `onair-<channel>-alarm-…` (alarms/builders.ts alarmName). */
const ALARM_NAME_PREFIX = resourceName('');

function chunks<T>(items: T[], size = 100): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const unreadable = (error: unknown): string => {
  const e = error as { name?: string; message?: string };
  return `CloudWatch could not be read: ${e.name ?? 'Error'}${e.message ? `: ${e.message}` : ''}`.slice(0, 300);
};

/** The state of each alarm a channel has recorded (`resources.alarms`: names by region), in that order. */
export async function alarmStates(cw: CloudWatchIn, alarms: Record<string, string[]>): Promise<AlarmState[]> {
  const perRegion = await Promise.all(Object.entries(alarms).filter(([, names]) => names.length > 0).map(async ([region, names]) => {
    const found = new Map<string, AlarmState>();
    let failure: string | undefined;
    try {
      for (const batch of chunks(names)) {
        const out = await cw(region).send(new DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm'], MaxRecords: 100 }));
        for (const a of out.MetricAlarms ?? []) {
          if (!a.AlarmName) continue;
          found.set(a.AlarmName, {
            name: a.AlarmName, region, state: a.StateValue ?? 'UNKNOWN',
            ...(a.StateReason ? { reason: a.StateReason.slice(0, 300) } : {}),
            ...(a.StateUpdatedTimestamp ? { since: new Date(a.StateUpdatedTimestamp).toISOString() } : {}),
          });
        }
      }
    } catch (error) {
      failure = unreadable(error);
    }
    return names.map((name): AlarmState => found.get(name)
      ?? { name, region, state: 'UNKNOWN', reason: failure ?? 'CloudWatch has no alarm of this name (not created yet, or deleted)' });
  }));
  return perRegion.flat();
}

/**
 * How many of each channel's recorded alarms are in ALARM: one DescribeAlarms (StateValue ALARM) per
 * region the channels have alarms in. A channel with alarms in a region CloudWatch did not answer for
 * is left out of the map (its count is unknown).
 */
export async function alarmsInAlarm(cw: CloudWatchIn, channels: { channelId: string; alarms: Record<string, string[]> }[]): Promise<Map<string, number>> {
  const regions = [...new Set(channels.flatMap((c) => Object.entries(c.alarms).filter(([, n]) => n.length > 0).map(([r]) => r)))];
  const alarming = new Map<string, Set<string> | undefined>();
  await Promise.all(regions.map(async (region) => {
    try {
      const names = new Set<string>();
      let token: string | undefined;
      do {
        const out = await cw(region).send(new DescribeAlarmsCommand({
          AlarmNamePrefix: ALARM_NAME_PREFIX, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm'], MaxRecords: 100, ...(token ? { NextToken: token } : {}),
        }));
        for (const a of out.MetricAlarms ?? []) if (a.AlarmName) names.add(a.AlarmName);
        token = out.NextToken;
      } while (token);
      alarming.set(region, names);
    } catch {
      alarming.set(region, undefined);
    }
  }));
  const counts = new Map<string, number>();
  for (const c of channels) {
    let n = 0;
    let known = true;
    for (const [region, names] of Object.entries(c.alarms)) {
      if (names.length === 0) continue;
      const set = alarming.get(region);
      if (!set) { known = false; break; }
      n += names.filter((name) => set.has(name)).length;
    }
    if (known) counts.set(c.channelId, n);
  }
  return counts;
}
