/**
 * The orphan sweeper: what a crash, a killed workflow or a lost registry write leaves behind.
 *
 * One run (scheduled; see serverless.yml `sweeper`):
 *  1. reads every channel in the registry;
 *  2. lists every resource carrying this stage's OnAir tags (onair:stage, onair:channel) through
 *     each service's own list (+ tags) APIs — MediaLive channels/inputs/security groups,
 *     MediaPackage v2 groups/channels/endpoints, MediaPackage v1 channels/endpoints, CloudFront
 *     distributions (and OACs, which cannot be tagged, by their deterministic name), CloudWatch
 *     alarms in the channel region and us-east-1, Secrets Manager secrets;
 *  3. decides, per channel id:
 *     - orphaned: resources exist but the channel is missing from the registry or DELETED;
 *     - stuck: a transitional status (PROVISIONING, STARTING, STOPPING, TEARING_DOWN) whose
 *       workflow is no longer running (aborted, crashed, timed out) after a short grace, or that
 *       has outlived its deadline (its execution is then stopped);
 *     - abandoned: FAILED with resources left (a rollback that could not finish) past its grace;
 *  4. acts (unless dry-run): records every tagged resource the registry does not hold yet onto
 *     the channel ("adoption"), marks the channel FAILED with the sweeper as the cause (a
 *     conditional write: only if nothing else moved it meanwhile), and starts the teardown state
 *     machine for it. Deletion itself is the teardown workflow's — the one implementation of
 *     AWS's order and waits (stop → IDLE → delete → input DETACHED → …) — never re-implemented
 *     here; a Lambda must not sleep through AWS's minutes-long transitions.
 *  5. publishes one human-readable summary when it found anything.
 *
 * Idempotent: a second run while a sweep-started teardown is running finds that channel
 * TEARING_DOWN with a RUNNING execution and leaves it alone.
 */
import { ListChannelsCommand as ListMlChannels, ListInputsCommand, ListInputSecurityGroupsCommand, type MediaLiveClient } from '@aws-sdk/client-medialive';
import {
  ListChannelGroupsCommand, ListChannelsCommand as ListV2Channels, ListOriginEndpointsCommand as ListV2Endpoints,
  ListTagsForResourceCommand as ListV2Tags, type MediaPackageV2Client,
} from '@aws-sdk/client-mediapackagev2';
import { ListChannelsCommand as ListV1Channels, ListOriginEndpointsCommand as ListV1Endpoints, type MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { ListDistributionsCommand, ListOriginAccessControlsCommand, ListTagsForResourceCommand as ListCfTags, type CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DescribeAlarmsCommand, ListTagsForResourceCommand as ListAlarmTags, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ListSecretsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TAG_CHANNEL, TAG_PROFILE, TAG_STAGE } from '../config';
import { isNotFound } from '../errors';
import { resolveProfile } from '../profile';
import { allPages } from '../paging';
import { ChannelRegistry, everyChannel, type ChannelRecord, type ChannelStatus, type Resources } from '../channel/registry';
import { publishNotice, remainingResources } from '../notify';
import { IN_PROGRESS_STATUSES, isInProgress, type InProgressStatus } from '../channel/lock';

export interface SweeperDeps {
  medialive: MediaLiveClient;
  mediapackagev2: MediaPackageV2Client;
  mediapackage: MediaPackageClient;
  cloudfront: CloudFrontClient;
  cloudwatch: CloudWatchClient;
  /** CloudFront alarms live in us-east-1. */
  cloudwatchUsEast1: CloudWatchClient;
  secretsmanager: SecretsManagerClient;
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

export interface TaggedResource {
  channelId: string;
  profile?: string;
  service: 'medialive' | 'mediapackagev2' | 'mediapackage' | 'cloudfront' | 'cloudwatch' | 'secretsmanager';
  type: string;
  id: string;
  arn?: string;
  /** Where the registry keeps it (resources path), and the value to record. */
  path: string[];
  value: unknown;
  region?: string;
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
  taggedResources: number;
  findings: SweepFinding[];
}

function tagMap(tags: Record<string, string | undefined> | { Key?: string; Value?: string }[] | undefined): Record<string, string | undefined> {
  if (!tags) return {};
  return Array.isArray(tags) ? Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value])) : tags;
}

