/** The sweep state machine's CloudFront lister (functions/sweeper/lister.ts). */
import { cloudfront } from '../lib/clients/cloudfront';
import { listCloudFront } from '../lib/sweeper/list/cloudfront';
import { listerHandler } from './lister';

export const handler = listerHandler('sweepCloudFront', (config) => listCloudFront({ cloudfront, config }));
