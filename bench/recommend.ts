/**
 * `npm run bench -- recommend [--customers N] [--fresh] [--skip-demo]`: the recommender on a
 * DuckDB shop of N customers (default 1,000,000), 10,000 products and 10 order lines per customer
 * (bench/recommend-data.ts; kept in bench-data/). Measured in one run:
 * - the baseline: the bare aggregate (valid lines → per customer and product counts → each
 *   customer's top 10 by count written to a table: personal top-frequency in SQL);
 * - the full recompute (products, popular lists, pair rules, bundles, co-occurrence, everyone's
 *   top 10 with reasons), its time and peak RSS;
 * - one customer's recommendations as the API reads them (p50, p99 over 300 customers);
 * - the evaluation (recall@10/20, NDCG) on a 60-day time split of the bench shop (a sample of
 *   20,000 customers) and on the demo shop (2,000 customers, TIFU-KNN included, blend tuned on
 *   an earlier split).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { manualClock } from '../src/app/clock.js';
import { makeContext } from '../src/app/context.js';
import { runDemo } from '../src/app/demo.js';
import { personalRecommendations, recomputeRecommendations } from '../src/app/recommend.js';
import { type EvaluationResult, evaluateRecommendations } from '../src/app/recommend-evaluate.js';
import { DEFAULT_VALID_ORDER_RULE } from '../src/domain/analytics/valid-orders.js';
import { DEMO_UNTIL } from '../src/ingest/demo/params.js';
import { validOrderSql } from '../src/store/analytics/model-sql.js';
import { openStore } from '../src/store/store.js';
import { generateRecommendShop, RECOMMEND_END, RECOMMEND_SHOP } from './recommend-data.js';
import { fmt, machine, markdownTable, peakRssMiB, timed } from './util.js';

const DATA_DIR = 'bench-data';
const log = (text: string) => process.stderr.write(`${text}\n`);

function parseArgs(argv: readonly string[]) {
  const i = argv.indexOf('--customers');
  const customers = Number(i >= 0 ? argv[i + 1] : 1_000_000);
  if (!Number.isInteger(customers) || customers < 1000)
    throw new Error('--customers must be an integer >= 1000');
  return { customers, fresh: argv.includes('--fresh'), skipDemo: argv.includes('--skip-demo') };
}

async function ensureDatabase(customers: number, fresh: boolean): Promise<string> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `recommend-${customers}.duckdb`);
  if (fresh) for (const p of [path, `${path}.wal`]) rmSync(p, { force: true });
  if (existsSync(path)) return path;
  const partial = join(DATA_DIR, `recommend-${customers}.partial.duckdb`);
  for (const p of [partial, `${partial}.wal`]) rmSync(p, { force: true });
  const store = await openStore({ db: partial });
  try {
    const gen = await timed(() => generateRecommendShop(store.engine, customers));
    log(
      `generated ${customers} customers, ${gen.value.orders} orders, ${gen.value.lines} lines in ${fmt(gen.seconds, 1)} s`,
    );
    await store.engine.run('CHECKPOINT');
  } finally {
    await store.close();
  }
  renameSync(partial, path);
  return path;
}

const quantile = (xs: readonly number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)] ?? 0;

function evaluationRows(label: string, r: EvaluationResult): (string | number)[][] {
  return r.methods.map((m) => [
    label,
    m.method,
    ...r.ks.flatMap((k) => {
      const s = m.at[String(k)];
      return [fmt(s?.recall ?? 0, 3), fmt(s?.ndcg ?? 0, 3)];
    }),
    fmt(m.at[String(r.ks[0])]?.recallRepeat ?? 0, 3),
    fmt(m.at[String(r.ks[0])]?.recallNew ?? 0, 3),
  ]);
}

export async function benchRecommend(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  const path = await ensureDatabase(o.customers, o.fresh);
  const store = await openStore({ db: path });
  const ctx = makeContext(store, { clock: manualClock(RECOMMEND_END) });
  const rows: (string | number)[][] = [];
  try {
    const baseline = await timed(async () => {
      await store.engine.run('DROP TABLE IF EXISTS bench_topfreq');
      await store.engine.run(
        `CREATE TABLE bench_topfreq AS
         SELECT customer_id, sku, n, rn FROM (
           SELECT customer_id, sku, n, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY n DESC, sku) AS rn FROM (
             SELECT o.customer_id, l.sku, COUNT(*) AS n FROM orders o
             JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
             WHERE o.shop_id = $1 AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o')} GROUP BY o.customer_id, l.sku) x) y
         WHERE rn <= 10`,
        [RECOMMEND_SHOP],
      );
      await store.engine.run('DROP TABLE bench_topfreq');
    });
    log(`baseline (bare aggregate, top 10 by count): ${fmt(baseline.seconds, 2)} s`);
    const full = await timed(() => recomputeRecommendations(ctx, { shopId: RECOMMEND_SHOP, limit: 10 }));
    const rss = peakRssMiB();
    log(
      `full recompute: ${fmt(full.seconds, 2)} s (${full.value.customers} customers, ${full.value.lines} lines), peak RSS ${fmt(rss / 1024, 2)} GiB`,
    );
    rows.push(
      ['bare aggregate: top 10 by count per customer (baseline)', `${fmt(baseline.seconds, 2)} s`],
      [
        'full recompute: products, popular, pair rules, bundles, co-occurrence, everyone’s top 10',
        `${fmt(full.seconds, 2)} s (${fmt(full.seconds / baseline.seconds, 1)}× baseline), peak RSS ${fmt(rss / 1024, 2)} GiB`,
      ],
    );
    const ids = (
      await store.engine.all<{ customer_id: string }>(
        `SELECT customer_id FROM customers WHERE shop_id = $1 ORDER BY hash(customer_id) LIMIT 301`,
        [RECOMMEND_SHOP],
      )
    ).map((r) => r.customer_id);
    const times: number[] = [];
    for (const [i, id] of ids.entries()) {
      const t = await timed(() =>
        personalRecommendations(ctx, { shopId: RECOMMEND_SHOP, customerId: id, limit: 10 }),
      );
      if (i > 0) times.push(t.seconds * 1000);
    }
    log(
      `one customer's list: p50 ${fmt(quantile(times, 0.5), 1)} ms, p99 ${fmt(quantile(times, 0.99), 1)} ms`,
    );
    rows.push([
      "one customer's recommendations (personalRecommendations, 300 customers)",
      `p50 ${fmt(quantile(times, 0.5), 1)} ms, p99 ${fmt(quantile(times, 0.99), 1)} ms`,
    ]);
    const split = new Date(RECOMMEND_END.getTime() - 60 * 86_400_000);
    const evaluation = await timed(() =>
      evaluateRecommendations(ctx, {
        shopId: RECOMMEND_SHOP,
        splitAt: split,
        ks: [10, 20],
        maxCustomers: 20_000,
        tifuMaxCustomers: 0,
      }),
    );
    log(`evaluation on the bench shop: ${fmt(evaluation.seconds, 1)} s`);
    rows.push([
      'evaluation, bench shop (recompute on the training orders + scoring)',
      `${fmt(evaluation.seconds, 1)} s`,
    ]);
    const evalRows = evaluationRows('bench', evaluation.value);
    if (!o.skipDemo) {
      const demo = await openStore({ db: ':memory:' });
      try {
        const demoCtx = makeContext(demo, { clock: manualClock(new Date(DEMO_UNTIL)) });
        await runDemo(demoCtx, { shopId: 'demo', customers: 2000, seed: 42 });
        const demoSplit = new Date(new Date(DEMO_UNTIL).getTime() - 90 * 86_400_000);
        const plain = await evaluateRecommendations(demoCtx, {
          shopId: 'demo',
          splitAt: demoSplit,
          ks: [10, 20],
        });
        const tuned = await evaluateRecommendations(demoCtx, {
          shopId: 'demo',
          splitAt: demoSplit,
          ks: [10, 20],
          tune: true,
        });
        evalRows.push(
          ...evaluationRows('demo', plain),
          ...evaluationRows('demo, tuned on the earlier split', tuned).slice(0, 1),
        );
        log(`demo tuned weights: ${JSON.stringify(tuned.weights)}`);
      } finally {
        await demo.close();
      }
    }
    process.stdout.write(
      `\n${machine()}; ${o.customers} customers\n\n${markdownTable(['what', 'measured'], rows)}\n\n${markdownTable(
        [
          'shop',
          'method',
          'recall@10',
          'NDCG@10',
          'recall@20',
          'NDCG@20',
          'recall@10 repeat',
          'recall@10 new',
        ],
        evalRows,
      )}\n`,
    );
  } finally {
    await store.close();
  }
}
