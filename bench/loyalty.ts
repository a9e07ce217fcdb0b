/**
 * `npm run bench -- loyalty [--customers N] [--orders M] [--engines duckdb,postgres] [--pass auto|js] [--pg URL]`:
 * the loyalty ledger (docs/loyalty.md) on a shop of N customers (default 100,000) and M orders
 * (default 1,000,000), COD-like: every order first arrives pending (earn pass: one pending entry
 * each), then reaches its outcome (approval pass: 75 % delivered, 3 % of them partly refunded,
 * 10 % failed delivery, 5 % returned, 5 % cancelled, the rest still on the way), through the same
 * app function afterOrders calls (`applyOrderPoints`), a batch of customers at a time: the
 * set-based order pass it picks for batches, or with `--pass js` the reference planner.
 *
 * Measured, each beside its baseline in the same run:
 * - the two replay passes, against the bare SQL that computes every order's points in one
 *   statement (`CREATE TABLE … AS SELECT FLOOR((total - shipping) / 10000) …`, nothing planned);
 * - one customer's balance (`customerBalance`, median and p99 of 500), against the bare
 *   `SELECT SUM(points) … WHERE shop_id AND customer_id`;
 * - redemptions per second from 100 concurrent clients on 20 customers (each makes its coupon),
 *   against 100 concurrent bare one-row insert transactions.
 * PostgreSQL runs the balance and redemption parts on a shop a tenth the size (the replay on it is
 * not part of the target).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { type AppContext, makeContext } from '../src/app/context.js';
import { applyOrderPoints, type OrderPassMode } from '../src/app/loyalty/earn.js';
import { adjustPoints, redeemReward } from '../src/app/loyalty/points.js';
import { setProgram } from '../src/app/loyalty/program.js';
import { DEFAULT_PROGRAM } from '../src/domain/loyalty/program.js';
import type { LoadColumn, SqlValue } from '../src/store/engine.js';
import { customerBalance } from '../src/store/loyalty/ledger.js';
import { prepareStage } from '../src/store/staging.js';
import { openStore, type Store } from '../src/store/store.js';
import { fmt, machine, markdownTable, peakRssMiB, timed } from './util.js';

const SHOP = 'bench-loyalty';
const log = (text: string) => process.stderr.write(`${text}\n`);
const option = (argv: readonly string[], flag: string, fallback: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const cid = (i: number) => `cus_${String(i).padStart(8, '0')}`;

/** Deterministic pseudo-random numbers (xorshift), so both engines get the same shop. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

async function loadShop(store: Store, customers: number, orders: number): Promise<void> {
  await store.ensureShop({ shopId: SHOP, currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' });
  const now = new Date();
  const cols: LoadColumn[] = [
    { name: 'shop_id', type: 'text' },
    { name: 'customer_id', type: 'text' },
    { name: 'source', type: 'text' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'updated_at', type: 'timestamp' },
  ];
  const ids = Array.from({ length: customers }, (_, i) => cid(i));
  await loadInto(store, 'customers', cols, [
    ids.map(() => SHOP),
    ids,
    ids.map(() => 'demo'),
    ids.map(() => now),
    ids.map(() => now),
  ]);
  const r = rng(17);
  const o: SqlValue[][] = Array.from({ length: 15 }, () => []);
  const start = now.getTime() - 300 * 86_400_000;
  for (let i = 0; i < orders; i++) {
    // Skewed: a few customers buy often.
    const c = Math.floor(customers * r() ** 2);
    const total = 50_000 + Math.floor(r() * 40) * 25_000;
    const row: SqlValue[] = [
      SHOP,
      `ord_${String(i).padStart(9, '0')}`,
      'demo',
      `b${i}`,
      cid(c),
      'pending',
      'VND',
      String(total - 30_000),
      '30000',
      '0',
      '0',
      String(total),
      '0',
      new Date(start + Math.floor(r() * 299 * 86_400_000)),
      now,
    ];
    for (let k = 0; k < row.length; k++) o[k]!.push(row[k]!);
  }
  const t = (name: string, type: LoadColumn['type']): LoadColumn => ({ name, type });
  await loadInto(
    store,
    'orders',
    [
      t('shop_id', 'text'),
      t('order_id', 'text'),
      t('source', 'text'),
      t('external_id', 'text'),
      t('customer_id', 'text'),
      t('status', 'text'),
      t('currency', 'text'),
      t('subtotal', 'text'),
      t('shipping', 'text'),
      t('taxes', 'text'),
      t('discount', 'text'),
      t('total', 'text'),
      t('refunded', 'text'),
      t('created_at', 'timestamp'),
      t('imported_at', 'timestamp'),
    ],
    o,
  );
}

/** Appends rows to some columns of a table (through a staging table; money columns cast from text). */
async function loadInto(
  store: Store,
  table: string,
  columns: LoadColumn[],
  data: SqlValue[][],
): Promise<void> {
  const staged = { name: `bench_stage_${table}`, columns };
  await store.transaction(async (tx) => {
    await prepareStage(tx.engine, staged);
    await tx.engine.load(staged.name, columns, data);
    const money = new Set(['subtotal', 'shipping', 'taxes', 'discount', 'total', 'refunded']);
    const select = columns
      .map((c) => (money.has(c.name) ? `CAST(${c.name} AS DECIMAL(18,2))` : c.name))
      .join(', ');
    await tx.engine.run(
      `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) SELECT ${select} FROM ${staged.name}`,
    );
  });
}

