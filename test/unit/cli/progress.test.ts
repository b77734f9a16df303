import { formatElapsed, Progress } from '../../../cli/progress';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (t: string) => { out.push(t); return true; } } };
};

describe('Progress', () => {
  it('redraws one line in place on a TTY (spinner, workflow, status, step, elapsed) and clears it at the end', () => {
    const { out, stream } = sink(true);
    const p = new Progress(stream, true);
    p.update('provision', 'PROVISIONING', 'CreateChannel');
    p.update('provision', 'PROVISIONING', 'WaitForRunning');
    p.stop();
    // eslint-disable-next-line no-control-regex -- the ANSI escape the progress line writes is what is checked
    expect(out[0]).toMatch(/^\r\x1b\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] provision · PROVISIONING · CreateChannel {2}\d+s$/);
    expect(out[1]).toContain('WaitForRunning');
    expect(out.at(-1)).toBe('\r\x1b[2K');
    expect(out.join('')).not.toContain('\n');
  });

  it('prints one plain line per step change elsewhere (CI logs, pipes)', () => {
    const { out, stream } = sink(false);
    const p = new Progress(stream, true);
    p.update('stop', 'STOPPING', 'Acquire');
    p.update('stop', 'STOPPING', 'Acquire');
    p.update('stop', 'IDLE', 'Idle');
    p.stop();
    expect(out).toHaveLength(2);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });

  it('stays silent when disabled (--json)', () => {
    const { out, stream } = sink(true);
    const p = new Progress(stream, false);
    p.start();
    p.update('start', 'STARTING', 'StartChannel');
    p.stop();
    expect(out).toEqual([]);
  });

  it.each([[0, '0s'], [59_999, '59s'], [60_000, '1m 00s'], [754_000, '12m 34s']])('formats %i ms as %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});
