/**
 * The full recompute of the reorder cycles in the engine (issue 18, items 1 and 5): the histories
 * and the evidence in SQL (histories-sql.ts, evidence-sql.ts), the cycles decided by the domain's
 * `cycleOf` from one row per product and category, and the customers' predictions written by one
 * INSERT … SELECT, priced by one predictive quantile per (product, number of intervals). No
 * purchase and no prediction travels through JavaScript, so the cost is the engine's; the result
 * is the domain's `learnCycles` + `predictNext` (the reference, test/replenish/sql-path.test.ts).
 */

import { DEFAULT_VALID_ORDER_RULE } from '../../domain/analytics/valid-orders.js';
import {
  type CycleEvidence,
  cycleOf,
  type IntervalDistribution,
  type ProductInfo,
} from '../../domain/replenish/cycles.js';
import { modelShape, predictiveQuantileFactor } from '../../domain/replenish/model.js';
import type { ProductCycle, ReplenishThresholds, ReplenishTiming } from '../../domain/replenish/types.js';
import { validOrderSql } from '../analytics/model-sql.js';
import { localDaySql, sqlInteger, sqlTimestamp } from '../analytics/sql.js';
import { refreshPlannerStatistics, tuneForBulk } from '../bulk.js';
import type { SqlEngine } from '../engine.js';
import { stage, t } from '../staging.js';
import type { Store } from '../store.js';
import { distributionsBySku, evidenceBySkuAndCategory, type HorizonRow } from './evidence-sql.js';
import { buildHistories, DAY_MS, dropHistoryTables } from './histories-sql.js';
import { replaceCycles } from './index.js';

const STAGE_CATEGORIES = t('rc_cat', ['sku', 'text'], ['category', 'text']);
const STAGE_HORIZON_SKU = t('rc_hz_sku', ['g', 'text'], ['hz', 'double']);
const STAGE_HORIZON_CATEGORY = t('rc_hz_cat', ['g', 'text'], ['hz', 'double']);
const STAGE_FACTORS = t(
  'rc_factor',
  ['sku', 'text'],
  ['m', 'integer'],
  ['mu', 'double'],
  ['n0', 'double'],
  ['f', 'double'],
);

const NO_EVIDENCE: CycleEvidence = {
  buyers: 0,
  repeatBuyers: 0,
  eligibleBuyers: 0,
  eligibleRepeatBuyers: 0,
  intervals: 0,
  cycle: null,
  cycleInterval: null,
  shape: null,
  // priorStrength's fallback with no customers.
  priorIntervals: 2,
};
const NO_INTERVALS: IntervalDistribution = { median: null, p25: null, p75: null, histogram: [] };

export interface RecomputeInStoreOptions {
  /** The as-of moment: purchases before it, intervals judged against it. */
  end: Date;
  /** The catalogue's products (SKUs met only on order lines are added with their lines' category). */
  products: readonly ProductInfo[];
  thresholds: ReplenishThresholds;
  timing: ReplenishTiming;
  timeZone: string;
}

export interface RecomputeInStoreResult {
  cycles: ProductCycle[];
  predictions: number;
  seconds: { read: number; learn: number; write: number };
}

/** Recomputes and replaces the shop's cycles and predictions, in one transaction. */
export async function recomputeCyclesInStore(
  store: Store,
  shopId: string,
  o: RecomputeInStoreOptions,
): Promise<RecomputeInStoreResult> {
  await refreshPlannerStatistics(store.engine, ['orders', 'order_lines']);
  const restore = await tuneDuckDb(store.engine);
  try {
    return await recomputeInTransaction(store, shopId, o);
  } finally {
    await restore();
  }
}

/**
 * DuckDB: no statement of the recompute needs its rows in insertion order (every order is an
 * ORDER BY), and keeping it makes DuckDB buffer the results of its window passes over every
 * purchase to write them in order. A global setting: restored by the returned function.
 */
async function tuneDuckDb(engine: SqlEngine): Promise<() => Promise<void>> {
  if (engine.dialect !== 'duckdb') return async () => {};
  const [row] = await engine.all<{ keep: boolean }>(
    "SELECT current_setting('preserve_insertion_order') AS keep",
  );
  if (row?.keep !== true) return async () => {};
  await engine.run('SET preserve_insertion_order = false');
  return () => engine.run('SET preserve_insertion_order = true');
}

