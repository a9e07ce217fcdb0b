/**
 * The ledger's order pass as SQL, for many customers at once (an import, a replay, the nightly
 * pass): the same entries `planOrderEntries` (domain/loyalty/ledger.ts) plans for each order,
 * computed inside the engine from the orders joined to their ledger sums and appended with one
 * statement, so that no order or entry passes through JavaScript. `planOrderEntries` stays the
 * reference; test/loyalty/order-pass.test.ts holds both to the same ledger on both engines.
 */
import { refreshPlannerStatistics, tuneForBulk } from '../bulk.js';
import type { SqlValue } from '../engine.js';
import { skipExisting } from '../flows/columns.js';
import { type IdScope, paramRefs, shopRowsSql } from '../segments/scope.js';
import type { Store } from '../store.js';

/** The per-amount rule's terms, with its rate per tier already worked out (multipliers included). */
export interface SqlEarnTerms {
  ruleId: string;
  programVersion: number;
  includeShipping: boolean;
  /** Points per currency unit for members of these tiers. */
  rateByTier: ReadonlyMap<string, number>;
  /** …and for everyone else (no tier, or a tier no multiplier names). */
  defaultRate: number;
}

export interface SqlOrderPassInput {
  scope: IdScope;
  /** Undefined when the programme has no per-amount rule (orders then earn nothing). */
  terms: SqlEarnTerms | undefined;
  approveOn: 'delivered' | 'paid';
  at: Date;
}

const PLAN = 'loyalty_order_plan';
const DOUBLE = 'DOUBLE PRECISION';
const EPS = `CAST(0.000000001 AS ${DOUBLE})`;

/** `orderPhase` as two columns: why the order is void, why it is confirmed (NULL otherwise). */
function phaseSql(approveOnRef: string): { voidReason: string; confirmReason: string } {
  const voidReason = `CASE WHEN o.status = 'failed_delivery' THEN 'order_failed_delivery'
      WHEN o.status = 'cancelled' OR o.cancelled_at IS NOT NULL THEN 'order_cancelled'
      WHEN o.status = 'returned' THEN 'order_returned'
      WHEN o.status = 'refunded' OR (o.total > 0 AND o.refunded >= o.total) THEN 'order_refunded' END`;
  const confirmReason = `CASE WHEN (${voidReason}) IS NOT NULL THEN NULL
      WHEN o.status = 'delivered' THEN 'order_delivered'
      WHEN o.status = 'paid' AND ${approveOnRef} = 'paid' THEN 'order_paid' END`;
  return { voidReason, confirmReason };
}

/**
 * Appends the order entries of the customers in scope whose source keys the shop does not have
 * yet; returns how many were planned. Run inside a transaction (the plan is a temporary table
 * on one connection, and a table scope lives on it too).
 */
