/**
 * `npm run bench -- segments [--customers N] [--runs K] [--fresh] [--pg [URL]] [--pg-schema NAME]`: the segment engine
 * on a DuckDB shop of N customers (default 1,000,000; kept in bench-data/ for later runs) with 1.5
 * orders, 3 order lines and 3 events per customer, stats and scores computed by the analytics.
 * With --pg (URL or NURTURE_TEST_PG_URL) the same shop is copied into PostgreSQL and measured too
 * (into a kept schema with --pg-schema, reused by the next run).
 *
 * Measured (median of K runs after a warm-up):
 * - counting a five-condition query (one products_purchased, one relative date), against the
 *   same count written by hand with literals (the baseline, same run);
 * - a full membership refresh of 20 segments, the first (everyone enters) and a steady one;
 * - a per-customer refresh right after one imported order (stats refreshed first, not counted),
 *   over the 20 segments and over all the shop's segments (with the 26 built-ins), against the
 *   bare reads of one customer's rows and a one-row write transaction (the baselines, same run:
 *   `bareReads`, `measureWriteFloor`);
 * - deleting the bench segment with the most members.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { resolveAnalyticsConfig } from '../src/domain/analytics/config.js';
import { recomputeScores, refreshCustomerStats } from '../src/store/analytics/index.js';
import type { Dialect } from '../src/store/engine.js';
import { HASHED_LOOKUP_TABLES, lookupHashInsert } from '../src/store/lookup-hash.js';
import {
  countQuery,
  createSegment,
  deleteSegment,
  type RefreshMembershipResult,
  refreshMembership,
} from '../src/store/segments/index.js';
import { openStore, type Store } from '../src/store/store.js';
import {
  BENCH_SEGMENTS,
  COUNT_BASELINE,
  COUNT_QUERY,
  generateSegmentsShop,
  SEGMENTS_AS_OF,
  SEGMENTS_SHOP,
} from './segments-data.js';
import { copyShopToPostgres } from './segments-pg.js';
import { fmt, machine, markdownTable, peakRssMiB, timed } from './util.js';

const DATA_DIR = 'bench-data';

interface Options {
  customers: number;
  runs: number;
  fresh: boolean;
  pgUrl: string | undefined;
  pgSchema: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const customers = Number(value('--customers') ?? 1_000_000);
  const runs = Number(value('--runs') ?? 5);
  if (!Number.isInteger(customers) || customers < 1000)
    throw new Error('--customers must be an integer >= 1000');
  if (!Number.isInteger(runs) || runs <= 0) throw new Error('--runs must be a positive integer');
  const pgFlag = argv.indexOf('--pg');
  const next = pgFlag >= 0 ? argv[pgFlag + 1] : undefined;
  const pgUrl =
    pgFlag < 0
      ? undefined
      : next && /^postgres(ql)?:\/\//.test(next)
        ? next
        : process.env['NURTURE_TEST_PG_URL'];
  if (pgFlag >= 0 && pgUrl === undefined) throw new Error('--pg needs a URL or NURTURE_TEST_PG_URL');
  const pgSchema = value('--pg-schema');
  if (pgSchema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(pgSchema))
    throw new Error('--pg-schema takes a lowercase schema name');
  return { customers, runs, fresh: argv.includes('--fresh'), pgUrl, pgSchema };
}

const log = (text: string) => process.stderr.write(`${text}\n`);

/** The benchmark shop's database, generated once (a cut run is never reused). */
async function ensureDatabase(customers: number, fresh: boolean): Promise<string> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `segments-${customers}.duckdb`);
  if (fresh) for (const p of [path, `${path}.wal`]) rmSync(p, { force: true });
  if (existsSync(path)) return path;
  const partial = join(DATA_DIR, `segments-${customers}.partial.duckdb`);
  for (const p of [partial, `${partial}.wal`]) rmSync(p, { force: true });
  const store = await openStore({ db: partial });
  try {
    const gen = await timed(() => generateSegmentsShop(store.engine, customers));
    log(`generated ${customers} customers with orders, lines, events in ${fmt(gen.seconds, 1)} s`);
    const stats = await timed(() => refreshCustomerStats(store.engine, SEGMENTS_SHOP));
    log(`customer stats in ${fmt(stats.seconds, 1)} s`);
    const scores = await timed(() =>
      recomputeScores(store.engine, SEGMENTS_SHOP, SEGMENTS_AS_OF, resolveAnalyticsConfig({})),
    );
    log(`scores in ${fmt(scores.seconds, 1)} s`);
    await store.engine.run('CHECKPOINT');
  } finally {
    await store.close();
  }
  renameSync(partial, path);
  return path;
}

