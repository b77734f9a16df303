import { SFNClient } from '@aws-sdk/client-sfn';

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const sfn = new SFNClient({});
