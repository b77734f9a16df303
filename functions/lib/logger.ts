import { Logger } from '@aws-lambda-powertools/logger';
import { executionNameOf } from './ids';

/**
 * The one structured logger. Handlers append the keys a reader searches by at the boundary:
 * workflow steps `step`, `channelId`, `executionName` and `executionArn` (functions/lib/handler.ts),
 * the HTTP API `requestId`, `route` and `channelId` (functions/lib/api/lambda.ts).
 */
export const logger = new Logger({ serviceName: 'onair' });

/** Set by a workflow step that was not given its execution: the channel whose record names it. */
let pendingChannel: string | undefined;

/** Puts the execution on every later log line of this invocation. */
export function appendExecution(execution: { arn?: string; name?: string }): void {
  const name = execution.name ?? (execution.arn ? executionNameOf(execution.arn) : undefined);
  if (!name) return;
  pendingChannel = undefined;
  logger.appendKeys({ executionName: name, ...(execution.arn ? { executionArn: execution.arn } : {}) });
}

/**
 * A workflow step starts. `fromRecordOf`: the step's input
 * does not name its execution, so take it from the first read of this channel's record — the
 * execution that holds the channel's lock (functions/lib/channel/lock.ts) is the one running the
 * step. Step Functions passes a task nothing but its Parameters, and the state machines pass
 * `$$.Execution.Id` only to the first step of each workflow.
 */
export function beginCorrelation(fromRecordOf?: string): void {
  pendingChannel = fromRecordOf;
}

/** The registry's read hook (functions/lib/clients/dynamodb.ts): see {@link beginCorrelation}. */
export function noteRecordRead(record: { channelId: string; execution?: { arn: string } }): void {
  if (pendingChannel === undefined || record.channelId !== pendingChannel || !record.execution?.arn) return;
  appendExecution({ arn: record.execution.arn });
}
