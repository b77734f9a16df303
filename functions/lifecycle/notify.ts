/** Human-readable SNS notices of the start/stop workflows (stopped, failures, cost guard acting). */
// Namespace import: it lets esbuild drop zod's unused parts (its locales alone are ~270 KB).
import * as z from 'zod';
import { LIFECYCLE_EVENTS, publishLifecycleNotice } from '../lib/api/lifecycle';
import type { LifecycleRecord } from '../lib/api/broadcasts';
import { registry } from '../lib/clients/dynamodb';
import { sns } from '../lib/clients/sns';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

const input = channelInput.extend({ event: z.enum(LIFECYCLE_EVENTS) });

export const handler = stepHandler('lifecycleNotify', input, async ({ channelId, event }) =>
  publishLifecycleNotice({ sns, topicArn: config.notificationsTopicArn, stage: config.stage }, event, (await registry.get(channelId)) as LifecycleRecord));
