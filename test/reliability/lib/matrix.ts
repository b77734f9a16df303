/**
 * The fault matrix runner: one workflow × every AWS operation it calls (named from a clean run's
 * request log, so a new call is covered the day it is added) × each fault kind, run in the local
 * cloud one case at a time (a twin fault applies to every caller of that operation). Each case
 * must end in the workflow's success state or fully failed-and-handled, with:
 *  - no orphan: every resource carrying the channel's tag is one the registry records, and every
 *    id the registry records exists (the registry agrees with the inventory);
 *  - a notification on SNS for every failure.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { TRANSITIONAL as TRANSITIONAL_STATUSES } from '../../../functions/lib/sweeper';
import type { InventoryItem } from '../../../local/core/types';
import type { TestCloud } from '../../integration/helpers/local-cloud';
import { clientsFor, sleep, start, sweepUntilClean, waitDone, type Clients } from './cloud';

export type FaultKind = 'transient-once' | 'persistent' | 'throttle-storm' | 'stuck-transitional' | 'handler-crash-once' | 'handler-crash-persistent' | 'handler-timeout-once';
export const FAULT_KINDS: FaultKind[] = ['transient-once', 'persistent', 'throttle-storm', 'stuck-transitional', 'handler-crash-once', 'handler-crash-persistent', 'handler-timeout-once'];

/** A 4xx each service's model declares, that OnAir does not retry (and never reads as "already exists"). */
const NON_RETRYABLE: Record<string, string> = {
  medialive: 'BadRequestException', mediapackagev2: 'ValidationException', mediapackage: 'ForbiddenException',
  cloudfront: 'InvalidArgument', monitoring: 'InvalidParameterValue', secretsmanager: 'InvalidRequestException',
};
/** The services whose resources have transitional states in the twin (holdable). */
const TRANSITIONAL = new Set(['medialive', 'cloudfront']);

export interface MatrixRow {
  workflow: string; target: string; kind: FaultKind; outcome: string; expected: string; notified: boolean | 'n/a'; orphans: number; ok: boolean;
}

export interface CaseSpec {
  workflow: string;
  /** `service.Operation`, or `lambda:<function key>` for handler faults. */
  target: string;
  kind: FaultKind;
}

/** The workflow's calls in a clean run: AWS operations (DynamoDB and SNS excepted) and its functions. */
export function callsOf(cloud: TestCloud, since: number, machine: string): { ops: string[]; functions: string[] } {
  // ListAlerts is automatic recovery answering the channel's own MediaLive events, not this workflow.
  const ops = [...new Set(cloud.twin.requests.list({ since }).filter((r) => r.seq > since && r.status < 400 && !['dynamodb', 'sns', 'lambda', 'states', 'sts', 'events'].includes(r.service) && r.operation !== 'ListAlerts')
    .map((r) => `${r.service}.${r.operation}`))].sort();
  const fns = [...new Set(Object.values(cloud.workflows.stateMachines[machine]!.taskFunctions))].sort();
  return { ops, functions: fns };
}

export function casesFor(workflow: string, calls: { ops: string[]; functions: string[] }): CaseSpec[] {
  const out: CaseSpec[] = [];
  for (const target of calls.ops) {
    out.push({ workflow, target, kind: 'transient-once' }, { workflow, target, kind: 'persistent' }, { workflow, target, kind: 'throttle-storm' });
    if (TRANSITIONAL.has(target.split('.')[0]!) && /^(Create|Start|Stop|Delete|Update)/.test(target.split('.')[1]!)) out.push({ workflow, target, kind: 'stuck-transitional' });
  }
  for (const fn of calls.functions) {
    out.push(...(['handler-crash-once', 'handler-crash-persistent', 'handler-timeout-once'] as const).map((kind) => ({ workflow, target: `lambda:${fn}`, kind })));
  }
  return out;
}

