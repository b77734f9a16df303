/**
 * Starts the encoder; ChannelNotReadyError while a just-created channel cannot start yet (retried by
 * the state machine). Returns the first poll of the wait for RUNNING, carrying `since` (when the
 * start was asked for) to the event-driven wait (functions/lib/waits.ts).
 */
import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { startChannel } from '../lib/medialive/operations';
import { channelInput, freshPolls, type PollResult } from '../lib/workflow';

export const handler = stepHandler('startChannel', channelInput, async ({ channelId }): Promise<PollResult & { startState: string }> => {
  const { state, requestedAt } = await startChannel({ medialive, registry, config }, await registry.get(channelId));
  const first = freshPolls(['channelRunning']).channelRunning as PollResult;
  return { ...first, since: requestedAt, startState: state };
});
