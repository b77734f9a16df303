/** A start or stop failed: status FAILED with the failed step and its cause. */
// zod/mini (functional API): ~15 KB bundled, where classic zod is ~95 KB even tree-shaken.
import * as z from 'zod/mini';
import { recordLifecycleFailure } from '../lib/channel/lifecycle';
import { lifecycleDeps } from './deps';
import { stepHandler } from '../lib/handler';
import { channelIdSchema } from '../lib/ids';
import { caughtSchema } from '../lib/workflow';

const input = z.object({ channelId: channelIdSchema, workflow: z.enum(['start', 'stop']), failed: caughtSchema });

export const handler = stepHandler('recordLifecycleFailure', input, ({ channelId, workflow, failed }) =>
  recordLifecycleFailure(lifecycleDeps, channelId, workflow, failed));