/** Injects the case's fault; returns a cleanup and, for holds, a release to call once the workflow gave up. */
export function inject(cloud: TestCloud, spec: CaseSpec): { clear(): void; hold?: string } {
  const f = cloud.twin.faults;
  const ids: string[] = [];
  if (spec.target.startsWith('lambda:')) {
    const fn = cloud.workflows.functions[spec.target.slice('lambda:'.length)]!;
    // The Step Functions twin names the function by ARN or name: fault both spellings.
    for (const name of [fn.arn, fn.name]) {
      // A timeout: the handler ran (its AWS calls happened), then Lambda reports Sandbox.Timedout —
      // the case a retry must survive without doing anything twice.
      ids.push(f.inject(spec.kind === 'handler-timeout-once'
        ? { service: 'lambda', operation: 'Invoke', match: { FunctionName: name }, timeout: true, nth: 1, times: 1 }
        : {
          service: 'lambda', operation: 'Invoke', match: { FunctionName: name },
          error: { code: 'ServiceException', message: 'injected: the function crashed', status: 500 },
          ...(spec.kind === 'handler-crash-once' ? { nth: 1, times: 1 } : { always: true }),
        }).id);
    }
    return { clear: () => ids.forEach((id) => f.remove(id)) };
  }
  const [service, operation] = spec.target.split('.') as [string, string];
  switch (spec.kind) {
    case 'transient-once':
      ids.push(f.inject({ service, operation, nth: 1, times: 1, error: { code: 'InternalServerErrorException', message: 'injected transient fault', status: 500 } }).id);
      break;
    case 'persistent':
      ids.push(f.inject({ service, operation, always: true, error: { code: NON_RETRYABLE[service] ?? 'BadRequestException', message: `injected at ${operation}` } }).id);
      break;
    case 'throttle-storm':
      // More throttles in a row than the SDK's own 3 attempts absorb, so the state machine's Retry
      // (backoff + jitter) must carry the rest. (The SDK's throttling backoff is real time: kept short.)
      ids.push(f.inject({ service, operation, throttle: true, times: 4 }).id);
      break;
    case 'stuck-transitional':
      // Every resource of the service freezes in its transitional state once this call happened.
      return { clear: () => f.release(service, '*'), hold: service };
    default:
      break;
  }
  return { clear: () => ids.forEach((id) => f.remove(id)) };
}

const OWN_TABLES = (i: InventoryItem) => (i.service === 'dynamodb' && i.type === 'table') || (i.service === 'sns' && (i.type === 'topic' || i.type === 'subscription'))
  || (i.service === 'scheduler' && i.type === 'scheduleGroup') || (i.service === 'cloudfront' && i.type === 'cachePolicy');

/** Resources of one channel: by its ownership tag, or (untaggable OACs) by the record naming them. */
export function inventoryOf(cloud: TestCloud, channelId: string, record?: ChannelRecord): InventoryItem[] {
  const recorded = record ? JSON.stringify(record.resources) : '';
  return cloud.twin.inventory().filter((i) => !OWN_TABLES(i) && (i.tags?.['onair:channel'] === channelId || (recorded !== '' && !i.tags && recorded.includes(`"${i.id}"`))));
}

/** Ids the registry says exist (the primary ids; packager parts by name). */
export function recordedIds(record: ChannelRecord): string[] {
  const r = record.resources;
  const ids = [r.inputSecurityGroupId, r.inputId, r.medialiveChannelId, r.distributionId, r.originAccessControlId];
  const p = r.packager;
  if (p.kind === 'mediapackage-v2') ids.push(p.channelName); else ids.push(p.channelId, p.cdnSecretArn);
  ids.push(...Object.values(r.alarms ?? {}).flat());
  return ids.filter((x): x is string => typeof x === 'string' && x !== '');
}

/** Orphans of a channel: inventory items the registry does not know, plus recorded ids that do not exist. */
export function orphansOf(cloud: TestCloud, record: ChannelRecord | undefined, channelId: string): string[] {
  const inv = inventoryOf(cloud, channelId, record);
  const known = record ? JSON.stringify(record.resources) : '';
  // Alarms are listed by ARN and recorded by name; MediaPackage v2 parts by path and recorded by name.
  const keyOf = (id: string): string => (id.includes(':alarm:') ? id.split(':alarm:')[1]! : id.split('/').pop()!);
  const unknown = inv.filter((i) => !known.includes(`"${i.id}"`) && !known.includes(`"${keyOf(i.id)}"`))
    .map((i) => `${i.service} ${i.type} ${i.id} (not in the registry)`);
  // A recorded id must exist, whoever's tags it carries: an input security group is shared by CIDR
  // set (medialive/operations.ts) and keeps the tags of the channel that created it.
  const invText = JSON.stringify(cloud.channelInventory());
  const ghosts = record ? recordedIds(record).filter((id) => !invText.includes(id)).map((id) => `${id} (recorded, does not exist)`) : [];
  return [...unknown, ...ghosts];
}

