/**
 * Closes a teardown: the channel is DELETED only when the registry holds no resource any more
 * (each delete step clears its id once AWS confirms), so the record can never claim "deleted"
 * while something still runs.
 */
import { registry } from '../lib/clients/dynamodb';
import { stepHandler } from '../lib/handler';
import { recordMetric, secondsSince } from '../lib/metrics';
import { remainingResources } from '../lib/notify';
import { channelInput } from '../lib/workflow';
import { ResourcesRemainError } from '../lib/errors';

export const handler = stepHandler('markDeleted', channelInput, async ({ channelId }) => {
  const record = await registry.get(channelId);
  const left = remainingResources(record.resources);
  if (left.length) throw new ResourcesRemainError(channelId, left);
  const now = new Date();
  await registry.update(channelId, { status: 'DELETED', desiredState: 'DELETED', deletedAt: now.toISOString() }, ['playback', 'ingestUrls']);
  // BeginTeardown wrote the teardown execution (its start time) on the record; a retried task finds DELETED.
  if (record.execution?.workflow === 'teardown' && record.status !== 'DELETED') {
    recordMetric('TeardownSeconds', secondsSince(record.execution.startedAt, now) ?? Number.NaN, { profile: record.profileName });
  }
  return { status: 'DELETED' as const, rolledBack: Boolean(record.failure) };
});
