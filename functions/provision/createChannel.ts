/** Creates the MediaLive channel (RequestId makes a retry return the first attempt's channel); the only function allowed to pass the MediaLive role. */
import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { ensureChannel } from '../lib/medialive/operations';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('createChannel', channelInput, async ({ channelId }) =>
  ensureChannel({ medialive, registry, config }, await registry.get(channelId)));
