/**
 * The viewer page in headless Chromium, against real live video: the default profile's ladder
 * encoded live by ffmpeg (harness/ladder.ts; the local cloud's own media pipeline will replace it),
 * the page served by the local player server (player/server.ts) as `npm start` serves it.
 *
 * - HLS (hls.js) and DASH (dash.js) each play ≥ 10 s with currentTime advancing and no fatal error,
 *   list every rung of the profile, and show the rendition, bandwidth estimate, latency and buffer;
 * - with the network throttled below the 720p rung's bitrate through the DevTools protocol
 *   (Network.emulateNetworkConditions) the player settles on 480p, and climbs again unthrottled.
 *
 * ONAIR_SCREENSHOTS=docs writes docs/player-desktop.png and docs/player-phone.png (README);
 * otherwise the screenshots go to the temp folder.
 *
 * Against another stream of the default profile, e.g. `npm start`'s demo channel (its HLS and DASH
 * playback URLs), instead of the generated ladder:
 *   ONAIR_BROWSER_HLS=<url> ONAIR_BROWSER_DASH=<url> ONAIR_BROWSER_CDN=http://127.0.0.1:4580 npm run test:browser
 * (ONAIR_BROWSER_CDN: the local cloud, whose /_cdn/ URLs the player server then relays onto the page's origin).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { resolveProfile } from '../../functions/lib/profile';
import { startPlayerServer, type PlayerServer } from '../../player/server';
import type { PlayerStats } from '../../player/src/types';
import { chromiumMissing, launchChromium, openPlayer, type PlayerPage } from './harness/browser';
import { startLiveLadder, type LiveLadder } from './harness/ladder';

// The demo channel's profile, with its ingest address as npm start gives it.
const profile = resolveProfile('default', { input: { allowedCidrs: ['127.0.0.1/32'] } });
const rungs = [...profile.video.renditions].sort((a, b) => b.height - a.height);
const rung720 = rungs.find((r) => r.height === 720)!;
const rung480 = rungs.find((r) => r.height === 480)!;
const shotsDir = process.env.ONAIR_SCREENSHOTS === 'docs' ? join(__dirname, '..', '..', 'docs') : tmpdir();

let live: LiveLadder;
let server: PlayerServer;
let browser: Browser;

beforeAll(async () => {
  // No browser: every test fails with how to get one (never a silent pass or skip).
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const started = Date.now();
  const external = process.env.ONAIR_BROWSER_HLS && process.env.ONAIR_BROWSER_DASH
    ? { hlsUrl: process.env.ONAIR_BROWSER_HLS, dashUrl: process.env.ONAIR_BROWSER_DASH, dir: '', startedAt: started, stop: async () => undefined }
    : undefined;
  const cdn = process.env.ONAIR_BROWSER_CDN;
  [live, server] = await Promise.all([
    external ?? startLiveLadder({ renditions: rungs, gopSeconds: profile.video.gopSeconds, audioBitrate: profile.audio.bitrate, segmentSeconds: 2 }),
    startPlayerServer({ port: 0, ...(cdn ? { cdn } : {}) }),
  ]);
  browser = await launchChromium();
  console.log(`browser suite: ${external ? `streams ${live.hlsUrl} and ${live.dashUrl}` : `live ladder ${rungs.map((r) => r.name).join('/')}`} and Chromium ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([live?.stop(), server?.stop()]);
});

/** Every error the player recorded as fatal, and every CSP violation or uncaught page error. */
function fatalProblems(s: PlayerStats, p: PlayerPage): string[] {
  return [
    ...s.errors.filter((e) => e.fatal).map((e) => `${e.type}: ${e.details}`),
    ...p.problems.filter((m) => /Content Security Policy|Uncaught|TypeError|ReferenceError/i.test(m)),
  ];
}

