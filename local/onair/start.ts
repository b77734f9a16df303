/**
 * `npm start`: OnAir on one machine, no AWS account.
 *
 *   1. starts the local cloud (twin + OnAir from serverless.yml) on 127.0.0.1:4580, state kept in
 *      .onair-local/ between runs (`--fresh` wipes it);
 *   2. starts the local HTTP API on 4581 when local/onair/api is built;
 *   3. creates the demo channel `demo` through the local API (POST /channels, SigV4-signed, the
 *      request a user makes), then follows its provision state machine, printing each
 *      step as it finishes (read from the execution history), then the ingest and playback URLs,
 *      and fetches the HLS playlist once to show it is served; a demo channel already ON_AIR from
 *      an earlier run is reused;
 *   4. stays up; Ctrl-C stops running workflows, tears down every live channel through the teardown
 *      state machine, and prints what was removed (inventory before and after).
 *
 * Time: AWS's durations run `scale` times faster (core/latency.ts DEFAULT_SCALE); `--real-pace`
 * runs them as AWS does.
 */
import '../polyfills';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { isInProgress } from '../../functions/lib/channel/lock';
import { ChannelRegistry, type ChannelRecord } from '../../functions/lib/channel/registry';
import { apiSigner, signRequest } from '../../lib/sigv4';
import { localCredentials } from './api/credentials';
import { startLocalCloud, type LocalCloud } from './app';
import { DEFAULT_SCALE } from '../core/latency';
import { FONT, ffmpegPath, type MediaMode } from '../media';
import { publisherArgs } from '../media/settings';
import type { InventoryItem } from '../core/types';
import type { PlayerServer } from '../../player/server';
import { DEFAULT_PORT, DEFAULT_REGION } from '../server';

interface Args {
  port: number;
  apiPort: number;
  fresh: boolean;
  scale: number;
  dataDir: string;
  verbose: boolean;
  demo: boolean;
  region: string;
  /** Real media in the local cloud (local/media): live encoding, a pre-encoded loop, or none. */
  media: MediaMode;
}

const USAGE = `Usage: npm start -- [options]
  --fresh            wipe the local state (.onair-local/) first
  --real-pace        run AWS's durations at their real pace (a channel start takes minutes)
  --scale N          twin seconds per real second (default ${DEFAULT_SCALE})
  --port N           local cloud port (default ${DEFAULT_PORT}); the API listens on N+1, the player page on N+2
  --api-port N       local API port (default: cloud port + 1)
  --data DIR         state folder (default .onair-local/)
  --region R         the region the stage is deployed in (default ${DEFAULT_REGION}); onair --local --region R
  --no-demo          do not provision the demo channel
  --media MODE       real video: live (encode each channel's ladder from what is pushed), loop (a
                     pre-encoded loop of the ladder while a feed is pushed: no encoder CPU at run
                     time) or off (placeholder segments, no ffmpeg). Default: live with 4 cores or
                     more, loop below (the live 3-rung ladder needs ~0.6 of a core, the demo feed
                     ~0.2 more)
  --verbose          show the handlers' logs and every request
Environment: ONAIR_TWIN_QUOTAS=raised (or x<N>, or <quota>=<value>,…) raises the account quotas the
local cloud enforces (default: a fresh account's, lib/aws-quotas.ts) for scale runs.`;

class UsageError extends Error {}

