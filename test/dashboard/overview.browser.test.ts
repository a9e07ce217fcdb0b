/**
 * The overview and best-customers pages in Chromium over a 2,000-customer demo shop: signing in
 * lands on the overview, which computes its analysis in the background and shows its KPI cards
 * and charts; the period changes by preset, by two dates (keyboard) and the language by the
 * header's link; the best customers switch ranking. Screenshots at phone and desktop widths go to
 * test-artifacts/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { runDemo } from '../../src/app/demo.js';
import type { AnalysisReport } from '../../src/domain/analytics/types.js';
import { formatKpi, HEADLINE_KPIS } from '../../src/report/labels.js';
import { openStore, type Store } from '../../src/store/store.js';
import { browserSkipped } from '../support/browser.js';
import { cli } from '../support/cli.js';
import { makeUser, serveForBrowser, signedInPage, signInBrowser } from '../support/dashboard.js';
import { skipNote } from '../support/skip.js';

const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** Inputs a screen reader cannot name (no label, no aria-label). */
const UNNAMED_INPUTS = `[...document.querySelectorAll('input:not([type=hidden]),select,textarea')]
  .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')).map((el) => el.outerHTML)`;

/**
 * Contrast ratios (WCAG) of the texts this page's stylesheet block colours, against the
 * background they are drawn on, below 4.5.
 */