/** The `q` quantile of some timings (the value at that rank once sorted). */
const at = (list: readonly number[], q: number): number =>
  [...list].sort((a, b) => a - b)[Math.floor(list.length * q)]!;

/** Median seconds of `runs` timed calls after one warm-up. */
async function median<T>(
  runs: number,
  fn: () => Promise<T>,
): Promise<{ seconds: number; value: T; all: number[] }> {
  let value: T = await fn();
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await timed(fn);
    all.push(r.seconds);
    value = r.value;
  }
  return { seconds: at(all, 0.5), value, all };
}

const ms = (s: number) => fmt(s * 1000, 1);

async function measureCount(store: Store, runs: number) {
  const compiled = await median(runs, () =>
    countQuery(store, SEGMENTS_SHOP, COUNT_QUERY, { asOf: SEGMENTS_AS_OF }),
  );
  const baseline = await median(runs, async () =>
    Number((await store.engine.all<{ n: number }>(COUNT_BASELINE))[0]?.n ?? 0),
  );
  if (compiled.value !== baseline.value)
    throw new Error(`the compiled count ${compiled.value} differs from the hand-written ${baseline.value}`);
  log(`count: ${compiled.value} customers, ${ms(compiled.seconds)} ms (baseline ${ms(baseline.seconds)} ms)`);
  return { compiled, baseline };
}

async function clearMembership(store: Store): Promise<void> {
  for (const table of ['segment_members', 'segment_membership_history'])
    await store.engine.run(`DELETE FROM ${table} WHERE shop_id = $1`, [SEGMENTS_SHOP]);
}

async function createBenchSegments(store: Store): Promise<string[]> {
  const existing = await store.engine.all<{ segment_id: string; name: string }>(
    'SELECT segment_id, name FROM segments WHERE shop_id = $1 AND NOT builtin',
    [SEGMENTS_SHOP],
  );
  if (existing.length > 0) await store.engine.run('DELETE FROM segments WHERE shop_id = $1', [SEGMENTS_SHOP]);
  await clearMembership(store);
  const ids: string[] = [];
  // Saved without their first fill: the full refresh below is what is measured.
  for (const [name, query] of BENCH_SEGMENTS) {
    const { segment } = await createSegment(store, SEGMENTS_SHOP, { name, query }, { asOf: new Date(0) });
    ids.push(segment.segmentId);
  }
  await clearMembership(store);
  return ids;
}

async function measureRefresh(store: Store, ids: string[]) {
  const refresh = (asOf: Date) => refreshMembership(store.engine, SEGMENTS_SHOP, { asOf, segments: ids });
  const first = await timed(() => refresh(SEGMENTS_AS_OF));
  log(
    `first full refresh of ${ids.length} segments: ${fmt(first.seconds, 2)} s, ${first.value.entered} entered`,
  );
  const steady = await timed(() => refresh(new Date(SEGMENTS_AS_OF.getTime() + 86_400_000)));
  log(
    `next-day full refresh: ${fmt(steady.seconds, 2)} s, ${steady.value.entered} entered, ${steady.value.exited} left`,
  );
  const all = await timed(() =>
    refreshMembership(store.engine, SEGMENTS_SHOP, { asOf: new Date(SEGMENTS_AS_OF.getTime() + 86_400_000) }),
  );
  log(
    `full refresh of all ${all.value.segments} segments (with built-ins, first fill of those): ${fmt(all.seconds, 2)} s`,
  );
  return { first, steady, all };
}

