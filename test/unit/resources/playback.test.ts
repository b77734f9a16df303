import { checkPlayback, MIN_SEGMENT_BYTES, newestSegment, playbackUrls, type FetchFn } from '../../../functions/lib/cdn/playback';
import type { ChannelRecord } from '../../../functions/lib/channel/registry';
import { makeRecord } from './helpers/fixtures';

const EGRESS = 'abc123.egress.xyz.mediapackagev2.us-east-1.amazonaws.com';
const HLS_PATH = '/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-hls/index.m3u8';
const DASH_PATH = '/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-cmaf/dash.mpd';

function onAir(): ChannelRecord {
  const record = makeRecord();
  record.resources.distributionDomain = 'd111.cloudfront.net';
  record.resources.packager.originEndpoints = {
    hls: { name: 'onair-demo-1-hls', format: 'HLS', url: `https://${EGRESS}${HLS_PATH}` },
    dash: { name: 'onair-demo-1-cmaf', format: 'DASH', url: `https://${EGRESS}${DASH_PATH}` },
  };
  return record;
}

const MULTIVARIANT = [
  '#EXTM3U', '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio_aac",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="index_4.m3u8"',
  '#EXT-X-STREAM-INF:BANDWIDTH=6500000,RESOLUTION=1920x1080,AUDIO="audio_aac"', 'index_1.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=3300000,RESOLUTION=1280x720,AUDIO="audio_aac"', 'index_2.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=854x480,AUDIO="audio_aac"', 'index_3.m3u8',
].join('\n');
const MEDIA_LIVE = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:42\n#EXTINF:6.000,\nsegment_42.ts\n#EXTINF:6.000,\nsegment_43.ts\n';
const MPD = '<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" minimumUpdatePeriod="PT6S"></MPD>';

type Route = { status?: number; body?: string | Uint8Array; type?: string; hang?: boolean };

function fakeFetch(routes: Record<string, Route>): FetchFn & { urls: string[] } {
  const urls: string[] = [];
  const reply = (status: number, body: string | Uint8Array, type: string | null) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    return { ok: status < 400, status, text: async () => bytes.toString('utf8'), arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), headers: { get: (n: string) => (n.toLowerCase() === 'content-type' ? type : null) } };
  };
  const fn = (async (url: string, init?: { signal?: AbortSignal }) => {
    urls.push(url);
    const route = routes[url];
    if (!route) return reply(404, 'not found', 'text/plain');
    if (route.hang) {
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    return reply(route.status ?? 200, route.body ?? '', route.type ?? null);
  }) as FetchFn & { urls: string[] };
  fn.urls = urls;
  return fn;
}

const base = 'https://d111.cloudfront.net';
/** The lowest rung (480p, BANDWIDTH 1400000) is the one checked: its segments are the smallest. */
const VARIANT = `${base}/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-hls/index_3.m3u8`;
const SEGMENT = `${base}/out/v1/onair-demo-1/onair-demo-1/onair-demo-1-hls/segment_43.ts`;
/** MPEG-TS: 188-byte packets each opening with the sync byte 0x47. */
const tsBytes = (packets: number) => { const b = Buffer.alloc(188 * packets, 0xff); for (let i = 0; i < packets; i++) b[i * 188] = 0x47; return b; };
const healthy = (): Record<string, Route> => ({
  [`${base}${HLS_PATH}`]: { body: MULTIVARIANT },
  [VARIANT]: { body: MEDIA_LIVE },
  [SEGMENT]: { body: tsBytes(400), type: 'video/MP2T' },
  [`${base}${DASH_PATH}`]: { body: MPD },
});

// The real fetch is what handlers pass: it must fit FetchFn (a compile-time check, run by tsc).
const realFetchFits: FetchFn = fetch;
void realFetchFits;

describe('playbackUrls', () => {
  it('is the CDN base plus each endpoint path', () => {
    expect(playbackUrls(onAir(), { cdnUrlTemplate: undefined })).toEqual({ hls: `${base}${HLS_PATH}`, dash: `${base}${DASH_PATH}` });
  });

  it('follows the local cloud CDN template, and is empty before the distribution exists', () => {
    expect(playbackUrls(onAir(), { cdnUrlTemplate: 'http://127.0.0.1:4580/_cdn/{domain}' }).hls).toBe(`http://127.0.0.1:4580/_cdn/d111.cloudfront.net${HLS_PATH}`);
    expect(playbackUrls(makeRecord(), { cdnUrlTemplate: undefined })).toEqual({});
  });
});

