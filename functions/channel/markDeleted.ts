/**
 * Closes a teardown: the channel is DELETED only when the registry holds no resource any more
 * (each delete step clears its id once AWS confirms), so the record can never claim "deleted"
 * while something still runs.
 */
import { registry } from '../lib/clients/dynamodb';
import { stepHandler } from '../lib/handler';
import { remainingResources } from '../lib/notify';
import { channelInput } from '../lib/workflow';

export class ResourcesRemainError extends Error {
  constructor(readonly channelId: string, readonly remaining: string[]) {
    super(`Channel ${channelId} still has: ${remaining.join(', ')}`);
    this.name = 'ResourcesRemainError';
  }
}

export const handler = stepHandler('markDeleted', channelInput, async ({ channelId }) => {
  const record = await registry.get(channelId);
  const left = remainingResources(record.resources);
  if (left.length) throw new ResourcesRemainError(channelId, left);
  await registry.update(channelId, { status: 'DELETED', desiredState: 'DELETED', deletedAt: new Date().toISOString() }, ['playback', 'ingestUrls']);
  return { status: 'DELETED' as const, rolledBack: Boolean(record.failure) };
});
