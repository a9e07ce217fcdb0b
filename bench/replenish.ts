/**
 * `npm run bench -- replenish [--products 10000] [--customers 200000] [--lines 2000000] [--recompute-only]`
 *
 * 1. The full recompute of the reorder cycles (`recomputeReorderCycles`: read the valid purchases,
 *    learn every product's cycle and every customer's prediction, rewrite both tables) on a
 *    synthetic DuckDB shop of `--lines` order lines (one line per order) over `--products` SKUs
 *    with cycles of 5–64 days and Erlang-like regular intervals. Baseline in the same run: the bare
 *    aggregation the recompute cannot do without (valid orders joined with their lines, grouped by
 *    SKU: buyers and lines), and the bare read of the purchases. Peak RSS of the process.
 * 2. The evaluation (`nurture products replenishment --evaluate`) on the same shop, and on the
 *    generated shop with known cycles (src/ingest/demo/cycle-shop.ts): MAE of Nurture against the
 *    product-median baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext } from '../src/app/context.js';
import { evaluateShopReplenishment, recomputeReorderCycles } from '../src/app/replenishment.js';
import { evaluateReplenishment } from '../src/domain/replenish/evaluate.js';
import { DEFAULT_REPLENISH_THRESHOLDS, DEFAULT_REPLENISH_TIMING } from '../src/domain/replenish/types.js';
import { CYCLE_PRODUCTS, generateCycleShop } from '../src/ingest/demo/cycle-shop.js';
import { readPurchases } from '../src/store/replenish/index.js';
import { openStore } from '../src/store/store.js';
import { fmt, machine, markdownTable, peakRssMiB, timed } from './util.js';

const SHOP = 'bench';

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1] ?? fallback) : fallback;
}

export async function benchReplenish(argv: string[]): Promise<void> {
  const products = option(argv, '--products', 10_000);
  const customers = option(argv, '--customers', 200_000);
  const lines = option(argv, '--lines', 2_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'nurture-bench-replenish-'));
  const store = await openStore({ db: join(dir, 'bench.duckdb') });
  try {
    await store.ensureShop({ shopId: SHOP });
    const gen = await timed(() => generate(store, products, customers, lines));
    process.stdout.write(`generated ${lines} order lines in ${fmt(gen.seconds, 1)} s\n`);
    const ctx = makeContext(store, { clock: { now: () => new Date('2026-12-01T00:00:00Z') } });
    const bare = await timed(() =>
      store.engine.all(
        `SELECT l.sku, COUNT(DISTINCT o.customer_id) AS buyers, COUNT(*) AS n
         FROM orders o JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
         WHERE o.shop_id = $1 AND o.status IN ('paid', 'delivered') AND l.sku IS NOT NULL GROUP BY l.sku`,
        [SHOP],
      ),
    );
    if (argv.includes('--recompute-only')) {
      // At 10,000,000 lines the JavaScript read and the evaluation alone take minutes: the recompute only.
      const only = await timed(() => recomputeReorderCycles(ctx, { shopId: SHOP }));
      const r = only.value;
      process.stdout.write(
        `\n${machine()}; ${products} products, ${customers} customers, ${lines} order lines\n\n${markdownTable(
          ['what', 'seconds'],
          [
            ['bare aggregation (buyers and lines per SKU)', fmt(bare.seconds)],
            [
              `full recompute: ${r.products} cycles, ${r.replenishable} replenishable, ${r.predictions} predictions`,
              fmt(only.seconds),
            ],
            [
              '… of which read / learn / write',
              `${r.seconds.read} / ${r.seconds.learn} / ${r.seconds.write}`,
            ],
          ],
        )}\n\npeak RSS ${fmt(peakRssMiB(), 0)} MiB\n`,
      );
      return;
    }
    const read = await timed(() => readPurchases(store, SHOP, new Date('2026-12-01T00:00:00Z')));
    const purchases = read.value.length;
    read.value.length = 0;
    const full = await timed(() => recomputeReorderCycles(ctx, { shopId: SHOP }));
    const evaluation = await timed(() => evaluateShopReplenishment(ctx, { shopId: SHOP }));
    const until = new Date('2026-10-31T17:00:00Z');
    const shop = generateCycleShop({ customers: 5000, seed: 1, days: 540, until });
    const generated = evaluateReplenishment(
      shop.orders
        .filter((o) => o.status === 'delivered')
        .flatMap((o) =>
          o.lines.map((l) => ({
            customerId: o.customer.externalId ?? '',
            sku: l.sku ?? '',
            category: l.category ?? null,
            at: o.createdAt.getTime(),
            quantity: l.quantity,
          })),
        ),
      CYCLE_PRODUCTS.map((p) => ({ sku: p.sku, category: p.category, sellerConsumable: null })),
      new Date(until.getTime() - 120 * 86_400_000),
      DEFAULT_REPLENISH_THRESHOLDS,
      DEFAULT_REPLENISH_TIMING,
    );
    const r = full.value;
    process.stdout.write(
      `\n${machine()}; ${products} products, ${customers} customers, ${lines} order lines (${purchases} purchases)\n\n${markdownTable(
        ['what', 'seconds'],
        [
          ['bare aggregation (buyers and lines per SKU)', fmt(bare.seconds)],
          ['bare read of the purchases', fmt(read.seconds)],
          [
            `full recompute: ${r.products} cycles, ${r.replenishable} replenishable, ${r.predictions} predictions`,
            fmt(full.seconds),
          ],
          ['… of which read / learn / write', `${r.seconds.read} / ${r.seconds.learn} / ${r.seconds.write}`],
          [
            `evaluation (split ${evaluation.value.splitDay}, ${evaluation.value.pairs} pairs)`,
            fmt(evaluation.seconds),
          ],
        ],
      )}\n\npeak RSS ${fmt(peakRssMiB(), 0)} MiB\n\n${markdownTable(
        ['shop', 'pairs', 'MAE Nurture (days)', 'MAE product median (days)'],
        [
          [
            'bench shop',
            evaluation.value.pairs,
            `${evaluation.value.maeDays}`,
            `${evaluation.value.baselineMaeDays}`,
          ],
          [
            'generated, known cycles (5,000 customers)',
            generated.pairs,
            `${generated.maeDays}`,
            `${generated.baselineMaeDays}`,
          ],
        ],
      )}\n`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Orders of one line each, written by SQL: customer c buys product p(c) (and every fifth customer
 * a second one) over and over, each product with its own cycle of 5–64 days and intervals of
 * ±30 % around it, one unit each; 5 % fail on delivery.
 */
