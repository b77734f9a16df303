import { SNSClient } from '@aws-sdk/client-sns';

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const sns = new SNSClient({});
