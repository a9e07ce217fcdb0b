/**
 * The widget's recommendation blocks in real Chromium: a shop page places "bought together",
 * "for you" and "most viewed" by data attributes; the widget fills them from a real nurture
 * server (a generated shop, recomputed), for a visitor who identified in this browser.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { manualClock } from '../../src/app/clock.js';
import { makeContext } from '../../src/app/context.js';
import { recomputeRecommendations } from '../../src/app/recommend.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { TrackingWriter } from '../../src/app/tracking.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { storefrontRecommendationRoutes } from '../../src/server/routes/recommend.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import { widgetRoutes } from '../../src/server/routes/widget.js';
import { buildServer, type NurtureServer } from '../../src/server/server.js';
import { widgetSnippet } from '../../src/server/widget-bundle.js';
import type { Store } from '../../src/store/store.js';
import { linkAnonymousIds } from '../../src/store/tracking/anonymous.js';
import { dayAt, generate, loadShop, phoneOf } from '../recommend/shop.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SHOP = 'shop1';
const END = dayAt(360);
const ANON = '0123456789abcdef0123456789abcdef';

const page = (
  snippet: string,
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><h1>Dầu gội 1</h1>
<section id="together" data-nurture-recommendations="together" data-sku="SHAMPOO-1" data-limit="3"></section>
<section id="for-you" data-nurture-recommendations="for-you" data-limit="4"></section>
<section id="viewed" data-nurture-recommendations="most-viewed" data-title="Hot"></section>
</body></html>`;

describe.skipIf(browserSkipped)(`recommendation blocks in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let server: NurtureServer;
  let pages: Server;
  let api = '';

  beforeAll(async () => {
    store = await ENGINES[0]!.open(new TestClock(END.getTime()));
    const ctx = makeContext(store, { clock: manualClock(END) });
    await loadShop(store, SHOP, generate(90, 21));
    await store.transaction((tx) =>
      linkAnonymousIds(tx, SHOP, {
        identified: [{ anonymousId: ANON, phone: phoneOf(1) }],
        seen: [],
        now: END,
      }),
    );
    await recomputeRecommendations(ctx, { shopId: SHOP });
    const limits = {
      perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
      perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
    };
    server = await buildServer({
      ctx,
      extraRoutes: [
        ...trackingRoutes(ctx, new TrackingWriter(ctx), limits),
        ...storefrontRecommendationRoutes(ctx, limits),
        ...widgetRoutes(),
      ],
    });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    api = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    const pk = (await createApiKey(ctx, { shopId: SHOP, kind: 'publishable' })).key;
    pages = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(widgetSnippet(api, pk))),
    );
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    await setShopSetting(ctx, {
      shopId: SHOP,
      key: 'tracking.allowed_origins',
      value: `http://127.0.0.1:${(pages.address() as AddressInfo).port}`,
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => pages?.close(resolve));
    await server?.app.close();
    await store?.close();
  });

  it('fills the blocks placed by data attributes, and hides an empty one', async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      await context.addInitScript(`localStorage.setItem('nurture_aid', '${ANON}')`);
      const tab = await context.newPage();
      await tab.goto(`http://127.0.0.1:${(pages.address() as AddressInfo).port}/`);
      await tab.waitForSelector('#together li');
      await tab.waitForSelector('#for-you li');
      expect(await tab.locator('#together h2').textContent()).toBe('Frequently bought together');
      expect(await tab.locator('#together li').first().getAttribute('data-sku')).toBe('COND-1');
      expect(await tab.locator('#together li').count()).toBeLessThanOrEqual(3);
      expect(await tab.locator('#together li').first().textContent()).toContain(
        'Bought together with Dầu gội 1',
      );
      // Customer 1 buys nappies: their own list, with its reason.
      expect(await tab.locator('#for-you li').count()).toBe(4);
      expect(await tab.locator('#for-you li').first().getAttribute('data-sku')).toMatch(/^NAP-|^WIPES-/);
      expect(await tab.locator('#for-you li').first().textContent()).toMatch(/every ~\d+ days/);
      // No storefront events in this shop: nothing is "most viewed", the block stays hidden.
      await tab.waitForTimeout(300);
      expect(await tab.locator('#viewed').isHidden()).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
