/**
 * The catalogue side of imports: order lines take their category from the catalogue by SKU, and
 * a catalogue import passes its categories on to the lines already stored. Together they keep
 * one rule, whichever arrives first: a line's category is the one its own file gave it, else its
 * SKU's category in the catalogue (`order_lines.catalogue_category` marks the second kind, which
 * follows the catalogue when it changes).
 */
import type { MarketingCost, Product } from '../../domain/model/index.js';
import type { OptText, OrderColumns } from '../../domain/order-columns.js';
import type { SqlEngine } from '../engine.js';
import { lineCategoriesBackfillSql } from '../migrations/008-order-line-categories.js';
import { prepareStage, STAGE_CATALOGUE, STAGE_COSTS, STAGE_KEYS, stage } from '../staging.js';
import type { ImportSession } from './session.js';
import { money } from './staged-columns.js';

/** Each line's category (its own, else its SKU's in the catalogue) and whether the catalogue gave it. */
export interface LineCategories {
  categories: OptText[];
  fromCatalogue: (boolean | null)[];
}

/**
 * The categories of a batch's lines: a line without one of its own takes its SKU's catalogue
 * category. SKUs are looked up once per import (session.catalogue); a batch whose lines all have
 * categories, or no SKUs, asks nothing.
 */
export async function withCatalogueCategories(
  db: SqlEngine,
  shopId: string,
  orders: OrderColumns,
  session: ImportSession,
): Promise<LineCategories> {
  const n = orders.lineSku.length;
  const ask = new Set<string>();
  for (let l = 0; l < n; l++) {
    const sku = orders.lineSku[l];
    if (sku !== undefined && orders.lineCategory[l] === undefined && !session.catalogue.has(sku))
      ask.add(sku);
  }
  if (ask.size > 0) {
    const skus = [...ask];
    await stage(db, STAGE_KEYS, [skus.map(() => 'sku'), skus]);
    const rows = await db.all<{ sku: string; category: string | null }>(
      `SELECT p.sku, p.category FROM products p JOIN stage_keys k ON p.sku = k.value WHERE p.shop_id = $1`,
      [shopId],
    );
    for (const sku of skus) session.catalogue.set(sku, null);
    for (const r of rows) {
      session.catalogue.set(r.sku, r.category);
      if (r.category !== null) session.catalogueHasCategories = true;
    }
  }
  const fromCatalogue: (boolean | null)[] = new Array(n).fill(null);
  // The usual first import (no catalogue yet, or one without categories): the lines as they are.
  if (!session.catalogueHasCategories) return { categories: orders.lineCategory, fromCatalogue };
  const categories: OptText[] = new Array(n);
  for (let l = 0; l < n; l++) {
    const own = orders.lineCategory[l];
    const sku = orders.lineSku[l];
    const catalogue = own === undefined && sku !== undefined ? session.catalogue.get(sku) : undefined;
    categories[l] = own ?? catalogue ?? undefined;
    fromCatalogue[l] = own === undefined && catalogue != null ? true : null;
  }
  return { categories, fromCatalogue };
}

/** What a catalogue batch wrote. */
export interface CatalogueResult {
  products: number;
  /** Customers whose order lines changed category: their stats and segments must follow. */
  customerIds: string[];
}

const PRODUCT_COLUMNS = [
  'title',
  'category',
  'price',
  'consumable',
  'reorder_cycle_days',
  'product_key',
  'variant_title',
  'vendor',
  'product_type',
  'taxonomy',
  'tags',
  'status',
  'published',
  'inventory_qty',
  'image_url',
  'source',
  'updated_at',
] as const;

/**
 * Upserts a batch of catalogue entries (a SKU's row is replaced by the file's), then passes the
 * categories on to the stored order lines of those SKUs that have none of their own, and
 * recomputes those orders' `line_categories`. Returns the customers whose lines changed.
 */
