/**
 * The live visitors and imports pages in real Chromium, against `nurture serve` (startServer) on a
 * DuckDB file holding a 2000-customer demo shop: storefront events sent to `/t/v1/batch` appear on
 * /live, and one sent later appears without a reload (the panel refreshes itself); a CSV with a
 * bad row uploaded through the real file input shows its progress, then (once a dispatcher ran
 * it) the bad row's line, without a reload. Screenshots at phone and desktop sizes; labels,
 * keyboard and the contrast of the colours these pages add.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { makeContext } from '../../src/app/context.js';
import { runDemo } from '../../src/app/demo.js';
import { appJobContext, applicationJobs, Dispatcher } from '../../src/engine/index.js';
import { type RunningServer, startServer } from '../../src/server/run.js';
import { openStore } from '../../src/store/store.js';
import { lowContrastTexts, overflowsSideways, unlabelledControls } from '../support/a11y.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { makeUser, signInBrowser } from '../support/dashboard.js';
import { skipNote } from '../support/skip.js';
import { ORDERS_WITH_A_BAD_ROW } from './import-fixture.js';

const SHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

/** Screenshots at both sizes; at each, no text below AA contrast, no unlabelled control, no sideways scroll. */
async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    expect([name, size, await lowContrastTexts(page)]).toEqual([name, size, []]);
    expect([name, size, await unlabelledControls(page)]).toEqual([name, size, []]);
    expect([name, size, await overflowsSideways(page)]).toEqual([name, size, false]);
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(SIZES.desktop);
}

/** Marks the window: a reload would wipe the mark. */
const mark = (page: Page) => page.evaluate('window.stayed = true');
const stayed = async (page: Page) => (await page.evaluate('window.stayed === true')) as boolean;

