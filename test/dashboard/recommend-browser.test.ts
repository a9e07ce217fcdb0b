/**
 * Recommendations in the dashboard, in Chromium: a customer's profile lists the products they buy
 * again (their rhythm, the product's cycle, the predicted date, an overdue / due badge) and their
 * recommendations with reasons; a product's "bought together" section (the view the product page
 * places) shows the rules and the bundle. Accessibility basics; screenshots.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/app/clock.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { boughtTogether, recomputeRecommendations } from '../../src/app/recommend.js';
import { recomputeReorderCycles } from '../../src/app/replenishment.js';
import { formatterFor } from '../../src/report/format.js';
import { boughtTogetherSection } from '../../src/server/dashboard/pages/recommend-view.js';
import type { Store } from '../../src/store/store.js';
import { customer, idOf, importBatches } from '../analytics/fixtures.js';
import { dayAt, generate, loadShop, phoneOf } from '../recommend/shop.js';
import { lowContrastTexts, overflowsSideways } from '../support/a11y.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SHOTS = 'test-artifacts/screenshots';
const SHOP = 'shop1';
const END = dayAt(360);
const NEW_PHONE = '+84912345678';

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
    // A registered customer who never bought: the empty state.
    await importBatches(store, [{ customers: [customer(NEW_PHONE)] }], 'imp_new', SHOP);
    await recomputeRecommendations(ctx, { shopId: SHOP });
    await recomputeReorderCycles(ctx, { shopId: SHOP });
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

  it('shows the products a customer buys again, with rhythm, cycle, predicted date and badge, in both languages', async () => {
    const id = await idOf(store, phoneOf(0));
    const { context, page } = await signedInPage(browser, url, email, {
      viewport: { width: 1280, height: 900 },
    });
    await page.goto(`${url}/customers/${id}`);
    const section = page.locator('section.replenishment');
    await expect(section.locator('h2').textContent()).resolves.toBe('Mua lại định kỳ');
    // Customer 0 is an office buyer: paper (and their printer's ink) on a rhythm.
    const rows = section.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const skus = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-sku')));
    expect(skus.some((s) => /^PAP-/.test(s ?? ''))).toBe(true);
    const first = rows.first();
    const cells = await first.locator('td').allTextContents();
    // Their rhythm and the product's cycle, days per unit (the generated paper cycle is ~21 days).
    expect(Number(cells[2]?.replace(',', '.'))).toBeGreaterThan(5);
    expect(cells[3]).toMatch(/^\d+(,\d)? \[\d+(,\d)?–\d+(,\d)?\]$/);
    expect(cells[5]).toMatch(/nhắc từ/);
    // The badge says where the prediction stands, overdue first.
    const statuses = await section
      .locator('[data-status]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.length).toBe(skus.length);
    const order = { overdue: 0, due: 1, later: 2 } as Record<string, number>;
    expect([...statuses].sort((a, b) => order[a ?? '']! - order[b ?? '']!)).toEqual(statuses);
    expect(await section.locator('[data-status]').first().textContent()).toMatch(
      /^(Quá hạn \d+ ngày|Sắp hết|Còn \d+ ngày)$/,
    );
    expect(await lowContrastTexts(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await section.screenshot({ path: `${SHOTS}/customer-replenishment-desktop.png` });

    await Promise.all([page.waitForURL(/customers/), page.locator('a.lang').click()]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(section.locator('h2').textContent()).resolves.toBe('Replenishment');
    await expect(section.locator('thead th').nth(2).textContent()).resolves.toBe(
      'Their rhythm (days / unit)',
    );
    expect(await section.locator('[data-status]').first().textContent()).toMatch(
      /^(Overdue by \d+ days|Due soon|In \d+ days)$/,
    );
    await context.close();
  });

  it('says so when a customer has bought nothing to replenish', async () => {
    const id = await idOf(store, NEW_PHONE);
    const { context, page } = await signedInPage(browser, url, email, {
      viewport: { width: 1280, height: 900 },
    });
    await page.goto(`${url}/customers/${id}`);
    const section = page.locator('section.replenishment');
    await expect(section.locator('p.muted').first().textContent()).resolves.toBe(
      'Khách chưa mua sản phẩm nào cần mua lại định kỳ.',
    );
    expect(await section.locator('table').count()).toBe(0);
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
