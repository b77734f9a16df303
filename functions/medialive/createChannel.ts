/**
 * Creates the MediaLive channel (RequestId makes a retry return the first attempt's channel); the only
 * function allowed to pass the MediaLive role. Returns the first poll of the wait for the channel to be
 * created, with `since` for the event-driven wait (functions/lib/waits.ts).
 */
import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { ensureChannel } from '../lib/medialive/operations';
import { channelInput, freshPolls, type PollResult } from '../lib/workflow';

export const handler = stepHandler('createChannel', channelInput, async ({ channelId }): Promise<PollResult & { medialiveChannelId: string }> => {
  const requestedAt = new Date().toISOString();
  const { medialiveChannelId, state } = await ensureChannel({ medialive, registry, config }, await registry.get(channelId));
  const first = freshPolls(['channelCreated']).channelCreated as PollResult;
  // A retried step finds its channel already created (IDLE or further): nothing to wait for.
  return { ...first, ready: state !== undefined && state !== 'CREATING', since: requestedAt, medialiveChannelId };
});
