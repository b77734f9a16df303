/**
 * CDN side, one Lambda for two visible steps (one role, one cold start): the Origin Access
 * Control (v2), then the distribution (v1: with the CDN-identifier header read from its secret).
 * The packager's permission for that distribution to read the origin is the next step's own
 * function, functions/cdn/authorizeCdn.ts (so this bundle carries no MediaPackage client).
 */
import * as z from 'zod/mini';
import { cloudfront } from '../lib/clients/cloudfront';
import { registry } from '../lib/clients/dynamodb';
import { secretsmanager } from '../lib/clients/secretsmanager';
import { config } from '../lib/config';
import { ensureDistribution, ensureOriginAccessControl } from '../lib/cdn/operations';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

const input = z.extend(channelInput, { action: z.enum(['originAccessControl', 'distribution']) });

export const handler = stepHandler('createDistribution', input, async ({ channelId, action }) => {
  const deps = { cloudfront, secretsmanager, registry, config };
  const record = await registry.get(channelId);
  switch (action) {
    case 'originAccessControl': return ensureOriginAccessControl(deps, record);
    case 'distribution': return ensureDistribution(deps, record);
  }
});
