/**
 * The orphan sweeper after a crash of the whole local process: right after each AWS create of a
 * provisioning (v2 and v1), the local cloud is stopped — the workflow and every in-flight handler
 * die with it — then restarted from its data folder and swept: nothing may be left.
 * (Its own file: handler modules keep the SDK clients of the first local cloud of a test file,
 * so the restarted cloud must reuse that port, in a module registry of its own.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud } from '../../../local/onair/app';
import { localCredentials } from '../../../local/onair/api/credentials';
import type { TestCloud } from '../../integration/helpers/local-cloud';
import { channelInventory, clientsFor, sleep, start, sweepUntilClean, SweepTally, waitDone } from '../lib/cloud';
import { recordFigures } from '../lib/figures';

const SCALE = Math.min(150, Number(process.env.ONAIR_PROVE_SCALE ?? 150));
const input = (channelId: string, profileName: string) => ({ channelId, profileName, overrides: { input: { allowedCidrs: ['127.0.0.1/32'] } } });
const PROFILES: [string, string][] = [['default', 'v2'], ['mediapackage-v1', 'v1']];
const rows: [string, string, string, number, number, number][] = [];
const tally = new SweepTally();

afterAll(() => {
  recordFigures('sweeper-crash', {
    orphansLeft: tally.orphansLeft,
    headline: { 'process crashes': rows.length, 'stuck channels found': tally.stuckFound, 'untracked resources found': tally.orphansFound, 'resources left after sweeping': tally.orphansLeft },
    table: { columns: ['scenario', 'profile', 'killed right after', 'resources before sweep', 'sweep rounds', 'left after'], rows },
  });
});



describe('the local process killed mid-flight, restarted, then swept', () => {
  /** The AWS creates of a provisioning (named from a happy run's request log). */
  const CREATES = /^(Create|Put|Authorize)/;

  it('kills the process right after each AWS create of a provisioning (v2 and v1) and sweeps to nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'onair-crash-'));
    let cloud = await startLocalCloud({ port: 0, scale: SCALE, dataDir, fresh: true, logLevel: 'SILENT' });
    const port = Number(new URL(cloud.url).port);
    const asTest = (cl: typeof cloud): TestCloud => Object.assign(cl, { clientConfig: { endpoint: cl.url, region: cl.workflows.region, credentials: localCredentials(), maxAttempts: 1 } });
    try {
      for (const [profile, tag] of PROFILES) {
        // A happy run names the creates to crash after.
        let c = clientsFor(asTest(cloud));
        const since = cloud.twin.requests.list().at(-1)?.seq ?? 0;
        expect((await waitDone(c, await start(c, asTest(cloud), 'provision', input(`cr-${tag}-happy`, profile)))).status).toBe('SUCCEEDED');
        const creates = [...new Set(cloud.twin.requests.list({ since }).filter((r) => r.seq > since && r.status < 400 && CREATES.test(r.operation) && r.service !== 'dynamodb' && r.service !== 'sns'
          // The manifest cache policy is the stage's, created once and shared: not a channel's step.
          && r.operation !== 'CreateCachePolicy').map((r) => `${r.service}.${r.operation}`))];
        expect(creates.length).toBeGreaterThan(5);
        await waitDone(c, await start(c, asTest(cloud), 'teardown', { channelId: `cr-${tag}-happy` }));

        for (const [i, op] of creates.entries()) {
          const channelId = `cr-${tag}-${i}`;
          const mark = cloud.twin.requests.list().at(-1)?.seq ?? 0;
          const arn = await start(c, asTest(cloud), 'provision', input(channelId, profile));
          // Poll the twin's request log until this create has succeeded, then kill everything.
          const until = Date.now() + 60_000;
          while (!cloud.twin.requests.list({ since: mark }).some((r) => r.seq > mark && `${r.service}.${r.operation}` === op && r.status < 400)) {
            if (Date.now() > until) throw new Error(`${op} never happened for ${channelId}`);
            await sleep(2);
          }
          await cloud.stop();
          // In-flight handler code dies with the process: let its SDK retries run out on the closed port.
          await sleep(400);
          cloud = await startLocalCloud({ port, scale: SCALE, dataDir, fresh: false, logLevel: 'SILENT' });
          c = clientsFor(asTest(cloud));
          const before = channelInventory(asTest(cloud)).length;
          const { rounds, reports } = await sweepUntilClean(c);
          tally.add(reports);
          expect(arn).toMatch(/^arn:aws:states:/);
          await tally.expectClean(c, asTest(cloud));
          rows.push(['local process killed after the call', tag, op, before, rounds, 0]);
        }
      }
    } finally {
      await cloud.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 900_000);
});
