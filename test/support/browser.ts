// Real headless Chromium for the browser tests: Debian's /usr/bin/chromium (installed by .ci/run),
// driven by playwright-core, which downloads no browser of its own. Every page runs as on an
// intranet with no way out: each request to another origin than the hub's is aborted and
// recorded, so a test can assert that the page needed nothing from outside (an empty list).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Launches the system Chromium, headless; fails with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium fonts-noto-cjk (.ci/run does it)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No background traffic of the browser's own (component updates, safe browsing, metrics):
    // what leaves the machine is what the page asks for, and the route below refuses that.
    args: ['--disable-background-networking', '--disable-component-update', '--disable-domain-reliability', '--no-first-run', '--disable-sync'],
  });
}

export interface OfflinePage {
  page: Page;
  context: BrowserContext;
  /** URLs the page asked for outside the allowed origins, each aborted. */
  aborted: string[];
  /** Messages the page's console logged as errors, and uncaught exceptions. */
  errors: string[];
}

/**
 * A fresh context (no cookies or storage shared with another test) whose requests reach only
 * `origins`; anything else (a CDN, a web font, an analytics beacon, a WebSocket) is aborted and
 * recorded in `aborted`. data: and blob: URLs never leave the page and are not routed.
 */
export async function offlinePage(browser: Browser, origins: string[], options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<OfflinePage> {
  const allowed = new Set(origins.map((o) => new URL(o).origin));
  const context = await browser.newContext({ locale: options.locale ?? 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: options.viewport ?? { width: 1280, height: 900 } });
  // Generous waits: the tests share a small machine with whole hubs; a wait ends as soon as it is met.
  context.setDefaultTimeout(45_000);
  const aborted: string[] = [];
  const errors: string[] = [];
  await context.route('**', (route) => {
    const url = route.request().url();
    let origin: string;
    try { origin = new URL(url).origin; } catch { origin = ''; }
    if (allowed.has(origin)) return route.continue();
    aborted.push(url);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    if (allowed.has(new URL(ws.url().replace(/^ws/, 'http')).origin)) return ws.connectToServer();
    aborted.push(ws.url());
    return ws.close();
  });
  const page = await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  return { page, context, aborted, errors };
}
