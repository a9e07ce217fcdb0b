/**
 * The whole dashboard in real Chromium against `nurture serve` (startServer, as the command runs
 * it) over a demo shop on a DuckDB file: the owner walks every page of the menu (screenshots of each,
 * phone and desktop, with the accessibility checks), then a staff user of another shop signs in on
 * the same server and sees none of it: not on the menu's pages, not by typing the demo's URLs.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { runDemo } from '../../src/app/demo.js';
import { importFile } from '../../src/app/imports.js';
import { createShopSegment } from '../../src/app/segments.js';
import { type RunningServer, startServer } from '../../src/server/run.js';
import { openStore } from '../../src/store/store.js';
import { FIXTURES } from '../server/support.js';
import { lowContrastTexts, overflowsSideways, unlabelledControls } from '../support/a11y.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { makeUser, signedInPage, signInBrowser } from '../support/dashboard.js';
import { skipNote } from '../support/skip.js';

const SHOTS = 'test-artifacts/screenshots';
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;
/** The menu's pages, as a seller reaches them. */
const MENU = [
  ['overview', '/'],
  ['customers', '/customers'],
  ['segments', '/segments'],
  ['best', '/best'],
  ['live', '/live'],
  ['referrals', '/referrals'],
  ['imports', '/imports'],
  ['settings', '/settings'],
] as const;

