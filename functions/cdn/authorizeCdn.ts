/**
 * The packager's permission for the channel's own distribution to read the origin, after the
 * distribution exists (provision workflow, dedicated delivery: OAC → distribution → AuthorizeCdn).
 * v2: an origin endpoint policy per endpoint naming the distribution (PutOriginEndpointPolicy);
 * v1: nothing to grant, its endpoints were created with CDN authorization.
 * Its own function (not an action of createDistribution) so the CloudFront step does not bundle
 * the MediaPackage v2 client, nor this one CloudFront (docs/BENCHMARKS.md, cold start).
 */
import { registry } from '../lib/clients/dynamodb';
import { mediapackagev2 } from '../lib/clients/mediapackagev2';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { authorizePackagerCdn } from '../lib/packager';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('authorizeCdn', channelInput, async ({ channelId }) => {
  // No MediaPackage v1 client: v1 endpoints need no per-distribution grant (packager/v1.ts authorizeV1Cdn).
  const record = await registry.get(channelId);
  return authorizePackagerCdn({ mediapackagev2, registry, config }, record);
});
