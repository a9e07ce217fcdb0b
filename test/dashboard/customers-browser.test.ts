/**
 * The customers' pages in Chromium over a 2,000-customer demo shop: a phone typed as a seller
 * types it (`0912 345 678`) finds the customer, the profile opens, a segment query's count
 * updates as it is typed and a typo shows its place; the keyboard path; accessibility basics;
 * screenshots at phone and desktop widths.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { runDemo } from '../../src/app/demo.js';
import { predict } from '../../src/app/predict.js';
import { countSegmentQuery } from '../../src/app/segments.js';
import { formatterFor } from '../../src/report/format.js';
import type { Store } from '../../src/store/store.js';
import { lowContrastTexts, overflowsSideways, unlabelledControls } from '../support/a11y.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SHOTS = 'test-artifacts/screenshots';
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

/** `+84912345678` as a seller types it: `0912 345 678`. */
function spacedLocal(e164: string): string {
  const national = `0${e164.slice(3)}`;
  return `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`;
}

async function checkAccessibility(page: Page): Promise<void> {
  expect(await unlabelledControls(page)).toEqual([]);
  expect(await lowContrastTexts(page)).toEqual([]);
  expect(await overflowsSideways(page)).toBe(false);
}

describe.skipIf(browserSkipped)(`customers' pages in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let ctx: AppContext;
  let browser: Browser;
  let url = '';
  let close: () => Promise<void>;
  let email = '';
  let someone: { customer_id: string; first_name: string; last_name: string; phone: string };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    store = await ENGINES[0]!.open();
    ctx = makeContext(store);
    await runDemo(ctx, { shopId: 'demo', customers: 2000, seed: 42 });
    await predict(ctx, { shopId: 'demo' });
    const [row] = await store.engine.all<typeof someone>(
      `SELECT c.customer_id, c.first_name, c.last_name, c.phone
       FROM customers c JOIN customer_stats s ON s.shop_id = c.shop_id AND s.customer_id = c.customer_id
       WHERE c.shop_id = 'demo' AND c.phone LIKE '+84%' AND c.first_name IS NOT NULL AND s.orders >= 3
       ORDER BY c.customer_id LIMIT 1`,
    );
    someone = row as typeof someone;
    email = await makeUser(ctx, 'demo', 'staff');
    ({ url, browser, close } = await serveForBrowser(ctx));
  }, 180_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  it('finds a customer by a phone typed with spaces, with the keyboard, and opens the profile', async () => {
    const typed = spacedLocal(someone.phone);
    for (const [size, viewport] of Object.entries(SIZES)) {
      const { context, page } = await signedInPage(browser, url, email, { viewport });
      await page.goto(`${url}/customers`);
      await expect(page.locator('h1').textContent()).resolves.toBe('Khách hàng');
      await checkAccessibility(page);
      await page.screenshot({ path: `${SHOTS}/customers-${size}.png`, fullPage: true });

      // Keyboard: from the skip link to the search box, type the phone, Enter.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      let focused = '';
      for (let i = 0; i < 30 && focused !== 'q'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate('document.activeElement && document.activeElement.id');
      }
      expect(focused).toBe('q');
      await page.keyboard.type(typed);
      await page.keyboard.press('Enter');
      // The results are replaced in place (htmx): one row, the customer's.
      await page.waitForFunction("document.querySelectorAll('#results tbody tr').length === 1");
      const link = page.locator(`#results a[href="/customers/${someone.customer_id}"]`);
      await expect(link.count()).resolves.toBe(1);
      expect(new URL(page.url()).searchParams.get('q')).toBe(typed);
      await page.screenshot({ path: `${SHOTS}/customers-search-${size}.png`, fullPage: true });

      await link.focus();
      await Promise.all([
        page.waitForURL(`${url}/customers/${someone.customer_id}`),
        page.keyboard.press('Enter'),
      ]);
      await expect(page.locator('h1').textContent()).resolves.toBe(
        `${someone.last_name} ${someone.first_name}`,
      );
      await expect(page.locator('body').textContent()).resolves.toContain(someone.phone);
      await expect(page.locator('body').textContent()).resolves.toContain('Khoảng dự báo 90 %');
      await checkAccessibility(page);
      await page.screenshot({ path: `${SHOTS}/customer-profile-${size}.png`, fullPage: true });
      await context.close();
    }
  });

  it('counts a segment query as it is typed and shows a typo where it is', async () => {
    const { context, page } = await signedInPage(browser, url, email, { viewport: SIZES.desktop });
    await page.goto(`${url}/customers`);
    const query = 'number_of_orders >= 3';
    const { count } = await countSegmentQuery(ctx, { shopId: 'demo', query });
    await page.locator('#segment').focus();
    await page.keyboard.type('number_of_ordrs >= 3');
    await page.locator('#segment-count [role=alert]').waitFor();
    await expect(page.locator('#segment-count').textContent()).resolves.toMatch(/ở dòng 1, cột 1/);
    await page.screenshot({ path: `${SHOTS}/customers-query-error-desktop.png`, fullPage: true });
    await page.locator('#segment').fill('');
    await page.keyboard.type(query);
    const shown = `${formatterFor('vi').count(count)} khách khớp điều kiện`;
    await page.locator('#segment-count', { hasText: shown }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('#results', { hasText: shown }).waitFor();
    expect(new URL(page.url()).searchParams.get('segment')).toBe(query);
    await page.screenshot({ path: `${SHOTS}/customers-segment-desktop.png`, fullPage: true });

    // A column chosen: the list follows, and the URL (so the CSV link) keeps it.
    await page.locator('details.columns-chooser summary').click();
    await page.getByLabel('CLV dự đoán').check();
    await page.locator('#results th', { hasText: 'CLV dự đoán' }).waitFor();
    expect(new URL(page.url()).searchParams.getAll('cols')).toContain('predicted_clv');
    await expect(page.locator('#results a[download]').getAttribute('href')).resolves.toContain(
      'predicted_clv',
    );
    await context.close();
  });

  it("loads a long timeline's older entries in place", async () => {
    const [busy] = await store.engine.all<{ customer_id: string; n: number }>(
      `SELECT customer_id, COUNT(*) AS n FROM events WHERE shop_id = 'demo' AND customer_id IS NOT NULL
       GROUP BY customer_id ORDER BY n DESC, customer_id LIMIT 1`,
    );
    expect(Number(busy?.n)).toBeGreaterThan(100);
    const { context, page } = await signedInPage(browser, url, email, { viewport: SIZES.desktop });
    await page.goto(`${url}/customers/${busy?.customer_id}`);
    const rows = page.locator('table.timeline tbody tr:not(.more)');
    await expect(rows.count()).resolves.toBe(100);
    await page.getByRole('link', { name: 'Xem thêm' }).click();
    await page.waitForFunction(
      "document.querySelectorAll('table.timeline tbody tr:not(.more)').length > 100",
    );
    expect(new URL(page.url()).pathname).toBe(`/customers/${busy?.customer_id}`);
    await context.close();
  });
});
