/**
 * The orphan sweeper, proved in the local cloud: workflows killed (StopExecution) at every
 * provisioning and teardown step (the process crash is crash.test.ts) leave stuck channels and
 * untracked resources; a dry run reports them and
 * changes nothing; sweeping then leaves zero resources in the twin's inventory and every channel
 * DELETED in the registry.
 */
import { sweep } from '../../../functions/lib/sweeper';
import { useLocalCloud, type TestCloud } from '../../integration/helpers/local-cloud';
import { allRecords, channelInventory, clientsFor, killAt, pool, sleep, start, sweepUntilClean, SweepTally, waitDone, type Clients } from '../lib/cloud';

import { recordFigures } from '../lib/figures';

const CONCURRENCY = 3;

const input = (channelId: string, profileName: string, delivery?: 'dedicated') => ({ channelId, profileName, overrides: { ...(delivery ? { delivery } : {}), input: { allowedCidrs: ['127.0.0.1/32'] } } });
/** Task states that run on every successful provisioning / teardown (failure-only states excluded). */
const PROVISION_STATES = ['Validate', 'CreateInputSecurityGroup', 'CreateInput', 'CreatePackager', 'CreateChannel', 'CreateOriginAccessControl', 'CreateDistribution', 'AuthorizeCdn', 'CreateAlarms', 'CreateChannelAlarms', 'CreateCdnAlarm', 'WaitForCreated', 'StartChannel', 'WaitForRunning', 'CheckPlayback', 'MarkOnAir', 'NotifyOnAir'];
const TEARDOWN_STATES = ['BeginTeardown', 'StopChannel', 'WaitForChannelStopped', 'DeleteChannel', 'WaitForChannelDeleted', 'ReleaseInput', 'DeletePackager', 'DisableDistribution', 'DescribeDistribution', 'DeleteDistribution', 'DeleteOriginAccessControl', 'DeleteAlarms', 'MarkDeleted'];
/**
 * States that run only for a channel with a distribution of its own (delivery dedicated; lib/delivery.ts).
 * (Shared delivery creates its alarms in CreateChannelAlarms; dedicated in the CDN Parallel's CreateAlarms.)
 */
const DEDICATED_ONLY = new Set(['CreateOriginAccessControl', 'CreateDistribution', 'AuthorizeCdn', 'CreateAlarms', 'CreateCdnAlarm', 'DisableDistribution', 'DescribeDistribution', 'DeleteDistribution', 'DeleteOriginAccessControl']);
/** v2 kills: shared delivery (the default) at its states, a dedicated distribution at the CDN ones. */
const v2Kills = (states: string[]) => states.map((state) => (DEDICATED_ONLY.has(state) ? { tag: 'v2d', delivery: 'dedicated' as const, state } : { tag: 'v2', state }));

const rows: [string, string, string, number, number, number][] = [];
let dryRunFindings = 0;
const tally = new SweepTally();

afterAll(() => {
  recordFigures('sweeper', {
    orphansLeft: tally.orphansLeft,
    headline: {
      'kill/crash cases': rows.length,
      'stuck channels found': tally.stuckFound,
      'orphaned or untracked resources found': tally.orphansFound,
      'findings reported by dry runs (nothing changed)': dryRunFindings,
      'resources left after sweeping': tally.orphansLeft,
    },
    table: { columns: ['scenario', 'profile', 'killed at', 'resources before sweep', 'sweep rounds', 'left after'], rows },
  });
});



/**
 * Twin ms per real ms. Lower than the integration suites' 400: the twin shares this process's CPU,
 * and with several workflows at once a starved CPU turns real milliseconds into twin minutes
 * (a provisioning would outlive its own TimeoutSeconds).
 */
const SCALE = Math.min(150, Number(process.env.ONAIR_PROVE_SCALE ?? 150));

/** Every resource left belongs to a live channel the registry knows (and records it); then teardown. */
async function expectOwnedThenTearDown(c: Clients, cloud: TestCloud): Promise<void> {
  const live = (await allRecords(c)).filter((r) => r.status !== 'DELETED');
  for (const r of live) expect({ id: r.channelId, status: r.status }).toEqual({ id: r.channelId, status: expect.stringMatching(/^(ON_AIR|IDLE)$/) });
  const liveIds = new Set(live.map((r) => r.channelId));
  for (const item of channelInventory(cloud)) {
    // Untaggable resources (origin access controls) are owned through the record that names them.
    // A shared input security group (reused per CIDR set) keeps its creator's tag: any live record naming it owns it.
    const recordedBy = live.find((r) => JSON.stringify(r.resources).includes(`"${item.id}"`))?.channelId;
    const tagged = item.tags?.['onair:channel'];
    const owner = tagged !== undefined && liveIds.has(tagged) ? tagged : recordedBy ?? tagged;
    expect({ item: item.id, owner, live: owner !== undefined && liveIds.has(owner) }).toEqual({ item: item.id, owner, live: true });
  }
  await pool(live, CONCURRENCY, async (r) => waitDone(c, await start(c, cloud, 'teardown', { channelId: r.channelId })));
}

