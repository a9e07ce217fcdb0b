import type { ScalarFieldName } from '../../domain/segments/ast.js';

/**
 * The SQL expression of every scalar field of the segment language (the catalog itself, with
 * types and docs, is src/domain/segments/fields.ts).
 *
 * SQL expressions read four relations: `c` (customers), `s` (customer_stats, LEFT JOINed: a
 * customer without a stats row has no orders), `p` (customer_predictions, written by
 * `nurture predict`) and `n` (the customer's latest NPS answer). They
 * are constants of this file; `{today}` and `{tz}` stand for the as-of day and the shop's time
 * zone, which the compiler binds as parameters. No value of a query ever enters SQL text.
 */
export interface FieldSql {
  sql: string;
  /**
   * The same value when the customer is known to have a stats row (the stats joined with an inner
   * join): the bare NOT NULL column, which the engines can filter on while scanning.
   */
  statsRowSql?: string;
}

/** Each scalar field's SQL; a Record, so a field added to the catalog without SQL does not compile. */
export const FIELD_SQL: Readonly<Record<ScalarFieldName, FieldSql>> = {
  number_of_orders: { sql: 'COALESCE(s.orders, 0)', statsRowSql: 's.orders' },
  amount_spent: { sql: 'COALESCE(s.revenue, 0)', statsRowSql: 's.revenue' },
  aov: { sql: 's.aov' },
  first_order_date: { sql: 's.first_order_date' },
  last_order_date: { sql: 's.last_order_date' },
  days_since_last_order: { sql: '({today} - s.last_order_date)' },
  average_days_between_orders: { sql: 's.avg_gap_days' },
  rfm_r: { sql: 's.r' },
  rfm_f: { sql: 's.f' },
  rfm_m: { sql: 's.m' },
  rfm_group: { sql: 's.rfm_group' },
  lifecycle: { sql: 's.lifecycle' },
  value_group: { sql: 's.value_group' },
  referrals: { sql: 's.referrals' },
  nps: { sql: 'n.score' },
  city: { sql: 'c.city' },
  source: { sql: 'c.source' },
  phone: { sql: 'c.phone' },
  email: { sql: 'c.email' },
  customer_added_date: { sql: 'CAST(c.created_at AT TIME ZONE {tz} AS DATE)' },
  referred: { sql: '(c.referred_by IS NOT NULL)' },
  accepts_email: { sql: 'c.accepts_email' },
  accepts_sms: { sql: 'c.accepts_sms' },
  accepts_zalo: { sql: 'c.accepts_zalo' },
  accepts_messenger: { sql: 'c.accepts_messenger' },
  p_alive: { sql: 'p.p_alive' },
  predicted_clv: { sql: 'p.predicted_clv' },
  churn_probability: { sql: 'p.churn_probability' },
  expected_next_order_date: { sql: 'p.expected_next_order_date' },
};
