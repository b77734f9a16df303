import { CloudFrontClient } from '@aws-sdk/client-cloudfront';

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const cloudfront = new CloudFrontClient({});
