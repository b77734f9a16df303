/**
 * `npm start` as a user runs it (bin/start.js through tsx, a real child process): the demo channel
 * comes ON_AIR with a playlist served, a second instance on the same port is refused clearly,
 * and Ctrl-C (SIGINT) tears everything down, leaving the inventory empty.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

function waitFor(child: ChildProcessWithoutNullStreams, output: () => string, text: string | RegExp, ms: number): Promise<void> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${String(text)}; output so far:\n${output()}`)), ms);
    const check = (): void => {
      if (typeof text === 'string' ? output().includes(text) : text.test(output())) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        ok();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', () => { clearTimeout(timer); fail(new Error(`npm start exited early:\n${output()}`)); });
    check();
  });
}

describe('npm start', () => {
  let dataDir: string;
  beforeAll(() => { dataDir = mkdtempSync(join(tmpdir(), 'onair-start-')); });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('brings the demo channel ON_AIR, refuses a busy port, and Ctrl-C leaves nothing behind', async () => {
    const port = await freePort();
    const apiPort = await freePort();
    // --media off: at ×200, CheckPlayback's bound (2100 AWS seconds) is 10.5 real seconds, less than
    // the first real segment may take on a busy 2-core machine (real media: test/integration/media).
    const args = ['bin/start.js', '--fresh', '--scale', '200', '--port', String(port), '--api-port', String(apiPort), '--data', dataDir, '--media', 'off'];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    try {
      await waitFor(child, () => out, 'Ready. Ctrl-C', 90_000);
      expect(out).toContain(`OnAir local cloud on http://127.0.0.1:${port}`);
      // Created as a user would: POST /channels on the local API (then its provision workflow, followed).
      expect(out).toContain('Provisioning channel "demo" (profile default, RTMP push from 127.0.0.1/32; POST /channels on the local API)');
      expect(out).toMatch(/✓ CreateChannel/);
      expect(out).toContain('Channel demo is ON_AIR');
      expect(out).toMatch(/GET hls → 200 .*HLS multivariant playlist, 3 variants/);
      const hls = /hls\s+(http:\S+\.m3u8)/.exec(out)?.[1] as string;
      expect((await (await fetch(hls)).text()).startsWith('#EXTM3U')).toBe(true);

      const busy = spawnSync(process.execPath, ['bin/start.js', '--port', String(port), '--data', join(dataDir, 'other')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(busy.status).toBe(1);
      expect(busy.stderr).toContain(`port ${port} is in use`);

      child.kill('SIGINT');
      await waitFor(child, () => out, 'Inventory now:', 90_000);
      expect(await exited).toBe(0);
      expect(out).toMatch(/✓ demo: teardown SUCCEEDED/);
      expect(out).toMatch(/Removed \d+ resources/);
      expect(out).toContain('Inventory now: empty');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 240_000);
});
