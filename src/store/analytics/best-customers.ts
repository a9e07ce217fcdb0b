import type {
  BestCustomers,
  CustomerRow,
  LifecycleStage,
  RfmGroup,
  ValueGroup,
} from '../../domain/analytics/types.js';
import { customerName } from '../../domain/names.js';
import type { SqlEngine } from '../engine.js';
import { splitCategories } from './common.js';

/**
 * Per-customer rows for lists and the CSV export, and seed 002's report of the best customers
 * "by money and by number of orders".
 */

export type CustomerOrder = 'revenue' | 'orders' | 'customer';

/** Order, page and filter of a customer list. */
export interface ListCustomersOptions {
  orderBy?: CustomerOrder;
  limit?: number;
  offset?: number;
  /** Only customers with at least one valid order. */
  buyersOnly?: boolean;
}

const ORDER_BY: Record<CustomerOrder, string> = {
  revenue: 's.revenue DESC, s.orders DESC, s.customer_id',
  orders: 's.orders DESC, s.revenue DESC, s.customer_id',
  customer: 's.customer_id',
};

type Row = {
  customer_id: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
  orders: number;
  revenue: number;
  aov: number | null;
  first_order_at: Date | null;
  last_order_at: Date | null;
  recency_days: number | null;
  avg_gap_days: number | null;
  categories: string | null;
  r: number | null;
  f: number | null;
  m: number | null;
  rfm_group: string | null;
  lifecycle: string | null;
  referred: boolean;
  value_group: string | null;
};

/** Customers with their stats, scores and groups (as of the last `recomputeScores`). */
export async function listCustomerRows(
  engine: SqlEngine,
  shopId: string,
  options: ListCustomersOptions = {},
): Promise<CustomerRow[]> {
  const limit = options.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
  const offset = options.offset === undefined ? '' : ` OFFSET ${Math.max(0, Math.floor(options.offset))}`;
  const rows = await engine.all<Row>(
    `SELECT s.customer_id, c.first_name, c.last_name, c.phone, c.email, s.orders, s.revenue, s.aov,
       s.first_order_at, s.last_order_at, s.recency_days, s.avg_gap_days, s.categories, s.r, s.f, s.m,
       s.rfm_group, s.lifecycle, s.referred, s.value_group
     FROM customer_stats s JOIN customers c ON c.shop_id = s.shop_id AND c.customer_id = s.customer_id
     WHERE s.shop_id = $1${options.buyersOnly ? ' AND s.orders > 0' : ''}
     ORDER BY ${ORDER_BY[options.orderBy ?? 'customer']}${limit}${offset}`,
    [shopId],
  );
  return rows.map(toCustomerRow);
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toCustomerRow(r: Row): CustomerRow {
  return {
    customerId: r.customer_id,
    name: customerName(r.first_name, r.last_name),
    phone: r.phone,
    email: r.email,
    orders: Number(r.orders),
    revenue: Number(r.revenue),
    aov: num(r.aov),
    firstOrderAt: r.first_order_at,
    lastOrderAt: r.last_order_at,
    recencyDays: num(r.recency_days),
    avgGapDays: num(r.avg_gap_days),
    categories: splitCategories(r.categories),
    r: num(r.r),
    f: num(r.f),
    m: num(r.m),
    rfmGroup: r.rfm_group as RfmGroup | null,
    lifecycle: r.lifecycle as LifecycleStage | null,
    referred: r.referred,
    valueGroup: r.value_group as ValueGroup | null,
  };
}

/** The top `limit` customers by lifetime revenue and by number of valid orders. */
export async function bestCustomers(engine: SqlEngine, shopId: string, limit = 10): Promise<BestCustomers> {
  return {
    byRevenue: await listCustomerRows(engine, shopId, { orderBy: 'revenue', limit, buyersOnly: true }),
    byOrders: await listCustomerRows(engine, shopId, { orderBy: 'orders', limit, buyersOnly: true }),
  };
}
