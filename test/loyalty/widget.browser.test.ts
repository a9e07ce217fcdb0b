/**
 * The widget's loyalty panel in real Chromium, on a shop page served from its own loopback port
 * against a real nurture server: the customer's balance, pending points and why, tier and
 * progress, rewards (the affordable one redeemed, its coupon code shown, the balance down), the
 * referral link with its share buttons; a token that is not signed by the shop shows nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { hmacSha256 } from '../../src/app/customer-tokens.js';
import { referralCodeOfCustomer } from '../../src/app/referral-program.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { TrackingWriter } from '../../src/app/tracking.js';
import { signCustomerToken } from '../../src/domain/customer-token.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { loyaltyStorefrontRoutes } from '../../src/server/routes/loyalty.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import { widgetRoutes } from '../../src/server/routes/widget.js';
import { widgetSnippet } from '../../src/server/widget-bundle.js';
import { startTestServer, type TestServer } from '../server/support.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { skipNote } from '../support/skip.js';
import { arrive, customer, DAY, idOf, type LoyalShop, openShop, SHOP } from './support.js';

const SECRET = 'shop-widget-secret-0123456789';
const LAN = '+84912000002';

function shopPage(snippet: string, token: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tài khoản</title>${snippet}</head>
<body><h1>Tài khoản của tôi</h1><div data-nurture-loyalty data-nurture-customer-token="${token}"></div></body></html>`;
}

describe.skipIf(browserSkipped)(`loyalty panel in Chromium${skipNote(browserSkipped)}`, () => {
  let shop: LoyalShop;
  let nurture: TestServer;
  let pages: Server;
  let browser: Browser;
  let lan = '';

  beforeAll(async () => {
    shop = await openShop(ENGINES[0]!, new TestClock(Date.now() - 60_000));
    const { ctx } = shop;
    await arrive(ctx, { customers: [customer(LAN, { firstName: 'Lan' })] });
    await arrive(ctx, {
      orders: [
        { id: '1', phone: LAN, at: new Date(Date.now() - 10 * DAY), total: 3_500_000, status: 'delivered' },
        { id: '2', phone: LAN, at: new Date(Date.now() - DAY), total: 200_000 },
      ],
    });
    lan = await idOf(ctx, LAN);
    nurture = await startTestServer(shop.store, (c) => {
      const limits = {
        perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
      };
      return [
        ...trackingRoutes(c, new TrackingWriter(c), limits),
        ...loyaltyStorefrontRoutes(limits),
        ...widgetRoutes(),
      ];
    });
    const pk = (await createApiKey(nurture.ctx, { shopId: SHOP, kind: 'publishable' })).key;
    const good = signCustomerToken(hmacSha256(SECRET), SHOP, lan, new Date(Date.now() + 3_600_000));
    const forged = `v1.${lan}.${Math.floor(Date.now() / 1000) + 3600}.${'A'.repeat(43)}`;
    pages = await new Promise((resolve) => {
      const server = createServer((req, res) => {
        const token = req.url === '/forged' ? forged : good;
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(shopPage(widgetSnippet(nurture.url, pk), token));
      });
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
    const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    await setShopSetting(nurture.ctx, { shopId: SHOP, key: 'tracking.allowed_origins', value: origin });
    await setShopSetting(nurture.ctx, { shopId: SHOP, key: 'widget.customer_secret', value: SECRET });
    await setShopSetting(nurture.ctx, { shopId: SHOP, key: 'url', value: 'https://shop.example.vn' });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => pages?.close(resolve));
    await nurture?.close();
    await shop?.store.close();
  });

  it('shows the panel and redeems a reward', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    await page.goto(`${origin}/`);
    await page.locator('.nl-balance').waitFor();
    expect(await page.locator('.nl-balance').textContent()).toBe('400');
    expect(await page.locator('.nl-pending').textContent()).toBe('Chờ duyệt: 20 điểm');
    expect(await page.locator('.nl-pending-list').textContent()).toContain('chờ giao hàng thành công');
    expect(await page.locator('.nl-tier').textContent()).toBe('Hạng: Bạc');
    expect(await page.locator('.nl-next').textContent()).toBe('Còn 6.500.000 ₫ để lên Vàng');
    expect(await page.locator('li[data-reward="voucher-50k"] button').isDisabled()).toBe(true);
    // The customer's code of the referral programme (made when the panel first asked for it).
    const code = await referralCodeOfCustomer(nurture.ctx, SHOP, lan);
    expect(await page.locator('.nurture-loyalty input').inputValue()).toBe(
      `https://shop.example.vn/?ref=${code}`,
    );
    expect(await page.locator('a.nl-facebook').getAttribute('href')).toBe(
      `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(`https://shop.example.vn/?ref=${code}`)}`,
    );
    expect(await page.locator('a.nl-messenger').getAttribute('href')).toMatch(
      /^fb-messenger:\/\/share\/\?link=/,
    );
    expect(await page.locator('button.nl-zalo').count()).toBe(1);
    await page.screenshot({
      path: new URL('../../test-artifacts/screenshots/loyalty-widget-phone.png', import.meta.url).pathname,
      fullPage: true,
    });

    await page.locator('li[data-reward="free-ship"] button').click();
    await page.locator('.nl-note').waitFor();
    expect(await page.locator('.nl-note').textContent()).toMatch(
      /^Miễn phí vận chuyển · Mã của bạn: [2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/,
    );
    expect(await page.locator('.nl-balance').textContent()).toBe('100');
    const coupons = await shop.store.engine.all<{ customer_id: string; kind: string }>(
      'SELECT customer_id, kind FROM coupons',
    );
    expect(coupons).toEqual([{ customer_id: lan, kind: 'free_shipping' }]);
    await page.close();
  });

  it('shows nothing for a token the shop did not sign', async () => {
    const page = await browser.newPage();
    const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    const answer = page.waitForResponse((r) => r.url().includes('/t/v1/loyalty?'));
    await page.goto(`${origin}/forged`);
    expect((await answer).status()).toBe(401);
    expect(await page.locator('.nurture-loyalty').count()).toBe(0);
    await page.close();
  });
});