export async function appendOrderEntriesSql(
  store: Store,
  shopId: string,
  input: SqlOrderPassInput,
): Promise<number> {
  const { dialect } = store;
  // PostgreSQL right after an import: fresh statistics (or it nests loops over a million rows)
  // and memory to hash the batch in.
  await tuneForBulk(store.engine);
  await refreshPlannerStatistics(store.engine, ['orders', 'loyalty_ledger', 'loyalty_members']);
  if (dialect === 'postgres' && input.scope.kind === 'table')
    await store.engine.run(`ANALYZE ${input.scope.table}`);
  const params: SqlValue[] = [shopId];
  const orders = shopRowsSql(
    dialect,
    'orders',
    'shop_id, order_id, customer_id, status, total, shipping, refunded, cancelled_at',
    'customer_id',
    input.scope,
    params,
  );
  const ledger = shopRowsSql(dialect, 'loyalty_ledger', '*', 'customer_id', input.scope, params);
  const members = shopRowsSql(
    dialect,
    'loyalty_members',
    'shop_id, customer_id, tier_id',
    'customer_id',
    input.scope,
    params,
  );
  const [approveOn, at] = paramRefs([input.approveOn, input.at], params);
  const { voidReason, confirmReason } = phaseSql(`CAST(${approveOn} AS VARCHAR)`);
  const t = input.terms;
  const rate = t ? rateSql(t, params) : `CAST(NULL AS ${DOUBLE})`;
  const [ruleId, version] = paramRefs([t?.ruleId ?? null, t?.programVersion ?? null], params);
  const newBase = `GREATEST(0, total${t?.includeShipping ? '' : ' - shipping'})`;
  const points = (x: string) => `GREATEST(0, FLOOR(${x} + ${EPS}))`;
  const cut = 'CAST(held - target AS INTEGER)';
  const back = 'CAST(target - held AS INTEGER)';
  await store.engine.run(`DROP TABLE IF EXISTS ${PLAN}`);
  await store.engine.run(
    `CREATE TEMP TABLE ${PLAN} AS
     WITH st AS (
       SELECT source_id,
         SUM(CASE WHEN kind = 'earn' THEN 1 ELSE 0 END) AS earned,
         SUM(CASE WHEN kind = 'approve' THEN 1 ELSE 0 END) AS approved,
         MAX(CASE WHEN kind = 'earn' THEN rate END) AS rate,
         MAX(CASE WHEN kind = 'earn' THEN base END) AS base,
         SUM(points) AS points, SUM(pending) AS pending,
         SUM(CASE WHEN kind = 'reverse' THEN 1 ELSE 0 END) AS reversals
       FROM ${ledger} l WHERE l.source_type = 'order' GROUP BY source_id
     ),
     f AS (
       SELECT o.order_id, o.customer_id,
         CAST(o.total AS ${DOUBLE}) AS total, CAST(o.shipping AS ${DOUBLE}) AS shipping,
         CAST(o.refunded AS ${DOUBLE}) AS refunded,
         ${voidReason} AS void_reason, ${confirmReason} AS confirm_reason,
         COALESCE(st.earned, 0) > 0 AS was_earned, COALESCE(st.approved, 0) > 0 AS approved,
         CAST(COALESCE(st.rate, 0) AS ${DOUBLE}) AS st_rate, CAST(COALESCE(st.base, 0) AS ${DOUBLE}) AS st_base,
         CAST(COALESCE(st.points, 0) AS INTEGER) AS st_points, CAST(COALESCE(st.pending, 0) AS INTEGER) AS st_pending,
         CAST(COALESCE(st.reversals, 0) AS INTEGER) AS reversals,
         ${rate} AS new_rate
       FROM ${orders} o LEFT JOIN st ON st.source_id = o.order_id
         LEFT JOIN ${members} m ON m.customer_id = o.customer_id
     ),
     b AS (SELECT f.*, ${newBase} AS new_base FROM f),
     e AS (
       SELECT b.*, CAST(${points('new_base * new_rate')} AS INTEGER) AS new_pts,
         CASE WHEN was_earned THEN st_rate ELSE new_rate END AS s_rate,
         CASE WHEN was_earned THEN st_base ELSE new_base END AS s_base
       FROM b WHERE was_earned OR (void_reason IS NULL AND new_rate IS NOT NULL)
     ),
     p AS (SELECT e.*, CASE WHEN was_earned THEN st_pending ELSE new_pts END AS s_pending FROM e),
     r AS (
       SELECT p.*, CASE WHEN approved THEN st_points ELSE s_pending END AS held,
         CASE WHEN void_reason IS NOT NULL THEN 0
           ELSE CAST(${points('GREATEST(0, s_base - GREATEST(0, refunded)) * s_rate')} AS INTEGER) END AS target
       FROM p
     ),
     u AS (
       SELECT customer_id, order_id, 'earn:order:' || order_id AS source_key, 'earn' AS kind,
         0 AS points, new_pts AS pending, 'order_placed' AS reason,
         CAST(${ruleId} AS VARCHAR) AS rule_id, CAST(${version} AS INTEGER) AS program_version,
         new_rate AS rate, CAST(new_base AS DECIMAL(18,2)) AS base
       FROM r WHERE NOT was_earned
       UNION ALL
       SELECT customer_id, order_id, 'reverse:order:' || order_id || ':' || CAST(reversals + 1 AS VARCHAR),
         'reverse', CASE WHEN approved THEN -${cut} ELSE 0 END, CASE WHEN approved THEN 0 ELSE -${cut} END,
         COALESCE(void_reason, 'partial_refund'), CAST(NULL AS VARCHAR), CAST(NULL AS INTEGER),
         s_rate, CAST(NULL AS DECIMAL(18,2))
       FROM r WHERE held > target
       UNION ALL
       SELECT customer_id, order_id,
         'restore:order:' || order_id || ':' || CAST(reversals AS VARCHAR) || ':' || CAST(target AS VARCHAR),
         'earn', CASE WHEN approved THEN ${back} ELSE 0 END, CASE WHEN approved THEN 0 ELSE ${back} END,
         'order_restored', CAST(NULL AS VARCHAR), CAST(NULL AS INTEGER), s_rate, CAST(NULL AS DECIMAL(18,2))
       FROM r WHERE void_reason IS NULL AND held < target
       UNION ALL
       SELECT customer_id, order_id, 'approve:order:' || order_id, 'approve',
         target, -target, confirm_reason,
         CAST(NULL AS VARCHAR), CAST(NULL AS INTEGER), s_rate, CAST(NULL AS DECIMAL(18,2))
       FROM r WHERE confirm_reason IS NOT NULL AND NOT approved
     )
     SELECT 'pts_' || md5($1 || ':' || source_key) AS entry_id, source_key, customer_id, kind,
       CAST(points AS INTEGER) AS points, CAST(pending AS INTEGER) AS pending, reason, rule_id, program_version,
       rate, base, 'order' AS source_type, order_id AS source_id, CAST(NULL AS VARCHAR) AS note,
       CAST(${at} AS TIMESTAMPTZ) AS created_at
     FROM u`,
    params,
  );
  const [count] = await store.engine.all<{ n: number | bigint }>(`SELECT COUNT(*) AS n FROM ${PLAN}`);
  const skip = skipExisting(dialect, 'loyalty_ledger', [['source_key']]);
  await store.engine.run(
    `INSERT INTO loyalty_ledger (shop_id, entry_id, source_key, customer_id, kind, points, pending, reason,
       rule_id, program_version, rate, base, source_type, source_id, note, created_at)
     SELECT $1, s.entry_id, s.source_key, s.customer_id, s.kind, s.points, s.pending, s.reason, s.rule_id,
       s.program_version, s.rate, s.base, s.source_type, s.source_id, s.note, s.created_at
     FROM ${PLAN} s ${skip.where} ${skip.onConflict}`,
    [shopId],
  );
  await store.engine.run(`DROP TABLE ${PLAN}`);
  return Number(count?.n ?? 0);
}

