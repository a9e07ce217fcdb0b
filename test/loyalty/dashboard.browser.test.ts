/**
 * The loyalty pages in real Chromium: the programme page (rules, tiers, rewards), the owner turns
 * it on by editing its YAML (a new version) and a broken edit is refused with the text kept and
 * nothing stored; a customer's points on the profile, the ledger page, a staff adjustment and an
 * overdraft refused. Screenshots at phone and desktop widths go to test-artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { openStore, type Store } from '../../src/store/store.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, openFromMenu, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { skipNote } from '../support/skip.js';
import { arrive, customer, idOf, SHOP } from './support.js';

const SHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const LAN = '+84912000001';

describe.skipIf(browserSkipped)(`loyalty pages in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let ctx: AppContext;
  let url = '';
  let email = '';
  let close: () => Promise<void>;
  let browser: Browser;
  const order = {
    id: '1',
    phone: LAN,
    at: new Date(Date.now() - 86_400_000),
    total: 3_500_000,
    status: 'delivered' as const,
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    store = await openStore({ db: ':memory:' });
    ctx = makeContext(store);
    await store.ensureShop({ shopId: SHOP, currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' });
    await arrive(ctx, {
      customers: [customer(LAN, { firstName: 'Lan', lastName: 'Nguyễn' })],
      orders: [order],
    });
    email = await makeUser(ctx, SHOP, 'owner');
    ({ url, browser, close } = await serveForBrowser(ctx));
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  it('shows and edits the programme; a customer earns, sees the ledger, gets an adjustment', async () => {
    const { context, page } = await signedInPage(browser, url, email, { viewport: DESKTOP });
    await openFromMenu(page, 'Khách thân thiết', 'Điểm thưởng');
    await page.waitForURL(/\/loyalty$/);
    expect(await page.locator('tr[data-tier="silver"]').textContent()).toContain('3.000.000 ₫');
    expect(await page.locator('tr[data-rule="spend"]').textContent()).toContain('1 điểm / 10.000 ₫');
    expect(await page.locator('.badge.no').textContent()).toBe('Đang tắt');

    // A broken edit: refused, the text kept, nothing stored.
    const editor = page.getByRole('textbox', { name: 'Sửa chương trình (YAML)' });
    const yaml = await editor.inputValue();
    await editor.fill(yaml.replace('enabled: false', 'enabled: yes please'));
    await page.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').textContent()).toContain('enabled');
    expect(await editor.inputValue()).toContain('enabled: yes please');
    expect(await store.engine.all('SELECT version FROM loyalty_programs')).toEqual([]);

    await editor.fill(yaml.replace('enabled: false', 'enabled: true'));
    await Promise.all([
      page.waitForURL(/\/loyalty$/),
      page.getByRole('button', { name: 'Lưu phiên bản mới' }).click(),
    ]);
    expect(await page.locator('.badge.yes').textContent()).toBe('Đang bật');
    await page.screenshot({ path: `${SHOTS}loyalty-desktop.png`, fullPage: true });

    // The order arrives again (a webhook): now it earns; Silver at 3.500.000 ₫.
    await arrive(ctx, { orders: [order] });
    const lan = await idOf(ctx, LAN);
    await page.goto(`${url}/customers/${lan}`);
    expect(await page.locator('.points-balance .value').textContent()).toBe('400');
    expect(await page.locator('.points-tier .value').textContent()).toBe('Bạc');
    await page.getByRole('link', { name: 'Xem sổ điểm' }).click();
    await page.waitForURL(/\/points$/);
    expect(await page.locator('table.ledger tbody tr').count()).toBe(3);

    await page.getByLabel('Số điểm (âm để trừ)').fill('-1000');
    await page.getByLabel('Lý do').fill('thử');
    await page.getByRole('button', { name: 'Điều chỉnh' }).click();
    await page.locator('.error').waitFor();
    await page.getByLabel('Số điểm (âm để trừ)').fill('100');
    await page.getByLabel('Lý do').fill('Quà tri ân khách thân thiết');
    await Promise.all([
      page.waitForURL(/\/points$/),
      page.getByRole('button', { name: 'Điều chỉnh' }).click(),
    ]);
    expect(await page.locator('.points-balance .value').textContent()).toBe('500');
    expect(await page.locator('table.ledger tbody tr').first().textContent()).toContain(
      'Quà tri ân khách thân thiết',
    );
    await page.screenshot({ path: `${SHOTS}loyalty-ledger-desktop.png`, fullPage: true });

    // Find a customer by phone in another spelling.
    await page.goto(`${url}/loyalty`);
    await page.getByLabel('Mã khách, số điện thoại hoặc e-mail').fill('0912 000 001');
    await Promise.all([
      page.waitForURL(/\/points$/),
      page.getByRole('button', { name: 'Xem', exact: true }).click(),
    ]);
    await context.close();
  });

  it('fits a phone screen', async () => {
    const { context, page } = await signedInPage(browser, url, email, { viewport: PHONE });
    for (const path of ['/loyalty', `/customers/${await idOf(ctx, LAN)}/points`]) {
      await page.goto(`${url}${path}`);
      await page.screenshot({
        path: `${SHOTS}loyalty${path.includes('points') ? '-ledger' : ''}-phone.png`,
        fullPage: true,
      });
      expect(
        await page.evaluate(
          'document.documentElement.scrollWidth > document.documentElement.clientWidth + 1',
        ),
      ).toBe(false);
    }
    await context.close();
  });
});
