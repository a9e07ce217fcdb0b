import type { SqlEngine } from '../src/store/engine.js';

export const BENCH_SHOP = 'bench';

/**
 * Generates a shop of `customers` customers and `orders` orders (one line each) inside the engine,
 * with SQL both DuckDB and PostgreSQL run, so the benchmark's data cost nothing to ship. Order
 * counts per customer are skewed (a few heavy buyers, many one-time or no buyers), statuses include
 * COD failures and returns, dates spread over two years.
 */
export async function generateAnalyticsShop(db: SqlEngine, customers: number, orders: number): Promise<void> {
  await db.run(
    `INSERT INTO shops (shop_id, name, currency, timezone, created_at)
     VALUES ($1, 'Benchmark shop', 'VND', 'Asia/Ho_Chi_Minh', TIMESTAMPTZ '2024-01-01 00:00:00+00')`,
    [BENCH_SHOP],
  );
  const series = (n: number) => `generate_series(CAST(0 AS BIGINT), CAST(${n - 1} AS BIGINT)) AS g(i)`;
  const id = (prefix: string, expr: string, width: number) =>
    `'${prefix}' || lpad(CAST(${expr} AS VARCHAR), ${width}, '0')`;
  await db.run(
    `INSERT INTO customers (shop_id, customer_id, source, created_at, updated_at, referred_by, city)
     SELECT $1, ${id('cus_', 'g.i', 8)}, 'shopify',
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + ((g.i * 7919) % 63072000) * INTERVAL '1 second',
       TIMESTAMPTZ '2024-01-01 00:00:00+00',
       CASE WHEN g.i % 10 = 3 THEN ${id('cus_', '(g.i * 31) % ' + customers, 8)} END,
       CASE g.i % 4 WHEN 0 THEN 'Hà Nội' WHEN 1 THEN 'TP. Hồ Chí Minh' WHEN 2 THEN 'Đà Nẵng' ELSE 'Cần Thơ' END
     FROM ${series(customers)}`,
    [BENCH_SHOP],
  );
  // Customer of order i: the square of a uniform draw skews orders toward low customer numbers.
  const draw = `CAST(((g.i * 48271) % 1000003) AS DOUBLE PRECISION) / 1000003.0`;
  const customer = `CAST(FLOOR(${customers} * ${draw} * ${draw}) AS BIGINT)`;
  await db.run(
    `INSERT INTO orders (shop_id, order_id, source, external_id, name, customer_id, status, currency,
       subtotal, shipping, taxes, discount, total, refunded, created_at, imported_at, payment_method)
     SELECT $1, ${id('ord_', 'g.i', 9)}, 'shopify', CAST(g.i AS VARCHAR), NULL, ${id('cus_', customer, 8)},
       CASE WHEN g.i % 20 = 0 THEN 'failed_delivery' WHEN g.i % 50 = 1 THEN 'returned'
            WHEN g.i % 97 = 2 THEN 'cancelled' WHEN g.i % 3 = 0 THEN 'paid' ELSE 'delivered' END,
       'VND', 0, 0, 0, 0,
       CAST(50000 + ((g.i * 7919) % 1950) * 1000 AS DECIMAL(18,2)),
       CAST(CASE WHEN g.i % 40 = 5 THEN 20000 ELSE 0 END AS DECIMAL(18,2)),
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + ((g.i * 104729) % 63072000) * INTERVAL '1 second',
       TIMESTAMPTZ '2026-01-01 00:00:00+00',
       CASE WHEN g.i % 5 < 3 THEN 'cod' ELSE 'bank_transfer' END
     FROM ${series(orders)}`,
    [BENCH_SHOP],
  );
  await db.run(
    `INSERT INTO order_lines (shop_id, order_id, line_no, sku, title, category, quantity, price)
     SELECT $1, ${id('ord_', 'g.i', 9)}, 1, 'SKU-' || CAST(g.i % 40 AS VARCHAR), 'Sản phẩm',
       CASE g.i % 5 WHEN 0 THEN 'printing' WHEN 1 THEN 'beauty' WHEN 2 THEN 'mother-baby' WHEN 3 THEN 'coffee' ELSE 'electronics' END,
       1, CAST(50000 + ((g.i * 7919) % 1950) * 1000 AS DECIMAL(18,2))
     FROM ${series(orders)}`,
    [BENCH_SHOP],
  );
}

/**
 * The engine's limit: the bare aggregation a full recompute cannot beat — valid orders grouped by
 * customer, then quintiles (NTILE) of recency, frequency and money.
 */
export const BARE_RFM_SQL = `SELECT COUNT(*) AS n, SUM(r + f + m) AS checksum FROM (
  SELECT NTILE(5) OVER (ORDER BY last_at) AS r, NTILE(5) OVER (ORDER BY cnt) AS f, NTILE(5) OVER (ORDER BY rev) AS m
  FROM (SELECT customer_id, COUNT(*) AS cnt, SUM(total - refunded) AS rev, MAX(created_at) AS last_at
        FROM orders WHERE shop_id = $1 AND status IN ('paid', 'delivered') GROUP BY customer_id) t) s`;
