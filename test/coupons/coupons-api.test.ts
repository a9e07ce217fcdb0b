/**
 * /api/v1/coupons on both engines over real HTTP: create (idempotent by source_key), bulk,
 * list with filters and paging, show by code in any case; every invalid body is a 400 that names
 * the field and creates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { call, seedShop, startTestServer, type TestServer } from '../server/support.js';
import { ENGINES } from '../support/engines.js';

const SHOP = 'api-coupons';

interface CouponBody {
  code: string;
  state: string;
  kind: string;
  value: number | null;
  customerId: string | null;
  expiresAt: string;
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let store: Store;
    let server: TestServer;
    let key = '';
    let customerId = '';
    const count = async () =>
      Number((await store.engine.all<{ n: number }>('SELECT COUNT(*) AS n FROM coupons'))[0]?.n);

    beforeAll(async () => {
      store = await engine.open();
      key = (await seedShop(store, SHOP)).secret;
      customerId = (
        await store.engine.all<{ customer_id: string }>(
          'SELECT MIN(customer_id) AS customer_id FROM customers',
        )
      )[0]!.customer_id;
      server = await startTestServer(store);
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('creates, lists and shows coupons; a retried create with the same source key makes no second one', async () => {
      const body = {
        kind: 'fixed_amount',
        value: 50000,
        min_order: 300000,
        expires: '24h',
        customer_id: customerId,
        source_key: 'flow:run_9:step_2',
        prefix: 'nur',
      };
      const made = await call(server.url, 'POST', '/api/v1/coupons', { key, body });
      expect(made.status).toBe(201);
      const coupon = (made.body as { coupon: CouponBody; created: boolean }).coupon;
      expect(made.body).toMatchObject({
        created: true,
        shop: { currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
      });
      expect(coupon).toMatchObject({ kind: 'fixed_amount', value: 50000, customerId, state: 'active' });
      expect(coupon.code).toMatch(/^NUR-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
      const again = await call(server.url, 'POST', '/api/v1/coupons', { key, body });
      expect(again.body).toMatchObject({ created: false, coupon: { code: coupon.code } });
      expect(await count()).toBe(1);

      const bulk = await call(server.url, 'POST', '/api/v1/coupons/bulk', {
        key,
        body: { batch: 'haravan-tet', count: 30, kind: 'free_shipping', expires: '2027-01-31' },
      });
      expect(bulk.status).toBe(201);
      const codes = (bulk.body as { codes: string[] }).codes;
      expect(new Set(codes).size).toBe(30);
      expect(bulk.body).toMatchObject({
        created: 30,
        kind: 'free_shipping',
        expiresAt: '2027-01-31T16:59:59.999Z',
      });

      const shown = await call(server.url, 'GET', `/api/v1/coupons/${coupon.code.toLowerCase()}`, { key });
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ coupon: { code: coupon.code, state: 'active' }, order: null });

      const page1 = await call(server.url, 'GET', '/api/v1/coupons?batch=haravan-tet&limit=20', { key });
      const p1 = page1.body as { coupons: CouponBody[]; nextCursor: string };
      expect(p1.coupons).toHaveLength(20);
      const page2 = await call(
        server.url,
        'GET',
        `/api/v1/coupons?batch=haravan-tet&limit=20&cursor=${encodeURIComponent(p1.nextCursor)}`,
        { key },
      );
      const p2 = page2.body as { coupons: CouponBody[]; nextCursor: string | null };
      expect(p2.nextCursor).toBeNull();
      expect(new Set([...p1.coupons, ...p2.coupons].map((c) => c.code))).toEqual(new Set(codes));
      const mine = await call(server.url, 'GET', `/api/v1/coupons?customer_id=${customerId}&state=active`, {
        key,
      });
      expect((mine.body as { coupons: CouponBody[] }).coupons.map((c) => c.code)).toEqual([coupon.code]);
      const missing = await call(server.url, 'GET', '/api/v1/coupons/NOPE-2222-2222', { key });
      expect(missing.status).toBe(404);
    });

    it('answers invalid input with 400 naming the field, and creates nothing', async () => {
      const before = await count();
      const bad: [string, unknown, RegExp, number?][] = [
        ['/api/v1/coupons', { kind: 'percent', value: 150 }, /value/],
        ['/api/v1/coupons', { kind: 'percent' }, /value/],
        ['/api/v1/coupons', { kind: 'bogus', value: 1 }, /kind/],
        ['/api/v1/coupons', { kind: 'fixed_amount', value: -5 }, /value/],
        ['/api/v1/coupons', { kind: 'fixed_amount', value: 5000, expires: 'soon' }, /expires/],
        ['/api/v1/coupons', { kind: 'fixed_amount', value: 5000, extra: 1 }, /extra/],
        ['/api/v1/coupons', { kind: 'fixed_amount', value: 5000, prefix: 'NO SPACES' }, /prefix/],
        [
          '/api/v1/coupons',
          { kind: 'fixed_amount', value: 5000, customer_id: 'cus_nobody' },
          /customer/,
          404,
        ],
        ['/api/v1/coupons/bulk', { batch: 'x', count: 0, kind: 'percent', value: 5 }, /count/],
        ['/api/v1/coupons/bulk', { batch: 'x', count: 100_001, kind: 'percent', value: 5 }, /count/],
        ['/api/v1/coupons/bulk', { batch: 'a b', count: 1, kind: 'percent', value: 5 }, /batch/],
        [
          '/api/v1/coupons/bulk',
          { batch: 'haravan-tet', count: 1, kind: 'percent', value: 5 },
          /other terms/,
          409,
        ],
      ];
      for (const [path, body, field, status = 400] of bad) {
        const r = await call(server.url, 'POST', path, { key, body });
        expect(r.status, JSON.stringify(body)).toBe(status);
        expect(r.text, JSON.stringify(body)).toMatch(field);
      }
      const list = await call(server.url, 'GET', '/api/v1/coupons?state=nonsense', { key });
      expect(list.status).toBe(400);
      expect(await count()).toBe(before);
    });
  });