/** The orders the per-customer measurements add; removed again at the end of a run. */
const BENCH_ORDER_PREFIX = 'ord_bench_';

/** One new order for a customer, written like an import, and the stats refresh that follows it. */
async function orderFor(store: Store, customerId: string, tag: string): Promise<void> {
  const orderId = `${BENCH_ORDER_PREFIX}${customerId}_${tag}`;
  await store.engine.run(
    `INSERT INTO orders (shop_id, order_id, source, external_id, customer_id, status, currency, subtotal, shipping,
       taxes, discount, total, refunded, created_at, imported_at, line_categories)
     VALUES ($1, $2, 'shopify', $2, $3, 'paid', 'VND', 2390000, 0, 0, 0, 2390000, 0, $4, $4, '|printing|')`,
    [SEGMENTS_SHOP, orderId, customerId, SEGMENTS_AS_OF],
  );
  await store.engine.run(
    `INSERT INTO order_lines (shop_id, order_id, line_no, sku, title, category, quantity, price)
     VALUES ($1, $2, 1, 'PRN-TH80', 'Máy in nhiệt', 'printing', 1, 2390000)`,
    [SEGMENTS_SHOP, orderId],
  );
  await refreshCustomerStats(store.engine, SEGMENTS_SHOP, { customerIds: [customerId] });
}

/** Takes the measurements' orders out again, so the shop is the same for the next run. */
async function removeBenchOrders(store: Store): Promise<void> {
  const like = `${BENCH_ORDER_PREFIX}%`;
  const touched = await store.engine.all<{ customer_id: string }>(
    'SELECT DISTINCT customer_id FROM orders WHERE shop_id = $1 AND order_id LIKE $2',
    [SEGMENTS_SHOP, like],
  );
  if (touched.length === 0) return;
  await store.engine.run('DELETE FROM order_lines WHERE shop_id = $1 AND order_id LIKE $2', [
    SEGMENTS_SHOP,
    like,
  ]);
  await store.engine.run('DELETE FROM orders WHERE shop_id = $1 AND order_id LIKE $2', [SEGMENTS_SHOP, like]);
  await refreshCustomerStats(store.engine, SEGMENTS_SHOP, { customerIds: touched.map((r) => r.customer_id) });
}

/**
 * The floor under a per-customer refresh, its baseline: one hand-written statement (`bareReads`) that reads a
 * customer's rows from the eight tables the refresh reads (the order lines left out), each by the
 * engine's fastest way to it, and evaluates nothing and writes nothing. DuckDB looks the id up in
 * the ART indexes of migration 007 (no shop condition beside it, which would turn the lookup into
 * a scan; the bench has one shop) and finds stats and stays by their lookup hash; PostgreSQL uses its
 * keys, which start with shop_id. Each table's rows come back as JSON text, so that every column
 * is really read.
 */
function bareReads(dialect: Dialect): { sql: string; params: (customerId: string) => string[] } {
  const duck = dialect === 'duckdb';
  const where = (table: string) =>
    !duck
      ? 'shop_id = $2 AND customer_id = $1'
      : HASHED_LOOKUP_TABLES.has(table)
        ? 'lookup_hash = hash($1)'
        : 'customer_id = $1';
  const reads: [string, string][] = [
    [
      'customers',
      'customer_id, created_at, city, source, phone, email, accepts_email, accepts_sms, accepts_zalo, accepts_messenger, referred_by, merged_into',
    ],
    [
      'customer_stats',
      'customer_id, orders, revenue, aov, first_order_date, last_order_date, avg_gap_days, r, f, m, rfm_group, lifecycle, value_group, referrals',
    ],
    [
      'customer_predictions',
      'customer_id, p_alive, predicted_clv, churn_probability, expected_next_order_date',
    ],
    ['customer_tags', 'tag'],
    ['orders', 'order_id, status, total, refunded, created_at'],
    ['events', 'event_id, name, occurred_at, properties'],
    ['feedback', 'feedback_id, kind, score, created_at'],
    ['segment_members', 'segment_id, entered_at'],
  ];
  const sql = reads
    .map(
      ([table, columns]) =>
        `SELECT '${table}' AS source, CAST(to_json(x) AS VARCHAR) AS row FROM (SELECT ${columns} FROM ${table} WHERE ${where(table)}) x`,
    )
    .join('\nUNION ALL ');
  return { sql, params: (customerId) => (duck ? [customerId] : [customerId, SEGMENTS_SHOP]) };
}

