/**
 * The channel registry: one DynamoDB item per channel. It is the source of truth for what
 * exists: every step writes the id of what it created as soon as AWS returns it, so a
 * teardown started at any moment knows exactly what to delete.
 */
import {
  DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand, ScanCommand, type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ChannelExistsError, ChannelNotFoundError, RecoveryVersionConflictError } from '../errors';
import type { Profile } from '../profile';
import type { AuditEntry, RecoveryState } from '../recovery/types';
import type { EventWait } from '../workflow';
import type { Workflow } from './settings';

/** PLANNED: recorded by a planned broadcast (POST /broadcasts); nothing exists on AWS until its lead time. */
export const CHANNEL_STATUSES = [
  'PLANNED', 'PROVISIONING', 'STARTING', 'ON_AIR', 'STOPPING', 'IDLE', 'TEARING_DOWN', 'DELETED', 'FAILED',
] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];
export type DesiredState = 'ON_AIR' | 'IDLE' | 'DELETED';

export interface OriginEndpointRecord {
  name: string;
  /** HLS, DASH, CMAF or LL-HLS */
  format: string;
  /** Origin URL of the manifest (MediaPackage domain). */
  url: string;
  arn?: string;
}

export interface PackagerV2Resources {
  kind: 'mediapackage-v2';
  channelGroupName?: string;
  /** True when OnAir created the group, so teardown deletes it once empty. */
  channelGroupCreated?: boolean;
  channelGroupEgressDomain?: string;
  channelName?: string;
  channelArn?: string;
  /** Ingest endpoints MediaLive pushes to (one per pipeline). */
  ingestEndpoints?: string[];
  /** Keyed by endpoint name so each is recorded the moment it exists. */
  originEndpoints: Record<string, OriginEndpointRecord>;
}

export interface PackagerV1Resources {
  kind: 'mediapackage-v1';
  channelId?: string;
  channelArn?: string;
  /** HLS ingest endpoints (url, username, password parameter) — password never stored here. */
  ingestEndpoints?: { url: string; username: string; passwordParam?: string }[];
  originEndpoints: Record<string, OriginEndpointRecord>;
  /** Secrets Manager secret holding the CDN identifier CloudFront sends. */
  cdnSecretArn?: string;
}

export type PackagerResources = PackagerV2Resources | PackagerV1Resources;

export interface Resources {
  inputSecurityGroupId?: string;
  inputId?: string;
  inputArn?: string;
  /** The slate input (profile.recovery.slate), attached second as `onair-<channel>-slate`. */
  slateInputId?: string;
  medialiveChannelId?: string;
  medialiveChannelArn?: string;
  packager: PackagerResources;
  distributionId?: string;
  distributionArn?: string;
  distributionDomain?: string;
  originAccessControlId?: string;
  /** Alarm names by region (CloudFront alarms live in us-east-1). */
  alarms: Record<string, string[]>;
}

export interface ChannelFailure {
  step: string;
  error: string;
  cause: string;
  at: string;
}

/** A workflow's task token parked on the record, one wait at a time (woken by functions/lib/waits.ts). */
export interface ParkedWait {
  name: EventWait;
  token: string;
}

/** The last state a pipeline ('0', '1') or the whole channel ('channel') reported by MediaLive event. */
export interface StateSeen { state: string; at: string }

export interface ExecutionRef {
  workflow: string;
  arn: string;
  startedAt: string;
}

/** One of a planned broadcast's two Scheduler schedules (functions/lib/channel/broadcasts.ts). */
export interface StoredSchedule { name: string; phase: 'prepare' | 'end'; at: string; workflow: Workflow }
/** A planned broadcast as kept on the record (`broadcasts` map, functions/lib/channel/broadcasts.ts). */
export interface StoredBroadcast {
  broadcastId: string;
  startAt: string;
  endAt: string;
  leadSeconds: number;
  teardownAfter: boolean;
  schedules: StoredSchedule[];
  createdAt: string;
}