/** SNS notices the twin has published since the `sinceCount`-th (see publishedCount). */
export function publishedSince(cloud: TestCloud, sinceCount: number): { Subject?: string; Message: string }[] {
  const sns = cloud.twin.services.get('sns') as unknown as { published(): { Subject?: string; Message: string }[] };
  return sns.published().slice(sinceCount);
}

export function notified(cloud: TestCloud, channelId: string, sinceCount: number): boolean {
  return publishedSince(cloud, sinceCount).some((m) => `${m.Subject ?? ''}\n${m.Message}`.includes(channelId));
}

export function publishedCount(cloud: TestCloud): number {
  return publishedSince(cloud, 0).length;
}

/** Real ms a hold lasts at most: OnAir's longest wait bound (2100 s) in twin time, plus margin. */
const HOLD_LIMIT_MS = Math.ceil((2400 * 1000) / Number(process.env.ONAIR_PROVE_SCALE ?? 300));

export interface RunCaseArgs {
  cloud: TestCloud;
  c: Clients;
  spec: CaseSpec;
  machine: string;
  channelId: string;
  input: Record<string, unknown>;
  /** Registry status on success. */
  successStatus: string;
  /** Whether a failure must leave nothing (provision) or leave the channel's resources recorded. */
  failureLeavesNothing: boolean;
}

/** Runs one case to its end; never throws for the workflow's own failure (that is an outcome). */
export async function runCase(a: RunCaseArgs): Promise<MatrixRow> {
  const { cloud, c, spec } = a;
  const mark = cloud.twin.requests.list().at(-1)?.seq ?? 0;
  const snsBefore = publishedCount(cloud);
  const fault = inject(cloud, spec);
  let held = false;
  let released = false;
  let heldSince: number | undefined;
  try {
    const arn = await start(c, cloud, a.machine, a.input);
    if (fault.hold) {
      // Hold once the operation has happened; release once the workflow has given up on waiting.
      const [service, operation] = spec.target.split('.') as [string, string];
      const until = Date.now() + 120_000;
      for (;;) {
        const d = await c.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        if (!held && !released && cloud.twin.requests.list({ since: mark }).some((r) => r.seq > mark && r.service === service && r.operation === operation)) {
          cloud.twin.faults.hold(service, '*');
          held = true;
          heldSince = Date.now();
        }
        const rec = await c.registry.find(a.channelId);
        // Given up: its failure is recorded — or it has waited past the longest wait bound OnAir has
        // (POLLS: 2100 s), when a failure path of its own may itself be waiting on the frozen resource.
        const gaveUp = rec?.failure !== undefined || rec?.status === 'FAILED' || rec?.status === 'TEARING_DOWN'
          || (heldSince !== undefined && Date.now() - heldSince > HOLD_LIMIT_MS);
        // Released once, for good: the workflow gave up waiting, its rollback must be able to proceed.
        if (held && gaveUp) { fault.clear(); held = false; released = true; }
        if (d.status !== 'RUNNING' || Date.now() > until) break;
        await sleep(10);
      }
      fault.clear();
      held = false;
    }
    const exec = await waitDone(c, arn, 180_000);
    fault.clear();
    // A teardown the failed workflow started (rollback) runs on: wait for it too.
    await settle(c, a.channelId);
    // A workflow that died without handling its failure (its execution TIMED_OUT, say) is what the
    // sweeper exists for: it must find the channel and clean it. The outcome says so.
    // Likewise a rollback that could not finish while the fault persisted (it needs the faulted
    // call too): FAILED with its remaining resources recorded — the sweeper finishes it once the
    // fault is gone.
    let swept = false;
    const leftBefore = inventoryOf(cloud, a.channelId, (await c.registry.find(a.channelId)) ?? undefined).length;
    const rolledBackPartly = a.failureLeavesNothing && exec.status !== 'SUCCEEDED' && leftBefore > 0;
    if (exec.status === 'TIMED_OUT' || exec.status === 'ABORTED' || rolledBackPartly) {
      const { reports } = await sweepUntilClean(c);
      swept = reports.some((r) => r.findings.some((f) => f.channelId === a.channelId));
    }
    const record = await c.registry.find(a.channelId);
    const status = record?.status ?? 'MISSING';
    const success = exec.status === 'SUCCEEDED' && status === a.successStatus;
    const orphans = orphansOf(cloud, record, a.channelId);
    const left = inventoryOf(cloud, a.channelId, record).length;
    // A workflow that ended must not leave its channel in a transitional status (locked, as if
    // something were still running): that is a stuck channel the next operation would trip over.
    const stuck = exec.status !== 'RUNNING' && (TRANSITIONAL_STATUSES as string[]).includes(status);
    const handled = !success && !stuck && (a.failureLeavesNothing ? left === 0 && (record === undefined || recordedIds(record).length === 0) : true);
    const wasNotified = success ? 'n/a' as const : notified(cloud, a.channelId, snsBefore);
    const outcome = success ? a.successStatus : `${exec.status}${swept ? ', swept' : ''} → ${status}${stuck ? ' (stuck)' : ''}${a.failureLeavesNothing ? (left === 0 ? ', rolled back' : `, ${left} left`) : ''}`;
    return {
      workflow: spec.workflow, target: spec.target, kind: spec.kind, outcome,
      expected: `${a.successStatus} or ${a.failureLeavesNothing ? 'rolled back' : 'failed, recorded'}`,
      notified: wasNotified, orphans: orphans.length,
      ok: (success || (handled && wasNotified === true)) && orphans.length === 0,
    };
  } finally {
    fault.clear();
    if (held) cloud.twin.faults.release(spec.target.split('.')[0]!, '*');
  }
}