describe.skipIf(browserSkipped)(
  `the dashboard, page by page, and another shop's staff${skipNote(browserSkipped)}`,
  () => {
    let running: RunningServer;
    let browser: Browser;
    let owner = '';
    let outsider = '';
    /** What would give the demo shop away: a customer's name and phone, a segment, ids. */
    let demo: { customerId: string; name: string; phone: string; segment: string };

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      const db = join(mkdtempSync(join(tmpdir(), 'nurture-tour-')), 'shops.duckdb');
      const setup = await openStore({ db });
      const ctx = makeContext(setup);
      await runDemo(ctx, { shopId: 'demo', customers: 2000, seed: 7 });
      await createShopSegment(ctx, {
        shopId: 'demo',
        name: 'khach-quay-lai',
        query: 'number_of_orders >= 2',
      });
      for (const format of ['shopify-customers', 'shopify-orders'] as const)
        await importFile(ctx, {
          shopId: 'other',
          format,
          path: `${FIXTURES}${format}.csv`,
          skipInvalid: true,
        });
      owner = await makeUser(ctx, 'demo', 'owner');
      outsider = await makeUser(ctx, 'other', 'staff');
      const row = (
        await setup.engine.all<{ customer_id: string; phone: string; first_name: string; last_name: string }>(
          `SELECT c.customer_id, c.phone, c.first_name, c.last_name FROM customers c
         JOIN customer_stats s ON s.shop_id = c.shop_id AND s.customer_id = c.customer_id
         WHERE c.shop_id = 'demo' AND c.phone IS NOT NULL AND c.first_name IS NOT NULL AND s.orders >= 3
         ORDER BY s.revenue DESC LIMIT 1`,
        )
      )[0];
      demo = {
        customerId: row?.customer_id ?? '',
        name: `${row?.last_name} ${row?.first_name}`,
        phone: row?.phone ?? '',
        segment: 'khach-quay-lai',
      };
      await setup.close();
      running = await startServer({
        config: { db, shopId: 'demo', lang: 'vi' },
        host: '127.0.0.1',
        port: 0,
        log: pino({ level: 'silent' }),
      });
      browser = await launchChromium();
    }, 240_000);
    afterAll(async () => {
      await browser?.close();
      await running?.stop();
    });

    async function checkPage(page: Page, name: string, size: string): Promise<void> {
      expect(await unlabelledControls(page), name).toEqual([]);
      expect(await lowContrastTexts(page), name).toEqual([]);
      expect(await overflowsSideways(page), name).toBe(false);
      // What a seller sees first on each screen (the pages' own tests keep full-page shots).
      await page.screenshot({ path: `${SHOTS}/tour-${name}-${size}.png` });
    }

    it("walks every page of the owner's menu", { timeout: 180_000 }, async () => {
      for (const [size, viewport] of Object.entries(SIZES)) {
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await signInBrowser(page, running.url, owner);
        for (const [name, path] of MENU) {
          await page.goto(running.url + path);
          expect(await page.locator('header.top nav [aria-current=page]').getAttribute('href')).toBe(path);
          if (name === 'overview') {
            // The first visit asks for the analysis; the page reloads itself once it is there.
            await page.locator('.kpi').first().waitFor({ timeout: 90_000 });
            await page.waitForLoadState('networkidle');
          }
          await checkPage(page, name, size);
        }
        await page.goto(`${running.url}/customers/${demo.customerId}`);
        await expect(page.locator('body').textContent()).resolves.toContain(demo.phone);
        await checkPage(page, 'customer-profile', size);
        await page.goto(`${running.url}/segments/${demo.segment}`);
        await checkPage(page, 'segment', size);
        expect(errors).toEqual([]);
        await context.close();
      }
    });

    it('fits the menu at 1024 px and on a phone, in both languages, and opens its groups by keyboard', async () => {
      for (const viewport of [{ width: 1024, height: 768 }, SIZES.phone]) {
        const { context, page } = await signedInPage(browser, running.url, owner, { viewport });
        for (const lang of ['en', 'vi'] as const) {
          await page.goto(`${running.url}/lang/${lang}?back=/tasks`);
          // Every entry of the row is on the screen: none cut at the edge, nothing to scroll.
          const cut = await page.evaluate(`[...document.querySelectorAll('header.top nav > ul > li')]
            .filter((li) => li.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map((li) => li.textContent)`);
          expect([viewport.width, lang, cut]).toEqual([viewport.width, lang, []]);
          expect(await overflowsSideways(page)).toBe(false);
        }
        // Tab to the group, Enter opens it, Tab reaches its links; Escape closes it again.
        const group = page.locator('summary', { hasText: /^Khách thân thiết$/ });
        await group.focus();
        await page.keyboard.press('Enter');
        expect(await page.locator('details.nav-group[open] summary').textContent()).toBe('Khách thân thiết');
        await page.keyboard.press('Escape');
        expect(await page.locator('details.nav-group[open]').count()).toBe(0);
        expect(await page.locator(':focus').textContent()).toBe('Khách thân thiết');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        expect(await page.locator(':focus').textContent()).toBe('Giới thiệu');
        await Promise.all([page.waitForURL(/\/referrals$/), page.keyboard.press('Enter')]);
        // The page's group is marked, its link is the current page; opening another closes it.
        expect(await page.locator('details.nav-group[data-current] summary').textContent()).toBe(
          'Khách thân thiết',
        );
        await page.locator('summary', { hasText: /^Khách thân thiết$/ }).click();
        await page.locator('summary', { hasText: /^Marketing$/ }).click();
        expect(await page.locator('details.nav-group[open] summary').allTextContents()).toEqual([
          'Marketing',
        ]);
        await page.mouse.click(viewport.width / 2, viewport.height - 10);
        expect(await page.locator('details.nav-group[open]').count()).toBe(0);
        await context.close();
      }
    });

    it("shows a staff user of another shop nothing of the demo shop's", { timeout: 120_000 }, async () => {
      const { context, page } = await signedInPage(browser, running.url, outsider, {
        viewport: SIZES.desktop,
      });
      const secrets = [demo.name, demo.phone, demo.customerId, demo.segment];
      for (const [name, path] of MENU) {
        const answer = await page.goto(running.url + path);
        if (name === 'settings') {
          expect(answer?.status()).toBe(403);
          continue;
        }
        if (name === 'overview') await page.locator('.kpi, .status').first().waitFor({ timeout: 60_000 });
        const text = (await page.locator('main').textContent()) ?? '';
        for (const secret of secrets) expect([path, text.includes(secret)]).toEqual([path, false]);
      }
      for (const path of [
        `/customers/${demo.customerId}`,
        `/customers/${demo.customerId}/timeline`,
        `/segments/${demo.segment}`,
      ]) {
        const answer = await page.goto(running.url + path);
        expect([path, answer?.status()]).toEqual([path, 404]);
        expect(await page.locator('main').textContent()).not.toContain(demo.name);
      }
      await page.goto(`${running.url}/customers?q=${encodeURIComponent(demo.phone)}`);
      expect(await page.locator('#results').textContent()).not.toContain(demo.name);
      await page.goto(`${running.url}/best`);
      expect(await page.locator('main').textContent()).not.toContain(demo.name);
      await context.close();
    });
  },
);
