/**
 * The operator console's broadcasts, alarms and filters in headless Chromium, against the local
 * cloud and the local API's /console/ (console.test.ts covers create → ON_AIR → stop → delete):
 *
 * - loading the page sends no request the server refuses: every API call carries the token, no
 *   /favicon.ico; a page without the token calls nothing;
 * - planning a broadcast that overlaps another shows the API's 409 beside the start field; an end
 *   before the start shows the API's 422 beside the end field; reschedule moves it; cancel removes it;
 * - the channel's alarms with their CloudWatch states (one set to ALARM, listed first), the notices
 *   sent (READY), and the channels table counting alarms in ALARM and filtered by status;
 * - at 390 px nothing is wider than the screen.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HTTPResponse } from 'puppeteer-core';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DESKTOP, openConsoleSession, PHONE, textOf, waitForText as waitForPageText, type ConsoleSession } from './harness/console';

// Its phone screenshots are for looking at (the temp folder); docs/ takes console.test.ts's.
const shotsDir = tmpdir();
const IDLE_ID = 'bc-idle';
const PLANNED_ID = 'bc-planned';
const HOUR = 3_600_000;

let session: ConsoleSession;
let cloud: ConsoleSession['cloud'];
let api: ConsoleSession['api'];
let browser: ConsoleSession['browser'];
let page: ConsoleSession['page'];
let signed: ConsoleSession['signed'];
let problems: string[];

interface El { innerText: string; value: string; getAttribute(name: string): string | null; dispatchEvent(e: unknown): boolean }
interface Win { document: { activeElement: { id: string } | null; documentElement: { scrollWidth: number; clientWidth: number } }; Event: new (type: string, init: object) => unknown }

beforeAll(async () => {
  session = await openConsoleSession();
  ({ cloud, api, browser, page, signed, problems } = session);
}, 120_000);

afterAll(async () => { await session?.close(); }, 120_000);

const text = (sel: string) => textOf(page, sel);
const waitForText = (sel: string, want: RegExp, timeoutMs: number) => waitForPageText(page, sel, want, timeoutMs);

/** A datetime-local value in this machine's zone (Chromium runs in the same one). */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
/** Sets an input as a user would (Preact reads the input event). */
async function fill(sel: string, value: string): Promise<void> {
  await page.$eval(sel, (e, v) => {
    const el = e as unknown as El;
    el.value = v;
    el.dispatchEvent(new (globalThis as unknown as Win).Event('input', { bubbles: true }));
  }, value);
}
const invalid = (sel: string) => page.$eval(sel, (e) => (e as unknown as El).getAttribute('aria-invalid'));
const focused = () => page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.id);
async function noOverflow(name: string): Promise<void> {
  await page.setViewport(PHONE);
  await new Promise((r) => setTimeout(r, 300));
  const { scroll, client } = await page.evaluate(() => {
    const d = (globalThis as unknown as Win).document.documentElement;
    return { scroll: d.scrollWidth, client: d.clientWidth };
  });
  await page.screenshot({ path: join(shotsDir, `console-${name}-phone.png`), fullPage: true });
  await page.setViewport(DESKTOP);
  expect({ name, width: scroll }).toEqual({ name, width: client });
}

