/** The sweep state machine's MediaLive lister (functions/sweeper/lister.ts). */
import { medialive } from '../lib/clients/medialive';
import { listMediaLive } from '../lib/sweeper/list/medialive';
import { listerHandler } from './lister';

export const handler = listerHandler('sweepMediaLive', (config) => listMediaLive({ medialive, config }));
