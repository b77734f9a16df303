/**
 * Benchmark 2 — cost per broadcast lifecycle: provision → ON_AIR → stop → teardown.
 *
 * K lifecycles (3; 1 with BENCH_QUICK=1) of the default profile on the twin. Everything the
 * lifecycle caused is counted, including executions and invocations that EventBridge started on the
 * way (cost guard, recovery timers): the difference of the twin's counters before and after.
 *   state transitions   the Step Functions twin's per-execution count (entered states + retries, as
 *                       AWS bills Standard workflows)
 *   Lambda invocations  the Lambda twin's per-function count
 *   Lambda GB-seconds   measured duration × the function's memory from serverless.yml
 *                       (local/onair/workflows.ts). Durations are measured here, in one Node process with
 *                       the twin answering the handlers' AWS calls: a proxy for AWS's own latency.
 */
import { DEFAULT_SCALE } from '../local/core/latency';
import { benchCloud, provisionInput, sleep } from './lib/cloud';
import { PRICES } from './lib/prices';
import { QUICK, runBenchmark } from './lib/result';
import { round } from './lib/stats';

const K = Number(process.env.BENCH_COST_K ?? (QUICK ? 1 : 3));
const SCALE = Number(process.env.BENCH_SCALE ?? DEFAULT_SCALE);

void runBenchmark('cost', async () => {
  const c = await benchCloud(SCALE);
  try {
    const sf = c.cloud.stepFunctions;
    const before = new Set(sf.listExecutionRecords().map((e) => e.executionArn));
    const lambdaBefore = new Map(c.cloud.lambda.invocationStats().map((s) => [s.function, s]));
    const outcomes = await Promise.all(Array.from({ length: K }, async (_, i) => {
      await sleep(i * 2000);
      const channelId = `bench-cost-${i}`;
      const steps: Record<string, string> = {};
      for (const [machine, input] of [['provision', provisionInput(channelId)], ['stop', { channelId }], ['teardown', { channelId }]] as const) {
        const rec = await c.finished(await c.start(machine, input));
        steps[machine] = rec.status;
        if (rec.status !== 'SUCCEEDED') break;
      }
      return { channelId, steps, final: (await c.registry.find(channelId))?.status ?? 'missing' };
    }));
    // Let EventBridge deliveries and anything they started (cost guard, timers) finish.
    await c.cloud.eventBridge.settled();
    await sf.idle();

    const executions = sf.listExecutionRecords().filter((e) => !before.has(e.executionArn));
    const byMachine: Record<string, { executions: number; transitions: number }> = {};
    const byState: Record<string, number> = {};
    for (const e of executions) {
      const m = e.stateMachineArn.split(':').pop() as string;
      const b = byMachine[m] ?? { executions: 0, transitions: 0 };
      b.executions += 1;
      b.transitions += e.stateTransitions;
      byMachine[m] = b;
      for (const h of e.history) {
        if (h.type.endsWith('StateEntered')) {
          const key = `${m.replace(/^onair-[a-z]+-/, '')}.${String(h.details?.name)}`;
          byState[key] = (byState[key] ?? 0) + 1;
        }
      }
    }
    const transitions = executions.reduce((a, e) => a + e.stateTransitions, 0);
    let invocations = 0;
    let gbSeconds = 0;
    const byFunction: Record<string, { invocations: number; meanMs: number; memoryMb: number; gbSeconds: number }> = {};
    for (const s of c.cloud.lambda.invocationStats()) {
      const b = lambdaBefore.get(s.function);
      const n = s.invocations - (b?.invocations ?? 0);
      const ms = s.totalDurationMs - (b?.totalDurationMs ?? 0);
      if (n === 0) continue;
      const gbs = (ms / 1000) * (s.memorySizeMb / 1024);
      invocations += n;
      gbSeconds += gbs;
      byFunction[s.function.replace(/^onair-[a-z]+-/, '')] = { invocations: round(n / K, 2), meanMs: round(ms / n, 1), memoryMb: s.memorySizeMb, gbSeconds: round(gbs / K, 4) };
    }
    const perLifecycle = { transitions: transitions / K, invocations: invocations / K, gbSeconds: gbSeconds / K };
    const usd = {
      stepFunctions: perLifecycle.transitions * PRICES.stepFunctionsPerTransition,
      lambdaRequests: perLifecycle.invocations * PRICES.lambdaPerRequest,
      lambdaDuration: perLifecycle.gbSeconds * PRICES.lambdaArmPerGbSecond,
    };
    const total = usd.stepFunctions + usd.lambdaRequests + usd.lambdaDuration;
    const complete = outcomes.filter((o) => o.steps.teardown === 'SUCCEEDED' && o.final === 'DELETED').length;
    const topStates = Object.entries(byState).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([state, n]) => ({ state, perLifecycle: round(n / K, 1) }));
    return {
      figures: [
        { id: 'cost.transitions', label: 'State transitions per lifecycle', value: round(perLifecycle.transitions, 1), unit: 'transitions', target: { op: '<=', value: 60 } },
        { id: 'cost.lambda.invocations', label: 'Lambda invocations per lifecycle', value: round(perLifecycle.invocations, 1), unit: 'invocations' },
        { id: 'cost.lambda.gbSeconds', label: 'Lambda GB-seconds per lifecycle', value: round(perLifecycle.gbSeconds, 3), unit: 'GB-s' },
        { id: 'cost.usd', label: 'Orchestration cost per lifecycle', value: round(total, 5), unit: 'USD' },
        { id: 'cost.lifecycles', label: 'Lifecycles completed (ON_AIR → DELETED)', value: complete, unit: `of ${K}`, target: { op: '>=', value: K } },
      ],
      details: {
        scale: SCALE, lifecycles: K, outcomes, prices: PRICES,
        usdPerLifecycle: { stepFunctions: round(usd.stepFunctions, 6), lambdaRequests: round(usd.lambdaRequests, 7), lambdaDuration: round(usd.lambdaDuration, 7), total: round(total, 6) },
        transitionsByMachine: Object.fromEntries(Object.entries(byMachine).map(([m, b]) => [m, { executionsPerLifecycle: round(b.executions / K, 2), transitionsPerLifecycle: round(b.transitions / K, 1) }])),
        topStatesByEntries: topStates,
        lambdaByFunction: byFunction,
      },
    };
  } finally {
    await c.stop();
  }
});
