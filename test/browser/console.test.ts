/**
 * The operator console in headless Chromium against the local cloud, as `npm start` serves it
 * (the local API's /console/, its calls signed by the server-side proxy):
 *
 * - the create form with a bad CIDR shows the API's error beside the CIDR field, naming it, and
 *   nothing is created; with a valid CIDR it opens the channel's page;
 * - the page follows the channel to ON_AIR without a reload (the workflow's Gantt fills in);
 * - a broadcast planned on the page appears on the day view;
 * - stop (→ IDLE), delete through the dialog naming the channel (→ gone);
 * - no CSP violation or page error on the way.
 *
 * ONAIR_SCREENSHOTS=docs writes docs/console-*.png (README); otherwise they go to the temp folder.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DESKTOP, openConsoleSession, PHONE, textOf, waitForText as waitForPageText, type ConsoleSession } from './harness/console';

const shotsDir = process.env.ONAIR_SCREENSHOTS === 'docs' ? join(__dirname, '..', '..', 'docs') : tmpdir();
const ID = 'console-1';

let session: ConsoleSession;
let api: ConsoleSession['api'];
let page: ConsoleSession['page'];
let signed: ConsoleSession['signed'];
let problems: string[];

/** What the page callbacks read (the root tsconfig has no DOM types; these run in the browser). */
interface El { innerText: string; getAttribute(name: string): string | null; select(): void }
interface Win { document: { activeElement: { id: string; textContent: string | null } | null }; location: { hash: string }; sameDocument?: boolean }

beforeAll(async () => {
  session = await openConsoleSession();
  ({ api, page, signed, problems } = session);
}, 120_000);

afterAll(async () => { await session?.close(); }, 120_000);

const text = (sel: string) => textOf(page, sel);
const waitForText = (sel: string, want: RegExp, timeoutMs: number) => waitForPageText(page, sel, want, timeoutMs);
async function shot(name: string, viewport: typeof DESKTOP | typeof PHONE = DESKTOP): Promise<void> {
  await page.setViewport(viewport);
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({ path: join(shotsDir, `console-${name}.png`), fullPage: true });
  await page.setViewport(DESKTOP);
}

test('the console refuses a request without its token or from another origin', async () => {
  const base = api.consoleUrl!.split('#')[0]!;
  const token = api.consoleUrl!.split('token=')[1]!;
  expect((await fetch(`${base}api/channels`)).status).toBe(403);
  expect((await fetch(`${base}api/channels`, { headers: { 'x-onair-console-token': token, origin: 'http://evil.example' } })).status).toBe(403);
  const ok = await fetch(`${base}api/channels`, { headers: { 'x-onair-console-token': token } });
  expect(ok.status).toBe(200);
  expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
});

