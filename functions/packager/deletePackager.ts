/** Deletes the packager: endpoints → channel → v2 group OnAir created (or v1 CDN secret); NotFound = done. */
import { registry } from '../lib/clients/dynamodb';
import { mediapackage } from '../lib/clients/mediapackage';
import { mediapackagev2 } from '../lib/clients/mediapackagev2';
import { secretsmanager } from '../lib/clients/secretsmanager';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { deletePackager } from '../lib/packager';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('deletePackager', channelInput, async ({ channelId }) =>
  deletePackager({ mediapackagev2, mediapackage, secretsmanager, registry, config }, await registry.get(channelId)));
