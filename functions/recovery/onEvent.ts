/**
 * EventBridge target for MediaLive channel alerts / state changes / input changes and OnAir's
 * CloudWatch alarm state changes (rules in serverless.yml). A malformed or foreign event is logged
 * and dropped — throwing would make EventBridge retry garbage; an AWS error is thrown, so the
 * asynchronous invocation is retried (the decision is idempotent per event id).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/logger';
import { flushMetricsMiddleware } from '../lib/metrics';
import { parseOrIgnore } from '../lib/recovery/events';
import { channelForMediaLive, processEvent, type Outcome } from '../lib/recovery/service';
import { deps } from './deps';

export async function onEvent(raw: unknown, d = deps): Promise<Outcome | { ignored: string }> {
  const parsed = parseOrIgnore(raw);
  if ('ignored' in parsed) return parsed;
  const channelId = 'channelId' in parsed.target ? parsed.target.channelId : await channelForMediaLive(d, parsed.target.medialiveChannelId);
  if (!channelId) return { ignored: 'not an OnAir channel' };
  logger.appendKeys({ channelId });
  return processEvent(d, channelId, parsed.event);
}

export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(flushMetricsMiddleware())
  .handler(async (event: unknown) => {
    const out = await onEvent(event);
    if ('ignored' in out) logger.warn('event ignored', { reason: out.ignored });
    else if (out.actions.length) logger.info('recovery acted', { actions: out.actions });
    return out;
  });
