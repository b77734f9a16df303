/**
 * What `onair` accepts: its commands, their operands and flags, and the global flags — declared once,
 * read by the parser (cli/args.ts, commander) and the completion scripts (cli/completion.ts).
 */
import { CHANNEL_STATUSES } from '../functions/lib/channel/registry';
import { LOCAL_API_URL } from '../local/onair/api/credentials';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

export const COMMANDS = ['create', 'list', 'status', 'start', 'stop', 'delete', 'schedule', 'broadcasts', 'events', 'console', 'completion', 'help'] as const;
/** What to run; `help` and `version` print `text`, as `completion` does. */
export type CommandName = (typeof COMMANDS)[number] | 'version';

/** A flag: a switch without `value`; `multi` may repeat; `whole` must be a whole number. */
export interface FlagSpec {
  name: string;
  value?: string;
  description: string;
  multi?: boolean;
  whole?: boolean;
  choices?: readonly string[];
}

export interface CommandSpec {
  name: Exclude<CommandName, 'help' | 'version'>;
  /** `id`: one channel id; `optional-id`: schedule's (none with --create); `shell`: completion's. */
  operand?: 'id' | 'optional-id' | 'shell';
  description: string;
  flags: FlagSpec[];
  /** Extra lines for the command's --help. */
  help?: string;
}

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'endpoint', value: 'url', description: 'API base URL (default: $ONAIR_API_URL, or the stage\'s with --stage)' },
  { name: 'stage', value: 'name', description: 'find the API URL in the outputs of the stage\'s CloudFormation stack (onair-<name>)' },
  { name: 'local', description: `use the local cloud (${LOCAL_API_URL}, or --endpoint / --stage) with the local credentials` },
  { name: 'region', value: 'region', description: 'AWS region (default: the endpoint\'s host, the stage\'s stack, $AWS_REGION, the AWS profile\'s region, us-east-1)' },
  { name: 'aws-profile', value: 'name', description: 'AWS profile for credentials and region (default: $AWS_PROFILE); not the channel --profile' },
  { name: 'json', description: 'machine-readable output on stdout (no progress display)' },
  { name: 'poll-ms', value: 'ms', description: 'polling interval while a workflow runs (default: $ONAIR_POLL_MS or 2000)', whole: true },
];

const ID: FlagSpec = { name: 'id', value: 'id', description: 'channel id (default: generated)' };
const PROFILE: FlagSpec = { name: 'profile', value: 'name', description: 'OnAir channel profile (default: default)' };
const OVERRIDES: FlagSpec = { name: 'overrides', value: 'json|@file', description: 'profile overrides as a JSON object, or @file holding one' };
const CIDR: FlagSpec = { name: 'cidr', value: 'cidr', description: 'CIDR allowed to push to the input (repeat for several)', multi: true };
const IDEMPOTENCY: FlagSpec = { name: 'idempotency-key', value: 'key', description: 'retrying with the same key never creates twice' };
const NO_WAIT: FlagSpec = { name: 'no-wait', description: 'return once the workflow started' };
export const CREATE_ONLY = [ID, PROFILE, OVERRIDES, CIDR, IDEMPOTENCY];

export const COMMAND_SPECS: CommandSpec[] = [
  {
    name: 'create', description: 'Create a channel and bring it ON_AIR (IDLE with --no-start); follows the workflow, prints the URLs.',
    flags: [...CREATE_ONLY, { name: 'no-start', description: 'create the channel IDLE' }, NO_WAIT],
  },
  {
    name: 'list', description: 'List channels.',
    flags: [
      { name: 'status', value: 'status', description: 'only channels in this status', choices: CHANNEL_STATUSES },
      { name: 'limit', value: 'n', description: 'page size', whole: true },
      { name: 'cursor', value: 'cursor', description: 'the page after this cursor' },
      { name: 'all', description: 'follow the cursor to the last page' },
    ],
  },
  { name: 'status', operand: 'id', description: 'Status, desired state, URLs, alarms, cost guard, workflow step.', flags: [] },
  { name: 'start', operand: 'id', description: 'Start an IDLE channel and wait until it is watchable.', flags: [NO_WAIT] },
  { name: 'stop', operand: 'id', description: 'Stop an ON_AIR channel (resources kept).', flags: [NO_WAIT] },
  { name: 'delete', operand: 'id', description: 'Tear the channel down (every resource removed).', flags: [NO_WAIT] },
  {
    name: 'schedule', operand: 'optional-id', description: 'Plan a broadcast on a channel (or, with --create, a new channel).',
    flags: [
      { name: 'start', value: 'time', description: 'when the broadcast begins' },
      { name: 'end', value: 'time', description: 'when it ends' },
      { name: 'lead', value: 'seconds', description: 'how long before the start to provision or start', whole: true },
      { name: 'teardown', description: 'tear the channel down at the end (default: stop it)' },
      { name: 'move', value: 'broadcast-id', description: 'reschedule this broadcast (not begun yet)' },
      { name: 'create', description: 'plan a new channel: provisioned at start − lead' },
      ...CREATE_ONLY,
    ],
    help: `
Times: ISO 8601 (2026-11-28T19:00:00Z) or relative to the API's clock: +90s, +10m, +2h, +1d
(the local cloud's clock runs faster).
  onair schedule ID --start T --end T [--lead S] [--teardown]
  onair schedule ID --move BROADCAST_ID --start T --end T
  onair schedule --create --start T --end T [--id ID] [--profile NAME] [--cidr CIDR]...`,
  },
  { name: 'broadcasts', operand: 'id', description: 'The channel\'s planned broadcasts; --cancel removes one.', flags: [{ name: 'cancel', value: 'broadcast-id', description: 'cancel this broadcast' }] },
  { name: 'events', operand: 'id', description: 'The workflow steps and the recovery audit (what triggered each action, the decision, the result).', flags: [] },
  {
    name: 'console', description: 'Serve the operator console on 127.0.0.1 for this API; its calls are signed here with your credentials.',
    flags: [{ name: 'port', value: 'n', description: 'local port (default 4590; 0 picks a free one)', whole: true }],
    help: `
The page opens at the printed URL (its token is in the link: keep it to yourself). Ctrl-C stops it.
  onair console --stage prod          a deployed stage, with your AWS credentials
  onair console --local               the local cloud (npm start also serves it itself)`,
  },
  {
    name: 'completion', operand: 'shell', description: 'Print a shell completion script (bash or zsh).', flags: [],
    help: `
  bash:  source <(onair completion bash)      (or save it under /etc/bash_completion.d/)
  zsh:   source <(onair completion zsh)       (after compinit; or save it as _onair in $fpath)`,
  },
];
