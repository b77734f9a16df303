/**
 * Channel lifecycle operations behind the HTTP routes. Each long operation takes the registry
 * guard first (so nothing starts when another operation holds the channel), then starts its
 * workflow with an execution name chosen up front (so the lock names its owner).
 */
import { randomBytes } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { checkCapacity } from '../capacity';
import { config } from '../config';
import { newGeneration } from '../ids';
import { resolveProfile } from '../profile';
import { ChannelBusyError, ValidationError } from '../errors';
import type { ChannelRecord, DesiredState, ExecutionRef } from '../channel/registry';
import type * as z from 'zod/mini';
import type { ApiDeps } from './deps';
import { acquire, executionArnFor, executionName, isInProgress, release, refuse, type GuardDeps } from '../channel/lock';
import { describeExecution, executionSteps, type ExecutionStep } from './executions';
import { broadcastView, cancelAllSchedules, costGuardView, prepareAt } from '../channel/broadcasts';
import type { Workflow } from '../channel/settings';
import { alarmStates, alarmsInAlarm } from '../alarms/states';
import type {
  ChannelDetail, ChannelListItem, ChannelSummary, createChannelBody, listChannelsQuery,
} from './schemas';

export const channelLocation = (channelId: string) => `/channels/${channelId}`;

export function newChannelId(): string {
  return `ch-${randomBytes(6).toString('hex')}`;
}

export const guardDeps = (deps: ApiDeps): GuardDeps => ({ ddb: deps.ddb, tableName: deps.channelsTable, now: deps.now });

/** Resolves the profile, naming bad fields relative to the request body. */
export function profileFromRequest(profileName: string, overrides: Record<string, unknown> | undefined) {
  try {
    return resolveProfile(profileName, overrides ?? {});
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(error.message, error.details.map((d) => ({ ...d, field: d.field === '(root)' ? 'body.overrides' : `body.overrides.${d.field}` })));
    }
    throw error;
  }
}

export interface Accepted { channelId: string; operation: Workflow; executionArn: string; location: string }

async function startWorkflow(deps: ApiDeps, workflow: Workflow, name: string, input: Record<string, unknown>): Promise<string> {
  const out = await deps.sfn.send(new StartExecutionCommand({
    stateMachineArn: deps.settings.stateMachineArn(workflow),
    name,
    input: JSON.stringify(input),
  }));
  return out.executionArn ?? executionArnFor(deps.settings.stateMachineArn(workflow), name);
}

export function executionRef(deps: ApiDeps, workflow: Workflow, name: string): ExecutionRef {
  return { workflow, arn: executionArnFor(deps.settings.stateMachineArn(workflow), name), startedAt: deps.now().toISOString() };
}

/** POST /channels */
export async function createChannel(deps: ApiDeps, body: z.output<typeof createChannelBody>, idempotencyKey?: string): Promise<Accepted> {
  const profile = profileFromRequest(body.profile, body.overrides);
  let channelId = body.channelId ?? newChannelId();
  let generation = newGeneration(deps.now());
  if (idempotencyKey) {
    const claim = await deps.idempotency.claim('POST /channels', idempotencyKey, body, { channelId, generation });
    ({ channelId, generation } = claim.record);
  }
  // Deterministic per (channel, generation): a replayed request re-issues the same StartExecution,
  // which Step Functions treats as idempotent for the same name and input.
  const name = `provision-${channelId}-${generation}`.slice(0, 80);
  const execution = executionRef(deps, 'provision', name);
  const forget = async () => {
    if (idempotencyKey) await deps.idempotency.forget('POST /channels', idempotencyKey).catch(() => undefined);
  };
  try {
    // Refused here, before the record or anything on AWS exists, when the account cannot hold it.
    const { stage, quotas } = deps.capacity ?? { stage: config.stage, quotas: config.accountQuotas };
    await checkCapacity(deps, { channelId, profile }, stage, quotas);
    await deps.registry.create({ channelId, generation, profile, desiredState: body.start ? 'ON_AIR' : 'IDLE', execution });
  } catch (error) {
    await forget();
    throw error;
  }
  try {
    const arn = await startWorkflow(deps, 'provision', name, { channelId, startAfterCreate: body.start });
    return { channelId, operation: 'provision', executionArn: arn, location: channelLocation(channelId) };
  } catch (error) {
    // The workflow never started, so nothing exists on AWS: release the id for a retry.
    await deps.registry.update(channelId, {
      status: 'DELETED', desiredState: 'DELETED', deletedAt: deps.now().toISOString(),
      failure: { step: 'StartExecution', error: error instanceof Error ? error.name : 'Error', cause: 'the provision workflow could not be started', at: deps.now().toISOString() },
    }).catch(() => undefined);
    await forget();
    throw error;
  }
}

