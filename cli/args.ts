/**
 * Argument parsing for `onair`: `onair <command> [positional] [--flag value|--flag=value|--switch]`.
 * Every mistake is a UsageError (exit 2) that names the flag.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const COMMANDS = ['create', 'list', 'status', 'start', 'stop', 'delete', 'schedule', 'broadcasts', 'events', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

/** Flags that take a value; the rest are switches. `multi` may repeat. */
const VALUE_FLAGS = new Set(['endpoint', 'region', 'id', 'profile', 'overrides', 'cidr', 'idempotency-key', 'status', 'limit', 'cursor', 'start', 'end', 'lead', 'cancel', 'move', 'poll-ms']);
const MULTI = new Set(['cidr']);
const SWITCHES = new Set(['json', 'local', 'no-wait', 'teardown', 'all', 'help', 'create', 'no-start']);

/** Which flags each command accepts (global ones everywhere). */
const GLOBAL = ['endpoint', 'region', 'json', 'local', 'help', 'poll-ms'];
const PER_COMMAND: Record<Command, string[]> = {
  create: ['id', 'profile', 'overrides', 'cidr', 'idempotency-key', 'no-wait', 'no-start'],
  list: ['status', 'limit', 'cursor', 'all'],
  status: [],
  start: ['no-wait'],
  stop: ['no-wait'],
  delete: ['no-wait'],
  schedule: ['start', 'end', 'lead', 'teardown', 'create', 'move', 'id', 'profile', 'overrides', 'cidr', 'idempotency-key'],
  broadcasts: ['cancel'],
  events: [],
  help: [],
};
/** Commands taking a channel id as their positional argument. */
const NEEDS_ID: Command[] = ['status', 'start', 'stop', 'delete', 'broadcasts', 'events'];

export interface ParsedArgs {
  command: Command;
  channelId?: string;
  flags: Record<string, string | boolean>;
  multi: Record<string, string[]>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { command: 'help', flags: {}, multi: {} };
  if (!(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`Unknown command "${first}". Commands: ${COMMANDS.join(', ')}`);
  const command = first as Command;
  const flags: Record<string, string | boolean> = {};
  const multi: Record<string, string[]> = {};
  const positional: string[] = [];
  const allowed = new Set([...GLOBAL, ...PER_COMMAND[command]]);
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!VALUE_FLAGS.has(name) && !SWITCHES.has(name)) throw new UsageError(`Unknown flag --${name}`);
    if (!allowed.has(name)) throw new UsageError(`--${name} does not apply to "${command}"`);
    if (SWITCHES.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined = eq === -1 ? rest[i + 1] : arg.slice(eq + 1);
    if (eq === -1) i += 1;
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    value = value.trim();
    if (MULTI.has(name)) (multi[name] ??= []).push(value);
    else if (name in flags) throw new UsageError(`--${name} given twice`);
    else flags[name] = value;
  }
  if (flags.help) return { command: 'help', flags: {}, multi: {} };
  if (command === 'schedule') {
    if (flags.create && positional.length > 0) throw new UsageError('schedule --create makes a new channel: give --id instead of a channel id');
    if (flags.create && flags.move) throw new UsageError('--move reschedules an existing broadcast; it does not go with --create');
    if (!flags.create && positional.length !== 1) throw new UsageError('schedule needs a channel id (or --create for a new channel)');
    for (const f of ['start', 'end']) if (flags[f] === undefined) throw new UsageError(`schedule needs --${f} <ISO time>`);
    if (!flags.create) for (const f of ['id', 'profile', 'overrides', 'cidr', 'idempotency-key']) {
      if (flags[f] !== undefined || multi[f] !== undefined) throw new UsageError(`--${f} only applies with schedule --create`);
    }
  } else if (NEEDS_ID.includes(command)) {
    if (positional.length !== 1) throw new UsageError(`${command} needs exactly one channel id`);
  } else if (positional.length > 0) {
    throw new UsageError(`${command} takes no positional argument (got "${positional[0]}")`);
  }
  for (const n of ['limit', 'lead', 'poll-ms']) {
    if (flags[n] !== undefined && !/^\d+$/.test(String(flags[n]))) throw new UsageError(`--${n} must be a whole number`);
  }
  return { command, ...(positional[0] !== undefined ? { channelId: positional[0] } : {}), flags, multi };
}

export const EXIT = {
  OK: 0,
  /** The operation ran and failed (workflow FAILED, server error). */
  FAILED: 1,
  /** Bad command line or a request the API refused as invalid (400/422). */
  USAGE: 2,
  /** No such channel/broadcast, or a conflicting operation (404/409). */
  NOT_FOUND_OR_CONFLICT: 3,
  /** No credentials, or the API refused them (403). */
  AUTH: 4,
  /** The API could not be reached. */
  UNREACHABLE: 5,
} as const;

export const HELP = `onair — drive OnAir channels from a terminal

Usage: onair <command> [channel-id] [flags]

Commands
  create      [--id ID] [--profile NAME] [--cidr CIDR]... [--overrides JSON|@file] [--idempotency-key KEY]
              [--no-start] [--no-wait]
              Create a channel and bring it ON_AIR (IDLE with --no-start); follows the workflow, prints the URLs.
  list        [--status STATUS] [--limit N] [--cursor C] [--all]
  status      ID                 Status, desired state, URLs, alarms, cost guard, workflow step.
  start       ID [--no-wait]     Start an IDLE channel and wait until it is watchable.
  stop        ID [--no-wait]     Stop an ON_AIR channel (resources kept).
  delete      ID [--no-wait]     Tear the channel down (every resource removed).
  schedule    ID --start T --end T [--lead SECONDS] [--teardown]
              Plan a broadcast on an existing channel. T: ISO 8601 (2026-11-28T19:00:00Z) or relative
              to the API's clock: +90s, +10m, +2h, +1d (the local cloud's clock runs faster).
  schedule    ID --move BROADCAST_ID --start T --end T [--lead S] [--teardown]
              Reschedule a broadcast that has not begun.
  schedule    --create --start T --end T [--id ID] [--profile NAME] [--cidr CIDR]... [--lead S] [--teardown]
              Plan a new channel: provisioned at start − lead, stopped (or torn down) at end.
  broadcasts  ID [--cancel BROADCAST_ID]
  events      ID                 The channel's workflow steps and its recovery audit (what
                                 triggered each action, the decision and the result).

Flags
  --endpoint URL   API base URL (default: $ONAIR_API_URL)
  --local          Use the local cloud: ${'http://127.0.0.1:4581'} (or --endpoint) with the local credentials
  --region R       Signing region (default: $AWS_REGION or us-east-1)
  --json           Machine-readable output on stdout (no progress display)

Requests are signed with SigV4 (service execute-api) using your AWS credentials (the standard
chain: environment, ~/.aws profiles, SSO, instance roles).

Exit codes
  0  success
  1  the operation failed (workflow FAILED, or a server error)
  2  usage error, or the API refused the request as invalid (400/422)
  3  not found, or a conflicting operation is in progress (404/409)
  4  no credentials, or the API refused them (403)
  5  the API could not be reached
`;
