/**
 * The catalogue over HTTP, on both engines: `POST /api/v1/imports` takes the new formats (the
 * same app function as the CLI), and the products routes list, show and set.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { makeContext } from '../../src/app/context.js';
import type { Store } from '../../src/store/store.js';
import { call, startTestServer, type TestServer } from '../server/support.js';
import { ENGINES } from '../support/engines.js';
import { CATALOGUE_FIXTURES, PRODUCTS_FILE } from './shop-files.js';

const SHOP = 'http-catalogue';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`the catalogue over HTTP (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    let key: string;

    beforeAll(async () => {
      store = await engine.open();
      await store.ensureShop({ shopId: SHOP });
      key = (await createApiKey(makeContext(store), { shopId: SHOP, kind: 'secret' })).key;
      server = await startTestServer(store);
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    const upload = (query: string, file: string) =>
      call(server.url, 'POST', `/api/v1/imports?${query}`, {
        key,
        body: readFileSync(file),
        headers: { 'content-type': 'text/csv' },
      });

    it('imports shopify-products, products-csv (shopee) and marketing-costs', async () => {
      const shopify = await upload('format=shopify-products', PRODUCTS_FILE);
      expect(shopify.status).toBe(200);
      expect(shopify.body).toMatchObject({ rowsRead: 9, products: 6, skippedVariants: 1, rejected: 0 });
      const shopee = await upload(
        'format=products-csv&mapping=shopee',
        `${CATALOGUE_FIXTURES}shopee-products.csv`,
      );
      expect(shopee.status).toBe(200);
      expect(shopee.body).toMatchObject({ products: 3, rejected: 0 });
      const costs = await upload('format=marketing-costs', `${CATALOGUE_FIXTURES}marketing-costs.csv`);
      expect(costs.status).toBe(200);
      expect(costs.body).toMatchObject({ marketingCosts: 3, rejected: 0 });
      const rows = await store.engine.all<{ channel: string; month: string; amount: number }>(
        'SELECT channel, month, amount FROM marketing_costs WHERE shop_id = $1 ORDER BY channel, month',
        [SHOP],
      );
      expect(rows.map((r) => [r.channel, r.month, Number(r.amount)])).toEqual([
        ['facebook', '2026-09', 3500000],
        ['facebook', '2026-10', 4100000],
        ['zalo', '2026-09', 1200000],
      ]);
      // The Shopee file, imported last, wrote its own view of the SKUs it has.
      const paper = await call(server.url, 'GET', '/api/v1/products/PAP-A6-500', { key });
      expect(paper.body).toMatchObject({
        product: { category: 'Văn phòng phẩm', productKey: '2301', price: '89000' },
      });
    });

    it('refuses products-csv without a mapping, and a bad file, naming the place', async () => {
      const none = await upload('format=products-csv', `${CATALOGUE_FIXTURES}shopee-products.csv`);
      expect(none.status).toBe(400);
      expect(none.body).toMatchObject({ error: { code: 'invalid_input', details: [{ path: 'mapping' }] } });
      const bad = await call(server.url, 'POST', '/api/v1/imports?format=marketing-costs', {
        key,
        body: 'channel,month,amount\nfacebook,2026-99,1\n',
        headers: { 'content-type': 'text/csv' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({
        error: { code: 'invalid_file', details: [{ line: 2, column: 'month' }] },
      });
    });

    it('sets a category and a product, and lists and shows what comes of it', async () => {
      await upload('format=shopify-products', PRODUCTS_FILE);
      const category = await call(server.url, 'POST', '/api/v1/product-settings', {
        key,
        body: { category: 'paper', reorder_cycle_days: 15 },
      });
      expect(category.status).toBe(200);
      expect(category.body).toMatchObject({
        scope: 'category',
        target: 'paper',
        consumable: true,
        reorderCycleDays: 15,
      });
      expect((category.body as { products: unknown[] }).products).toHaveLength(2);
      const product = await call(server.url, 'POST', '/api/v1/product-settings', {
        key,
        body: { sku: 'PAP-A6-500', reorder_cycle_days: 7 },
      });
      expect(product.status).toBe(200);
      const list = await call(server.url, 'GET', '/api/v1/products?consumable=true', { key });
      expect(list.body).toMatchObject({
        currency: 'VND',
        products: [
          { sku: 'PAP-A6-500', reorderCycleDays: 7, reorderCycleFrom: 'product', consumableFrom: 'product' },
          {
            sku: 'PAP-A7-1000',
            reorderCycleDays: 15,
            reorderCycleFrom: 'category',
            consumableFrom: 'category',
          },
        ],
      });
      const cleared = await call(server.url, 'POST', '/api/v1/product-settings', {
        key,
        body: { sku: 'PAP-A6-500', clear: true },
      });
      expect(cleared.body).toMatchObject({
        consumable: null,
        reorderCycleDays: null,
        products: [{ reorderCycleDays: 15 }],
      });
      const categories = await call(server.url, 'GET', '/api/v1/product-categories', { key });
      expect(categories.body).toMatchObject({
        categories: expect.arrayContaining([
          { category: 'paper', products: 2, consumable: true, reorderCycleDays: 15 },
        ]),
      });
      const unknown = await call(server.url, 'POST', '/api/v1/product-settings', {
        key,
        body: { category: 'giấy', consumable: true },
      });
      expect(unknown.status).toBe(404);
      const both = await call(server.url, 'POST', '/api/v1/product-settings', {
        key,
        body: { sku: 'PAP-A6-500', consumable: false, reorder_cycle_days: 3 },
      });
      expect(both.status).toBe(400);
    });
  });
}
