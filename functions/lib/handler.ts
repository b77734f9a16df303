import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { $ZodType, output } from 'zod/v4/core';
import { classifyAwsError } from './errors';
import { logger } from './logger';
import { parseOrThrow } from './validation';

/**
 * Wraps a Step Functions task: parse the input with its schema, run one domain function,
 * return plain data. AWS errors leave as AwsThrottledError / AwsTransientError (retried by
 * the state machine) or under their own name (caught by it); each is logged once, here.
 */
export function stepHandler<S extends $ZodType, O>(
  step: string,
  schema: S,
  run: (input: output<S>) => Promise<O>,
): middy.MiddyfiedHandler<unknown, O, Error, Context> {
  return middy<unknown, O, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: unknown) => {
      const input = parseOrThrow(schema, event, `${step} input`);
      const channelId = (input as { channelId?: unknown }).channelId;
      logger.appendKeys({ step, ...(typeof channelId === 'string' ? { channelId } : {}) });
      try {
        return await run(input);
      } catch (error) {
        const classified = classifyAwsError(error);
        logger.error(`${step} failed`, classified as Error);
        throw classified;
      }
    });
}