/** Every resource carrying this stage's OnAir tags, with where the registry would record it. */
export async function findTaggedResources(deps: SweeperDeps): Promise<TaggedResource[]> {
  const { stage } = deps.config;
  const found: TaggedResource[] = [];
  const own = (tags: Record<string, string | undefined>): { channelId: string; profile?: string } | undefined => {
    const channelId = tags[TAG_CHANNEL];
    return tags[TAG_STAGE] === stage && channelId ? { channelId, ...(tags[TAG_PROFILE] ? { profile: tags[TAG_PROFILE] } : {}) } : undefined;
  };

  // MediaLive: list responses carry the tags.
  for (const c of await allPages((t) => deps.medialive.send(new ListMlChannels({ NextToken: t })).then((o) => ({ items: o.Channels ?? [], next: o.NextToken })))) {
    const o = own(tagMap(c.Tags));
    if (o && c.Id && c.State !== 'DELETED') found.push({ ...o, service: 'medialive', type: 'channel', id: c.Id, arn: c.Arn, path: ['medialiveChannelId'], value: c.Id });
  }
  for (const i of await allPages((t) => deps.medialive.send(new ListInputsCommand({ NextToken: t })).then((o) => ({ items: o.Inputs ?? [], next: o.NextToken })))) {
    const o = own(tagMap(i.Tags));
    if (o && i.Id && i.State !== 'DELETED') found.push({ ...o, service: 'medialive', type: 'input', id: i.Id, arn: i.Arn, path: ['inputId'], value: i.Id });
  }
  for (const g of await allPages((t) => deps.medialive.send(new ListInputSecurityGroupsCommand({ NextToken: t })).then((o) => ({ items: o.InputSecurityGroups ?? [], next: o.NextToken })))) {
    const o = own(tagMap(g.Tags));
    if (o && g.Id && g.State !== 'DELETED') found.push({ ...o, service: 'medialive', type: 'inputSecurityGroup', id: g.Id, arn: g.Arn, path: ['inputSecurityGroupId'], value: g.Id });
  }

  // MediaPackage v2: lists carry no tags; ListTagsForResource per resource.
  const v2Tags = async (arn: string | undefined) => (arn ? tagMap((await deps.mediapackagev2.send(new ListV2Tags({ ResourceArn: arn }))).Tags) : {});
  for (const g of await allPages((t) => deps.mediapackagev2.send(new ListChannelGroupsCommand({ NextToken: t })).then((o) => ({ items: o.Items ?? [], next: o.NextToken })))) {
    if (!g.ChannelGroupName) continue;
    const go = own(await v2Tags(g.Arn));
    if (go) found.push({ ...go, service: 'mediapackagev2', type: 'channelGroup', id: g.ChannelGroupName, arn: g.Arn, path: ['packager', 'channelGroupName'], value: g.ChannelGroupName });
    for (const c of await allPages((t) => deps.mediapackagev2.send(new ListV2Channels({ ChannelGroupName: g.ChannelGroupName, NextToken: t })).then((o) => ({ items: o.Items ?? [], next: o.NextToken })))) {
      if (!c.ChannelName) continue;
      const co = own(await v2Tags(c.Arn));
      if (co) found.push({ ...co, service: 'mediapackagev2', type: 'channel', id: `${g.ChannelGroupName}/${c.ChannelName}`, arn: c.Arn, path: ['packager', 'channelName'], value: c.ChannelName });
      for (const e of await allPages((t) => deps.mediapackagev2.send(new ListV2Endpoints({ ChannelGroupName: g.ChannelGroupName, ChannelName: c.ChannelName, NextToken: t })).then((o) => ({ items: o.Items ?? [], next: o.NextToken })))) {
        if (!e.OriginEndpointName) continue;
        const eo = own(await v2Tags(e.Arn));
        if (eo) {
          found.push({
            ...eo, service: 'mediapackagev2', type: 'originEndpoint', id: `${g.ChannelGroupName}/${c.ChannelName}/${e.OriginEndpointName}`, arn: e.Arn,
            path: ['packager', 'originEndpoints', e.OriginEndpointName], value: { name: e.OriginEndpointName, format: e.ContainerType ?? 'unknown', url: '', ...(e.Arn ? { arn: e.Arn } : {}) },
          });
        }
      }
    }
  }

  // MediaPackage v1: lists carry the tags.
  for (const c of await allPages((t) => deps.mediapackage.send(new ListV1Channels({ NextToken: t })).then((o) => ({ items: o.Channels ?? [], next: o.NextToken })))) {
    const o = own(tagMap(c.Tags));
    if (o && c.Id) found.push({ ...o, service: 'mediapackage', type: 'channel', id: c.Id, arn: c.Arn, path: ['packager', 'channelId'], value: c.Id });
  }
  for (const e of await allPages((t) => deps.mediapackage.send(new ListV1Endpoints({ NextToken: t })).then((o) => ({ items: o.OriginEndpoints ?? [], next: o.NextToken })))) {
    const o = own(tagMap(e.Tags));
    if (o && e.Id) found.push({ ...o, service: 'mediapackage', type: 'originEndpoint', id: e.Id, arn: e.Arn, path: ['packager', 'originEndpoints', e.Id], value: { name: e.Id, format: 'unknown', url: e.Url ?? '', ...(e.Arn ? { arn: e.Arn } : {}) } });
  }
  for (const s of await allPages((t) => deps.secretsmanager.send(new ListSecretsCommand({ NextToken: t })).then((o) => ({ items: o.SecretList ?? [], next: o.NextToken })))) {
    const o = own(tagMap(s.Tags));
    // A secret already scheduled for deletion is gone as far as OnAir is concerned.
    if (o && s.ARN && !s.DeletedDate) found.push({ ...o, service: 'secretsmanager', type: 'secret', id: s.ARN, arn: s.ARN, path: ['packager', 'cdnSecretArn'], value: s.ARN });
  }

  // CloudFront: distributions by tag; OACs cannot be tagged: by their deterministic name.
  const distributions = await allPages((t) => deps.cloudfront.send(new ListDistributionsCommand({ Marker: t })).then((o) => ({ items: o.DistributionList?.Items ?? [], next: o.DistributionList?.IsTruncated ? o.DistributionList.NextMarker : undefined })));
  for (const d of distributions) {
    if (!d.ARN || !d.Id) continue;
    const o = own(tagMap((await deps.cloudfront.send(new ListCfTags({ Resource: d.ARN }))).Tags?.Items));
    if (o) found.push({ ...o, service: 'cloudfront', type: 'distribution', id: d.Id, arn: d.ARN, path: ['distributionId'], value: d.Id });
  }
  const oacName = new RegExp(`^onair-${stage.replace(/[^A-Za-z0-9-]/g, '')}-(.+)-oac$`);
  for (const a of await allPages((t) => deps.cloudfront.send(new ListOriginAccessControlsCommand({ Marker: t })).then((o) => ({ items: o.OriginAccessControlList?.Items ?? [], next: o.OriginAccessControlList?.IsTruncated ? o.OriginAccessControlList.NextMarker : undefined })))) {
    const m = a.Name ? oacName.exec(a.Name) : null;
    if (m && a.Id) found.push({ channelId: m[1]!, service: 'cloudfront', type: 'originAccessControl', id: a.Id, path: ['originAccessControlId'], value: a.Id });
  }

  // CloudWatch alarms (OnAir names them onair-…), in the channel region and us-east-1.
  const regions: [CloudWatchClient, string][] = [[deps.cloudwatch, deps.config.region]];
  if (deps.config.region !== 'us-east-1') regions.push([deps.cloudwatchUsEast1, 'us-east-1']);
  for (const [cw, region] of regions) {
    const alarms = await allPages((t) => cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'onair-', NextToken: t })).then((o) => ({ items: o.MetricAlarms ?? [], next: o.NextToken })));
    for (const a of alarms) {
      if (!a.AlarmArn || !a.AlarmName) continue;
      const o = own(tagMap((await cw.send(new ListAlarmTags({ ResourceARN: a.AlarmArn }))).Tags));
      if (o) found.push({ ...o, service: 'cloudwatch', type: 'alarm', id: a.AlarmName, arn: a.AlarmArn, path: ['alarms', region], value: a.AlarmName, region });
    }
  }
  return found;
}

