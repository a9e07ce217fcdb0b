/**
 * Learned reorder cycles (migration 028): the purchases they are learned from, and the rewrite
 * and reads of `product_reorder_cycles` and `customer_replenishment`. SQL for both engines.
 */
import { DEFAULT_VALID_ORDER_RULE } from '../../domain/analytics/valid-orders.js';
import type { Purchase } from '../../domain/replenish/cycles.js';
import {
  type CustomerReplenishment,
  CYCLE_SOURCES,
  type CycleSource,
  NOT_REPLENISHABLE_REASONS,
  type NotReplenishableReason,
  type ProductCycle,
  PURCHASE_PATTERNS,
  type PurchasePattern,
} from '../../domain/replenish/types.js';
import { validOrderSql } from '../analytics/model-sql.js';
import { refreshPlannerStatistics, tuneForBulk } from '../bulk.js';
import type { LoadColumn, SqlEngine, SqlValue } from '../engine.js';
import type { Store } from '../store.js';

/** One (order, SKU) of a valid order as both purchase reads select it. */
type PurchaseRow = {
  customer_id: string;
  sku: string;
  category: string | null;
  created_at: Date;
  quantity: number;
};

/** The shared head of the purchase reads: valid orders of shop $1 joined with their lines. */
const PURCHASES_FROM = `SELECT o.customer_id, l.sku, MAX(l.category) AS category, o.created_at, SUM(l.quantity) AS quantity
     FROM orders o JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
     WHERE o.shop_id = $1 AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o')}`;

function purchaseOfRow(r: PurchaseRow): Purchase {
  return {
    customerId: r.customer_id,
    sku: r.sku,
    category: r.category,
    at: r.created_at.getTime(),
    quantity: Number(r.quantity),
  };
}

/**
 * Some customers' valid purchases of some SKUs before `before` (as `readPurchases`), for a
 * prediction made between two recomputes (the reorder flow, right after an order).
 */
export async function readCustomerPurchases(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
  skus: readonly string[],
  before: Date,
): Promise<Purchase[]> {
  if (customerIds.length === 0 || skus.length === 0) return [];
  const params: SqlValue[] = [shopId, before, ...customerIds, ...skus];
  const ids = customerIds.map((_, i) => `$${i + 3}`).join(', ');
  const skuRefs = skus.map((_, i) => `$${i + 3 + customerIds.length}`).join(', ');
  const rows = await store.engine.all<PurchaseRow>(
    `${PURCHASES_FROM} AND o.created_at < $2
       AND o.customer_id IN (${ids}) AND l.sku IN (${skuRefs}) AND l.quantity > 0
     GROUP BY o.customer_id, o.order_id, o.created_at, l.sku`,
    params,
  );
  return rows.map(purchaseOfRow);
}

/**
 * Every (order, SKU) of the shop's valid orders (paid or delivered, not fully refunded) before
 * `before`, quantities summed over the order's lines of that SKU, with the line's category.
 */
export async function readPurchases(store: Store, shopId: string, before?: Date): Promise<Purchase[]> {
  await refreshPlannerStatistics(store.engine, ['orders', 'order_lines']);
  const params: SqlValue[] = [shopId];
  if (before) params.push(before);
  const rows = await store.engine.all<PurchaseRow>(
    `${PURCHASES_FROM} AND l.sku IS NOT NULL
       AND l.quantity > 0${before ? ' AND o.created_at < $2' : ''}
     GROUP BY o.customer_id, o.order_id, o.created_at, l.sku
     ORDER BY l.sku COLLATE "C", o.customer_id COLLATE "C", o.created_at`,
    params,
  );
  return rows.map(purchaseOfRow);
}

const CYCLE_COLUMNS: readonly LoadColumn[] = [
  { name: 'shop_id', type: 'text' },
  { name: 'sku', type: 'text' },
  { name: 'category', type: 'text' },
  { name: 'replenishable', type: 'boolean' },
  { name: 'reason', type: 'text' },
  { name: 'source', type: 'text' },
  { name: 'buyers', type: 'integer' },
  { name: 'repeat_buyers', type: 'integer' },
  { name: 'repeat_probability', type: 'double' },
  { name: 'intervals', type: 'integer' },
  { name: 'median_interval_days', type: 'double' },
  { name: 'p25_interval_days', type: 'double' },
  { name: 'p75_interval_days', type: 'double' },
  { name: 'cycle_days', type: 'double' },
  { name: 'cycle_low_days', type: 'double' },
  { name: 'cycle_high_days', type: 'double' },
  { name: 'regularity', type: 'double' },
  { name: 'pattern', type: 'text' },
  { name: 'prior_intervals', type: 'double' },
  { name: 'histogram', type: 'text' },
  { name: 'computed_at', type: 'timestamp' },
];