/**
 * Per-customer refresh right after one imported order, for customers spread over the shop (heavy
 * and light buyers), as p50 and p90; and its floor (`bareReads`) for as many other customers
 * right after an order of theirs, as p50.
 */
async function measurePerCustomer(
  store: Store,
  runs: number,
  customers: number,
  segmentIds: string[] | undefined,
) {
  const round = segmentIds ? 'a' : 'b';
  const times: number[] = [];
  const floor: number[] = [];
  const bare = bareReads(store.engine.dialect);
  let last: RefreshMembershipResult | undefined;
  const count = Math.max(5, runs * 4);
  for (let k = 0; k <= count; k++) {
    const customerId = `cus_${String((k * 7919 + 13) % customers).padStart(8, '0')}`;
    await orderFor(store, customerId, `${round}${k}`);
    const r = await timed(() =>
      refreshMembership(store.engine, SEGMENTS_SHOP, {
        customerIds: [customerId],
        asOf: SEGMENTS_AS_OF,
        ...(segmentIds ? { segments: segmentIds } : {}),
      }),
    );
    if (k > 0) times.push(r.seconds); // the first is a warm-up
    last = r.value;
    // Another customer, equally cold, for the floor: reads after a refresh of the same customer
    // would find its rows in DuckDB's buffers.
    const otherId = `cus_${String((k * 7919 + 4013) % customers).padStart(8, '0')}`;
    await orderFor(store, otherId, `${round}${k}`);
    const read = await timed(() => store.engine.all(bare.sql, bare.params(otherId)));
    if (k > 0) floor.push(read.seconds);
  }
  const p50 = at(times, 0.5);
  const p90 = at(times, 0.9);
  const floorP50 = at(floor, 0.5);
  log(
    `per-customer refresh over ${last?.segments} segments: p50 ${ms(p50)} ms, p90 ${ms(p90)} ms; bare reads p50 ${ms(floorP50)} ms`,
  );
  return { p50, p90, floorP50, segments: last?.segments ?? 0 };
}

interface Figures {
  count: Awaited<ReturnType<typeof measureCount>>;
  segments: number;
  refresh: Awaited<ReturnType<typeof measureRefresh>>;
  perCustomer20: Awaited<ReturnType<typeof measurePerCustomer>>;
  perCustomerAll: Awaited<ReturnType<typeof measurePerCustomer>>;
  writeFloor: number;
  deletion: Awaited<ReturnType<typeof measureDelete>>;
}

async function measureAll(store: Store, o: Options): Promise<Figures> {
  const count = await measureCount(store, o.runs);
  const ids = await createBenchSegments(store);
  const refresh = await measureRefresh(store, ids);
  const perCustomer20 = await measurePerCustomer(store, o.runs, o.customers, ids);
  const perCustomerAll = await measurePerCustomer(store, o.runs, o.customers, undefined);
  await removeBenchOrders(store);
  const writeFloor = await measureWriteFloor(store);
  const deletion = await measureDelete(store);
  return { count, segments: ids.length, refresh, perCustomer20, perCustomerAll, writeFloor, deletion };
}

/**
 * The other floor of a per-customer refresh that changes a membership: one transaction that
 * inserts one stay (BEGIN, INSERT, COMMIT, which makes the engine write its log), p50 of 20 after
 * a warm-up. The rows are removed afterwards.
 */
