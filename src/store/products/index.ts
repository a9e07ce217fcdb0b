/**
 * The product catalogue of a shop: products by SKU (as catalogue imports and order lines set
 * them) and the seller's consumable and reorder-cycle settings per product or category.
 */
import { type CatalogueEntry, effectiveSettings, type LevelSetting } from '../../domain/catalogue.js';
import {
  PRODUCT_STATUSES,
  type Product,
  type ProductSettingScope,
  type ProductStatus,
} from '../../domain/model/index.js';
import type { SqlValue } from '../engine.js';
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

interface ProductRow extends Record<string, unknown> {
  sku: string;
  title: string;
  category: string | null;
  price: number | null;
  consumable: boolean;
  reorder_cycle_days: number | null;
  product_key: string | null;
  variant_title: string | null;
  vendor: string | null;
  product_type: string | null;
  taxonomy: string | null;
  tags: string | null;
  status: string | null;
  published: boolean | null;
  inventory_qty: number | null;
  image_url: string | null;
  source: string | null;
}

function productOf(r: ProductRow): Product {
  const status = (PRODUCT_STATUSES as readonly string[]).includes(r.status ?? '')
    ? (r.status as ProductStatus)
    : undefined;
  return {
    sku: r.sku,
    title: r.title,
    consumable: r.consumable,
    ...(r.category !== null ? { category: r.category } : {}),
    ...(r.price !== null ? { price: String(r.price) } : {}),
    ...(r.reorder_cycle_days !== null ? { reorderCycleDays: Number(r.reorder_cycle_days) } : {}),
    ...(r.product_key !== null ? { productKey: r.product_key } : {}),
    ...(r.variant_title !== null ? { variantTitle: r.variant_title } : {}),
    ...(r.vendor !== null ? { vendor: r.vendor } : {}),
    ...(r.product_type !== null ? { productType: r.product_type } : {}),
    ...(r.taxonomy !== null ? { taxonomy: r.taxonomy } : {}),
    ...(r.tags !== null ? { tags: r.tags.split(', ') } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(r.published !== null ? { published: r.published } : {}),
    ...(r.inventory_qty !== null ? { inventoryQty: Number(r.inventory_qty) } : {}),
    ...(r.image_url !== null ? { imageUrl: r.image_url } : {}),
  };
}

const PRODUCT_SELECT = `p.sku, p.title, p.category, p.price, p.consumable, p.reorder_cycle_days, p.product_key,
  p.variant_title, p.vendor, p.product_type, p.taxonomy, p.tags, p.status, p.published, p.inventory_qty,
  p.image_url, p.source`;

/** A shop's products (as imported, without the seller's settings) in SKU order. */
export async function listProducts(store: Store, shopId: string): Promise<Product[]> {
  const rows = await store.engine.all<ProductRow>(
    `SELECT ${PRODUCT_SELECT} FROM products p WHERE p.shop_id = $1 ORDER BY p.sku`,
    [shopId],
  );
  return rows.map(productOf);
}

/** Which catalogue entries to list. */
export interface CatalogueFilter {
  sku?: string;
  /** Only these SKUs. */
  skus?: readonly string[];
  category?: string;
  /** Only consumables (true) or only the others (false), by the effective flag. */
  consumable?: boolean;
  limit?: number;
}

/** The catalogue as a seller reads it: each SKU with its effective consumable flag and cycle. */
export async function listCatalogue(
  store: Store,
  shopId: string,
  filter: CatalogueFilter = {},
): Promise<CatalogueEntry[]> {
  const params: SqlValue[] = [shopId];
  const where = ['p.shop_id = $1'];
  if (filter.sku !== undefined) {
    params.push(filter.sku);
    where.push(`p.sku = $${params.length}`);
  }
  if (filter.category !== undefined) {
    params.push(filter.category);
    where.push(`p.category = $${params.length}`);
  }
  if (filter.skus !== undefined) {
    if (filter.skus.length === 0) return [];
    const first = params.length + 1;
    params.push(...filter.skus);
    where.push(`p.sku IN (${filter.skus.map((_, i) => `$${first + i}`).join(', ')})`);
  }
  const rows = await store.engine.all<
    ProductRow & {
      p_consumable: boolean | null;
      p_cycle: number | null;
      c_consumable: boolean | null;
      c_cycle: number | null;
      has_p: boolean | null;
      has_c: boolean | null;
    }
  >(
    `SELECT ${PRODUCT_SELECT},
       ps.consumable AS p_consumable, ps.reorder_cycle_days AS p_cycle, ps.shop_id IS NOT NULL AS has_p,
       cs.consumable AS c_consumable, cs.reorder_cycle_days AS c_cycle, cs.shop_id IS NOT NULL AS has_c
     FROM products p
     LEFT JOIN product_settings ps ON ps.shop_id = p.shop_id AND ps.scope = 'product' AND ps.target = p.sku
     LEFT JOIN product_settings cs ON cs.shop_id = p.shop_id AND cs.scope = 'category' AND cs.target = p.category
     WHERE ${where.join(' AND ')}
     ORDER BY p.sku`,
    params,
  );
  const level = (has: boolean | null, consumable: boolean | null, cycle: number | null) =>
    has ? { consumable, reorderCycleDays: cycle === null ? null : Number(cycle) } : undefined;
  const entries = rows.map((r): CatalogueEntry => {
    const { reorderCycleDays: fileCycle, consumable: fileConsumable, ...product } = productOf(r);
    return {
      ...product,
      ...effectiveSettings(
        {
          consumable: fileConsumable,
          reorderCycleDays: fileCycle,
          fromCatalogue: r.source !== null && r.source !== 'orders',
        },
        level(r.has_p, r.p_consumable, r.p_cycle),
        level(r.has_c, r.c_consumable, r.c_cycle),
      ),
      source: r.source,
    };
  });
  const kept =
    filter.consumable === undefined ? entries : entries.filter((e) => e.consumable === filter.consumable);
  return filter.limit === undefined ? kept : kept.slice(0, filter.limit);
}

/** How often a SKU was ordered (valid or not): orders, units and buyers, and the last time. */
export interface ProductUsage {
  orders: number;
  units: number;
  customers: number;
  lastOrderedAt: Date | null;
}

export async function productUsage(store: Store, shopId: string, sku: string): Promise<ProductUsage> {
  const [r] = await store.engine.all<{
    orders: number | bigint;
    units: number | bigint | null;
    customers: number | bigint;
    last_at: Date | null;
  }>(
    `SELECT COUNT(DISTINCT o.order_id) AS orders, SUM(l.quantity) AS units,
       COUNT(DISTINCT o.customer_id) AS customers, MAX(o.created_at) AS last_at
     FROM order_lines l JOIN orders o ON o.shop_id = l.shop_id AND o.order_id = l.order_id
     WHERE l.shop_id = $1 AND l.sku = $2`,
    [shopId, sku],
  );
  return {
    orders: Number(r?.orders ?? 0),
    units: Number(r?.units ?? 0),
    customers: Number(r?.customers ?? 0),
    lastOrderedAt: r?.last_at ?? null,
  };
}

/** Categories of the catalogue, with how many SKUs each has, in name order. */
export async function listCategories(
  store: Store,
  shopId: string,
): Promise<
  { category: string; products: number; consumable: boolean | null; reorderCycleDays: number | null }[]
> {
  const rows = await store.engine.all<{
    category: string;
    products: number | bigint;
    consumable: boolean | null;
    reorder_cycle_days: number | null;
  }>(
    // One setting row per category at most (its key), so the aggregates only carry it through.
    `SELECT p.category, COUNT(*) AS products, BOOL_OR(cs.consumable) AS consumable,
       MIN(cs.reorder_cycle_days) AS reorder_cycle_days
     FROM products p
     LEFT JOIN product_settings cs ON cs.shop_id = p.shop_id AND cs.scope = 'category' AND cs.target = p.category
     WHERE p.shop_id = $1 AND p.category IS NOT NULL
     GROUP BY p.category ORDER BY p.category`,
    [shopId],
  );
  return rows.map((r) => ({
    category: r.category,
    products: Number(r.products),
    consumable: r.consumable,
    reorderCycleDays: r.reorder_cycle_days === null ? null : Number(r.reorder_cycle_days),
  }));
}

/** Whether the shop's catalogue has a product of this SKU, or of this category. */
export async function catalogueHas(
  store: Store,
  shopId: string,
  scope: ProductSettingScope,
  target: string,
): Promise<boolean> {
  const column = scope === 'product' ? 'sku' : 'category';
  const rows = await store.engine.all(
    `SELECT 1 AS x FROM products WHERE shop_id = $1 AND ${column} = $2 LIMIT 1`,
    [shopId, target],
  );
  return rows.length > 0;
}

/**
 * Sets a product's or a category's consumable flag and reorder cycle. Fields left undefined keep
 * their value; a setting that comes to say nothing at all is removed.
 */
export async function writeProductSetting(
  store: Store,
  shopId: string,
  setting: {
    scope: ProductSettingScope;
    target: string;
    consumable?: boolean | null;
    reorderCycleDays?: number | null;
  },
  now: Date,
): Promise<LevelSetting | undefined> {
  return store.transaction(async (tx) => {
    const [old] = await tx.engine.all<{ consumable: boolean | null; reorder_cycle_days: number | null }>(
      'SELECT consumable, reorder_cycle_days FROM product_settings WHERE shop_id = $1 AND scope = $2 AND target = $3',
      [shopId, setting.scope, setting.target],
    );
    const next: LevelSetting = {
      consumable: setting.consumable !== undefined ? setting.consumable : (old?.consumable ?? null),
      reorderCycleDays:
        setting.reorderCycleDays !== undefined
          ? setting.reorderCycleDays
          : old?.reorder_cycle_days == null
            ? null
            : Number(old.reorder_cycle_days),
    };
    await tx.engine.run('DELETE FROM product_settings WHERE shop_id = $1 AND scope = $2 AND target = $3', [
      shopId,
      setting.scope,
      setting.target,
    ]);
    if (next.consumable === null && next.reorderCycleDays === null) return undefined;
    await tx.engine.run(
      `INSERT INTO product_settings (shop_id, scope, target, consumable, reorder_cycle_days, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [shopId, setting.scope, setting.target, next.consumable, next.reorderCycleDays, now],
    );
    return next;
  });
}