const DUE_COLUMNS: readonly LoadColumn[] = [
  { name: 'shop_id', type: 'text' },
  { name: 'customer_id', type: 'text' },
  { name: 'sku', type: 'text' },
  { name: 'purchases', type: 'integer' },
  { name: 'last_purchase_at', type: 'timestamp' },
  { name: 'last_quantity', type: 'integer' },
  { name: 'interval_days', type: 'double' },
  { name: 'predicted_at', type: 'timestamp' },
  { name: 'due_day', type: 'text' },
  { name: 'computed_at', type: 'timestamp' },
];

/** Replaces the shop's cycles and customer predictions (one transaction). */
export async function writeReorderCycles(
  store: Store,
  shopId: string,
  cycles: readonly ProductCycle[],
  due: readonly CustomerReplenishment[],
  at: Date,
): Promise<void> {
  await store.transaction(async (tx) => {
    await tuneForBulk(tx.engine);
    await tx.engine.run('DELETE FROM customer_replenishment WHERE shop_id = $1', [shopId]);
    await replaceCycles(tx.engine, shopId, cycles, at);
    if (due.length > 0)
      await tx.engine.load(
        'customer_replenishment',
        DUE_COLUMNS,
        columnsOf(due, (d) => [
          shopId,
          d.customerId,
          d.sku,
          d.purchases,
          d.lastPurchaseAt,
          d.lastQuantity,
          d.intervalDays,
          d.predictedAt,
          d.dueDay,
          at,
        ]),
      );
  });
}

/** Replaces the shop's rows of product_reorder_cycles (in the caller's transaction). */
export async function replaceCycles(
  engine: SqlEngine,
  shopId: string,
  cycles: readonly ProductCycle[],
  at: Date,
): Promise<void> {
  await engine.run('DELETE FROM product_reorder_cycles WHERE shop_id = $1', [shopId]);
  if (cycles.length === 0) return;
  await engine.load(
    'product_reorder_cycles',
    CYCLE_COLUMNS,
    columnsOf(cycles, (c) => [
      shopId,
      c.sku,
      c.category,
      c.replenishable,
      c.reason,
      c.source,
      c.buyers,
      c.repeatBuyers,
      c.repeatProbability,
      c.intervals,
      c.medianIntervalDays,
      c.p25IntervalDays,
      c.p75IntervalDays,
      c.cycleDays,
      c.cycleLowDays,
      c.cycleHighDays,
      c.regularity,
      c.pattern,
      c.priorIntervals,
      JSON.stringify(c.histogram),
      at,
    ]),
  );
}

function columnsOf<T>(items: readonly T[], row: (item: T) => SqlValue[]): SqlValue[][] {
  const rows = items.map(row);
  const width = rows[0]?.length ?? 0;
  return Array.from({ length: width }, (_, i) => rows.map((r) => r[i] ?? null));
}

interface CycleRow extends Record<string, unknown> {
  sku: string;
  category: string | null;
  replenishable: boolean;
  reason: string | null;
  source: string;
  buyers: number;
  repeat_buyers: number;
  repeat_probability: number | null;
  intervals: number;
  median_interval_days: number | null;
  p25_interval_days: number | null;
  p75_interval_days: number | null;
  cycle_days: number | null;
  cycle_low_days: number | null;
  cycle_high_days: number | null;
  regularity: number | null;
  pattern: string;
  prior_intervals: number;
  histogram: string;
  computed_at: Date;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));
const oneOf = <T extends string>(values: readonly T[], v: string | null, fallback: T): T =>
  (values as readonly (string | null)[]).includes(v) ? (v as T) : fallback;

function cycleOf(r: CycleRow): ProductCycle {
  return {
    sku: r.sku,
    category: r.category,
    buyers: Number(r.buyers),
    repeatBuyers: Number(r.repeat_buyers),
    repeatProbability: num(r.repeat_probability),
    intervals: Number(r.intervals),
    medianIntervalDays: num(r.median_interval_days),
    p25IntervalDays: num(r.p25_interval_days),
    p75IntervalDays: num(r.p75_interval_days),
    cycleDays: num(r.cycle_days),
    cycleLowDays: num(r.cycle_low_days),
    cycleHighDays: num(r.cycle_high_days),
    regularity: num(r.regularity),
    pattern: oneOf<PurchasePattern>(PURCHASE_PATTERNS, r.pattern, 'unknown'),
    priorIntervals: Number(r.prior_intervals),
    source: oneOf<CycleSource>(CYCLE_SOURCES, r.source, 'none'),
    replenishable: r.replenishable,
    reason:
      r.reason === null
        ? null
        : oneOf<NotReplenishableReason>(NOT_REPLENISHABLE_REASONS, r.reason, 'too_few_buyers'),
    histogram: JSON.parse(r.histogram) as ProductCycle['histogram'],
  };
}