test('loading the console sends nothing the server refuses; without the token it calls nothing', async () => {
  const seen: { url: string; status: number; token: boolean }[] = [];
  const onResponse = (r: HTTPResponse) => { seen.push({ url: r.url(), status: r.status(), token: Boolean(r.request().headers()['x-onair-console-token']) }); };
  page.on('response', onResponse);
  await page.goto(api.consoleUrl!, { waitUntil: 'load' });
  await waitForText('main', /No channels/, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  page.off('response', onResponse);
  expect(seen.filter((s) => s.status >= 400)).toEqual([]);
  expect(seen.some((s) => s.url.endsWith('/favicon.ico'))).toBe(false);
  const calls = seen.filter((s) => s.url.includes('/console/api/'));
  expect(calls.length).toBeGreaterThan(0);
  expect(calls.filter((s) => !s.token)).toEqual([]);

  // A tab without the token (sessionStorage is per tab): the alert, and no API call at all.
  const bare = await browser.newPage();
  const bareCalls: string[] = [];
  bare.on('request', (r) => { if (r.url().includes('/console/api/')) bareCalls.push(r.url()); });
  await bare.goto(api.consoleUrl!.split('#')[0]!, { waitUntil: 'load' });
  await bare.waitForSelector('main [role=alert]');
  expect(await bare.$eval('main [role=alert]', (e) => (e as unknown as El).innerText)).toMatch(/no console token/);
  await new Promise((r) => setTimeout(r, 1000));
  expect(bareCalls).toEqual([]);
  await bare.close();
}, 60_000);

test('plan (overlap and impossible times beside their fields) → reschedule → cancel; alarm states, notices, filter; phone width', async () => {
  // An IDLE channel (provisioned, not started: alarms exist, no encoder runs) and a PLANNED one.
  const now = cloud.twin.clock.now();
  expect((await signed.call('POST', '/channels', { body: { channelId: IDLE_ID, profile: 'single-pipeline', start: false, overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } } } })).status).toBe(202);
  expect((await signed.call('POST', '/broadcasts', { body: {
    channelId: PLANNED_ID, profile: 'single-pipeline', overrides: { input: { allowedCidrs: ['203.0.113.10/32'] } },
    startAt: new Date(now + 20 * HOUR).toISOString(), endAt: new Date(now + 21 * HOUR).toISOString(),
  } })).status).toBe(201);

  await page.goto(`${api.consoleUrl!.split('#')[0]!}#/channel/${IDLE_ID}`, { waitUntil: 'load' });
  await waitForText('.channel .status', /IDLE/, 60_000);

  // Plan one, 12 h from now (the API's clock).
  const t0 = cloud.twin.clock.now();
  await page.click('#bc-h ~ button');
  await page.waitForSelector('#b-startAt');
  await fill('#b-startAt', localInput(t0 + 12 * HOUR));
  await fill('#b-endAt', localInput(t0 + 13 * HOUR));
  await page.click('.broadcast-form button[type=submit]');
  const planned = await waitForText('#bc-h ~ p[role=status]', /Planned b-/, 10_000);
  const first = /b-[a-z0-9]+/.exec(planned)![0];
  await waitForText('table.broadcasts', new RegExp(first), 5_000);

  // One overlapping it: the API's 409, beside the start field, focus moved there.
  await page.click('#bc-h ~ button');
  await page.waitForSelector('#b-startAt');
  await fill('#b-startAt', localInput(t0 + 12.5 * HOUR));
  await fill('#b-endAt', localInput(t0 + 14 * HOUR));
  await page.click('.broadcast-form button[type=submit]');
  expect(await waitForText('#b-startAt-err', /overlaps/, 10_000)).toContain(`overlaps ${first}`);
  expect(await invalid('#b-startAt')).toBe('true');
  expect(await focused()).toBe('b-startAt');
  expect(await text('.broadcast-form [role=alert]')).toMatch(/Overlaps broadcast/);

  // An end before its start: the API's 422, beside the end field; the start is no longer marked.
  await fill('#b-startAt', localInput(t0 + 20 * HOUR));
  await fill('#b-endAt', localInput(t0 + 19 * HOUR));
  await page.click('.broadcast-form button[type=submit]');
  expect(await waitForText('#b-endAt-err', /after startAt/, 10_000)).toBe('must be after startAt');
  expect(await invalid('#b-endAt')).toBe('true');
  expect(await invalid('#b-startAt')).toBeNull();
  expect(await focused()).toBe('b-endAt');
  expect(((await signed.call('GET', `/channels/${IDLE_ID}/broadcasts`)).body as { items: unknown[] }).items).toHaveLength(1);

  // Reschedule the first: its form, then the new time on the page and in the API.
  await page.click(`button[aria-label="Reschedule ${first}"]`);
  await waitForText('.broadcast-form legend', new RegExp(`Reschedule ${first}`), 5_000);
  const movedStart = t0 + 15 * HOUR;
  await fill('#b-startAt', localInput(movedStart));
  await fill('#b-endAt', localInput(t0 + 16 * HOUR));
  await page.click('.broadcast-form button[type=submit]');
  await waitForText('#bc-h ~ p[role=status]', new RegExp(`Rescheduled ${first}`), 10_000);
  const after = (await signed.call('GET', `/channels/${IDLE_ID}/broadcasts`)).body as { items: { broadcastId: string; startAt: string }[] };
  expect(after.items.map((b) => b.broadcastId)).toEqual([first]);
  expect(Math.floor(Date.parse(after.items[0]!.startAt) / 60_000)).toBe(Math.floor(movedStart / 60_000));

  // Alarms: one set to ALARM in CloudWatch shows first, with its state; the notices sent list READY.
  const channel = (await signed.call('GET', `/channels/${IDLE_ID}`)).body as { alarms: Record<string, string[]> };
  const [region, names] = Object.entries(channel.alarms).find(([, n]) => n.length > 0)!;
  const alarmName = names!.at(-1)!;
  await new CloudWatchClient({ ...cloud.clientConfig, region }).send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: 'browser test' }));
  await waitForText('table.alarms tbody tr:first-child', new RegExp(`ALARM[\\s\\S]*${alarmName}`), 10_000);
  expect(await page.$$eval('table.alarms tbody tr', (rows) => rows.length)).toBe(Object.values(channel.alarms).flat().length);
  expect(await text('table.alarms tbody tr:first-child')).toContain('browser test');
  expect(await waitForText('#nt-h + ol.notices', /READY/, 10_000)).toMatch(/READY.*is ready \(IDLE\)/);
  await noOverflow('broadcasts');

  // Cancel it (the browser's confirm, accepted): gone from the page and the API.
  page.once('dialog', (d) => { void d.accept(); });
  await page.click(`button[aria-label="Cancel ${first}"]`);
  await waitForText('#bc-h ~ p[role=status]', new RegExp(`Cancelled ${first}`), 10_000);
  await waitForText('#bc-h ~ p:not([role])', /None planned/, 5_000);
  expect(((await signed.call('GET', `/channels/${IDLE_ID}/broadcasts`)).body as { items: unknown[] }).items).toEqual([]);

  // The channels table: alarms in ALARM counted; the status filter keeps only its status.
  await page.click('a[href="#/"]');
  await waitForText(`tr[data-channel="${IDLE_ID}"] td[data-label="Alarms in ALARM"]`, /1 in ALARM/, 10_000);
  await waitForText('table.channels', new RegExp(PLANNED_ID), 5_000);
  await page.select('label.inline select', 'PLANNED');
  await page.waitForFunction((id: string) => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(`tr[data-channel="${id}"]`), { timeout: 10_000 }, IDLE_ID);
  expect(await page.$$eval('table.channels tbody tr', (rows) => rows.map((r) => (r as unknown as El).getAttribute('data-channel')))).toEqual([PLANNED_ID]);
  await page.select('label.inline select', 'IDLE');
  await waitForText('table.channels', new RegExp(IDLE_ID), 10_000);
  expect(await page.$$eval('table.channels tbody tr', (rows) => rows.map((r) => (r as unknown as El).getAttribute('data-channel')))).toEqual([IDLE_ID]);
  await page.select('label.inline select', '');
  await waitForText('table.channels', new RegExp(PLANNED_ID), 10_000);
  await noOverflow('channels-filter');

  // The 409 and 422 this test provoked are the only failed loads; nothing else went wrong.
  expect(problems.filter((m) => !/status of (409 \(Conflict\)|422 \(Unprocessable Entity\))/.test(m))).toEqual([]);
  expect(problems.filter((m) => /status of 4/.test(m))).toHaveLength(2);
}, 180_000);
