/**
 * Deletes MediaLive resources and reports it as a poll: MediaLive deletes channels and inputs
 * asynchronously (DELETING → DELETED), so the state machine calls again after a wait until AWS
 * confirms; only then is the id cleared from the registry. `channel`: the channel; `input`: the
 * inputs and then their security group (releaseInput: detach → delete → group released → delete).
 */
import * as z from 'zod/mini';
import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { deleteChannel, releaseInput } from '../lib/medialive/operations';
import { nextPoll, pollInput, previousOf, type PollName, type PollResult } from '../lib/workflow';

const input = z.extend(pollInput, { resource: z.enum(['channel', 'input']) });

const OPS = {
  channel: { remove: deleteChannel, poll: 'channelDeleted' },
  input: { remove: releaseInput, poll: 'inputReleased' },
} as const satisfies Record<string, { remove: unknown; poll: PollName }>;

export const handler = stepHandler('deleteMediaLive', input, async (req): Promise<PollResult> => {
  const { channelId, resource } = req;
  const previous = previousOf(req);
  const { remove, poll } = OPS[resource];
  const out = await remove({ medialive, registry, config }, await registry.get(channelId));
  return nextPoll(poll, previous, out.deleted, out.state ?? (out.deleted ? 'DELETED' : undefined));
});
