/**
 * Account quotas on a fresh account (the local cloud on AWS's defaults, lib/aws-quotas.ts):
 *  - the SDK creating one input security group (or MediaPackage v2 channel group) more than the
 *    account allows gets the service's quota error;
 *  - channels with the same CIDRs share one input security group; deleting one leaves the group to
 *    the other, and the sweeper does not take it for an orphan;
 *  - OnAir's API refuses the 6th channel (MediaLive's default of 5 per Region), naming the quota,
 *    its value and how to raise it, and creates nothing.
 */
import { CreateInputSecurityGroupCommand, DeleteInputSecurityGroupCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import { CreateChannelGroupCommand, DeleteChannelGroupCommand, ListChannelGroupsCommand, MediaPackageV2Client } from '@aws-sdk/client-mediapackagev2';
import { ApiClient } from '../../../cli/client';
import { apiSigner } from '../../../lib/sigv4';
import { sweep } from '../../../functions/lib/sweeper';
import { startLocalApi, type LocalApi } from '../../../local/onair/api';
import { localCredentials } from '../../../local/onair/api/credentials';
import { clientsFor } from '../../reliability/lib/cloud';
import { useLocalCloud } from '../helpers/local-cloud';

jest.setTimeout(240_000);

const cloud = useLocalCloud({ scheduledRules: false });
let api: LocalApi;
let client: ApiClient;

beforeAll(async () => {
  api = await startLocalApi({ port: 0, endpoint: cloud().url, now: () => cloud().twin.clock.now() });
  client = new ApiClient(api.url, apiSigner(localCredentials(), cloud().workflows.region));
});
afterAll(async () => { await api?.stop(); });

const CIDR = '203.0.113.10/32';
const groups = () => cloud().twin.inventory().filter((i) => i.service === 'medialive' && i.type === 'inputSecurityGroup');

async function record(channelId: string): Promise<{ status: string; resources: { inputSecurityGroupId?: string } }> {
  const r = await client.call('GET', `/channels/${channelId}`);
  return r.body as { status: string; resources: { inputSecurityGroupId?: string } };
}

async function settle(channelId: string, statuses: string[]): Promise<string> {
  const until = Date.now() + 120_000;
  for (;;) {
    const { status } = await record(channelId);
    if (statuses.includes(status)) return status;
    if (Date.now() > until) throw new Error(`${channelId} is still ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function create(channelId: string): Promise<void> {
  const res = await client.call('POST', '/channels', { body: { channelId, profile: 'single-pipeline', start: false, overrides: { input: { allowedCidrs: [CIDR] } } } });
  expect(res.status).toBe(202);
  expect(await settle(channelId, ['IDLE', 'FAILED'])).toBe('IDLE');
}

async function remove(channelId: string): Promise<void> {
  expect((await client.call('DELETE', `/channels/${channelId}`)).status).toBe(202);
  expect(await settle(channelId, ['DELETED', 'FAILED'])).toBe('DELETED');
}

describe('a fresh account', () => {
  it('MediaLive answers its quota error to the 6th input security group (SDK, no retries)', async () => {
    const ml = new MediaLiveClient(cloud().clientConfig);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 5; i++) ids.push((await ml.send(new CreateInputSecurityGroupCommand({ WhitelistRules: [{ Cidr: `198.51.100.${i}/32` }] }))).SecurityGroup!.Id!);
      const err = await ml.send(new CreateInputSecurityGroupCommand({ WhitelistRules: [{ Cidr: '198.51.100.9/32' }] })).then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } });
      expect(err?.name).toBe('TooManyRequestsException');
      expect(err?.$metadata.httpStatusCode).toBe(429);
      expect(err?.message).toMatch(/quota of 5 input security groups/);
    } finally {
      for (const id of ids) await ml.send(new DeleteInputSecurityGroupCommand({ InputSecurityGroupId: id }));
      ml.destroy();
    }
    expect(groups()).toHaveLength(0);
  });

  it("MediaPackage v2 answers 402 ServiceQuotaExceededException to the 4th channel group (the stage's own is the 1st)", async () => {
    const mp = new MediaPackageV2Client(cloud().clientConfig);
    try {
      expect((await mp.send(new ListChannelGroupsCommand({}))).Items).toHaveLength(1);
      for (const name of ['extra-1', 'extra-2']) await mp.send(new CreateChannelGroupCommand({ ChannelGroupName: name }));
      const err = await mp.send(new CreateChannelGroupCommand({ ChannelGroupName: 'extra-3' })).then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } });
      expect([err?.name, err?.$metadata.httpStatusCode, err?.message]).toEqual(['ServiceQuotaExceededException', 402, 'The request would cause a service quota to be exceeded.']);
    } finally {
      for (const name of ['extra-1', 'extra-2']) await mp.send(new DeleteChannelGroupCommand({ ChannelGroupName: name })).catch(() => undefined);
      mp.destroy();
    }
  });

  it('channels with the same CIDRs share one input security group, which outlives its creator until the last user goes', async () => {
    await create('isg-a');
    await create('isg-b');
    const a = (await record('isg-a')).resources.inputSecurityGroupId;
    expect(a).toBeDefined();
    expect((await record('isg-b')).resources.inputSecurityGroupId).toBe(a);
    expect(groups().map((g) => g.id)).toEqual([a]);

    await remove('isg-a');
    expect(groups().map((g) => g.id)).toEqual([a]);
    // Tagged with isg-a (DELETED), still used by isg-b: not an orphan.
    const report = await sweep(clientsFor(cloud()).sweeper, { dryRun: true, graceSeconds: 0 });
    expect(report.findings).toEqual([]);

    await remove('isg-b');
    expect(groups()).toHaveLength(0);
  });

  it("OnAir's API refuses the 6th channel, naming MediaLive's channel quota, and creates nothing", async () => {
    const ids = ['q-1', 'q-2', 'q-3', 'q-4', 'q-5'];
    for (const id of ids) await create(id);
    const before = cloud().twin.inventory().map((i) => `${i.service}:${i.type}:${i.id}`).sort();
    const res = await client.call('POST', '/channels', { body: { channelId: 'q-6', profile: 'single-pipeline', overrides: { input: { allowedCidrs: [CIDR] } } } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error: 'Conflict',
      message: expect.stringMatching(/q-6 does not fit the account's quota medialive "Channels".*: 5, of which 5 already used/),
      details: expect.arrayContaining([
        { field: 'quota', message: 'medialive: Channels (medialive.channels)' },
        { field: 'quota.value', message: '5 (5 in use)' },
        { field: 'quota.raise', message: expect.stringContaining('Service Quotas console') },
      ]),
    });
    expect(cloud().twin.inventory().map((i) => `${i.service}:${i.type}:${i.id}`).sort()).toEqual(before);
    expect((await client.call('GET', '/channels/q-6')).status).toBe(404);
    for (const id of ids) await remove(id);
  });
});
