/**
 * The recommender on both engines: it beats personal top-frequency and popularity on a time
 * split of a generated shop with known co-purchase structure, gives reasons, respects the
 * filters, falls back on small shops and keeps cross-shop lists to consenting customers of
 * linked shops.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/app/clock.js';
import { makeContext } from '../../src/app/context.js';
import {
  boughtTogether,
  excludeProduct,
  linkShops,
  personalRecommendations,
  personalRows,
  popularProducts,
  recomputeRecommendations,
} from '../../src/app/recommend.js';
import { evaluateRecommendations } from '../../src/app/recommend-evaluate.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { dayAt, generate, loadShop, phoneOf } from './shop.js';

const SHOP = 'shop1';
const END = dayAt(360);

async function open(engine: (typeof ENGINES)[number]) {
  const store = await engine.open(new TestClock(END.getTime()));
  return { store, ctx: makeContext(store, { clock: manualClock(END) }) };
}

async function idOf(store: Store, shopId: string, i: number): Promise<string> {
  const c = await store.findCustomerByKey(shopId, 'phone', phoneOf(i));
  if (!c) throw new Error(`no customer ${i}`);
  return c.customerId;
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('beats personal top-frequency and popularity at k = 10 and 20 on a time split', async () => {
      const { store, ctx } = await open(engine);
      try {
        await loadShop(store, SHOP, generate(240, 11));
        const r = await evaluateRecommendations(ctx, { shopId: SHOP, splitAt: dayAt(300), ks: [10, 20] });
        expect(r.evaluatedCustomers).toBeGreaterThan(100);
        const by = Object.fromEntries(r.methods.map((m) => [m.method, m.at]));
        for (const k of ['10', '20']) {
          const nurture = by['nurture']?.[k];
          expect(nurture).toBeDefined();
          expect(nurture?.recall).toBeGreaterThan(by['top_frequency']?.[k]?.recall ?? 1);
          expect(nurture?.recall).toBeGreaterThan(by['popularity']?.[k]?.recall ?? 1);
          expect(nurture?.ndcg).toBeGreaterThan(by['popularity']?.[k]?.ndcg ?? 1);
        }
        expect(by['tifu_knn']).toBeDefined();
        expect(r.repeatShare).toBeGreaterThan(0);
        // The evaluation ran in a scratch transaction: the live lists are untouched (none yet).
        const [left] = await store.engine.all<{ n: number | bigint }>(
          'SELECT COUNT(*) AS n FROM rec_personal',
        );
        expect(Number(left?.n)).toBe(0);
      } finally {
        await store.close();
      }
    });

    it('lists each customer with reasons, filters, bought-together rules and bundles', async () => {
      const { store, ctx } = await open(engine);
      try {
        await loadShop(store, SHOP, generate(240, 11));
        await recomputeRecommendations(ctx, { shopId: SHOP });
        // Customer 0 is an office buyer: a printer first, then paper and ink on their rhythm.
        const office = await idOf(store, SHOP, 0);
        const mine = await personalRecommendations(ctx, {
          shopId: SHOP,
          customerId: office,
          limit: 10,
          lang: 'en',
        });
        expect(mine.fallback).toBe(false);
        const skus = mine.items.map((i) => i.sku);
        expect(skus.slice(0, 3).some((s) => s.startsWith('PAP-'))).toBe(true);
        const paper = mine.items.find((i) => i.sku.startsWith('PAP-'));
        expect(paper?.reason.kind).toBe('repeat');
        expect(paper?.reason.text).toMatch(/^You buy this every ~\d+ days$/);
        // A baby customer (1) who bought a bottle recently has nappies first, no bottle again.
        const baby = await personalRecommendations(ctx, {
          shopId: SHOP,
          customerId: await idOf(store, SHOP, 1),
          lang: 'vi',
        });
        expect(baby.items[0]?.sku).toMatch(/^NAP-/);
        expect(baby.items[0]?.reason.text).toMatch(/^Bạn mua sản phẩm này khoảng mỗi ~\d+ ngày$/);

        // Bought together: shampoo → its conditioner (lift > 1) and a bundle with its combined price.
        const together = await boughtTogether(ctx, { shopId: SHOP, sku: 'SHAMPOO-1', lang: 'en' });
        expect(together.items[0]?.sku).toBe('COND-1');
        expect(together.items[0]?.lift).toBeGreaterThan(1);
        expect(together.items[0]?.reason.text).toBe('Bought together with Dầu gội 1');
        expect(together.bundle?.skus.slice(0, 2)).toEqual(['SHAMPOO-1', 'COND-1']);
        expect(together.bundle?.combinedPrice).toBeGreaterThanOrEqual(290000);

        // Filters: out of stock, no image, excluded — at read time and after a recompute.
        await store.engine.run(
          `UPDATE products SET inventory_qty = 0 WHERE shop_id = $1 AND sku = 'PAP-A4'`,
          [SHOP],
        );
        await store.engine.run(`UPDATE products SET image_url = NULL WHERE shop_id = $1 AND sku = 'INK-1'`, [
          SHOP,
        ]);
        await excludeProduct(ctx, { shopId: SHOP, sku: 'TAPE' });
        const now = await personalRecommendations(ctx, { shopId: SHOP, customerId: office, limit: 20 });
        expect(now.items.map((i) => i.sku)).not.toContain('PAP-A4');
        expect(now.items.map((i) => i.sku)).not.toContain('TAPE');
        await recomputeRecommendations(ctx, { shopId: SHOP });
        const after = await personalRows(ctx, { shopId: SHOP, limit: 20 });
        const listed = new Set(after.map((r) => r.sku));
        for (const gone of ['PAP-A4', 'INK-1', 'TAPE']) expect(listed.has(gone)).toBe(false);
        // A printer (not consumable) is never offered to a customer who bought one within 90 days.
        const printerBuyers = await store.engine.all<{ customer_id: string; sku: string }>(
          `SELECT DISTINCT o.customer_id, l.sku FROM orders o JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
           WHERE o.shop_id = $1 AND o.status = 'delivered' AND (l.sku LIKE 'PRN-%' OR l.sku LIKE 'BOTTLE-%' OR l.sku = 'COMB') AND o.created_at >= $2`,
          [SHOP, dayAt(275)],
        );
        expect(printerBuyers.length).toBeGreaterThan(5);
        const offered = new Set(after.map((r) => `${r.customer_id}/${r.sku}`));
        for (const b of printerBuyers) expect(offered.has(`${b.customer_id}/${b.sku}`)).toBe(false);
        // The export: external ids as SOURCE:ID, ranks from 1.
        const first = after.find((r) => r.customer_id === office);
        expect(first?.external_id).toBe(`shopify:${phoneOf(0)}`);
        expect(first?.rank).toBe(1);
      } finally {
        await store.close();
      }
    });

    it('counts only valid orders: a returned order is not a purchase', async () => {
      const { store, ctx } = await open(engine);
      try {
        const shop = generate(60, 5);
        // Customer 2 (hair) returns every order: they have bought nothing.
        for (const o of shop.orders)
          if (o.customer.phone === phoneOf(2)) Object.assign(o, { status: 'returned', refunded: o.total });
        await loadShop(store, SHOP, shop);
        await recomputeRecommendations(ctx, { shopId: SHOP });
        const r = await personalRecommendations(ctx, {
          shopId: SHOP,
          customerId: await idOf(store, SHOP, 2),
          lang: 'en',
        });
        expect(r.items.every((i) => i.reason.kind !== 'repeat')).toBe(true);
        expect(r.fallback).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('with 50 customers still answers, falling back on category and popularity, and says so', async () => {
      const { store, ctx } = await open(engine);
      try {
        await loadShop(store, SHOP, generate(50, 3));
        const run = await recomputeRecommendations(ctx, { shopId: SHOP });
        expect(run.small).toBe(true);
        const r = await personalRecommendations(ctx, {
          shopId: SHOP,
          customerId: await idOf(store, SHOP, 4),
          limit: 10,
          lang: 'en',
        });
        expect(r.items.length).toBe(10);
        expect(r.fallback).toBe(true);
        const fallbacks = r.items.filter((i) => i.reason.kind === 'category' || i.reason.kind === 'popular');
        expect(fallbacks.length).toBeGreaterThan(0);
        for (const f of fallbacks) {
          expect(f.reason.fallback).toBe(true);
          expect(f.reason.text).toContain('too few orders yet for personal picks');
        }
        const popular = await popularProducts(ctx, { shopId: SHOP, category: 'baby', lang: 'vi' });
        expect(popular.items[0]?.sku).toMatch(/^NAP-/);
        // Evaluation still runs on a small shop (last-order hold-out).
        const e = await evaluateRecommendations(ctx, { shopId: SHOP });
        expect(e.holdout.kind).toBe('last_order');
        expect(e.evaluatedCustomers).toBeGreaterThan(10);
      } finally {
        await store.close();
      }
    });

    it('cross-shop: only linked pairs, only customers with marketing consent', async () => {
      const { store, ctx } = await open(engine);
      try {
        // Shop A: hair and baby buyers, half with consent. Shop B sells hair and baby products too.
        const a = generate(30, 9, 360, 'a');
        await loadShop(store, 'shop-a', a, false);
        await store.engine.run(
          `UPDATE customers SET accepts_email = TRUE WHERE shop_id = 'shop-a' AND phone IN ($1, $2)`,
          [phoneOf(1), phoneOf(2)],
        );
        await loadShop(store, 'shop-b', generate(60, 4, 360, 'b'));
        await recomputeRecommendations(ctx, { shopId: 'shop-b' });
        // Not linked yet: nothing from B.
        await recomputeRecommendations(ctx, { shopId: 'shop-a' });
        const consenting = await idOf(store, 'shop-a', 1);
        const silent = await idOf(store, 'shop-a', 4);
        expect(
          (await personalRecommendations(ctx, { shopId: 'shop-a', customerId: consenting })).crossShop,
        ).toEqual([]);
        await linkShops(ctx, { shopId: 'shop-a', partnerShopId: 'shop-b' });
        await recomputeRecommendations(ctx, { shopId: 'shop-a' });
        const yes = await personalRecommendations(ctx, {
          shopId: 'shop-a',
          customerId: consenting,
          lang: 'en',
        });
        expect(yes.crossShop.length).toBeGreaterThan(0);
        expect(yes.crossShop[0]?.reason.kind).toBe('cross_shop');
        expect(yes.crossShop[0]?.reason.text).toContain('From our shop shop-b');
        expect(yes.crossShop.every((i) => ['baby', 'gifts'].includes(i.reason.category ?? ''))).toBe(true);
        // No consent: nothing, though the shops are linked.
        expect(
          (await personalRecommendations(ctx, { shopId: 'shop-a', customerId: silent })).crossShop,
        ).toEqual([]);
        // The link is one way: B's customers get nothing from A.
        await recomputeRecommendations(ctx, { shopId: 'shop-b' });
        const bCustomer = await idOf(store, 'shop-b', 1);
        expect(
          (await personalRecommendations(ctx, { shopId: 'shop-b', customerId: bCustomer })).crossShop,
        ).toEqual([]);
        // Consent withdrawn or link removed: gone at once, before any recompute.
        await store.engine.run(
          `UPDATE customers SET accepts_email = FALSE WHERE shop_id = 'shop-a' AND customer_id = $1`,
          [consenting],
        );
        expect(
          (await personalRecommendations(ctx, { shopId: 'shop-a', customerId: consenting })).crossShop,
        ).toEqual([]);
        const other = await idOf(store, 'shop-a', 2);
        expect(
          (await personalRecommendations(ctx, { shopId: 'shop-a', customerId: other })).crossShop.length,
        ).toBeGreaterThan(0);
        await linkShops(ctx, { shopId: 'shop-a', partnerShopId: 'shop-b', linked: false });
        expect(
          (await personalRecommendations(ctx, { shopId: 'shop-a', customerId: other })).crossShop,
        ).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
