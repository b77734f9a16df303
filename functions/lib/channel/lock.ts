/**
 * The channel lock: a channel's status doubles as its lock. Starting an operation is one
 * conditional write (allowed "from" statuses → the operation's "during" status, with the
 * execution that owns it), so two conflicting operations can never both begin; the loser
 * learns which operation is in progress. The same write runs in the API (before
 * StartExecution) and as the first state of each lifecycle workflow (for executions started
 * by a schedule): an execution that already owns the lock passes through.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ChannelBusyError, ChannelNotFoundError } from '../errors';
import { ChannelRegistry, type ChannelRecord, type ChannelStatus, type DesiredState, type ExecutionRef } from './registry';
import { ChannelStateError } from '../errors';
import type { Workflow } from './settings';

interface OperationRule {
  /** Statuses the operation may begin from. */
  from: ChannelStatus[];
  during: ChannelStatus;
  /** Status that means "already done": the request is a no-op. */
  done: ChannelStatus[];
  desired: DesiredState;
}

export const OPERATION_RULES: Record<Workflow, OperationRule> = {
  provision: { from: ['PLANNED'], during: 'PROVISIONING', done: ['ON_AIR'], desired: 'ON_AIR' },
  start: { from: ['IDLE'], during: 'STARTING', done: ['ON_AIR'], desired: 'ON_AIR' },
  // FAILED: a start or stop that failed; stopping again (a no-op on an IDLE encoder) settles it.
  stop: { from: ['ON_AIR', 'FAILED'], during: 'STOPPING', done: ['IDLE'], desired: 'IDLE' },
  teardown: { from: ['IDLE', 'ON_AIR', 'FAILED', 'PLANNED'], during: 'TEARING_DOWN', done: ['DELETED'], desired: 'DELETED' },
};

/**
 * The in-progress (transitional) statuses: a workflow holds the channel in one of them while it
 * runs (its lock), and which operation each belongs to (for the 409 message). The one list: the
 * API, the sweeper and the workflows import it.
 */
const IN_PROGRESS_BY_STATUS = {
  PROVISIONING: 'provision', STARTING: 'start', STOPPING: 'stop', TEARING_DOWN: 'teardown',
} as const satisfies Partial<Record<ChannelStatus, Workflow>>;
export type InProgressStatus = keyof typeof IN_PROGRESS_BY_STATUS;
export const IN_PROGRESS: Partial<Record<ChannelStatus, Workflow>> = IN_PROGRESS_BY_STATUS;
export const IN_PROGRESS_STATUSES = Object.keys(IN_PROGRESS_BY_STATUS) as InProgressStatus[];
export const isInProgress = (status: ChannelStatus): status is InProgressStatus => IN_PROGRESS[status] !== undefined;

export interface GuardDeps { ddb: DynamoDBDocumentClient; tableName: string; now: () => Date }

/** The registry over the lock's table and clock: it alone writes the channel record. */
const registryOf = (deps: GuardDeps) => new ChannelRegistry({ ddb: deps.ddb, tableName: deps.tableName, now: deps.now });

export type AcquireResult =
  | { outcome: 'acquired'; record: ChannelRecord }
  | { outcome: 'already-done'; record: ChannelRecord };

/** Explains why an operation cannot begin from the record's status (throws). */
export function refuse(record: ChannelRecord, workflow: Workflow): never {
  const busy = IN_PROGRESS[record.status];
  if (busy) throw new ChannelBusyError(record.channelId, busy);
  throw new ChannelStateError(record.channelId, record.status, workflow);
}

/**
 * Takes the channel for `workflow` on behalf of `execution`. Already in the target status →
 * `already-done` (nothing written). Otherwise ChannelBusyError / ChannelStateError /
 * ChannelNotFoundError.
 */
export async function acquire(deps: GuardDeps, channelId: string, workflow: Workflow, execution: ExecutionRef): Promise<AcquireResult> {
  const rule = OPERATION_RULES[workflow];
  const registry = registryOf(deps);
  const taken = await registry.takeLock(channelId, rule, execution);
  if (taken) return { outcome: 'acquired', record: taken };
  const record = await registry.find(channelId);
  if (!record) throw new ChannelNotFoundError(channelId);
  if (rule.done.includes(record.status)) return { outcome: 'already-done', record };
  return refuse(record, workflow);
}

/**
 * Gives the channel back when StartExecution itself failed (nothing ran): only if this
 * execution still owns it, so a later owner is never overwritten.
 */
export async function release(deps: GuardDeps, channelId: string, execution: ExecutionRef, status: ChannelStatus, desiredState: DesiredState): Promise<void> {
  await registryOf(deps).releaseLock(channelId, execution, status, desiredState);
}

/** Step Functions execution ARN for a name chosen before StartExecution (so the lock can name it). */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  // arn:aws:states:<region>:<account>:stateMachine:<name>
  parts[5] = 'execution';
  return `${parts.join(':')}:${name}`;
}

/** Execution names: ≤ 80 characters of [A-Za-z0-9-_]; unique per request. */
export function executionName(workflow: Workflow, channelId: string, now: Date, suffix?: string): string {
  const stamp = now.getTime().toString(36);
  const rand = suffix ?? Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');
  return `${workflow}-${channelId}-${stamp}-${rand}`.slice(0, 80);
}
