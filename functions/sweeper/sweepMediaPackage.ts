/**
 * The sweep state machine's MediaPackage lister: v2 and v1, and Secrets Manager's secrets (only
 * MediaPackage v1's CDN authorization makes them) — one bundle within 400 KB (functions/sweeper/lister.ts).
 */
import { mediapackage } from '../lib/clients/mediapackage';
import { mediapackagev2 } from '../lib/clients/mediapackagev2';
import { secretsmanager } from '../lib/clients/secretsmanager';
import { listMediaPackage } from '../lib/sweeper/list/mediapackage';
import { listSecrets } from '../lib/sweeper/list/secrets';
import { listerHandler } from './lister';

export const handler = listerHandler('sweepMediaPackage', async (config) => [
  ...await listMediaPackage({ mediapackagev2, mediapackage, config }),
  ...await listSecrets({ secretsmanager, config }),
]);
