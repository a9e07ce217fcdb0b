/** The product catalog of a shop, as a catalog file sets it. */
import type { Product } from '../../domain/model/index.js';
import type { Store } from '../store.js';

/** Adds the products, or overwrites what the store holds of them (one transaction). */
export async function upsertProducts(
  store: Store,
  shopId: string,
  products: readonly Product[],
): Promise<void> {
  await store.transaction(async (tx) => {
    for (const p of products)
      await tx.engine.run(
        `INSERT INTO products (shop_id, sku, title, category, price, consumable, reorder_cycle_days)
         VALUES ($1, $2, $3, $4, CAST($5 AS DECIMAL(18,2)), $6, $7)
         ON CONFLICT (shop_id, sku) DO UPDATE SET title = excluded.title, category = excluded.category,
           price = excluded.price, consumable = excluded.consumable,
           reorder_cycle_days = excluded.reorder_cycle_days`,
        [
          shopId,
          p.sku,
          p.title,
          p.category ?? null,
          p.price ?? null,
          p.consumable,
          p.reorderCycleDays ?? null,
        ],
      );
  });
}

/** A shop's products in SKU order. */
export async function listProducts(store: Store, shopId: string): Promise<Product[]> {
  const rows = await store.engine.all<{
    sku: string;
    title: string;
    category: string | null;
    price: number | null;
    consumable: boolean;
    reorder_cycle_days: number | null;
  }>('SELECT * FROM products WHERE shop_id = $1 ORDER BY sku', [shopId]);
  return rows.map((r) => ({
    sku: r.sku,
    title: r.title,
    consumable: r.consumable,
    ...(r.category !== null ? { category: r.category } : {}),
    ...(r.price !== null ? { price: String(r.price) } : {}),
    ...(r.reorder_cycle_days !== null ? { reorderCycleDays: r.reorder_cycle_days } : {}),
  }));
}
