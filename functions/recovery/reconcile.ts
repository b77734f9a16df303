/**
 * Every minute (serverless.yml schedule): catches what EventBridge never delivered — MediaLive
 * events are best effort. For each channel that is and should be ON_AIR it starts an observe
 * execution (ListAlerts SET + DescribeChannel in recoveryMediaLive, then the same decision as
 * events); timers whose execution was lost fire.
 *
 * It is also the fallback decider of the recover and observe state machines: given a decider's input
 * (a timer, an action's result, an observation) because recoveryTimer failed on it after its
 * retries, it decides in its place — the safety net keeps recovery going while recoveryTimer is down.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { stepHandler } from '../lib/handler';
import { logger } from '../lib/logger';
import { flushMetricsMiddleware } from '../lib/metrics';
import { deciderExecution, isDeciderInput, recoveryTimer, recoveryTimerInput } from '../lib/recovery/decider';
import { reconcileAll } from '../lib/recovery/reconcile';
import { deps } from './deps';

const reconcile = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(flushMetricsMiddleware())
  .handler(async () => {
    const out = await reconcileAll(deps);
    logger.info('reconciled', { ...out });
    return out;
  });

const decideInstead = stepHandler('recoveryReconcile', recoveryTimerInput, (input) => recoveryTimer(input, deps), { execution: deciderExecution });

export const handler = async (event: unknown, context: Context): Promise<unknown> =>
  (isDeciderInput(event) ? decideInstead(event, context) : reconcile(event, context));
