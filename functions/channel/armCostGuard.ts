/**
 * Schedules the cost-guard stop when a channel goes ON_AIR and its profile sets
 * costGuard.maxOnAirMinutes. Two callers: the start workflow (a Task after MarkOnAir, input
 * `{channelId}`), and EventBridge for channels that went ON_AIR through provisioning (the
 * provision machine's `Step Functions Execution Status Change` SUCCEEDED event, whose detail
 * carries the execution input). EventBridge delivers at least once: arming is idempotent (the
 * schedule is keyed by channel and its time by onAirAt).
 */
// zod/mini (functional API): ~15 KB bundled, where classic zod is ~95 KB even tree-shaken.
import * as z from 'zod/mini';
import { armCostGuard } from '../lib/channel/lifecycle';
import { lifecycleDeps } from './deps';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

const executionSucceeded = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({ status: z.literal('SUCCEEDED'), input: z.string() }),
});

const input = z.pipe(z.transform((event: unknown) => {
  const parsed = executionSucceeded.safeParse(event);
  if (!parsed.success) return event;
  try {
    return { channelId: (JSON.parse(parsed.data.detail.input) as { channelId?: unknown }).channelId };
  } catch {
    return {};
  }
}), channelInput);

export const handler = stepHandler('armCostGuard', input, ({ channelId }) => armCostGuard(lifecycleDeps, channelId));
