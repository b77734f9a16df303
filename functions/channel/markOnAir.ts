/**
 * The channel is watchable (or, when not started, ready): status ON_AIR / IDLE with the
 * playback URLs (CDN base + packager endpoint paths) and the time it went on air.
 */
import * as z from 'zod/mini';
import { registry } from '../lib/clients/dynamodb';
import { playbackUrls } from '../lib/cdn/playback';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

const input = z.extend(channelInput, { started: z.boolean() });

export const handler = stepHandler('markOnAir', input, async ({ channelId, started }) => {
  const record = await registry.get(channelId);
  const playback = playbackUrls(record);
  const status = started ? 'ON_AIR' as const : 'IDLE' as const;
  await registry.update(channelId, {
    status,
    desiredState: status,
    playback,
    ...(started ? { onAirAt: new Date().toISOString() } : {}),
  });
  return { status, playback };
});
