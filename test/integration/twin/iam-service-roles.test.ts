/**
 * Issue 11's headline: the local cloud evaluates the stack's service roles when MediaLive acts.
 * The provision workflow runs in the local cloud with serverless.yml's own MediaLive role (as
 * local/onair/app.ts registers it): the channel plays. With mediapackagev2:GetChannel removed from that
 * role, MediaLive's push is refused as AWS refuses it, the playback check never passes, the
 * workflow rolls back, and MediaLive's output alert is listed (ListAlerts) and sent to EventBridge.
 */
import { ListAlertsCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import { registerRoles, type RoleSpec } from '../../../local/iam/roles';
import { rolesFromWorkflows } from '../../../local/onair/roles';
import { OUTPUT_ALERT } from '../../../local/playback';
import { harness, run } from '../workflows/lifecycle';
import { useLocalCloud } from '../helpers/local-cloud';

describe('MediaLive acts through the role serverless.yml gives it', () => {
  const cloud = useLocalCloud({ scheduledRules: false });
  const h = harness(cloud);
  const input = (channelId: string) => ({ channelId, profileName: 'default', overrides: { input: { allowedCidrs: ['127.0.0.1/32'] } } });

  it('with mediapackagev2:GetChannel the channel plays', async () => {
    const exec = await run(h(), 'provision', input('iam-ok'));
    expect({ status: exec.status, cause: exec.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    const record = await h().registry.get('iam-ok');
    expect(record.status).toBe('ON_AIR');
    expect((await fetch(record.playback?.hls as string)).status).toBe(200);
    const ml = new MediaLiveClient(cloud().clientConfig);
    const alerts = await ml.send(new ListAlertsCommand({ ChannelId: record.resources.medialiveChannelId! }));
    ml.destroy();
    expect((alerts.Alerts ?? []).filter((a) => a.AlertType === OUTPUT_ALERT)).toEqual([]);
  }, 90_000);

  it('without it no segment reaches MediaPackage: the playback check fails and MediaLive lists its alert', async () => {
    const original = rolesFromWorkflows(cloud().workflows).find((r) => r.logicalId === 'MediaLiveRole')!;
    const withoutGetChannel: RoleSpec = structuredClone(original);
    for (const p of withoutGetChannel.policies as { Statement: { Action: string | string[] }[] }[]) {
      for (const s of p.Statement) s.Action = [s.Action].flat().filter((a) => a !== 'mediapackagev2:GetChannel');
    }
    expect(JSON.stringify(withoutGetChannel.policies)).not.toContain('GetChannel');
    registerRoles(cloud().twin.env, [withoutGetChannel]);
    const ml = new MediaLiveClient(cloud().clientConfig);
    try {
      const execution = run(h(), 'provision', input('iam-denied'));
      // While the workflow polls playback, MediaLive's alert is SET on each running pipeline.
      let listed: { type?: string; state?: string; pipeline?: string; message?: string }[] = [];
      for (let i = 0; i < 400 && listed.length < 2; i++) {
        const id = (await h().registry.get('iam-denied').catch(() => undefined))?.resources.medialiveChannelId;
        if (id) {
          const out = await ml.send(new ListAlertsCommand({ ChannelId: id })).catch(() => ({ Alerts: [] }));
          listed = (out.Alerts ?? []).filter((a) => a.AlertType === OUTPUT_ALERT).map((a) => ({ type: a.AlertType, state: a.State, pipeline: a.PipelineId, message: a.Message }));
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(listed.map((a) => a.pipeline).sort()).toEqual(['0', '1']);
      expect(listed[0]).toMatchObject({ state: 'SET', message: expect.stringMatching(/403 Forbidden.*not authorized to perform: mediapackagev2:GetChannel/) });

      const exec = await execution;
      expect(exec.status).not.toBe('SUCCEEDED');
      const record = await h().registry.get('iam-denied');
      // Rolled back: the channel closed as DELETED, the failure naming the playback check.
      expect(record.status).toBe('DELETED');
      expect(`${record.failure?.step}: ${record.failure?.error} ${record.failure?.cause ?? ''}`).toMatch(/playback/i);
      // The same alert went to EventBridge as a "MediaLive Channel Alert" (once per pipeline).
      const alertEvents = cloud().twin.events.history().filter((e) => e['detail-type'] === 'MediaLive Channel Alert' && (e.detail as { alert_type?: string }).alert_type === OUTPUT_ALERT && (e.detail as { alarm_state?: string }).alarm_state === 'SET');
      expect(alertEvents.map((e) => (e.detail as { pipeline?: string }).pipeline).sort()).toEqual(['0', '1']);
    } finally {
      ml.destroy();
      registerRoles(cloud().twin.env, [original]);
    }
  }, 120_000);
});
