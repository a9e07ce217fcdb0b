/** The product catalog entries an import adds. */
import type { OrderColumns } from '../../domain/order-columns.js';
import type { SqlEngine } from '../engine.js';
import { STAGE_PRODUCTS, stage } from '../staging.js';
import type { ImportSession } from './session.js';
import { columns, money, push } from './staged-columns.js';

/**
 * Adds the SKUs the catalog lacks, described by their first line in the import. Chosen here
 * rather than with DISTINCT ON in SQL: the pick is the same on both engines, and a batch whose
 * SKUs all came before (most batches of a big file) runs no statement.
 */
export async function writeProducts(
  db: SqlEngine,
  shopId: string,
  orders: OrderColumns,
  session: ImportSession,
): Promise<void> {
  const cols = columns(STAGE_PRODUCTS);
  for (let l = 0; l < orders.lineSku.length; l++) {
    const sku = orders.lineSku[l];
    if (sku === undefined || session.skus.has(sku)) continue;
    session.skus.add(sku);
    push(cols, [sku, orders.lineTitle[l]!, orders.lineCategory[l] ?? null, orders.linePrice[l]!]);
  }
  if (cols[0]!.length === 0) return;
  await stage(db, STAGE_PRODUCTS, cols);
  await db.run(
    `INSERT INTO products (shop_id, sku, title, category, price, consumable)
     SELECT $1, sku, title, category, ${money('price')}, FALSE FROM stage_products
     ON CONFLICT (shop_id, sku) DO NOTHING`,
    [shopId],
  );
}
