/**
 * Human-readable SNS notices of the start/stop workflows (stopped, failures, cost guard acting,
 * and a start or stop refused before it touched anything).
 */
// zod/mini (functional API): ~15 KB bundled, where classic zod is ~95 KB even tree-shaken.
import * as z from 'zod/mini';
import { LIFECYCLE_EVENTS, publishLifecycleNotice } from '../lib/channel/lifecycle';
import { registry } from '../lib/clients/dynamodb';
import { sns } from '../lib/clients/sns';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { publishRefusal, refusalInput } from '../lib/notify';
import { channelInput } from '../lib/workflow';

const input = z.union([z.extend(channelInput, { event: z.enum(LIFECYCLE_EVENTS) }), refusalInput]);

export const handler = stepHandler('lifecycleNotify', input, async (request) => {
  const deps = { sns, topicArn: config.notificationsTopicArn, stage: config.stage };
  if ('error' in request) return publishRefusal(deps, request.event, request.channelId, request.error);
  return publishLifecycleNotice(deps, request.event, await registry.get(request.channelId));
});
