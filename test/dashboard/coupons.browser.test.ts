/**
 * The coupons page in real Chromium: the list with its states, the state filter and the search by
 * code (updated in place by htmx), a bulk batch made through the form (its page and the download
 * of its codes, one per line), and a wrong value refused with the form kept and nothing created.
 * Screenshots at phone and desktop widths go to test-artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { createCoupon } from '../../src/app/coupons.js';
import { openStore, type Store } from '../../src/store/store.js';
import { arrive, customer, customerIdOf, SHOP } from '../coupons/support.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, openFromMenu, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { skipNote } from '../support/skip.js';

const SHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

describe.skipIf(browserSkipped)(`coupons page in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let ctx: AppContext;
  let url = '';
  let email = '';
  let close: () => Promise<void>;
  let browser: Browser;
  let redeemed = '';
  let active = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    store = await openStore({ db: ':memory:' });
    ctx = makeContext(store);
    await arrive(ctx, { customers: [customer('+84912000001')] });
    const lan = await customerIdOf(ctx, '+84912000001');
    active = (await createCoupon(ctx, { shopId: SHOP, customerId: lan, kind: 'percent', value: 10 })).coupon
      .code;
    redeemed = (
      await createCoupon(ctx, {
        shopId: SHOP,
        customerId: lan,
        kind: 'fixed_amount',
        value: 50_000,
        minOrder: 300_000,
      })
    ).coupon.code;
    await arrive(ctx, {
      orders: [
        {
          id: '1',
          phone: '+84912000001',
          at: new Date(Date.now() + 60_000),
          total: 400_000,
          coupon: redeemed,
        },
      ],
    });
    email = await makeUser(ctx, SHOP, 'staff');
    ({ url, browser, close } = await serveForBrowser(ctx));
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  it('lists coupons, filters by state and code in place, and makes a batch to download', async () => {
    const { context, page } = await signedInPage(browser, url, email, {
      viewport: DESKTOP,
      acceptDownloads: true,
    });
    await openFromMenu(page, 'Marketing', 'Mã giảm giá');
    await page.waitForURL(/\/coupons$/);
    const rows = page.locator('#coupon-results tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await page.locator(`tr[data-code="${redeemed}"]`).textContent()).toMatch(
      /giảm 50\.000 ₫, đơn từ 300\.000 ₫.*đã dùng/,
    );
    await page.screenshot({ path: `${SHOTS}coupons-desktop.png`, fullPage: true });

    await page.getByLabel('Trạng thái').selectOption('active');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-code')).toBe(active);
    expect(page.url()).toContain('state=active');
    await page.getByLabel('Trạng thái').selectOption('');
    await page.getByLabel('Tìm theo mã').fill(redeemed.slice(0, 4).toLowerCase());
    await expect.poll(() => page.locator(`tr[data-code="${redeemed}"]`).count()).toBe(1);

    // A wrong value: the form says why, keeps what was typed, and nothing is made.
    await page.getByLabel('Tên lô').fill('tet-flyer');
    await page.getByLabel('Số mã').fill('20');
    await page.getByLabel('Loại ưu đãi').selectOption('percent');
    await page.getByLabel(/Giá trị/).fill('150');
    await page.getByRole('button', { name: 'Tạo lô mã' }).click();
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').textContent()).toContain('value');
    expect(await page.getByLabel('Tên lô').inputValue()).toBe('tet-flyer');
    const [row] = await store.engine.all<{ n: number }>('SELECT COUNT(*) AS n FROM coupons');
    expect(Number(row?.n)).toBe(2);

    await page.getByLabel(/Giá trị/).fill('15');
    await Promise.all([
      page.waitForURL(/\/coupons\/batches\/tet-flyer$/),
      page.getByRole('button', { name: 'Tạo lô mã' }).click(),
    ]);
    expect(await page.locator('#batch-summary').textContent()).toMatch(
      /^20 mã, giảm 15 %, hết hạn .+\(Asia\/Ho_Chi_Minh\)/,
    );
    expect(await page.locator('#coupon-results tbody tr').count()).toBe(20);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Tải danh sách mã/ }).click(),
    ]);
    const text = await (await download.createReadStream()).toArray();
    const codes = Buffer.concat(text as Buffer[]).toString('utf8');
    expect(codes).toMatch(/^([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\n){20}$/);
    await context.close();
  });

  it('fits a phone screen', async () => {
    const { context, page } = await signedInPage(browser, url, email, { viewport: PHONE });
    await page.goto(`${url}/coupons`);
    await page.screenshot({ path: `${SHOTS}coupons-phone.png`, fullPage: true });
    expect(
      await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1'),
    ).toBe(false);
    await context.close();
  });
});
