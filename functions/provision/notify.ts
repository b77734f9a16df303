/**
 * Publishes the human-readable notice for a workflow outcome (functions/lib/notify.ts), or for a
 * provisioning refused before any record existed (from the Catch's error, not the registry).
 */
import * as z from 'zod/mini';
import { registry } from '../lib/clients/dynamodb';
import { sns } from '../lib/clients/sns';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { NOTIFICATION_EVENTS, publishNotification, publishRefusal, refusalInput } from '../lib/notify';
import { channelInput } from '../lib/workflow';

const input = z.union([z.extend(channelInput, { event: z.enum(NOTIFICATION_EVENTS) }), refusalInput]);

export const handler = stepHandler('notify', input, async (request) => {
  if ('error' in request) return publishRefusal({ sns, topicArn: config.notificationsTopicArn, stage: config.stage }, request.event, request.channelId, request.error);
  const record = await registry.get(request.channelId);
  return publishNotification({ sns, topicArn: config.notificationsTopicArn }, request.event, record, config.stage);
});
