/** Human-readable SNS notices of the start/stop workflows (stopped, failures, cost guard acting). */
// zod/mini (functional API): ~15 KB bundled, where classic zod is ~95 KB even tree-shaken.
import * as z from 'zod/mini';
import { LIFECYCLE_EVENTS, publishLifecycleNotice } from '../lib/api/lifecycle';
import type { LifecycleRecord } from '../lib/api/broadcasts';
import { registry } from '../lib/clients/dynamodb';
import { sns } from '../lib/clients/sns';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

const input = z.extend(channelInput, { event: z.enum(LIFECYCLE_EVENTS) });

export const handler = stepHandler('lifecycleNotify', input, async ({ channelId, event }) =>
  publishLifecycleNotice({ sns, topicArn: config.notificationsTopicArn, stage: config.stage }, event, (await registry.get(channelId)) as LifecycleRecord));