export interface ChannelRecord {
  channelId: string;
  /** Fixed at creation; part of every idempotency token and CallerReference. */
  generation: string;
  profileName: string;
  profile: Profile;
  status: ChannelStatus;
  desiredState: DesiredState;
  resources: Resources;
  ingestUrls?: string[];
  playback?: { hls?: string; dash?: string; cmaf?: string; llhls?: string };
  failure?: ChannelFailure;
  execution?: ExecutionRef;
  createdAt: string;
  updatedAt: string;
  onAirAt?: string;
  deletedAt?: string;
  /** Automatic recovery's state (functions/lib/recovery), versioned for conditional writes. */
  recovery?: RecoveryState;
  /** Recovery audit trail, newest first, at most RECOVERY_AUDIT_MAX entries. */
  recoveryActions?: AuditEntry[];
  /** A workflow's parked wait on MediaLive, woken by events (functions/lib/waits.ts). */
  wait?: ParkedWait;
  /** Last state each pipeline ('0', '1') and the channel ('channel') reported by MediaLive event. */
  medialiveStates?: Record<string, StateSeen>;
  /** Planned broadcasts on this channel, by id (functions/lib/channel/broadcasts.ts), versioned for conditional writes. */
  broadcasts?: Record<string, StoredBroadcast>;
  broadcastsVersion?: number;
  /** Set while ON_AIR with a cost guard: when its stop schedule fires. */
  costGuardStopAt?: string;
  /** The notices published about this channel, newest first, at most NOTICES_MAX (recordNotice). */
  notices?: SentNotice[];
}

/** One notice published on the topic about a channel (functions/lib/notify.ts publishNotice). */
export interface SentNotice { at: string; event: string; subject: string; messageId?: string }

/** How many sent notices a channel keeps (newest first). */
export const NOTICES_MAX = 20;

/** How many recovery audit entries a channel keeps (newest first). */
export const RECOVERY_AUDIT_MAX = 50;

export interface RegistryDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  now?: () => Date;
  /**
   * Called with every record read (find/get). The deployed functions use it to put the execution
   * that holds the channel on their log lines (functions/lib/logger.ts noteRecordRead).
   */
  onRead?: (record: ChannelRecord) => void;
}

function emptyResources(kind: Profile['packager']['kind']): Resources {
  return { packager: { kind, originEndpoints: {} } as PackagerResources, alarms: {} };
}

/** Statuses from which a channel id may be reused by a new provisioning. */
const REUSABLE: ChannelStatus[] = ['DELETED'];

/** The parts of an UpdateItem that differ between the registry's writes (table and key are the registry's). */
type ConditionalUpdate = Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

