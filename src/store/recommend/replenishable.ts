/**
 * The one place that decides whether a product is replenishable (bought again on a rhythm) and
 * its interval, for the personal list's repeat part and its "you buy this every ~N days" reason.
 *
 * The live lists take the learned reorder cycles (table product_reorder_cycles, docs/recommend.md
 * "Reorder cycles": thresholds, category backoff, quantity-normalised intervals) where they exist;
 * a product they have not seen, and every evaluation scope (a time split must not see the cycles
 * learned from the whole history), fall back to the recompute's own estimate (`replenishableSql`,
 * stored in rec_products).
 */

/** The thresholds of the recompute's own estimate. */
export const REPLENISHABLE_RULE = {
  /** At least this many customers bought the product in two or more orders… */
  minRepeatBuyers: 3,
  /** …and they are at least this share of its buyers. */
  minRepeatShare: 0.2,
} as const;

/**
 * SQL expression over rec_products' inputs: a consumable with a reorder cycle set by the seller
 * or the catalogue, or a product whose buyers come back (the thresholds above).
 */
export function replenishableSql(c: {
  buyers: string;
  repeatBuyers: string;
  consumable: string;
  cycleDays: string;
}): string {
  const r = REPLENISHABLE_RULE;
  return `((${c.consumable} AND ${c.cycleDays} IS NOT NULL) OR (${c.repeatBuyers} >= ${r.minRepeatBuyers}
    AND CAST(${c.repeatBuyers} AS DOUBLE PRECISION) >= ${r.minRepeatShare} * ${c.buyers}))`;
}

/**
 * SQL relation (sku, replenishable, interval_days) of the shop `$1` for a recompute scope (a
 * quoted literal): what the personal list treats as replenishable and its interval.
 */
export function replenishmentRelation(scopeLiteral: string): string {
  return `(SELECT r.sku, COALESCE(c.replenishable, r.replenishable) AS replenishable,
      CASE WHEN c.sku IS NOT NULL THEN COALESCE(c.cycle_days, c.median_interval_days)
        ELSE COALESCE(r.cycle_days, r.median_interval_days) END AS interval_days
    FROM rec_products r
    LEFT JOIN product_reorder_cycles c ON c.shop_id = r.shop_id AND c.sku = r.sku AND r.scope = 'live'
    WHERE r.shop_id = $1 AND r.scope = ${scopeLiteral})`;
}
