/** GET /channels, GET /channels/{id}, GET /channels/{id}/events, GET /channels/{id}/broadcasts. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { httpApiHandler } from '../lib/api/lambda';
import { apiDeps } from '../lib/api/lambda-deps';
import type { ApiDeps } from '../lib/api/deps';
import { bindRoutes } from '../lib/api/routes';

// Alarm states (functions/lib/alarms/states.ts): a channel's alarms are in the stage's region and, for
// CloudFront, us-east-1. Only this Lambda reads CloudWatch, so only its bundle has the client.
const clients = new Map<string, CloudWatchClient>();
const cloudwatch = (region: string): CloudWatchClient => {
  let c = clients.get(region);
  if (!c) clients.set(region, c = new CloudWatchClient({ region }));
  return c;
};
// apiDeps as the prototype: its lazy getters (config read on first use) stay lazy. (setPrototypeOf,
// not Object.create: the IAM check derives calls by member name, and `create` would read as the
// registry's PutItem, which this read-only Lambda neither makes nor is granted.)
const deps = Object.setPrototypeOf({ cloudwatch }, apiDeps) as ApiDeps;

const r = bindRoutes(deps);
export const handler = httpApiHandler([r.listChannels, r.getChannel, r.channelEvents, r.listBroadcasts]);
