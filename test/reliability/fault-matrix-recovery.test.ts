/**
 * Fault matrix, automatic recovery: the event-driven path (MediaLive alert / pipeline state on the
 * twin's EventBridge → recoveryEvents → recover timer executions → recoveryTimer → recover act
 * executions → recoveryMediaLive → MediaLive, and the result back to recoveryTimer) for
 * two incidents on an ON_AIR channel with a slate:
 *  - input loss: switch to the slate after the debounce, and back once the input is clear;
 *  - a stopped pipeline: restart it and verify every pipeline RUNNING.
 * Every AWS operation the clean run of an incident called × {transient error once, persistent
 * error, throttling storm} and every recovery function × {crash once, crash every time}. A case ends
 * recovered, or not recovered with a human told (the breaker's page, or the channel's alarm on
 * SNS); never silently. The channel stays ON_AIR in the registry, nothing is left that the registry
 * does not know (the slate input included), and the channel comes apart cleanly afterwards.
 * Where the event path lost an incident, the reconciler (every minute on AWS; its schedule is off
 * here) runs every twin minute before the case is judged.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { AuditEntry } from '../../functions/lib/recovery/types';
import { deps } from '../../functions/recovery/deps';
import { useLocalCloud, type TestCloud } from '../integration/helpers/local-cloud';
import { clientsFor, sleep, start, waitDone, type Clients } from './lib/cloud';
import { callsOf, casesFor, inject, notified, orphansOf, publishedCount, publishedSince, removeChannel, type CaseSpec, type MatrixRow } from './lib/matrix';
import { MATRIX_SCALE, provisionInput, recordMatrix } from './lib/matrix-suite';

const RECOVERY_FUNCTIONS = ['recoveryEvents', 'recoveryTimer', 'recoveryMediaLive'];

/** Short waits so a case takes seconds of real time; the rules themselves are the product's. */
const recovery = {
  slate: { url: 'https://media.example.com/slates/be-right-back.mp4' },
  rules: [
    { name: 'input-loss', on: { alertTypes: ['Video Not Detected'] }, action: 'SWITCH_INPUT', target: 'slate', debounceSeconds: 5, holdSeconds: 20 },
    { name: 'pipeline-down', on: { pipelineDown: true }, action: 'RESTART', debounceSeconds: 15, verifySeconds: 60 },
  ],
};

interface Incident {
  name: 'input-loss' | 'pipeline-down';
  /** Starts the incident on the channel's MediaLive channel. */
  begin(control: Control): Promise<void>;
  /** What "recovered" means in the audit trail, in order; `between` runs after the first is met. */
  milestones: ((a: AuditEntry) => boolean)[];
  between?(control: Control): Promise<void>;
}
type Control = (path: string, body?: Record<string, unknown>) => Promise<void>;

const INCIDENTS: Incident[] = [
  {
    name: 'input-loss',
    begin: (control) => control('alerts', { alertType: 'Video Not Detected', pipeline: '0' }),
    milestones: [
      (a) => a.action === 'SWITCH_INPUT → slate' && a.result === 'OK',
      (a) => a.action === 'SWITCH_INPUT → primary' && a.result === 'OK',
    ],
    between: (control) => control('alerts/clear', { alertType: 'Video Not Detected' }),
  },
  {
    name: 'pipeline-down',
    begin: (control) => control('pipelines/1/stop'),
    milestones: [
      (a) => a.action === 'RESTART pipeline(s) 1' && a.result === 'OK',
      (a) => /verified: every pipeline RUNNING/.test(a.decision),
    ],
  },
];

/** Real ms a case waits for a milestone before the reconciler is run (and as long again after). */
const PATIENCE_MS = 4_000;

