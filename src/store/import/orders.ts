/** Orders and order lines of an import batch: new ones inserted, known ones rewritten when they changed. */
import { type OrderColumns, orderLineCategories } from '../../domain/order-columns.js';
import { NurtureError } from '../../errors.js';
import type { SqlEngine } from '../engine.js';
import { STAGE_KEYS, STAGE_LINES, STAGE_ORDERS, stage } from '../staging.js';
import { withCatalogueCategories } from './catalogue.js';
import { writeProducts } from './products.js';
import type { ImportContext, ImportSession } from './session.js';
import { money } from './staged-columns.js';

const ts = (c: string): string => `to_timestamp(${c} / 1000.0)`;

/** Each order column and the expression that computes it from stage_orders. */
const ORDER_VALUES: readonly (readonly [string, string])[] = [
  ['name', 'name'],
  ['customer_id', 'customer_id'],
  ['status', 'status'],
  ['financial_status', 'financial_status'],
  ['fulfillment_status', 'fulfillment_status'],
  ['payment_method', 'payment_method'],
  ['currency', 'currency'],
  ...['subtotal', 'shipping', 'taxes', 'discount', 'total', 'refunded'].map((c) => [c, money(c)] as const),
  ['coupon_code', 'coupon_code'],
  ['tags', 'tags'],
  ['line_categories', 'line_categories'],
  ['created_at', ts('created_ms')],
  ['paid_at', ts('paid_ms')],
  ['cancelled_at', ts('cancelled_ms')],
];
const ORDER_FIELDS = ORDER_VALUES.map(([f]) => f);
const ORDER_SELECT = ORDER_VALUES.map(([f, e]) => `${e} AS ${f}`).join(', ');

/** Writes the batch's orders and lines; returns the previous owners of orders that changed hands. */
export async function writeOrders(
  db: SqlEngine,
  shopId: string,
  orders: OrderColumns,
  customerOf: (i: number) => string,
  ctx: ImportContext,
): Promise<string[]> {
  const n = orders.length;
  if (n === 0) return [];
  refuseRepeatedOrders(orders);
  // SKUs first met here join the catalogue first, so that their lines' categories below are the
  // catalogue's as a later re-import would find it.
  await writeProducts(db, shopId, orders, ctx.session);
  const lineCategory = await withCatalogueCategories(db, shopId, orders, ctx.session);
  const existing = await existingOrderIds(db, shopId, orders, ctx.session);
  const orderIds: string[] = [];
  const customerIds: string[] = [];
  const known: boolean[] = [];
  const previousOwners: string[] = [];
  for (let i = 0; i < n; i++) {
    const stored =
      existing.size > 0 ? existing.get(orderKey(orders.source[i]!, orders.externalId[i]!)) : undefined;
    orderIds.push(stored?.orderId ?? ctx.newOrderId());
    customerIds.push(customerOf(i));
    known.push(stored !== undefined);
    if (stored !== undefined && stored.customerId !== customerOf(i)) previousOwners.push(stored.customerId);
  }
  // Column arrays go to staging as they are: no row objects.
  await stage(db, STAGE_ORDERS, [
    orderIds,
    orders.source,
    orders.externalId,
    orders.name,
    customerIds,
    orders.status,
    orders.financialStatus,
    orders.fulfillmentStatus,
    orders.paymentMethod,
    orders.currency,
    orders.subtotal,
    orders.shipping,
    orders.taxes,
    orders.discount,
    orders.total,
    orders.refunded,
    orders.couponCode,
    orders.tags,
    orderLineCategories({ ...orders, lineCategory: lineCategory.categories }),
    Array.from(orders.createdMs),
    nullableNumbers(orders.paidMs),
    nullableNumbers(orders.cancelledMs),
    known,
  ]);
  await stage(db, STAGE_LINES, [
    lineOrderIds(orders.lineStart, orderIds),
    lineNumbers(orders.lineStart),
    orders.lineSku,
    orders.lineTitle,
    lineCategory.categories,
    lineCategory.fromCatalogue,
    Array.from(orders.lineQuantity),
    orders.linePrice,
  ]);
  // New orders: a plain insert, the fast path of a first import.
  await db.run(
    `INSERT INTO orders (shop_id, order_id, source, external_id, ${ORDER_FIELDS.join(', ')}, imported_at)
     SELECT $1, order_id, source, external_id, ${ORDER_SELECT}, $2 FROM stage_orders WHERE NOT known`,
    [shopId, ctx.now],
  );
  const lines = `INSERT INTO order_lines (shop_id, order_id, line_no, sku, title, category, catalogue_category,
       quantity, price)
     SELECT $1, l.order_id, l.line_no, l.sku, l.title, l.category, l.catalogue_category, l.quantity,
       ${money('l.price')}
     FROM stage_lines l`;
  if (existing.size === 0) {
    // Every order is new: all lines go in, without a join.
    await db.run(lines, [shopId]);
  } else {
    await db.run('CREATE TEMPORARY TABLE IF NOT EXISTS stage_changed (order_id VARCHAR)');
    await db.run('DELETE FROM stage_changed');
    await updateKnownOrders(db, shopId, ctx.now);
    await db.run(
      `${lines} JOIN stage_orders o ON o.order_id = l.order_id
       WHERE NOT o.known OR o.order_id IN (SELECT order_id FROM stage_changed)`,
      [shopId],
    );
  }
  return previousOwners;
}

