/**
 * Task of statemachines/recover.asl.yml: a debounce/hold/verify/retry timer came due. Verify timers
 * bring what DescribeChannel says now, so the decision can tell a working restart from a failed one.
 */
import * as z from 'zod/mini';
import { stepHandler } from '../lib/handler';
import { channelIdSchema } from '../lib/ids';
import { observeChannel, timerExecutionName } from '../lib/recovery/actions';
import { processEvent } from '../lib/recovery/service';
import { deps } from './deps';

export const timerInput = z.object({
  channelId: channelIdSchema,
  key: z.string().check(z.regex(/^(debounce|hold|verify|retry):[a-z0-9-]{1,32}$/)),
  dueAt: z.string().check(z.refine((t) => !Number.isNaN(Date.parse(t)), 'an ISO 8601 time')),
});

export async function onTimer(input: z.output<typeof timerInput>, d = deps) {
  const record = await d.registry.find(input.channelId);
  if (!record || record.recovery?.timers[input.key] !== input.dueAt) return { channelId: input.channelId, stale: true };
  const observation = input.key.startsWith('verify:') ? await observeChannel(d, record) : undefined;
  const out = await processEvent(d, input.channelId, {
    kind: 'timer', eventId: `timer-${input.key}-${input.dueAt}`, at: d.now().toISOString(), key: input.key, dueAt: input.dueAt,
    ...(observation ? { observation } : {}),
  });
  return { channelId: input.channelId, stale: false, actions: out.actions.map((a) => `${a.actionId} ${a.type} ${a.ok ? 'ok' : 'FAILED'}`) };
}

// This task runs in the timer's own recover execution, named after the timer (armTimer), not in the
// workflow that holds the channel.
export const handler = stepHandler('recoveryTimer', timerInput, (input) => onTimer(input), {
  execution: (input) => ({ name: timerExecutionName(input.channelId, { key: input.key, dueAt: input.dueAt }) }),
});