export type LifecycleOutcome = { accepted: Accepted } | { current: ChannelDetail };

/** Takes the guard, starts the workflow; gives the guard back if the workflow never started. */
export async function runOperation(deps: ApiDeps, channelId: string, workflow: Workflow, input: Record<string, unknown> = {}): Promise<LifecycleOutcome> {
  const before = await deps.registry.get(channelId);
  const name = executionName(workflow, channelId, deps.now());
  const execution = executionRef(deps, workflow, name);
  const taken = await acquire(guardDeps(deps), channelId, workflow, execution);
  if (taken.outcome === 'already-done') return { current: await channelDetail(deps, taken.record) };
  try {
    const arn = await startWorkflow(deps, workflow, name, { channelId, ...input });
    return { accepted: { channelId, operation: workflow, executionArn: arn, location: channelLocation(channelId) } };
  } catch (error) {
    await release(guardDeps(deps), channelId, execution, before.status, before.desiredState);
    throw error;
  }
}

export const startChannel = (deps: ApiDeps, channelId: string) => runOperation(deps, channelId, 'start', { reason: 'api' });
export const stopChannel = (deps: ApiDeps, channelId: string) => runOperation(deps, channelId, 'stop', { reason: 'api' });

/**
 * DELETE /channels/{id}: cancels every planned broadcast, then tears down. A PLANNED channel
 * whose provisioning has not begun has nothing on AWS: it is simply marked DELETED.
 */
export async function deleteChannel(deps: ApiDeps, channelId: string): Promise<LifecycleOutcome> {
  const record = await deps.registry.get(channelId);
  if (record.status === 'DELETED') return { current: await channelDetail(deps, record) };
  if (isInProgress(record.status)) refuse(record, 'teardown');
  if (record.status === 'PLANNED' && Object.values(record.broadcasts ?? {}).some((b) => prepareAt(b).getTime() <= deps.now().getTime())) {
    // Its prepare schedule has fired: provisioning is starting. Deleting now would race it.
    throw new ChannelBusyError(channelId, 'provision');
  }
  await cancelAllSchedules(deps, record);
  if (record.status === 'PLANNED') {
    const cancelled = await cancelPlanned(deps, record);
    if (cancelled) return { current: await channelDetail(deps, cancelled) };
  }
  return runOperation(deps, channelId, 'teardown', { reason: 'delete' });
}

async function cancelPlanned(deps: ApiDeps, record: ChannelRecord): Promise<ChannelRecord | undefined> {
  const at = deps.now().toISOString();
  const desired: DesiredState = 'DELETED';
  try {
    await deps.registry.update(record.channelId, { status: 'DELETED', desiredState: desired, deletedAt: at });
  } catch {
    return undefined;
  }
  return deps.registry.get(record.channelId);
}

