/** Who may publish to the twin's RTMP listener (local/media/ingest.ts admitPublish). */
import { admitPublish, appAndStream, cidrContains, ipv4Of, type IngestTarget } from '../../../../local/media/ingest';

const target: IngestTarget = { channelId: '1234567', inputId: '7654321', pipeline: '0', app: 'demo', stream: 'primary', cidrs: ['127.0.0.1/32', '10.0.0.0/8'] };

describe('admitPublish', () => {
  it('admits a source inside the input security group at the input destination (IPv4-mapped too)', () => {
    expect(admitPublish([target], '127.0.0.1', '/demo/primary')).toEqual({ ok: true, target });
    expect(admitPublish([target], '::ffff:10.1.2.3', '/demo/primary')).toEqual({ ok: true, target });
  });

  it('refuses a source outside the CIDRs, a wrong stream or app, a malformed path, and anything when no channel runs', () => {
    expect(admitPublish([target], '192.168.1.5', '/demo/primary')).toMatchObject({ ok: false, reason: expect.stringContaining('outside the input security group') });
    expect(admitPublish([target], '::1', '/demo/primary')).toMatchObject({ ok: false });
    expect(admitPublish([target], '127.0.0.1', '/demo/backup')).toMatchObject({ ok: false, reason: expect.stringContaining('demo/backup') });
    expect(admitPublish([target], '127.0.0.1', '/other/primary')).toMatchObject({ ok: false });
    expect(admitPublish([target], '127.0.0.1', '/demo')).toMatchObject({ ok: false });
    expect(admitPublish([], '127.0.0.1', '/demo/primary')).toMatchObject({ ok: false, reason: expect.stringContaining('no running channel') });
  });
});

describe('CIDR and URL helpers', () => {
  it('matches CIDRs bit by bit', () => {
    expect(cidrContains('0.0.0.0/0', ipv4Of('8.8.8.8')!)).toBe(true);
    expect(cidrContains('198.51.100.0/24', ipv4Of('198.51.100.255')!)).toBe(true);
    expect(cidrContains('198.51.100.0/24', ipv4Of('198.51.101.0')!)).toBe(false);
    expect(cidrContains('203.0.113.7', ipv4Of('203.0.113.7')!)).toBe(true);
    expect(cidrContains('bad/33', ipv4Of('1.2.3.4')!)).toBe(false);
    expect(ipv4Of('256.1.1.1')).toBeUndefined();
  });

  it('splits an RTMP push URL into application and instance', () => {
    expect(appAndStream('rtmp://127.0.0.1:41935/demo/primary')).toEqual({ app: 'demo', stream: 'primary' });
    expect(appAndStream('rtmp://127.0.0.1:41935/demo')).toBeUndefined();
  });
});
