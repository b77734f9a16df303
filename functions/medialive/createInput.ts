import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { ensureInput, ensureSlateInput } from '../lib/medialive/operations';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('createInput', channelInput, async ({ channelId }) => {
  const deps = { medialive, registry, config };
  const record = await registry.get(channelId);
  const input = await ensureInput(deps, record);
  // The slate (profile.recovery.slate) is an input too: created here, attached by createChannel.
  return { ...input, ...(await ensureSlateInput(deps, record)) };
});
