/**
 * Headless Chromium for the browser tests: Debian's `chromium` package (CHROMIUM_PATH overrides),
 * driven by puppeteer-core. A missing browser is a failure with the way to fix it, never a skip:
 * `.ci/run` installs it with apt-get and says so when it cannot.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import type { PlayerStats } from '../../../player/src/types';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined
    : `Chromium not found at ${CHROMIUM}: the browser suite did not run. Install it (apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH.`;
}

export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      // Chromium's sandbox refuses to start as root (CI containers).
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--autoplay-policy=no-user-gesture-required',
      '--disable-dev-shm-usage',
      '--mute-audio',
    ],
  });
}

export interface PlayerPage {
  page: Page;
  cdp: CDPSession;
  /** Console errors and page errors seen so far (CSP violations land here). */
  problems: string[];
  stats(): Promise<PlayerStats>;
  /** Polls stats until `ok` holds, or fails with `what` and the last stats. */
  waitFor(what: string, ok: (s: PlayerStats) => boolean, timeoutMs: number): Promise<PlayerStats>;
  close(): Promise<void>;
}

/**
 * `browser`: a Browser, or one of its contexts (`browser.createBrowserContext()`): a page in a context
 * of its own gets a window of its own, so two players can play at once (a second tab of the same
 * window hides the first, and Chromium pauses a hidden tab's video).
 */
export async function openPlayer(browser: Pick<Browser, 'newPage'>, pageUrl: string, viewport = { width: 1280, height: 800 }): Promise<PlayerPage> {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await page.goto(pageUrl, { waitUntil: 'load' });
  const stats = async (): Promise<PlayerStats> => {
    const s = await page.evaluate(() => (globalThis as unknown as { onairPlayer?: { stats(): PlayerStats } }).onairPlayer?.stats() ?? null);
    if (!s) throw new Error(`the page mounted no player (problems: ${problems.join(' | ') || 'none'})`);
    return s;
  };
  const waitFor = async (what: string, ok: (s: PlayerStats) => boolean, timeoutMs: number): Promise<PlayerStats> => {
    const deadline = Date.now() + timeoutMs;
    let last = await stats();
    while (!ok(last)) {
      if (Date.now() > deadline) {
        const { renditions: _r, errors, ...rest } = last;
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last stats ${JSON.stringify(rest)}; errors ${JSON.stringify(errors.slice(-5))}`);
      }
      await new Promise((r) => setTimeout(r, 250));
      last = await stats();
    }
    return last;
  };
  return { page, cdp, problems, stats, waitFor, close: () => page.close() };
}
