/**
 * The sweeper's pieces that the `sweep` state machine relies on (functions/lib/sweeper): the
 * listers' reduction to what the decider needs within Step Functions' payload limit (tagged.ts
 * forDecider), and the placeholder profile a lost channel is recreated with (placeholder.ts).
 */
import { resolveProfile } from '../../../functions/lib/profile';
import { PLACEHOLDER_PROFILES } from '../../../functions/lib/sweeper/placeholder';
import { forDecider, LISTER_RESULT_BYTES, type TaggedResource } from '../../../functions/lib/sweeper/tagged';
import type { ChannelRecord, ChannelStatus } from '../../../functions/lib/channel/registry';
import { channelRecord } from '../handlers/record';

const input = (channelId: string, id: string): TaggedResource => ({ channelId, service: 'medialive', type: 'input', id, path: ['inputId'], value: id });
const record = (channelId: string, status: ChannelStatus, inputId?: string): ChannelRecord => {
  const r = channelRecord({ channelId, status });
  return { ...r, resources: { ...r.resources, ...(inputId ? { inputId } : {}) } };
};

describe('a lister returns only what the decider acts on (forDecider)', () => {
  it("keeps a missing, DELETED or FAILED channel's resources and a live channel's unrecorded ones; drops what a live channel records", () => {
    const found = [input('gone', 'i-1'), input('deleted', 'i-2'), input('failed', 'i-3'), input('live', 'i-4'), input('live', 'i-5')];
    const records = [record('deleted', 'DELETED', 'i-2'), record('failed', 'FAILED', 'i-3'), record('live', 'ON_AIR', 'i-4')];
    const out = forDecider('sweepMediaLive', found, records);
    expect(out).toEqual({ lister: 'sweepMediaLive', found: 5, truncated: false, tagged: [found[1], found[2], found[0], found[4]] });
  });

  it('an input security group another live channel records is nobody\'s orphan', () => {
    const group: TaggedResource = { channelId: 'creator', service: 'medialive', type: 'inputSecurityGroup', id: 'g-1', path: ['inputSecurityGroupId'], value: 'g-1' };
    const sharer = { ...record('sharer', 'ON_AIR'), resources: { ...record('sharer', 'ON_AIR').resources, inputSecurityGroupId: 'g-1' } };
    expect(forDecider('sweepMediaLive', [group], [sharer]).tagged).toEqual([]);
    expect(forDecider('sweepMediaLive', [group], []).tagged).toEqual([group]);
  });

  it('stays within its byte budget, whole channels in id order, and says it truncated (100 channels × 20 orphans)', () => {
    const found: TaggedResource[] = [];
    for (let c = 0; c < 100; c++) {
      for (let i = 0; i < 20; i++) {
        found.push({ channelId: `ch-${String(c).padStart(3, '0')}`, service: 'cloudwatch', type: 'alarm', id: `onair-ch-${c}-alarm-${i}`, arn: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:onair-ch-${c}-alarm-${i}`, path: ['alarms', 'eu-west-1'], value: `onair-ch-${c}-alarm-${i}`, region: 'eu-west-1' });
      }
    }
    expect(Buffer.byteLength(JSON.stringify(found))).toBeGreaterThan(256 * 1024);
    const out = forDecider('sweepAlarms', found, []);
    expect(out.truncated).toBe(true);
    expect(out.found).toBe(2000);
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(LISTER_RESULT_BYTES + 200);
    const channels = [...new Set(out.tagged.map((t) => t.channelId))];
    expect(channels).toEqual(channels.slice().sort());
    expect(channels[0]).toBe('ch-000');
    for (const c of channels) expect(out.tagged.filter((t) => t.channelId === c)).toHaveLength(20);
    // The four listers' results together (the decider's input) stay under Step Functions' 256 KiB.
    expect(4 * Buffer.byteLength(JSON.stringify(out)) + 1000).toBeLessThan(256 * 1024);
    // Under the budget: all of it, not truncated.
    expect(forDecider('sweepAlarms', found.slice(0, 40), [])).toMatchObject({ truncated: false, found: 40 });
    expect(forDecider('sweepAlarms', found.slice(0, 40), []).tagged).toHaveLength(40);
  });
});

describe('the placeholder profile of a channel the registry lost', () => {
  it('is exactly what resolveProfile gives (default for v2, mediapackage-v1 when v1 resources were found)', () => {
    const input = { input: { type: 'URL_PULL', sourceUrls: ['https://sweeper.invalid/a.m3u8', 'https://sweeper.invalid/b.m3u8'] } };
    expect(PLACEHOLDER_PROFILES['mediapackage-v2']).toEqual(resolveProfile('default', input));
    expect(PLACEHOLDER_PROFILES['mediapackage-v1']).toEqual(resolveProfile('mediapackage-v1', input));
  });
});