/** Plays until currentTime has advanced `seconds`, checking on the way that nothing fatal happened. */
async function playsFor(p: PlayerPage, seconds: number): Promise<PlayerStats> {
  const first = await p.waitFor('playback to start', (s) => s.state === 'playing' && s.currentTime > 0, 30_000);
  const from = first.currentTime;
  const started = Date.now();
  let last = first;
  while (last.currentTime - from < seconds) {
    expect(fatalProblems(last, p)).toEqual([]);
    if (Date.now() - started > (seconds + 15) * 1000) throw new Error(`currentTime advanced ${(last.currentTime - from).toFixed(1)} s in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await new Promise((r) => setTimeout(r, 500));
    last = await p.stats();
  }
  expect(fatalProblems(last, p)).toEqual([]);
  return last;
}

async function expectEveryRungListed(p: PlayerPage, s: PlayerStats, audioAllowance: number): Promise<void> {
  const listed = [...s.renditions].sort((a, b) => b.height - a.height);
  expect(listed.map((r) => `${r.width}x${r.height}`)).toEqual(rungs.map((r) => `${r.width}x${r.height}`));
  listed.forEach((r, i) => {
    // HLS BANDWIDTH is the variant's peak, video and audio (MediaPackage writes about 1.1 × the
    // average); DASH @bandwidth the video alone.
    expect(r.bitrate).toBeGreaterThanOrEqual(rungs[i]!.bitrate);
    expect(r.bitrate).toBeLessThanOrEqual((rungs[i]!.bitrate + audioAllowance) * 1.15);
  });
  const shown = await p.page.$$eval('#renditions li', (items) => items.map((li) => li.getAttribute('data-height')));
  expect(shown.map(Number).sort((a, b) => b - a)).toEqual(rungs.map((r) => r.height));
  expect(await p.page.$$eval('#renditions li.current', (items) => items.length)).toBe(1);
}

async function expectStatsShown(p: PlayerPage, s: PlayerStats): Promise<void> {
  expect(s.current).not.toBeNull();
  expect(s.bandwidthEstimate).toBeGreaterThan(0);
  expect(s.latency).toBeGreaterThan(0);
  expect(s.latency).toBeLessThan(30);
  expect(s.buffer).toBeGreaterThan(0);
  const text = async (id: string): Promise<string> => p.page.$eval(`#${id}`, (e) => e.textContent ?? '');
  expect(await text('state')).toBe('playing');
  expect(await text('rendition')).toMatch(/^\d+p · /);
  expect(await text('bandwidth')).toMatch(/^\d+(\.\d)? [Mk]b\/s$/);
  expect(await text('latency')).toMatch(/^\d+\.\d s$/);
  expect(await text('buffer')).toMatch(/^\d+\.\d s$/);
}

test('HLS (hls.js) plays 10 s of the live ladder, lists every rung and shows rendition, bandwidth, latency and buffer', async () => {
  const p = await openPlayer(browser, server.urlFor(live.hlsUrl));
  try {
    const s = await playsFor(p, 10);
    expect(s.engine).toBe('hls.js');
    await expectEveryRungListed(p, s, profile.audio.bitrate);
    await expectStatsShown(p, s);
    await p.page.screenshot({ path: join(shotsDir, 'player-desktop.png') });
  } finally {
    await p.close();
  }
}, 60_000);

test('DASH (dash.js) plays 10 s of the live ladder on a phone-sized screen, lists every rung and shows the same figures', async () => {
  const p = await openPlayer(browser, server.urlFor(live.dashUrl), { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 1 } as { width: number; height: number });
  try {
    const s = await playsFor(p, 10);
    expect(s.engine).toBe('dash.js');
    await expectEveryRungListed(p, s, 0);
    await expectStatsShown(p, s);
    // Phone layout: the statistics sit under the video, not beside it.
    const [video, stats] = await Promise.all(['#stage', '#stats'].map((sel) => p.page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, width: r.width }; })));
    expect(stats!.top).toBeGreaterThanOrEqual(video!.bottom);
    expect(video!.width).toBeGreaterThan(350);
    await p.page.screenshot({ path: join(shotsDir, 'player-phone.png') });
  } finally {
    await p.close();
  }
}, 60_000);

test('throttled below the 720p rung the player settles on 480p, and climbs again when the network is back', async () => {
  const p = await openPlayer(browser, server.urlFor(live.hlsUrl));
  try {
    await p.waitFor('a rung above 480p on a free network', (s) => (s.current?.height ?? 0) > rung480.height, 40_000);
    // Below 720p's video bitrate, above what 480p needs (its video and audio): bytes per second.
    const throttledBps = Math.round(rung720.bitrate * 0.7);
    expect(throttledBps).toBeGreaterThan((rung480.bitrate + profile.audio.bitrate) * 1.3);
    await p.cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: throttledBps / 8, uploadThroughput: -1 });
    await p.waitFor(`480p at ${throttledBps / 1e6} Mb/s`, (s) => s.current?.height === rung480.height, 60_000);
    // Settled: it stays on 480p for three more segments, still playing.
    const settledAt = Date.now();
    while (Date.now() - settledAt < 6_000) {
      const s = await p.stats();
      expect(s.current?.height).toBe(rung480.height);
      expect(fatalProblems(s, p)).toEqual([]);
      await new Promise((r) => setTimeout(r, 500));
    }
    const throttled = await p.stats();
    expect(throttled.bandwidthEstimate).toBeLessThan(rung720.bitrate);
    await p.cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const back = await p.waitFor('a rung above 480p once unthrottled', (s) => (s.current?.height ?? 0) > rung480.height, 60_000);
    expect(fatalProblems(back, p)).toEqual([]);
    expect(back.state).toBe('playing');
  } finally {
    await p.close();
  }
}, 150_000);