describe('workflows killed mid-flight, then swept', () => {
  // The scheduled sweeper (rate(15 minutes): seconds here) stays off: it would clean the killed
  // channels before the dry run this suite checks. The suite runs the sweeper itself.
  // 16 channels ON_AIR at once: more than a fresh account's 5 MediaLive channels (lib/aws-quotas.ts).
  const cloud = useLocalCloud({ scale: SCALE, scheduledRules: false, quotas: 'raised' });
  let c: Clients;
  beforeAll(() => { c = clientsFor(cloud()); });

  it('kills provisioning at every step (v2 and v1) and teardown at every step; a dry run only reports; sweeping leaves nothing', async () => {
    // Teardown victims: channels ON_AIR first.
    // Teardown is packager-specific only in DeletePackager: v1 is killed there, v2 at every step.
    const victims = [
      ...v2Kills(TEARDOWN_STATES).map((k, i) => ({ profile: 'default', ...k, channelId: `kt-v2-${i}` })),
      { profile: 'mediapackage-v1', tag: 'v1', state: 'DeletePackager', channelId: 'kt-v1-0' },
    ];
    const provisioned = await pool(victims, CONCURRENCY, async (v) => waitDone(c, await start(c, cloud(), 'provision', input(v.channelId, v.profile, 'delivery' in v ? v.delivery : undefined))));
    expect(provisioned.map((p) => p.status)).toEqual(victims.map(() => 'SUCCEEDED'));

    const kills = [
      ...v2Kills(PROVISION_STATES).map((k, i) => ({ machine: 'provision', profile: 'default', ...k, channelId: `kp-v2-${i}` })),
      // v1 differs from v2 only in its packager and CDN origin steps.
      ...['CreatePackager', 'CreateDistribution', 'AuthorizeCdn', 'CreateChannel'].map((state, i) => ({ machine: 'provision', profile: 'mediapackage-v1', tag: 'v1', state, channelId: `kp-v1-${i}` })),
      ...victims.map((v) => ({ machine: 'teardown', ...v })),
    ];
    const outcomes = await pool(kills, CONCURRENCY, async (k) => {
      const arn = await start(c, cloud(), k.machine, k.machine === 'provision' ? input(k.channelId, k.profile, 'delivery' in k ? (k.delivery as 'dedicated' | undefined) : undefined) : { channelId: k.channelId });
      return killAt(c, arn, k.state);
    });
    expect(outcomes.filter((o) => o === 'killed').length).toBe(kills.length);
    // Handlers that were mid-flight when their workflow died finish their AWS call and record it.
    await sleep(500);

    const before = channelInventory(cloud());
    const beforeRecords = await allRecords(c);
    expect(before.length).toBeGreaterThan(0);

    const dry = await sweep(c.sweeper, { dryRun: true, graceSeconds: 0 });
    dryRunFindings += dry.findings.length;
    const dryIds = new Set(dry.findings.map((f) => f.channelId));
    // Every killed channel that holds anything (or is stuck in a transitional status) is reported.
    for (const r of beforeRecords) {
      if (r.status !== 'DELETED' && r.status !== 'ON_AIR' && r.status !== 'IDLE') expect({ id: r.channelId, reported: dryIds.has(r.channelId) }).toEqual({ id: r.channelId, reported: true });
    }
    expect(dry.findings.every((f) => f.action === 'reported')).toBe(true);
    // Nothing deleted or created (states may still move on by themselves: a disabled distribution deploys).
    const ids = (items: typeof before) => items.map((i) => `${i.service}/${i.type}/${i.id}`).sort();
    expect(ids(channelInventory(cloud()))).toEqual(ids(before));
    expect((await allRecords(c)).map((r) => [r.channelId, r.status, r.updatedAt])).toEqual(beforeRecords.map((r) => [r.channelId, r.status, r.updatedAt]));

    const { rounds, reports } = await sweepUntilClean(c);
    tally.add(reports);
    // A workflow killed after its last write (MarkOnAir) left a channel that is really ON_AIR: it
    // is owned, not an orphan. The registry and the inventory must agree on it; then it is torn
    // down the ordinary way.
    await expectOwnedThenTearDown(c, cloud());
    await tally.expectClean(c, cloud());
    const per = (id: string) => before.filter((i) => JSON.stringify(i).includes(id)).length;
    for (const k of kills) rows.push([`${k.machine} workflow killed`, k.tag, k.state, per(k.channelId), rounds, 0]);
    // The sweeper announced what it cleaned.
    const sns = cloud().twin.services.get('sns') as unknown as { published(): { Subject?: string }[] };
    expect(sns.published().some((m) => /sweeper is cleaning/.test(m.Subject ?? ''))).toBe(true);
  }, 600_000);

  it('runs as deployed, the sweep state machine (dry run through the twin): reports, changes nothing', async () => {
    const arn = await start(c, cloud(), 'provision', input('kl-1', 'default'));
    await killAt(c, arn, 'CreateChannel');
    await sleep(300);
    const before = channelInventory(cloud());
    const out = await waitDone(c, await start(c, cloud(), 'sweep', { dryRun: true, graceSeconds: 0 }));
    expect(out.status).toBe('SUCCEEDED');
    const payload = JSON.parse(out.output!) as { dryRun: boolean; findings: number; teardownsStarted: number; truncated: string[]; listersFailed: string[] };
    expect(payload).toEqual({ dryRun: true, findings: 1, teardownsStarted: 0, truncated: [], listersFailed: [] });
    dryRunFindings += payload.findings;
    expect(channelInventory(cloud()).map((i) => i.id).sort()).toEqual(before.map((i) => i.id).sort());
    const { reports, rounds } = await sweepUntilClean(c);
    tally.add(reports);
    await expectOwnedThenTearDown(c, cloud());
    await tally.expectClean(c, cloud());
    rows.push(['provision killed, sweep state machine dry run then sweep', 'v2', 'CreateChannel', before.length, rounds, 0]);
  }, 120_000);
});

