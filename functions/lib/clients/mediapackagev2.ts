import { MediaPackageV2Client } from '@aws-sdk/client-mediapackagev2';

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const mediapackagev2 = new MediaPackageV2Client({});
