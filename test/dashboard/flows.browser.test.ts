/**
 * The flow and message pages in real Chromium: pause and resume change the state shown, a flow
 * made from a template (a bad parameter refused at its field first), the graph with its branches,
 * the message editor's live preview as you type (a Liquid error shown with its line and column),
 * saving a second version, and the messages page's filters. Each page is checked for labels,
 * contrast and fitting a phone; screenshots at phone and desktop widths go to
 * test-artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listShopFlows } from '../../src/app/flows/definitions.js';
import { SHOP } from '../flows/support.js';
import { lowContrastTexts, overflowsSideways, unlabelledControls } from '../support/a11y.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { makeUser, openFromMenu, signedInPage } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';
import { skipNote } from '../support/skip.js';
import { type FlowPagesShop, LAN, openFlowPagesShop } from './flows-fixture.js';

const SHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

async function checkAccessibility(page: Page): Promise<void> {
  expect(await unlabelledControls(page)).toEqual([]);
  expect(await lowContrastTexts(page)).toEqual([]);
  expect(await overflowsSideways(page)).toBe(false);
}

describe.skipIf(browserSkipped)(`flow and message pages in Chromium${skipNote(browserSkipped)}`, () => {
  let s: FlowPagesShop;
  let email = '';
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await openFlowPagesShop(ENGINES[0]!);
    email = await makeUser(s.shop.ctx, SHOP, 'staff');
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lists the flows with one state each; pause and resume change it', async () => {
    const { context, page } = await signedInPage(browser, s.url, email, { viewport: DESKTOP });
    await openFromMenu(page, 'Marketing', 'Flow tự động');
    await page.waitForURL(/\/flows$/);
    const promos = page.locator('[data-flow="promos"]');
    expect(await promos.locator('[data-state]').textContent()).toBe('Đang chạy');
    expect(await promos.textContent()).toContain('Đơn hàng được đặt');
    expect(await page.locator('[data-flow="checkout"] [data-state]').textContent()).toBe('Nháp');
    await page.screenshot({ path: `${SHOTS}flows-desktop.png`, fullPage: true });
    await checkAccessibility(page);

    await Promise.all([
      page.waitForURL(/\/flows$/),
      promos.getByRole('button', { name: /Tạm dừng/ }).click(),
    ]);
    expect(await page.locator('[data-flow="promos"] [data-state]').textContent()).toBe('Tạm dừng');
    await Promise.all([
      page.waitForURL(/\/flows$/),
      page
        .locator('[data-flow="promos"]')
        .getByRole('button', { name: /Chạy lại/ })
        .click(),
    ]);
    expect(await page.locator('[data-flow="promos"] [data-state]').textContent()).toBe('Đang chạy');
    await context.close();
  });

  it('creates a flow from a template, refusing a bad parameter at its field', async () => {
    const { context, page } = await signedInPage(browser, s.url, email, { viewport: DESKTOP });
    await page.goto(`${s.url}/flows`);
    await page.getByRole('link', { name: 'Tạo flow từ mẫu' }).click();
    await page.waitForURL(/\/flows\/templates$/);
    await checkAccessibility(page);
    const form = page.locator('#template-winback');
    await form.getByLabel('segment').fill('no-such-segment');
    await form.getByRole('button', { name: 'Tạo flow' }).click();
    await page.locator('#t-winback-segment-error').waitFor();
    expect(await page.locator('#t-winback-segment-error').textContent()).toContain('no-such-segment');
    expect(await page.locator('#t-winback-segment').getAttribute('aria-invalid')).toBe('true');
    expect((await listShopFlows(s.shop.ctx, SHOP)).map((f) => f.name)).not.toContain('winback');

    await page.locator('#t-winback-segment').fill('lifecycle:churned');
    await page.locator('#template-winback').getByLabel('Để ở dạng nháp').check();
    await Promise.all([
      page.waitForURL(/\/flows\/winback$/),
      page.locator('#template-winback').getByRole('button', { name: 'Tạo flow' }).click(),
    ]);
    expect(await page.locator('#flow-state [data-state]').textContent()).toBe('Nháp');
    expect(await page.locator('svg.flow-graph [data-step]').count()).toBeGreaterThan(1);
    await context.close();
  });

  it('draws the flow as a graph with its branches side by side', async () => {
    const { context, page } = await signedInPage(browser, s.url, email, { viewport: DESKTOP });
    await page.goto(`${s.url}/flows/checkout`);
    const graph = page.locator('svg.flow-graph');
    const branches = await graph
      .locator('[data-branch]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-branch')));
    expect(branches).toEqual(['onEvent', 'onTimeout', 'yes', 'no', 'sms', 'email']);
    expect(await graph.locator('[data-step="w1"]').textContent()).toContain('Chờ 7 ngày, đến 09:00');
    expect(await graph.locator('[data-step="coupon"]').textContent()).toContain(
      'Tạo mã giảm giá 10 %, dùng trong 24 giờ',
    );
    expect(await graph.locator('[data-step="remind-sms"]').textContent()).toContain('Gửi SMS');
    expect(await graph.locator('[data-branch="sms"] > text').first().textContent()).toBe('sms · 67 %');
    // Side by side: the timeout branch's split is to the right of the event branch's exit.
    const box = async (sel: string) => (await graph.locator(sel).first().boundingBox())!;
    expect((await box('[data-step="ab"] rect')).x).toBeGreaterThan(
      (await box('[data-step="bought"] rect')).x,
    );
    expect(await page.locator('main').textContent()).toContain('Khách đặt đơn hợp lệ');
    await page.screenshot({ path: `${SHOTS}flow-graph-desktop.png`, fullPage: true });
    await checkAccessibility(page);
    await context.close();
  });

  it('previews a message live as it is typed, shows where a Liquid error is, and saves version 2', async () => {
    const { context, page } = await signedInPage(browser, s.url, email, { viewport: DESKTOP });
    await page.goto(`${s.url}/flows/promos`);
    await page.getByRole('link', { name: 'Sửa nội dung' }).first().click();
    await page.waitForURL(/\/flows\/promos\/steps\/first$/);
    const preview = page.locator('#preview .pv-sms');
    expect(await preview.textContent()).toBe('[QC] Chào Lan, cảm ơn bạn đã mua hàng');
    const vi = page.getByLabel('Nội dung (Tiếng Việt)');
    await vi.fill('');
    await vi.pressSequentially('Chào {{ customer.first_name }}, mã của bạn');
    await expect.poll(() => preview.textContent(), { timeout: 5000 }).toBe('[QC] Chào Lan, mã của bạn');
    expect(await page.locator('.sms-info').textContent()).toMatch(/1 tin · mã hoá Unicode/);

    await vi.fill('Chào {{ customer.first_name | khong_co }}');
    const error = page.locator('#f-c-sms-text-vi-error');
    await expect.poll(() => error.textContent(), { timeout: 5000 }).toMatch(/^dòng 1, cột \d+: .*khong_co/);
    await expect.poll(() => vi.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${SHOTS}flow-editor-desktop.png`, fullPage: true });

    await vi.fill('Chào {{ customer.first_name }}, cảm ơn bạn!');
    await expect.poll(() => error.textContent(), { timeout: 5000 }).toBe('');
    await expect.poll(() => vi.getAttribute('aria-invalid')).toBeNull();
    await checkAccessibility(page);
    await Promise.all([
      page.waitForURL(/\/flows\/promos\?saved=2$/),
      page.getByRole('button', { name: 'Lưu thành phiên bản mới' }).click(),
    ]);
    expect(await page.locator('#saved-note').textContent()).toContain('phiên bản 2');
    expect(await page.locator('#flow-state').textContent()).toContain('phiên bản 2');
    await context.close();
  });

  it('filters the messages by state, flow and customer, saying why each is where it is', async () => {
    const { context, page } = await signedInPage(browser, s.url, email, { viewport: DESKTOP });
    await openFromMenu(page, 'Marketing', 'Tin nhắn');
    await page.waitForURL(/\/messages$/);
    const rows = page.locator('#message-results tbody tr');
    expect(await rows.count()).toBe(6);
    await page.getByLabel('Trạng thái').selectOption('queued');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('đã đủ số tin khuyến mãi trong ngày');
    expect(page.url()).toContain('state=queued');
    await page.getByLabel('Trạng thái').selectOption('expired');
    await expect.poll(() => rows.first().getAttribute('data-state')).toBe('expired');
    expect(await rows.first().textContent()).toContain(
      'khung giờ trống đầu tiên (2027-03-02 08:00) sau thời hạn',
    );
    await page.getByLabel('Trạng thái').selectOption('');
    await page.getByLabel(/^Khách/).fill('0912 000 001');
    await expect.poll(() => rows.count()).toBe(3);
    const lan = await s.shop.idOf(LAN);
    expect(await rows.locator(`a[href="/customers/${lan}"]`).count()).toBe(3);
    await page.screenshot({ path: `${SHOTS}messages-desktop.png`, fullPage: true });
    await checkAccessibility(page);
    await context.close();
  });

  it('fits a phone screen', async () => {
    const { context, page } = await signedInPage(browser, s.url, email, { viewport: PHONE });
    for (const [path, shot] of [
      ['/flows', 'flows-phone'],
      ['/flows/checkout', 'flow-graph-phone'],
      ['/flows/promos/steps/first', 'flow-editor-phone'],
      ['/messages', 'messages-phone'],
    ] as const) {
      await page.goto(`${s.url}${path}`);
      await page.screenshot({ path: `${SHOTS}${shot}.png`, fullPage: true });
      await checkAccessibility(page);
    }
    await context.close();
  });
});
