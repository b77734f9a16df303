/** Starts the encoder; ChannelNotReadyError while a just-created channel cannot start yet (retried by the state machine). */
import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { startChannel } from '../lib/medialive/operations';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('startChannel', channelInput, async ({ channelId }) =>
  startChannel({ medialive, registry, config }, await registry.get(channelId)));
