/**
 * Replenishment over HTTP, on both engines: the products' cycles, one product's, and one
 * customer's predicted next purchases, from the same use cases as the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { makeContext } from '../../src/app/context.js';
import { recomputeReorderCycles } from '../../src/app/replenishment.js';
import { generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import type { Store } from '../../src/store/store.js';
import { call, startTestServer, type TestServer } from '../server/support.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { importCycleShop } from './support.js';

const SHOP = 'http-replenish';
const UNTIL = new Date('2026-10-31T17:00:00Z');

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`replenishment over HTTP (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    let key: string;

    beforeAll(async () => {
      store = await engine.open(new TestClock(UNTIL.getTime()));
      await importCycleShop(
        store,
        SHOP,
        generateCycleShop({ customers: 300, seed: 2, days: 400, until: UNTIL }),
        UNTIL,
      );
      const ctx = makeContext(store);
      key = (await createApiKey(ctx, { shopId: SHOP, kind: 'secret' })).key;
      server = await startTestServer(store);
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('lists nothing before the first recompute, then the cycles', async () => {
      const before = await call(server.url, 'GET', '/api/v1/products/replenishment', { key });
      expect(before.status).toBe(200);
      expect(before.body).toEqual({ computedAt: null, timezone: 'Asia/Ho_Chi_Minh', cycles: [] });
      await recomputeReorderCycles(makeContext(store), { shopId: SHOP });
      const all = await call(server.url, 'GET', '/api/v1/products/replenishment', { key });
      const body = all.body as { computedAt: string; cycles: { sku: string; replenishable: boolean }[] };
      expect(body.computedAt).toBe(UNTIL.toISOString());
      expect(body.cycles.find((c) => c.sku === 'PAP-A6-500')?.replenishable).toBe(true);
      const not = await call(server.url, 'GET', '/api/v1/products/replenishment?replenishable=false', {
        key,
      });
      expect((not.body as typeof body).cycles.every((c) => !c.replenishable)).toBe(true);
      const one = await call(server.url, 'GET', '/api/v1/products/PAP-A6-500/replenishment', { key });
      expect(one.body).toMatchObject({ cycle: { sku: 'PAP-A6-500', source: 'product', pattern: 'regular' } });
      const bad = await call(server.url, 'GET', '/api/v1/products/replenishment?replenishable=maybe', {
        key,
      });
      expect(bad.status).toBe(400);
    });

    it("answers a customer's predicted next purchases", async () => {
      const [row] = await store.engine.all<{ customer_id: string }>(
        'SELECT customer_id FROM customer_replenishment WHERE shop_id = $1 ORDER BY customer_id LIMIT 1',
        [SHOP],
      );
      const r = await call(server.url, 'GET', `/api/v1/customers/${row!.customer_id}/replenishment`, { key });
      expect(r.status).toBe(200);
      const body = r.body as {
        customerId: string;
        items: { sku: string; dueDay: string; predictedAt: string }[];
      };
      expect(body.customerId).toBe(row!.customer_id);
      expect(body.items.length).toBeGreaterThan(0);
      expect(body.items[0]!.dueDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const none = await call(server.url, 'GET', '/api/v1/customers/cus_nobody/replenishment', { key });
      expect(none.status).toBe(404);
    });
  });
}
