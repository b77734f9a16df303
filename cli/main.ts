/**
 * `onair`: the OnAir CLI. Thin over the HTTP API: every command is one signed request (plus
 * polling while a workflow runs). Exit codes are in args.ts (EXIT) and `onair --help`; where the
 * requests go and how they are signed, in target.ts.
 */
import { readFileSync } from 'node:fs';
import type { AwsCredentialIdentity } from '@smithy/types';
import { IN_PROGRESS_STATUSES, OPERATION_RULES } from '../functions/lib/channel/lock';
import type { ChannelStatus } from '../functions/lib/channel/registry';
import type { Workflow } from '../functions/lib/channel/settings';
import { ApiClient, UnreachableError, type ApiAnswer } from './client';
import { EXIT, parseArgs, UsageError, type ParsedArgs } from './args';
import { formatElapsed, Progress, type Stream } from './progress';
import { resolveTarget, TargetError } from './target';
import { apiSigner } from '../lib/sigv4';
import { startConsoleServer } from './console';

export interface Io {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
  /** Test seam: credentials instead of the AWS provider chain. */
  credentials?: AwsCredentialIdentity;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API bodies are printed, not computed on; their schema is docs/openapi.yaml

class CliFailure extends Error {
  constructor(readonly code: number, message: string, readonly body?: unknown) {
    super(message);
  }
}

const MAX_FOLLOW_MS = 2 * 3600_000;
/**
 * The statuses come from the channel domain (functions/lib/channel/lock.ts): a workflow succeeded
 * when the channel reached its operation's "done" status; a provision may also end IDLE (create
 * --no-start). A status in progress is one a workflow holds the channel in.
 */
const SETTLED_OK: Record<Workflow, readonly ChannelStatus[]> = {
  ...Object.fromEntries(Object.entries(OPERATION_RULES).map(([w, rule]) => [w, rule.done])) as Record<Workflow, ChannelStatus[]>,
  provision: [...OPERATION_RULES.provision.done, 'IDLE'],
};
const TRANSITIONAL: ReadonlySet<string> = new Set(IN_PROGRESS_STATUSES);

function codeFor(status: number): number {
  if (status === 400 || status === 422) return EXIT.USAGE;
  if (status === 403 || status === 401) return EXIT.AUTH;
  if (status === 404 || status === 409) return EXIT.NOT_FOUND_OR_CONFLICT;
  return EXIT.FAILED;
}

function explain(answer: ApiAnswer): string {
  const b = answer.body as Json | undefined;
  if (b && typeof b === 'object' && typeof b.message === 'string') {
    const details = Array.isArray(b.details) && b.details.length
      ? `\n${b.details.map((d: Json) => `  - ${d.field}: ${d.message}`).join('\n')}` : '';
    return `${b.error ?? 'Error'} (${answer.status}): ${b.message}${details}`;
  }
  return `HTTP ${answer.status}`;
}

function expect(answer: ApiAnswer, ...ok: number[]): Json {
  if (!ok.includes(answer.status)) throw new CliFailure(codeFor(answer.status), explain(answer), answer.body);
  return (answer.body ?? {}) as Json;
}

function readOverrides(raw: string | undefined, cidrs: string[] | undefined): Json | undefined {
  let overrides: Json | undefined;
  if (raw !== undefined) {
    const text = raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw;
    try { overrides = JSON.parse(text) as Json; } catch { throw new UsageError('--overrides must be JSON (or @file holding JSON)'); }
    if (!overrides || typeof overrides !== 'object' || Array.isArray(overrides)) throw new UsageError('--overrides must be a JSON object');
  }
  if (cidrs?.length) overrides = { ...(overrides ?? {}), input: { ...((overrides?.input as Json | undefined) ?? {}), allowedCidrs: cidrs } };
  return overrides;
}

function creationBody(args: ParsedArgs): Json {
  const overrides = readOverrides(args.flags.overrides as string | undefined, args.multi.cidr);
  return {
    ...(args.flags.id ? { channelId: args.flags.id } : {}),
    ...(args.flags.profile ? { profile: args.flags.profile } : {}),
    ...(overrides ? { overrides } : {}),
  };
}

const RELATIVE = /^\+(\d+)(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `+10m`, `+90s`, `+2h`, `+1d` → an ISO time relative to the API's clock (its Date header): the
 * local cloud's clock runs faster than the wall clock, so "in ten minutes" must be its minutes.
 */
async function resolveTimes(api: ApiClient, args: ParsedArgs): Promise<void> {
  const relative = ['start', 'end'].filter((f) => RELATIVE.test(String(args.flags[f])));
  if (relative.length === 0) return;
  const probe = await api.call('GET', '/channels', { query: { limit: '1' } });
  const date = Date.parse(String(probe.headers.date ?? ''));
  const base = Number.isNaN(date) ? Date.now() : date;
  for (const f of relative) {
    const [, n, unit] = RELATIVE.exec(String(args.flags[f])) as RegExpExecArray;
    args.flags[f] = new Date(base + Number(n) * UNIT_MS[unit]).toISOString().replace('.000Z', 'Z');
  }
}

function windowBody(args: ParsedArgs): Json {
  return {
    startAt: args.flags.start,
    endAt: args.flags.end,
    ...(args.flags.lead !== undefined ? { leadSeconds: Number(args.flags.lead) } : {}),
    ...(args.flags.teardown ? { teardownAfter: true } : {}),
  };
}

function printChannel(out: Stream, c: Json): void {
  const line = (k: string, v: unknown) => { if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out.write(`${k.padEnd(14)}${String(v)}\n`); };
  line('Channel', c.channelId);
  line('Status', c.status);
  line('Desired', c.desiredState);
  line('Profile', c.profileName);
  for (const [k, v] of Object.entries((c.playback ?? {}) as Record<string, string>)) line(`Playback ${k.toUpperCase()}`, v);
  (c.ingestUrls ?? []).forEach((u: string, i: number) => line(`Ingest ${i + 1}`, u));
  const alarms = Object.entries((c.alarms ?? {}) as Record<string, string[]>).filter(([, names]) => names.length);
  const states = (c.alarmStates ?? []) as Json[];
  if (states.length) {
    // Their CloudWatch states: how many in each, and the ones in ALARM by name.
    const by = new Map<string, number>();
    for (const a of states) by.set(String(a.state), (by.get(String(a.state)) ?? 0) + 1);
    line('Alarms', `${[...by].map(([state, n]) => `${n} ${state}`).join(', ')} (names: --json)`);
    for (const a of states.filter((x) => x.state === 'ALARM')) line('  in ALARM', `${a.name} (${a.region})${a.since ? ` since ${a.since}` : ''}`);
  } else {
    line('Alarms', alarms.length ? `${alarms.map(([region, names]) => `${names.length} in ${region}`).join(', ')} (names: --json)` : undefined);
  }
  const guard = c.costGuard as Json | undefined;
  const guards = [
    guard?.maxOnAirMinutes ? `stop after ${guard.maxOnAirMinutes} min on air${guard.stopScheduledAt ? ` (at ${guard.stopScheduledAt})` : ''}` : undefined,
    guard?.inputLossAutoStopMinutes ? `stop after ${guard.inputLossAutoStopMinutes} min of input loss` : undefined,
  ].filter(Boolean);
  line('Cost guard', guards.length ? guards.join('; ') : 'off');
  const e = c.execution as Json | undefined;
  if (e) line('Workflow', `${e.workflow} ${e.status}${e.currentStep ? ` at ${e.currentStep}` : ''}${e.cause ? ` — ${e.cause}` : ''}`);
  const f = c.failure as Json | undefined;
  if (f) line('Failure', `${f.step}: ${f.error} — ${f.cause}`);
  for (const b of (c.broadcasts ?? []) as Json[]) line('Broadcast', `${b.broadcastId} ${b.startAt} → ${b.endAt} ${b.status}${b.teardownAfter ? ' (teardown after)' : ''}`);
  const notice = ((c.notices ?? []) as Json[])[0];
  if (notice) line('Last notice', `${notice.at} ${notice.event}: ${notice.subject}`);
}

async function follow(api: ApiClient, io: Io, json: boolean, accepted: Json, pollMs: number): Promise<number> {
  const progress = new Progress(io.stderr, !json);
  progress.start();
  const started = Date.now();
  let last: Json;
  try {
    for (;;) {
      last = expect(await api.call('GET', `/channels/${accepted.channelId}`), 200);
      const exec = last.execution as Json | undefined;
      const ours = exec?.executionArn === accepted.executionArn;
      progress.update(accepted.operation, last.status, ours ? exec?.currentStep : undefined);
      const running = ours ? exec?.status === 'RUNNING' : TRANSITIONAL.has(last.status);
      if (!running && !TRANSITIONAL.has(last.status)) break;
      if (ours && exec?.status !== 'RUNNING' && exec?.status !== 'UNKNOWN') break;
      // Every workflow has its own timeout (≤ 1 h); a status still moving after 2 h is not ours to wait for.
      if (Date.now() - started > MAX_FOLLOW_MS) {
        throw new CliFailure(EXIT.FAILED, `Gave up following after ${formatElapsed(MAX_FOLLOW_MS)}: ${accepted.channelId} is still ${last.status}; check with: onair status ${accepted.channelId}`);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    progress.stop();
  }
  const ok = SETTLED_OK[accepted.operation as Workflow]?.includes(last.status) ?? false;
  if (json) {
    io.stdout.write(`${JSON.stringify({ ...last, ok }, null, 2)}\n`);
  } else {
    io.stdout.write(`${ok ? '✔' : '✖'} ${accepted.operation} ${ok ? 'done' : 'failed'} in ${formatElapsed(Date.now() - started)}: ${last.channelId} is ${last.status}\n`);
    if (ok) printChannel(io.stdout, last);
    else {
      const cause = last.failure ? `${last.failure.step}: ${last.failure.cause}` : last.execution?.cause ?? last.execution?.error ?? 'see `onair events`';
      io.stdout.write(`Cause: ${cause}\n`);
    }
  }
  return ok ? EXIT.OK : EXIT.FAILED;
}

const TARGET_EXIT: Record<TargetError['kind'], number> = { usage: EXIT.USAGE, auth: EXIT.AUTH, 'not-found': EXIT.NOT_FOUND_OR_CONFLICT, failed: EXIT.FAILED };

async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.text !== undefined) { io.stdout.write(args.text); return EXIT.OK; }
  let target;
  try {
    target = await resolveTarget(args.flags, io.env, io.credentials);
  } catch (error) {
    if (error instanceof TargetError) throw new CliFailure(TARGET_EXIT[error.kind], error.message);
    throw error;
  }
  const api = new ApiClient(target.endpoint, apiSigner(target.credentials, target.region));
  const json = Boolean(args.flags.json);
  const pollMs = Number(args.flags['poll-ms'] ?? io.env.ONAIR_POLL_MS ?? 2000);
  const print = (body: unknown, human: () => void) => { if (json) io.stdout.write(`${JSON.stringify(body, null, 2)}\n`); else human(); };
  const id = args.channelId as string;

  const lifecycle = async (answer: ApiAnswer): Promise<number> => {
    const body = expect(answer, 200, 202);
    if (answer.status === 200) {
      print(body, () => { io.stdout.write(`Nothing to do: ${body.channelId} is already ${body.status}\n`); printChannel(io.stdout, body); });
      return EXIT.OK;
    }
    if (args.flags['no-wait']) {
      print(body, () => io.stdout.write(`${body.operation} started for ${body.channelId}; follow with: onair status ${body.channelId}\n`));
      return EXIT.OK;
    }
    if (!json) io.stderr.write(`${body.operation} ${body.channelId} …\n`);
    return follow(api, io, json, body, pollMs);
  };

  switch (args.command) {
    case 'help':
    case 'version':
    case 'completion':
      throw new Error(`${args.command} has no text to print`); // parseArgs always gives them one (handled above)
    case 'create': {
      const key = args.flags['idempotency-key'] as string | undefined;
      const body = { ...creationBody(args), ...(args.flags['no-start'] ? { start: false } : {}) };
      return lifecycle(await api.call('POST', '/channels', { body, ...(key ? { headers: { 'idempotency-key': key } } : {}) }));
    }
    case 'list': {
      const items: Json[] = [];
      let cursor = args.flags.cursor as string | undefined;
      let next: string | undefined;
      do {
        const page = expect(await api.call('GET', '/channels', { query: { status: args.flags.status as string | undefined, limit: args.flags.limit as string | undefined, cursor } }), 200);
        items.push(...(page.items as Json[]));
        next = page.nextCursor as string | undefined;
        cursor = next;
      } while (args.flags.all && next);
      print({ items, ...(next ? { nextCursor: next } : {}) }, () => {
        if (items.length === 0) io.stdout.write('No channels.\n');
        else {
          io.stdout.write(`${'CHANNEL'.padEnd(24)}${'STATUS'.padEnd(14)}${'DESIRED'.padEnd(10)}${'PROFILE'.padEnd(18)}UPDATED\n`);
          for (const c of items) io.stdout.write(`${String(c.channelId).padEnd(24)}${String(c.status).padEnd(14)}${String(c.desiredState).padEnd(10)}${String(c.profileName).padEnd(18)}${c.updatedAt}\n`);
        }
        if (next) io.stdout.write(`More: onair list --cursor ${next}   (or --all)\n`);
      });
      return EXIT.OK;
    }
    case 'status': {
      const c = expect(await api.call('GET', `/channels/${encodeURIComponent(id)}`), 200);
      // The stage's dashboard (its ChannelId variable selects this channel's MediaLive id).
      const dashboard = target.dashboardUrl;
      print(dashboard ? { ...c, dashboardUrl: dashboard } : c, () => {
        printChannel(io.stdout, c);
        if (dashboard) io.stdout.write(`${'Dashboard'.padEnd(14)}${dashboard}\n`);
      });
      return EXIT.OK;
    }
    case 'start':
    case 'stop':
      return lifecycle(await api.call('POST', `/channels/${encodeURIComponent(id)}/${args.command}`));
    case 'delete':
      return lifecycle(await api.call('DELETE', `/channels/${encodeURIComponent(id)}`));
    case 'schedule': {
      await resolveTimes(api, args);
      if (args.flags.create) {
        const key = args.flags['idempotency-key'] as string | undefined;
        const planned = expect(await api.call('POST', '/broadcasts', { body: { ...creationBody(args), ...windowBody(args) }, ...(key ? { headers: { 'idempotency-key': key } } : {}) }), 201);
        print(planned, () => io.stdout.write(`Planned ${planned.channel.channelId}: broadcast ${planned.broadcast.broadcastId} ${planned.broadcast.startAt} → ${planned.broadcast.endAt}; provisioning at ${planned.broadcast.schedules[0].at}\n`));
        return EXIT.OK;
      }
      const b = args.flags.move
        ? expect(await api.call('PUT', `/channels/${encodeURIComponent(id)}/broadcasts/${encodeURIComponent(String(args.flags.move))}`, { body: windowBody(args) }), 200)
        : expect(await api.call('POST', `/channels/${encodeURIComponent(id)}/broadcasts`, { body: windowBody(args) }), 201);
      print(b, () => io.stdout.write(`${args.flags.move ? 'Rescheduled' : 'Scheduled'} ${b.broadcastId} on ${b.channelId}: ${b.schedules.map((s: Json) => `${s.workflow} at ${s.at}`).join(', ')}\n`));
      return EXIT.OK;
    }
    case 'broadcasts': {
      if (args.flags.cancel) {
        expect(await api.call('DELETE', `/channels/${encodeURIComponent(id)}/broadcasts/${encodeURIComponent(String(args.flags.cancel))}`), 204);
        print({ cancelled: args.flags.cancel }, () => io.stdout.write(`Cancelled ${args.flags.cancel}\n`));
        return EXIT.OK;
      }
      const list = expect(await api.call('GET', `/channels/${encodeURIComponent(id)}/broadcasts`), 200);
      print(list, () => {
        if (!list.items.length) io.stdout.write('No broadcasts.\n');
        for (const b of list.items as Json[]) io.stdout.write(`${b.broadcastId}  ${b.startAt} → ${b.endAt}  lead ${b.leadSeconds}s  ${b.status}${b.teardownAfter ? '  teardown after' : ''}\n`);
      });
      return EXIT.OK;
    }
    case 'console': {
      const server = await startConsoleServer({ endpoint: target.endpoint, signer: apiSigner(target.credentials, target.region), ...(args.flags.port !== undefined ? { port: Number(args.flags.port) } : {}) });
      print({ url: server.url, endpoint: target.endpoint }, () => {
        io.stdout.write(`OnAir console for ${target.endpoint}\n  ${server.url}\n`);
        io.stdout.write('Open it in a browser on this machine; API calls are signed here, your credentials stay in this process. Ctrl-C stops it.\n');
      });
      await new Promise<void>((resolve) => {
        const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.stop();
      return EXIT.OK;
    }
    case 'events': {
      const ev = expect(await api.call('GET', `/channels/${encodeURIComponent(id)}/events`), 200);
      print(ev, () => {
        if (!ev.execution) io.stdout.write('No workflow has run for this channel yet.\n');
        else {
          io.stdout.write(`${ev.execution.workflow} ${ev.execution.executionArn}\n`);
          // The keys every log line of a workflow step carries (functions/lib/handler.ts), as a
          // CloudWatch Logs Insights filter over the stage's function log groups.
          const executionName = String(ev.execution.executionArn).split(':').pop();
          io.stdout.write(`  logs: filter channelId = "${id}" and executionName = "${executionName}"\n`);
          for (const s of ev.steps as Json[]) {
            const what = s.type === 'TaskStateEntered' ? s.name : `${s.type}${s.name ? ` (${s.name})` : ''}`;
            io.stdout.write(`  +${String(s.elapsedSeconds).padStart(7)}s  ${what}${s.repeats ? `  ×${s.repeats}` : ''}\n`);
          }
        }
        const actions = (ev.recoveryActions ?? []) as Json[];
        io.stdout.write(actions.length ? 'Recovery (newest first):\n' : 'Recovery: no automatic action so far.\n');
        for (const a of actions) {
          io.stdout.write(`  ${a.at}  ${a.decision}${a.action ? `  [${a.action} → ${a.result}${a.detail ? `: ${a.detail}` : ''}]` : ''}\n`);
          const trigger = a.trigger as Json | undefined;
          io.stdout.write(`      after: ${trigger?.summary ?? ''}${trigger?.eventId ? `  (event ${trigger.eventId}${a.actionId ? `, action ${a.actionId}` : ''})` : ''}\n`);
        }
      });
      return EXIT.OK;
    }
  }
}

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let json = argv.includes('--json');
  try {
    const args = parseArgs(argv);
    json = Boolean(args.flags.json);
    return await run(args, io);
  } catch (error) {
    const [code, message, body] = error instanceof UsageError ? [EXIT.USAGE, `${error.message}\nRun "onair help" for usage.`, undefined]
      : error instanceof CliFailure ? [error.code, error.message, error.body]
        : error instanceof UnreachableError ? [EXIT.UNREACHABLE, error.message, undefined]
          : [EXIT.FAILED, error instanceof Error ? error.message : String(error), undefined];
    if (json) io.stdout.write(`${JSON.stringify(body ?? { error: 'CliError', message }, null, 2)}\n`);
    io.stderr.write(`onair: ${message}\n`);
    return code;
  }
}
