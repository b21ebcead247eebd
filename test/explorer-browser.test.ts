// The offline explorer in a real browser (issue 12): headless Chromium with every request outside
// the hub aborted, as on a government intranet. GraphiQL must load, run a query against this
// gateway and show the answer; nothing it needed may have been aborted (a CDN script or a web
// font would be, and the page would stay blank or unstyled).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHub, type TestHub } from './support/hub';
import { seedBureaus } from './support/fixtures';
import { launchChromium, offlinePage } from './support/browser';

describe('the explorer in Chromium, offline', () => {
  let hub: TestHub;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startHub(), launchChromium()]);
    origin = new URL(hub.gatewayUrl).origin;
    await seedBureaus(hub);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('GET /graphql loads GraphiQL, runs its query against the hub and shows the directory', async () => {
    const { page, context, aborted, errors } = await offlinePage(browser, [origin]);
    try {
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(`${origin}/graphql`);
      const run = page.locator('.graphiql-execute-button');
      await run.waitFor({ state: 'visible' });
      // The editor holds the start script's query (the directory, no token needed).
      await expect.poll(() => page.locator('.graphiql-query-editor').innerText()).toContain('agencies');
      await run.click();
      const response = page.locator('.graphiql-response');
      // Polled, so a failure shows what the response panel said instead (an error, a 401).
      await expect.poll(() => response.innerText(), { timeout: 15_000 }).toContain('MR-320706');
      const text = await response.innerText();
      expect(text).toContain('"agencies"');
      expect(text).toContain('海州区市场监督管理局');
      // It asked the hub itself, and nothing outside it.
      expect(requested.some((url) => url === `${origin}/graphql` || url.startsWith(`${origin}/graphql?`))).toBe(true);
      expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
      expect(aborted).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the landing page at / links to the explorer, and the link opens it', async () => {
    const { page, context, aborted } = await offlinePage(browser, [origin]);
    try {
      await page.goto(`${origin}/`);
      await page.locator('a[href="/graphql"]').click();
      await page.locator('.graphiql-execute-button').waitFor({ state: 'visible' });
      expect(new URL(page.url()).pathname).toBe('/graphql');
      expect(aborted).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