export class ChannelRegistry {
  private readonly now: () => Date;
  constructor(private readonly deps: RegistryDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private ts(): string {
    return this.now().toISOString();
  }

  /** Creates the record, or refuses when a live channel already has this id. */
  async create(input: { channelId: string; generation: string; profile: Profile; desiredState: DesiredState; execution?: ExecutionRef }): Promise<ChannelRecord> {
    const at = this.ts();
    const record: ChannelRecord = {
      channelId: input.channelId,
      generation: input.generation,
      profileName: input.profile.name,
      profile: input.profile,
      status: 'PROVISIONING',
      desiredState: input.desiredState,
      resources: emptyResources(input.profile.packager.kind),
      createdAt: at,
      updatedAt: at,
      ...(input.execution ? { execution: input.execution } : {}),
    };
    try {
      await this.deps.ddb.send(new PutCommand({
        TableName: this.deps.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(channelId) OR #s IN (' + REUSABLE.map((_, i) => `:r${i}`).join(',') + ')',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: Object.fromEntries(REUSABLE.map((s, i) => [`:r${i}`, s])),
      }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const existing = await this.find(input.channelId);
        if (existing && existing.generation === input.generation) return existing; // a retried create
        throw new ChannelExistsError(input.channelId, existing?.status ?? 'unknown');
      }
      throw error;
    }
    return record;
  }

  async find(channelId: string): Promise<ChannelRecord | undefined> {
    const out = await this.deps.ddb.send(new GetCommand({ TableName: this.deps.tableName, Key: { channelId }, ConsistentRead: true }));
    const record = out.Item as ChannelRecord | undefined;
    if (record) this.deps.onRead?.(record);
    return record;
  }

  async get(channelId: string): Promise<ChannelRecord> {
    const record = await this.find(channelId);
    if (!record) throw new ChannelNotFoundError(channelId);
    return record;
  }

  /**
   * One conditional UpdateItem on this channel's item. `held: false` when the condition failed (the
   * caller says what that means); any other error is thrown. `returnItem`: read the item back as it
   * now is (ReturnValues ALL_NEW).
   */
  private async conditionalUpdate(channelId: string, update: ConditionalUpdate, returnItem = false): Promise<{ held: false } | { held: true; item: ChannelRecord }> {
    try {
      const out = await this.deps.ddb.send(new UpdateCommand({
        TableName: this.deps.tableName, Key: { channelId }, ...update, ...(returnItem ? { ReturnValues: 'ALL_NEW' as const } : {}),
      }));
      return { held: true, item: out.Attributes as ChannelRecord };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { held: false };
      throw error;
    }
  }

  /** A conditional update of a channel that must exist (`attribute_exists(channelId)`): else ChannelNotFoundError. */
  private async updateExisting(channelId: string, update: ConditionalUpdate, returnItem = false): Promise<ChannelRecord> {
    const out = await this.conditionalUpdate(channelId, update, returnItem);
    if (!out.held) throw new ChannelNotFoundError(channelId);
    return out.item;
  }

  /**
   * Records (or, with `undefined`, forgets) one resource value at a path under `resources`,
   * e.g. `['inputId']` or `['packager', 'originEndpoints', 'hls']`. Parents exist from create().
   */
  async recordResource(channelId: string, path: string[], value: unknown): Promise<void> {
    const names: Record<string, string> = { '#r': 'resources', '#u': 'updatedAt' };
    const segs = path.map((p, i) => { names[`#p${i}`] = p; return `#p${i}`; });
    const target = ['#r', ...segs].join('.');
    const expression = value === undefined ? `SET #u = :u REMOVE ${target}` : `SET ${target} = :v, #u = :u`;
    await this.updateExisting(channelId, {
      UpdateExpression: expression,
      ConditionExpression: 'attribute_exists(channelId)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':u': this.ts(), ...(value === undefined ? {} : { ':v': value }) },
    });
  }

  /** Sets top-level fields (status, playback, failure, execution …) in one write. */
  async update(channelId: string, fields: Partial<Omit<ChannelRecord, 'channelId' | 'resources' | 'generation'>>, remove: (keyof ChannelRecord)[] = []): Promise<void> {
    const names: Record<string, string> = { '#u': 'updatedAt' };
    const values: Record<string, unknown> = { ':u': this.ts() };
    const sets = ['#u = :u'];
    Object.entries(fields).forEach(([k, v], i) => {
      if (v === undefined) return;
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      sets.push(`#f${i} = :f${i}`);
    });
    const removes = remove.map((k, i) => { names[`#x${i}`] = k; return `#x${i}`; });
    await this.updateExisting(channelId, {
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: 'attribute_exists(channelId)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  /**
   * Commits a recovery decision: the new state and audit trail, only if the stored state is still
   * at `expectedVersion` (0 = none yet) and the channel exists. A concurrent decision wins →
   * RecoveryVersionConflictError; the caller reloads and decides again, so no event acts twice.
   */
  async saveRecovery(channelId: string, expectedVersion: number, state: RecoveryState, audit: AuditEntry[]): Promise<void> {
    const values: Record<string, unknown> = { ':s': state, ':a': audit.slice(0, RECOVERY_AUDIT_MAX), ':v': expectedVersion, ':u': this.ts() };
    const versionCheck = expectedVersion === 0 ? '(attribute_not_exists(#rc) OR #rc.#v = :v)' : '#rc.#v = :v';
    const out = await this.conditionalUpdate(channelId, {
      UpdateExpression: 'SET #rc = :s, #ra = :a, #u = :u',
      ConditionExpression: `attribute_exists(channelId) AND ${versionCheck}`,
      ExpressionAttributeNames: { '#rc': 'recovery', '#ra': 'recoveryActions', '#v': 'version', '#u': 'updatedAt' },
      ExpressionAttributeValues: values,
    });
    if (!out.held) throw new RecoveryVersionConflictError(channelId, expectedVersion);
  }

  /**
   * Prepends a sent notice to the channel's `notices` (newest first), keeping at most NOTICES_MAX.
   * No read and no lost entry under concurrent writers: the append is conditional on the list being
   * short enough; when it is full, the oldest entry is removed and the append tried again (a SET and
   * a REMOVE of the same list cannot share one update: "Two document paths overlap"). false: no such
   * channel (a notice about an id with no record, such as a refused create, is not kept). `at`: the
   * registry's clock.
   */
  async recordNotice(channelId: string, sent: Omit<SentNotice, 'at'>): Promise<boolean> {
    const notice: SentNotice = { at: this.ts(), ...sent };
    // Each round lets at least one concurrent writer in: 10 rounds are enough for the few notices a
    // channel gets at once (a workflow's and recovery's).
    for (let attempt = 0; attempt < 10; attempt++) {
      const added = await this.conditionalUpdate(channelId, {
        UpdateExpression: 'SET #n = list_append(:n, if_not_exists(#n, :empty))',
        ConditionExpression: 'attribute_exists(channelId) AND (attribute_not_exists(#n) OR size(#n) < :max)',
        ExpressionAttributeNames: { '#n': 'notices' },
        ExpressionAttributeValues: { ':n': [notice], ':empty': [], ':max': NOTICES_MAX },
      });
      if (added.held) return true;
      const trimmed = await this.conditionalUpdate(channelId, {
        UpdateExpression: `REMOVE #n[${NOTICES_MAX - 1}]`,
        ConditionExpression: 'attribute_exists(channelId) AND size(#n) >= :max',
        ExpressionAttributeNames: { '#n': 'notices' },
        ExpressionAttributeValues: { ':max': NOTICES_MAX },
      });
      // Neither held: the channel is gone, or another writer trimmed meanwhile (then append again).
      if (!trimmed.held && !(await this.find(channelId))) return false;
    }
    return false;
  }

  /**
   * Parks a workflow's task token on the record (replacing any earlier one: one wait at a time) and
   * returns the record as it now is, with the MediaLive states events have recorded so far.
   */
  async parkWait(channelId: string, wait: ParkedWait): Promise<ChannelRecord> {
    return this.updateExisting(channelId, {
      UpdateExpression: 'SET #w = :w, #u = :u',
      ConditionExpression: 'attribute_exists(channelId)',
      ExpressionAttributeNames: { '#w': 'wait', '#u': 'updatedAt' },
      ExpressionAttributeValues: { ':w': wait, ':u': this.ts() },
    }, true);
  }

  /** Forgets the parked wait if it is still this token (a newer park is left alone). */
  async clearWait(channelId: string, token: string): Promise<void> {
    await this.conditionalUpdate(channelId, {
      UpdateExpression: 'REMOVE #w',
      ConditionExpression: '#w.#t = :t',
      ExpressionAttributeNames: { '#w': 'wait', '#t': 'token' },
      ExpressionAttributeValues: { ':t': token },
    });
  }

  /**
   * MediaLive reported this channel DELETED (its state-change event): the id is no longer the
   * channel's to delete. Conditional on the id, so a late event for an earlier channel changes nothing.
   */
  async forgetDeletedMediaLiveChannel(channelId: string, medialiveChannelId: string): Promise<void> {
    await this.conditionalUpdate(channelId, {
      UpdateExpression: 'SET #u = :u REMOVE #r.#id, #r.#arn',
      ConditionExpression: '#r.#id = :id',
      ExpressionAttributeNames: { '#r': 'resources', '#id': 'medialiveChannelId', '#arn': 'medialiveChannelArn', '#u': 'updatedAt' },
      ExpressionAttributeValues: { ':id': medialiveChannelId, ':u': this.ts() },
    });
  }

  /**
   * Forgets the MediaLive states events recorded (and any parked wait) before MediaLive is asked to
   * act, so a wait on that action is only ever settled by events sent after the request.
   */
  async forgetMediaLiveStates(channelId: string): Promise<void> {
    await this.updateExisting(channelId, {
      UpdateExpression: 'REMOVE #m, #w',
      ConditionExpression: 'attribute_exists(channelId)',
      ExpressionAttributeNames: { '#m': 'medialiveStates', '#w': 'wait' },
    });
  }

  /**
   * Records the state a MediaLive event reported for a pipeline (or 'channel'), unless a newer one
   * is already recorded. Returns the record as it now is, or undefined when the event was stale
   * or the channel is unknown (nothing changed).
   */
  async recordMediaLiveState(channelId: string, key: string, seen: StateSeen): Promise<ChannelRecord | undefined> {
    const names = { '#m': 'medialiveStates', '#k': key, '#a': 'at' };
    const set = async (expression: string, condition: string, values: Record<string, unknown>): Promise<ChannelRecord | undefined> => {
      const out = await this.conditionalUpdate(channelId, {
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: expression.includes('#k') || condition.includes('#k') ? names : { '#m': 'medialiveStates' },
        ExpressionAttributeValues: values,
      }, true);
      return out.held ? out.item : undefined;
    };
    // Two tries: the map may not exist yet on this record (DynamoDB cannot create a parent and set a
    // child in one expression), and another event may create it between the two writes.
    for (let i = 0; i < 2; i++) {
      const updated = await set('SET #m.#k = :s', 'attribute_exists(#m) AND (attribute_not_exists(#m.#k) OR #m.#k.#a <= :at)', { ':s': seen, ':at': seen.at });
      if (updated) return updated;
      const created = await set('SET #m = :map', 'attribute_exists(channelId) AND attribute_not_exists(#m)', { ':map': { [key]: seen } });
      if (created) return created;
    }
    return undefined;
  }

  /**
   * The lock (channel/lock.ts): moves the channel to `rule.during` for `execution`, only if its
   * status is one of `rule.from` or this execution already holds it. Returns the record as it now
   * is, or undefined when the condition failed (the caller reads the record to say why).
   */
  async takeLock(channelId: string, rule: { from: ChannelStatus[]; during: ChannelStatus; desired: DesiredState }, execution: ExecutionRef): Promise<ChannelRecord | undefined> {
    const names = { '#s': 'status', '#d': 'desiredState', '#e': 'execution', '#u': 'updatedAt', '#f': 'failure', '#a': 'arn' };
    const values: Record<string, unknown> = {
      ':during': rule.during, ':desired': rule.desired, ':exec': execution, ':u': this.ts(), ':arn': execution.arn,
    };
    rule.from.forEach((s, i) => { values[`:from${i}`] = s; });
    const fromList = rule.from.map((_, i) => `:from${i}`).join(', ');
    const out = await this.conditionalUpdate(channelId, {
      UpdateExpression: 'SET #s = :during, #d = :desired, #e = :exec, #u = :u REMOVE #f',
      ConditionExpression: `attribute_exists(channelId) AND (#s IN (${fromList}) OR (#s = :during AND #e.#a = :arn))`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }, true);
    return out.held ? out.item : undefined;
  }

  /** Gives the lock back (status and desired state) only if `execution` still holds it; otherwise nothing. */
  async releaseLock(channelId: string, execution: ExecutionRef, status: ChannelStatus, desiredState: DesiredState): Promise<void> {
    await this.conditionalUpdate(channelId, {
      UpdateExpression: 'SET #s = :s, #d = :d, #u = :u',
      ConditionExpression: '#e.#a = :arn',
      ExpressionAttributeNames: { '#s': 'status', '#d': 'desiredState', '#u': 'updatedAt', '#e': 'execution', '#a': 'arn' },
      ExpressionAttributeValues: { ':s': status, ':d': desiredState, ':u': this.ts(), ':arn': execution.arn },
    });
  }

  /**
   * The channel stopped: IDLE (status and desired state) and no cost-guard stop time. A missing
   * channel fails with DynamoDB's ConditionalCheckFailedException, as it always has.
   */
  async markStopped(channelId: string): Promise<void> {
    await this.deps.ddb.send(new UpdateCommand({
      TableName: this.deps.tableName,
      Key: { channelId },
      UpdateExpression: 'SET #s = :s, #d = :s, #u = :u REMOVE #c',
      ConditionExpression: 'attribute_exists(channelId)',
      ExpressionAttributeNames: { '#s': 'status', '#d': 'desiredState', '#u': 'updatedAt', '#c': 'costGuardStopAt' },
      ExpressionAttributeValues: { ':s': 'IDLE', ':u': this.ts() },
    }));
  }

  /**
   * Books a new broadcast if no other booking landed since `version` was read (`broadcastsVersion`
   * absent or equal). `mapExists`: the record already has a `broadcasts` map (DynamoDB cannot
   * create a parent and set a child in one expression). False when the condition failed.
   */
  async bookBroadcast(channelId: string, broadcast: StoredBroadcast, version: number, mapExists: boolean): Promise<boolean> {
    const out = await this.conditionalUpdate(channelId, {
      UpdateExpression: mapExists
        ? 'SET #b.#id = :b, #v = :next, #u = :u'
        : 'SET #b = :map, #v = :next, #u = :u',
      ConditionExpression: 'attribute_exists(channelId) AND (attribute_not_exists(#v) OR #v = :version)',
      ExpressionAttributeNames: { '#b': 'broadcasts', '#v': 'broadcastsVersion', '#u': 'updatedAt', ...(mapExists ? { '#id': broadcast.broadcastId } : {}) },
      ExpressionAttributeValues: {
        ...(mapExists ? { ':b': broadcast } : { ':map': { [broadcast.broadcastId]: broadcast } }),
        ':next': version + 1, ':version': version, ':u': this.ts(),
      },
    });
    return out.held;
  }

  /** Replaces one existing broadcast entry if nobody booked since `version` was read. False when the condition failed. */
  async replaceBroadcast(channelId: string, broadcast: StoredBroadcast, version: number): Promise<boolean> {
    const out = await this.conditionalUpdate(channelId, {
      UpdateExpression: 'SET #b.#id = :b, #v = :next, #u = :u',
      ConditionExpression: 'attribute_exists(#b.#id) AND #v = :version',
      ExpressionAttributeNames: { '#b': 'broadcasts', '#id': broadcast.broadcastId, '#v': 'broadcastsVersion', '#u': 'updatedAt' },
      ExpressionAttributeValues: { ':b': broadcast, ':next': version + 1, ':version': version, ':u': this.ts() },
    });
    return out.held;
  }

  /**
   * Removes one broadcast entry and bumps `broadcastsVersion`. An entry already gone fails with
   * DynamoDB's ConditionalCheckFailedException (callers decide whether that matters).
   */
  async dropBroadcast(channelId: string, broadcastId: string): Promise<void> {
    await this.deps.ddb.send(new UpdateCommand({
      TableName: this.deps.tableName,
      Key: { channelId },
      UpdateExpression: 'REMOVE #b.#id SET #v = if_not_exists(#v, :zero) + :one, #u = :u',
      ConditionExpression: 'attribute_exists(#b.#id)',
      ExpressionAttributeNames: { '#b': 'broadcasts', '#id': broadcastId, '#v': 'broadcastsVersion', '#u': 'updatedAt' },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':u': this.ts() },
    }));
  }

  /**
   * The sweeper takes a dead or stuck channel: FAILED with `failure`, desired DELETED, only if it
   * is still in the status the sweeper saw and (when it had one) owned by the same execution.
   * False when something else moved it meanwhile.
   */
  async failForSweep(channelId: string, seen: { status: ChannelStatus; executionArn?: string }, failure: ChannelFailure): Promise<boolean> {
    const names: Record<string, string> = { '#s': 'status', '#u': 'updatedAt', '#f': 'failure', '#d': 'desiredState' };
    const values: Record<string, unknown> = { ':failed': 'FAILED', ':u': this.ts(), ':d': 'DELETED', ':seen': seen.status, ':f': failure };
    let condition = '#s = :seen';
    if (seen.executionArn) {
      Object.assign(names, { '#e': 'execution', '#a': 'arn' });
      values[':arn'] = seen.executionArn;
      condition += ' AND #e.#a = :arn';
    }
    const out = await this.conditionalUpdate(channelId, {
      UpdateExpression: 'SET #s = :failed, #u = :u, #f = :f, #d = :d',
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    return out.held;
  }

  /**
   * The channel whose MediaLive channel has this id. MediaLive events name only the MediaLive
   * channel (ARN); the table is keyed by OnAir's id, so this scans with a filter — callers cache
   * the answer (a MediaLive channel id never moves to another OnAir channel).
   */
  async findByMediaLiveChannelId(medialiveChannelId: string): Promise<ChannelRecord | undefined> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const out = await this.deps.ddb.send(new ScanCommand({
        TableName: this.deps.tableName,
        FilterExpression: '#r.#m = :id',
        ExpressionAttributeNames: { '#r': 'resources', '#m': 'medialiveChannelId' },
        ExpressionAttributeValues: { ':id': medialiveChannelId },
        ExclusiveStartKey: cursor,
        ConsistentRead: true,
      }));
      const hit = (out.Items ?? [])[0] as ChannelRecord | undefined;
      if (hit) return hit;
      cursor = out.LastEvaluatedKey;
    } while (cursor);
    return undefined;
  }

  /** Every record, page by page (the sweeper and GET /channels build on this). */
  async list(options: { limit?: number; cursor?: Record<string, unknown> } = {}): Promise<{ items: ChannelRecord[]; cursor?: Record<string, unknown> }> {
    return listChannels(this.deps, options);
  }
}

/**
 * One page of the registry's Scan, without a ChannelRegistry: for a reader that needs nothing else
 * (the sweeper's listers, functions/sweeper/lister.ts), so it is granted dynamodb:Scan alone (the
 * IAM check, test/reliability/iam, reaches a class's methods by name once code names the class).
 */
export async function listChannels(deps: Pick<RegistryDeps, 'ddb' | 'tableName'>, options: { limit?: number; cursor?: Record<string, unknown> } = {}): Promise<{ items: ChannelRecord[]; cursor?: Record<string, unknown> }> {
  const out = await deps.ddb.send(new ScanCommand({
    TableName: deps.tableName,
    Limit: options.limit,
    ExclusiveStartKey: options.cursor,
    ConsistentRead: true,
  }));
  return { items: (out.Items ?? []) as ChannelRecord[], ...(out.LastEvaluatedKey ? { cursor: out.LastEvaluatedKey } : {}) };
}

/** MediaLive channel id → OnAir channel id, cached for the container's life (ids never move). */
const byMediaLiveId = new Map<string, string>();

/** The OnAir channel a MediaLive event is about (events name only the MediaLive channel), or undefined. */
export async function channelForMediaLive(registry: Pick<ChannelRegistry, 'findByMediaLiveChannelId'>, medialiveChannelId: string): Promise<string | undefined> {
  const cached = byMediaLiveId.get(medialiveChannelId);
  if (cached) return cached;
  const record = await registry.findByMediaLiveChannelId(medialiveChannelId);
  if (!record) return undefined;
  byMediaLiveId.set(medialiveChannelId, record.channelId);
  return record.channelId;
}

/** What everyChannel pages through: a ChannelRegistry, or listChannels over a table (named structurally, not by the class). */
export interface ChannelPages {
  list(options: { limit?: number; cursor?: Record<string, unknown> }): Promise<{ items: ChannelRecord[]; cursor?: Record<string, unknown> }>;
}

/** Every record of the registry, page by page (capacity, the sweeper and the reconciler read all of them). */
export async function everyChannel(registry: ChannelPages): Promise<ChannelRecord[]> {
  const out: ChannelRecord[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await registry.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
