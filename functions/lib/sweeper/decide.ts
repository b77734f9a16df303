/**
 * The sweeper's decider (steps 3–5 of functions/lib/sweeper/index.ts): given the registry and the
 * tagged resources the listers returned, decides per channel whether it is orphaned, stuck or
 * abandoned, and (unless dry-run) adopts, fails and hands it to the teardown workflow; one summary.
 * Needs no list API: its bundle carries DynamoDB, Step Functions and SNS only.
 */
import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isNotFound } from '../errors';
import { ChannelRegistry, type ChannelRecord, type ChannelStatus } from '../channel/registry';
import { publishNotice, remainingResources } from '../notify';
import { IN_PROGRESS_STATUSES, isInProgress, type InProgressStatus } from '../channel/lock';
import { PLACEHOLDER_PROFILES } from './placeholder';
import { recordedAs, recordedValues, type TaggedResource } from './tagged';

export interface DeciderDeps {
  sfn: SFNClient;
  sns: SNSClient;
  ddb: DynamoDBDocumentClient;
  registry: Pick<ChannelRegistry, 'list' | 'find' | 'create' | 'recordResource' | 'update'>;
  config: { stage: string; region: string; channelsTable: string; notificationsTopicArn: string; teardownStateMachineArn: string };
  now: () => Date;
}

/** The `event` attribute of the sweeper's summary notice: a dry run's report, or a sweep that started teardowns. */
export const SWEEPER_EVENTS = ['SWEEPER_FOUND', 'SWEEPER_CLEANING'] as const;

export type TransitionalStatus = InProgressStatus;
/** Statuses a workflow holds a channel in while it runs (its lock, channel/lock.ts); anything else is settled. */
export const TRANSITIONAL: TransitionalStatus[] = IN_PROGRESS_STATUSES;

/**
 * How long each transitional status may last before the channel counts as stuck even while its
 * workflow runs: each workflow's own bound (state machine TimeoutSeconds: provisioning waits up to
 * ~10 min for RUNNING plus ~35 min for a CloudFront deploy; teardown 1 h) plus a margin.
 */
export const DEFAULT_DEADLINES: Record<TransitionalStatus, number> = {
  PROVISIONING: 75 * 60, STARTING: 30 * 60, STOPPING: 20 * 60, TEARING_DOWN: 90 * 60,
};

export interface SweepOptions {
  /** Only report: nothing is written, stopped or started. */
  dryRun: boolean;
  deadlines?: Partial<Record<TransitionalStatus, number>>;
  /**
   * A transitional channel whose workflow is not RUNNING is stuck only after this long (the API
   * takes the lock a moment before StartExecution), and a FAILED channel with resources left is
   * abandoned only after this long (room for a human rerun). Seconds, default 600.
   */
  graceSeconds?: number;
}

export const SWEEP_FINDING_KINDS = ['orphaned', 'stuck', 'abandoned'] as const;

export interface SweepFinding {
  channelId: string;
  kind: (typeof SWEEP_FINDING_KINDS)[number];
  status: ChannelStatus | 'MISSING';
  reason: string;
  resources: string[];
  action: 'reported' | 'teardown-started' | 'skipped';
  teardownExecutionArn?: string;
}

export interface SweepReport {
  dryRun: boolean;
  channelsScanned: number;
  /** Tagged resources the listers found (before reducing their lists to what the decider needs). */
  taggedResources: number;
  findings: SweepFinding[];
  /** Listers that left channels out of their result (tagged.ts LISTER_RESULT_BYTES): the next sweep takes them. */
  truncated: string[];
  /** Listers that failed: this sweep decided without their services' resources. */
  listersFailed: string[];
}

/** What the listers gave the decider. */
export interface Listed {
  tagged: TaggedResource[];
  found: number;
  truncated?: string[];
  listersFailed?: string[];
}

function describeTagged(t: TaggedResource): string {
  return `${t.service} ${t.type} ${t.id}`;
}