/** The outcomes: delivered (some partly refunded), failed delivery, returned, cancelled, still pending. */
async function settleOrders(store: Store): Promise<void> {
  const h = (salt: number) =>
    store.dialect === 'duckdb'
      ? `(hash(order_id || '${salt}') % 100)`
      : `(abs(hashtext(order_id || '${salt}')) % 100)`;
  await store.engine.run(
    `UPDATE orders SET status = CASE WHEN ${h(1)} < 75 THEN 'delivered' WHEN ${h(1)} < 85 THEN 'failed_delivery'
       WHEN ${h(1)} < 90 THEN 'returned' WHEN ${h(1)} < 95 THEN 'cancelled' ELSE 'pending' END,
       refunded = CASE WHEN ${h(1)} < 75 AND ${h(2)} < 3 THEN CAST(FLOOR(total / 4) AS DECIMAL(18,2))
         WHEN ${h(1)} >= 85 AND ${h(1)} < 90 THEN total ELSE CAST(0 AS DECIMAL(18,2)) END
     WHERE shop_id = $1`,
    [SHOP],
  );
}

/** `--pass js` replays through the reference planner instead of the set-based pass `auto` picks for batches. */
let passMode: OrderPassMode = 'auto';

/** Every customer once, a batch at a time (as afterOrders sees them after an import). */
async function replay(ctx: AppContext, customers: number, batch: number): Promise<number> {
  let planned = 0;
  for (let from = 0; from < customers; from += batch) {
    const ids = Array.from({ length: Math.min(batch, customers - from) }, (_, i) => cid(from + i));
    planned += (await applyOrderPoints(ctx, SHOP, ids, ctx.store, undefined, passMode)).planned;
  }
  return planned;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;

async function perCall(
  n: number,
  customers: number,
  fn: (customerId: string) => Promise<unknown>,
): Promise<number[]> {
  const r = rng(99);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = cid(Math.floor(r() * Math.min(customers, 5000)));
    const t0 = performance.now();
    await fn(c);
    out.push(performance.now() - t0);
  }
  return out;
}

interface EngineFigures {
  engine: string;
  customers: number;
  orders: number;
  replay?: { earn: number; approve: number; planned: number; bare: number };
  balance: { p50: number; p99: number; bareP50: number };
  redeem: { perSecond: number; bareInsertsPerSecond: number; won: number; refused: number };
}

