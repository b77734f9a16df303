/**
 * CDN side, one Lambda for three visible steps (one role, one cold start): the Origin Access
 * Control (v2), the distribution, then the packager's permission for that distribution to read
 * the origin (v2 origin endpoint policies; v1 needs nothing, the CDN-identifier header does it).
 */
import * as z from 'zod/mini';
import { cloudfront } from '../lib/clients/cloudfront';
import { registry } from '../lib/clients/dynamodb';
import { mediapackagev2 } from '../lib/clients/mediapackagev2';
import { secretsmanager } from '../lib/clients/secretsmanager';
import { config } from '../lib/config';
import { ensureDistribution, ensureOriginAccessControl } from '../lib/cdn/operations';
import { stepHandler } from '../lib/handler';
import { authorizePackagerCdn } from '../lib/packager';
import { channelInput } from '../lib/workflow';

const input = z.extend(channelInput, { action: z.enum(['originAccessControl', 'distribution', 'authorize']) });

export const handler = stepHandler('createDistribution', input, async ({ channelId, action }) => {
  // No MediaPackage v1 client: v1 endpoints need no per-distribution grant (packager/v1.ts authorizeV1Cdn).
  const deps = { cloudfront, mediapackagev2, secretsmanager, registry, config };
  const record = await registry.get(channelId);
  switch (action) {
    case 'originAccessControl': return ensureOriginAccessControl(deps, record);
    case 'distribution': return ensureDistribution(deps, record);
    case 'authorize': return authorizePackagerCdn(deps, record);
  }
});
