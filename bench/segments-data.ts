import type { SqlEngine } from '../src/store/engine.js';
import { lineCategoriesBackfillSql } from '../src/store/migrations/008-order-line-categories.js';

export const SEGMENTS_SHOP = 'bench';

/** Products of the benchmark shop (the demo shop's catalog): sku → category. */
const PRODUCTS: readonly [string, string][] = [
  ['PRN-TH80', 'printing'],
  ['PRN-TH58', 'printing'],
  ['PRN-LSR', 'printing'],
  ['PAP-A6-500', 'printing'],
  ['PAP-A7-1000', 'printing'],
  ['PAP-A4-500', 'printing'],
  ['INK-TN', 'printing'],
  ['BT-SERUM-C', 'beauty'],
  ['BT-CLEANSER', 'beauty'],
  ['BT-SUNSCREEN', 'beauty'],
  ['BT-GIFTSET', 'beauty'],
  ['MB-MILK-1', 'mother-baby'],
  ['MB-DIAPER-M', 'mother-baby'],
  ['MB-WIPES', 'mother-baby'],
  ['MB-STROLLER', 'mother-baby'],
  ['CF-ROBUSTA', 'coffee'],
  ['CF-ARABICA', 'coffee'],
  ['CF-CULI', 'coffee'],
  ['EL-EARBUDS', 'electronics'],
  ['EL-POWERBANK', 'electronics'],
];

const CAMPAIGNS = ['tet-2026', 'sale-3-3', 'sale-6-6', 'black-friday', 'ban-tin-2026-08'];

const series = (n: number) => `range(CAST(${n} AS BIGINT)) AS g(i)`;
const id = (prefix: string, expr: string, width: number) =>
  `'${prefix}' || lpad(CAST(${expr} AS VARCHAR), ${width}, '0')`;
/** A pseudo-random integer in [0, m) from a row number and a salt. */
const rnd = (salt: number, m: number) => `CAST(hash(g.i * 1000003 + ${salt}) % ${m} AS BIGINT)`;
const pick = (values: readonly string[], salt: number) =>
  `(CASE ${rnd(salt, values.length)} ${values.map((v, i) => `WHEN ${i} THEN '${v}'`).join(' ')} END)`;

/**
 * A shop of `customers` customers (DuckDB SQL): orders (1.5 per customer, skewed: many one-time
 * or no buyers, a few heavy ones) with two lines each, storefront and message events (3 per
 * customer) with JSON properties, tags and consent. Stats and scores are computed afterwards by
 * the analytics, as a real shop's are.
 */
