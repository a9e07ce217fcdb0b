/**
 * The referrals, NPS and task pages in real Chromium: the referral KPIs and a refused referral
 * with its reason; NPS per segment with its chart and a product rating; the task queue with an
 * overdue task highlighted, closed as done with a note through the form, and a task's page with
 * the customer's orders and answers. No control without a label, nothing wider than a phone.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { recordAnswer } from '../../src/app/feedback.js';
import { referralCodeOfCustomer } from '../../src/app/referral-program.js';
import { createStaffTask } from '../../src/app/tasks.js';
import { openStore, type Store } from '../../src/store/store.js';
import { arrive, customer, customerIdOf, SHOP } from '../referrals/support.js';
import { overflowsSideways, unlabelledControls } from '../support/a11y.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { skipNote } from '../support/skip.js';

const HOA = '+84912000111';
const LAN = '+84912000222';

describe.skipIf(browserSkipped)(
  `referrals, NPS and task pages in Chromium${skipNote(browserSkipped)}`,
  () => {
    let store: Store;
    let ctx: AppContext;
    let url = '';
    let email = '';
    let close: () => Promise<void>;
    let browser: Browser;
    let overdueTask = '';

    beforeAll(async () => {
      store = await openStore({ db: ':memory:' });
      ctx = makeContext(store);
      const now = Date.now();
      await arrive(ctx, {
        customers: [
          customer(HOA, { firstName: 'Hoa', lastName: 'Trần' }),
          customer(LAN, { firstName: 'Lan' }),
        ],
        orders: [
          { id: 'H1', phone: HOA, at: new Date(now - 40 * 86_400_000), total: 300_000, status: 'delivered' },
        ],
      });
      const hoa = await customerIdOf(ctx, HOA);
      const code = await referralCodeOfCustomer(ctx, SHOP, hoa);
      // Hoa's own code on her own order: refused, with its reason.
      await arrive(ctx, {
        orders: [{ id: 'H2', phone: HOA, at: new Date(now - 86_400_000), total: 100_000, coupon: code }],
      });
      await arrive(ctx, {
        orders: [
          {
            id: 'L1',
            phone: LAN,
            at: new Date(now - 3_600_000),
            total: 200_000,
            coupon: code,
            status: 'pending',
          },
        ],
      });
      const lan = await customerIdOf(ctx, LAN);
      await recordAnswer(ctx, { shopId: SHOP, customerId: hoa, kind: 'nps', score: 3, channel: 'sms' });
      await recordAnswer(ctx, { shopId: SHOP, customerId: lan, kind: 'nps', score: 10, channel: 'widget' });
      await recordAnswer(ctx, {
        shopId: SHOP,
        customerId: lan,
        kind: 'rating',
        score: 4,
        sku: 'SKU-none-0',
        channel: 'widget',
      });
      overdueTask = (
        await createStaffTask(ctx, {
          shopId: SHOP,
          customerId: hoa,
          title: 'Gọi xin lỗi chị Hoa',
          dueInHours: 0,
        })
      ).taskId;
      await createStaffTask(ctx, {
        shopId: SHOP,
        customerId: lan,
        title: 'Gửi thiệp cảm ơn',
        dueInHours: 48,
      });
      email = await makeUser(ctx, SHOP, 'staff');
      ({ url, browser, close } = await serveForBrowser(ctx));
    }, 120_000);
    afterAll(async () => {
      await close?.();
      await store?.close();
    });

    it('shows referrals with refusals and KPIs, NPS per segment with a chart, and works the task queue', async () => {
      const { context, page } = await signedInPage(browser, url, email, {
        viewport: { width: 390, height: 844 },
      });

      await page.goto(`${url}/referrals`);
      expect(await page.locator('h1').textContent()).toContain('Giới thiệu bạn bè');
      const refused = page.locator('table.referrals tr.refused');
      expect(await refused.count()).toBe(1);
      expect(await refused.textContent()).toContain('tự giới thiệu chính mình');
      expect(await page.locator('.cards').textContent()).toContain('Khách được giới thiệu');
      expect(await unlabelledControls(page)).toEqual([]);

      await page.goto(`${url}/feedback`);
      expect(await page.locator('.cards').textContent()).toContain('NPS');
      expect(await page.locator('.cards .card').first().textContent()).toContain('0');
      expect(await page.locator('figure.chart svg').count()).toBe(1);
      expect(await page.locator('table.ratings').textContent()).toContain('4,0 ★');
      expect(await overflowsSideways(page)).toBe(false);

      await page.goto(`${url}/tasks`);
      const late = page.locator(`tr[data-task="${overdueTask}"]`);
      expect(await late.getAttribute('class')).toContain('overdue');
      expect(await page.locator('table.tasks tr.overdue').count()).toBe(1);
      expect(await unlabelledControls(page)).toEqual([]);
      await late.getByRole('link', { name: /Gọi xin lỗi/ }).click();
      expect(await page.locator('main').textContent()).toContain('300');
      expect(await page.locator('main').textContent()).toContain('nps 3');
      await page.locator(`#note-${overdueTask}`).fill('Đã gọi, khách đồng ý nhận quà');
      await page.getByRole('button', { name: /Done|Xong/ }).click();
      await page.waitForURL(/\/tasks$/);
      expect(await page.locator(`tr[data-task="${overdueTask}"]`).textContent()).toContain(
        'Đã gọi, khách đồng ý nhận quà',
      );
      expect(await page.locator('table.tasks tr.overdue').count()).toBe(0);
      await context.close();
    });
  },
);