/**
 * Input security groups are shared by CIDR set (medialive/operations.ts): a group tagged with the
 * channel that created it belongs to every live channel that recorded it, so it is nobody's orphan
 * while any of them does — even after its creator was deleted.
 */
export function withoutSharedGroups(tagged: TaggedResource[], records: ChannelRecord[]): TaggedResource[] {
  const holders = new Map<string, string[]>();
  for (const r of records) {
    const id = r.resources.inputSecurityGroupId;
    if (id && r.status !== 'DELETED') holders.set(id, [...(holders.get(id) ?? []), r.channelId]);
  }
  return tagged.filter((t) => t.type !== 'inputSecurityGroup' || !(holders.get(t.id) ?? []).some((c) => c !== t.channelId));
}

/** Ids (and names) the registry already holds for a channel. */
function recordedValues(r: Resources): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => { if (typeof v === 'string' && v) out.add(v); };
  add(r.medialiveChannelId); add(r.inputId); add(r.slateInputId); add(r.inputSecurityGroupId); add(r.distributionId); add(r.originAccessControlId);
  const p = r.packager;
  if (p.kind === 'mediapackage-v2') { if (p.channelGroupCreated) add(p.channelGroupName); add(p.channelName); } else { add(p.channelId); add(p.cdnSecretArn); }
  for (const e of Object.values(p.originEndpoints ?? {})) add(e?.name);
  for (const names of Object.values(r.alarms ?? {})) names.forEach(add);
  return out;
}

