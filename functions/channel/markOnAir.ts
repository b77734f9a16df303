/**
 * The channel is watchable (or, when not started, ready): status ON_AIR / IDLE with the
 * playback URLs (CDN base + packager endpoint paths) and the time it went on air.
 */
import * as z from 'zod/mini';
import { registry } from '../lib/clients/dynamodb';
import { playbackUrls } from '../lib/cdn/playback';
import { stepHandler } from '../lib/handler';
import { recordMetric, secondsSince } from '../lib/metrics';
import { channelInput } from '../lib/workflow';

const input = z.extend(channelInput, { started: z.boolean() });

export const handler = stepHandler('markOnAir', input, async ({ channelId, started }) => {
  const record = await registry.get(channelId);
  const playback = playbackUrls(record);
  const status = started ? 'ON_AIR' as const : 'IDLE' as const;
  const now = new Date();
  await registry.update(channelId, {
    status,
    desiredState: status,
    playback,
    ...(started ? { onAirAt: now.toISOString() } : {}),
  });
  // The provision's outcome, counted once: a retried task finds the status already written. (The start
  // workflow's MarkOnAir is not a provision; its record names a `start` execution.)
  if (record.execution?.workflow === 'provision' && record.status !== status) {
    recordMetric('ProvisionsSucceeded', 1, { profile: record.profileName });
    if (started) recordMetric('TimeToOnAir', secondsSince(record.execution.startedAt, now) ?? Number.NaN, { profile: record.profileName });
  }
  return { status, playback };
});