/**
 * After a case: the channel is removed with the teardown workflow (the sweeper finishing what that
 * leaves), so every case starts from a near-empty cloud — running channels cost the twin CPU on
 * every tick (media, metrics, alarms, reconcile) and would slow each later case. A channel the
 * faulted workflow left must still come apart cleanly: what is left afterwards is returned.
 */
export async function removeChannel(cloud: TestCloud, c: Clients, channelId: string): Promise<string[]> {
  const before = await c.registry.find(channelId);
  if (before && before.status !== 'DELETED') {
    await waitDone(c, await start(c, cloud, 'teardown', { channelId }), 180_000).catch(() => undefined);
    await settle(c, channelId);
  }
  if (inventoryOf(cloud, channelId, (await c.registry.find(channelId)) ?? undefined).length > 0) await sweepUntilClean(c);
  const record = await c.registry.find(channelId);
  return inventoryOf(cloud, channelId, record ?? undefined).map((i) => `${i.service} ${i.type} ${i.id}`);
}

/** Waits while the channel is in a transitional status (a rollback or child workflow still running). */
export async function settle(c: Clients, channelId: string, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await c.registry.find(channelId);
    if (!r || !(TRANSITIONAL_STATUSES as string[]).includes(r.status)) return;
    if (r.execution?.arn) {
      const d = await waitDone(c, r.execution.arn, Math.max(1, until - Date.now())).catch(() => undefined);
      const again = await c.registry.find(channelId);
      if (!again || again.execution?.arn === r.execution.arn) return;
      void d;
    }
    if (Date.now() > until) return;
    await sleep(20);
  }
}

export function printTable(rows: MatrixRow[]): string {
  const cols: (keyof MatrixRow)[] = ['workflow', 'target', 'kind', 'outcome', 'notified', 'orphans', 'ok'];
  const widths = cols.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [line(cols as string[]), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((k) => String(r[k]))))].join('\n');
}

export { clientsFor };