test('create (bad CIDR refused beside the field, then valid) → ON_AIR without reload → plan → day view → stop → delete', async () => {
  await page.goto(api.consoleUrl!, { waitUntil: 'load' });
  await waitForText('main', /No channels/, 10_000);
  // The token left the address bar once read.
  expect(page.url()).not.toContain('token=');
  await page.evaluate(() => { (globalThis as unknown as Win).sameDocument = true; });

  await page.click('a[href="#/new"]');
  await page.waitForSelector('#f-channelId');
  await page.type('#f-channelId', ID);
  await page.select('#f-profile', 'single-pipeline');
  await page.type('#f-overrides-input-allowedCidrs', '203.0.113.300/40');
  await page.click('form.create button[type=submit]');
  const err = await waitForText('#f-overrides-input-allowedCidrs-err', /CIDR/, 10_000);
  expect(err).toContain('allowedCidrs');
  expect(await page.$eval('#f-overrides-input-allowedCidrs', (e) => e.getAttribute('aria-invalid'))).toBe('true');
  // Focus moved to the field at fault.
  expect(await page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.id)).toBe('f-overrides-input-allowedCidrs');
  await shot('create-error');
  expect((await signed.call('GET', `/channels/${ID}`)).status).toBe(404);

  await page.$eval('#f-overrides-input-allowedCidrs', (e) => { (e as unknown as El).select(); });
  await page.keyboard.press('Backspace');
  await page.type('#f-overrides-input-allowedCidrs', '203.0.113.10/32');
  await page.click('form.create button[type=submit]');
  await page.waitForFunction((id: string) => (globalThis as unknown as Win).location.hash === `#/channel/${id}`, { timeout: 10_000 }, ID);
  await waitForText('.channel .status', /PROVISIONING|STARTING|ON AIR/, 10_000);
  const onAir = await waitForText('.channel .status', /ON AIR/, 90_000);
  expect(onAir).toMatch(/since/);
  expect(await page.evaluate(() => (globalThis as unknown as Win).sameDocument)).toBe(true);
  // The provision workflow's steps on the Gantt, each with a duration.
  await waitForText('.gantt figcaption', /provision steps/, 10_000);
  const steps = await page.$$eval('.gantt li .g-name', (els) => els.map((e) => (e as unknown as El).innerText));
  expect(steps).toEqual(expect.arrayContaining(['CreateChannel', 'MarkOnAir']));
  expect(await text('.urls')).toMatch(/rtmp:\/\/.*\n?[\s\S]*HLS/);
  await shot('channel-desktop');
  await shot('channel-phone', PHONE);
  // The viewer player's component mounts on the page and reports its state; its manifest comes
  // through the console's own origin (/console/cdn/…, the relay of the local CDN). It does not
  // play here: this cloud runs without media (placeholder segments); playing real video is the
  // player and input-loss suites' job.
  await page.click('#pv-h ~ button');
  await page.waitForSelector('.preview video', { timeout: 10_000 });
  await waitForText('[data-stat=state]', /loading|playing|waiting|paused|error/, 10_000);
  const manifest = await page.evaluate(async () => {
    // (Runs in the page: the browser's document, typed here without the DOM library.)
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document;
    const hls = Array.from(doc.querySelectorAll('.urls li.copy code')).map((c) => c.textContent ?? '').find((u) => u.endsWith('.m3u8')) ?? '';
    const src = hls.replace(/^http:\/\/(?:127\.0\.0\.1|localhost):\d+\/_cdn\//, '/console/cdn/');
    const r = await fetch(src);
    return { src, status: r.status, head: (await r.text()).slice(0, 7) };
  });
  expect(manifest).toMatchObject({ src: expect.stringMatching(/^\/console\/cdn\//), status: 200, head: '#EXTM3U' });

  await page.waitForSelector('#bc-h ~ button');
  await page.click('#bc-h ~ button');
  await page.waitForSelector('#b-startAt');
  expect(await text('.broadcast-form legend')).toBe('Plan a broadcast');
  expect(await text('.broadcast-form')).toMatch(/Times in .*UTC[+−]\d\d:\d\d/);
  await page.click('.broadcast-form button[type=submit]');
  const planned = await waitForText('#bc-h ~ p[role=status]', /Planned b-/, 10_000);
  const broadcastId = /b-[a-z0-9]+/.exec(planned)![0];

  await page.click('a[href="#/day"]');
  await waitForText('.day-table', new RegExp(broadcastId), 15_000);
  expect(await text('.day-table')).toContain(ID);
  await shot('day');

  await page.click('a[href="#/"]');
  await waitForText(`tr[data-channel="${ID}"]`, /ON AIR/, 10_000);
  await waitForText(`tr[data-channel="${ID}"]`, /in \d/, 10_000); // the next broadcast
  await shot('channels-desktop');
  await shot('channels-phone', PHONE);

  await page.waitForSelector(`a[href="#/channel/${ID}"]`);
  await page.click(`a[href="#/channel/${ID}"]`);
  await page.waitForSelector('.channel .actions');
  await page.click('.channel .actions button:nth-child(2)');
  await waitForText('.channel .status', /IDLE/, 60_000);

  await page.click('.channel .actions button.danger');
  await page.waitForSelector('dialog[open]');
  const dialog = await text('dialog[open]');
  expect(dialog).toContain(`Delete channel “${ID}”?`);
  expect(dialog).toMatch(/MediaLive channel .*\n?[\s\S]*MediaLive input/);
  // Keyboard: the dialog opens with focus on the safe choice.
  expect(await page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.textContent)).toBe('Keep it');
  await page.click('dialog[open] button.danger');
  await waitForText('.channel .status', /TEARING DOWN|DELETED/, 10_000);
  await waitForText('.channel .status', /DELETED/, 90_000);
  expect(await page.evaluate(() => (globalThis as unknown as Win).sameDocument)).toBe(true);
  const after = await signed.call('GET', `/channels/${ID}`);
  expect([404, 200]).toContain(after.status);
  if (after.status === 200) expect((after.body as { status: string }).status).toBe('DELETED');

  expect(problems.filter((m) => /Content Security Policy|Uncaught|TypeError|ReferenceError/i.test(m))).toEqual([]);
}, 300_000);
