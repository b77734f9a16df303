/**
 * recoveryMediaLive: recovery's MediaLive calls, as a task of the recover and observe state machines
 * (statemachines/recover.asl.yml, observe.asl.yml). The only recovery function with the MediaLive
 * client (functions/lib/recovery/medialive.ts says why). Registry-free: its input carries the
 * MediaLive channel id.
 *  - `act`: SWITCH_INPUT / RESTART → {ok, detail} (a refusal is a result; throttling and transient
 *    faults are thrown, so the state machine retries the task);
 *  - `observe`: DescribeChannel (+ ListAlerts SET with `alerts`) → {observation, setAlerts}.
 */
import * as z from 'zod/mini';
import { medialive } from '../lib/clients/medialive';
import { stepHandler } from '../lib/handler';
import { channelIdSchema } from '../lib/ids';
import { observeChannel, observeWithAlerts, runMediaLiveAction, type MediaLiveDeps } from '../lib/recovery/medialive';

export const mediaLiveDeps: MediaLiveDeps & { now: () => Date } = { medialive, now: () => new Date() };

const common = {
  channelId: channelIdSchema,
  medialiveChannelId: z.string().check(z.regex(/^[0-9A-Za-z]{1,64}$/, 'a MediaLive channel id')),
  execution: z.optional(z.object({ arn: z.string() })),
};

const spec = z.union([
  z.object({ type: z.literal('SWITCH_INPUT'), to: z.enum(['primary', 'backup', 'slate']) }),
  z.object({ type: z.literal('RESTART'), pipelines: z.array(z.string().check(z.regex(/^[0-9]$/))) }),
]);

export const medialiveInput = z.union([
  z.object({ op: z.literal('act'), ...common, actionId: z.string().check(z.regex(/^r[0-9]{1,9}$/)), spec }),
  z.object({ op: z.literal('observe'), ...common, alerts: z.optional(z.boolean()) }),
]);

export async function recoveryMediaLive(input: z.output<typeof medialiveInput>, d = mediaLiveDeps) {
  if (input.op === 'act') return runMediaLiveAction(d, input.medialiveChannelId, input.actionId, input.spec);
  if (input.alerts) return observeWithAlerts(d, input.medialiveChannelId, d.now());
  return { observation: await observeChannel(d, input.medialiveChannelId) };
}

export const handler = stepHandler('recoveryMediaLive', medialiveInput, (input) => recoveryMediaLive(input));
