/** Deletes the channel's alarms in every region they were created in (only those that exist). */
import { deleteAlarms } from '../lib/alarms/operations';
import { cloudwatch, cloudwatchUsEast1 } from '../lib/clients/cloudwatch';
import { registry } from '../lib/clients/dynamodb';
import { config } from '../lib/config';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('deleteAlarms', channelInput, async ({ channelId }) =>
  deleteAlarms({ cloudwatch, cloudwatchUsEast1, registry, config }, await registry.get(channelId)));