function describeTagged(t: TaggedResource): string {
  return `${t.service} ${t.type} ${t.id}`;
}

async function executionStatus(deps: SweeperDeps, arn: string | undefined): Promise<string> {
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
async function judge(deps: SweeperDeps, record: ChannelRecord | undefined, tagged: TaggedResource[], options: SweepOptions): Promise<Omit<SweepFinding, 'channelId' | 'action' | 'resources'> | undefined> {
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
async function sweepChannel(deps: SweeperDeps, channelId: string, record: ChannelRecord | undefined, unrecorded: TaggedResource[], finding: Omit<SweepFinding, 'channelId' | 'action' | 'resources'>): Promise<string | undefined> {
  const { registry } = deps;
  let current = record;
  if (!current) {
    // The registry lost the channel: recreate the item so teardown has something to work from.
    const v1 = unrecorded.some((t) => t.service === 'mediapackage' || t.service === 'secretsmanager');
    const profile = resolveProfile(v1 ? 'mediapackage-v1' : 'default', { input: { type: 'URL_PULL', sourceUrls: ['https://sweeper.invalid/a.m3u8', 'https://sweeper.invalid/b.m3u8'] } });
    current = await registry.create({ channelId, generation: 'swept', profile, desiredState: 'DELETED' });
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

export async function sweep(deps: SweeperDeps, options: SweepOptions): Promise<SweepReport> {
  const records = new Map<string, ChannelRecord>((await everyChannel(deps.registry)).map((r) => [r.channelId, r]));
  const tagged = withoutSharedGroups(await findTaggedResources(deps), [...records.values()]);
  const byChannel = new Map<string, TaggedResource[]>();
  for (const t of tagged) byChannel.set(t.channelId, [...(byChannel.get(t.channelId) ?? []), t]);

  const candidates = new Set<string>([...byChannel.keys()]);
  for (const r of records.values()) if (r.status !== 'DELETED' && r.status !== 'ON_AIR' && r.status !== 'IDLE' && r.status !== 'PLANNED') candidates.add(r.channelId);

  const findings: SweepFinding[] = [];
  for (const channelId of [...candidates].sort()) {
    const record = records.get(channelId);
    const held = record ? recordedValues(record.resources) : new Set<string>();
    const mine = byChannel.get(channelId) ?? [];
    const unrecorded = mine.filter((t) => !held.has(typeof t.value === 'string' ? t.value : (t.value as { name: string }).name));
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

  const report: SweepReport = { dryRun: options.dryRun, channelsScanned: records.size, taggedResources: tagged.length, findings };
  if (findings.length) {
    const lines = findings.map((f) => `${f.channelId}: ${f.kind} (${f.reason}); ${f.action === 'reported' ? 'would tear down' : f.action}: ${f.resources.join(', ') || 'registry only'}`);
    // One summary naming every channel it found: a subscription filtering on `channelId` gets it for its channel.
    await publishNotice({ sns: deps.sns, topicArn: deps.config.notificationsTopicArn }, options.dryRun ? SWEEPER_EVENTS[0] : SWEEPER_EVENTS[1], findings.map((f) => f.channelId), {
      subject: `OnAir ${deps.config.stage}: sweeper ${options.dryRun ? 'found' : 'is cleaning'} ${findings.length} channel(s)`.slice(0, 100),
      message: [`The OnAir sweeper${options.dryRun ? ' (dry run: nothing changed)' : ''} found:`, ...lines].join('\n'),
    });
  }
  return report;
}
