/**
 * The segment pages in real Chromium over a 2,000-customer demo shop: write a query with a typo,
 * see the positioned error and its suggestion, fix it and see the count the language gives, save
 * it with the keyboard, find it in the list and open its chart. Screenshots of the list and the
 * editor at phone and desktop sizes go to test-artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { runDemo } from '../../src/app/demo.js';
import { countSegmentQuery, getShopSegment } from '../../src/app/segments.js';
import { formatterFor } from '../../src/report/format.js';
import { openStore, type Store } from '../../src/store/store.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { skipNote } from '../support/skip.js';

const SHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;
const SHOP = 'demo';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const NAME = 'Khách mua trên 2 đơn';
const FIXED = 'number_of_orders > 2';

/** The WCAG contrast ratio of two `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

/** Inputs, selects and text areas a user can reach that have no label nor aria-label. */
async function unlabelled(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
    .map((el) => el.outerHTML.slice(0, 80))`)) as string[];
}

/** The page fits the viewport's width (nothing to scroll sideways but inside .scroll boxes). */
const overflowsSideways = async (page: Page) =>
  (await page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth + 1',
  )) as boolean;
/** The id of the element that has the keyboard focus. */
const focusedId = async (page: Page) =>
  (await page.evaluate('document.activeElement?.id')) as string | undefined;

describe.skipIf(browserSkipped)(`segment pages in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let ctx: AppContext;
  let url = '';
  let email = '';
  let close: () => Promise<void>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    store = await openStore({ db: ':memory:' });
    ctx = makeContext(store);
    await runDemo(ctx, { shopId: SHOP, customers: 2000, seed: 42 });
    email = await makeUser(ctx, SHOP, 'owner');
    ({ url, browser, close } = await serveForBrowser(ctx));
  }, 180_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  it('writes a query with a typo, sees the error and suggestion, fixes it, saves it with the keyboard and finds it', async () => {
    const { context, page } = await signedInPage(browser, url, email, { viewport: DESKTOP });
    await page.goto(`${url}/segments`);
    await page.screenshot({ path: `${SHOTS}segments-list-desktop.png`, fullPage: true });
    expect(await overflowsSideways(page)).toBe(false);

    // The keyboard path: the new-segment link, the name, the query, then Enter in the name field.
    await page.getByRole('link', { name: 'Tạo phân khúc' }).focus();
    await Promise.all([page.waitForURL(/\/segments\/new$/), page.keyboard.press('Enter')]);
    expect(await unlabelled(page)).toEqual([]);
    await page.getByLabel('Tên phân khúc').focus();
    await page.keyboard.type(NAME);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Khách đã mua từ 3 đơn');
    await page.keyboard.press('Tab');
    await expect.poll(() => focusedId(page)).toBe('seg-query');
    await page.keyboard.type('ordres > 2');

    const error = page.locator('#query-check .query-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Lỗi ở dòng 1, cột 1');
    expect(await error.textContent()).toContain('Có phải ý bạn là: number_of_orders?');
    expect(await error.locator('mark').textContent()).toBe('o');
    for (const selector of ['strong', '.suggestion', 'mark'] as const) {
      // The text's colour on the nearest background that is painted (its own or the error box's).
      const colours = (await page.evaluate(`(() => {
        const el = document.querySelector('#query-check .query-error ${selector}');
        const own = getComputedStyle(el);
        const painted = own.backgroundColor !== 'rgba(0, 0, 0, 0)';
        return { fg: own.color, bg: painted ? own.backgroundColor : getComputedStyle(el.closest('.error')).backgroundColor };
      })()`)) as { fg: string; bg: string };
      expect(contrast(colours.fg, colours.bg)).toBeGreaterThanOrEqual(4.5);
    }
    await page.screenshot({ path: `${SHOTS}segments-editor-error-desktop.png`, fullPage: true });

    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(FIXED);
    const expected = (await countSegmentQuery(ctx, { shopId: SHOP, query: FIXED })).count;
    expect(expected).toBeGreaterThan(0);
    const count = page.locator('#query-check [data-count]');
    await expect
      .poll(async () => ((await count.count()) > 0 ? await count.getAttribute('data-count') : null))
      .toBe(String(expected));
    expect(await page.locator('#query-check').textContent()).toContain(
      `${formatterFor('vi').count(expected)} khách hàng khớp điều kiện`,
    );
    expect(await page.locator('#query-members a[href^="/customers/cus_"]').count()).toBe(
      Math.min(20, expected),
    );

    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(() => focusedId(page)).toBe('seg-name');
    await Promise.all([page.waitForURL(/saved=1$/), page.keyboard.press('Enter')]);
    expect(await page.getByRole('status').textContent()).toContain('Đã lưu phân khúc.');
    expect((await getShopSegment(ctx, { shopId: SHOP, name: NAME })).members).toBe(expected);
    await page.screenshot({ path: `${SHOTS}segments-editor-desktop.png`, fullPage: true });

    await page.goto(`${url}/segments`);
    const row = page.locator('tr', { has: page.getByRole('link', { name: NAME }) });
    expect(await row.locator('td.num').textContent()).toBe(formatterFor('vi').count(expected));
    await Promise.all([page.waitForURL(/\/segments\/[^/]+$/), row.getByRole('link', { name: NAME }).click()]);
    const chart = page.getByRole('img', { name: /Biểu đồ cột/ });
    expect(await chart.locator('svg').count()).toBe(1);
    expect(await page.locator('#seg-chart-heading + form + p').textContent()).toContain(
      `Tổng: ${formatterFor('vi').count(expected)} vào`,
    );
    await page.getByLabel('Khoảng thời gian').selectOption('365');
    await page.waitForURL(/days=365/);
    expect(await page.getByRole('img', { name: /mỗi tuần/ }).count()).toBe(1);
    await context.close();
  }, 120_000);

  it('fits a phone: the list, the editor with an error, and a built-in segment', async () => {
    const { context, page } = await signedInPage(browser, url, email, {
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${url}/segments`);
    expect(await overflowsSideways(page)).toBe(false);
    await page.screenshot({ path: `${SHOTS}segments-list-phone.png`, fullPage: true });

    await page.goto(
      `${url}/segments/new?name=${encodeURIComponent('Khách quen Hà Nội')}&query=${encodeURIComponent("city = 'Hà Nội' AND lifecylce = loyal")}`,
    );
    await page.locator('.query-error').waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    expect(await page.locator('.query-error').textContent()).toContain('lifecycle');
    await page.screenshot({ path: `${SHOTS}segments-editor-phone.png`, fullPage: true });
    await Promise.all([
      page.waitForURL(/\/segments\/new\?/),
      page.getByRole('link', { name: 'English' }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe('New segment');
    expect(await page.locator('.query-error').textContent()).toContain('Error at line 1, column 21');
    expect(await page.locator('.query-error').textContent()).toContain('Did you mean: lifecycle?');
    await page.screenshot({ path: `${SHOTS}segments-editor-en-phone.png`, fullPage: true });
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();

    await page.goto(`${url}/segments/${encodeURIComponent('rfm:champions')}`);
    expect(await page.locator('textarea').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}segments-builtin-phone.png`, fullPage: true });
    expect(await overflowsSideways(page)).toBe(false);
    await context.close();
  }, 120_000);
});