async function measureWriteFloor(store: Store): Promise<number> {
  const segmentId = 'seg_bench_write_floor';
  const hash = lookupHashInsert(store.engine.dialect, '$3');
  const times: number[] = [];
  for (let k = 0; k <= 20; k++) {
    const r = await timed(() =>
      store.engine.transaction((tx) =>
        tx.run(
          `INSERT INTO segment_members (shop_id, segment_id, customer_id, entered_at${hash.column})
           VALUES ($1, $2, $3, $4${hash.value})`,
          [SEGMENTS_SHOP, segmentId, `cus_write_floor_${k}`, SEGMENTS_AS_OF],
        ),
      ),
    );
    if (k > 0) times.push(r.seconds);
  }
  await store.engine.run('DELETE FROM segment_members WHERE shop_id = $1 AND segment_id = $2', [
    SEGMENTS_SHOP,
    segmentId,
  ]);
  const p50 = at(times, 0.5);
  log(`one-row write transaction: p50 ${ms(p50)} ms`);
  return p50;
}

/**
 * Deleting the bench segment with the most members (its stays and their history go with it): the
 * cost is DuckDB's index maintenance at commit (migration 010). Once per run: the segment is gone
 * after it (the next run creates the bench segments again).
 */
async function measureDelete(store: Store) {
  const [largest] = await store.engine.all<{ name: string; n: number }>(
    `SELECT g.name, COUNT(*) AS n FROM segment_members m
     JOIN segments g ON g.shop_id = m.shop_id AND g.segment_id = m.segment_id
     WHERE m.shop_id = $1 AND NOT g.builtin GROUP BY g.name ORDER BY n DESC, g.name LIMIT 1`,
    [SEGMENTS_SHOP],
  );
  if (!largest) throw new Error('no bench segment has members');
  const r = await timed(() => deleteSegment(store, SEGMENTS_SHOP, largest.name));
  log(`delete segment '${largest.name}' (${int(Number(largest.n))} members): ${fmt(r.seconds, 2)} s`);
  return { seconds: r.seconds, members: Number(largest.n) };
}

/**
 * The same shop in PostgreSQL, measured the same way: copied into a fresh schema that is dropped
 * afterwards, or with --pg-schema NAME into that schema, which is kept and reused by later runs
 * (the copy takes minutes).
 */
async function measurePostgres(duck: Store, o: Options, url: string): Promise<Figures> {
  const schema = o.pgSchema ?? `bench_segments_${process.pid}`;
  const store = await openStore({ db: url, pgSchema: schema });
  try {
    await removeBenchOrders(store); // left by a run that was cut short
    const [copied] = await store.engine.all<{ n: number }>('SELECT COUNT(*) AS n FROM customer_stats');
    if (o.pgSchema !== undefined && Number(copied?.n) === o.customers)
      log(`reusing the shop in schema ${schema}`);
    else {
      if (Number(copied?.n) > 0) throw new Error(`schema ${schema} holds another shop; drop it first`);
      const copy = await timed(() => copyShopToPostgres(duck.engine, store.engine, SEGMENTS_SHOP));
      log(`copied ${copy.value} rows to PostgreSQL in ${fmt(copy.seconds, 1)} s`);
    }
    log('PostgreSQL:');
    return await measureAll(store, o);
  } finally {
    const { PostgresEngine } = await import('../src/store/postgres/engine.js');
    if (o.pgSchema === undefined && store.engine instanceof PostgresEngine)
      await store.engine.dropSchema(schema);
    await store.close();
  }
}

const int = (n: number) => n.toLocaleString('en-US');

