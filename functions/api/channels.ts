/** POST /channels, POST /channels/{id}/start|stop, DELETE /channels/{id}. */
import { httpApiHandler } from '../lib/api/lambda';
import { apiDeps } from '../lib/api/lambda-deps';
import { bindRoutes } from '../lib/api/routes';

const r = bindRoutes(apiDeps);
export const handler = httpApiHandler([r.createChannel, r.startChannel, r.stopChannel, r.deleteChannel]);
