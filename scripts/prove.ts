/**
 * `npm run prove`: runs the reliability and security suites (jest project `reliability`,
 * test/reliability/**), then regenerates docs/RELIABILITY.md from the figures each suite
 * recorded in .prove/ and prints the headline: orphans, 5xx answers, IAM actions missing/extra.
 *
 *   npm run prove                  all suites
 *   npm run prove -- iam           jest path filter (other suites' figures kept from their last run)
 *   npm run prove -- --docs-only   regenerate the docs from .prove/ without running anything
 *
 * Exit code: jest's, or 1 when a headline figure is not zero.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const FIGURES = join(ROOT, '.prove');
const RESULTS = join(FIGURES, 'jest-results.json');
const DOC = join(ROOT, 'docs', 'RELIABILITY.md');

type Figures = Record<string, unknown> & { suite: string; at: string };
interface JestResults {
  numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number;
  startTime: number; testResults: { name: string; status: string; startTime: number; endTime: number }[];
}

// --docs-only: regenerate docs/RELIABILITY.md from the figures already in .prove/ (no tests run).
const docsOnly = process.argv.includes('--docs-only');
const args = process.argv.slice(2).filter((a) => a !== '--docs-only');
const filtered = args.length > 0 || docsOnly;
if (!filtered) rmSync(FIGURES, { recursive: true, force: true });
mkdirSync(FIGURES, { recursive: true });

const started = Date.now();
// Two workers: the suites each run a local cloud in their own process (CI machines have 2 cores).
const jest = docsOnly ? { status: 0 } : spawnSync(join(ROOT, 'node_modules', '.bin', 'jest'), ['--selectProjects', 'reliability', '--maxWorkers=2', '--json', `--outputFile=${RESULTS}`, ...args], {
  cwd: ROOT, stdio: 'inherit', env: { ...process.env, ONAIR_PROVE: '1' },
});
const seconds = Math.round((Date.now() - started) / 1000);

const figures: Record<string, Figures> = {};
for (const f of readdirSync(FIGURES).filter((x) => x.endsWith('.json') && !x.startsWith('jest-'))) {
  figures[f.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(FIGURES, f), 'utf8')) as Figures;
}
let results: JestResults | undefined;
try { results = JSON.parse(readFileSync(RESULTS, 'utf8')) as JestResults; } catch { /* jest crashed before writing */ }
// Suites rerun on their own (`jest … --json --outputFile=.prove/jest-<name>.json`, e.g. with a lower
// ONAIR_PROVE_SCALE on a busy machine): the newest result of each test file wins.
for (const f of readdirSync(FIGURES).filter((x) => /^jest-.+\.json$/.test(x) && x !== 'jest-results.json')) {
  try {
    const extra = JSON.parse(readFileSync(join(FIGURES, f), 'utf8')) as JestResults & { testResults: { assertionResults?: { status: string }[] }[] };
    if (!results) { results = extra; continue; }
    for (const t of extra.testResults) {
      const i = results.testResults.findIndex((x) => x.name === t.name);
      if (i >= 0 && results.testResults[i]!.endTime > t.endTime) continue;
      if (i >= 0) results.testResults[i] = t; else results.testResults.push(t);
    }
  } catch { /* an unfinished rerun */ }
}
if (results) {
  type WithAssertions = { assertionResults?: { status: string }[] };
  const all = results.testResults.flatMap((t) => (t as WithAssertions).assertionResults ?? []);
  if (all.length) {
    results.numPassedTests = all.filter((a) => a.status === 'passed').length;
    results.numFailedTests = all.filter((a) => a.status === 'failed').length;
  }
}

const num = (suite: string, key: string): number | undefined => {
  const v = figures[suite]?.[key];
  return typeof v === 'number' ? v : undefined;
};
const sum = (...xs: (number | undefined)[]): number | undefined =>
  xs.every((x) => x === undefined) ? undefined : xs.reduce<number>((a, x) => a + (x ?? 0), 0);