export async function generateSegmentsShop(db: SqlEngine, customers: number): Promise<void> {
  const orders = Math.round(customers * 1.5);
  const events = customers * 3;
  await db.run(
    `INSERT INTO shops (shop_id, name, currency, timezone, created_at)
     VALUES ($1, 'Segments benchmark', 'VND', 'Asia/Ho_Chi_Minh', TIMESTAMPTZ '2024-01-01 00:00:00+00')`,
    [SEGMENTS_SHOP],
  );
  await db.run(
    `INSERT INTO customers (shop_id, customer_id, first_name, last_name, phone, email, city, country, source,
       accepts_email, accepts_sms, accepts_zalo, accepts_messenger, referred_by, created_at, updated_at)
     SELECT $1, ${id('cus_', 'g.i', 8)}, 'Khách ' || CAST(g.i AS VARCHAR), ${pick(['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng'], 1)},
       '+849' || lpad(CAST(g.i AS VARCHAR), 8, '0'),
       CASE WHEN ${rnd(2, 10)} < 6 THEN 'khach' || CAST(g.i AS VARCHAR) || '@example.vn' END,
       ${pick(['Hà Nội', 'TP. Hồ Chí Minh', 'Đà Nẵng', 'Cần Thơ', 'Hải Phòng'], 3)}, 'VN',
       ${pick(['shopify', 'haravan', 'shopee', 'lazada'], 4)},
       ${rnd(5, 10)} < 5, ${rnd(6, 10)} < 3, ${rnd(7, 10)} < 4, CASE WHEN ${rnd(8, 10)} < 2 THEN TRUE END,
       CASE WHEN ${rnd(9, 10)} = 0 THEN ${id('cus_', rnd(10, customers), 8)} END,
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + ${rnd(11, 63072000)} * INTERVAL '1 second',
       TIMESTAMPTZ '2024-01-01 00:00:00+00'
     FROM ${series(customers)}`,
    [SEGMENTS_SHOP],
  );
  await db.run(
    `INSERT INTO customer_tags (shop_id, customer_id, tag)
     SELECT $1, ${id('cus_', 'g.i', 8)}, CASE WHEN ${rnd(12, 20)} < 3 THEN 'vip' ELSE 'wholesale' END
     FROM ${series(customers)} WHERE ${rnd(13, 5)} = 0`,
    [SEGMENTS_SHOP],
  );
  // The square of a uniform draw skews orders toward low customer numbers.
  const draw = `(CAST(${rnd(14, 1000003)} AS DOUBLE) / 1000003.0)`;
  await db.run(
    `INSERT INTO orders (shop_id, order_id, source, external_id, customer_id, status, currency,
       subtotal, shipping, taxes, discount, total, refunded, created_at, imported_at, payment_method)
     SELECT $1, ${id('ord_', 'g.i', 9)}, 'shopify', CAST(g.i AS VARCHAR),
       ${id('cus_', `CAST(FLOOR(${customers} * ${draw} * ${draw}) AS BIGINT)`, 8)},
       CASE WHEN g.i % 20 = 0 THEN 'failed_delivery' WHEN g.i % 50 = 1 THEN 'returned'
            WHEN g.i % 3 = 0 THEN 'paid' ELSE 'delivered' END,
       'VND', 0, 0, 0, 0, CAST(50000 + ${rnd(15, 1950)} * 1000 AS DECIMAL(18,2)), 0,
       TIMESTAMPTZ '2024-11-01 00:00:00+00' + ${rnd(16, 63072000)} * INTERVAL '1 second',
       TIMESTAMPTZ '2026-11-01 00:00:00+00', CASE WHEN g.i % 5 < 3 THEN 'cod' ELSE 'bank_transfer' END
     FROM ${series(orders)}`,
    [SEGMENTS_SHOP],
  );
  await db.run(
    `INSERT INTO order_lines (shop_id, order_id, line_no, sku, title, category, quantity, price)
     SELECT $1, ${id('ord_', 'g.i', 9)}, k.n, p.sku, p.sku, p.category, 1, 100000
     FROM ${series(orders)} CROSS JOIN range(2) AS k(n)
     JOIN (VALUES ${PRODUCTS.map(([s, c], i) => `(${i}, '${s}', '${c}')`).join(', ')}) AS p(idx, sku, category)
       ON p.idx = CAST(hash(g.i * 7 + k.n) % ${PRODUCTS.length} AS BIGINT)`,
    [SEGMENTS_SHOP],
  );
  // The import writer sets each order's line categories with its lines; here they follow the lines.
  await db.run(lineCategoriesBackfillSql(db.dialect));
  const name = `CASE WHEN ${rnd(17, 100)} < 50 THEN 'Product Viewed' WHEN ${rnd(17, 100)} < 65 THEN 'Product Added'
    WHEN ${rnd(17, 100)} < 85 THEN 'Message Opened' WHEN ${rnd(17, 100)} < 96 THEN 'Message Clicked' ELSE 'Message Declined' END`;
  await db.run(
    `INSERT INTO events (shop_id, event_id, dedupe_key, name, customer_id, occurred_at, properties)
     SELECT $1, ${id('evt_', 'g.i', 10)}, CAST(g.i AS VARCHAR), e.name, ${id('cus_', rnd(18, customers), 8)},
       TIMESTAMPTZ '2025-05-01 00:00:00+00' + ${rnd(19, 47304000)} * INTERVAL '1 second',
       CASE WHEN e.name LIKE 'Product%'
         THEN '{"sku":"' || p.sku || '","category":"' || p.category || '"}'
         ELSE '{"campaign":"' || ${pick(CAMPAIGNS, 20)} || '","channel":"' || ${pick(['email', 'zalo', 'sms'], 21)} || '"}' END
     FROM ${series(events)}
     CROSS JOIN LATERAL (SELECT ${name} AS name) e
     JOIN (VALUES ${PRODUCTS.map(([s, c], i) => `(${i}, '${s}', '${c}')`).join(', ')}) AS p(idx, sku, category)
       ON p.idx = ${rnd(22, PRODUCTS.length)}`,
    [SEGMENTS_SHOP],
  );
}