export async function writeCatalogue(
  db: SqlEngine,
  shopId: string,
  products: readonly Product[],
  source: string,
  now: Date,
): Promise<CatalogueResult> {
  if (products.length === 0) return { products: 0, customerIds: [] };
  const col = <T>(f: (p: Product) => T): T[] => products.map(f);
  await stage(db, STAGE_CATALOGUE, [
    col((p) => p.sku),
    col((p) => p.title),
    col((p) => p.category ?? null),
    col((p) => p.price ?? null),
    col((p) => p.consumable),
    col((p) => p.reorderCycleDays ?? null),
    col((p) => p.productKey ?? null),
    col((p) => p.variantTitle ?? null),
    col((p) => p.vendor ?? null),
    col((p) => p.productType ?? null),
    col((p) => p.taxonomy ?? null),
    col((p) => (p.tags && p.tags.length > 0 ? p.tags.join(', ') : null)),
    col((p) => p.status ?? null),
    col((p) => p.published ?? null),
    col((p) => p.inventoryQty ?? null),
    col((p) => p.imageUrl ?? null),
  ]);
  const values = PRODUCT_COLUMNS.map((c) =>
    c === 'price' ? money('price') : c === 'source' ? '$2' : c === 'updated_at' ? '$3' : c,
  );
  await db.run(
    `INSERT INTO products (shop_id, sku, ${PRODUCT_COLUMNS.join(', ')})
     SELECT $1, sku, ${values.join(', ')} FROM stage_catalogue
     ON CONFLICT (shop_id, sku) DO UPDATE SET ${PRODUCT_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    [shopId, source, now],
  );
  const customerIds = await recategoriseLines(db, shopId);
  return { products: products.length, customerIds };
}

/**
 * The stored lines of the staged SKUs that take their category from the catalogue (those with
 * none of their own, or one the catalogue gave) get the catalogue's current one.
 */
async function recategoriseLines(db: SqlEngine, shopId: string): Promise<string[]> {
  await prepareStage(db, { name: 'stage_recategorised', columns: [{ name: 'order_id', type: 'text' }] });
  const follows = `(l.category IS NULL OR l.catalogue_category)
    AND l.category IS DISTINCT FROM p.category`;
  await db.run(
    `INSERT INTO stage_recategorised (order_id)
     SELECT DISTINCT l.order_id FROM order_lines l
     JOIN products p ON p.shop_id = l.shop_id AND p.sku = l.sku
     WHERE l.shop_id = $1 AND l.sku IN (SELECT sku FROM stage_catalogue) AND ${follows}`,
    [shopId],
  );
  const changed = await db.all<{ n: number | bigint }>('SELECT COUNT(*) AS n FROM stage_recategorised');
  if (Number(changed[0]?.n ?? 0) === 0) return [];
  await db.run(
    `UPDATE order_lines SET category = p.category, catalogue_category = CASE WHEN p.category IS NULL THEN NULL ELSE TRUE END
     FROM products p
     WHERE order_lines.shop_id = $1 AND p.shop_id = $1 AND p.sku = order_lines.sku
       AND order_lines.order_id IN (SELECT order_id FROM stage_recategorised)
       AND (order_lines.category IS NULL OR order_lines.catalogue_category)
       AND order_lines.category IS DISTINCT FROM p.category`,
    [shopId],
  );
  await db.run(
    `${lineCategoriesBackfillSql(db.dialect)}
     WHERE orders.shop_id = $1 AND orders.order_id IN (SELECT order_id FROM stage_recategorised)`,
    [shopId],
  );
  const rows = await db.all<{ customer_id: string }>(
    `SELECT DISTINCT customer_id FROM orders
     WHERE shop_id = $1 AND order_id IN (SELECT order_id FROM stage_recategorised)`,
    [shopId],
  );
  return rows.map((r) => r.customer_id);
}

/** Sets the cost of each (channel, month) of a batch, replacing a cost already stored. */
export async function writeMarketingCosts(
  db: SqlEngine,
  shopId: string,
  costs: readonly MarketingCost[],
): Promise<number> {
  if (costs.length === 0) return 0;
  await stage(db, STAGE_COSTS, [
    costs.map((c) => c.channel),
    costs.map((c) => c.month),
    costs.map((c) => c.amount),
  ]);
  await db.run(
    `INSERT INTO marketing_costs (shop_id, channel, month, amount)
     SELECT $1, channel, month, ${money('amount')} FROM stage_costs
     ON CONFLICT (shop_id, channel, month) DO UPDATE SET amount = excluded.amount`,
    [shopId],
  );
  return costs.length;
}
