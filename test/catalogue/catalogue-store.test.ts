/**
 * The catalogue in the store, on both engines: order lines get their category from the catalogue
 * by SKU whichever file comes first, the after-orders pipeline follows (stats, segments), a
 * re-import changes nothing, a changed catalogue moves the lines that took its category and
 * leaves those whose own file named one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { importFile } from '../../src/app/imports.js';
import { countSegmentQuery } from '../../src/app/segments.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { PRINTER_NO_PAPER, PRODUCTS_FILE, writeOrdersFile } from './shop-files.js';

const SHOP = 'catalogue';
const NOW = Date.parse('2026-11-20T05:00:00Z');

/** Each line's SKU, category and whether the catalogue gave it, in order and line order. */
async function lines(store: Store): Promise<string[]> {
  const rows = await store.engine.all<{
    name: string;
    line_no: number;
    sku: string | null;
    category: string | null;
    catalogue_category: boolean | null;
  }>(
    `SELECT COALESCE(o.name, o.external_id) AS name, l.line_no, l.sku, l.category, l.catalogue_category FROM order_lines l
     JOIN orders o ON o.shop_id = l.shop_id AND o.order_id = l.order_id
     WHERE l.shop_id = $1 ORDER BY 1, l.line_no`,
    [SHOP],
  );
  return rows.map((r) => `${r.name}:${r.sku}:${r.category ?? '-'}${r.catalogue_category ? '*' : ''}`);
}

async function lineCategories(store: Store): Promise<Record<string, string | null>> {
  const rows = await store.engine.all<{ name: string; line_categories: string | null }>(
    'SELECT COALESCE(name, external_id) AS name, line_categories FROM orders WHERE shop_id = $1 ORDER BY 1',
    [SHOP],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.line_categories]));
}

async function categoryCounts(store: Store): Promise<Record<string, number>> {
  const rows = await store.engine.all<{ email: string; category_count: number }>(
    `SELECT c.email, s.category_count FROM customer_stats s
     JOIN customers c ON c.shop_id = s.shop_id AND c.customer_id = s.customer_id
     WHERE s.shop_id = $1 ORDER BY c.email`,
    [SHOP],
  );
  return Object.fromEntries(rows.map((r) => [r.email, Number(r.category_count)]));
}

const EXPECTED_LINES = [
  '#1001:PRN-A6:printer*',
  '#1002:PRN-A6:printer*',
  '#1003:PAP-A6-500:paper*',
  '#1004:PRN-A6:printer*',
  '#1005:PAP-A7-1000:paper*',
  '#1006:PRN-A6:printer*',
  '#1007:PAP-A6-500:paper*',
  '#1008:PRN-A6:printer*',
  '#1008:AD-DO-M:Traditional & Ceremonial Clothing*',
  '#1009:AD-XN-M:Traditional & Ceremonial Clothing*',
];