function rowsOf(f: Figures, pg: Figures | undefined): (string | number)[][] {
  const both = (d: string, p: ((x: Figures) => string) | undefined) => [d, pg && p ? p(pg) : '–'];
  const c = f.count;
  const r = f.refresh;
  const perCustomer = (x: Figures['perCustomer20']) => `${ms(x.p50)} ms (p90 ${ms(x.p90)})`;
  const floor = (x: Figures['perCustomer20'], y: Figures['perCustomer20'] | undefined) =>
    `${fmt(x.p50 / x.floorP50)}× the bare reads of one customer (${ms(x.floorP50)} ms${y ? `; PostgreSQL ${ms(y.floorP50)} ms` : ''})`;
  return [
    [
      `count, 5 conditions (${int(c.compiled.value)} match)`,
      ...both(`${ms(c.compiled.seconds)} ms`, (x) => `${ms(x.count.compiled.seconds)} ms`),
      '≤ 300 ms',
      `${fmt(c.compiled.seconds / c.baseline.seconds)}× hand-written SQL (${ms(c.baseline.seconds)} ms)`,
    ],
    [
      `full refresh, ${f.segments} segments, first fill (${int(r.first.value.entered)} stays)`,
      ...both(`${fmt(r.first.seconds, 2)} s`, (x) => `${fmt(x.refresh.first.seconds, 2)} s`),
      '≤ 5 s',
      '',
    ],
    [
      `full refresh, ${f.segments} segments, next day (${int(r.steady.value.entered)} in, ${int(r.steady.value.exited)} out)`,
      ...both(`${fmt(r.steady.seconds, 2)} s`, (x) => `${fmt(x.refresh.steady.seconds, 2)} s`),
      '≤ 5 s',
      '',
    ],
    [
      `full refresh, all ${r.all.value.segments} segments (built-ins' first fill)`,
      ...both(`${fmt(r.all.seconds, 2)} s`, (x) => `${fmt(x.refresh.all.seconds, 2)} s`),
      '',
      '',
    ],
    [
      `per-customer refresh after one order, ${f.perCustomer20.segments} segments`,
      ...both(perCustomer(f.perCustomer20), (x) => perCustomer(x.perCustomer20)),
      '≤ 5 ms',
      floor(f.perCustomer20, pg?.perCustomer20),
    ],
    [
      `per-customer refresh after one order, ${f.perCustomerAll.segments} segments`,
      ...both(perCustomer(f.perCustomerAll), (x) => perCustomer(x.perCustomerAll)),
      '',
      floor(f.perCustomerAll, pg?.perCustomerAll),
    ],
    [
      'one-row write transaction (BEGIN, INSERT a stay, COMMIT), p50',
      ...both(`${ms(f.writeFloor)} ms`, (x) => `${ms(x.writeFloor)} ms`),
      '',
      'the floor of a per-customer refresh that changes a membership, with the bare reads',
    ],
    [
      `delete the largest bench segment (${int(f.deletion.members)} members)`,
      ...both(`${fmt(f.deletion.seconds, 2)} s`, (x) => `${fmt(x.deletion.seconds, 2)} s`),
      '',
      '',
    ],
  ];
}

export async function benchSegments(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  const path = await ensureDatabase(o.customers, o.fresh);
  const store = await openStore({ db: path });
  try {
    await removeBenchOrders(store); // left by a run that was cut short
    const load = loadavg()[0] ?? 0;
    log('DuckDB:');
    const duck = await measureAll(store, o);
    const pg = o.pgUrl ? await measurePostgres(store, o, o.pgUrl) : undefined;
    const n = o.customers;
    process.stdout.write(
      [
        `Segments, ${int(n)} customers (${int(n * 1.5)} orders, ${int(n * 3)} order lines, ${int(n * 3)} events); median of ${o.runs} runs`,
        `Machine: ${machine()}; load average at start ${fmt(load, 1)}; peak RSS ${fmt(peakRssMiB(), 0)} MiB`,
        '',
        markdownTable(['measure', 'DuckDB', 'PostgreSQL', 'target', 'baseline (DuckDB)'], rowsOf(duck, pg)),
        '',
      ].join('\n'),
    );
  } finally {
    await store.close();
  }
}
