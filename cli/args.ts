/**
 * The `onair` command line, declared with commander (https://github.com/tj/commander.js, pinned in
 * package.json): `onair [global flags] <command> [channel-id] [flags]`, global flags anywhere.
 * commander gives `--version`, per-command `--help` (and `onair help <command>`) and "Did you mean"
 * suggestions for mistyped commands and flags; `onair completion bash|zsh` prints a completion
 * script generated from the same declarations (cli/completion.ts).
 *
 * parseArgs never exits the process: help, version and completion come back as text to print, and
 * every mistake is a UsageError (exit 2) that names the flag.
 */
import { Command as Program, CommanderError, Option } from 'commander';
import { version } from '../package.json';
import { COMMANDS, COMMAND_SPECS, CREATE_ONLY, GLOBAL_FLAGS, SHELLS, type CommandName, type CommandSpec, type FlagSpec, type Shell } from './commands';
import { completionScript } from './completion';

/** Columns the help text wraps at. */
const HELP_WIDTH = 80;

export { COMMANDS, type CommandName } from './commands';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  command: CommandName;
  channelId?: string;
  /** Flags given on the command line, by their long name (`no-wait`, `poll-ms`, `aws-profile`). */
  flags: Record<string, string | boolean>;
  /** Repeatable flags (`--cidr`). */
  multi: Record<string, string[]>;
  /** Text to print for help, version and completion. */
  text?: string;
}

const NEEDS_ID = new Set(COMMAND_SPECS.filter((c) => c.operand === 'id').map((c) => c.name));

const AFTER_HELP = `
Requests are signed with SigV4 (service execute-api) using your AWS credentials (the standard
chain: environment, ~/.aws profiles, SSO, instance roles; --aws-profile picks a profile).

Exit codes
  0  success
  1  the operation failed (workflow FAILED, or a server error)
  2  usage error, or the API refused the request as invalid (400/422)
  3  not found, or a conflicting operation is in progress (404/409)
  4  no credentials, or the API refused them (403)
  5  the API could not be reached
`;

function option(flag: FlagSpec): Option {
  const o = new Option(`--${flag.name}${flag.value ? ` <${flag.value}>` : ''}`, flag.description);
  if (flag.choices) o.choices(flag.choices);
  if (!flag.value) return o;
  return o.argParser((raw: string, previous: unknown) => {
    const value = raw.trim();
    if (flag.whole && !/^\d+$/.test(value)) throw new UsageError(`--${flag.name} must be a whole number`);
    if (flag.choices && !flag.choices.includes(value)) throw new UsageError(`--${flag.name} must be one of ${flag.choices.join(', ')} (got "${value}")`);
    if (flag.multi) return [...((previous as string[] | undefined) ?? []), value];
    if (previous !== undefined) throw new UsageError(`--${flag.name} given twice`);
    return value;
  });
}

interface Captured { out: string; err: string; command?: CommandSpec; operands: string[] }

/** The command tree (fresh per parse: commander keeps parsed values on it). */
export function buildProgram(captured: Captured = { out: '', err: '', operands: [] }): Program {
  const program = new Program('onair')
    .description('onair — drive OnAir channels from a terminal')
    .usage('[global flags] <command> [channel-id] [flags]')
    .version(version, '-V, --version', 'print the version')
    .exitOverride()
    // Help is captured, then written by main: wrap it at 80 columns whatever commander guesses of the
    // terminal (its guess made the help text depend on where the process ran).
    .configureOutput({
      writeOut: (s) => { captured.out += s; }, writeErr: (s) => { captured.err += s; }, outputError: () => undefined,
      getOutHelpWidth: () => HELP_WIDTH, getErrHelpWidth: () => HELP_WIDTH,
    })
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', AFTER_HELP);
  for (const flag of GLOBAL_FLAGS) program.addOption(option(flag));
  // The whole tree sees the commands being dispatched to (for messages such as "does not apply to").
  program.hook('preSubcommand', (_program, sub) => { captured.command = COMMAND_SPECS.find((c) => c.name === sub.name()); });
  for (const spec of COMMAND_SPECS) {
    // Excess operands are checked below, for a message that names them.
    const cmd = program.command(spec.name).description(spec.description).allowExcessArguments(true);
    if (spec.operand === 'id') cmd.argument('<channel-id>');
    if (spec.operand === 'optional-id') cmd.argument('[channel-id]', 'the channel (none with --create)');
    if (spec.operand === 'shell') cmd.addArgument(cmd.createArgument('<shell>', SHELLS.join(' or ')).choices(SHELLS));
    for (const flag of spec.flags) cmd.addOption(option(flag));
    if (spec.help) cmd.addHelpText('after', spec.help);
    cmd.action((...params: unknown[]) => { captured.operands = (params.at(-1) as Program).args; });
  }
  return program;
}

const allFlags = (): FlagSpec[] => [...GLOBAL_FLAGS, ...COMMAND_SPECS.flatMap((c) => c.flags)];