/** Also used to profile the recompute on a kept database. */
export async function generate(
  store: Awaited<ReturnType<typeof openStore>>,
  products: number,
  customers: number,
  lines: number,
): Promise<void> {
  const e = store.engine;
  await e.run(
    `INSERT INTO products (shop_id, sku, title, category, consumable)
     SELECT $1, 'SKU-' || i, 'Sản phẩm ' || i, 'cat-' || (i % 200), FALSE FROM range(${products}) t(i)`,
    [SHOP],
  );
  await e.run(
    `INSERT INTO customers (shop_id, customer_id, source, created_at, updated_at)
     SELECT $1, 'cus_' || i, 'bench', TIMESTAMPTZ '2024-01-01 00:00:00+00', TIMESTAMPTZ '2024-01-01 00:00:00+00'
     FROM range(${customers}) t(i)`,
    [SHOP],
  );
  // Order i: customer i % C, their k-th purchase (k = i / C) of the product p = hash(c, k % 5 = 0).
  const pick = `((c * 7919 + CASE WHEN k % 5 = 4 THEN 13 ELSE 0 END) % ${products})`;
  const cycle = `(5 + (${pick}) % 60)`;
  await e.run(
    `CREATE TEMP TABLE bench_orders AS
     SELECT i, c, k, ${pick} AS p, 1 AS qty,
       TIMESTAMPTZ '2024-06-01 00:00:00+00' + to_days(CAST(c % 200 AS INTEGER))
         + to_seconds(CAST(k * ${cycle} * 86400 * (0.7 + 0.6 * ((hash(i * 31) % 1000) / 1000.0)) AS BIGINT)) AS placed
     FROM (SELECT i, i % ${customers} AS c, i // ${customers} AS k FROM range(${lines}) t(i))`,
  );
  await e.run(
    `INSERT INTO orders (shop_id, order_id, source, external_id, customer_id, status, currency, subtotal,
       shipping, taxes, discount, total, refunded, created_at, imported_at)
     SELECT $1, 'ord_' || i, 'bench', 'o' || i, 'cus_' || c,
       CASE WHEN hash(i * 7) % 20 = 0 THEN 'failed_delivery' ELSE 'delivered' END, 'VND',
       100000, 0, 0, 0, 100000, 0, placed, placed
     FROM bench_orders WHERE placed < TIMESTAMPTZ '2026-12-01 00:00:00+00'`,
    [SHOP],
  );
  await e.run(
    `INSERT INTO order_lines (shop_id, order_id, line_no, sku, title, category, quantity, price)
     SELECT $1, 'ord_' || i, 1, 'SKU-' || p, 'Sản phẩm ' || p, 'cat-' || (p % 200), qty, 100000
     FROM bench_orders WHERE placed < TIMESTAMPTZ '2026-12-01 00:00:00+00'`,
    [SHOP],
  );
  await e.run('DROP TABLE bench_orders');
}
