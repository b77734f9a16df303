/**
 * The local cloud as the benchmarks use it: OnAir deployed on the twin (local/onair/app.ts), a fresh
 * temporary data folder, handlers' logs silenced, and the SDK clients a caller would use.
 * Workflows are started over HTTP with the Step Functions SDK client, as a booking system would;
 * their records (history, state-transition counts) are read from the twin in-process.
 */
import '../../local/polyfills';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ChannelRegistry } from '../../functions/lib/channel/registry';
import { localCredentials } from '../../local/onair/api/credentials';
import { startLocalCloud, type LocalCloud } from '../../local/onair/app';
import type { ExecutionRecord } from '../../local/services/stepfunctions';
import type { TwinQuotaOption } from '../../local/core/quotas';
import type { MediaOptions } from '../../local/media';

export interface BenchCloud {
  cloud: LocalCloud;
  sfn: SFNClient;
  registry: ChannelRegistry;
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Starts a workflow over HTTP; resolves with its execution ARN. */
  start(machine: string, input: Record<string, unknown>, name?: string): Promise<string>;
  /** Resolves with the finished execution's record (history, transitions). */
  finished(executionArn: string): Promise<ExecutionRecord>;
  stop(): Promise<void>;
}

/** `quotas: 'raised'` for runs with more channels than a fresh account allows (local/core/quotas.ts);
 * `media`: real video (local/media), for the media benchmark. */
export async function benchCloud(scale: number, options: { scheduledRules?: boolean; quotas?: TwinQuotaOption; media?: MediaOptions } = {}): Promise<BenchCloud> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-bench-'));
  const cloud = await startLocalCloud({ port: 0, scale, dataDir, fresh: true, logLevel: 'SILENT', ...options });
  // Handlers load lazily on first invoke, like a cold start; load them now so no benchmark
  // counts tsx compiling a module as workflow time.
  cloud.lambda.preload();
  const clientConfig = { endpoint: cloud.url, region: cloud.workflows.region, credentials: localCredentials() };
  const sfn = new SFNClient(clientConfig);
  const ddbClient = new DynamoDBClient(clientConfig);
  const ddb = DynamoDBDocumentClient.from(ddbClient, { marshallOptions: { removeUndefinedValues: true } });
  const registry = new ChannelRegistry({ ddb, tableName: String(cloud.environment.CHANNELS_TABLE) });
  return {
    cloud, sfn, registry, clientConfig,
    async start(machine, input, name) {
      const out = await sfn.send(new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn(machine), input: JSON.stringify(input), ...(name ? { name } : {}) }));
      return out.executionArn as string;
    },
    finished: (arn) => cloud.stepFunctions.waitFor(arn),
    async stop() {
      sfn.destroy();
      ddbClient.destroy();
      await cloud.stop();
      await new Promise((r) => setTimeout(r, 300)); // the twin's debounced snapshot
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The request `npm start` uses for its demo channel: the default profile, RTMP push from localhost. */
export function provisionInput(channelId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { channelId, profileName: 'default', overrides: { input: { allowedCidrs: ['127.0.0.1/32'] }, ...extra } };
}

/** Twin time at which a state was first entered / last exited in an execution's history. */
export function stateTimes(rec: ExecutionRecord, state: string): { entered?: number; exited?: number; count: number } {
  let entered: number | undefined;
  let exited: number | undefined;
  let count = 0;
  for (const h of rec.history) {
    const name = h.details?.name;
    if (name !== state) continue;
    if (h.type.endsWith('StateEntered')) { count += 1; entered ??= h.timestamp; }
    if (h.type.endsWith('StateExited')) exited = h.timestamp;
  }
  return { ...(entered !== undefined ? { entered } : {}), ...(exited !== undefined ? { exited } : {}), count };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
