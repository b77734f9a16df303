/**
 * Benchmark 1 — time to ON_AIR against its bound.
 *
 * N provisions of the default profile (20; 3 with BENCH_QUICK=1) through the real provision state
 * machine on the twin at the default clock scale (local/core/latency.ts DEFAULT_SCALE: AWS's
 * latencies divided by it, proportions kept). Requests arrive one every BENCH_ONAIR_GAP_MS real ms
 * (default 3000 = one channel a minute of twin time), so a few provisions overlap as they would
 * before a busy evening, without turning this into the scale benchmark.
 *
 * measured = ExecutionStarted → MarkOnAir exited (the channel is recorded ON_AIR), in twin time;
 * bound    = bench/lib/bound.ts from the same latency profile; ratio = measured ÷ bound.
 * Where the time goes, per provision, from the execution history:
 *   before the CDN   ExecutionStarted → CreateDistribution exited (what OnAir does before the slowest
 *                    AWS wait can begin; the dependencies need only the MediaPackage endpoints)
 *   CDN deploy       CloudFront's own InProgress → Deployed (the profile's figure)
 *   after Deployed   Deployed → ON_AIR: poll lag of the playback loop + the last checks and marking
 * and the time spent in each top-level state.
 */
import { DEFAULT_SCALE, LATENCY } from '../local/core/latency';
import { resolveProfile } from '../functions/lib/profile';
import { POLLS } from '../functions/lib/workflow';
import { benchCloud, provisionInput, sleep, stateTimes } from './lib/cloud';
import { onAirBound, teardownBound } from './lib/bound';
import { QUICK, runBenchmark } from './lib/result';
import { mean, percentile, round } from './lib/stats';
import type { ExecutionRecord } from '../local/services/stepfunctions';

const N = Number(process.env.BENCH_ONAIR_N ?? (QUICK ? 3 : 20));
const GAP_MS = Number(process.env.BENCH_ONAIR_GAP_MS ?? 3000);
const TEARDOWN_GAP_MS = 1000;
const SCALE = Number(process.env.BENCH_SCALE ?? DEFAULT_SCALE);

export interface ProvisionTiming {
  channelId: string;
  status: string;
  measuredMs: number;
  ratio: number;
  beforeCdnMs: number;
  /** ExecutionStarted → CreatePackager exited: the earliest the distribution could be created. */
  packagerReadyMs: number;
  afterDeployedMs: number;
  runningSeenMs: number;
  transitions: number;
  perState: Record<string, number>;
}

/** The playback loop's interval while the distribution deploys (functions/lib/workflow.ts POLLS). */
function deployingPollSeconds(): number {
  const playback = POLLS.playback as { deployingIntervalSeconds?: number };
  return playback.deployingIntervalSeconds ?? POLLS.distributionDeployed.intervalSeconds;
}

export function analyse(rec: ExecutionRecord, topLevel: readonly string[], boundMs: number): Omit<ProvisionTiming, 'channelId' | 'status'> {
  const t0 = rec.startDate;
  const onAir = stateTimes(rec, 'MarkOnAir').exited ?? rec.stopDate ?? t0;
  const dist = stateTimes(rec, 'CreateDistribution').exited ?? t0;
  const packager = stateTimes(rec, 'CreatePackager').exited ?? dist;
  const running = stateTimes(rec, 'DescribeChannelRunning').exited ?? t0;
  const deployedAt = dist + LATENCY['cloudfront.distribution.deploy'];
  const perState: Record<string, number> = {};
  const open = new Map<string, number>();
  for (const h of rec.history) {
    const name = h.details?.name as string | undefined;
    if (!name || !topLevel.includes(name)) continue;
    if (h.type.endsWith('StateEntered')) open.set(name, h.timestamp);
    if (h.type.endsWith('StateExited') && open.has(name)) {
      perState[name] = (perState[name] ?? 0) + (h.timestamp - (open.get(name) as number));
      open.delete(name);
    }
  }
  const measuredMs = onAir - t0;
  return {
    measuredMs, ratio: measuredMs / boundMs, beforeCdnMs: dist - t0, packagerReadyMs: packager - t0, afterDeployedMs: onAir - deployedAt,
    runningSeenMs: running - t0, transitions: rec.stateTransitions, perState,
  };
}

