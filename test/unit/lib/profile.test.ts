import { resolveProfile, BUILTIN_PROFILES } from '../../../functions/lib/profile';
import { ValidationError } from '../../../functions/lib/errors';
import { LOW_LATENCY_INGEST_SEGMENT_SECONDS } from '../../../functions/lib/profile-data';

describe('resolveProfile', () => {
  it('builds the default ladder with documented values', () => {
    const p = resolveProfile('default', { input: { allowedCidrs: ['203.0.113.10/32'] } });
    expect(p.channelClass).toBe('STANDARD');
    expect(p.video.renditions.map((r) => `${r.height}p@${r.bitrate}`)).toEqual(['1080p@6000000', '720p@3000000', '480p@1200000']);
    expect(p.segmentSeconds).toBe(6);
    expect(p.packager.kind).toBe('mediapackage-v2');
    expect(p.input.type).toBe('RTMP_PUSH');
  });

  it('refuses a push input with no allowed CIDRs, naming the field', () => {
    try {
      resolveProfile('default', {});
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).details).toEqual([expect.objectContaining({ field: 'input.allowedCidrs' })]);
    }
  });

  it('names each bad field of an override', () => {
    expect.assertions(2);
    try {
      resolveProfile('default', { input: { allowedCidrs: ['10.0.0.0/33'] }, segmentSeconds: 5, video: { renditions: [{ name: 'x', width: 1921, height: 1080, bitrate: 1 }] } });
    } catch (e) {
      const fields = (e as ValidationError).details.map((d) => d.field).sort();
      expect(fields).toEqual(expect.arrayContaining(['input.allowedCidrs.0', 'video.renditions.0.bitrate']));
      expect(fields.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('low latency as AWS recommends it: 1 s GOPs dividing the 1 s segments MediaLive sends (MediaLive UG mediapackage-v2-low-latency)', () => {
    const ll = resolveProfile('low-latency', { input: { allowedCidrs: ['203.0.113.10/32'] } });
    expect([ll.packager.lowLatencyHls, ll.video.gopSeconds, LOW_LATENCY_INGEST_SEGMENT_SECONDS]).toEqual([true, 1, 1]);
    expect(ll.segmentSeconds % LOW_LATENCY_INGEST_SEGMENT_SECONDS).toBe(0);
    expect(() => resolveProfile('low-latency', { input: { allowedCidrs: ['203.0.113.10/32'] }, video: { gopSeconds: 2 } }))
      .toThrow(/video.gopSeconds: low-latency HLS ingests 1 s segments/);
    // Without low-latency HLS a 2 s GOP in 6 s segments is fine.
    expect(resolveProfile('default', { input: { allowedCidrs: ['203.0.113.10/32'] }, video: { gopSeconds: 2 } }).video.gopSeconds).toBe(2);
  });

  it('resolves every built-in profile', () => {
    for (const name of Object.keys(BUILTIN_PROFILES)) {
      const p = resolveProfile(name, { input: { allowedCidrs: ['198.51.100.0/24'] } });
      expect(p.name).toBe(name);
    }
  });
});
