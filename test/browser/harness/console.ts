/**
 * What the console's browser tests share: the local cloud at 40× AWS's pace, the local API serving
 * /console/ on the cloud's clock, a signed API client for checking what the page did, one Chromium
 * page at desktop size collecting console errors and page errors, and reading the page's text.
 */
import type { Browser, Page } from 'puppeteer-core';
import { startLocalApi, type LocalApi } from '../../../local/onair/api';
import { localCredentials } from '../../../local/onair/api/credentials';
import { ApiClient } from '../../../cli/client';
import { apiSigner } from '../../../lib/sigv4';
import { withLocalCloud, type TestCloud } from '../../integration/helpers/local-cloud';
import { launchChromium } from './browser';

export const DESKTOP = { width: 1280, height: 900 };
// Phone width without isMobile/hasTouch: changing those makes Puppeteer reload the page, and the
// tests prove the page follows a channel without one.
export const PHONE = { width: 390, height: 844 };

export interface ConsoleSession {
  cloud: TestCloud & { cleanup(): Promise<void> };
  api: LocalApi;
  signed: ApiClient;
  browser: Browser;
  page: Page;
  /** Console errors and page errors seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function openConsoleSession(): Promise<ConsoleSession> {
  // 40× AWS's pace: a provision takes seconds, slow enough to watch it move on the page.
  const cloud = await withLocalCloud({ scale: 40 });
  const api = await startLocalApi({ port: 0, endpoint: cloud.url, region: cloud.workflows.region, now: () => cloud.twin.clock.now() });
  const signed = new ApiClient(api.url, apiSigner(localCredentials(), cloud.workflows.region));
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.setViewport(DESKTOP);
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return {
    cloud, api, signed, browser, page, problems,
    close: async () => { await browser.close(); await api.stop(); await cloud.cleanup(); },
  };
}

/** An element's innerText (the root tsconfig has no DOM types: the callback runs in the browser). */
export function textOf(page: Page, sel: string): Promise<string> {
  return page.$eval(sel, (e) => (e as unknown as { innerText: string }).innerText);
}

/** Polls an element's text until it matches, or fails naming what it last read. */
export async function waitForText(page: Page, sel: string, want: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await textOf(page, sel).catch(() => '');
    if (want.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${sel} to match ${want}; last: ${JSON.stringify(last)}`);
}
