/**
 * One fault-matrix suite: a clean run names the workflow's calls, channels are prepared (in
 * parallel, no faults), then every case runs alone; the table is printed and recorded.
 */
import { writeSync } from 'node:fs';
import { useLocalCloud, type TestCloud } from '../../integration/helpers/local-cloud';
import { clientsFor, start, waitDone, type Clients } from './cloud';
import { recordFigures } from './figures';
import { callsOf, casesFor, printTable, removeChannel, runCase, type CaseSpec, type MatrixRow } from './matrix';

/**
 * Twin ms per real ms: AWS's minutes fast, while one CPU-starved millisecond stays far from a
 * workflow timeout. A machine busy with other work turns real milliseconds of handler CPU into
 * twin minutes: lower it there (ONAIR_PROVE_SCALE=100).
 */
export const MATRIX_SCALE = Number(process.env.ONAIR_PROVE_SCALE ?? 300);

export interface SuiteSpec {
  suite: string;
  workflow: 'provision' | 'start' | 'stop' | 'teardown';
  profileName: string;
  /** Prepares a channel the workflow can run on (no faults); returns the workflow input. */
  prepare(c: Clients, cloud: TestCloud, channelId: string): Promise<Record<string, unknown>>;
  successStatus: string;
  failureLeavesNothing: boolean;
  prefix: string;
}

export const provisionInput = (channelId: string, profileName: string, startAfterCreate = true) => ({
  channelId, profileName, startAfterCreate, overrides: { input: { allowedCidrs: ['127.0.0.1/32'] } },
});

export async function provisioned(c: Clients, cloud: TestCloud, channelId: string, profileName: string, startAfterCreate: boolean): Promise<void> {
  const d = await waitDone(c, await start(c, cloud, 'provision', provisionInput(channelId, profileName, startAfterCreate)), 180_000);
  if (d.status !== 'SUCCEEDED') throw new Error(`could not prepare ${channelId}: ${d.error} ${d.cause}`);
}

/** Records a suite's rows for docs/RELIABILITY.md and prints its table as the suite ends. */
export function recordMatrix(suite: string, rows: MatrixRow[]): void {
  const failedCase = (r: MatrixRow) => /FAILED|TIMED_OUT|ABORTED|not recovered/.test(r.outcome);
  recordFigures(suite, {
    orphansLeft: rows.reduce((n, r) => n + r.orphans, 0),
    headline: {
      cases: rows.length,
      'ended in success': rows.filter((r) => r.ok && !failedCase(r)).length,
      'ended failed and handled': rows.filter((r) => r.ok && failedCase(r)).length,
      'not as required': rows.filter((r) => !r.ok).length,
      orphans: rows.reduce((n, r) => n + r.orphans, 0),
      'failures without a notification': rows.filter((r) => r.notified === false).length,
    },
    table: { columns: ['workflow', 'AWS operation / function', 'fault', 'outcome', 'notified', 'orphans', 'ok'], rows: rows.map((r) => [r.workflow, r.target, r.kind, r.outcome, r.notified, r.orphans, r.ok ? 'yes' : 'NO']) },
  });
  // The table, on the terminal as the suite ends (jest's console would decorate it).
  writeSync(1, `\n${suite}: ${rows.length} cases\n${printTable(rows)}\n`);
}

export function matrixSuite(spec: SuiteSpec): void {
  // No scheduled rules: a background reconcile or sweep would take a case's "first call fails"
  // fault, or clean a channel while its case still judges it. The sweeper runs where a case needs it.
  const cloud = useLocalCloud({ scale: MATRIX_SCALE, scheduledRules: false });
  const rows: MatrixRow[] = [];
  let c: Clients;

  afterAll(() => recordMatrix(spec.suite, rows));

  it(`${spec.workflow} (${spec.profileName}): every AWS operation and function × every fault ends in success or a handled failure, no orphan, notified`, async () => {
    c = clientsFor(cloud());
    // A clean run names the calls to fault.
    // Twice: the first run in a fresh cloud also creates stage-wide things (the manifest cache
    // policy) that no later channel's workflow touches.
    let since = 0;
    for (const n of [1, 2]) {
      const probeInput = await spec.prepare(c, cloud(), `${spec.prefix}-probe${n}`);
      since = cloud().twin.requests.list().at(-1)?.seq ?? 0;
      const clean = await waitDone(c, await start(c, cloud(), spec.workflow, probeInput), 180_000);
      expect(clean.status).toBe('SUCCEEDED');
    }
    const calls = callsOf(cloud(), since, spec.workflow);
    expect(calls.ops.length).toBeGreaterThan(0);
    const cases: CaseSpec[] = casesFor(spec.workflow, calls);

    // Each case's channel is prepared just before it (dozens of channels running at once would
    // load the twin, and this process's CPU, for nothing).
    for (const [i, k] of cases.entries()) {
      const input = await spec.prepare(c, cloud(), `${spec.prefix}-${i}`);
      const t0 = Date.now();
      const row = await runCase({
        cloud: cloud(), c, spec: k, machine: spec.workflow, channelId: `${spec.prefix}-${i}`, input,
        successStatus: spec.successStatus, failureLeavesNothing: spec.failureLeavesNothing,
      });
      const left = await removeChannel(cloud(), c, `${spec.prefix}-${i}`);
      if (left.length > 0) Object.assign(row, { ok: false, outcome: `${row.outcome}; removing it left ${left.join(', ')}` });
      rows.push(row);
      if (process.env.ONAIR_PROVE_PROGRESS) writeSync(2, `${spec.suite} ${i + 1}/${cases.length} ${k.target} ${k.kind}: ${row.outcome} ${row.ok ? 'ok' : 'NOT OK'} (${Date.now() - t0} ms)\n`);
    }
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  }, 1_200_000);
}
