/**
 * The live visitors page over real HTTP on both engines: events sent through `POST /t/v1/batch`
 * in the last 5 minutes show their visitors (a known customer with a link to the profile, an
 * anonymous one with a short id and the pages looked at); older events and another shop's do not.
 * htmx gets the panel alone, with its 10 s trigger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalysis } from '../../src/app/analyze.js';
import { createApiKey } from '../../src/app/api-keys.js';
import { listLiveVisitors } from '../../src/app/live.js';
import { TrackingWriter } from '../../src/app/tracking.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import type { Store } from '../../src/store/store.js';
import { call, seedShop, startTestServer, type TestServer } from '../server/support.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';

const SHOP = 'shop-live';
const OTHER = 'shop-live-other';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`live visitors page (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    let client: DashboardClient;
    let otherClient: DashboardClient;

    const send = async (key: string, batch: unknown[]) => {
      const answer = await call(server.url, 'POST', '/t/v1/batch', { key, body: { batch } });
      expect(answer.status).toBe(200);
      expect((answer.body as { rejected: unknown[] }).rejected).toEqual([]);
    };

    beforeAll(async () => {
      store = await engine.open();
      server = await startTestServer(store, (ctx) =>
        trackingRoutes(ctx, new TrackingWriter(ctx), {
          perKey: new RateLimiter({ perSecond: 10_000, burst: 10_000 }),
          perIp: new RateLimiter({ perSecond: 10_000, burst: 10_000 }),
        }),
      );
      const { publishable } = await seedShop(store, SHOP);
      // The customers' groups, as the nightly analysis writes them.
      await runAnalysis({ kind: 'store', ctx: server.ctx }, { shopId: SHOP, lang: 'vi' });
      await store.ensureShop({ shopId: OTHER });
      const otherKey = (await createApiKey(server.ctx, { shopId: OTHER, kind: 'publishable' })).key;

      await send(publishable, [
        {
          type: 'page',
          anonymousId: 'anon-visitor-1111',
          timestamp: ago(90_000),
          properties: { title: 'Bộ sưu tập áo dài', path: '/collections/ao-dai' },
        },
        {
          type: 'track',
          event: 'Product Viewed',
          anonymousId: 'anon-visitor-1111',
          timestamp: ago(30_000),
          properties: { sku: 'AD-01', name: 'Áo dài lụa' },
        },
        { type: 'identify', anonymousId: 'anon-known-2222', traits: { phone: '0912 345 678' } },
        {
          type: 'page',
          anonymousId: 'anon-known-2222',
          timestamp: ago(45_000),
          properties: { title: 'Khăn lụa', path: '/products/khan-lua' },
        },
        {
          type: 'page',
          anonymousId: 'anon-stale-3333',
          timestamp: ago(10 * 60_000),
          properties: { title: 'Trang cũ', path: '/old' },
        },
      ]);
      await send(otherKey, [
        {
          type: 'page',
          anonymousId: 'anon-other-4444',
          timestamp: ago(20_000),
          properties: { title: 'Cửa hàng khác', path: '/' },
        },
      ]);
      client = new DashboardClient(server.url);
      await client.signIn(await makeUser(server.ctx, SHOP, 'staff'));
      otherClient = new DashboardClient(server.url);
      await otherClient.signIn(await makeUser(server.ctx, OTHER, 'owner'));
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('shows the visitors of the last 5 minutes: the known one with name, groups and link, the anonymous one with its pages', async () => {
      const answer = await client.get('/live');
      expect(answer.status).toBe(200);
      const text = answer.text;
      expect(text).toContain('<h1>Đang truy cập</h1>');
      expect(text).toMatch(/data-testid="live-total">2</);
      // The identified visitor is the customer of that phone, named as a Vietnamese name is written.
      const customerId = (
        await store.engine.all<{ customer_id: string }>(
          `SELECT customer_id FROM customer_identities WHERE shop_id = $1 AND kind = 'anonymous' AND value = 'anon-known-2222'`,
          [SHOP],
        )
      )[0]?.customer_id;
      expect(customerId).toBeTruthy();
      expect(text).toContain(`<a href="/customers/${customerId}">Nguyễn Thị Hồng</a>`);
      expect(text).toContain('Khăn lụa');
      // Its groups, by their Vietnamese labels (from the analysis).
      expect(text).toMatch(/<span class="badge">(Vòng đời|Giá trị|RFM) · /);
      // The anonymous visitor: a short id, what it looked at newest first.
      expect(text).toContain('Khách ẩn danh anon-vis…');
      const product = text.indexOf('Áo dài lụa');
      const collection = text.indexOf('Bộ sưu tập áo dài');
      expect(product).toBeGreaterThan(0);
      expect(collection).toBeGreaterThan(product);
      expect(text).toContain('/collections/ao-dai');
      // Older than 5 minutes, or another shop's: not here.
      expect(text).not.toContain('anon-sta');
      expect(text).not.toContain('Trang cũ');
      expect(text).not.toContain('anon-oth');
      expect(text).not.toContain('Cửa hàng khác');
      // Works without JS: a refresh link; with JS: the panel asks for itself every 10 s.
      expect(text).toContain('<a href="/live">Tải lại</a>');
      expect(text).toContain('hx-trigger="every 10s"');
    });

    it('is bounded: at most `limit` visitors, the latest first, `viewsPerVisitor` views each, all counted', async () => {
      const live = await listLiveVisitors(server.ctx, { shopId: SHOP, limit: 1, viewsPerVisitor: 1 });
      expect(live).toMatchObject({ total: 2, known: 1, minutes: 5 });
      expect(live.visitors).toHaveLength(1);
      expect(live.visitors[0]).toMatchObject({
        anonymousId: 'anon-visitor-1111',
        events: 2,
        customer: undefined,
      });
      expect(live.visitors[0]?.views).toEqual([
        { kind: 'product', title: 'Áo dài lụa', detail: 'AD-01', at: expect.any(Date) },
      ]);
    });

    it('answers htmx with the panel alone', async () => {
      const answer = await client.get('/live', { 'hx-request': 'true' });
      expect(answer.status).toBe(200);
      expect(answer.text.startsWith('<section id="live-panel"')).toBe(true);
      expect(answer.text).not.toContain('<html');
      expect(answer.text).toContain('Áo dài lụa');
    });

    it("shows another shop's user only their own visitors", async () => {
      const answer = await otherClient.get('/live');
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('Cửa hàng khác');
      expect(answer.text).toMatch(/data-testid="live-total">1</);
      expect(answer.text).not.toContain('Áo dài lụa');
      expect(answer.text).not.toContain('Nguyễn Thị Hồng');
    });

    it('speaks English when asked, and sends a visitor without a session to sign in', async () => {
      await client.get('/lang/en?back=/live');
      const answer = await client.get('/live');
      expect(answer.text).toContain('<h1>Live visitors</h1>');
      expect(answer.text).toContain('Anonymous visitor anon-vis…');
      await client.get('/lang/vi?back=/live');
      const anonymous = await new DashboardClient(server.url).get('/live');
      expect(anonymous.status).toBe(303);
    });
  });
}
