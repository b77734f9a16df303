/**
 * Every minute (serverless.yml schedule): catches what EventBridge never delivered — MediaLive
 * events are best effort. For each channel that is and should be ON_AIR: ListAlerts (SET) and
 * DescribeChannel feed the same decision as events do; timers whose execution was lost fire.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/logger';
import { flushMetricsMiddleware } from '../lib/metrics';
import { reconcileAll } from '../lib/recovery/reconcile';
import { deps } from './deps';

export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(flushMetricsMiddleware())
  .handler(async () => {
    const out = await reconcileAll(deps);
    logger.info('reconciled', { ...out });
    return out;
  });