/** NaN (absent) as null. */
function nullableNumbers(values: Float64Array): (number | null)[] {
  return Array.from(values, (v) => (Number.isNaN(v) ? null : v));
}

/** The order id of every line. */
function lineOrderIds(lineStart: Int32Array, orderIds: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < orderIds.length; i++)
    for (let l = lineStart[i]!; l < lineStart[i + 1]!; l++) out.push(orderIds[i]!);
  return out;
}

/** Line numbers, from 1 within each order. */
function lineNumbers(lineStart: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < lineStart.length; i++)
    for (let l = lineStart[i]!; l < lineStart[i + 1]!; l++) out.push(l - lineStart[i]! + 1);
  return out;
}

const orderKey = (source: string, externalId: string): string => `${source}\u0000${externalId}`;

/**
 * Stored orders among the batch's, by (source, external id). A store that had orders before the
 * import is asked about all of them; on a first import into an empty shop only an order whose key
 * hash this import wrote before can exist (a repeat of an earlier batch's order, which then
 * updates it as a re-import would), so most batches ask nothing.
 */
async function existingOrderIds(
  db: SqlEngine,
  shopId: string,
  orders: OrderColumns,
  session: ImportSession,
): Promise<Map<string, { orderId: string; customerId: string }>> {
  const ask: number[] = [];
  for (let i = 0; i < orders.length; i++) {
    const hash = orderKeyHash(orders.source[i]!, orders.externalId[i]!);
    if (session.storeHadOrders || session.orderHashes.has(hash)) ask.push(i);
    if (!session.storeHadOrders) session.orderHashes.add(hash);
  }
  if (ask.length === 0) return new Map();
  await stage(db, STAGE_KEYS, [ask.map((i) => orders.source[i]!), ask.map((i) => orders.externalId[i]!)]);
  const rows = await db.all<{ source: string; external_id: string; order_id: string; customer_id: string }>(
    `SELECT o.source, o.external_id, o.order_id, o.customer_id FROM orders o
     JOIN stage_keys k ON o.source = k.kind AND o.external_id = k.value WHERE o.shop_id = $1`,
    [shopId],
  );
  return new Map(
    rows.map((r) => [orderKey(r.source, r.external_id), { orderId: r.order_id, customerId: r.customer_id }]),
  );
}

/**
 * One batch names each order once: two rows for one (source, external id) would both be new (or
 * both update the same order), and which one should win is not the writer's to guess. The keys
 * on PostgreSQL would refuse it too; DuckDB has none on orders (migration 006).
 */
function refuseRepeatedOrders(orders: OrderColumns): void {
  const seen = new Set<string>();
  for (let i = 0; i < orders.length; i++) {
    const key = orderKey(orders.source[i]!, orders.externalId[i]!);
    if (seen.has(key))
      throw new NurtureError(
        'invalid_input',
        `order ${orders.externalId[i]!} (${orders.source[i]!}) appears twice in one import batch`,
      );
    seen.add(key);
  }
}

/** A 52-bit hash of an order key (two 26-bit FNV-1a halves): collisions only cost a lookup. */
function orderKeyHash(source: string, externalId: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const mix = (s: string) => {
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
  };
  mix(source);
  mix('\u0000');
  mix(externalId);
  return (a >>> 6) * 0x4000000 + (b >>> 6);
}

/**
 * Orders seen before: rewrite only those that differ, and replace their lines (lines have no
 * identity of their own). An unchanged re-import writes nothing.
 */
async function updateKnownOrders(db: SqlEngine, shopId: string, now: Date): Promise<void> {
  const incoming = `SELECT order_id AS sid, ${ORDER_SELECT} FROM stage_orders WHERE known`;
  const fieldsDiffer = ORDER_FIELDS.map((f) => `o.${f} IS DISTINCT FROM n.${f}`).join(' OR ');
  const knownIds = 'SELECT order_id FROM stage_orders WHERE known';
  const staged = `SELECT order_id, line_no, sku, title, category, catalogue_category, quantity,
      ${money('price')} AS price
    FROM stage_lines WHERE order_id IN (${knownIds})`;
  const stored = `SELECT order_id, line_no, sku, title, category, catalogue_category, quantity, price
    FROM order_lines WHERE shop_id = $1 AND order_id IN (${knownIds})`;
  // Lines differ when either side has a line the other lacks (EXCEPT compares NULLs as equal).
  await db.run(
    `INSERT INTO stage_changed (order_id)
     SELECT o.order_id FROM orders o JOIN (${incoming}) n ON n.sid = o.order_id
     WHERE o.shop_id = $1 AND (${fieldsDiffer})
     UNION
     SELECT order_id FROM ((${staged} EXCEPT ${stored}) UNION ALL (${stored} EXCEPT ${staged})) d`,
    [shopId],
  );
  await db.run(
    `UPDATE orders SET ${ORDER_FIELDS.map((f) => `${f} = n.${f}`).join(', ')}, imported_at = $2
     FROM (${incoming} AND order_id IN (SELECT order_id FROM stage_changed)) n
     WHERE orders.shop_id = $1 AND orders.order_id = n.sid`,
    [shopId, now],
  );
  await db.run(
    'DELETE FROM order_lines WHERE shop_id = $1 AND order_id IN (SELECT order_id FROM stage_changed)',
    [shopId],
  );
}
