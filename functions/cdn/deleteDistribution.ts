/**
 * CloudFront teardown, one Lambda for the visible steps AWS imposes: disable (If-Match ETag)
 * → wait until Deployed → delete (If-Match) → delete the Origin Access Control. CloudFront
 * refuses to delete an enabled or still-deploying distribution (DistributionNotDisabled).
 */
import * as z from 'zod/mini';
import { cloudfront } from '../lib/clients/cloudfront';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import {
  deleteDistribution, deleteOriginAccessControl, describeDistribution, disableDistribution,
} from '../lib/cdn/operations';
import { stepHandler } from '../lib/handler';
import { nextPoll, pollInput, previousOf, type PollResult, type PreviousPoll } from '../lib/workflow';

function deployedPoll(previous: PreviousPoll, d: { exists: boolean; status?: string; enabled?: boolean }): PollResult {
  const ready = !d.exists || (d.status === 'Deployed' && d.enabled === false);
  return nextPoll('distributionDeployed', previous, ready, d.exists ? `${d.status ?? 'unknown'}, ${d.enabled ? 'enabled' : 'disabled'}` : 'deleted');
}

const input = z.extend(pollInput, { action: z.enum(['disable', 'describe', 'delete', 'deleteOriginAccessControl']) });

export const handler = stepHandler('deleteDistribution', input, async (req) => {
  const { channelId, action } = req;
  const previous = previousOf(req);
  const deps = { cloudfront, registry, config };
  const record = await registry.get(channelId);
  switch (action) {
    // Both answer as a poll: a distribution disabled by an earlier run may already be Deployed.
    case 'disable': return deployedPoll(previous, await disableDistribution(deps, record));
    case 'describe': return deployedPoll(previous, await describeDistribution(deps, record));
    case 'delete': return deleteDistribution(deps, record);
    case 'deleteOriginAccessControl': return deleteOriginAccessControl(deps, record);
  }
});
