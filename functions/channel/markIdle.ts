/** The encoder is stopped: status IDLE, cost-guard schedule removed. */
import { markIdle } from '../lib/channel/lifecycle';
import { lifecycleDeps } from './deps';
import { stepHandler } from '../lib/handler';
import { channelInput } from '../lib/workflow';

export const handler = stepHandler('markIdle', channelInput, ({ channelId }) => markIdle(lifecycleDeps, channelId));