void runBenchmark('onair', async () => {
  const profile = resolveProfile('default', provisionInput('x').overrides);
  const bound = onAirBound(profile);
  // 20 channels at once: 4× MediaLive's default of 5 channels, raised as a real event's account would
  // have them (lib/aws-quotas.ts); on default quotas the 6th is refused before anything is created.
  const c = await benchCloud(SCALE, { quotas: 'raised' });
  try {
    const topLevel = Object.keys(c.cloud.workflows.stateMachines.provision!.definition.States);
    const runs: Promise<ProvisionTiming>[] = [];
    for (let i = 0; i < N; i++) {
      const channelId = `bench-onair-${i}`;
      runs.push((async () => {
        const arn = await c.start('provision', provisionInput(channelId));
        const rec = await c.finished(arn);
        const status = (await c.registry.find(channelId))?.status ?? 'missing';
        return { channelId, status: rec.status === 'SUCCEEDED' ? status : `${rec.status} ${rec.error ?? ''}`, ...analyse(rec, topLevel, bound.ms) };
      })());
      if (i < N - 1) await sleep(GAP_MS);
    }
    const timings = await Promise.all(runs);
    const ok = timings.filter((t) => t.status === 'ON_AIR');

    // Teardown of each running channel against MediaLive's deletion chain. Every channel here allows
    // the same CIDRs, so they share one input security group (deleted with the last input only).
    const tBound = teardownBound({ securityGroupShared: true });
    const teardowns: Promise<{ channelId: string; ms: number; ok: boolean; transitions: number }>[] = [];
    for (const [i, t] of ok.entries()) {
      teardowns.push((async () => {
        const arn = await c.start('teardown', { channelId: t.channelId });
        const rec = await c.finished(arn);
        const done = stateTimes(rec, 'MarkDeleted').exited ?? rec.stopDate ?? rec.startDate;
        return { channelId: t.channelId, ms: done - rec.startDate, ok: rec.status === 'SUCCEEDED', transitions: rec.stateTransitions };
      })());
      if (i < ok.length - 1) await sleep(TEARDOWN_GAP_MS);
    }
    const torn = await Promise.all(teardowns);
    const tornOk = torn.filter((t) => t.ok);
    const tRatios = tornOk.map((t) => t.ms / tBound.ms);
    const ratios = ok.map((t) => t.ratio);
    const avgPerState: Record<string, number> = {};
    for (const s of topLevel) {
      const v = ok.map((t) => t.perState[s] ?? 0);
      if (v.some((x) => x > 0)) avgPerState[s] = round(mean(v) / 1000, 2);
    }
    const s = (ms: number): number => round(ms / 1000, 1);
    return {
      figures: [
        { id: 'onair.ratio.p50', label: 'Time to ON_AIR ÷ bound, p50', value: round(percentile(ratios, 50), 3), unit: '×', target: { op: '<=', value: 1.05 } },
        { id: 'onair.ratio.p95', label: 'Time to ON_AIR ÷ bound, p95', value: round(percentile(ratios, 95), 3), unit: '×' },
        { id: 'onair.bound', label: 'Bound (longest AWS latency chain)', value: s(bound.ms), unit: 's (AWS pace)', note: bound.critical },
        { id: 'onair.measured.p50', label: 'Time to ON_AIR, p50', value: s(percentile(ok.map((t) => t.measuredMs), 50)), unit: 's (AWS pace)' },
        { id: 'onair.succeeded', label: 'Provisions ON_AIR', value: ok.length, unit: `of ${N}`, target: { op: '>=', value: N } },
        { id: 'onair.teardown.ratio.p50', label: 'Teardown of a running channel ÷ bound, p50', value: round(percentile(tRatios, 50), 3), unit: '×', target: { op: '<=', value: 1.1 } },
        { id: 'onair.teardown.bound', label: 'Teardown bound (MediaLive deletion chain)', value: s(tBound.ms), unit: 's (AWS pace)' },
        { id: 'onair.teardown.measured.p50', label: 'Teardown, p50', value: s(percentile(tornOk.map((t) => t.ms), 50)), unit: 's (AWS pace)' },
        { id: 'onair.teardown.succeeded', label: 'Teardowns to DELETED', value: tornOk.length, unit: `of ${ok.length}`, target: { op: '>=', value: ok.length } },
      ],
      details: {
        scale: SCALE, count: N, arrivalGapRealMs: GAP_MS, bound,
        breakdownSeconds: {
          beforeCdnP50: s(percentile(ok.map((t) => t.beforeCdnMs), 50)),
          packagerReadyP50: s(percentile(ok.map((t) => t.packagerReadyMs), 50)),
          cdnDeploy: s(LATENCY['cloudfront.distribution.deploy']),
          afterDeployedP50: s(percentile(ok.map((t) => t.afterDeployedMs), 50)),
          afterDeployedP95: s(percentile(ok.map((t) => t.afterDeployedMs), 95)),
          // A Deployed distribution is seen on the next playback poll: half its interval on average.
          expectedPollLag: round(deployingPollSeconds() / 2, 1),
          runningSeenP50: s(percentile(ok.map((t) => t.runningSeenMs), 50)),
        },
        meanSecondsPerTopLevelState: avgPerState,
        // What-if from the same runs: the distribution created as soon as the packager is ready
        // (its only real dependency) instead of after the MediaLive channel.
        ratioP50IfCdnAfterPackager: round(percentile(ok.map((t) => (t.measuredMs - (t.beforeCdnMs - t.packagerReadyMs)) / bound.ms), 50), 3),
        transitionsPerProvisionP50: percentile(ok.map((t) => t.transitions), 50),
        teardownBound: tBound,
        teardownRatioP95: round(percentile(tRatios, 95), 3),
        transitionsPerTeardownP50: percentile(tornOk.map((t) => t.transitions), 50),
        leftAfterTeardowns: c.cloud.channelInventory().length,
        provisions: timings.map((t) => ({ channelId: t.channelId, status: t.status, seconds: s(t.measuredMs), ratio: round(t.ratio, 3), beforeCdn: s(t.beforeCdnMs), afterDeployed: s(t.afterDeployedMs), transitions: t.transitions })),
      },
    };
  } finally {
    await c.stop();
  }
});
