/** After ON_AIR: schedules the cost-guard stop when the profile sets costGuard.maxOnAirMinutes. */
import { armCostGuard } from '../lib/api/lifecycle';
import { lifecycleDeps } from './deps';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('armCostGuard', channelInput, ({ channelId }) => armCostGuard(lifecycleDeps, channelId));