export function parseArgs(argv: string[]): Args {
  const args: Args = { port: DEFAULT_PORT, apiPort: -1, fresh: false, scale: DEFAULT_SCALE, dataDir: resolve(__dirname, '..', '..', '.onair-local'), verbose: false, demo: true, region: DEFAULT_REGION, media: defaultMediaMode() };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} needs a number, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    switch (a) {
      case '--fresh': args.fresh = true; break;
      case '--real-pace': args.scale = 1; break;
      case '--scale': args.scale = num(a, argv[++i]); break;
      case '--port': args.port = num(a, argv[++i]); break;
      case '--api-port': args.apiPort = num(a, argv[++i]); break;
      case '--data': args.dataDir = resolve(argv[++i] ?? ''); break;
      case '--no-demo': args.demo = false; break;
      case '--media': {
        const m = argv[++i];
        if (m !== 'live' && m !== 'loop' && m !== 'off') throw new UsageError(`--media needs live, loop or off, got ${m ?? 'nothing'}`);
        args.media = m;
        break;
      }
      case '--region': args.region = argv[++i] ?? ''; if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(args.region)) throw new UsageError(`--region needs a region name (eu-west-1), got ${args.region || 'nothing'}`); break;
      case '--verbose': args.verbose = true; break;
      case '-h': case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown option ${a}`);
    }
  }
  if (args.scale <= 0) throw new UsageError('--scale must be positive');
  if (args.apiPort < 0) args.apiPort = args.port === 0 ? 0 : args.port + 1;
  return args;
}

const DEMO = 'demo';

/** Live encoding where the machine has room for it (4 cores or more), the pre-encoded loop below. */
export function defaultMediaMode(cores = availableParallelism()): MediaMode {
  return cores >= 4 ? 'live' : 'loop';
}
const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string): string => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const secs = (ms: number): string => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s` : `${(ms / 1000).toFixed(1)}s`);

interface Ctx {
  /** Set by Ctrl-C: the demo stops printing, shutdown takes over. */
  stopping: boolean;
  /** The demo's provisioning, followed on screen (shutdown lets it finish printing). */
  demo?: Promise<void>;
  cloud: LocalCloud;
  sfn: SFNClient;
  registry: ChannelRegistry;
  ddb: DynamoDBClient;
  /** The demo's synthetic feed (media live or loop). */
  publisher?: ChildProcess;
  /** The viewer page's server (player/server.ts), when it started. */
  player?: PlayerServer;
  /** The local HTTP API's base URL, when it started: the demo is created through it, as a user would. */
  apiUrl?: string;
}

/**
 * POST /channels on the local API, SigV4-signed with the local credentials (lib/sigv4.ts, as the
 * CLI signs): the request a user makes, so the demo goes through the API's validation, capacity
 * check, lock and idempotency before its provisioning starts.
 */
async function createThroughApi(apiUrl: string, region: string, body: Record<string, unknown>): Promise<{ executionArn: string }> {
  const url = new URL('/channels', apiUrl);
  const payload = JSON.stringify(body);
  const headers = await signRequest(apiSigner(localCredentials(), region), { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: payload });
  const res = await fetch(url, { method: 'POST', headers, body: payload });
  const answer = await res.json().catch(() => ({})) as { executionArn?: string; error?: string; message?: string; details?: { field: string; message: string }[] };
  if (res.status !== 202 || !answer.executionArn) {
    const details = (answer.details ?? []).map((d) => `${d.field}: ${d.message}`).join('; ');
    throw new Error(`POST /channels answered ${res.status} ${answer.error ?? ''} ${answer.message ?? ''}${details ? ` (${details})` : ''}`);
  }
  return { executionArn: answer.executionArn };
}