describe.skipIf(browserSkipped)(`live visitors and imports in Chromium${skipNote(browserSkipped)}`, () => {
  let running: RunningServer;
  let browser: Browser;
  let email = '';
  let writeKey = '';
  let known = { phone: '', name: '' };

  const send = async (batch: unknown[]) => {
    const res = await fetch(`${running.url}/t/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ writeKey, batch }),
    });
    expect(res.status).toBe(200);
  };
  const seconds = (n: number) => new Date(Date.now() - n * 1000).toISOString();

  beforeAll(async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'nurture-live-browser-')), 'demo.duckdb');
    const setup = await openStore({ db });
    const ctx = makeContext(setup);
    await runDemo(ctx, { shopId: 'demo', customers: 2000, seed: 42 });
    email = await makeUser(ctx, 'demo', 'owner');
    writeKey = (await createApiKey(ctx, { shopId: 'demo', kind: 'publishable' })).key;
    const row = (
      await setup.engine.all<{ phone: string; first_name: string; last_name: string }>(
        `SELECT phone, first_name, last_name FROM customers
         WHERE shop_id = 'demo' AND phone IS NOT NULL AND first_name IS NOT NULL AND last_name IS NOT NULL
         ORDER BY customer_id LIMIT 1`,
      )
    )[0];
    known = { phone: row?.phone ?? '', name: `${row?.last_name} ${row?.first_name}` };
    await setup.close();
    // Jobs are run by the test (below), so that the upload's waiting state can be seen first.
    running = await startServer({
      config: { db, shopId: 'demo', lang: 'vi' },
      host: '127.0.0.1',
      port: 0,
      log: pino({ level: 'silent' }),
      jobs: { enabled: false },
    });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('shows who is on the site now and picks up a new visitor by itself', { timeout: 90_000 }, async () => {
    await send([
      {
        type: 'page',
        anonymousId: 'browser-anon-aaaa',
        timestamp: seconds(20),
        properties: { title: 'Trang chủ cửa hàng demo', path: '/' },
      },
      { type: 'identify', anonymousId: 'browser-known-bbbb', traits: { phone: known.phone } },
      {
        type: 'track',
        event: 'Product Viewed',
        anonymousId: 'browser-known-bbbb',
        timestamp: seconds(10),
        properties: { sku: 'SKU-DEMO', name: 'Kem chống nắng demo' },
      },
    ]);
    const page = await browser.newPage({ viewport: SIZES.desktop });
    await signInBrowser(page, running.url, email);
    await page.goto(`${running.url}/live`);
    await expect.poll(() => page.getByText('Trang chủ cửa hàng demo').count()).toBe(1);
    const customer = page.getByRole('link', { name: known.name });
    expect(await customer.first().getAttribute('href')).toMatch(/^\/customers\/cus_/);
    await expect.poll(() => page.getByText('Kem chống nắng demo').count()).toBe(1);

    // A marker that a reload would wipe: the new visitor must come without one.
    await mark(page);
    await send([
      {
        type: 'page',
        anonymousId: 'browser-late-cccc',
        timestamp: seconds(1),
        properties: { title: 'Khách mới vừa vào', path: '/sale' },
      },
    ]);
    await page.getByText('Khách mới vừa vào').waitFor({ timeout: 25_000 });
    expect(await stayed(page)).toBe(true);

    // Keyboard: the refresh link is reachable and works without a mouse.
    const refresh = page.getByRole('link', { name: 'Tải lại' });
    await refresh.focus();
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe('/live');
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await screenshots(page, 'live');
    await page.close();
  });

  it('uploads a CSV through the file input, shows progress, then the bad row by its line', {
    timeout: 90_000,
  }, async () => {
    const page = await browser.newPage({ viewport: SIZES.desktop });
    await signInBrowser(page, running.url, email);
    await page.goto(`${running.url}/imports`);
    // Every input has an accessible name.
    await page.getByLabel('Loại tệp').selectOption('shopify-orders');
    expect(await page.getByLabel(/Bỏ qua dòng lỗi/).isChecked()).toBe(true);
    await page.getByLabel('Tệp', { exact: true }).setInputFiles({
      name: 'don-hang-co-loi.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(ORDERS_WITH_A_BAD_ROW),
    });
    // Keyboard: from the file input, Tab to the button and Enter.
    await page.getByLabel('Tệp', { exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe(
      'Nhập dữ liệu',
    );
    // Sent by XMLHttpRequest (the upload's own progress bar), then to the import's page.
    const posted = page.waitForRequest(
      (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/imports',
    );
    await Promise.all([page.waitForURL(/\/imports\/job_/), page.keyboard.press('Enter')]);
    expect((await posted).resourceType()).toBe('xhr');

    await page.locator('progress#import-progress').waitFor();
    expect(await page.getByText('Đang chờ', { exact: true }).count()).toBe(1);
    await mark(page);
    await screenshots(page, 'import-progress');

    const dispatcher = new Dispatcher({
      store: running.ctx.store,
      registry: applicationJobs(),
      context: appJobContext(running.ctx.config),
    });
    expect(await dispatcher.drain()).toMatchObject({ done: 1, failed: 0 });

    // The panel polls every second: the summary arrives without a reload, and polling stops.
    await page.locator('#import-status[data-state="done"]').waitFor({ timeout: 15_000 });
    expect(await stayed(page)).toBe(true);
    const bad = page.locator('#rejects tbody tr');
    expect(await bad.count()).toBe(1);
    expect(await bad.locator('td').first().textContent()).toBe('6');
    expect(await bad.locator('td').nth(1).textContent()).toBe('Created at');
    expect(await page.locator('#import-status').getAttribute('hx-trigger')).toBeNull();
    await screenshots(page, 'import-job');

    await page.goto(`${running.url}/imports`);
    await page.getByRole('cell', { name: 'don-hang-co-loi.csv' }).waitFor();
    await screenshots(page, 'imports');

    // The same file, invalid rows not skipped: refused, its bad line in the error.
    await page.getByLabel(/Bỏ qua dòng lỗi/).uncheck();
    await page.getByLabel('Tệp', { exact: true }).setInputFiles({
      name: 'tu-choi.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(ORDERS_WITH_A_BAD_ROW),
    });
    await Promise.all([
      page.waitForURL(/\/imports\/job_/),
      page.getByRole('button', { name: 'Nhập dữ liệu' }).click(),
    ]);
    const again = new Dispatcher({
      store: running.ctx.store,
      registry: applicationJobs(),
      context: appJobContext(running.ctx.config),
    });
    expect(await again.drain()).toMatchObject({ claimed: 1, done: 0 });
    await page.getByRole('alert').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('alert').textContent()).toContain('Tệp bị từ chối vì có 1 dòng lỗi');
    expect(await page.locator('#rejects tbody tr td').first().textContent()).toBe('6');
    await screenshots(page, 'import-refused');
    await page.close();
  });
});
