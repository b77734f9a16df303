import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { $ZodType, output } from 'zod/v4/core';
import { classifyAwsError } from './errors';
import { appendExecution, beginCorrelation, logger } from './logger';
import { flushMetricsMiddleware } from './metrics';
import { parseOrThrow } from './validation';

export interface StepOptions<I> {
  /**
   * The execution this step runs in, when its input says so in another form than `execution.arn`
   * (a recover timer's execution name derives from its input). Default: `execution.arn` of the
   * input, else the execution holding the channel's lock, read from its record.
   */
  execution?: (input: I) => { arn?: string; name?: string } | undefined;
}

/** `channelId` of a task input: at the top, or in `request` (the first step of each workflow). */
function channelIdOf(input: unknown): string | undefined {
  const i = input as { channelId?: unknown; request?: { channelId?: unknown } } | undefined;
  const id = i?.channelId ?? i?.request?.channelId;
  return typeof id === 'string' ? id : undefined;
}

/** `execution.arn` of a task input (`$$.Execution.Id`, given to the first step of each workflow). */
function executionOf(input: unknown): { arn: string } | undefined {
  const arn = (input as { execution?: { arn?: unknown } } | undefined)?.execution?.arn;
  return typeof arn === 'string' ? { arn } : undefined;
}

/**
 * Wraps a Step Functions task: parse the input with its schema, run one domain function,
 * return plain data. AWS errors leave as AwsThrottledError / AwsTransientError (retried by
 * the state machine) or under their own name (caught by it); each is logged once, here.
 * Every log line of the step carries `step`, `channelId` and the execution (`executionName`,
 * `executionArn`); the metrics it recorded are flushed when it ends (functions/lib/metrics.ts).
 */
export function stepHandler<S extends $ZodType, O>(
  step: string,
  schema: S,
  run: (input: output<S>) => Promise<O>,
  options: StepOptions<output<S>> = {},
): middy.MiddyfiedHandler<unknown, O, Error, Context> {
  return middy<unknown, O, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetricsMiddleware())
    .handler(async (event: unknown) => {
      beginCorrelation();
      const input = parseOrThrow(schema, event, `${step} input`);
      const channelId = channelIdOf(input);
      logger.appendKeys({ step, ...(channelId ? { channelId } : {}) });
      const given = options.execution ? options.execution(input) : executionOf(input);
      if (given) appendExecution(given);
      else if (channelId) beginCorrelation(channelId);
      try {
        return await run(input);
      } catch (error) {
        const classified = classifyAwsError(error);
        logger.error(`${step} failed`, classified as Error);
        throw classified;
      }
    });
}
