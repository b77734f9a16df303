import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

/** Alarms on MediaLive/MediaPackage metrics live in the channel's region. */
export const cloudwatch = new CloudWatchClient({});
/** CloudFront publishes its metrics only in us-east-1, so its alarms are created there. */
export const cloudwatchUsEast1 = new CloudWatchClient({ region: 'us-east-1' });
