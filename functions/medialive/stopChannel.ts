/**
 * Stops the encoder (a no-op when it is already IDLE, stopping or gone) and reports the first
 * poll of the wait for IDLE, so a channel that never started goes straight on to deletion. The
 * poll carries `since` (when the stop was asked for) to the event-driven wait (functions/lib/waits.ts).
 */
import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { stopChannel } from '../lib/medialive/operations';
import { channelInput, nextPoll, type PollResult } from '../lib/workflow';

const STOPPED = new Set(['IDLE', 'DELETED', 'CREATE_FAILED', 'UPDATE_FAILED', 'DELETING']);

export const handler = stepHandler('stopChannel', channelInput, async ({ channelId }): Promise<PollResult> => {
  const { state, requestedAt } = await stopChannel({ medialive, registry, config }, await registry.get(channelId));
  return nextPoll('channelStopped', { attempt: 0, waited: 0, since: requestedAt }, STOPPED.has(state), state);
});
