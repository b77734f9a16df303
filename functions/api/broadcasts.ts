/** POST /channels/{id}/broadcasts, PUT|DELETE /channels/{id}/broadcasts/{broadcastId}, POST /broadcasts. */
import { httpApiHandler } from '../lib/api/lambda';
import { apiDeps } from '../lib/api/lambda-deps';
import { bindRoutes } from '../lib/api/routes';

const r = bindRoutes(apiDeps);
export const handler = httpApiHandler([r.createBroadcast, r.rescheduleBroadcast, r.cancelBroadcast, r.createPlannedBroadcast]);
