/**
 * Admission control for an account-wide API rate: every MediaLive request any OnAir function makes
 * first takes its turn from one shared budget in DynamoDB, so 100 channels provisioned at once spend
 * MediaLive's 5 requests per second (burst 30, per account and Region, not raisable: lib/aws-quotas.ts
 * API_RATE_LIMITS) on requests that succeed, instead of on TooManyRequestsException and the backoff
 * after it (where the budget also sits unused).
 *
 * The budget is the generic cell rate algorithm (GCRA), the token bucket's equivalent kept as one
 * number, the "theoretical arrival time" `tat`: a request arriving at `now` may go at
 * max(now, tat − τ) and moves `tat` to max(tat, now) + T, with T = 1 s ÷ tps and τ = (burst − 1) × T.
 * DynamoDB cannot compute max() in an update, so the two cases are two conditional writes (DynamoDB DG,
 * "Condition expressions" and "Incrementing and decrementing numeric attributes" (ADD)):
 * - idle (`tat` < now, or no item): SET tat = now + T — the request goes now;
 * - queued (now ≤ tat ≤ now + τ + maxQueue): ADD T to tat — the request sleeps until old tat − τ.
 * Each is atomic, so concurrent functions never take the same turn; a request tries the likelier one
 * first (from the `tat` this container saw last) and needs one write in the common case.
 *
 * A request that would queue longer than `maxQueueMs` takes no turn and fails with AwsThrottledError,
 * which the state machines already retry with backoff (statemachines/retry.yml `throttled`): the
 * wait moves from a sleeping Lambda to Step Functions. If the budget itself cannot be reached (the
 * table throttles, a permission is missing) the request goes unqueued, logged: MediaLive's own 429 and
 * the same retries still protect the account, and a channel never fails for want of bookkeeping.
 *
 * The budget is per stage (one item in the stage's admission table). Two stages in one account share
 * MediaLive's budget without knowing of each other; their throttles are retried as before.
 *
 * The same table holds CreationClaims (below): who of many concurrent provisions creates the input
 * security group they will share, so the others neither list nor create on that budget.
 *
 * Measured (bench/scale.ts, 100 channels at once, docs/BENCHMARKS.md): MediaLive calls per channel
 * 3.61 → 3.03 (the least there is: CreateInput, CreateChannel, StartChannel, and one group for all),
 * throttled requests 861 → ~10.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsThrottledError } from './errors';

export interface AdmissionDeps {
  ddb: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
  /** Requests per second and burst, on this process's clock. */
  rate: { tps: number; burst: number };
  /** Longest a request may wait for its turn in a function; longer, and it backs off (AwsThrottledError). */
  maxQueueMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The budget could not be read or written: the request went unqueued. */
  onUnavailable?: (error: unknown) => void;
}

/** What `admit` did: how long the request waited for its turn, and whether the budget was reachable. */
export interface Admission { waitedMs: number; queued: boolean }

const delay = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); });

export class RequestBudget {
  private lastTat = Number.NEGATIVE_INFINITY;
  private readonly interval: number;
  private readonly tolerance: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  /** `key` names the budget in the table (one item per rate-limited API). */
  constructor(private readonly key: string, private readonly deps: AdmissionDeps) {
    if (!(deps.rate.tps > 0) || !(deps.rate.burst >= 1)) throw new RangeError(`admission rate for ${key}: tps must be > 0 and burst ≥ 1`);
    this.interval = 1000 / deps.rate.tps;
    this.tolerance = (deps.rate.burst - 1) * this.interval;
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? delay;
  }

  /** Resolves when this request may go; throws AwsThrottledError when the queue is full. */
  async admit(): Promise<Admission> {
    // An unlimited rate (the local cloud with a manual clock: no time passes) needs no turn.
    if (this.interval === 0) return { waitedMs: 0, queued: false };
    const now = this.now();
    const steps = this.lastTat >= now
      ? [() => this.queue(now), () => this.start(now), () => this.queue(now)]
      : [() => this.start(now), () => this.queue(now)];
    try {
      for (const step of steps) {
        const goAt = await step();
        if (goAt === undefined) continue;
        const waitedMs = Math.max(0, Math.ceil(goAt - now));
        if (waitedMs > 0) await this.sleep(waitedMs);
        return { waitedMs, queued: true };
      }
    } catch (e) {
      this.deps.onUnavailable?.(e);
      return { waitedMs: 0, queued: false };
    }
    throw new AwsThrottledError(`${this.key}: more than ${Math.round(this.deps.maxQueueMs)} ms of requests already queued for the account's ${this.deps.rate.tps}/s budget; backing off`);
  }

