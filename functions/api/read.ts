/** GET /channels, GET /channels/{id}, GET /channels/{id}/events, GET /channels/{id}/broadcasts. */
import { httpApiHandler } from '../lib/api/lambda';
import { apiDeps } from '../lib/api/lambda-deps';
import { bindRoutes } from '../lib/api/routes';

const r = bindRoutes(apiDeps);
export const handler = httpApiHandler([r.listChannels, r.getChannel, r.channelEvents, r.listBroadcasts]);