/** Follows an execution's history over the API, printing each Task as it finishes. */
async function follow(ctx: Ctx, executionArn: string, title: string): Promise<{ status: string; error?: string; cause?: string }> {
  const startedReal = Date.now();
  const seen = new Set<number>();
  const entered = new Map<string, number>();
  let last = { name: '', count: 0, twinMs: 0 };
  let current = '';
  const flush = (): void => {
    if (last.count > 1) console.log(`    ${dim(`… ${last.name} polled ${last.count} times`)}`);
  };
  console.log(bold(title));
  for (;;) {
    let token: string | undefined;
    const events: HistoryEvent[] = [];
    do {
      const page = await ctx.sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken: token, maxResults: 1000 }));
      events.push(...(page.events ?? []));
      token = page.nextToken;
    } while (token);
    for (const e of events) {
      if (e.id === undefined || seen.has(e.id)) continue;
      seen.add(e.id);
      const t = e.timestamp?.getTime() ?? 0;
      if (e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name) entered.set(e.stateEnteredEventDetails.name, t);
      if (e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name) {
        const name = e.stateExitedEventDetails.name;
        const took = t - (entered.get(name) ?? t);
        if (name === last.name) {
          last.count += 1;
          continue;
        }
        flush();
        last = { name, count: 1, twinMs: took };
        console.log(`  ✓ ${name.padEnd(28)} ${secs(Date.now() - startedReal).padStart(7)}  ${dim(`(AWS time ${secs(took)})`)}`);
      }
      if (e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name) current = e.stateEnteredEventDetails.name;
      if (e.type === 'LambdaFunctionFailed' || e.type === 'TaskFailed') {
        const d = e.lambdaFunctionFailedEventDetails ?? e.taskFailedEventDetails;
        console.log(`  ↻ ${dim(`${current}: ${d?.error ?? 'error'} — handled by the workflow's Retry/Catch`)}`);
      }
      if (e.type === 'ExecutionSucceeded') {
        flush();
        return { status: 'SUCCEEDED' };
      }
      if (e.type === 'ExecutionFailed' || e.type === 'ExecutionAborted' || e.type === 'ExecutionTimedOut') {
        flush();
        const d = e.executionFailedEventDetails ?? e.executionAbortedEventDetails ?? e.executionTimedOutEventDetails;
        return { status: e.type.replace('Execution', '').toUpperCase(), ...(d?.error ? { error: d.error } : {}), ...(d?.cause ? { cause: d.cause } : {}) };
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function showChannel(record: ChannelRecord, player?: PlayerServer): Promise<void> {
  console.log('');
  console.log(bold(`Channel ${record.channelId} is ${record.status}`));
  for (const url of record.ingestUrls ?? []) console.log(`  ingest    ${url}`);
  for (const [kind, url] of Object.entries(record.playback ?? {})) if (url) console.log(`  ${kind.padEnd(9)} ${url}`);
  // The viewer page for each playback URL (the player server relays the local CDN onto its own origin).
  if (player) for (const kind of ['hls', 'dash'] as const) { const url = record.playback?.[kind]; if (url) console.log(`  ${bold(`player ${kind}`.padEnd(9))} ${player.urlFor(url)}`); }
  const hls = record.playback?.hls;
  if (hls) {
    try {
      const res = await fetch(hls);
      const text = await res.text();
      const variants = text.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF')).length;
      console.log(`  GET hls → ${res.status} ${res.headers.get('content-type') ?? ''}: ${text.startsWith('#EXTM3U') ? `HLS multivariant playlist, ${variants} variants` : 'not a playlist'}`);
      for (const line of text.split('\n').slice(0, 6)) console.log(dim(`    ${line}`));
    } catch (error) {
      console.log(`  GET hls failed: ${(error as Error).message}`);
    }
  }
}

async function provisionDemo(ctx: Ctx): Promise<void> {
  const existing = await ctx.registry.find(DEMO);
  if (existing?.status === 'ON_AIR') {
    console.log(`\nThe demo channel is ON_AIR from an earlier run (state in the data folder): reusing it.`);
    await showChannel(existing, ctx.player);
    startFeed(ctx, existing);
    return;
  }
  if (existing && isInProgress(existing.status)) {
    // Its workflow was cut off by the previous stop and cannot resume; the channel keeps its lock
    // (the orphan sweeper's job on AWS). Say so rather than force it.
    console.log(`\nThe demo channel was left ${existing.status} by an interrupted run and is still locked by that workflow.`);
    console.log('Start clean with: npm start -- --fresh   (or inspect it: GET /_twin/inventory)');
    return;
  }
  if (existing && existing.status !== 'DELETED') {
    await teardown(ctx, [existing], `The demo channel was left ${existing.status} by an earlier run: tearing it down first`);
  }
  const overrides = { input: { allowedCidrs: ['127.0.0.1/32'] } };
  let executionArn: string;
  if (ctx.apiUrl) {
    try {
      ({ executionArn } = await createThroughApi(ctx.apiUrl, ctx.cloud.workflows.region, { channelId: DEMO, profile: 'default', overrides }));
    } catch (error) {
      console.log(`\nThe demo channel could not be created: ${(error as Error).message}`);
      return;
    }
  } else {
    // No local API (not built): the provision state machine directly, as the API would start it.
    ({ executionArn } = await ctx.sfn.send(new StartExecutionCommand({
      stateMachineArn: ctx.cloud.stateMachineArn('provision'),
      name: `demo-${Date.now()}`,
      input: JSON.stringify({ channelId: DEMO, profileName: 'default', overrides }),
    })) as { executionArn: string });
  }
  const via = ctx.apiUrl ? 'POST /channels on the local API' : 'the provision state machine';
  const outcome = await follow(ctx, executionArn, `\nProvisioning channel "${DEMO}" (profile default, RTMP push from 127.0.0.1/32; ${via}):`);
  if (ctx.stopping) return;
  if (outcome.status !== 'SUCCEEDED') {
    console.log(`\nProvisioning ${outcome.status}: ${outcome.error ?? ''} ${outcome.cause ?? ''}`);
    return;
  }
  const record = await ctx.registry.get(DEMO);
  await showChannel(record, ctx.player);
  startFeed(ctx, record);
}

/**
 * The demo's feed, pushed over RTMP as a real encoder would (local/media/settings.ts publisherArgs:
 * testsrc2 with the wall clock burnt in, a tone). It takes the input's last destination, so a feed
 * of your own pushed to the first one takes over the picture (the twin encodes the first
 * destination that has a publisher).
 */
function startFeed(ctx: Ctx, record: ChannelRecord | undefined): void {
  const media = ctx.cloud.twin.media;
  const urls = record?.ingestUrls ?? [];
  const feedUrl = urls[urls.length - 1];
  if (!media || !feedUrl || ctx.stopping) return;
  const feed = spawn(ffmpegPath(), publisherArgs(feedUrl, { font: FONT }), { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  feed.stderr?.on('data', (d: Buffer) => { err = `${err}${d.toString()}`.slice(-2000); });
  feed.on('exit', (code) => { if (!ctx.stopping && code !== 0) console.log(`  demo feed stopped (${String(code)}): ${err.trim().split('\n').pop() ?? ''}`); });
  ctx.publisher = feed;
  const own = urls[0]!;
  const m = /^(rtmp:\/\/[^/]+\/[^/]+)\/(.+)$/.exec(own);
  console.log('');
  console.log(bold(`Real video (--media ${media.mode}): RTMP ingest on 127.0.0.1:${media.port}`));
  console.log(`  demo feed → ${feedUrl}  ${dim('(testsrc2 + wall clock + tone, 720p30)')}`);
  console.log(`  play the HLS or DASH URL above in a player (VLC, ffplay, hls.js, dash.js) after ~${media.mode === 'loop' ? '10–30' : '5–10'} s`);
  console.log(`  your own feed: ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -b:v 4500k -g 60 -keyint_min 60 -c:a aac -ar 48000 -f flv ${own}`);
  if (m) console.log(`  OBS: Settings → Stream → Custom, Server ${m[1]}, Stream Key ${m[2]}; Output x264 CBR 4500 Kbps, keyframe interval 2 s; Audio 48 kHz`);
  if (media.mode === 'loop') console.log(dim('  loop mode: while a feed is pushed the channel plays its ladder pre-encoded once from the demo programme (no encoder CPU); --media live encodes what you push'));
}

async function liveChannels(ctx: Ctx): Promise<ChannelRecord[]> {
  const out: ChannelRecord[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await ctx.registry.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.filter((c) => c.status !== 'DELETED' && c.status !== 'PLANNED'));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

async function teardown(ctx: Ctx, channels: ChannelRecord[], title: string): Promise<void> {
  if (channels.length === 0) return;
  console.log(bold(`\n${title}`));
  await Promise.all(channels.map(async (c) => {
    const { executionArn } = await ctx.sfn.send(new StartExecutionCommand({
      stateMachineArn: ctx.cloud.stateMachineArn('teardown'),
      name: `teardown-${c.channelId}-${Date.now()}`,
      input: JSON.stringify({ channelId: c.channelId }),
    }));
    const started = Date.now();
    const rec = await ctx.cloud.stepFunctions.waitFor(executionArn!);
    console.log(`  ${rec.status === 'SUCCEEDED' ? '✓' : '✗'} ${c.channelId}: teardown ${rec.status} in ${secs(Date.now() - started)}${rec.error ? ` (${rec.error}: ${rec.cause ?? ''})` : ''}`);
  }));
}

/** Resources owned by channels: the stack's own (tables, topic, the stage's shared delivery) stay, as on AWS. */
function channelResources(cloud: LocalCloud): InventoryItem[] {
  return cloud.channelInventory();
}

async function shutdown(ctx: Ctx, stopApi: () => Promise<void>): Promise<void> {
  // A running workflow holds its channel's lock, and a stopped one would keep it (no Catch runs):
  // let each finish (provisioning ends ON_AIR or rolled back), then tear everything down.
  const running = ctx.cloud.stepFunctions.listExecutionRecords().filter((x) => x.status === 'RUNNING');
  if (running.length > 0) {
    console.log(bold(`\nCtrl-C: letting ${running.length} running workflow(s) finish first — a stopped workflow would keep its channel locked (Ctrl-C again to quit now)…`));
    await ctx.cloud.stepFunctions.idle();
  }
  await ctx.demo?.catch(() => undefined);
  const before = channelResources(ctx.cloud);
  await teardown(ctx, await liveChannels(ctx), 'Ctrl-C: tearing down every live channel');
  if (ctx.publisher?.exitCode === null) ctx.publisher.kill('SIGKILL');
  const after = channelResources(ctx.cloud);
  const left = new Set(after.map((i) => `${i.service}/${i.type}/${i.id}`));
  const removed = before.filter((i) => !left.has(`${i.service}/${i.type}/${i.id}`));
  console.log(bold(`\nRemoved ${removed.length} resources:`));
  const byType = new Map<string, string[]>();
  for (const i of removed) byType.set(`${i.service} ${i.type}`, [...(byType.get(`${i.service} ${i.type}`) ?? []), i.id]);
  const short = (id: string): string => id.split(/[:/]/).pop() ?? id;
  for (const [type, ids] of byType) console.log(`  ${type.padEnd(34)} ${String(ids.length).padStart(2)}  ${dim(ids.slice(0, 3).map(short).join(', ') + (ids.length > 3 ? ', …' : ''))}`);
  const stage = Object.keys(ctx.cloud.stack).length;
  console.log(after.length === 0 ? `Inventory now: empty — nothing left running, nothing left to pay for (the stage's own ${stage} resources stay, as a deployed stack's do: tables, topic, shared delivery; npm start -- --fresh starts without them).` : `Inventory now: ${after.length} resources left:\n${after.map((i) => `  ${i.service} ${i.type} ${i.id} ${i.state ?? ''}`).join('\n')}`);
  await stopApi();
  ctx.ddb.destroy();
  ctx.sfn.destroy();
  await ctx.cloud.stop();
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(`npm start: ${error.message}`);
      console.error(USAGE);
      return error.message ? 2 : 0;
    }
    throw error;
  }
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      port: args.port, dataDir: args.dataDir, fresh: args.fresh, scale: args.scale, region: args.region, verbose: args.verbose, logLevel: args.verbose ? 'INFO' : 'SILENT',
      ...(args.media === 'off' ? {} : { media: { mode: args.media, ...(args.verbose ? { log: (line: string) => console.log(dim(line)) } : {}) } }),
    });
  } catch (error) {
    console.error(`npm start: cannot start the local cloud: ${(error as Error).message}`);
    return 1;
  }
  try {
    cloud.lambda.preload();
  } catch (error) {
    console.error(`npm start: a handler failed to load: ${(error as Error).message}`);
    await cloud.stop();
    return 1;
  }
  console.log(bold(`OnAir local cloud on ${cloud.url}`) + `  (AWS time runs ×${args.scale}${args.scale === 1 ? ', the real pace' : ''}; state in ${args.dataDir}${args.fresh ? ', started fresh' : ''})`);
  console.log(dim(`  ${Object.keys(cloud.workflows.functions).length} functions, state machines: ${Object.keys(cloud.workflows.stateMachines).join(', ')}; control API ${cloud.url}/_twin/inventory`));

  let stopApi = async (): Promise<void> => undefined;
  let apiUrl: string | undefined;
  try {
    // The API helper's module: guarded, so the twin works before (or without) it.
    // require, not import(): Node's ESM loader refuses a directory import under tsx.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require('./api') as typeof import('./api');
    const started = await api.startLocalApi({ port: args.apiPort, endpoint: cloud.url, region: cloud.workflows.region, now: () => cloud.twin.clock.now() });
    stopApi = started.stop;
    apiUrl = started.url;
    cloud.publishApiUrl(started.url);
    console.log(`Local API on ${started.url} (SigV4 with the local credentials; try: npx onair --local${cloud.workflows.region === DEFAULT_REGION ? '' : ` --region ${cloud.workflows.region}`} list)`);
    if (started.consoleUrl) console.log(bold(`Operator console: ${started.consoleUrl}`) + dim('  (open it in a browser on this machine; the token in the link is its key)'));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') {
      console.log('Local API: not built yet (local/onair/api is missing); continuing with the workflows only.');
    } else {
      console.error(`npm start: cannot start the local API: ${e.message}`);
      await cloud.stop();
      return 1;
    }
  }

  // The viewer page (player/: hls.js and dash.js, built here with esbuild, a dev dependency) on
  // 127.0.0.1:<port + 2>; npm start goes on without it when it cannot start.
  let player: PlayerServer | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startPlayerServer } = require('../../player/server') as typeof import('../../player/server');
    player = await startPlayerServer({ port: args.port === 0 ? 0 : args.port + 2, cdn: cloud.url });
    const stopApiOnly = stopApi;
    const started = player;
    stopApi = async () => { await stopApiOnly(); await started.stop(); };
    console.log(`Player page on ${player.url}?src=<HLS or DASH URL>  ${dim('(hls.js + dash.js; the demo channel\'s links follow)')}`);
  } catch (error) {
    console.log(`Player page: not started (${(error as Error).message.split('\n')[0]})`);
  }

  const creds = localCredentials();
  const config = { endpoint: cloud.url, region: cloud.workflows.region, credentials: creds };
  const ddb = new DynamoDBClient(config);
  const ctx: Ctx = {
    stopping: false,
    ...(player ? { player } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    cloud, ddb,
    sfn: new SFNClient(config),
    registry: new ChannelRegistry({ ddb: DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), tableName: cloud.environment.CHANNELS_TABLE ?? 'onair-dev-channels' }),
  };

  let stopping: Promise<void> | undefined;
  const done = new Promise<number>((resolveDone) => {
    const onSignal = (): void => {
      if (stopping) {
        console.error('\nSecond Ctrl-C: exiting without waiting for teardown (resources stay recorded in the data folder).');
        process.exit(130);
      }
      ctx.stopping = true;
      stopping = shutdown(ctx, stopApi).then(() => resolveDone(0), (error: unknown) => {
        console.error(`npm start: teardown failed: ${(error as Error).message}`);
        resolveDone(1);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  // `npm start | tee log`: Ctrl-C reaches the whole pipeline, so the reader is gone while the teardown
  // still reports. A write to a closed pipe is EPIPE, emitted on the stream; unhandled, it would end
  // this process before its channels are torn down. Keep tearing down; only the messages are lost.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }

  if (args.demo) {
    const started = Date.now();
    try {
      ctx.demo = provisionDemo(ctx);
      await ctx.demo;
      if (!ctx.stopping) console.log(dim(`  (${secs(Date.now() - started)} real time)`));
    } catch (error) {
      if (!stopping) console.error(`Demo provisioning failed: ${(error as Error).message}`);
    }
  }
  if (!stopping) console.log(bold('\nReady. Ctrl-C tears every channel down and stops.'));
  return done;
}
