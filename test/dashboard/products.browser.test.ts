/**
 * The products pages in Chromium over a generated shop with known cycles: the list with each
 * product's cycle and verdict, a product's page with its evidence and the interval histogram (an
 * ECharts SVG), reached by the keyboard; accessibility basics; screenshots at phone and desktop
 * widths. A staff user signs in.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { recomputeReorderCycles } from '../../src/app/replenishment.js';
import { generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import type { Store } from '../../src/store/store.js';
import { importCycleShop } from '../replenish/support.js';
import { lowContrastTexts, overflowsSideways, unlabelledControls } from '../support/a11y.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SHOTS = 'test-artifacts/screenshots';
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;
const UNTIL = new Date('2026-10-31T17:00:00Z');

async function checkAccessibility(page: Page): Promise<void> {
  expect(await unlabelledControls(page)).toEqual([]);
  expect(await lowContrastTexts(page)).toEqual([]);
  expect(await overflowsSideways(page)).toBe(false);
}

describe.skipIf(browserSkipped)(`products pages in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let ctx: AppContext;
  let browser: Browser;
  let url = '';
  let close: () => Promise<void>;
  let email = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    store = await ENGINES[0]!.open(new TestClock(UNTIL.getTime()));
    ctx = makeContext(store);
    await importCycleShop(
      store,
      'cycles',
      generateCycleShop({ customers: 600, seed: 6, days: 540, until: UNTIL }),
      UNTIL,
    );
    email = await makeUser(ctx, 'cycles', 'staff');
    ({ url, browser, close } = await serveForBrowser(ctx));
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  it('says no cycles yet, then lists them and opens a product with its histogram', async () => {
    const { context, page } = await signedInPage(browser, url, email, { viewport: SIZES.desktop });
    await page.goto(`${url}/products`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Sản phẩm & chu kỳ mua lại');
    await expect(page.locator('[data-empty]').count()).resolves.toBe(1);
    await recomputeReorderCycles(ctx, { shopId: 'cycles' });

    for (const [size, viewport] of Object.entries(SIZES)) {
      await page.setViewportSize(viewport);
      await page.goto(`${url}/products`);
      await expect(page.locator('table.products tbody tr').count()).resolves.toBe(8);
      await expect(
        page.locator('tr[data-sku="PAP-A6-500"]').getAttribute('data-replenishable'),
      ).resolves.toBe('true');
      await expect(page.locator('tr[data-sku="PRN-TH80"]').textContent()).resolves.toMatch(/Không/);
      await checkAccessibility(page);
      await page.screenshot({ path: `${SHOTS}/products-${size}.png`, fullPage: true });

      // The keyboard reaches the product's link and opens it.
      const link = page.locator('a[href="/products/PAP-A6-500"]');
      await link.focus();
      await Promise.all([page.waitForURL(`${url}/products/PAP-A6-500`), page.keyboard.press('Enter')]);
      await expect(page.locator('h1').textContent()).resolves.toBe('PAP-A6-500');
      const evidence = await page.locator('[data-section="cycle"]').textContent();
      expect(evidence).toContain('Có');
      expect(evidence).toContain('đều đặn');
      // The histogram: an SVG with one bar per bin.
      const chart = page.locator('[data-section="histogram"] figure.chart svg');
      await expect(chart.count()).resolves.toBe(1);
      await expect(
        page.locator('[data-section="histogram"] figure.chart').getAttribute('aria-label'),
      ).resolves.toMatch(/Phân bố khoảng cách/);
      expect(await page.locator('[data-section="histogram"] svg path').count()).toBeGreaterThan(3);
      await checkAccessibility(page);
      await page.screenshot({ path: `${SHOTS}/product-${size}.png`, fullPage: true });
    }

    // A durable: not replenishable, and why.
    await page.goto(`${url}/products/PRN-TH80`);
    await expect(page.locator('[data-section="cycle"]').textContent()).resolves.toMatch(/Không/);
    // Unknown SKU: the not-found page.
    const missing = await page.goto(`${url}/products/NOPE`);
    expect(missing?.status()).toBe(404);
    await context.close();
  });
});