/** The earning rate for the customer's tier (`m.tier_id`), multipliers included. */
function rateSql(t: SqlEarnTerms, params: SqlValue[]): string {
  const cast = (ref: string) => `CAST(${ref} AS ${DOUBLE})`;
  const [fallback] = paramRefs([t.defaultRate], params);
  if (t.rateByTier.size === 0) return cast(fallback!);
  const whens = [...t.rateByTier].map(([tier, value]) => {
    const [tierRef, valueRef] = paramRefs([tier, value], params);
    return `WHEN CAST(${tierRef} AS VARCHAR) THEN ${cast(valueRef!)}`;
  });
  return `CASE m.tier_id ${whens.join(' ')} ELSE ${cast(fallback!)} END`;
}

/** A customer's confirmed orders summed (what the once-per-customer rules and spend tiers look at). */
export interface OrderSums {
  /** Confirmed orders (delivered, or paid when the programme approves on payment). */
  confirmed: number;
  /** Their totals net of refunds. */
  spend: number;
  /** The same, for those placed since the tier window's start. */
  windowSpend: number;
}

/** Each customer in scope with orders: their confirmed orders' sums, as `OrderSums`. */
export async function customerOrderSums(
  store: Store,
  shopId: string,
  scope: IdScope,
  approveOn: 'delivered' | 'paid',
  windowStart: Date,
): Promise<Map<string, OrderSums>> {
  const params: SqlValue[] = [shopId];
  const orders = shopRowsSql(
    store.dialect,
    'orders',
    'shop_id, order_id, customer_id, status, total, refunded, cancelled_at, created_at',
    'customer_id',
    scope,
    params,
  );
  const [approveRef, since] = paramRefs([approveOn, windowStart], params);
  const { confirmReason } = phaseSql(`CAST(${approveRef} AS VARCHAR)`);
  const net = `GREATEST(0, CAST(o.total AS ${DOUBLE}) - CAST(o.refunded AS ${DOUBLE}))`;
  const rows = await store.engine.all<{
    customer_id: string;
    confirmed: number | bigint | null;
    spend: number | null;
    window_spend: number | null;
  }>(
    `SELECT customer_id,
       SUM(CASE WHEN c IS NOT NULL THEN 1 ELSE 0 END) AS confirmed,
       SUM(CASE WHEN c IS NOT NULL THEN net ELSE 0 END) AS spend,
       SUM(CASE WHEN c IS NOT NULL AND created_at >= CAST(${since} AS TIMESTAMPTZ) THEN net ELSE 0 END) AS window_spend
     FROM (SELECT o.customer_id, o.created_at, ${confirmReason} AS c, ${net} AS net FROM ${orders} o) x
     GROUP BY customer_id`,
    params,
  );
  return new Map(
    rows.map((r) => [
      r.customer_id,
      {
        confirmed: Number(r.confirmed ?? 0),
        spend: Number(r.spend ?? 0),
        windowSpend: Number(r.window_spend ?? 0),
      },
    ]),
  );
}
