/**
 * Helpers shared by the reliability suites that run in the local cloud: SDK clients on the twin,
 * the sweeper's dependencies, executions started/killed/awaited, and the orphan check.
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { MediaPackageV2Client } from '@aws-sdk/client-mediapackagev2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, StopExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { remainingResources } from '../../../functions/lib/notify';
import { ChannelRegistry, everyChannel, type ChannelRecord } from '../../../functions/lib/channel/registry';
import { sweep, type SweepOptions, type SweepReport, type SweeperDeps } from '../../../functions/lib/sweeper';
import type { InventoryItem } from '../../../local/core/types';
import type { TestCloud } from '../../integration/helpers/local-cloud';

export interface Clients {
  sfn: SFNClient;
  ddb: DynamoDBDocumentClient;
  registry: ChannelRegistry;
  sweeper: SweeperDeps;
}

export function clientsFor(cloud: TestCloud): Clients {
  const cfg = { ...cloud.clientConfig, maxAttempts: 3 };
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(cfg), { marshallOptions: { removeUndefinedValues: true } });
  const table = cloud.environment.CHANNELS_TABLE as string;
  const registry = new ChannelRegistry({ ddb, tableName: table });
  const sfn = new SFNClient(cfg);
  return {
    sfn, ddb, registry,
    sweeper: {
      medialive: new MediaLiveClient(cfg), mediapackagev2: new MediaPackageV2Client(cfg), mediapackage: new MediaPackageClient(cfg),
      cloudfront: new CloudFrontClient(cfg), cloudwatch: new CloudWatchClient(cfg), cloudwatchUsEast1: new CloudWatchClient({ ...cfg, region: 'us-east-1' }),
      secretsmanager: new SecretsManagerClient(cfg), sfn, sns: new SNSClient(cfg), ddb, registry,
      config: {
        stage: cloud.workflows.stage, region: cloud.workflows.region, channelsTable: table,
        notificationsTopicArn: cloud.environment.NOTIFICATIONS_TOPIC_ARN as string, teardownStateMachineArn: cloud.stateMachineArn('teardown'),
      },
      now: () => new Date(),
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function start(c: Clients, cloud: TestCloud, machine: string, input: Record<string, unknown>): Promise<string> {
  const out = await c.sfn.send(new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn(machine), input: JSON.stringify(input) }));
  return out.executionArn!;
}

export async function waitDone(c: Clients, executionArn: string, timeoutMs = 120_000): Promise<DescribeExecutionCommandOutput> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await c.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    if (Date.now() > until) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Waits until `state` has been entered, then stops the execution (a killed workflow). */
export async function killAt(c: Clients, executionArn: string, state: string, timeoutMs = 60_000): Promise<'killed' | 'finished-first'> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const h = await c.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000 }));
    const entered = (h.events ?? []).some((e) => e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name === state);
    if (entered) {
      await c.sfn.send(new StopExecutionCommand({ executionArn, error: 'Killed', cause: `killed at ${state} by the reliability suite` }));
      return 'killed';
    }
    const d = await c.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return 'finished-first';
    if (Date.now() > until) throw new Error(`${state} never entered`);
    await sleep(5);
  }
}

/** Every channel-owned resource (local/onair/app.ts: the stack's own resources are not a channel's). */
export function channelInventory(cloud: TestCloud): InventoryItem[] {
  return cloud.channelInventory();
}

export async function allRecords(c: Clients): Promise<ChannelRecord[]> {
  return everyChannel(c.registry);
}

/** Sweeps until a sweep finds nothing (waiting for the teardowns each sweep starts). */
export async function sweepUntilClean(c: Clients, options: Omit<SweepOptions, 'dryRun'> = {}, maxRounds = 5): Promise<{ rounds: number; reports: SweepReport[] }> {
  const reports: SweepReport[] = [];
  for (let round = 1; round <= maxRounds; round += 1) {
    const report = await sweep(c.sweeper, { dryRun: false, graceSeconds: 0, ...options });
    reports.push(report);
    if (report.findings.length === 0) return { rounds: round, reports };
    await Promise.all(report.findings.filter((f) => f.teardownExecutionArn).map((f) => waitDone(c, f.teardownExecutionArn!)));
  }
  return { rounds: maxRounds, reports };
}

/** Runs `fn` over `items` with at most `n` at a time (the twin shares this process's CPU). */
export async function pool<T, R>(items: T[], n: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}

/** What a sweep suite's sweeps found and what they left, for its figures. */
export class SweepTally {
  stuckFound = 0;
  orphansFound = 0;
  orphansLeft = 0;

  add(reports: SweepReport[]): void {
    for (const r of reports) for (const f of r.findings) {
      if (f.kind === 'orphaned') this.orphansFound += f.resources.length;
      else this.stuckFound += 1;
    }
  }

  /** Nothing channel-owned left in the inventory; every channel DELETED with nothing recorded. */
  async expectClean(c: Clients, cloud: TestCloud): Promise<void> {
    const left = channelInventory(cloud);
    this.orphansLeft += left.length;
    expect(left).toEqual([]);
    for (const r of await allRecords(c)) {
      expect({ channelId: r.channelId, status: r.status, left: remainingResources(r.resources) }).toEqual({ channelId: r.channelId, status: 'DELETED', left: [] });
    }
  }
}
