/**
 * First step of provisioning: turns the request into a channel record (or adopts the one the
 * API already wrote) and takes the channel's lock for this execution. Bad input is refused
 * here, before anything exists on AWS.
 */
import * as z from 'zod/mini';
import { acquire } from '../lib/channel/lock';
import { ddb, registry } from '../lib/clients/dynamodb';
import { checkCapacity } from '../lib/capacity';
import { config } from '../lib/config';
import { isSharedDelivery } from '../lib/delivery';
import { ChannelExistsError } from '../lib/errors';
import { stepHandler } from '../lib/handler';
import { channelIdSchema, newGeneration } from '../lib/ids';
import { recordMetric } from '../lib/metrics';
import { resolveProfile } from '../lib/profile';
import type { ChannelRecord, ExecutionRef } from '../lib/channel/registry';
import { freshPolls } from '../lib/workflow';

const request = z.strictObject({
  channelId: channelIdSchema,
  profileName: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  overrides: z.optional(z.record(z.string(), z.unknown())),
  /** false: create everything and leave the channel IDLE (no encoder minutes billed). */
  startAfterCreate: z._default(z.boolean(), true),
});

const input = z.object({
  /** The execution input as given: unknown fields are refused, so a typo is never ignored. */
  request,
  execution: z.object({ arn: z.string().check(z.minLength(1)), startedAt: z.string().check(z.minLength(1)) }),
});

export const handler = stepHandler('validate', input, async ({ request: req, execution: ex }) => {
  const execution: ExecutionRef = { workflow: 'provision', ...ex };
  const existing = await registry.find(req.channelId);
  let record: ChannelRecord;
  if (existing && existing.status !== 'DELETED') {
    // Written by the API (PLANNED) or by this execution on an earlier attempt: the guard lets
    // exactly those through and names the operation that holds any other channel.
    const taken = await acquire({ ddb, tableName: config.channelsTable, now: () => new Date() }, req.channelId, 'provision', execution);
    if (taken.outcome === 'already-done') throw new ChannelExistsError(req.channelId, taken.record.status);
    record = taken.record;
    // The API checked when the channel was requested; a planned broadcast reaches AWS only now.
    // Channels recorded earlier have precedence. Refused: RecordFailure marks it FAILED, naming the quota.
    await checkCapacity({ registry }, record, config.stage, config.accountQuotas, { onlyOlder: true });
    if (!req.startAfterCreate && record.desiredState !== 'IDLE') await registry.update(req.channelId, { desiredState: 'IDLE' });
  } else {
    const profile = resolveProfile(req.profileName, req.overrides ?? {});
    // Refused before the record is written when the account cannot hold one more channel.
    await checkCapacity({ registry }, { channelId: req.channelId, profile, createdAt: new Date().toISOString() }, config.stage, config.accountQuotas, { onlyOlder: true });
    record = await registry.create({
      channelId: req.channelId,
      generation: newGeneration(),
      profile,
      desiredState: req.startAfterCreate ? 'ON_AIR' : 'IDLE',
      execution,
    });
  }
  recordMetric('ProvisionsStarted', 1, { profile: record.profileName });
  return {
    channelId: record.channelId,
    startAfterCreate: req.startAfterCreate,
    packager: record.profile.packager.kind,
    // Records from before shared delivery have their own distribution (lib/delivery.ts).
    delivery: isSharedDelivery(record.profile) ? 'shared' : 'dedicated',
    inputType: record.profile.input.type,
    polls: freshPolls(['channelRunning', 'playback']),
  };
});
