/**
 * How viewers reach a channel: the stage's shared delivery (the default) or a distribution of the
 * channel's own (`delivery: dedicated` in a profile).
 *
 * Shared delivery follows AWS's reference architecture (aws-samples/aws-cdk-mediaservices-refarch,
 * Live Event Framework: one CloudFront distribution and one origin access control per MediaPackage
 * v2 channel group, channels added under it without touching CloudFront). serverless.yml creates,
 * once per stage, the channel group `onair-<stage>`, its OAC, the manifest cache policy, the
 * distribution and its 5xx alarm (resources `Delivery*`); so no channel waits ~4 minutes for a
 * distribution to deploy, or two more deployments to delete it, and the account's 3 channel groups /
 * 100 OACs / 500 distributions are not spent one per channel. Per channel OnAir creates only the
 * MediaPackage channel, its endpoints and the endpoint policies naming the stage's distribution.
 *
 * A recreated channel must never be served objects CloudFront cached for the previous one under
 * the same path (segments are cached for days): the MediaPackage channel's name carries the
 * channel's generation (packager/v2.ts v2ChannelNameFor), so every generation has its own paths.
 * That is chosen over invalidations, which cost per path after the first 1,000 a month, take
 * minutes, and would sit on the critical path of every re-creation.
 *
 * What shared delivery cannot give — a custom domain and certificate, a price class, geo
 * restriction or WAF of the channel's own — is `delivery: dedicated` (cdn/operations.ts), which
 * MediaPackage v1 also needs: its egress host is per account and region and its origin is protected
 * by a CDN-identifier header per distribution, not by an OAC.
 */
import type { Config } from './config';
import type { DeliveryKind } from './profile-data';

/** The stage's MediaPackage v2 channel group: serverless.yml `custom.delivery.channelGroup` (template test). */
export function stageChannelGroupName(stage: string): string {
  return `onair-${stage}`;
}

/** Records written before shared delivery existed carry no `delivery`: they have their own distribution. */
export function isSharedDelivery(profile: { delivery?: DeliveryKind }): boolean {
  return profile.delivery === 'shared';
}

/** The stage's distribution, as the stack's outputs name it (provider environment). */
export interface SharedDistribution { arn: string; domain: string }

export function sharedDistribution(cfg: Pick<Config, 'deliveryDistributionArn' | 'deliveryDomain'>): SharedDistribution {
  return { arn: cfg.deliveryDistributionArn, domain: cfg.deliveryDomain };
}
