import { MediaLiveClient } from '@aws-sdk/client-medialive';

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const medialive = new MediaLiveClient({});
