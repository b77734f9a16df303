import { creationClaims, medialive } from '../lib/clients/medialive';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { ensureSharedInputSecurityGroup } from '../lib/medialive/input-security-groups';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('createInputSecurityGroup', channelInput, async ({ channelId }) =>
  ensureSharedInputSecurityGroup({ medialive, registry, config, claims: creationClaims() }, await registry.get(channelId)));
