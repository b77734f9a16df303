/**
 * Deterministic names and idempotency tokens. Every create call derives its name or token
 * from (channel id, generation, step), so a retried step finds what the first attempt made
 * and a channel re-created under the same id never collides with the previous one's
 * CloudFront CallerReference.
 */
// zod/mini: step handlers validate ids without bundling classic zod (the API wraps it: z.optional(...)).
import * as z from 'zod/mini';

/** 3–40 lowercase letters, digits and inner hyphens: valid in every AWS name OnAir builds. */
export const CHANNEL_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$/;

export const channelIdSchema = z
  .string()
  .check(z.regex(CHANNEL_ID_PATTERN, '3–40 characters: lowercase letters, digits and inner hyphens'));

/** A short, sortable token fixed when the channel record is created. */
export function newGeneration(now: Date = new Date()): string {
  const random = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');
  return `${now.getTime().toString(36)}${random}`;
}

/** Resource name shared by MediaLive, MediaPackage and CloudWatch: `onair-<channel>-<part>`. */
export function resourceName(channelId: string, part?: string): string {
  return part ? `onair-${channelId}-${part}` : `onair-${channelId}`;
}

/** Idempotency token for MediaLive RequestId / CloudFront CallerReference / v2 ClientToken. */
export function idempotencyToken(channelId: string, generation: string, step: string): string {
  return `onair-${channelId}-${generation}-${step}`;
}

/**
 * The name of a Step Functions execution from its ARN,
 * `arn:aws:states:<region>:<account>:execution:<state machine>:<name>` (Express executions add an id
 * after the name). https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
 */
export function executionNameOf(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[5] === 'execution' || parts[5] === 'express' ? parts[7] : undefined;
}
