/**
 * Writes why a workflow failed onto the channel: status FAILED and `failure {step, error, cause}`.
 * Provisioning then runs teardown (which keeps the failure so the rollback notice can say why);
 * a failed teardown leaves the resources recorded so a rerun or the sweeper can finish; a failed
 * start or stop is recorded by the channel's lifecycle (functions/lib/channel/lifecycle.ts).
 */
import * as z from 'zod/mini';
import { recordLifecycleFailure } from '../lib/channel/lifecycle';
import { registry } from '../lib/clients/dynamodb';
import { stepHandler } from '../lib/handler';
import { lifecycleDeps } from './deps';
import { channelIdSchema } from '../lib/ids';
import { recordMetric } from '../lib/metrics';
import { caughtSchema, summarizeCaught, type FailureSummary } from '../lib/workflow';

const input = z.union([
  z.object({
    channelId: channelIdSchema,
    workflow: z.enum(['provision', 'teardown']),
    /** One caught error, or the list a Parallel collected (one per failed branch). */
    failed: z.union([caughtSchema, z.array(caughtSchema).check(z.minLength(1))]),
  }),
  z.object({ channelId: channelIdSchema, workflow: z.enum(['start', 'stop']), failed: caughtSchema }),
]);

type Recorded = FailureSummary & { message: string; record?: 'written' | 'none' };

export const handler = stepHandler('recordFailure', input, async (request): Promise<Recorded> => {
  if (request.workflow === 'start' || request.workflow === 'stop') return recordLifecycleFailure(lifecycleDeps, request.channelId, request.workflow, request.failed);
  const { channelId, workflow, failed } = request;
  const all = (Array.isArray(failed) ? failed : [failed]).map(summarizeCaught);
  const first = all[0] as FailureSummary;
  const others = all.slice(1).map((f) => `${f.step}: ${f.error}`);
  const summary: FailureSummary = { ...first, cause: others.length ? `${first.cause} (also failed: ${others.join('; ')})` : first.cause };
  const record = await registry.find(channelId);
  // No record: validation never created one, so there is nothing to mark (and nothing to delete).
  if (record) {
    await registry.update(channelId, {
      status: 'FAILED',
      failure: { ...summary, at: new Date().toISOString() },
      ...(workflow === 'provision' ? { desiredState: 'DELETED' as const } : {}),
    });
    // A written record is what the provision's RollBack tears down; a retried task finds it FAILED already.
    if (workflow === 'provision' && record.status !== 'FAILED') recordMetric('ProvisionsRolledBack', 1, { profile: record.profileName });
  }
  // `message` becomes the failed execution's Cause: the step first, so a CLI shows it as is.
  // `record` (a string: the local engine reads `false` as a missing path in Choice rules) tells the
  // workflow whether there is anything to roll back.
  return { ...summary, message: `${summary.step} failed: ${summary.cause}`, record: record ? 'written' as const : 'none' as const };
});
