/**
 * First state of the start and stop workflows: takes the channel's lock for this execution
 * (the API took it already when it started the execution; a schedule did not). Already in the
 * target status → `next: done` and the workflow ends without touching MediaLive. (A string, not a
 * boolean: aws-local-stepfunctions, which runs these machines locally, treats a `false` value as
 * a missing path in Choice rules.)
 */
// zod/mini (functional API): ~15 KB bundled, where classic zod is ~95 KB even tree-shaken.
import * as z from 'zod/mini';
import { acquire } from '../lib/channel/lock';
import { ddb } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { channelIdSchema } from '../lib/ids';
import { recordMetric } from '../lib/metrics';
import { freshPolls } from '../lib/workflow';

const input = z.object({
  workflow: z.enum(['start', 'stop']),
  request: z.object({
    channelId: channelIdSchema,
    /** api, broadcast, cost-guard or recovery (input-loss auto-stop, announced by recovery itself): who asked (the stop announces a cost-guard stop on SNS first). */
    reason: z._default(z.enum(['api', 'broadcast', 'cost-guard', 'recovery']), 'api'),
    broadcastId: z.optional(z.string().check(z.maxLength(40))),
  }),
  execution: z.object({ arn: z.string().check(z.minLength(1)), startedAt: z.string().check(z.minLength(1)) }),
});

export const handler = stepHandler('acquire', input, async ({ workflow, request, execution }) => {
  const taken = await acquire({ ddb, tableName: config.channelsTable, now: () => new Date() }, request.channelId, workflow, { workflow, ...execution });
  // The cost guard's schedule stops a channel that is on air (not one already stopped).
  if (workflow === 'stop' && request.reason === 'cost-guard' && taken.outcome === 'acquired') {
    recordMetric('CostGuardStops', 1, { profile: taken.record.profileName });
  }
  return {
    channelId: request.channelId,
    reason: request.reason,
    next: taken.outcome === 'acquired' ? 'proceed' as const : 'done' as const,
    status: taken.record.status,
    polls: freshPolls(workflow === 'start' ? ['channelRunning', 'playback'] : ['channelStopped']),
  };
});
