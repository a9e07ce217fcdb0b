/**
 * Recommendations in the dashboard, in Chromium: a customer's profile lists their
 * recommendations with reasons; a product's "bought together" section (the view the product
 * page places) shows the rules and the bundle. Accessibility basics; screenshots.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/app/clock.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { boughtTogether, recomputeRecommendations } from '../../src/app/recommend.js';
import { formatterFor } from '../../src/report/format.js';
import { boughtTogetherSection } from '../../src/server/dashboard/pages/recommend-view.js';
import type { Store } from '../../src/store/store.js';
import { dayAt, generate, loadShop, phoneOf } from '../recommend/shop.js';
import { lowContrastTexts, overflowsSideways } from '../support/a11y.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SHOTS = 'test-artifacts/screenshots';
const SHOP = 'shop1';
const END = dayAt(360);

describe.skipIf(browserSkipped)(`recommendations in the dashboard${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let ctx: AppContext;
  let browser: Browser;
  let url = '';
  let close: () => Promise<void>;
  let email = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    store = await ENGINES[0]!.open(new TestClock(END.getTime()));
    ctx = makeContext(store, { clock: manualClock(END) });
    await loadShop(store, SHOP, generate(120, 17));
    await recomputeRecommendations(ctx, { shopId: SHOP });
    email = await makeUser(ctx, SHOP, 'staff');
    ({ url, browser, close } = await serveForBrowser(ctx));
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  it("shows a customer's recommendations with their reasons in the profile", async () => {
    const customer = await store.findCustomerByKey(SHOP, 'phone', phoneOf(0));
    const { context, page } = await signedInPage(browser, url, email, {
      viewport: { width: 1280, height: 900 },
    });
    await page.goto(`${url}/customers/${customer?.customerId}`);
    const section = page.locator('section.recommend-for-you');
    await expect(section.locator('h2').textContent()).resolves.toBe('Gợi ý cho khách này');
    const rows = section.locator('tbody tr');
    expect(await rows.count()).toBe(10);
    // Customer 0 buys paper on a rhythm: paper first, with the rhythm as its reason.
    expect(await rows.first().getAttribute('data-sku')).toMatch(/^PAP-|^INK-/);
    expect(await rows.first().textContent()).toMatch(/Bạn mua sản phẩm này khoảng mỗi ~\d+ ngày/);
    expect(await lowContrastTexts(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await section.screenshot({ path: `${SHOTS}/customer-recommendations-desktop.png` });
    await context.close();
  });

  it('renders the "bought together" section of a product', async () => {
    const r = await boughtTogether(ctx, { shopId: SHOP, sku: 'SHAMPOO-1', lang: 'en' });
    const view = boughtTogetherSection(r, {
      lang: 'en',
      fmt: formatterFor('en'),
      currency: 'VND',
      zone: 'Asia/Ho_Chi_Minh',
    });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.setContent(`<!doctype html><html lang="en"><body>${String(view)}</body></html>`);
    expect(await page.locator('h2').textContent()).toBe('Bought together');
    expect(await page.locator('tbody tr').first().getAttribute('data-sku')).toBe('COND-1');
    expect(await page.locator('p.bundle').textContent()).toMatch(
      /^Bundle: Dầu gội 1 \+ Dầu xả 1.*, together [\d,]+ ₫$/,
    );
    await context.close();
  });
});