function recomputeInTransaction(
  store: Store,
  shopId: string,
  o: RecomputeInStoreOptions,
): Promise<RecomputeInStoreResult> {
  return store.transaction(async (tx) => {
    const engine = tx.engine;
    await tuneForBulk(engine);
    const t0 = performance.now();
    await buildHistories(engine, shopId, o.end);
    const t1 = performance.now();
    const cycles = await learn(engine, shopId, o);
    const factors = await factorsOf(engine, cycles, o.timing.level);
    const t2 = performance.now();
    await replaceCycles(engine, shopId, cycles, o.end);
    const predictions = await writePredictions(engine, shopId, factors, o);
    await dropHistoryTables(engine);
    const t3 = performance.now();
    const s = (a: number, b: number) => Math.round(b - a) / 1000;
    return { cycles, predictions, seconds: { read: s(t0, t1), learn: s(t1, t2), write: s(t2, t3) } };
  });
}

/** The cycles of the catalogue's products and of the SKUs met on order lines, in SKU order. */
async function learn(engine: SqlEngine, shopId: string, o: RecomputeInStoreOptions): Promise<ProductCycle[]> {
  const info = new Map(o.products.map((p) => [p.sku, p]));
  const stageCategories = () => {
    const all = [...info.values()];
    return stage(engine, STAGE_CATEGORIES, [all.map((p) => p.sku), all.map((p) => p.category)]);
  };
  await stageCategories();
  // A SKU met only on order lines takes the category of its first purchase in (customer, time)
  // order, as learnCycles does with purchases in that order. Usually there is none: the lines are
  // read again only for the SKUs the catalogue lacks.
  const [outside] = await engine.all<{ n: number }>(
    'SELECT COUNT(*) AS n FROM rc_sku WHERE sku NOT IN (SELECT sku FROM rc_cat)',
  );
  const firsts = Number(outside?.n ?? 0) === 0 ? [] : await firstCategories(engine, shopId, o.end);
  for (const f of firsts) info.set(f.sku, { sku: f.sku, category: f.category, sellerConsumable: null });
  if (firsts.length > 0) await stageCategories();
  // The category of every SKU bought, by the SKU's integer key, for the passes over the histories.
  await engine.run(
    `CREATE TEMPORARY TABLE rc_kc AS
     SELECT k.si, c.category FROM rc_sku k JOIN rc_cat c ON c.sku = k.sku WHERE c.category IS NOT NULL`,
  );
  const stageHorizon = (table: typeof STAGE_HORIZON_SKU, rows: HorizonRow[]) =>
    stage(engine, table, [rows.map((r) => r.g), rows.map((r) => r.hz)]);
  const { sku: own, category: byCategory } = await evidenceBySkuAndCategory(engine, async (sku, category) => {
    await stageHorizon(STAGE_HORIZON_SKU, sku);
    await stageHorizon(STAGE_HORIZON_CATEGORY, category);
  });
  const distributions = await distributionsBySku(engine);
  // The last read of the purchases: their memory goes back before the predictions are written.
  await engine.run('DROP TABLE rc_h');
  return [...info.values()]
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
    .map((p) =>
      cycleOf(
        p,
        own.get(p.sku) ?? NO_EVIDENCE,
        distributions.get(p.sku) ?? NO_INTERVALS,
        p.category === null ? undefined : byCategory.get(p.category),
        o.thresholds,
      ),
    );
}

/** Per SKU the catalogue lacks, the category of its first purchase in (customer, time) order. */
function firstCategories(
  engine: SqlEngine,
  shopId: string,
  end: Date,
): Promise<{ sku: string; category: string | null }[]> {
  return engine.all<{ sku: string; category: string | null }>(
    `SELECT sku, category FROM (
       SELECT sku, category, ROW_NUMBER() OVER (PARTITION BY sku ORDER BY customer_id COLLATE "C", created_at) AS rn
       FROM (
         SELECT o.customer_id, l.sku, o.created_at, MAX(l.category) AS category
         FROM orders o JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
         WHERE o.shop_id = $1 AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o')} AND l.quantity > 0
           AND o.created_at < ${sqlTimestamp(end)} AND l.sku NOT IN (SELECT sku FROM rc_cat)
         GROUP BY o.customer_id, l.sku, o.created_at) g) x
     WHERE rn = 1`,
    [shopId],
  );
}