async function measure(
  store: Store,
  label: string,
  customers: number,
  orders: number,
  doReplay: boolean,
): Promise<EngineFigures> {
  const ctx = makeContext(store);
  log(`${label}: loading ${customers} customers, ${orders} orders`);
  await loadShop(store, customers, orders);
  await setProgram(ctx, { shopId: SHOP, program: { ...DEFAULT_PROGRAM, enabled: true, multipliers: [] } });
  const figures: EngineFigures = {
    engine: label,
    customers,
    orders,
    balance: { p50: 0, p99: 0, bareP50: 0 },
    redeem: { perSecond: 0, bareInsertsPerSecond: 0, won: 0, refused: 0 },
  };
  const batch = store.dialect === 'duckdb' ? 25_000 : 5_000;
  const bare = await timed(() =>
    store.engine.run(
      `CREATE TABLE bench_bare_points AS SELECT order_id, customer_id, FLOOR((total - shipping) / 10000) AS points FROM orders WHERE shop_id = '${SHOP}'`,
    ),
  );
  if (doReplay) {
    log(`${label}: earn pass`);
    const earn = await timed(() => replay(ctx, customers, batch));
    await settleOrders(store);
    log(`${label}: approval pass`);
    const approve = await timed(() => replay(ctx, customers, batch));
    figures.replay = {
      earn: earn.seconds,
      approve: approve.seconds,
      planned: earn.value + approve.value,
      bare: bare.seconds,
    };
  } else {
    await replay(ctx, customers, batch);
    await settleOrders(store);
    await replay(ctx, customers, batch);
  }
  log(`${label}: balances`);
  await perCall(50, customers, (c) => customerBalance(store, SHOP, c));
  const bal = await perCall(500, customers, (c) => customerBalance(store, SHOP, c));
  const bareBal = await perCall(500, customers, (c) =>
    store.engine.all('SELECT SUM(points) AS p FROM loyalty_ledger WHERE shop_id = $1 AND customer_id = $2', [
      SHOP,
      c,
    ]),
  );
  figures.balance = { p50: median(bal), p99: p99(bal), bareP50: median(bareBal) };

  log(`${label}: redemptions`);
  const holders = Array.from({ length: 20 }, (_, i) => cid(customers - 1 - i));
  for (const h of holders)
    await adjustPoints(ctx, { shopId: SHOP, customer: h, amount: 300 * 60, reason: 'bench' });
  let won = 0;
  let refused = 0;
  const clients = 100;
  const each = 10;
  const red = await timed(() =>
    Promise.all(
      Array.from({ length: clients }, async (_, k) => {
        for (let j = 0; j < each; j++) {
          try {
            await redeemReward(ctx, {
              shopId: SHOP,
              customer: holders[(k + j) % holders.length]!,
              reward: 'free-ship',
            });
            won++;
          } catch {
            refused++;
          }
        }
      }),
    ),
  );
  figures.redeem.perSecond = (clients * each) / red.seconds;
  figures.redeem.won = won;
  figures.redeem.refused = refused;
  await store.engine.run('CREATE TABLE bench_bare_rows (k VARCHAR PRIMARY KEY, n INTEGER)');
  const bareIns = await timed(() =>
    Promise.all(
      Array.from({ length: clients }, async (_, k) => {
        for (let j = 0; j < each; j++)
          await store.engine.transaction((tx) =>
            tx.run('INSERT INTO bench_bare_rows (k, n) VALUES ($1, $2)', [`${k}:${j}`, j]),
          );
      }),
    ),
  );
  figures.redeem.bareInsertsPerSecond = (clients * each) / bareIns.seconds;
  return figures;
}

export async function benchLoyalty(argv: string[]): Promise<void> {
  const customers = Number(option(argv, '--customers', '100000'));
  const orders = Number(option(argv, '--orders', '1000000'));
  const engines = option(argv, '--engines', 'duckdb,postgres').split(',');
  const pass = option(argv, '--pass', 'auto');
  if (pass !== 'auto' && pass !== 'js' && pass !== 'sql') throw new Error(`--pass ${pass}: auto, js or sql`);
  passMode = pass;
  const pgUrl = option(
    argv,
    '--pg',
    process.env['NURTURE_TEST_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
  );
  const results: EngineFigures[] = [];
  if (engines.includes('duckdb')) {
    const store = await openStore({ db: ':memory:' });
    try {
      results.push(await measure(store, 'DuckDB', customers, orders, true));
    } finally {
      await store.close();
    }
  }
  if (engines.includes('postgres')) {
    const schema = `nurture_bench_loyalty_${randomBytes(4).toString('hex')}`;
    const store = await openStore({ db: pgUrl, pgSchema: schema });
    try {
      results.push(
        await measure(store, 'PostgreSQL', Math.round(customers / 10), Math.round(orders / 10), true),
      );
    } finally {
      await store.close();
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
  const rows = results.flatMap((r) => [
    ...(r.replay
      ? [
          [
            r.engine,
            `replay ${r.orders.toLocaleString('en')} orders / ${r.customers.toLocaleString('en')} customers: earn + approval passes`,
            `${fmt(r.replay.earn)} s + ${fmt(r.replay.approve)} s = ${fmt(r.replay.earn + r.replay.approve)} s (${r.replay.planned.toLocaleString('en')} entries)`,
            `bare SQL points of every order: ${fmt(r.replay.bare)} s`,
          ],
        ]
      : []),
    [
      r.engine,
      "one customer's balance",
      `p50 ${fmt(r.balance.p50)} ms, p99 ${fmt(r.balance.p99)} ms`,
      `bare SUM: p50 ${fmt(r.balance.bareP50)} ms`,
    ],
    [
      r.engine,
      'redemptions, 100 concurrent clients on 20 balances',
      `${fmt(r.redeem.perSecond, 0)}/s (${r.redeem.won} redeemed, ${r.redeem.refused} refused: no overdraft)`,
      `bare one-row insert transactions: ${fmt(r.redeem.bareInsertsPerSecond, 0)}/s`,
    ],
  ]);
  process.stdout.write(
    `\n${markdownTable(['engine', 'what', 'measured', 'baseline (same run)'], rows)}\n\n${machine()}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, peak RSS ${fmt(peakRssMiB(), 0)} MiB\n`,
  );
}