describe('fault matrix: recovery', () => {
  const cloud = useLocalCloud({ scale: MATRIX_SCALE, scheduledRules: false });
  const rows: MatrixRow[] = [];
  let c: Clients;
  let lambda: LambdaClient;

  beforeAll(() => {
    // The recovery handlers run in this process: their clock is the twin's, so the policy's
    // windows and the timers' waits are measured on one clock (as in test/integration/recovery).
    deps.now = () => new Date(cloud().twin.clock.now());
    c = clientsFor(cloud());
    lambda = new LambdaClient(cloud().clientConfig);
  });
  afterAll(() => {
    lambda?.destroy();
    recordMatrix('fault-matrix-recovery', rows);
  });

  const onAir = async (channelId: string): Promise<string> => {
    const base = provisionInput(channelId, 'default');
    const input = { ...base, overrides: { ...base.overrides, recovery } };
    const d = await waitDone(c, await start(c, cloud(), 'provision', input), 180_000);
    if (d.status !== 'SUCCEEDED') throw new Error(`could not prepare ${channelId}: ${d.error} ${d.cause}`);
    return (await c.registry.get(channelId)).resources.medialiveChannelId as string;
  };
  const controlOf = (cloudNow: TestCloud, mlId: string): Control => async (path, body = {}) => {
    const res = await fetch(`${cloudNow.url}/_twin/medialive/channels/${mlId}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  const audit = async (channelId: string): Promise<AuditEntry[]> => (await c.registry.find(channelId))?.recoveryActions ?? [];
  const reconcile = async (): Promise<void> => {
    await lambda.send(new InvokeCommand({ FunctionName: cloud().workflows.functions.recoveryReconcile!.name, Payload: Buffer.from('{}') }));
  };

  /** The breaker's page: recovery has stopped trying for this channel, no milestone will come. */
  const gaveUp = (channelId: string, snsBefore: number): boolean => {
    return publishedSince(cloud(), snsBefore).some((m) => (m.Subject ?? '').includes(`${channelId}: automatic recovery gave up`));
  };

  /**
   * Waits for the milestone, or for someone to be told: first on the event path alone, then with
   * the reconciler running every minute of twin time, as its schedule does on AWS.
   */
  async function reach(channelId: string, milestone: (a: AuditEntry) => boolean, snsBefore: number): Promise<'reached' | 'told' | 'silent'> {
    for (const withReconciler of [false, true]) {
      const until = Date.now() + PATIENCE_MS;
      let reconciledAt = Number.NEGATIVE_INFINITY;
      while (Date.now() < until) {
        if ((await audit(channelId)).some(milestone)) return 'reached';
        if (gaveUp(channelId, snsBefore)) return 'told';
        if (withReconciler && cloud().twin.clock.now() - reconciledAt >= 60_000) {
          reconciledAt = cloud().twin.clock.now();
          await reconcile().catch(() => undefined);
        }
        await sleep(25);
      }
    }
    return notified(cloud(), channelId, snsBefore) ? 'told' : 'silent';
  }

  /** One incident on one channel, with the case's fault (none: the clean run). */
  async function runIncident(incident: Incident, spec: CaseSpec | undefined, channelId: string, mlId: string): Promise<MatrixRow> {
    const snsBefore = publishedCount(cloud());
    const control = controlOf(cloud(), mlId);
    const fault = spec ? inject(cloud(), spec) : { clear: () => undefined };
    let outcome: 'recovered' | 'told' | 'silent' = 'recovered';
    try {
      await incident.begin(control);
      for (const [i, milestone] of incident.milestones.entries()) {
        const got = await reach(channelId, milestone, snsBefore);
        if (got !== 'reached') { outcome = got; break; }
        if (i === 0) await incident.between?.(control);
      }
    } finally {
      fault.clear();
    }
    const record = await c.registry.find(channelId);
    const orphans = orphansOf(cloud(), record, channelId);
    const told = outcome === 'recovered' ? 'n/a' as const : notified(cloud(), channelId, snsBefore);
    const status = record?.status ?? 'MISSING';
    return {
      workflow: `recovery ${incident.name}`, target: spec?.target ?? 'none (clean run)', kind: spec?.kind ?? 'transient-once',
      outcome: `${outcome === 'recovered' ? 'recovered' : outcome === 'told' ? 'not recovered, human told' : 'not recovered, NOBODY TOLD'} → ${status}`,
      expected: 'recovered, or a human told', notified: told, orphans: orphans.length,
      ok: (outcome === 'recovered' || told === true) && status === 'ON_AIR' && orphans.length === 0,
    };
  }

  it.each(INCIDENTS.map((i) => [i.name, i] as const))('%s: every AWS operation and recovery function × every fault ends recovered or with a human told, no orphan', async (_name, incident) => {
    // A clean run names the calls to fault.
    const probe = `fmr-${incident.name}-probe`;
    const probeMl = await onAir(probe);
    const since = cloud().twin.requests.list().at(-1)?.seq ?? 0;
    const clean = await runIncident(incident, undefined, probe, probeMl);
    expect(clean.outcome).toBe('recovered → ON_AIR');
    const calls = callsOf(cloud(), since, 'recover');
    calls.functions = [...new Set([...calls.functions, ...RECOVERY_FUNCTIONS])].sort();
    expect(calls.ops.length).toBeGreaterThan(0);
    expect(await removeChannel(cloud(), c, probe)).toEqual([]);
    // Holds are for workflows waiting on a transition: recovery's calls are not among those.
    const cases = casesFor('recovery', calls).filter((k) => k.kind !== 'stuck-transitional');

    const mine: MatrixRow[] = [];
    for (const [i, k] of cases.entries()) {
      const channelId = `fmr-${incident.name === 'input-loss' ? 'il' : 'pd'}-${String(i).padStart(3, '0')}`;
      const mlId = await onAir(channelId);
      const row = await runIncident(incident, k, channelId, mlId);
      const left = await removeChannel(cloud(), c, channelId);
      if (left.length > 0) Object.assign(row, { ok: false, outcome: `${row.outcome}; removing it left ${left.join(', ')}` });
      mine.push(row);
      if (process.env.ONAIR_PROVE_PROGRESS) process.stderr.write(`recovery ${incident.name} ${i + 1}/${cases.length} ${k.target} ${k.kind}: ${row.outcome} ${row.ok ? 'ok' : 'NOT OK'}\n`);
    }
    rows.push(...mine);
    expect(mine.filter((r) => !r.ok)).toEqual([]);
  }, 900_000);
});