/** commander's error → a UsageError in this CLI's words (commander's "Did you mean" kept). */
function usageFrom(error: CommanderError, command: CommandSpec | undefined): UsageError {
  const text = error.message.replace(/^error: /, '');
  const suggestion = /\n\((Did you mean .*\?)\)/.exec(text)?.[1];
  const hint = suggestion ? ` ${suggestion}` : '';
  const quoted = /'([^']*)'/.exec(text)?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownCommand':
      return new UsageError(`Unknown command "${quoted}".${hint} Commands: ${COMMANDS.join(', ')}`);
    case 'commander.unknownOption': {
      const [name, value] = quoted.replace(/^--?/, '').split('=');
      const known = allFlags().filter((f) => f.name === name);
      if (value !== undefined && known.length && known.every((f) => !f.value) && (!command || [...GLOBAL_FLAGS, ...command.flags].some((f) => f.name === name))) return new UsageError(`--${name} takes no value`);
      if (known.length && command) return new UsageError(`--${name} does not apply to "${command.name}"`);
      return new UsageError(`Unknown flag ${quoted}.${hint}`);
    }
    case 'commander.optionMissingArgument':
      return new UsageError(`${/'(--[a-z-]+)/.exec(text)?.[1] ?? quoted} needs a value`);
    case 'commander.missingArgument':
      return new UsageError(command?.operand === 'shell' ? `completion needs a shell: ${SHELLS.join(' or ')}` : `${command?.name ?? 'this command'} needs exactly one channel id`);
    case 'commander.invalidArgument':
      return new UsageError(text);
    default:
      return new UsageError(text);
  }
}

export function parseArgs(argv: string[]): ParsedArgs {
  const captured: Captured = { out: '', err: '', operands: [] };
  const program = buildProgram(captured);
  if (argv.length === 0) {
    program.outputHelp();
    return { command: 'help', flags: {}, multi: {}, text: captured.out };
  }
  // commander's Command.help() exits with `process.exitCode` (commander 14, lib/command.js): whatever
  // an earlier command of this process left there (a test run, a REPL) turned `onair help <cmd>` into
  // "No command given." Parse with it cleared; --help and errors are unaffected.
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.version') return { command: 'version', flags: {}, multi: {}, text: captured.out };
    if ((error.code === 'commander.help' || error.code === 'commander.helpDisplayed') && error.exitCode === 0) return { command: 'help', flags: {}, multi: {}, text: captured.out };
    if (error.code === 'commander.help') throw new UsageError('No command given.');
    throw usageFrom(error, captured.command);
  } finally {
    process.exitCode = exitCodeBefore;
  }
  const spec = captured.command;
  if (!spec) throw new UsageError('No command given.');
  const cmd = program.commands.find((c) => c.name() === spec.name) as Program;
  const flags: Record<string, string | boolean> = {};
  const multi: Record<string, string[]> = {};
  for (const [from, list] of [[program, GLOBAL_FLAGS], [cmd, spec.flags]] as const) {
    for (const flag of list) {
      const key = new Option(`--${flag.name}`).attributeName();
      if (from.getOptionValueSource(key) !== 'cli') continue;
      const value = from.getOptionValue(key) as string | string[] | boolean;
      if (flag.multi) multi[flag.name] = value as string[];
      else flags[flag.name] = flag.value ? (value as string) : true;
    }
  }
  const operands = captured.operands;
  if (spec.name === 'completion') {
    return { command: 'completion', flags, multi, text: completionScript(operands[0] as Shell, GLOBAL_FLAGS, COMMAND_SPECS) };
  }
  if (spec.name === 'schedule') {
    if (flags.create && operands.length > 0) throw new UsageError('schedule --create makes a new channel: give --id instead of a channel id');
    if (flags.create && flags.move) throw new UsageError('--move reschedules an existing broadcast; it does not go with --create');
    if (!flags.create && operands.length !== 1) throw new UsageError('schedule needs a channel id (or --create for a new channel)');
    for (const f of ['start', 'end']) if (flags[f] === undefined) throw new UsageError(`schedule needs --${f} <ISO time>`);
    if (!flags.create) for (const f of CREATE_ONLY.map((x) => x.name)) {
      if (flags[f] !== undefined || multi[f] !== undefined) throw new UsageError(`--${f} only applies with schedule --create`);
    }
  } else if (NEEDS_ID.has(spec.name)) {
    if (operands.length !== 1) throw new UsageError(`${spec.name} needs exactly one channel id`);
  } else if (operands.length > 0) {
    throw new UsageError(`${spec.name} takes no positional argument (got "${operands[0]}")`);
  }
  if (flags.endpoint !== undefined && flags.stage !== undefined) throw new UsageError('--endpoint and --stage both name the API: give one');
  return { command: spec.name, ...(operands[0] !== undefined ? { channelId: operands[0] } : {}), flags, multi };
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
