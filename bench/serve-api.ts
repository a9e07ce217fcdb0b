/**
 * `npm run bench -- serve api [--api-customers N]`: one customer's whole picture,
 * `GET /api/v1/customers/{id}`, on a generated shop of a million customers (made once into
 * bench-data/, about a minute: the segments benchmark's shop, plus identities, segment stays and
 * predictions for every customer). Baselines in the same run: the same page from the app function
 * on the bare engine (no HTTP, one caller), a bare indexed point query, and the empty route.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApiKey } from '../src/app/api-keys.js';
import { makeContext } from '../src/app/context.js';
import { getCustomerProfile } from '../src/app/customers.js';
import { resolveAnalyticsConfig } from '../src/domain/analytics/config.js';
import { recomputeScores, refreshCustomerStats } from '../src/store/analytics/index.js';
import { lookupHashInsert } from '../src/store/lookup-hash.js';
import { openStore } from '../src/store/store.js';
import { generateSegmentsShop, SEGMENTS_AS_OF, SEGMENTS_SHOP } from './segments-data.js';
import { fmt, timed } from './util.js';

const DATA_DIR = 'bench-data';
const SEGMENTS = 10;

/** Per-customer rows the page reads that the segments shop lacks, generated in SQL. */
async function addPageRows(db: string): Promise<void> {
  const store = await openStore({ db });
  const e = store.engine;
  const shop = `'${SEGMENTS_SHOP}'`;
  try {
    for (const kind of ['phone', 'email'])
      await e.run(
        `INSERT INTO customer_identities (shop_id, kind, value, customer_id, created_at)
         SELECT DISTINCT ON (${kind}) shop_id, '${kind}', ${kind}, customer_id, created_at FROM customers
         WHERE shop_id = ${shop} AND ${kind} IS NOT NULL`,
      );
    await e.run(
      `INSERT INTO segments (shop_id, segment_id, name, query, builtin, created_at, updated_at)
       SELECT ${shop}, 'seg_bench_' || i, 'bench-' || i, 'number_of_orders >= ' || i, FALSE, now(), now()
       FROM range(${SEGMENTS}) AS g(i)`,
    );
    const hash = lookupHashInsert('duckdb', 'c.customer_id');
    // Three current stays and two past ones per customer.
    await e.run(
      `INSERT INTO segment_members (shop_id, segment_id, customer_id, entered_at${hash.column})
       SELECT c.shop_id, 'seg_bench_' || ((hash(c.customer_id) + k) % ${SEGMENTS}), c.customer_id,
         TIMESTAMPTZ '2026-06-01' + to_days(CAST(k * 30 AS INTEGER))${hash.value}
       FROM customers c, range(3) AS g(k) WHERE c.shop_id = ${shop}`,
    );
    await e.run(
      `INSERT INTO segment_membership_history (shop_id, segment_id, customer_id, entered_at, exited_at)
       SELECT c.shop_id, 'seg_bench_' || ((hash(c.customer_id) + 5 + k) % ${SEGMENTS}), c.customer_id,
         TIMESTAMPTZ '2025-06-01' + to_days(CAST(k * 40 AS INTEGER)),
         TIMESTAMPTZ '2025-09-01' + to_days(CAST(k * 40 AS INTEGER))
       FROM customers c, range(2) AS g(k) WHERE c.shop_id = ${shop}`,
    );
    await e.run(
      `INSERT INTO customer_predictions (shop_id, customer_id, model, predicted_as_of, frequency, recency, t_age,
         monetary_value, p_alive, churn_probability, expected_purchases_30, expected_purchases_90,
         expected_purchases_365, expected_avg_value, predicted_clv${hash.column})
       SELECT c.shop_id, c.customer_id, 'bgnbd', TIMESTAMPTZ '2026-11-01', 1, 30, 400, 350000, 0.7, 0.3,
         0.1, 0.3, 1.1, 350000, 385000${hash.value} FROM customers c WHERE c.shop_id = ${shop}`,
    );
    await e.run('CHECKPOINT');
  } finally {
    await store.close();
  }
}

/** The shop's database, made once (a cut run is never reused); the dashboard benchmark reads it too. */
export async function ensureShop(customers: number): Promise<string> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = resolve(join(DATA_DIR, `api-${customers}.duckdb`));
  if (existsSync(path)) return path;
  const partial = resolve(join(DATA_DIR, `api-${customers}.partial.duckdb`));
  for (const p of [partial, `${partial}.wal`]) rmSync(p, { force: true });
  const made = await timed(async () => {
    const store = await openStore({ db: partial });
    try {
      await generateSegmentsShop(store.engine, customers);
      await refreshCustomerStats(store.engine, SEGMENTS_SHOP);
      await recomputeScores(store.engine, SEGMENTS_SHOP, SEGMENTS_AS_OF, resolveAnalyticsConfig({}));
    } finally {
      await store.close();
    }
    await addPageRows(partial);
  });
  process.stderr.write(`made ${path} in ${fmt(made.seconds, 1)} s\n`);
  renameSync(partial, path);
  return path;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

export interface ApiFigures {
  rows: (string | number)[][];
}

/**
 * Prepares the shop and a key, measures the baselines in process, and hands the server part to
 * `serve` (a child process on the file, as `bench serve` runs it): `(db, key, ids) => rows`.
 */
export async function benchCustomerPage(
  customers: number,
  serve: (db: string, key: string, ids: readonly string[]) => Promise<(string | number)[][]>,
): Promise<(string | number)[][]> {
  const db = await ensureShop(customers);
  const store = await openStore({ db });
  const rows: (string | number)[][] = [];
  let key: string;
  let ids: string[];
  try {
    const ctx = makeContext(store);
    key = (await createApiKey(ctx, { shopId: SEGMENTS_SHOP, kind: 'secret' })).key;
    const all = await store.listCustomerIds(SEGMENTS_SHOP);
    ids = Array.from({ length: 2000 }, (_, i) => all[(i * 7919) % all.length]!);
    const page: number[] = [];
    const point: number[] = [];
    for (const [i, id] of ids.slice(0, 500).entries()) {
      let t = performance.now();
      await getCustomerProfile(ctx, SEGMENTS_SHOP, id);
      if (i >= 20) page.push(performance.now() - t);
      t = performance.now();
      await store.engine.all('SELECT * FROM customers WHERE customer_id = $1', [id]);
      if (i >= 20) point.push(performance.now() - t);
    }
    page.sort((a, b) => a - b);
    point.sort((a, b) => a - b);
    const n = customers.toLocaleString('en-US');
    rows.push([
      `baseline: the page's app function on the bare engine, one caller (${n} customers)`,
      page.length,
      fmt(quantile(page, 0.5)),
      fmt(quantile(page, 0.99)),
      '',
    ]);
    rows.push([
      'baseline: one indexed point query (SELECT * FROM customers WHERE customer_id = $1)',
      point.length,
      fmt(quantile(point, 0.5)),
      fmt(quantile(point, 0.99)),
      '',
    ]);
  } finally {
    await store.close();
  }
  return [...rows, ...(await serve(db, key, ids))];
}
