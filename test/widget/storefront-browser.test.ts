/**
 * The storefront test (issue 15): a shop's page with the widget, served from its own loopback
 * port, visited in real Chromium against a real nurture server on another port (so the origin,
 * CORS and sendBeacon are real). Page views, product views, add-to-cart and identify arrive in
 * the store; `?ref=` reaches the server before anything else is done on the page; the page's own
 * script keeps working when the server is down; with consent required nothing is stored or
 * sent before `nurture.consent(true)`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { referralVisits } from '../../src/app/referrals.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { TrackingWriter } from '../../src/app/tracking.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import { widgetRoutes } from '../../src/server/routes/widget.js';
import { WIDGET_STUB, widgetBundle, widgetSnippet } from '../../src/server/widget-bundle.js';
import type { Store } from '../../src/store/store.js';
import { startTestServer, type TestServer } from '../server/support.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { ENGINES } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SHOP = 'shop-web';
const CONSENT_SHOP = 'shop-consent';

/** The documented snippet, its tag pointed elsewhere for the server-down pages. */
function snippet(src: string, key: string, extra = ''): string {
  return `<script>${WIDGET_STUB}</script>\n<script src="${src}" data-key="${key}" ${extra} async></script>`;
}

/** A product page with the shop's own add-to-cart script beside the widget's attributes. */
function productPage(widget: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trà ô long</title>${widget}</head>
<body>
<main data-nurture-product="TRA-01" data-nurture-name="Trà ô long" data-nurture-price="250000" data-nurture-category="Trà">
  <h1>Trà ô long</h1>
  <button id="add" data-nurture-add-to-cart>Thêm vào giỏ</button>
</main>
<p>Giỏ hàng: <span id="cart">0</span></p>
<script>
  nurture.track('Cart Viewed', { from: 'before the widget loaded' });
  document.getElementById('add').addEventListener('click', function () {
    var cart = document.getElementById('cart');
    cart.textContent = String(Number(cart.textContent) + 1);
  });
</script>
</body></html>`;
}

/** Serves the shop's pages (and, for the server-down page, its own copy of the widget). */
function pageServer(pages: Record<string, () => Promise<string> | string>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/widget.js') {
      void widgetBundle().then((b) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(b.code));
      return;
    }
    const page = pages[path];
    if (!page) return void res.writeHead(404).end();
    void Promise.resolve(page()).then((html) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const engine = ENGINES[0]!;

/** What the tests read and call in the page (the functions given to `evaluate` run there). */
interface PageGlobals {
  nurture: {
    track(event: string, properties?: object): void;
    identify(traits: object): void;
    flush(): void;
    consent(granted: boolean): void;
  };
  localStorage: { getItem(key: string): string | null };
  document: { cookie: string };
}

describe.skipIf(browserSkipped)(`the storefront widget in Chromium${skipNote(browserSkipped)}`, () => {
  let store: Store;
  let nurture: TestServer;
  let shop: Server;
  let browser: Browser;
  let pk: string;
  let consentPk: string;
  let deadApi: string;

  beforeAll(async () => {
    store = await engine.open();
    await store.ensureShop({ shopId: SHOP });
    await store.ensureShop({ shopId: CONSENT_SHOP });
    nurture = await startTestServer(store, (ctx) => [
      ...trackingRoutes(ctx, new TrackingWriter(ctx), {
        perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
      }),
      ...widgetRoutes(),
    ]);
    pk = (await createApiKey(nurture.ctx, { shopId: SHOP, kind: 'publishable' })).key;
    consentPk = (await createApiKey(nurture.ctx, { shopId: CONSENT_SHOP, kind: 'publishable' })).key;
    deadApi = `http://127.0.0.1:${await closedPort()}`;
    shop = await pageServer({
      '/product': () => productPage(widgetSnippet(nurture.url, pk)),
      // The widget loaded (from the shop's own copy), its server gone.
      '/down': () => productPage(snippet('/widget.js', pk, `data-api="${deadApi}"`)),
      // The widget's own server gone too.
      '/gone': () => productPage(snippet(`${deadApi}/widget.js`, pk)),
      '/bare': () => '<!doctype html><html><head><title>bare</title></head><body></body></html>',
      '/consent': () => productPage(widgetSnippet(nurture.url, consentPk)),
    });
    for (const shopId of [SHOP, CONSENT_SHOP])
      await setShopSetting(nurture.ctx, { shopId, key: 'tracking.allowed_origins', value: urlOf(shop) });
    await setShopSetting(nurture.ctx, {
      shopId: CONSENT_SHOP,
      key: 'tracking.consent_required',
      value: 'true',
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => shop?.close(resolve));
    await nurture?.close();
    await store?.close();
  });

  const eventsOf = (anonymousId: string) =>
    store.engine.all<{ name: string; customer_id: string | null; properties: string }>(
      'SELECT name, customer_id, properties FROM events WHERE anonymous_id = $1 ORDER BY occurred_at, name',
      [anonymousId],
    );
  const storedId = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('nurture_aid'));

  it('brings page views, product views, add-to-cart, identify and ?ref= to the store, the referral first', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${urlOf(shop)}/product?ref=HOA-2024&utm_source=zalo`);
    await vi.waitFor(async () => expect(await storedId(page)).toBeTruthy(), { timeout: 10_000 });
    const anonymousId = (await storedId(page))!;

    // Before anything is done on the page, the referral is on the server, tied to the visitor.
    await vi.waitFor(
      async () =>
        expect(await referralVisits(nurture.ctx, { shopId: SHOP, anonymousId })).toMatchObject([
          { code: 'HOA-2024', customerId: null },
        ]),
      { timeout: 10_000 },
    );
    const beforePurchase = await eventsOf(anonymousId);
    expect(beforePurchase.map((e) => e.name)).not.toContain('Order Completed');
    expect(beforePurchase.map((e) => e.name)).not.toContain('Checkout Started');

    await page.click('#add');
    expect(await page.textContent('#cart')).toBe('1');
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).nurture.identify({
        phone: '0912 345 678',
        email: 'hoa@example.vn',
      }),
    );
    const customer = await vi.waitFor(
      async () => {
        const c = await store.findCustomerByKey(SHOP, 'phone', '+84912345678');
        expect(c).toBeDefined();
        return c!;
      },
      { timeout: 10_000 },
    );
    await vi.waitFor(
      async () => {
        const events = await eventsOf(anonymousId);
        expect(events.map((e) => e.name).sort()).toEqual([
          'Cart Viewed',
          'Page Viewed',
          'Product Added',
          'Product Viewed',
          'Referral Link Opened',
        ]);
        for (const e of events) expect(e.customer_id).toBe(customer.customerId);
      },
      { timeout: 10_000 },
    );
    const events = await eventsOf(anonymousId);
    const props = (name: string) => JSON.parse(events.find((e) => e.name === name)!.properties);
    expect(props('Product Viewed')).toMatchObject({ sku: 'TRA-01', name: 'Trà ô long', price: 250000 });
    expect(props('Product Added')).toMatchObject({ sku: 'TRA-01', quantity: 1, category: 'Trà' });
    expect(props('Page Viewed')).toMatchObject({ title: 'Trà ô long', path: '/product' });
    expect(customer.email).toBe('hoa@example.vn');
    expect(
      (await referralVisits(nurture.ctx, { shopId: SHOP, customerId: customer.customerId })).map(
        (v) => v.code,
      ),
    ).toEqual(['HOA-2024']);
    // Nothing but window.nurture is added to the page's globals.
    const globals = () => page.evaluate(() => Object.getOwnPropertyNames(globalThis));
    const withWidget = await globals();
    await page.goto(`${urlOf(shop)}/bare`);
    const bare = new Set(await globals());
    expect(withWidget.filter((name) => !bare.has(name))).toEqual(['nurture']);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("keeps the page's own script working when the server is down", async () => {
    for (const path of ['/down', '/gone']) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const pageErrors: string[] = [];
      const consoleErrors: string[] = [];
      const failed: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('requestfailed', (r) => failed.push(r.url()));
      await page.goto(`${urlOf(shop)}${path}`);
      await vi.waitFor(() => expect(failed.length).toBeGreaterThan(0), { timeout: 10_000 });
      await page.click('#add');
      await page.click('#add');
      expect(await page.textContent('#cart'), path).toBe('2');
      // The page's calls go on answering, whether the widget loaded or only its stub is there.
      await page.evaluate(() => {
        const n = (globalThis as unknown as PageGlobals).nurture;
        n.track('Product Viewed');
        n.identify({ phone: '0912 000 999' });
      });
      expect(pageErrors, path).toEqual([]);
      for (const text of consoleErrors) expect(text, path).toMatch(/Failed to load resource|net::ERR_/);
      expect(
        failed.every((u) => u.startsWith(deadApi)),
        path,
      ).toBe(true);
      await context.close();
    }
  });

  it('with consent required, stores and sends nothing before nurture.consent(true), and forgets on false', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/t/v1/batch')) sent.push(r.postData() ?? '');
    });
    const config = page.waitForResponse((r) => r.url().includes('/t/v1/config'));
    await page.goto(`${urlOf(shop)}/consent?ref=LAN`);
    expect(await (await config).json()).toEqual({ consentRequired: true });
    await page.evaluate(() => {
      const n = (globalThis as unknown as PageGlobals).nurture;
      n.track('Products Searched');
      n.flush();
    });
    await page.click('#add');
    expect(await storedId(page)).toBeNull();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).toBe('');

    await page.evaluate(() => (globalThis as unknown as PageGlobals).nurture.consent(true));
    await page.evaluate(() => (globalThis as unknown as PageGlobals).nurture.flush());
    await vi.waitFor(() => expect(sent.length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    const anonymousId = (await storedId(page))!;
    expect(anonymousId).toBeTruthy();
    // What the page did before consent never left it; the page view, product view and referral
    // of the page it consented on did.
    for (const body of sent) {
      expect(body).not.toContain('Products Searched');
      expect(body).not.toContain('Product Added');
      expect(body).not.toContain('Cart Viewed');
    }
    await vi.waitFor(
      async () =>
        expect((await eventsOf(anonymousId)).map((e) => e.name).sort()).toEqual([
          'Page Viewed',
          'Product Viewed',
          'Referral Link Opened',
        ]),
      { timeout: 10_000 },
    );
    expect(await referralVisits(nurture.ctx, { shopId: CONSENT_SHOP, anonymousId })).toHaveLength(1);

    await page.evaluate(() => (globalThis as unknown as PageGlobals).nurture.consent(false));
    expect(await storedId(page)).toBeNull();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).not.toContain(
      'nurture_aid=',
    );
    const before = sent.length;
    await page.click('#add');
    await page.evaluate(() => (globalThis as unknown as PageGlobals).nurture.flush());
    await page.reload();
    await page.waitForResponse((r) => r.url().includes('/t/v1/config'));
    await page.evaluate(() => (globalThis as unknown as PageGlobals).nurture.flush());
    expect(sent.length).toBe(before);
    expect(await storedId(page)).toBeNull();
    await context.close();
  });
});
