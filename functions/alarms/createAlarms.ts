/**
 * CloudWatch alarms, in two visible steps: `channel` (MediaLive and MediaPackage alarms, in
 * parallel with the CDN) and `cdn` (adds the CloudFront 5xx alarm in us-east-1 once the
 * distribution id is recorded). The cdn step runs after the channel step has finished, never
 * beside it: each writes the full alarm-name list of a region, and with the channel in
 * us-east-1 two concurrent writers could drop a name the other just recorded.
 */
import * as z from 'zod/mini';
import { ensureAlarms } from '../lib/alarms/operations';
import { cloudwatch, cloudwatchUsEast1 } from '../lib/clients/cloudwatch';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

const input = z.extend(channelInput, { scope: z.enum(['channel', 'cdn']) });

export const handler = stepHandler('createAlarms', input, async ({ channelId, scope }) => {
  const record = await registry.get(channelId);
  // The alarm builders add the CloudFront alarm only when a distribution id is recorded.
  const { distributionId: _omit, ...withoutCdn } = record.resources;
  const view = scope === 'cdn' ? record : { ...record, resources: withoutCdn };
  return ensureAlarms({ cloudwatch, cloudwatchUsEast1, registry, config }, view);
});