// Every suite that checks the inventory records what it found left.
const orphans = sum(...Object.keys(figures).map((k) => num(k, 'orphansLeft')));
const fiveXx = num('fuzz', 'fiveXx');
const matrixSuites = Object.keys(figures).filter((k) => k.startsWith('fault-matrix'));
const headlineNum = (suite: string, key: string): number | undefined => {
  const v = (figures[suite]?.headline as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' ? v : undefined;
};
const matrixCases = sum(...matrixSuites.map((k) => headlineNum(k, 'cases')));
const matrixBad = sum(...matrixSuites.map((k) => headlineNum(k, 'not as required')));
const iamMissing = num('iam', 'missing');
const iamExtra = num('iam', 'extra');

function table(columns: string[], rows: unknown[][]): string {
  const esc = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function section(suite: string, title: string, what: string): string {
  const f = figures[suite];
  if (!f) return `## ${title}\n\n${what}\n\n_Not run in the last \`npm run prove\`._\n`;
  const headline = (f.headline ?? {}) as Record<string, unknown>;
  const lines = [`## ${title}`, '', what, '', table(['figure', 'value'], Object.entries(headline)), ''];
  const t = f.table as { columns: string[]; rows: unknown[][] } | undefined;
  if (t && t.rows.length) lines.push(table(t.columns, t.rows), '');
  for (const n of (f.notes ?? []) as string[]) lines.push(`- ${n}`);
  if (Array.isArray(f.notes) && f.notes.length) lines.push('');
  return lines.join('\n');
}

const suites = results?.testResults.map((t) => [t.name.replace(`${ROOT}/`, ''), t.status, `${Math.round((t.endTime - t.startTime) / 100) / 10} s`]) ?? [];
const doc = `# Reliability and security, proved

Generated by \`npm run prove\` (scripts/prove.ts) from the figures the suites in
\`test/reliability/\` record; do not edit by hand. Last run: ${new Date().toISOString()} on
${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${docsOnly ? 'regenerated from the suites\' recorded figures (suites rerun alone, e.g. with ONAIR_PROVE_SCALE on a busy machine, count with their newest result)' : `${seconds} s`}.

| headline | value |
|---|---|
| fault-matrix cases run / not as required | ${matrixCases ?? 'not run'} / ${matrixBad ?? 'not run'} |
| orphans left (sweeper and fault matrix) | ${orphans ?? 'not run'} |
| 5xx answers to hostile input | ${fiveXx ?? 'not run'} |
| IAM actions missing / extra | ${iamMissing ?? 'not run'} / ${iamExtra ?? 'not run'} |
| tests passed / failed | ${results ? `${results.numPassedTests} / ${results.numFailedTests}` : 'jest did not report'} |
| suites not passing (their figures are partial) | ${results ? (results.testResults.filter((t) => t.status !== 'passed').map((t) => t.name.replace(`${ROOT}/`, '')).join(', ') || 'none') : 'unknown'} |

${section('iam', 'Least privilege, checked from the code', `test/reliability/iam: for each Lambda in the packaged template, the AWS actions reachable from its
handler (SDK \`*Command\` classes found by walking the declarations the handler reaches, mapped to IAM
actions with a documented table of AWS quirks in test/reliability/lib/derive-actions.ts) must equal
the actions its role grants; no wildcard action; \`Resource: "*"\` only for actions AWS cannot scope.`)}
${section('security', 'Security defaults', `test/reliability/security: asserted on the built requests, the packaged template and the logs of a
provision in the local cloud.`)}
${section('sweeper', 'Orphan sweeper', `test/reliability/sweeper: workflows killed (StopExecution) and handlers crashed at each provisioning
step in the local cloud, then the sweeper run: first dry-run (reports only), then for real.`)}
${section('sweeper-crash', 'Orphan sweeper after a process crash', `test/reliability/sweeper/crash.test.ts: the local cloud stopped right after each AWS create of a
provisioning (the workflow and in-flight handlers die with it), restarted from its data folder, swept.`)}
${section('fuzz', 'Hostile input: the API', `test/reliability/fuzz/api.fuzz.test.ts: fast-check over every route of the dispatcher the Lambda
handlers and the local API serve; AWS clients are recording fakes (only reads allowed).`)}
${section('fuzz-events', 'Hostile input: events and step handlers', `test/reliability/fuzz/events.fuzz.test.ts: AWS's documented EventBridge payloads (events/) mutated to be
invalid, and arbitrary values, into the recovery targets; arbitrary inputs into every other handler.`)}
${section('fault-matrix', 'Fault matrix: provision', `test/reliability/fault-matrix.test.ts: every AWS operation the provision workflow calls (named from a
clean run's request log) × {transient error once, persistent error, throttling storm, resource stuck in
its transitional state}, and every function × {crash once, crash every time, time out once (the handler
ran, then Lambda answered Sandbox.Timedout)}, in the local cloud. Each case must end ON_AIR or fully
rolled back, with no orphan (the registry agrees with the inventory), no channel left in a transitional
status, and a notification for every failure; then the channel is removed and must come apart cleanly.`)}
${section('fault-matrix-start', 'Fault matrix: start', `test/reliability/fault-matrix-lifecycle.test.ts: the same over the start workflow (IDLE → ON_AIR);
a failure leaves the channel's resources all recorded, and notifies.`)}
${section('fault-matrix-stop', 'Fault matrix: stop', `test/reliability/fault-matrix-stop.test.ts: the same over the stop workflow (ON_AIR → IDLE).`)}
${section('fault-matrix-teardown', 'Fault matrix: teardown', `test/reliability/fault-matrix-teardown.test.ts: the same over teardown of a running MediaPackage v1
channel; a failure leaves every remaining resource recorded (a rerun or the sweeper finishes it).`)}
${section('fault-matrix-recovery', 'Fault matrix: automatic recovery', `test/reliability/fault-matrix-recovery.test.ts: two incidents on an ON_AIR channel with a slate — input
loss (switch to the slate after the debounce, back once clear) and a stopped pipeline (restart, verify
RUNNING) — × every AWS operation the clean run called × {transient once, persistent, throttling storm}
and every recovery function × {crash once, crash every time, time out once}. A case ends recovered, or
not recovered with a human told (the breaker's page or the channel's alarm on SNS), the channel ON_AIR
in the registry and no orphan. Where the event path lost an incident, the reconciler runs every twin
minute, as its schedule does on AWS.`)}
## How the sweeper works

The \`sweep\` state machine (statemachines/sweep.asl.yml) runs every 15 minutes (\`{"dryRun": true}\` as its
input only reports): four listers in parallel (functions/sweeper/sweep*.ts), then the decider
(functions/sweeper/decide.ts); \`sweep()\` in functions/lib/sweeper is the same in one process. It lists every resource carrying this stage's OnAir tags through each service's own list
(+ tags) APIs — MediaLive channels, inputs and security groups; MediaPackage v2 groups, channels and
endpoints; MediaPackage v1 channels and endpoints; Secrets Manager secrets; CloudFront distributions
(and origin access controls, which cannot be tagged, by their deterministic name); CloudWatch alarms
in the channel region and us-east-1 — and reads the registry. A channel is swept when its resources
have no live owner (registry item missing or DELETED), when it sits in PROVISIONING / STARTING /
STOPPING / TEARING_DOWN while its workflow is no longer running (or past its deadline: the execution
is stopped), or when it is FAILED with resources left. Sweeping records every untracked tagged
resource on the channel ("adoption"), marks it FAILED with the sweeper as the cause (a conditional
write: nothing else moved it meanwhile), and starts the teardown state machine — the one
implementation of AWS's deletion order and waits. One SNS summary per run that found anything.

## Suites in the last run

${table(['suite', 'status', 'time'], suites)}
`;
// A filtered run keeps the other suites' figures (.prove/ is only wiped by a full run).
writeFileSync(DOC, doc);
console.log(`prove: wrote ${DOC.replace(`${ROOT}/`, '')}${filtered ? ' (figures of the suites not rerun are from their last run)' : ''}`);
console.log(`prove: ${matrixCases ?? 'n/a'} fault cases (${matrixBad ?? 'n/a'} not as required), ${orphans ?? 'n/a'} orphans, ${fiveXx ?? 'n/a'} 5xx, ${iamExtra ?? 'n/a'} extra and ${iamMissing ?? 'n/a'} missing IAM actions (${seconds} s)`);
const bad = [orphans, fiveXx, iamMissing, iamExtra, matrixBad].some((x) => x !== undefined && x !== 0);
process.exit(jest.status !== 0 || bad ? 1 : 0);
