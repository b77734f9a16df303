/**
 * Idempotency-Key support. The first request with a key claims it (conditional put) and
 * records a hash of its body and the channel id it chose; a repeat with the same body replays
 * the same creation (every later step is itself idempotent: registry create with the same
 * generation, StartExecution with the same name and input), a repeat with another body is
 * refused. Keys live 24 h (DynamoDB TTL on `expiresAt`).
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IdempotencyKeyReusedError } from '../errors';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  channelId: string;
  generation: string;
  createdAt: string;
  expiresAt: number;
}

/** Key order does not change the hash: `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(scope: string, body: unknown): string {
  return createHash('sha256').update(scope).update('\n').update(canonicalJson(body)).digest('hex');
}

export interface IdempotencyDeps { ddb: DynamoDBDocumentClient; tableName: string; now: () => Date }

export class IdempotencyStore {
  constructor(private readonly deps: IdempotencyDeps) {}

  /**
   * Claims `key` for this request, or returns the earlier claim with the same body.
   * `proposal` is what this request would use if it is the first.
   */
  async claim(scope: string, key: string, body: unknown, proposal: { channelId: string; generation: string }): Promise<{ record: IdempotencyRecord; replay: boolean }> {
    const now = this.deps.now();
    const record: IdempotencyRecord = {
      key: `${scope}#${key}`,
      requestHash: requestHash(scope, body),
      ...proposal,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    };
    try {
      await this.deps.ddb.send(new PutCommand({
        TableName: this.deps.tableName,
        Item: record,
        // TTL deletion lags by up to days: an expired item counts as absent.
        ConditionExpression: 'attribute_not_exists(#k) OR expiresAt < :now',
        ExpressionAttributeNames: { '#k': 'key' },
        ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
      }));
      return { record, replay: false };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const out = await this.deps.ddb.send(new GetCommand({ TableName: this.deps.tableName, Key: { key: record.key }, ConsistentRead: true }));
    const existing = out.Item as IdempotencyRecord | undefined;
    if (!existing) return this.claim(scope, key, body, proposal);
    if (existing.requestHash !== record.requestHash) throw new IdempotencyKeyReusedError();
    return { record: existing, replay: true };
  }

  /** Forgets a claim whose request failed before creating anything, so a retry starts afresh. */
  async forget(scope: string, key: string): Promise<void> {
    await this.deps.ddb.send(new DeleteCommand({ TableName: this.deps.tableName, Key: { key: `${scope}#${key}` } }));
  }
}
