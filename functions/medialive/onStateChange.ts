/**
 * EventBridge target for `MediaLive Channel State Change` (rule in serverless.yml): records the
 * state the event reports for its pipeline (or the whole channel) on the channel record and wakes
 * a parked workflow wait whose goal is now met (functions/lib/waits.ts). A malformed, foreign or
 * stale event is logged and dropped (throwing would make EventBridge retry it); an AWS error is
 * thrown so the asynchronous invocation is retried — recording is idempotent per event.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { registry as defaultRegistry } from '../lib/clients/dynamodb';
import { sfn as defaultSfn } from '../lib/clients/sfn';
import { logger } from '../lib/logger';
import { parseOrIgnore } from '../lib/recovery/events';
import { channelForMediaLive, type ChannelRegistry } from '../lib/channel/registry';
import { CHANNEL_KEY, wakeIfDue, type WakeDeps } from '../lib/waits';

export interface StateChangeDeps extends WakeDeps {
  registry: Pick<ChannelRegistry, 'clearWait' | 'forgetDeletedMediaLiveChannel' | 'recordMediaLiveState' | 'findByMediaLiveChannelId'>;
}

export async function onStateChange(raw: unknown, d: StateChangeDeps = { sfn: defaultSfn, registry: defaultRegistry }): Promise<{ ignored: string } | { channelId: string; outcome: string }> {
  const parsed = parseOrIgnore(raw);
  if ('ignored' in parsed) return parsed;
  if (parsed.event.kind !== 'state' || !('medialiveChannelId' in parsed.target)) return { ignored: `not a state change (${parsed.event.kind})` };
  const channelId = await channelForMediaLive(d.registry, parsed.target.medialiveChannelId);
  if (!channelId) return { ignored: 'not an OnAir channel' };
  const e = parsed.event;
  const record = await d.registry.recordMediaLiveState(channelId, e.pipeline ?? CHANNEL_KEY, { state: e.state, at: e.at });
  if (!record) return { ignored: 'stale: a newer state is already recorded' };
  return { channelId, outcome: await wakeIfDue(d, record) };
}

export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const out = await onStateChange(event);
    if ('ignored' in out) logger.info('state change ignored', { reason: out.ignored });
    else logger.info('state change recorded', out);
    return out;
  });