async function executionStatus(deps: DeciderDeps, arn: string | undefined): Promise<string> {
  if (!arn) return 'NONE';
  try {
    return (await deps.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status ?? 'UNKNOWN';
  } catch (error) {
    if (isNotFound(error) || (error as { name?: string }).name === 'ExecutionDoesNotExist') return 'NONE';
    throw error;
  }
}

const ageSeconds = (iso: string | undefined, now: Date): number => (iso ? (now.getTime() - Date.parse(iso)) / 1000 : Number.POSITIVE_INFINITY);

/** Decides whether a channel needs sweeping (undefined: it is owned by a live channel or workflow). */
async function judge(deps: DeciderDeps, record: ChannelRecord | undefined, tagged: TaggedResource[], options: SweepOptions): Promise<Omit<SweepFinding, 'channelId' | 'action' | 'resources'> | undefined> {
  const now = deps.now();
  const grace = options.graceSeconds ?? 600;
  if (!record || record.status === 'DELETED') {
    return tagged.length ? { kind: 'orphaned', status: record ? 'DELETED' : 'MISSING', reason: record ? 'resources left after the channel was deleted' : 'no channel in the registry owns these resources' } : undefined;
  }
  if (isInProgress(record.status)) {
    const status = record.status;
    const exec = await executionStatus(deps, record.execution?.arn);
    const age = ageSeconds(record.updatedAt, now);
    const deadline = options.deadlines?.[status] ?? DEFAULT_DEADLINES[status];
    if (exec === 'RUNNING') {
      return age > deadline ? { kind: 'stuck', status, reason: `${status} for ${Math.round(age)} s, past its ${deadline} s deadline; its workflow is still running` } : undefined;
    }
    return age >= grace ? { kind: 'stuck', status, reason: `${status} but its workflow is ${exec === 'NONE' ? 'gone' : exec}` } : undefined;
  }
  if (record.status === 'FAILED') {
    const left = remainingResources(record.resources).length + tagged.length;
    if (left === 0) return undefined;
    const exec = await executionStatus(deps, record.execution?.arn);
    if (exec === 'RUNNING') return undefined;
    return ageSeconds(record.updatedAt, now) >= grace ? { kind: 'abandoned', status: 'FAILED', reason: 'FAILED with resources left and no workflow running' } : undefined;
  }
  return undefined;
}

/** Records what the registry lacks, marks the channel FAILED (if it did not move), starts teardown. */
async function sweepChannel(deps: DeciderDeps, channelId: string, record: ChannelRecord | undefined, unrecorded: TaggedResource[], finding: Omit<SweepFinding, 'channelId' | 'action' | 'resources'>): Promise<string | undefined> {
  const { registry } = deps;
  let current = record;
  if (!current) {
    // The registry lost the channel: recreate the item so teardown has something to work from.
    const v1 = unrecorded.some((t) => t.service === 'mediapackage' || t.service === 'secretsmanager');
    current = await registry.create({ channelId, generation: 'swept', profile: PLACEHOLDER_PROFILES[v1 ? 'mediapackage-v1' : 'mediapackage-v2'], desiredState: 'DELETED' });
  }
  if (finding.kind === 'stuck' && finding.reason.includes('still running') && current.execution?.arn) {
    await deps.sfn.send(new StopExecutionCommand({ executionArn: current.execution.arn, error: 'OnAirSweeper', cause: finding.reason })).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  }
  const kind = current.resources.packager.kind;
  const alarms: Record<string, string[]> = { ...(current.resources.alarms ?? {}) };
  for (const t of unrecorded) {
    if ((t.service === 'mediapackage' || t.service === 'secretsmanager') && kind !== 'mediapackage-v1') continue;
    if (t.service === 'mediapackagev2' && kind !== 'mediapackage-v2') continue;
    if (t.service === 'cloudwatch') {
      const region = t.region ?? deps.config.region;
      alarms[region] = [...new Set([...(alarms[region] ?? []), t.id])];
      continue;
    }
    if (t.service === 'mediapackagev2' && t.type === 'channelGroup') {
      await registry.recordResource(channelId, ['packager', 'channelGroupName'], t.value);
      await registry.recordResource(channelId, ['packager', 'channelGroupCreated'], true);
      continue;
    }
    if (t.service === 'mediapackagev2' && t.type !== 'channelGroup') {
      const group = t.id.split('/')[0]!;
      const p = current.resources.packager as { channelGroupName?: string };
      if (!p.channelGroupName) await registry.recordResource(channelId, ['packager', 'channelGroupName'], group);
    }
    await registry.recordResource(channelId, t.path, t.value);
    if (t.type === 'distribution' && t.arn) await registry.recordResource(channelId, ['distributionArn'], t.arn);
  }
  if (unrecorded.some((t) => t.service === 'cloudwatch')) await registry.recordResource(channelId, ['alarms'], alarms);

  // Take the channel from whatever dead or stuck owner it had — only if nothing moved it since.
  // The registry over the sweeper's own client, table and clock (deps.registry may be a narrower view).
  const writer = new ChannelRegistry({ ddb: deps.ddb, tableName: deps.config.channelsTable, now: deps.now });
  const failure = { step: 'sweeper', error: finding.kind === 'orphaned' ? 'OrphanedResources' : finding.kind === 'stuck' ? 'StuckChannel' : 'AbandonedChannel', cause: finding.reason, at: deps.now().toISOString() };
  const taken = await writer.failForSweep(channelId, { status: current.status, ...(current.execution?.arn ? { executionArn: current.execution.arn } : {}) }, failure);
  if (!taken) return undefined; // someone else moved it: next run decides again
  const name = `sweep-${channelId}-${deps.now().getTime().toString(36)}`.slice(0, 80);
  const out = await deps.sfn.send(new StartExecutionCommand({
    stateMachineArn: deps.config.teardownStateMachineArn, name, input: JSON.stringify({ channelId, reason: 'delete' }),
  }));
  return out.executionArn;
}

/**
 * Steps 3–5: `records` is the registry as the decider read it; `listed.tagged` the listers'
 * resources (all of them, or each lister's reduction, tagged.ts forDecider: the same decisions).
 */
export async function decide(deps: DeciderDeps, records: ChannelRecord[], listed: Listed, options: SweepOptions): Promise<SweepReport> {
  const byId = new Map<string, ChannelRecord>(records.map((r) => [r.channelId, r]));
  const byChannel = new Map<string, TaggedResource[]>();
  for (const t of listed.tagged) byChannel.set(t.channelId, [...(byChannel.get(t.channelId) ?? []), t]);

  const candidates = new Set<string>([...byChannel.keys()]);
  for (const r of byId.values()) if (r.status !== 'DELETED' && r.status !== 'ON_AIR' && r.status !== 'IDLE' && r.status !== 'PLANNED') candidates.add(r.channelId);

  const findings: SweepFinding[] = [];
  for (const channelId of [...candidates].sort()) {
    const record = byId.get(channelId);
    const held = record ? recordedValues(record.resources) : new Set<string>();
    const mine = byChannel.get(channelId) ?? [];
    const unrecorded = mine.filter((t) => !held.has(recordedAs(t)));
    const verdict = await judge(deps, record, mine, options);
    if (!verdict) continue;
    const resources = [...new Set([...(record ? remainingResources(record.resources) : []), ...unrecorded.map(describeTagged)])];
    const finding: SweepFinding = { channelId, ...verdict, resources, action: 'reported' };
    if (!options.dryRun) {
      const arn = await sweepChannel(deps, channelId, record, unrecorded, verdict);
      finding.action = arn ? 'teardown-started' : 'skipped';
      if (arn) finding.teardownExecutionArn = arn;
    }
    findings.push(finding);
  }

  const truncated = listed.truncated ?? [];
  const listersFailed = listed.listersFailed ?? [];
  const report: SweepReport = { dryRun: options.dryRun, channelsScanned: byId.size, taggedResources: listed.found, findings, truncated, listersFailed };
  if (findings.length) {
    const lines = findings.map((f) => `${f.channelId}: ${f.kind} (${f.reason}); ${f.action === 'reported' ? 'would tear down' : f.action}: ${f.resources.join(', ') || 'registry only'}`);
    const partial = [
      ...(truncated.length ? [`Not every channel was looked at (${truncated.join(', ')} returned the first ones only): the next sweep continues.`] : []),
      ...(listersFailed.length ? [`${listersFailed.join(', ')} failed: their services' resources were not looked at.`] : []),
    ];
    // One summary naming every channel it found: a subscription filtering on `channelId` gets it for its channel.
    await publishNotice({ sns: deps.sns, topicArn: deps.config.notificationsTopicArn }, options.dryRun ? SWEEPER_EVENTS[0] : SWEEPER_EVENTS[1], findings.map((f) => f.channelId), {
      subject: `OnAir ${deps.config.stage}: sweeper ${options.dryRun ? 'found' : 'is cleaning'} ${findings.length} channel(s)`.slice(0, 100),
      message: [`The OnAir sweeper${options.dryRun ? ' (dry run: nothing changed)' : ''} found:`, ...lines, ...(partial.length ? ['', ...partial] : [])].join('\n'),
    });
  }
  return report;
}
