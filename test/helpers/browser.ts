import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium: playwright-core drives it; no browser is ever downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where tests keep their screenshots (git-ignored). */
export const ARTIFACTS = join(__dirname, '..', 'artifacts');

export interface HeadlessBrowser {
  browser: Browser;
  /** A new page in its own context (no shared storage between pages). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium; close it in afterAll. */
export async function launchBrowser(): Promise<HeadlessBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Containers and CI runners often cannot give Chromium its sandbox or a large /dev/shm.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      return context.newPage();
    },
    close: () => browser.close(),
  };
}

/** Save a full-page screenshot as test/artifacts/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
