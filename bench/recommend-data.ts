/**
 * The recommendation benchmark's shop (DuckDB SQL): `customers` customers, 10,000 products in 500
 * categories of 20, and 10 order lines per customer (3 lines an order) over two years, with a
 * known structure: each customer has a home category and a staple product in it (a consumable,
 * bought again and again), each staple has a partner product bought with it, and a global Zipf
 * popularity fills the rest.
 */
import type { SqlEngine } from '../src/store/engine.js';

export const RECOMMEND_SHOP = 'bench-rec';
/** The data ends here. */
export const RECOMMEND_END = new Date('2026-11-01T00:00:00Z');
export const PRODUCTS = 10_000;
const CATEGORY_SIZE = 20;
const CATEGORIES = PRODUCTS / CATEGORY_SIZE;

const series = (n: number) => `range(CAST(${n} AS BIGINT)) AS g(i)`;
const rnd = (expr: string, salt: number, m: number) =>
  `CAST(hash(${expr} * 1000003 + ${salt}) % ${m} AS BIGINT)`;
const unit = (expr: string, salt: number) => `(CAST(${rnd(expr, salt, 1000003)} AS DOUBLE) / 1000003.0)`;
const sku = (expr: string) => `'P' || lpad(CAST(${expr} AS VARCHAR), 5, '0')`;

export async function generateRecommendShop(
  db: SqlEngine,
  customers: number,
): Promise<{ orders: number; lines: number }> {
  const orders = Math.round((customers * 10) / 3);
  await db.run(
    `INSERT INTO shops (shop_id, name, currency, timezone, created_at)
     VALUES ($1, 'Recommendations benchmark', 'VND', 'Asia/Ho_Chi_Minh', TIMESTAMPTZ '2024-01-01 00:00:00+00')`,
    [RECOMMEND_SHOP],
  );
  await db.run(
    `INSERT INTO products (shop_id, sku, title, category, price, consumable, reorder_cycle_days, image_url)
     SELECT $1, ${sku('g.i')}, 'Sản phẩm ' || CAST(g.i AS VARCHAR), 'cat' || CAST(g.i // ${CATEGORY_SIZE} AS VARCHAR),
       CAST(50000 + (g.i % 40) * 10000 AS DECIMAL(18,2)), g.i % ${CATEGORY_SIZE} < 8,
       CASE WHEN g.i % ${CATEGORY_SIZE} < 8 THEN 30 END, 'https://img.example/' || CAST(g.i AS VARCHAR) || '.jpg'
     FROM ${series(PRODUCTS)}`,
    [RECOMMEND_SHOP],
  );
  await db.run(
    `INSERT INTO customers (shop_id, customer_id, phone, source, accepts_email, created_at, updated_at)
     SELECT $1, 'cus_' || lpad(CAST(g.i AS VARCHAR), 8, '0'), '+849' || lpad(CAST(g.i AS VARCHAR), 8, '0'), 'shopify',
       g.i % 2 = 0, TIMESTAMPTZ '2024-01-01 00:00:00+00', TIMESTAMPTZ '2024-01-01 00:00:00+00'
     FROM ${series(customers)}`,
    [RECOMMEND_SHOP],
  );
  // Order o belongs to customer o % customers; its time is spread over two years.
  await db.run(
    `INSERT INTO orders (shop_id, order_id, source, external_id, customer_id, status, currency,
       subtotal, shipping, taxes, discount, total, refunded, created_at, imported_at)
     SELECT $1, 'ord_' || lpad(CAST(g.i AS VARCHAR), 9, '0'), 'shopify', CAST(g.i AS VARCHAR),
       'cus_' || lpad(CAST(g.i % ${customers} AS VARCHAR), 8, '0'),
       CASE WHEN g.i % 25 = 0 THEN 'returned' ELSE 'delivered' END, 'VND', 0, 0, 0, 0, 300000, 0,
       TIMESTAMPTZ '2024-11-01 00:00:00+00' + ${rnd('g.i', 1, 63072000)} * INTERVAL '1 second',
       TIMESTAMPTZ '2026-11-01 00:00:00+00'
     FROM ${series(orders)}`,
    [RECOMMEND_SHOP],
  );
  const c = `(g.i % ${customers})`;
  const home = `${rnd(c, 2, CATEGORIES)}`;
  const staple = `(${home} * ${CATEGORY_SIZE} + ${rnd(c, 3, 8)})`;
  const partner = `(${home} * ${CATEGORY_SIZE} + 8 + ${rnd(c, 3, 8)})`;
  const inHome = `(${home} * ${CATEGORY_SIZE} + ${rnd('g.i * 3 + k.n', 4, CATEGORY_SIZE)})`;
  const zipf = `CAST(FLOOR(${PRODUCTS} * POW(${unit('g.i * 3 + k.n', 5)}, 3)) AS BIGINT)`;
  const pick = `CASE k.n
      WHEN 0 THEN CASE WHEN ${unit('g.i', 6)} < 0.7 THEN ${staple} ELSE ${inHome} END
      WHEN 1 THEN CASE WHEN ${unit('g.i', 7)} < 0.5 THEN ${partner} ELSE ${inHome} END
      ELSE ${zipf} END`;
  await db.run(
    `INSERT INTO order_lines (shop_id, order_id, line_no, sku, title, category, quantity, price)
     SELECT $1, 'ord_' || lpad(CAST(g.i AS VARCHAR), 9, '0'), CAST(k.n AS INTEGER), ${sku('x.p')}, ${sku('x.p')},
       'cat' || CAST(x.p // ${CATEGORY_SIZE} AS VARCHAR), 1, 100000
     FROM ${series(orders)} CROSS JOIN range(3) AS k(n) CROSS JOIN LATERAL (SELECT ${pick} AS p) x`,
    [RECOMMEND_SHOP],
  );
  return { orders, lines: orders * 3 };
}
