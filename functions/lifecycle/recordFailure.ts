/** A start or stop failed: status FAILED with the failed step and its cause. */
// Namespace import: it lets esbuild drop zod's unused parts (its locales alone are ~270 KB).
import * as z from 'zod';
import { recordLifecycleFailure } from '../lib/api/lifecycle';
import { lifecycleDeps } from './deps';
import { stepHandler } from '../lib/handler';
import { channelIdSchema } from '../lib/ids';
import { caughtSchema } from '../lib/workflow';

const input = z.object({ channelId: channelIdSchema, workflow: z.enum(['start', 'stop']), failed: caughtSchema });

export const handler = stepHandler('recordLifecycleFailure', input, ({ channelId, workflow, failed }) =>
  recordLifecycleFailure(lifecycleDeps, channelId, workflow, failed));
