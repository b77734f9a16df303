/**
 * Parks a workflow's wait on MediaLive (a `.waitForTaskToken` task): stores the task token on the
 * channel record and, when the events recorded so far already meet the goal (they can arrive before
 * the token), wakes the task at once. Otherwise the task stays parked until functions/medialive/
 * onStateChange.ts wakes it or its TimeoutSeconds (the safety-net look) expires. See functions/lib/waits.ts.
 */
import * as z from 'zod/mini';
import { registry } from '../lib/clients/dynamodb';
import { sfn } from '../lib/clients/sfn';
import { stepHandler } from '../lib/handler';
import { wakeIfDue } from '../lib/waits';
import { channelInput, EVENT_WAITS } from '../lib/workflow';

const input = z.extend(channelInput, {
  wait: z.enum(EVENT_WAITS),
  // Step Functions task tokens are at most 2,048 characters (SendTaskSuccess's taskToken constraint).
  taskToken: z.string().check(z.minLength(1), z.maxLength(2048)),
});

export const handler = stepHandler('parkWait', input, async ({ channelId, wait, taskToken }) => {
  const record = await registry.parkWait(channelId, { name: wait, token: taskToken });
  return { parked: wait, outcome: await wakeIfDue({ sfn, registry }, record) };
});