describe('checkPlayback', () => {
  const cfg = { cdnUrlTemplate: undefined };

  it('is watchable when the multivariant playlist lists every rendition, the variant is live and the MPD dynamic', async () => {
    const fetchFn = fakeFetch(healthy());
    await expect(checkPlayback(fetchFn, onAir(), { cfg })).resolves.toEqual({ watchable: true, checked: fetchFn.urls });
    // Four requests: multivariant, the lowest rung's media playlist, its newest segment, the MPD.
    expect(fetchFn.urls).toEqual([`${base}${HLS_PATH}`, VARIANT, SEGMENT, `${base}${DASH_PATH}`]);
  });

  it('needs the newest segment to arrive whole: status, media type, container signature and a plausible size', async () => {
    const reason = async (seg: Route) => (await checkPlayback(fakeFetch({ ...healthy(), [SEGMENT]: seg }), onAir(), { cfg })).reason;
    expect(await reason({ status: 404 })).toBe(`${SEGMENT} answered HTTP 404`);
    expect(await reason({ body: tsBytes(1), type: 'video/MP2T' })).toBe(`${SEGMENT} is 188 bytes, less than a media segment (${MIN_SEGMENT_BYTES})`);
    expect(await reason({ body: '<Error><Code>AccessDenied</Code></Error>'.padEnd(2000), type: 'application/xml' })).toBe(`${SEGMENT} is application/xml, not a media segment`);
    expect(await reason({ body: Buffer.alloc(2000, 0x20), type: 'video/MP2T' })).toBe(`${SEGMENT} is neither MPEG-TS, MP4 nor AAC`);
    const fmp4 = Buffer.alloc(4000); fmp4.writeUInt32BE(24, 0); fmp4.write('styp', 4, 'ascii');
    expect(await reason({ body: fmp4, type: 'video/mp4' })).toBeUndefined();
  });

  it('finds the newest segment after the last #EXTINF, skipping tags', () => {
    expect(newestSegment('#EXTM3U\n#EXTINF:6.0,\na.ts\n#EXT-X-PROGRAM-DATE-TIME:2026-12-04T00:00:00Z\n#EXTINF:6.0,\nb.ts\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="c.ts"\n')).toBe('b.ts');
    expect(newestSegment('#EXTM3U\n#EXT-X-TARGETDURATION:6\n')).toBeUndefined();
  });

  it('says why when a rendition is missing', async () => {
    const routes = healthy();
    routes[`${base}${HLS_PATH}`] = { body: MULTIVARIANT.split('\n').slice(0, 5).join('\n') };
    const out = await checkPlayback(fakeFetch(routes), onAir(), { cfg });
    expect(out).toMatchObject({ watchable: false, reason: expect.stringContaining('lists 1 variant(s), expected 3') });
  });

  it('refuses an ended (VOD-like) playlist, an empty one, a static MPD and HTTP errors', async () => {
    const variant = VARIANT;
    const ended = { ...healthy(), [variant]: { body: `${MEDIA_LIVE}#EXT-X-ENDLIST\n` } };
    expect((await checkPlayback(fakeFetch(ended), onAir(), { cfg })).reason).toContain('ENDLIST');
    const empty = { ...healthy(), [variant]: { body: '#EXTM3U\n#EXT-X-TARGETDURATION:6\n' } };
    expect((await checkPlayback(fakeFetch(empty), onAir(), { cfg })).reason).toContain('no segments');
    const staticMpd = { ...healthy(), [`${base}${DASH_PATH}`]: { body: MPD.replace('dynamic', 'static') } };
    expect((await checkPlayback(fakeFetch(staticMpd), onAir(), { cfg })).reason).toContain('not a live (dynamic) MPD');
    const forbidden = { ...healthy(), [`${base}${HLS_PATH}`]: { status: 403 } };
    expect((await checkPlayback(fakeFetch(forbidden), onAir(), { cfg })).reason).toContain('HTTP 403');
  });

  it('gives up on a request that hangs, after its timeout', async () => {
    const routes = { ...healthy(), [`${base}${HLS_PATH}`]: { hang: true } };
    const out = await checkPlayback(fakeFetch(routes), onAir(), { cfg, timeoutMs: 20 });
    expect(out).toMatchObject({ watchable: false, reason: expect.stringContaining('did not answer within 20 ms') });
  });

  it('is not watchable before there is anything to fetch', async () => {
    const fetchFn = fakeFetch({});
    await expect(checkPlayback(fetchFn, makeRecord(), { cfg })).resolves.toMatchObject({ watchable: false });
    expect(fetchFn.urls).toEqual([]);
  });
});
