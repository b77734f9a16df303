/**
 * Publishes the human-readable notice for a workflow outcome, for every workflow: provisioning and
 * teardown (functions/lib/notify.ts), start/stop and the cost guard (functions/lib/channel/
 * lifecycle.ts), or a request refused before it touched anything (from the Catch's error, not the
 * registry).
 */
// zod/mini (functional API): ~15 KB bundled, where classic zod is ~95 KB even tree-shaken.
import * as z from 'zod/mini';
import { LIFECYCLE_EVENTS, publishLifecycleNotice } from '../lib/channel/lifecycle';
import { registry } from '../lib/clients/dynamodb';
import { sns } from '../lib/clients/sns';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { NOTIFICATION_EVENTS, publishNotification, publishRefusal, refusalInput } from '../lib/notify';
import { channelInput } from '../lib/workflow';

const input = z.union([
  z.extend(channelInput, { event: z.enum(NOTIFICATION_EVENTS) }),
  z.extend(channelInput, { event: z.enum(LIFECYCLE_EVENTS) }),
  refusalInput,
]);
const isLifecycleEvent = (e: string): e is (typeof LIFECYCLE_EVENTS)[number] => (LIFECYCLE_EVENTS as readonly string[]).includes(e);

export const handler = stepHandler('notify', input, async (request) => {
  const deps = { sns, topicArn: config.notificationsTopicArn, stage: config.stage };
  // A refusal is not kept on a record: there may be none, or it belongs to the live channel the refused
  // request collided with.
  if ('error' in request) return publishRefusal(deps, request.event, request.channelId, request.error, request.execution);
  const record = await registry.get(request.channelId);
  // With the registry, the notice is also kept on the channel's record (GET /channels/{id} notices).
  const keeping = { ...deps, registry };
  if (isLifecycleEvent(request.event)) return publishLifecycleNotice(keeping, request.event, record);
  return publishNotification(keeping, request.event, record, config.stage);
});