  /** The budget is idle: take the first turn now. */
  private async start(now: number): Promise<number | undefined> {
    const tat = now + this.interval;
    const done = await this.conditional({
      UpdateExpression: 'SET #tat = :tat',
      ConditionExpression: 'attribute_not_exists(#tat) OR #tat < :now',
      ExpressionAttributeValues: { ':tat': tat, ':now': now },
    });
    if (!done) return undefined;
    this.lastTat = tat;
    return now;
  }

  /** Requests are queued: take the next turn, if it is within maxQueueMs. */
  private async queue(now: number): Promise<number | undefined> {
    const out = await this.conditional({
      UpdateExpression: 'ADD #tat :t',
      ConditionExpression: '#tat >= :now AND #tat <= :horizon',
      ExpressionAttributeValues: { ':t': this.interval, ':now': now, ':horizon': now + this.tolerance + this.deps.maxQueueMs },
      ReturnValues: 'UPDATED_NEW',
    });
    if (!out) return undefined;
    const tat = Number(out.tat);
    this.lastTat = tat;
    return tat - this.interval - this.tolerance;
  }

  private async conditional(update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, number>; ReturnValues?: 'UPDATED_NEW' }): Promise<Record<string, unknown> | undefined> {
    try {
      const out = await this.deps.ddb.send(new UpdateCommand({
        TableName: this.deps.tableName,
        Key: { key: this.key },
        ExpressionAttributeNames: { '#tat': 'tat' },
        ...update,
      }));
      return out.Attributes ?? {};
    } catch (e) {
      if (isConditionFailed(e)) return undefined;
      throw e;
    }
  }
}

/** What a claim gave: this caller creates, or another did (`id`, once it has said what it made). */
export type Claim = { mine: true } | { mine: false; id?: string };

export interface ClaimDeps {
  ddb: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
  /** How long a claim holds others back, and how often they look for its result (this process's clock). */
  holdMs: number;
  pollMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onUnavailable?: (error: unknown) => void;
}

/**
 * First-comer claims on creating something many provisions may want at the same moment and should
 * share (one MediaLive input security group per CIDR set: functions/lib/medialive/input-security-groups.ts).
 * The first caller claims the key (conditional PutItem) and creates; the others wait up to `holdMs`
 * for it to say what it made (`settle`), reading the item (GetItem, strongly consistent) every
 * `pollMs`, instead of each listing and creating on MediaLive's 5 TPS. A claim older than `holdMs`
 * (its holder failed) is taken over; a waiter that sees no result by then goes its own way, as it
 * would without claims. Unreachable table: every caller goes its own way (logged).
 */
export class CreationClaims {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: ClaimDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? delay;
  }

  async claim(key: string, claimant: string): Promise<Claim> {
    try {
      const now = this.now();
      try {
        await this.deps.ddb.send(new PutCommand({
          TableName: this.deps.tableName,
          Item: { key, claimant, claimedAt: now },
          ConditionExpression: 'attribute_not_exists(#k) OR claimedAt < :stale OR claimant = :me',
          ExpressionAttributeNames: { '#k': 'key' },
          ExpressionAttributeValues: { ':stale': now - this.deps.holdMs, ':me': claimant },
        }));
        return { mine: true };
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
      for (;;) {
        const item = (await this.deps.ddb.send(new GetCommand({ TableName: this.deps.tableName, Key: { key }, ConsistentRead: true }))).Item;
        if (typeof item?.id === 'string') return { mine: false, id: item.id };
        const claimedAt = Number(item?.claimedAt ?? 0);
        if (this.now() >= claimedAt + this.deps.holdMs) return { mine: false };
        await this.sleep(this.deps.pollMs);
      }
    } catch (e) {
      this.deps.onUnavailable?.(e);
      return { mine: false };
    }
  }

  /** The claim's holder says what it made (or found): the waiters take it. */
  async settle(key: string, claimant: string, id: string): Promise<void> {
    try {
      await this.deps.ddb.send(new UpdateCommand({
        TableName: this.deps.tableName,
        Key: { key },
        UpdateExpression: 'SET id = :id',
        ConditionExpression: 'claimant = :me',
        ExpressionAttributeValues: { ':id': id, ':me': claimant },
      }));
    } catch (e) {
      // Taken over meanwhile (this holder was slow): the new holder settles it.
      if (!isConditionFailed(e)) this.deps.onUnavailable?.(e);
    }
  }
}

function isConditionFailed(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e as { name?: string }).name === 'ConditionalCheckFailedException';
}
