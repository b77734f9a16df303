/** Publishes the human-readable notice for a workflow outcome (functions/lib/notify.ts). */
import * as z from 'zod/mini';
import { registry } from '../lib/clients/dynamodb';
import { sns } from '../lib/clients/sns';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { NOTIFICATION_EVENTS, publishNotification } from '../lib/notify';
import { channelInput } from '../lib/workflow';

const input = z.extend(channelInput, { event: z.enum(NOTIFICATION_EVENTS) });

export const handler = stepHandler('notify', input, async ({ channelId, event }) => {
  const record = await registry.get(channelId);
  return publishNotification({ sns, topicArn: config.notificationsTopicArn }, event, record, config.stage);
});
