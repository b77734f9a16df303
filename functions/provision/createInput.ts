import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { ensureInput } from '../lib/medialive/operations';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('createInput', channelInput, async ({ channelId }) =>
  ensureInput({ medialive, registry, config }, await registry.get(channelId)));
