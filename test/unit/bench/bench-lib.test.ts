/** The benchmarks' pure helpers: percentiles, the on-air bound, target verdicts (no timings here). */
import { onAirBound } from '../../../bench/lib/bound';
import { orphans } from '../../../bench/lib/orphans';
import { verdict } from '../../../bench/lib/result';
import { percentile } from '../../../bench/lib/stats';
import { resolveProfile } from '../../../functions/lib/profile';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { LATENCY } from '../../../local/core/latency';

describe('percentile (nearest rank)', () => {
  it('takes a measured value, never an interpolated one', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('onAirBound', () => {
  const profile = resolveProfile('default', { input: { allowedCidrs: ['127.0.0.1/32'] } });

  it("shared delivery (the default): the chain is MediaLive's, no CloudFront deployment on it", () => {
    const b = onAirBound(profile);
    expect(b.chains.map((c) => c.name)).toEqual(['every pipeline RUNNING', 'first segment packaged']);
    expect(b.ms).toBeLessThan(LATENCY['cloudfront.distribution.deploy']);
  });

  it('is the longest chain, each chain the sum of its steps from the latency profile', () => {
    const b = onAirBound({ ...profile, delivery: 'dedicated' });
    for (const c of b.chains) expect(c.ms).toBe(c.steps.reduce((a, s) => a + s.ms, 0));
    expect(b.ms).toBe(Math.max(...b.chains.map((c) => c.ms)));
    const cdn = b.chains.find((c) => c.name === 'distribution Deployed');
    expect(cdn?.steps.map((s) => s.latency)).toContain('cloudfront.distribution.deploy');
    expect(cdn?.ms).toBe(LATENCY['cloudfront.distribution.deploy'] + 2 * LATENCY['mediapackage.resource.ready']);
  });

  it('waits for every pipeline of a STANDARD channel and for one of a single-pipeline channel', () => {
    const standard = onAirBound(profile).chains.find((c) => c.name === 'every pipeline RUNNING');
    const single = onAirBound({ ...profile, channelClass: 'SINGLE_PIPELINE' }).chains.find((c) => c.name === 'every pipeline RUNNING');
    expect((standard?.ms ?? 0) - (single?.ms ?? 0)).toBe(LATENCY['medialive.channel.start.pipelineSkew']);
  });
});

describe('verdict', () => {
  it('compares with the target and says when nothing was measured', () => {
    expect(verdict({ id: 'a', label: 'a', value: 1.04, unit: '×', target: { op: '<=', value: 1.05 } })).toBe('pass');
    expect(verdict({ id: 'a', label: 'a', value: 1.06, unit: '×', target: { op: '<=', value: 1.05 } })).toBe('miss');
    expect(verdict({ id: 'a', label: 'a', value: 99, unit: 'of 100', target: { op: '>=', value: 100 } })).toBe('miss');
    expect(verdict({ id: 'a', label: 'a', value: null, unit: 'ms', target: { op: '<=', value: 500 } })).toBe('not measured');
    expect(verdict({ id: 'a', label: 'a', value: 3, unit: 'ms' })).toBe('n/a');
  });
});

describe('orphans', () => {
  const record = (status: ChannelRecord['status'], resources: Record<string, unknown>): ChannelRecord => ({ status, resources } as unknown as ChannelRecord);

  it('finds inventory items no live record names, ignoring the stack’s own table and topic', () => {
    const items = [
      { service: 'medialive', type: 'channel', id: '1234567' },
      { service: 'medialive', type: 'input', id: '7654321' },
      { service: 'cloudfront', type: 'distribution', id: 'arn:aws:cloudfront::111122223333:distribution/E2ABC' },
      { service: 'dynamodb', type: 'table', id: 'onair-dev-channels' },
      { service: 'sns', type: 'topic', id: 'arn:aws:sns:us-east-1:111122223333:onair-dev-notifications' },
    ];
    const live = record('ON_AIR', { medialiveChannelId: '1234567', distributionId: 'E2ABC' });
    const gone = record('DELETED', { inputId: '7654321' });
    expect(orphans(items, [live, gone]).map((i) => i.id)).toEqual(['7654321']);
  });
});