describe.each(ENGINES)('the product catalogue ($name)', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-catalogue-'));
  const ordersFile = writeOrdersFile(dir, NOW);
  const opened: Store[] = [];

  async function shop(): Promise<AppContext> {
    const store = await engine.open(new TestClock(NOW));
    opened.push(store);
    return makeContext(store);
  }
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  describe.skipIf(engine.skipped)('', () => {
    let before: AppContext;
    let after: AppContext;

    beforeAll(async () => {
      before = await shop();
      const p = await importFile(before, { shopId: SHOP, format: 'shopify-products', path: PRODUCTS_FILE });
      expect(p).toMatchObject({ products: 6, skippedVariants: 1, rejected: 0, orders: 0 });
      await importFile(before, { shopId: SHOP, format: 'shopify-orders', path: ordersFile });
      after = await shop();
      await importFile(after, { shopId: SHOP, format: 'shopify-orders', path: ordersFile });
      expect(await lines(after.store)).toEqual(EXPECTED_LINES.map((l) => l.replace(/:[^:]*$/, ':-')));
      await importFile(after, { shopId: SHOP, format: 'shopify-products', path: PRODUCTS_FILE });
    }, 60_000);

    it('gives order lines their catalogue category by SKU, whichever file came first', async () => {
      expect(await lines(before.store)).toEqual(EXPECTED_LINES);
      expect(await lines(after.store)).toEqual(EXPECTED_LINES);
      const expected = {
        '#1001': '|printer|',
        '#1003': '|paper|',
        '#1008': '|Traditional & Ceremonial Clothing|printer|',
      };
      expect(await lineCategories(before.store)).toMatchObject(expected);
      expect(await lineCategories(after.store)).toEqual(await lineCategories(before.store));
    });

    it('reaches products_purchased(category: …) and the customers’ stats', async () => {
      for (const ctx of [before, after]) {
        const { count } = await countSegmentQuery(ctx, { shopId: SHOP, query: PRINTER_NO_PAPER });
        expect(count).toBe(2);
        const paper = await countSegmentQuery(ctx, {
          shopId: SHOP,
          query: "products_purchased(category: 'paper')",
        });
        expect(paper.count).toBe(3);
        // The catalogue import ran the after-orders pipeline for the customers whose lines changed.
        expect(await categoryCounts(ctx.store)).toMatchObject({
          'hung@example.vn': 2,
          'vy@example.vn': 3,
          'an@example.vn': 1,
          'nga@example.vn': 0,
        });
      }
    });

    it('changes nothing when the catalogue or the orders are imported again', async () => {
      const snapshot = await after.store.snapshot(SHOP);
      await importFile(after, { shopId: SHOP, format: 'shopify-products', path: PRODUCTS_FILE });
      await importFile(after, { shopId: SHOP, format: 'shopify-orders', path: ordersFile });
      const again = await after.store.snapshot(SHOP);
      expect(again['order_lines']).toEqual(snapshot['order_lines']);
      expect(again['orders']).toEqual(snapshot['orders']);
      expect(again['products']).toEqual(snapshot['products']);
    });

    it('moves the lines that took the catalogue’s category when it changes, and keeps a line’s own', async () => {
      const ctx = await shop();
      // An orders-csv line that names its own category keeps it.
      const own = join(dir, 'own.csv');
      writeFileSync(
        own,
        'order,date,phone,status,sku,title,category,price\nP1,2026-11-01,0912000111,paid,PAP-A6-500,Giấy,giấy in,89000\nP2,2026-11-02,0912000222,paid,PAP-A6-500,Giấy,,89000\n',
      );
      const mapping = join(dir, 'pos.json');
      writeFileSync(
        mapping,
        JSON.stringify({
          source: 'pos',
          columns: {
            order: 'order.id',
            date: 'order.createdAt',
            phone: 'customer.phone',
            status: 'order.status',
            sku: 'line.sku',
            title: 'line.title',
            category: 'line.category',
            price: 'line.price',
          },
          status: { values: { paid: 'paid' } },
        }),
      );
      await importFile(ctx, { shopId: SHOP, format: 'orders-csv', path: own, mapping });
      await importFile(ctx, { shopId: SHOP, format: 'shopify-products', path: PRODUCTS_FILE });
      expect(await lines(ctx.store)).toEqual(['P1:PAP-A6-500:giấy in', 'P2:PAP-A6-500:paper*']);
      const changed = join(dir, 'changed.csv');
      writeFileSync(changed, 'Handle,Title,Type,Variant SKU\ngiay,Giấy in nhiệt,thermal-paper,PAP-A6-500\n');
      await importFile(ctx, { shopId: SHOP, format: 'shopify-products', path: changed });
      expect(await lines(ctx.store)).toEqual(['P1:PAP-A6-500:giấy in', 'P2:PAP-A6-500:thermal-paper*']);
      expect(await lineCategories(ctx.store)).toEqual({ P1: '|giấy in|', P2: '|thermal-paper|' });
      const moved = await countSegmentQuery(ctx, {
        shopId: SHOP,
        query: "products_purchased(category: 'thermal-paper')",
      });
      expect(moved.count).toBe(1);
      // A catalogue entry without a category takes it away from the lines it gave one to.
      writeFileSync(changed, 'Handle,Title,Type,Variant SKU\ngiay,Giấy in nhiệt,,PAP-A6-500\n');
      await importFile(ctx, { shopId: SHOP, format: 'shopify-products', path: changed });
      expect(await lines(ctx.store)).toEqual(['P1:PAP-A6-500:giấy in', 'P2:PAP-A6-500:-']);
      expect(await lineCategories(ctx.store)).toEqual({ P1: '|giấy in|', P2: null });
    });
  });
});