/** The moment the benchmark evaluates segments at (the data ends at 1 Nov 2026). */
export const SEGMENTS_AS_OF = new Date('2026-11-01T03:00:00Z');

/** The measured count query: five conditions, one products_purchased and one relative date. */
export const COUNT_QUERY =
  "number_of_orders >= 2 AND amount_spent > 1000000 AND last_order_date < -30d AND products_purchased(category: 'printing', since: -180d) AND consent CONTAINS 'zalo'";

/** The same count written by hand (literals inline): the baseline of the compiled query. */
export const COUNT_BASELINE = `SELECT COUNT(*) AS n FROM customers c
  JOIN customer_stats s ON s.shop_id = c.shop_id AND s.customer_id = c.customer_id
  WHERE c.shop_id = 'bench' AND c.merged_into IS NULL AND s.orders >= 2 AND s.revenue > 1000000
    AND s.last_order_date < DATE '2026-10-02' AND c.accepts_zalo
    AND c.customer_id IN (SELECT o.customer_id FROM orders o JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
      WHERE o.shop_id = 'bench' AND o.status IN ('paid', 'delivered') AND (o.refunded < o.total OR o.total = 0)
        AND l.category = 'printing' AND o.created_at >= TIMESTAMPTZ '2026-05-04 17:00:00+00')`;

/** Twenty segments a shop could have, from the seeds. */
export const BENCH_SEGMENTS: readonly [string, string][] = [
  ['Khách rời bỏ 90 ngày', 'number_of_orders >= 1 AND last_order_date < -90d'],
  ['Khách mới tháng này', 'first_order_date >= -30d'],
  ['Mua lại 2+ lần', 'number_of_orders >= 2'],
  ['VIP chi tiêu cao', 'amount_spent >= 5000000'],
  ['AOV cao', 'aov >= 1500000 AND number_of_orders >= 2'],
  ['Khách trung thành', "lifecycle = 'Khách hàng trung thành'"],
  ['Cần lôi kéo', "value_group = 'win_back'"],
  ['Sắp mất', "rfm_group IN ('at_risk', 'almost_lost')"],
  ['Nhắc giấy in 7 ngày', "products_purchased(category: 'printing', since: -7d, until: -7d)"],
  ['Mua máy in 30 ngày', "products_purchased(sku: ('PRN-TH80', 'PRN-TH58', 'PRN-LSR'), since: -30d)"],
  ['Mẹ và bé mua lại', "products_purchased(category: 'mother-baby', count >= 2)"],
  ['Xem sản phẩm nhiều', "performed('Product Viewed', within: 30d, count >= 2)"],
  ['Mở Zalo', "opened(channel: 'zalo', within: 90d)"],
  ['Từ chối nhiều', 'declined(within: 365d, count >= 2)'],
  ['Thẻ VIP', "tags CONTAINS 'vip'"],
  ['Zalo được phép', "consent CONTAINS 'zalo' AND number_of_orders >= 1"],
  ['Hà Nội chi tiêu', "city = 'Hà Nội' AND amount_spent > 2000000"],
  ['Được giới thiệu', 'referred = true AND number_of_orders >= 1'],
  ['Không mua 1 năm', 'days_since_last_order > 365'],
  ['Sàn TMĐT', "source IN ('shopee', 'lazada') AND last_order_date >= -60d"],
];