const LOW_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = [];
  for (const el of document.querySelectorAll('.delta, .tabs a, .status, .period-line, .kpi .label, .presets a')) {
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push(el.className + ' ' + el.textContent.trim().slice(0, 30) + ': ' + ratio.toFixed(2));
  }
  return out;
})()`;

/** Waits until the overview shows its KPI cards (computed in the background, then reloaded). */
async function waitForCards(page: Page): Promise<void> {
  await page.locator('.kpi').first().waitFor({ state: 'visible', timeout: 90_000 });
  expect(await page.locator('.kpi').count()).toBe(HEADLINE_KPIS.length);
}

describe.skipIf(browserSkipped)(
  `overview and best customers in Chromium (duckdb)${skipNote(browserSkipped)}`,
  () => {
    let store: Store;
    let ctx: AppContext;
    let browser: Browser;
    let url = '';
    let email = '';
    let close: () => Promise<void>;
    /** A DuckDB file, so that `nurture analyze --json` can read the same shop after the server. */
    const dir = mkdtempSync(join(tmpdir(), 'nurture-overview-'));
    const db = join(dir, 'shop.duckdb');
    let closed = false;
    const shutDown = async () => {
      if (closed) return;
      closed = true;
      await close?.();
      await store?.close();
    };
    beforeAll(async () => {
      store = await openStore({ db });
      ctx = makeContext(store);
      await runDemo(ctx, { shopId: 'demo', customers: 2000, seed: 42 });
      email = await makeUser(ctx, 'demo', 'owner');
      ({ url, browser, close } = await serveForBrowser(ctx));
      mkdirSync(SHOTS, { recursive: true });
    }, 180_000);
    afterAll(async () => {
      await shutDown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('computes and shows the overview, changes period and language, at phone and desktop', async () => {
      const context = await browser.newContext({ viewport: DESKTOP });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await signInBrowser(page, url, email);
      expect(new URL(page.url()).pathname).toBe('/');
      await waitForCards(page);
      expect(await page.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(8);
      await expect(page.locator('html')).toBeDefined();
      expect(await page.getAttribute('html', 'lang')).toBe('vi');
      expect(await page.locator('.kpi[data-kpi="revenue"] .label').textContent()).toBe('Doanh thu');
      // A definition on hover and on keyboard focus.
      await page.locator('.kpi[data-kpi="churnRate"]').hover();
      expect(await page.locator('#kpi-churnRate-tip').isVisible()).toBe(true);
      await page.locator('.kpi[data-kpi="orders"]').focus();
      expect(await page.locator('#kpi-orders-tip').isVisible()).toBe(true);
      expect(await page.evaluate(UNNAMED_INPUTS)).toEqual([]);
      expect(await page.evaluate(LOW_CONTRAST)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, 'overview-desktop.png'), fullPage: true });

      // A preset by keyboard: focus its link, Enter; then two dates typed, Enter.
      await page.locator('a[href="/?preset=90d"]').focus();
      await Promise.all([page.waitForURL(/preset=90d/), page.keyboard.press('Enter')]);
      await waitForCards(page);
      expect(await page.locator('a[aria-current="true"]').textContent()).toBe('90 ngày');
      await page.locator('#period-from').fill('2026-01-01');
      await page.locator('#period-from').focus();
      await Promise.all([page.waitForURL(/from=2026-01-01/), page.keyboard.press('Enter')]);
      await waitForCards(page);
      expect(await page.locator('.period-line').textContent()).toContain('2026-01-01');

      // English one click away, the same figures.
      await Promise.all([page.waitForURL(/from=2026-01-01/), page.locator('a.lang').click()]);
      await waitForCards(page);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('.kpi[data-kpi="revenue"] .label').textContent()).toBe('Revenue');
      expect(await page.locator('h2#h-lifecycle').textContent()).toBe('Customer lifecycle');
      await page.goto(`${url}/lang/vi?back=/`);
      await waitForCards(page);
      expect(errors).toEqual([]);
      await context.close();

      const { context: phone, page: small } = await signedInPage(browser, url, email, {
        viewport: PHONE,
        isMobile: true,
        hasTouch: true,
      });
      await waitForCards(small);
      // Nothing wider than the phone but the scrolling boxes that hold wide charts.
      const overflow = await small.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await small.screenshot({ path: join(SHOTS, 'overview-phone.png'), fullPage: true });

      await small.goto(`${url}/best`);
      expect(await small.locator('table.best tbody tr').count()).toBe(50);
      expect(
        await small.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
      ).toBeLessThanOrEqual(0);
      await small.screenshot({ path: join(SHOTS, 'best-phone.png'), fullPage: true });
      await phone.close();
    }, 240_000);

    it('ranks the best customers by revenue or orders, links each profile, offers the CSV', async () => {
      const { context, page } = await signedInPage(browser, url, email, { viewport: DESKTOP });
      await page.goto(`${url}/best?preset=12m`);
      const rows = page.locator('table.best tbody tr');
      expect(await rows.count()).toBe(50);
      const revenues = await page.locator('table.best tbody tr td:nth-child(4)').allTextContents();
      const amounts = revenues.map((t) => Number(t.replace(/\D/g, '')));
      expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
      expect(revenues[0]).toMatch(/^\d{1,3}(\.\d{3})+ ₫$/);
      expect(await page.locator('table.best tbody tr a').first().getAttribute('href')).toMatch(
        /^\/customers\/cus_/,
      );
      expect(await page.evaluate(UNNAMED_INPUTS)).toEqual([]);
      expect(await page.evaluate(LOW_CONTRAST)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, 'best-desktop.png'), fullPage: true });
      // The other ranking by keyboard.
      await page.locator('.tabs a:not(.on)').focus();
      await Promise.all([page.waitForURL(/by=orders/), page.keyboard.press('Enter')]);
      const orders = (await page.locator('table.best tbody tr td:nth-child(3)').allTextContents()).map(
        Number,
      );
      expect(orders).toEqual([...orders].sort((a, b) => b - a));
      expect(await page.locator('a[download]').getAttribute('href')).toBe('/best.csv?preset=12m&by=orders');
      await context.close();
    }, 120_000);
    it('shows the KPIs `nurture analyze --json` prints for the same shop (last 12 months)', async () => {
      const { context, page } = await signedInPage(browser, url, email, { viewport: DESKTOP });
      await page.goto(`${url}/?preset=12m`);
      await waitForCards(page);
      const shown = new Map<string, string>();
      for (const card of await page.locator('.kpi').all())
        shown.set(
          (await card.getAttribute('data-kpi')) ?? '',
          (await card.locator('.value').textContent()) ?? '',
        );
      await context.close();
      // The server owns the DuckDB file while it runs: the CLI reads it after.
      await shutDown();
      const run = await cli('analyze', '--db', db, '--shop', 'demo', '--json');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.out) as AnalysisReport;
      for (const k of HEADLINE_KPIS)
        expect([k.key, shown.get(k.key)]).toEqual([
          k.key,
          formatKpi(report.kpis[k.key] as number | null, k.kind, report.shop.currency, 'vi'),
        ]);
    }, 120_000);
  },
);
