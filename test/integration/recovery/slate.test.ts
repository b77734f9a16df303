/**
 * A profile that asks for a slate: provisioning creates the slate input and attaches it; input loss
 * switches to it and back; teardown removes it with everything else.
 */
import { DescribeChannelCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import type { AuditEntry } from '../../../functions/lib/recovery/types';
import { deps } from '../../../functions/recovery/deps';
import { useLocalCloud } from '../helpers/local-cloud';
import { channelInventory, harness, run } from '../workflows/lifecycle';

const CHANNEL = 'slate-1';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a slate created by provisioning', () => {
  const cloud = useLocalCloud();
  const h = harness(cloud);

  it('is attached, switched to on input loss and back, and torn down with the channel', async () => {
    deps.now = () => new Date(cloud().twin.clock.now()); // the handlers' clock is the twin's (see recovery.test.ts)
    const medialive = new MediaLiveClient(cloud().clientConfig);
    try {
      const exec = await run(h(), 'provision', {
        channelId: CHANNEL, profileName: 'default',
        overrides: {
          input: { allowedCidrs: ['127.0.0.1/32'] },
          recovery: {
            slate: { url: 'https://media.example.com/slates/be-right-back.mp4' },
            rules: [{ name: 'input-loss', on: { alertTypes: ['Video Not Detected'] }, action: 'SWITCH_INPUT', target: 'slate', debounceSeconds: 5, holdSeconds: 20 }],
          },
        },
      });
      expect(exec.status).toBe('SUCCEEDED');
      const record = await h().registry.get(CHANNEL);
      expect(record.status).toBe('ON_AIR');
      const mlId = record.resources.medialiveChannelId as string;
      expect(record.resources.slateInputId).toBeDefined();
      const ch = await medialive.send(new DescribeChannelCommand({ ChannelId: mlId }));
      expect(ch.InputAttachments?.map((a) => a.InputAttachmentName)).toEqual([`onair-${CHANNEL}-input`, `onair-${CHANNEL}-slate`]);
      expect(ch.InputAttachments?.[1]).toMatchObject({ InputId: record.resources.slateInputId, InputSettings: { SourceEndBehavior: 'LOOP' } });

      const post = (path: string, body: object) => fetch(`${cloud().url}/_twin/medialive/channels/${mlId}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const audit = async (): Promise<AuditEntry[]> => (await h().registry.get(CHANNEL)).recoveryActions ?? [];
      expect((await post('alerts', { alertType: 'Video Not Detected', pipeline: '0' })).status).toBe(200);
      await until('switch to slate', async () => (await audit()).find((a) => a.action === 'SWITCH_INPUT → slate' && a.result === 'OK'));
      const active = async () => (await medialive.send(new DescribeChannelCommand({ ChannelId: mlId }))).PipelineDetails?.map((p) => p.ActiveInputAttachmentName);
      expect(await active()).toEqual([`onair-${CHANNEL}-slate`, `onair-${CHANNEL}-slate`]);
      expect((await post('alerts/clear', { alertType: 'Video Not Detected' })).status).toBe(200);
      await until('switch back', async () => (await audit()).find((a) => a.action === 'SWITCH_INPUT → primary' && a.result === 'OK'));
      expect(await active()).toEqual([`onair-${CHANNEL}-input`, `onair-${CHANNEL}-input`]);

      const teardown = await run(h(), 'teardown', { channelId: CHANNEL });
      expect(teardown.status).toBe('SUCCEEDED');
      expect(channelInventory(cloud()).filter((i) => i.tags?.['onair:channel'] === CHANNEL)).toEqual([]);
      expect((await h().registry.get(CHANNEL)).resources.slateInputId).toBeUndefined();
    } finally {
      medialive.destroy();
    }
  }, 60_000);
});