interface Factor {
  sku: string;
  m: number;
  mu: number;
  n0: number;
  f: number;
}

/**
 * Per replenishable product with a cycle and per number of intervals m its customers have, the
 * factor of the predictive quantile (`predictiveQuantileFactor`), shared by products with the
 * same shape and prior strength.
 */
async function factorsOf(
  engine: SqlEngine,
  cycles: readonly ProductCycle[],
  level: number,
): Promise<Factor[]> {
  const due = new Map(cycles.filter((c) => c.replenishable && c.cycleDays !== null).map((c) => [c.sku, c]));
  if (due.size === 0) return [];
  const pairs = await engine.all<{ sku: string; m: number }>(
    'SELECT k.sku, p.m FROM (SELECT DISTINCT si, m FROM rc_hist) p JOIN rc_sku k ON k.si = p.si',
  );
  const memo = new Map<string, number>();
  const out: Factor[] = [];
  for (const { sku, m } of pairs) {
    const c = due.get(sku);
    if (c === undefined) continue;
    const k = modelShape(c.regularity);
    const n = c.priorIntervals + Number(m);
    const key = `${k}:${n}`;
    let f = memo.get(key);
    if (f === undefined) {
      f = predictiveQuantileFactor(k, n, level);
      memo.set(key, f);
    }
    out.push({ sku, m: Number(m), mu: c.cycleDays!, n0: c.priorIntervals, f });
  }
  return out;
}

/**
 * Writes every prediction in one statement (as the domain's `predictNext` without an as-of
 * moment): the customer's scale n0·μ + S times the factor, times the quantity last bought, after
 * the last purchase; the shrunk interval rounded to hundredths; the due day in the shop's calendar.
 */
async function writePredictions(
  engine: SqlEngine,
  shopId: string,
  factors: readonly Factor[],
  o: RecomputeInStoreOptions,
): Promise<number> {
  await engine.run('DELETE FROM customer_replenishment WHERE shop_id = $1', [shopId]);
  if (factors.length === 0) return 0;
  await stage(engine, STAGE_FACTORS, [
    factors.map((x) => x.sku),
    factors.map((x) => x.m),
    factors.map((x) => x.mu),
    factors.map((x) => x.n0),
    factors.map((x) => x.f),
  ]);
  await engine.run(
    `INSERT INTO customer_replenishment (shop_id, customer_id, sku, purchases, last_purchase_at, last_quantity,
       interval_days, predicted_at, due_day, computed_at)
     SELECT $1, c.customer_id, p.sku, CAST(n AS INTEGER), last_ts, CAST(last_q AS INTEGER),
       FLOOR(shrunk * 100 + 0.5) / 100, predicted_at,
       CAST(${localDaySql('predicted_at', o.timeZone)} - ${sqlInteger(o.timing.leadDays)} AS VARCHAR), ${sqlTimestamp(o.end)}
     FROM (
       SELECT h.ci, k.sku, h.n, h.last_ts, h.last_q, (f.n0 * f.mu + h.s) / (f.n0 + h.m) AS shrunk,
         to_timestamp((h.last_t + (f.n0 * f.mu + h.s) * f.f * h.last_q * ${DAY_MS}) / 1000) AS predicted_at
       FROM rc_hist h JOIN rc_sku k ON k.si = h.si JOIN rc_factor f ON f.sku = k.sku AND f.m = h.m) p
       JOIN rc_cust c ON c.ci = p.ci`,
    [shopId],
  );
  const [row] = await engine.all<{ n: number }>(
    'SELECT COUNT(*) AS n FROM customer_replenishment WHERE shop_id = $1',
    [shopId],
  );
  return Number(row?.n ?? 0);
}
