/**
 * Binds each route of the schema table to its domain function. The Lambda handlers and the
 * local API serve these same bindings.
 */
import type { ApiDeps } from './deps';
import { bind, type BoundRoute } from './http';
import { routes, type RouteId } from './schemas';
import {
  channelEvents, createChannel, deleteChannel, getChannel, listChannels, startChannel, stopChannel,
  type LifecycleOutcome,
} from './channels';
import { cancelBroadcast, createBroadcast, listBroadcasts, rescheduleBroadcast } from '../channel/broadcasts';
import { createPlannedBroadcast } from './planned';

const outcome = (o: LifecycleOutcome) =>
  'accepted' in o ? { status: 202, body: o.accepted, location: o.accepted.location } : { status: 200, body: o.current };

export function bindRoutes(deps: ApiDeps): Record<RouteId, BoundRoute> {
  return {
    createChannel: bind(routes.createChannel, async ({ body, headers }) => {
      const accepted = await createChannel(deps, body, headers['idempotency-key']);
      return { status: 202, body: accepted, location: accepted.location };
    }),
    listChannels: bind(routes.listChannels, async ({ query }) => ({ status: 200, body: await listChannels(deps, query) })),
    getChannel: bind(routes.getChannel, async ({ params }) => ({ status: 200, body: await getChannel(deps, params.id) })),
    channelEvents: bind(routes.channelEvents, async ({ params }) => ({ status: 200, body: await channelEvents(deps, params.id) })),
    startChannel: bind(routes.startChannel, async ({ params }) => outcome(await startChannel(deps, params.id))),
    stopChannel: bind(routes.stopChannel, async ({ params }) => outcome(await stopChannel(deps, params.id))),
    deleteChannel: bind(routes.deleteChannel, async ({ params }) => outcome(await deleteChannel(deps, params.id))),
    createBroadcast: bind(routes.createBroadcast, async ({ params, body }) => {
      const b = await createBroadcast(deps, params.id, body);
      return { status: 201, body: b, location: `/channels/${params.id}/broadcasts` };
    }),
    listBroadcasts: bind(routes.listBroadcasts, async ({ params }) => ({ status: 200, body: { items: await listBroadcasts(deps, params.id) } })),
    rescheduleBroadcast: bind(routes.rescheduleBroadcast, async ({ params, body }) => ({
      status: 200, body: await rescheduleBroadcast(deps, params.id, params.broadcastId, body),
    })),
    cancelBroadcast: bind(routes.cancelBroadcast, async ({ params }) => {
      await cancelBroadcast(deps, params.id, params.broadcastId);
      return { status: 204 };
    }),
    createPlannedBroadcast: bind(routes.createPlannedBroadcast, async ({ body, headers }) => {
      const planned = await createPlannedBroadcast(deps, body, headers['idempotency-key']);
      return { status: 201, body: planned, location: planned.location };
    }),
  };
}
