/** MediaPackage side: v2 channel group/channel/endpoints or v1 channel/endpoints + CDN secret. */
import { registry } from '../lib/clients/dynamodb';
import { mediapackage } from '../lib/clients/mediapackage';
import { mediapackagev2 } from '../lib/clients/mediapackagev2';
import { secretsmanager } from '../lib/clients/secretsmanager';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { ensurePackager } from '../lib/packager';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('createPackager', channelInput, async ({ channelId }) =>
  ensurePackager({ mediapackagev2, mediapackage, secretsmanager, registry, config }, await registry.get(channelId)));
