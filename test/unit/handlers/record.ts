/** A registry record for handler tests (the shape ChannelRegistry.create writes). */
import { resolveProfile } from '../../../functions/lib/profile';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';

export function channelRecord(over: Partial<ChannelRecord> = {}): ChannelRecord {
  const profile = resolveProfile('default', { input: { allowedCidrs: ['203.0.113.10/32'] } });
  return {
    channelId: 'show-1',
    generation: 'gen1',
    profileName: profile.name,
    profile,
    status: 'PROVISIONING',
    desiredState: 'ON_AIR',
    resources: { packager: { kind: 'mediapackage-v2', originEndpoints: {} }, alarms: {}, medialiveChannelId: '1234567' },
    createdAt: '2026-11-24T18:00:00.000Z',
    updatedAt: '2026-11-24T18:00:00.000Z',
    ...over,
  };
}

export const lambdaContext = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 };
