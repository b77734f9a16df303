import { medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { ensureInputSecurityGroup } from '../lib/medialive/input-security-groups';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('createInputSecurityGroup', channelInput, async ({ channelId }) =>
  ensureInputSecurityGroup({ medialive, registry, config }, await registry.get(channelId)));
