/**
 * Storefront tracking over real HTTP, on both engines: per-call errors, identify joining an
 * anonymous visitor's history, sendBeacon's text/plain with writeKey, origins, rate and size limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { TrackingWriter } from '../../src/app/tracking.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';
import { call, startTestServer, type TestServer } from './support.js';

const SHOP = 'shop-t';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`storefront tracking (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    let pk: string;
    let tight: string;
    const events = async (where = '') =>
      store.engine.all<{ name: string; customer_id: string | null; anonymous_id: string | null }>(
        `SELECT name, customer_id, anonymous_id FROM events WHERE shop_id = $1 ${where} ORDER BY occurred_at, event_id`,
        [SHOP],
      );

    beforeAll(async () => {
      store = await engine.open();
      await store.ensureShop({ shopId: SHOP });
      let perKeyLimiter: RateLimiter | undefined;
      server = await startTestServer(store, (ctx) => {
        perKeyLimiter = new RateLimiter({ perSecond: 0.001, burst: 3 });
        const perKey = {
          take: (key: string, what: string) =>
            key === tightKeyId ? perKeyLimiter!.take(key, what) : undefined,
        } as unknown as RateLimiter;
        return trackingRoutes(ctx, new TrackingWriter(ctx), {
          perKey,
          perIp: new RateLimiter({ perSecond: 10_000, burst: 10_000 }),
        });
      });
      pk = (await createApiKey(server.ctx, { shopId: SHOP, kind: 'publishable' })).key;
      const t = await createApiKey(server.ctx, { shopId: SHOP, kind: 'publishable', label: 'tight' });
      tight = t.key;
      tightKeyId = t.record.keyId;
      await setShopSetting(server.ctx, {
        shopId: SHOP,
        key: 'tracking.allowed_origins',
        value: 'https://shop.example.vn',
      });
    });
    let tightKeyId = '';
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('keeps the good calls and answers the bad ones with their index and reason', async () => {
      const r = await call(server.url, 'POST', '/t/v1/batch', {
        key: pk,
        body: {
          batch: [
            {
              type: 'track',
              event: 'Product Viewed',
              anonymousId: 'v-1',
              messageId: 'm-1',
              properties: { sku: 'A' },
            },
            { type: 'track', event: 'Not An Event', anonymousId: 'v-1' },
            { type: 'page', name: 'Trang chủ', anonymousId: 'v-1', messageId: 'm-2' },
            { type: 'track', event: 'Product Added', messageId: 'm-3' },
            'not an object',
            { type: 'alias', anonymousId: 'v-1' },
          ],
        },
      });
      expect(r.status).toBe(200);
      const body = r.body as { accepted: number; rejected: { index: number; reason: string }[] };
      expect(body.accepted).toBe(2);
      expect(body.rejected.map((x) => x.index)).toEqual([1, 3, 4, 5]);
      expect(body.rejected[0]!.reason).toContain('unknown event');
      expect((await events()).map((e) => e.name).sort()).toEqual(['Page Viewed', 'Product Viewed']);
    });

    it('joins an anonymous visitor to the customer they identify as, earlier and later events', async () => {
      await call(server.url, 'POST', '/t/v1/batch', {
        key: pk,
        body: {
          batch: [
            { type: 'identify', anonymousId: 'v-1', traits: { phone: '0912 000 111', firstName: 'Hoa' } },
          ],
        },
      });
      const customer = await store.findCustomerByKey(SHOP, 'phone', '+84912000111');
      expect(customer?.firstName).toBe('Hoa');
      await call(server.url, 'POST', '/t/v1/batch', {
        key: pk,
        body: { batch: [{ type: 'track', event: 'Checkout Started', anonymousId: 'v-1', messageId: 'm-4' }] },
      });
      const all = await events();
      expect(all).toHaveLength(3);
      for (const e of all) expect(e.customer_id).toBe(customer!.customerId);
    });

    it('accepts text/plain JSON with the key as writeKey (navigator.sendBeacon)', async () => {
      const r = await call(server.url, 'POST', '/t/v1/batch', {
        body: JSON.stringify({
          writeKey: pk,
          batch: [{ event: 'Product Viewed', anonymousId: 'v-2', messageId: 'm-5' }],
        }),
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      });
      expect(r.status).toBe(200);
      expect((await events("AND anonymous_id = 'v-2'")).length).toBe(1);
    });

    it('keeps a re-sent message id once, beside the new events of the same batch', async () => {
      const send = (ids: string[]) =>
        call(server.url, 'POST', '/t/v1/batch', {
          key: pk,
          body: { batch: ids.map((id) => ({ event: 'Product Viewed', anonymousId: 'v-9', messageId: id })) },
        });
      expect((await send(['r-1', 'r-2'])).status).toBe(200);
      const again = await send(['r-2', 'r-3', 'r-3']);
      expect(again.status).toBe(200);
      expect((again.body as { accepted: number }).accepted).toBe(3);
      expect((await events("AND anonymous_id = 'v-9'")).length).toBe(3);
    });

    it("allows only the shop's origins, with CORS headers for them", async () => {
      const batch = { batch: [{ event: 'Product Viewed', anonymousId: 'v-3', messageId: 'm-6' }] };
      const ok = await call(server.url, 'POST', '/t/v1/batch', {
        key: pk,
        body: batch,
        headers: { origin: 'https://shop.example.vn' },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example.vn');
      const evil = await call(server.url, 'POST', '/t/v1/batch', {
        key: pk,
        body: { batch: [{ event: 'Product Viewed', anonymousId: 'v-4', messageId: 'm-7' }] },
        headers: { origin: 'https://evil.example.com' },
      });
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      expect((await events("AND anonymous_id = 'v-4'")).length).toBe(0);
      const preflight = await call(server.url, 'OPTIONS', '/t/v1/batch', {
        headers: { origin: 'https://shop.example.vn', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
    });

    it('limits the rate per key (429) and the size of a batch (413) and of a call', async () => {
      const one = { batch: [{ event: 'Product Viewed', anonymousId: 'v-5' }] };
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await call(server.url, 'POST', '/t/v1/batch', { key: tight, body: one })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const huge = {
        batch: [{ event: 'Product Viewed', anonymousId: 'v-6', properties: { x: 'y'.repeat(600_000) } }],
      };
      expect((await call(server.url, 'POST', '/t/v1/batch', { key: pk, body: huge })).status).toBe(413);
      const big = {
        batch: [{ event: 'Product Viewed', anonymousId: 'v-6', properties: { x: 'y'.repeat(40_000) } }],
      };
      const r = await call(server.url, 'POST', '/t/v1/batch', { key: pk, body: big });
      expect((r.body as { rejected: { reason: string }[] }).rejected[0]?.reason).toContain('at most');
    });
  });
}
