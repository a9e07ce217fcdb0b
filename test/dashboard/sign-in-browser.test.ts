/**
 * Signing in and the settings page in Chromium: the keyboard path through the form, the session,
 * the language switch, accessibility basics, and screenshots at phone and desktop widths.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import type { Store } from '../../src/store/store.js';
import { startTestServer } from '../server/support.js';
import { lowContrastTexts, overflowsSideways, unlabelledControls } from '../support/a11y.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { makeUser, TEST_PASSWORD } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SHOTS = 'test-artifacts/screenshots';
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

describe.skipIf(browserSkipped)(`sign-in and settings in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let ctx: AppContext;
  let browser: Browser;
  let url = '';
  let close: () => Promise<void>;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    store = await ENGINES[0]!.open();
    ctx = makeContext(store);
    const server = await startTestServer(store);
    url = server.url;
    close = server.close;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
    await store?.close();
  });

  it('signs in with the keyboard alone, shows settings, switches to English and signs out', async () => {
    const email = await makeUser(ctx, 'browser-shop', 'owner');
    for (const [size, viewport] of Object.entries(SIZES)) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${url}/settings`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(await unlabelledControls(page)).toEqual([]);
      expect(await lowContrastTexts(page)).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/sign-in-${size}.png`, fullPage: true });
      // The e-mail field has the focus; Tab to the password, Enter submits.
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(TEST_PASSWORD);
      await Promise.all([page.waitForURL(`${url}/settings`), page.keyboard.press('Enter')]);
      await expect(page.locator('h1').textContent()).resolves.toBe('Cài đặt');
      expect(await unlabelledControls(page)).toEqual([]);
      expect(await lowContrastTexts(page)).toEqual([]);
      expect(await overflowsSideways(page)).toBe(false);
      await page.screenshot({ path: `${SHOTS}/settings-${size}.png`, fullPage: true });

      await page.getByRole('link', { name: 'English' }).click();
      await page.waitForURL(`${url}/settings`);
      await expect(page.locator('h1').textContent()).resolves.toBe('Settings');
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await page.getByRole('link', { name: 'Tiếng Việt' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Cài đặt');

      await Promise.all([
        page.waitForURL(/\/sign-in$/),
        page.getByRole('button', { name: 'Đăng xuất' }).click(),
      ]);
      await page.goto(`${url}/settings`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await context.close();
    }
  });
});
