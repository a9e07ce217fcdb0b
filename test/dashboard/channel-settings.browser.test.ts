/**
 * Settings → Channels in real Chromium: the owner reaches it from Settings, a bad value is refused
 * beside its field, a webhook's URL and secret are set (the secret then reads "đã đặt", the field
 * stays empty) and a test send reaches a fake receiver; staff see the state without a form. Each
 * view is checked for labels, contrast and fitting a phone; screenshots go to
 * test-artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showChannelSettings } from '../../src/app/channel-settings.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { openStore, type Store } from '../../src/store/store.js';
import { lowContrastTexts, overflowsSideways, unlabelledControls } from '../support/a11y.js';
import { browserSkipped } from '../support/browser.js';
import { makeUser, serveForBrowser, signedInPage } from '../support/dashboard.js';
import { startWebhookFake, WEBHOOK_FAKE_SECRET, type WebhookFake } from '../support/fakes/webhook.js';
import { skipNote } from '../support/skip.js';

const SHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SHOP = 'shop-ch';

async function checkAccessibility(page: Page): Promise<void> {
  expect(await unlabelledControls(page)).toEqual([]);
  expect(await lowContrastTexts(page)).toEqual([]);
  expect(await overflowsSideways(page)).toBe(false);
}

describe.skipIf(browserSkipped)(`channel settings page in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let ctx: AppContext;
  let url = '';
  let owner = '';
  let staff = '';
  let close: () => Promise<void>;
  let browser: Browser;
  let hook: WebhookFake;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    store = await openStore({ db: ':memory:' });
    ctx = makeContext(store);
    owner = await makeUser(ctx, SHOP, 'owner');
    staff = await makeUser(ctx, SHOP, 'staff');
    hook = await startWebhookFake();
    ({ url, browser, close } = await serveForBrowser(ctx));
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await hook?.close();
    await store?.close();
  });

  it('sets a webhook key, shows the secret only as set, and sends a test', async () => {
    const { context, page } = await signedInPage(browser, url, owner, { viewport: DESKTOP });
    await page.goto(`${url}/settings`);
    await Promise.all([
      page.waitForURL(/\/settings\/channels$/),
      page.getByRole('link', { name: 'Cài đặt kênh gửi tin →' }).click(),
    ]);
    const webhook = page.locator('section[data-channel="webhook"]');
    expect(await webhook.locator('[data-ready]').textContent()).toBe('chưa sẵn sàng');
    await checkAccessibility(page);

    // A bad URL: said beside its field, the field marked invalid, nothing stored.
    await page.locator('#ch-webhook-url').fill('not a url');
    await page.locator('#ch-webhook-secret').fill(WEBHOOK_FAKE_SECRET);
    await webhook.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('#ch-webhook-url-error').waitFor();
    expect(await page.locator('#ch-webhook-url-error').textContent()).toContain('an http(s) URL');
    expect(await page.locator('#ch-webhook-url').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#ch-webhook-url').inputValue()).toBe('not a url');
    expect(await page.locator('#ch-webhook-secret').inputValue()).toBe('');
    const [before] = await showChannelSettings(ctx, { shopId: SHOP, channel: 'webhook' });
    expect(before?.settings.some((s) => s.set)).toBe(false);
    await checkAccessibility(page);

    await page.locator('#ch-webhook-url').fill(hook.hookUrl);
    await page.locator('#ch-webhook-secret').fill(WEBHOOK_FAKE_SECRET);
    await Promise.all([
      page.waitForURL(/saved=webhook/),
      webhook.getByRole('button', { name: 'Lưu' }).click(),
    ]);
    expect(await webhook.locator('[role=status]').textContent()).toBe('Đã lưu.');
    expect(await webhook.locator('[data-secret]').textContent()).toBe('đã đặt');
    expect(await webhook.locator('[data-ready]').textContent()).toBe('sẵn sàng');
    expect(await page.locator('#ch-webhook-secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain(WEBHOOK_FAKE_SECRET);
    await page.screenshot({ path: `${SHOTS}channel-settings-desktop.png`, fullPage: true });

    await webhook.getByRole('button', { name: 'Gửi thử' }).click();
    await page.locator('section[data-channel="webhook"] [data-outcome]').waitFor();
    expect(await page.locator('section[data-channel="webhook"] [data-outcome]').textContent()).toContain(
      'đã gửi',
    );
    expect(hook.received).toHaveLength(1);
    expect(hook.violations).toEqual([]);
    await checkAccessibility(page);
    await context.close();
  });

  it('shows staff the state without a form, and fits a phone', async () => {
    const { context, page } = await signedInPage(browser, url, staff, { viewport: PHONE });
    await page.goto(`${url}/settings/channels`);
    expect(await page.locator('form[action^="/settings/channels/"]').count()).toBe(0);
    expect(await page.locator('section[data-channel="webhook"] [data-secret]').textContent()).toBe('đã đặt');
    await page.screenshot({ path: `${SHOTS}channel-settings-phone.png`, fullPage: true });
    await checkAccessibility(page);
    await context.close();
  });
});
