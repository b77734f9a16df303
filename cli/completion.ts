/**
 * `onair completion bash|zsh`: a completion script generated from the CLI's own declarations
 * (cli/args.ts), so a new command or flag completes without touching this file. It completes the
 * commands, each command's flags plus the global ones, and the values of flags with a fixed set
 * (`--status`); it skips the value of a flag that takes one when looking for the command
 * (`onair --stage dev st<TAB>`).
 *
 * bash: Programmable Completion (`complete -F`, COMP_WORDS/COMP_CWORD, `compgen -W`), GNU Bash manual.
 * zsh: the completion system's `compadd` and `words`/`CURRENT` (zshcompsys(1), zshcompwid(1)).
 */
import { SHELLS, type CommandSpec, type FlagSpec, type Shell } from './commands';

const long = (f: FlagSpec): string => `--${f.name}`;
const HELP_FLAGS = ['--help'];

interface Tree {
  commands: string[];
  globalFlags: string[];
  valueFlags: string[];
  flagsOf: [string, string[]][];
  choicesOf: [string, readonly string[]][];
  operandChoices: [string, readonly string[]][];
}

function tree(globals: FlagSpec[], commands: CommandSpec[]): Tree {
  const all = [...globals, ...commands.flatMap((c) => c.flags)];
  const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
  return {
    commands: [...commands.map((c) => c.name), 'help'],
    globalFlags: [...globals.map(long), ...HELP_FLAGS, '--version'],
    valueFlags: unique(all.filter((f) => f.value).map(long)),
    flagsOf: commands.map((c) => [c.name, [...c.flags.map(long), ...HELP_FLAGS]]),
    choicesOf: unique(all.filter((f) => f.choices).map((f) => f.name)).map((n) => [`--${n}`, all.find((f) => f.name === n)!.choices!]),
    operandChoices: [['completion', SHELLS], ['help', commands.map((c) => c.name)]],
  };
}

function bash(t: Tree): string {
  const cases = (pairs: [string, readonly string[]][], body: (words: string) => string): string =>
    pairs.map(([k, words]) => `    ${k}) ${body(words.join(' '))} ;;`).join('\n');
  return `# onair completion for bash. Load it with:  source <(onair completion bash)
_onair_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" i w
  local value_flags=" ${t.valueFlags.join(' ')} "
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ "$value_flags" == *" $w "* ]]; then ((i++)); continue; fi
    if [[ "$w" != -* ]]; then cmd="$w"; break; fi
  done
  if [[ "$value_flags" == *" $prev "* ]]; then
    case "$prev" in
${cases(t.choicesOf, (w) => `COMPREPLY=($(compgen -W "${w}" -- "$cur"))`)}
      *) COMPREPLY=() ;;
    esac
    return 0
  fi
  local flags="${t.globalFlags.join(' ')}"
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${t.commands.join(' ')} $flags" -- "$cur"))
    return 0
  fi
  if [[ "$cur" != -* ]]; then
    case "$cmd" in
${cases(t.operandChoices, (w) => `COMPREPLY=($(compgen -W "${w}" -- "$cur")); return 0`)}
    esac
  fi
  case "$cmd" in
${cases(t.flagsOf, (w) => `flags="$flags ${w}"`)}
  esac
  COMPREPLY=($(compgen -W "$flags" -- "$cur"))
}
complete -F _onair_completion onair
`;
}

function zsh(t: Tree): string {
  const cases = (pairs: [string, readonly string[]][], body: (words: string) => string): string =>
    pairs.map(([k, words]) => `    ${k}) ${body(words.join(' '))} ;;`).join('\n');
  return `#compdef onair
# onair completion for zsh. Load it with:  source <(onair completion zsh)   (after compinit)
# or save it as _onair in a directory of $fpath.
_onair() {
  local -a value_flags=(${t.valueFlags.join(' ')})
  local -a flags=(${t.globalFlags.join(' ')})
  local cmd="" w prev="\${words[CURRENT-1]}" cur="\${words[CURRENT]}"
  local -i i
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    if (( \${value_flags[(Ie)$w]} )); then ((i++)); continue; fi
    if [[ "$w" != -* ]]; then cmd="$w"; break; fi
  done
  if (( \${value_flags[(Ie)$prev]} )); then
    case "$prev" in
${cases(t.choicesOf, (w) => `compadd -- ${w}`)}
    esac
    return 0
  fi
  if [[ -z "$cmd" ]]; then
    compadd -- ${t.commands.join(' ')} $flags
    return 0
  fi
  if [[ "$cur" != -* ]]; then
    case "$cmd" in
${cases(t.operandChoices, (w) => `compadd -- ${w}; return 0`)}
    esac
  fi
  case "$cmd" in
${cases(t.flagsOf, (w) => `flags+=(${w})`)}
  esac
  compadd -- $flags
}
if [[ "\${funcstack[1]}" == "_onair" ]]; then _onair "$@"; else compdef _onair onair; fi
`;
}

export function completionScript(shell: Shell, globals: FlagSpec[], commands: CommandSpec[]): string {
  const t = tree(globals, commands);
  return shell === 'bash' ? bash(t) : zsh(t);
}