export interface CycleFilter {
  sku?: string;
  /** Only these SKUs. */
  skus?: readonly string[];
  replenishable?: boolean;
}

/** The stored cycles in SKU order, with when they were computed (null: never). */
export async function listReorderCycles(
  store: Store,
  shopId: string,
  filter: CycleFilter = {},
): Promise<{ computedAt: Date | null; cycles: ProductCycle[] }> {
  const params: SqlValue[] = [shopId];
  const where = ['shop_id = $1'];
  if (filter.sku !== undefined) {
    params.push(filter.sku);
    where.push(`sku = $${params.length}`);
  }
  if (filter.skus !== undefined) {
    if (filter.skus.length === 0) return { computedAt: null, cycles: [] };
    const first = params.length + 1;
    params.push(...filter.skus);
    where.push(`sku IN (${filter.skus.map((_, i) => `$${first + i}`).join(', ')})`);
  }
  if (filter.replenishable !== undefined) {
    params.push(filter.replenishable);
    where.push(`replenishable = $${params.length}`);
  }
  const rows = await store.engine.all<CycleRow>(
    `SELECT * FROM product_reorder_cycles WHERE ${where.join(' AND ')} ORDER BY sku`,
    params,
  );
  const [last] = await store.engine.all<{ at: Date | null }>(
    'SELECT MAX(computed_at) AS at FROM product_reorder_cycles WHERE shop_id = $1',
    [shopId],
  );
  return { computedAt: last?.at ?? null, cycles: rows.map(cycleOf) };
}

interface DueRow extends Record<string, unknown> {
  customer_id: string;
  sku: string;
  purchases: number;
  last_purchase_at: Date;
  last_quantity: number;
  interval_days: number;
  predicted_at: Date;
  due_day: string;
}

const dueOf = (r: DueRow): CustomerReplenishment => ({
  customerId: r.customer_id,
  sku: r.sku,
  purchases: Number(r.purchases),
  lastPurchaseAt: r.last_purchase_at,
  lastQuantity: Number(r.last_quantity),
  intervalDays: Number(r.interval_days),
  predictedAt: r.predicted_at,
  dueDay: r.due_day,
});

/**
 * The predictions that still stand for some customers (and SKUs): those with no valid purchase of
 * the SKU after the one they were made from. Ordered by due day.
 */
export async function currentReplenishment(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
  skus?: readonly string[],
): Promise<CustomerReplenishment[]> {
  if (customerIds.length === 0 || skus?.length === 0) return [];
  const params: SqlValue[] = [shopId, ...customerIds];
  const ids = customerIds.map((_, i) => `$${i + 2}`).join(', ');
  let skuFilter = '';
  if (skus) {
    const from = params.length + 1;
    params.push(...skus);
    skuFilter = ` AND r.sku IN (${skus.map((_, i) => `$${from + i}`).join(', ')})`;
  }
  const rows = await store.engine.all<DueRow>(
    `SELECT r.customer_id, r.sku, r.purchases, r.last_purchase_at, r.last_quantity, r.interval_days,
            r.predicted_at, r.due_day
     FROM customer_replenishment r
     WHERE r.shop_id = $1 AND r.customer_id IN (${ids})${skuFilter}
       AND NOT EXISTS (${laterPurchaseSql('r')})
     ORDER BY r.due_day, r.sku`,
    params,
  );
  return rows.map(dueOf);
}

/**
 * A valid purchase of the row's SKU by its customer after the purchase the row was computed from:
 * the row is stale until the next recompute (the segment compiler uses the same test).
 */
export function laterPurchaseSql(alias: string): string {
  return `SELECT 1 FROM orders lo JOIN order_lines ll ON ll.shop_id = lo.shop_id AND ll.order_id = lo.order_id
       WHERE lo.shop_id = ${alias}.shop_id AND lo.customer_id = ${alias}.customer_id AND ll.sku = ${alias}.sku
         AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'lo')}
         AND lo.created_at >= ${alias}.last_purchase_at + INTERVAL '1 day'`;
}
