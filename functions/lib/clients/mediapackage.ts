import { MediaPackageClient } from '@aws-sdk/client-mediapackage';

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const mediapackage = new MediaPackageClient({});
