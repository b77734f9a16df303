/**
 * POST /broadcasts: a whole broadcast in one request. The channel is recorded PLANNED now
 * (so its id is reserved and GET shows the plan) and nothing is created on AWS until the
 * prepare schedule starts the provision workflow at startAt − lead.
 */
import type * as z from 'zod/mini';
import { newGeneration } from '../ids';
import type { ApiDeps } from './deps';
import { channelLocation, newChannelId, profileFromRequest } from './channels';
import { broadcastView, checkWindow, createBroadcast } from '../channel/broadcasts';
import type { Broadcast, ChannelSummary, createPlannedChannelBody } from './schemas';

export async function createPlannedBroadcast(deps: ApiDeps, body: z.output<typeof createPlannedChannelBody>, idempotencyKey?: string)
  : Promise<{ channel: ChannelSummary; broadcast: Broadcast; location: string }> {
  const profile = profileFromRequest(body.profile, body.overrides);
  const leadSeconds = body.leadSeconds ?? deps.settings.defaultLeadSeconds;
  checkWindow(body, leadSeconds, deps.now());
  let channelId = body.channelId ?? newChannelId();
  let generation = newGeneration(deps.now());
  let replay = false;
  if (idempotencyKey) {
    const claim = await deps.idempotency.claim('POST /broadcasts', idempotencyKey, body, { channelId, generation });
    ({ channelId, generation } = claim.record);
    replay = claim.replay;
  }
  const summaryOf = async () => {
    const r = await deps.registry.get(channelId);
    return {
      channelId, status: r.status, desiredState: r.desiredState, profileName: r.profileName,
      playback: {}, createdAt: r.createdAt, updatedAt: r.updatedAt,
    } satisfies ChannelSummary;
  };
  if (replay) {
    const existing = await deps.registry.find(channelId);
    const booked = existing ? broadcastView(existing, deps.now()) : [];
    if (booked.length > 0) return { channel: await summaryOf(), broadcast: booked[0], location: channelLocation(channelId) };
  }
  try {
    await deps.registry.create({ channelId, generation, profile, desiredState: 'ON_AIR' });
    await deps.registry.update(channelId, { status: 'PLANNED' });
  } catch (error) {
    if (idempotencyKey) await deps.idempotency.forget('POST /broadcasts', idempotencyKey).catch(() => undefined);
    throw error;
  }
  try {
    const broadcast = await createBroadcast(deps, channelId, { ...body, leadSeconds });
    return { channel: await summaryOf(), broadcast, location: channelLocation(channelId) };
  } catch (error) {
    // Nothing exists on AWS for a PLANNED channel: release the id.
    await deps.registry.update(channelId, { status: 'DELETED', desiredState: 'DELETED', deletedAt: deps.now().toISOString() }).catch(() => undefined);
    if (idempotencyKey) await deps.idempotency.forget('POST /broadcasts', idempotencyKey).catch(() => undefined);
    throw error;
  }
}
