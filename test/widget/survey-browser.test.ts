/**
 * The widget's NPS and rating survey on a local storefront page in real Chromium, against a real
 * nurture server on another port: the shop's page carries a customer token its own server
 * signed; a tap on 9 records the answer (customer, channel widget, order) and its Survey Answered
 * event; a star rating records a product rating; a page with a forged token records nothing and
 * tells the customer it failed.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { makeContext } from '../../src/app/context.js';
import { hmacSha256 } from '../../src/app/customer-tokens.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { TrackingWriter } from '../../src/app/tracking.js';
import { signCustomerToken } from '../../src/domain/customer-token.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { surveyRoutes } from '../../src/server/routes/loyalty-feedback.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import { widgetRoutes } from '../../src/server/routes/widget.js';
import { widgetSnippet } from '../../src/server/widget-bundle.js';
import type { Store } from '../../src/store/store.js';
import { arrive, customer, SHOP } from '../referrals/support.js';
import { startTestServer, type TestServer } from '../server/support.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { ENGINES } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SECRET = 'the-shops-own-widget-secret';
const PHONE = '+84912000111';

function surveyPage(widget: string, token: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cảm ơn</title>${widget}</head>
<body><h1>Đơn #1042 đã giao</h1>
<div id="nps" data-nurture-survey="nps" data-nurture-customer-token="${token}" data-nurture-order="#1042"></div>
<div id="stars" data-nurture-survey="rating" data-nurture-sku="TRA-01" data-nurture-customer-token="${token}"></div>
</body></html>`;
}

const limits = () => ({
  perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
  perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
});

describe.skipIf(browserSkipped)(`the widget survey in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let nurture: TestServer;
  let shop: Server;
  let browser: Browser;
  let customerId = '';

  beforeAll(async () => {
    store = await ENGINES[0]!.open();
    const ctx = makeContext(store);
    await arrive(ctx, { customers: [customer(PHONE, { externalId: '7489302847' })] });
    customerId = (await store.findCustomerByKey(SHOP, 'phone', PHONE))!.customerId;
    nurture = await startTestServer(store, (c) => [
      ...trackingRoutes(c, new TrackingWriter(c), limits()),
      ...surveyRoutes(c, limits()),
      ...widgetRoutes(),
    ]);
    const pk = (await createApiKey(nurture.ctx, { shopId: SHOP, kind: 'publishable' })).key;
    await setShopSetting(nurture.ctx, { shopId: SHOP, key: 'widget.customer_secret', value: SECRET });
    // What the shop's server does per page: sign its own customer id, valid for an hour.
    const good = signCustomerToken(hmacSha256(SECRET), SHOP, '7489302847', new Date(Date.now() + 3_600_000));
    const forged = signCustomerToken(
      hmacSha256('not-the-shops-secret'),
      SHOP,
      '7489302847',
      new Date(Date.now() + 3_600_000),
    );
    shop = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const token = path === '/thanks' ? good : path === '/forged' ? forged : undefined;
      if (!token) return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(surveyPage(widgetSnippet(nurture.url, pk), token));
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    await setShopSetting(nurture.ctx, { shopId: SHOP, key: 'tracking.allowed_origins', value: origin });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => shop?.close(resolve));
    await nurture?.close();
    await store?.close();
  });

  const origin = () => `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  const answers = () =>
    store.engine.all<{
      kind: string;
      score: number;
      channel: string;
      order_id: string | null;
      sku: string | null;
      customer_id: string;
    }>(
      'SELECT kind, score, channel, order_id, sku, customer_id FROM feedback WHERE shop_id = $1 ORDER BY kind',
      [SHOP],
    );

  it('records an NPS answer and a star rating by the signed token, and nothing with a forged one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin()}/forged`);
    await page.locator('#nps button[data-score="9"]').click({ timeout: 10_000 });
    await vi.waitFor(
      async () => expect(await page.textContent('#nps [role=status]')).toContain('Chưa gửi được'),
      {
        timeout: 10_000,
      },
    );
    expect(await answers()).toEqual([]);

    await page.goto(`${origin()}/thanks`);
    const buttons = page.locator('#nps button');
    await buttons.first().waitFor({ timeout: 10_000 });
    expect(await buttons.count()).toBe(11);
    await page.locator('#nps button[data-score="9"]').click();
    await vi.waitFor(async () => expect(await page.textContent('#nps [role=status]')).toContain('Cảm ơn'), {
      timeout: 10_000,
    });
    await page.getByRole('button', { name: '4 sao' }).click();
    await vi.waitFor(async () => expect(await answers()).toHaveLength(2), { timeout: 10_000 });
    expect(await answers()).toEqual([
      { kind: 'nps', score: 9, channel: 'widget', order_id: '#1042', sku: null, customer_id: customerId },
      { kind: 'rating', score: 4, channel: 'widget', order_id: null, sku: 'TRA-01', customer_id: customerId },
    ]);
    const events = await store.engine.all<{ name: string }>(
      'SELECT name FROM events WHERE shop_id = $1 AND customer_id = $2 ORDER BY name',
      [SHOP, customerId],
    );
    expect(events.map((e) => e.name)).toEqual(['Product Reviewed', 'Survey Answered', 'Survey Answered']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
