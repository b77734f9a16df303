/** The sweep state machine's CloudWatch alarms lister, in the region and us-east-1 (functions/sweeper/lister.ts). */
import { cloudwatch, cloudwatchUsEast1 } from '../lib/clients/cloudwatch';
import { listAlarms } from '../lib/sweeper/list/cloudwatch';
import { listerHandler } from './lister';

export const handler = listerHandler('sweepAlarms', (config) => listAlarms({ cloudwatch, cloudwatchUsEast1, config }));
