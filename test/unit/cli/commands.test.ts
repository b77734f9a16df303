/**
 * The command line as commander declares it (cli/args.ts, cli/commands.ts): --version, per-command
 * help, "Did you mean" suggestions, the global flags anywhere (--stage, --aws-profile beside the
 * channel's --profile), and the completion scripts — the bash one run in bash.
 */
import { spawnSync } from 'node:child_process';
import { main } from '../../../cli/main';
import { parseArgs, UsageError } from '../../../cli/args';
import { COMMAND_SPECS } from '../../../cli/commands';
import { version } from '../../../package.json';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env: {} });
  return { code, stdout, stderr };
}

describe('help, version, suggestions', () => {
  it('--version prints package.json\'s version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await run(['-V'])).stdout).toBe(`${version}\n`);
  });

  it('no arguments, --help and help print the commands and exit codes', async () => {
    for (const argv of [[], ['--help'], ['help']]) {
      const r = await run(argv);
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 0, stderr: '' });
      for (const c of COMMAND_SPECS) expect(r.stdout).toContain(c.name);
      expect(r.stdout).toContain('Exit codes');
    }
  });

  it('help does not depend on an exit code an earlier command of the process left (commander reads process.exitCode)', async () => {
    const before = process.exitCode;
    process.exitCode = 3;
    try {
      expect(await run(['help'])).toMatchObject({ code: 0, stderr: '' });
      expect(await run(['help', 'create'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: onair create/) });
      expect(process.exitCode).toBe(3);
    } finally {
      process.exitCode = before;
    }
  });

  it.each(COMMAND_SPECS.map((c) => [c.name]))('%s --help (and help %s) shows its own flags', async (name) => {
    const spec = COMMAND_SPECS.find((c) => c.name === name)!;
    const a = await run([name, '--help']);
    const b = await run(['help', name]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(new RegExp(`^Usage: onair ${name}`));
    expect(b.stdout).toBe(a.stdout);
    for (const f of spec.flags) expect(a.stdout).toContain(`--${f.name}`);
    expect(a.stdout).toContain('Global Options');
  });

  it.each([
    [['statsu', 'x'], 'Unknown command "statsu". Did you mean status?'],
    [['create', '--profil', 'x'], 'Unknown flag --profil. Did you mean --profile?'],
    [['list', '--stauts', 'ON_AIR'], 'Did you mean --status?'],
    [['--endpont', 'http://x', 'list'], 'Did you mean --endpoint?'],
  ])('%j suggests', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('refuses a status the channel domain does not have', () => {
    expect(() => parseArgs(['list', '--status', 'RUNNING'])).toThrow(/--status must be one of PLANNED, PROVISIONING/);
    expect(parseArgs(['list', '--status', 'TEARING_DOWN']).flags.status).toBe('TEARING_DOWN');
  });
});

describe('global flags', () => {
  it('are read before or after the command; --aws-profile and the channel --profile are two flags', () => {
    expect(parseArgs(['--stage', 'dev', '--aws-profile', 'prod-eu', 'create', '--profile', 'single-pipeline', '--region', 'eu-west-1'])).toEqual({
      command: 'create', flags: { stage: 'dev', 'aws-profile': 'prod-eu', profile: 'single-pipeline', region: 'eu-west-1' }, multi: {},
    });
    expect(parseArgs(['status', 'demo', '--stage=dev', '--local'])).toEqual({ command: 'status', channelId: 'demo', flags: { stage: 'dev', local: true }, multi: {} });
  });

  it('--endpoint and --stage cannot both name the API', () => {
    expect(() => parseArgs(['--stage', 'dev', '--endpoint', 'http://x', 'list'])).toThrow(UsageError);
  });

  it('--no-wait and --no-start are switches', () => {
    expect(parseArgs(['create', '--no-start', '--no-wait']).flags).toEqual({ 'no-start': true, 'no-wait': true });
    expect(parseArgs(['create']).flags).toEqual({});
  });

  it('a value flag given twice is refused', () => {
    expect(() => parseArgs(['create', '--id', 'a', '--id', 'b'])).toThrow('--id given twice');
  });
});

describe('completion', () => {
  it('needs a shell it knows', async () => {
    expect((await run(['completion'])).stderr).toMatch(/completion needs a shell: bash or zsh/);
    expect((await run(['completion', 'fish'])).code).toBe(2);
  });

  const bashScript = parseArgs(['completion', 'bash']).text!;
  /** What bash completes for the words typed so far (the last one being completed). */
  function complete(...words: string[]): string[] {
    const line = ['onair', ...words];
    const script = `${bashScript}
COMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${line.length - 1}
_onair_completion
printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    return out.stdout.split('\n').filter(Boolean).sort();
  }

  it('bash completes commands, a command\'s flags, global flags and fixed values', () => {
    expect(complete('st')).toEqual(['start', 'status', 'stop']);
    expect(complete('--stage', 'dev', 'sch')).toEqual(['schedule']);
    expect(complete('create', '--no-')).toEqual(['--no-start', '--no-wait']);
    expect(complete('--aws-profile', 'x', 'create', '--pro')).toEqual(['--profile']);
    expect(complete('status', 'demo', '--st')).toEqual(['--stage']);
    expect(complete('list', '--status', 'ON')).toEqual(['ON_AIR']);
    expect(complete('completion', '')).toEqual(['bash', 'zsh']);
    expect(complete('list', '--limit', '')).toEqual([]);
  });

  it('zsh gets a compdef script over the same tree', () => {
    const zsh = parseArgs(['completion', 'zsh']).text!;
    expect(zsh).toMatch(/^#compdef onair\n/);
    expect(zsh).toContain('compdef _onair onair');
    for (const c of COMMAND_SPECS) {
      expect(zsh).toContain(`    ${c.name}) flags+=(`);
      for (const f of c.flags) expect(zsh).toContain(`--${f.name}`);
    }
    const hasZsh = spawnSync('zsh', ['--version']).status === 0;
    if (hasZsh) expect(spawnSync('zsh', ['-n', '-c', zsh]).status).toBe(0);
  });
});
