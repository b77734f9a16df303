/**
 * Benchmark 6 — API: GET /channels with 1,000 channels registered, 20 concurrent clients.
 *
 * The local API (local/onair/api: the same route bindings as the deployed Lambdas, SigV4 checked against
 * the local credentials) in front of the twin's DynamoDB (dynalite). 1,000 channel records are
 * written through the registry (ChannelRegistry.create, then status IDLE with playback URLs for
 * realistic item sizes); no workflow runs. Each of the 20 clients signs every request with SigV4
 * (lib/sigv4.ts, as the `onair` CLI does) and sends GET /channels (the first page, the API's default
 * page size) back to back; latency = request sent → response body read, per request.
 */
import { DEFAULT_SCALE } from '../local/core/latency';
import { startLocalApi } from '../local/onair/api';
import { localCredentials } from '../local/onair/api/credentials';
import { ApiClient } from '../cli/client';
import { apiSigner } from '../lib/sigv4';
import { resolveProfile } from '../functions/lib/profile';
import { newGeneration } from '../functions/lib/ids';
import { benchCloud } from './lib/cloud';
import { QUICK, runBenchmark } from './lib/result';
import { percentile, round } from './lib/stats';

const CHANNELS = Number(process.env.BENCH_API_CHANNELS ?? (QUICK ? 100 : 1000));
const CLIENTS = Number(process.env.BENCH_API_CLIENTS ?? 20);
const REQUESTS_PER_CLIENT = Number(process.env.BENCH_API_REQUESTS ?? (QUICK ? 10 : 50));
const WARMUP = 20;

void runBenchmark('api', async () => {
  // Scheduled rules off (reconciler, sweeper): in one process at scale 20 they would scan the 1,000
  // records every few real seconds beside the API under test.
  const c = await benchCloud(DEFAULT_SCALE, { scheduledRules: false });
  const api = await startLocalApi({ endpoint: c.cloud.url, port: 0, now: () => c.cloud.twin.clock.now() });
  try {
    const profile = resolveProfile('default', { input: { allowedCidrs: ['127.0.0.1/32'] } });
    const seedStarted = Date.now();
    const ids = Array.from({ length: CHANNELS }, (_, i) => `bench-api-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map(async (channelId) => {
        await c.registry.create({ channelId, generation: newGeneration(), profile, desiredState: 'IDLE' });
        await c.registry.update(channelId, { status: 'IDLE', playback: { hls: `https://d111111abcdef8.cloudfront.net/out/v1/${channelId}/index.m3u8`, dash: `https://d111111abcdef8.cloudfront.net/out/v1/${channelId}/index.mpd` } });
      }));
    }
    const seedSeconds = (Date.now() - seedStarted) / 1000;

    const client = new ApiClient(api.url, apiSigner(localCredentials(), c.cloud.workflows.region));
    const once = async (): Promise<number> => {
      const t = process.hrtime.bigint();
      const r = await client.call('GET', '/channels');
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 200) throw new Error(`GET /channels answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) await once();
    const first = await client.call('GET', '/channels');
    const pageSize = ((first.body as { items?: unknown[] }).items ?? []).length;

    // Service time without queueing: one client, back to back (what a request costs this process).
    const single: number[] = [];
    for (let i = 0; i < 50; i++) single.push(await once());

    const latencies: number[] = [];
    const started = Date.now();
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) latencies.push(await once());
    }));
    const seconds = (Date.now() - started) / 1000;
    return {
      figures: [
        { id: 'api.p50', label: `GET /channels p50 (${CHANNELS} channels, ${CLIENTS} clients)`, value: round(percentile(latencies, 50), 1), unit: 'ms' },
        { id: 'api.p99', label: `GET /channels p99 (${CHANNELS} channels, ${CLIENTS} clients)`, value: round(percentile(latencies, 99), 1), unit: 'ms', target: { op: '<=', value: 50 } },
      ],
      details: {
        channels: CHANNELS, clients: CLIENTS, requests: latencies.length, pageSize, seedSeconds: round(seedSeconds, 1),
        throughputPerSecond: round(latencies.length / seconds, 1),
        oneClientMs: { p50: round(percentile(single, 50), 1), p99: round(percentile(single, 99), 1) },
        ms: { p50: round(percentile(latencies, 50), 1), p90: round(percentile(latencies, 90), 1), p99: round(percentile(latencies, 99), 1), max: round(Math.max(...latencies), 1) },
      },
    };
  } finally {
    await api.stop();
    await c.stop();
  }
});
