// The reference console's inbox, live (issue 12), in real headless Chromium with every request
// outside the hub aborted: a bureau officer has the inbox open; a notice addressed to the bureau
// arrives and appears on the page without a reload, pushed over the inboxChanged subscription
// (gateway/console/live.js, gateway/subscriptions/), not by the 30-second poll. Likewise a
// procurator's open alerts list shows a new 以罚代刑 alert of the region.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHub, type TestHub } from './support/hub';
import { callers, deliverNotice, recordMarketCase, seedBureaus } from './support/fixtures';
import { launchChromium, offlinePage } from './support/browser';

describe('the console inbox, live', () => {
  let hub: TestHub;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startHub(), launchChromium()]);
    origin = new URL(hub.gatewayUrl).origin;
    await seedBureaus(hub);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  const notify = (org: string, title: string) => deliverNotice(hub, { org }, { title });

  it('shows a notice addressed to the bureau in the open inbox without a reload', async () => {
    const { page, context, aborted, errors } = await offlinePage(browser, [origin]);
    try {
      await page.goto(`${origin}/console#/inbox`);
      await page.locator('#token').fill(await hub.tokenFor(callers.marketOfficer));
      await page.getByRole('button', { name: '登录' }).click();
      // Streaming, not polling: the view says which it does.
      await page.locator('#inbox-items[data-live="live"]').waitFor();
      await page.locator('#inbox-items').getByText('暂无消息').waitFor();
      let loads = 0;
      page.on('load', () => { loads += 1; });

      await notify('MR-320706', '检察建议书已送达（实时）');
      await page.locator('#inbox-items li.unread', { hasText: '检察建议书已送达（实时）' }).waitFor({ timeout: 15_000 });
      await page.locator('#inbox-items').getByText('未读 1 条').waitFor();
      expect(loads).toBe(0);
      expect(await page.locator('#inbox-items[data-live="live"]').count()).toBe(1);
      expect(aborted).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a new 以罚代刑 alert of the region in a procurator\'s open alerts list without a reload', async () => {
    const { page, context, aborted, errors } = await offlinePage(browser, [origin]);
    try {
      await page.goto(`${origin}/console#/alerts`);
      await page.locator('#token').fill(await hub.tokenFor(callers.procurator));
      await page.getByRole('button', { name: '登录' }).click();
      await page.locator('#alert-items[data-live="live"]').waitFor();
      await page.locator('#alert-items').getByText('暂无线索').waitFor();
      let loads = 0;
      page.on('load', () => { loads += 1; });

      // CL140 over ¥50,000 sales, not transferred (公通字〔2008〕36号): an alert for the procuratorate of 320706.
      const caseId = await recordMarketCase(hub, { caseNumber: '海市监处罚〔2026〕7301号', offenceCode: 'CL140', salesAmount: 60000, unsoldGoodsValue: 0, decidedAt: '2026-09-15T02:00:00Z' });
      const row = page.locator('#alert-items li', { hasText: '海市监处罚〔2026〕7301号' });
      await row.waitFor({ timeout: 20_000 });
      expect(await row.locator(`a[href="#/case/${caseId}"]`).count()).toBe(1);
      expect(loads).toBe(0);
      expect(aborted).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