function summary(record: ChannelRecord): ChannelSummary {
  return {
    channelId: record.channelId,
    status: record.status,
    desiredState: record.desiredState,
    profileName: record.profileName,
    playback: Object.fromEntries(Object.entries(record.playback ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export async function channelDetail(deps: ApiDeps, record: ChannelRecord): Promise<ChannelDetail> {
  const { alarms, ...resources } = record.resources ?? { alarms: {} };
  const execution = record.execution ? await describeExecution(deps.sfn, record.execution) : undefined;
  return {
    ...summary(record),
    profile: record.profile,
    resources: resources as Record<string, unknown>,
    ingestUrls: record.ingestUrls ?? [],
    alarms: alarms ?? {},
    costGuard: costGuardView(record),
    ...(execution ? { execution } : {}),
    ...(record.failure ? { failure: { ...record.failure, cause: record.failure.cause.split('\n')[0].slice(0, 300) } } : {}),
    broadcasts: broadcastView(record, deps.now()),
    recoveryActions: recoveryView(record),
    notices: (record.notices ?? []).map((n) => ({ ...n })),
    ...(record.onAirAt ? { onAirAt: record.onAirAt } : {}),
  };
}

/** GET /channels/{id}: the detail and, with CloudWatch at hand, each alarm's state (one DescribeAlarms per region). */
export async function getChannel(deps: ApiDeps, channelId: string): Promise<ChannelDetail> {
  const record = await deps.registry.get(channelId);
  const [detail, states] = await Promise.all([
    channelDetail(deps, record),
    deps.cloudwatch ? alarmStates(deps.cloudwatch, record.resources?.alarms ?? {}) : undefined,
  ]);
  return states ? { ...detail, alarmStates: states } : detail;
}

function encodeCursor(cursor: Record<string, unknown> | undefined): string | undefined {
  return cursor ? Buffer.from(JSON.stringify(cursor)).toString('base64url') : undefined;
}

function decodeCursor(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      && Object.keys(parsed).length === 1 && typeof (parsed as { channelId?: unknown }).channelId === 'string') {
      return parsed as Record<string, unknown>;
    }
  } catch { /* fall through */ }
  throw new ValidationError('Invalid cursor', [{ field: 'query.cursor', message: 'not a cursor this API returned' }]);
}

/** GET /channels: a DynamoDB scan page; the status filter applies within the page. */
export async function listChannels(deps: ApiDeps, query: z.output<typeof listChannelsQuery>): Promise<{ items: ChannelListItem[]; nextCursor?: string }> {
  const page = await deps.registry.list({ limit: query.limit, cursor: decodeCursor(query.cursor) });
  const records = page.items.filter((r) => !query.status || r.status === query.status);
  // One DescribeAlarms (state ALARM) per region for the whole page, not one per channel.
  const alarming = deps.cloudwatch
    ? await alarmsInAlarm(deps.cloudwatch, records.map((r) => ({ channelId: r.channelId, alarms: r.resources?.alarms ?? {} })))
    : undefined;
  const items = records.map((r): ChannelListItem => {
    const n = alarming?.get(r.channelId);
    return { ...summary(r), ...(n !== undefined ? { alarmsInAlarm: n } : {}) };
  });
  const nextCursor = encodeCursor(page.cursor);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}

/** GET /channels/{id}/events: the steps of the channel's running or last workflow. */
export async function channelEvents(deps: ApiDeps, channelId: string): Promise<{ execution?: { workflow: string; executionArn: string }; steps: ExecutionStep[]; recoveryActions: RecoveryActionView[] }> {
  const record = await deps.registry.get(channelId);
  if (!record.execution) return { steps: [], recoveryActions: recoveryView(record) };
  let steps: ExecutionStep[] = [];
  try {
    steps = await executionSteps(deps.sfn, record.execution.arn);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ExecutionDoesNotExist')) throw error;
  }
  return { execution: { workflow: record.execution.workflow, executionArn: record.execution.arn }, steps, recoveryActions: recoveryView(record) };
}

type RecoveryActionView = ChannelDetail['recoveryActions'][number];

/** The recovery audit trail (functions/lib/recovery), newest first, as the API shows it. */
function recoveryView(record: ChannelRecord): RecoveryActionView[] {
  return (record.recoveryActions ?? []).map((a) => ({
    at: a.at, trigger: { ...a.trigger }, decision: a.decision, result: a.result,
    ...(a.actionId ? { actionId: a.actionId } : {}), ...(a.rule ? { rule: a.rule } : {}),
    ...(a.action ? { action: a.action } : {}), ...(a.detail ? { detail: a.detail } : {}),
  }));
}
