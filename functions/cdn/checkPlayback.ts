/**
 * "Running" means watchable: the distribution is Deployed and the manifests are served live
 * through the CDN URL viewers use (functions/lib/cdn/playback.ts). One poll per call. With shared
 * delivery the distribution is the stage's, Deployed with the stack: only the manifests are polled.
 */
import { cloudfront } from '../lib/clients/cloudfront';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { describeDistribution } from '../lib/cdn/operations';
import { isSharedDelivery } from '../lib/delivery';
import { checkPlayback } from '../lib/cdn/playback';
import { ResourceFailedError } from '../lib/errors';
import { stepHandler } from '../lib/handler';
import { nextPoll, pollInput, previousOf, POLLS, type PollResult } from '../lib/workflow';

export const handler = stepHandler('checkPlayback', pollInput, async (req): Promise<PollResult> => {
  const { channelId } = req;
  const previous = previousOf(req);
  const record = await registry.get(channelId);
  // Shared delivery: the stage's distribution was Deployed when the stack was (CloudFormation waits).
  if (isSharedDelivery(record.profile)) {
    const check = await checkPlayback(fetch, record);
    return nextPoll('playback', previous, check.watchable, 'Deployed', check.reason);
  }
  const dist = await describeDistribution({ cloudfront, registry, config }, record);
  if (!dist.exists) throw new ResourceFailedError(`CloudFront distribution ${record.resources.distributionId ?? '(none)'} does not exist`);
  // A deploying distribution takes minutes: look at its pace, not the manifest's (fewer polls,
  // each ~3 state transitions), then every few seconds once it is Deployed.
  if (dist.status !== 'Deployed') {
    return nextPoll('playback', previous, false, dist.status, `distribution ${dist.status ?? 'status unknown'}`, POLLS.playback.deployingIntervalSeconds);
  }
  const check = await checkPlayback(fetch, record);
  return nextPoll('playback', previous, check.watchable, dist.status, check.reason);
});
