import { SchedulerClient } from '@aws-sdk/client-scheduler';

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const scheduler = new SchedulerClient({});
