/**
 * `npm run bench -- serve [api] [--customers N] [--webhooks N] [--events N] [--api-customers N]`: `nurture serve` on a
 * demo shop (100,000 customers by default, made once by `nurture demo` into bench-data/):
 * - webhooks: signed Shopify orders/create deliveries from 16 concurrent clients: response times,
 *   and the time until every order is processed (its customer's stats and segment memberships);
 * - tracking: storefront events in batches of 50 from 16 clients, and the server's peak RSS;
 * - API: GET /api/v1/customers/{id}, p50/p99.
 * Baselines in the same run: an empty route of the same server (/healthz) under the same load, and
 * a bare DuckDB append of the same events.
 * `serve pg [--customers N] [--webhooks N] [--pg URL] [--dedicated]`: the webhooks on PostgreSQL with one
 * worker and three (see serve-pg.ts), each round with the CPU every process spent per order.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createApiKey } from '../src/app/api-keys.js';
import { makeContext } from '../src/app/context.js';
import { setShopSetting } from '../src/app/shop-settings.js';
import { openStore } from '../src/store/store.js';
import { benchCustomerPage } from './serve-api.js';
import {
  describeCpu,
  describeRate,
  dropPostgresShop,
  preparePostgresShop,
  roundCpu,
  settled,
  startWorkers,
} from './serve-pg.js';
import { fmt, machine, markdownTable } from './util.js';

const SECRET = 'bench-webhook-secret';
const CONCURRENCY = 16;

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Runs `count` requests from `CONCURRENCY` clients; each request's time in ms, sorted. */
async function load(
  count: number,
  request: (i: number) => Promise<Response>,
  clients = CONCURRENCY,
): Promise<{ ms: number[]; seconds: number }> {
  const times: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const t = performance.now();
        const res = await request(i);
        await res.arrayBuffer();
        if (res.status >= 300) throw new Error(`request ${i}: ${res.status}`);
        times.push(performance.now() - t);
      }
    }),
  );
  return { ms: times.sort((a, b) => a - b), seconds: (performance.now() - start) / 1000 };
}

function orderBody(i: number, phone: string): string {
  return JSON.stringify({
    id: 7_000_000 + i,
    name: `#B${i}`,
    email: null,
    phone,
    created_at: new Date(Date.now() - 3_600_000).toISOString(),
    currency: 'VND',
    // Delivered and paid: a valid order, so its customer's stats must count it once processed.
    financial_status: 'paid',
    fulfillment_status: 'fulfilled',
    payment_gateway_names: ['Cash on Delivery (COD)'],
    subtotal_price: '500000',
    total_price: '530000',
    total_tax: '0',
    total_discounts: '0',
    total_shipping_price_set: { shop_money: { amount: '30000', currency_code: 'VND' } },
    customer: { id: 9_000_000 + i, phone, first_name: 'Khách', last_name: `B${i}` },
    line_items: [{ id: 1, title: 'Giấy in A4', sku: 'PAPER-A4', quantity: 2, price: '250000' }],
    refunds: [],
  });
}

interface Child {
  child: ChildProcess;
  url: string;
  stop(): Promise<number>;
}

async function startChild(db: string, options: { jobs?: boolean } = {}): Promise<Child> {
  const args = [resolve('dist/bench/serve-child.js'), db, ...(options.jobs === false ? ['--no-jobs'] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((done) => (lines.length > 0 ? done(lines.shift()!) : waiters.push(done)));
  const { url } = JSON.parse(await nextLine()) as { url: string };
  return {
    child,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      return (JSON.parse(await nextLine()) as { peakRssMiB: number }).peakRssMiB;
    },
  };
}

async function bareAppend(events: number): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(
    'CREATE TABLE events (shop_id VARCHAR, event_id VARCHAR, dedupe_key VARCHAR, name VARCHAR, customer_id VARCHAR, anonymous_id VARCHAR, occurred_at TIMESTAMPTZ, properties VARCHAR)',
  );
  const start = performance.now();
  for (let done = 0; done < events; done += 5000) {
    const appender = await conn.createAppender('events');
    for (let i = done; i < Math.min(events, done + 5000); i++) {
      appender.appendVarchar('default');
      appender.appendVarchar(`evt_${i}`);
      appender.appendVarchar(randomUUID());
      appender.appendVarchar('Product Viewed');
      appender.appendNull();
      appender.appendVarchar(`anon-${i % 5000}`);
      appender.appendNull();
      appender.appendVarchar('{"sku":"PAPER-A4"}');
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  }
  const seconds = (performance.now() - start) / 1000;
  conn.closeSync();
  instance.closeSync();
  return events / seconds;
}

/** `GET /api/v1/customers/{id}` from one client and from 16, beside the empty route, on a server child. */
async function customerPageOverHttp(
  db: string,
  key: string,
  ids: readonly string[],
): Promise<(string | number)[][]> {
  const server = await startChild(db);
  const rows: (string | number)[][] = [];
  try {
    const get = (i: number) =>
      fetch(`${server.url}/api/v1/customers/${ids[i % ids.length]}`, {
        headers: { authorization: `Bearer ${key}` },
      });
    const empty = await load(ids.length, () => fetch(`${server.url}/healthz`));
    rows.push([
      'empty route /healthz, 16 clients (baseline)',
      ids.length,
      fmt(quantile(empty.ms, 0.5)),
      fmt(quantile(empty.ms, 0.99)),
      `${fmt(ids.length / empty.seconds, 0)} req/s`,
    ]);
    await load(100, get, 1); // warm-up
    const one = await load(500, get, 1);
    rows.push([
      'GET /api/v1/customers/{id}, 1 client',
      500,
      fmt(quantile(one.ms, 0.5)),
      fmt(quantile(one.ms, 0.99)),
      `${fmt(500 / one.seconds, 0)} req/s`,
    ]);
    const many = await load(ids.length, get);
    rows.push([
      'GET /api/v1/customers/{id}, 16 clients',
      ids.length,
      fmt(quantile(many.ms, 0.5)),
      fmt(quantile(many.ms, 0.99)),
      `${fmt(ids.length / many.seconds, 0)} req/s`,
    ]);
  } finally {
    await server.stop();
  }
  return rows;
}

/**
 * Sends `count` signed orders/create deliveries (ids from `offset`) from 16 clients, then waits
 * until no webhook batch and no after-orders job waits or runs: the acknowledgement times and the
 * seconds from the first send until everything is processed.
 */
async function webhookRound(
  url: string,
  key: string,
  phones: readonly string[],
  count: number,
  offset: number,
): Promise<{ ack: { ms: number[]; seconds: number }; processedSeconds: number }> {
  const bodies = Array.from({ length: count }, (_, i) =>
    orderBody(offset + i, phones[(offset + i) % phones.length]!),
  );
  const started = performance.now();
  const ack = await load(count, (i) =>
    fetch(`${url}/webhooks/shopify/default`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': `bench-${offset + i}`,
        'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(bodies[i]!).digest('base64'),
      },
      body: bodies[i]!,
    }),
  );
  const busy = async (kind: string) => {
    let n = 0;
    for (const state of ['queued', 'running']) {
      const r = await fetch(`${url}/api/v1/jobs?kind=${kind}&state=${state}&limit=1000`, {
        headers: { authorization: `Bearer ${key}` },
      });
      n += ((await r.json()) as { jobs: unknown[] }).jobs.length;
    }
    return n;
  };
  for (let tick = 0; ; tick++) {
    const waiting = (await busy('webhooks.process')) + (await busy('after-orders'));
    if (waiting === 0) break;
    if (tick % 50 === 0) process.stderr.write(`  ${waiting} batch job(s) waiting or running\n`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ack, processedSeconds: (performance.now() - started) / 1000 };
}

/** The demo shop of `bench serve` (made once by `nurture demo`). */
function ensureDemoShop(customers: number): string {
  const base = resolve(`bench-data/serve-${customers}.duckdb`);
  if (!existsSync(base)) {
    mkdirSync(dirname(base), { recursive: true });
    process.stderr.write(`making ${base} with nurture demo --customers ${customers} …\n`);
    const r = spawnSync(
      process.execPath,
      ['dist/src/cli/main.js', 'demo', '--customers', String(customers), '--db', base],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error('nurture demo failed');
  }
  return base;
}

/** Store webhooks on PostgreSQL with one worker, then three (see serve-pg.ts). */
async function benchServePg(argv: string[]): Promise<void> {
  const customers = option(argv, '--customers', 100_000);
  const webhooks = option(argv, '--webhooks', 10_000);
  const i = argv.indexOf('--pg');
  const baseUrl = (i >= 0 ? argv[i + 1] : undefined) ?? 'postgres://postgres@127.0.0.1:5432/test';
  const base = ensureDemoShop(customers);
  const duck = await openStore({ db: base });
  const phones = (
    await duck.engine.all<{ phone: string }>(
      "SELECT phone FROM customers WHERE shop_id = 'default' AND phone IS NOT NULL LIMIT 20000",
    )
  ).map((r) => r.phone);
  await duck.close();
  const db = await preparePostgresShop(base, baseUrl, SECRET);
  const rows: (string | number)[][] = [];
  try {
    const setup = await openStore({ db });
    const key = (await createApiKey(makeContext(setup), { shopId: 'default', kind: 'secret' })).key;
    await setup.close();
    // Three workers: the server's dispatcher and two `nurture worker` processes; with
    // --dedicated also three `nurture worker` processes beside a server that only receives.
    const rounds: { workers: number; dedicated: boolean }[] = [
      { workers: 1, dedicated: false },
      { workers: 3, dedicated: false },
      ...(argv.includes('--dedicated') ? [{ workers: 3, dedicated: true }] : []),
    ];
    for (const [round, { workers, dedicated }] of rounds.entries()) {
      const server = await startChild(db, { jobs: !dedicated });
      const others = startWorkers(db, dedicated ? workers : workers - 1);
      try {
        const who = `${workers} worker${workers > 1 ? 's' : ''}${dedicated ? ' of their own, the server only receiving' : ''}`;
        process.stderr.write(`PostgreSQL, ${who} …\n`);
        await settled(others.pids());
        const before = await roundCpu(db, server.child.pid, others.pids());
        const r = await webhookRound(server.url, key, phones, webhooks, 1_000_000 * (round + 1));
        const after = await roundCpu(db, server.child.pid, others.pids());
        rows.push([
          `PostgreSQL: webhooks acknowledged (${who})`,
          webhooks,
          fmt(quantile(r.ack.ms, 0.5)),
          fmt(quantile(r.ack.ms, 0.99)),
          `${fmt(webhooks / r.ack.seconds, 0)} req/s`,
        ]);
        rows.push([
          `PostgreSQL: until every order is processed (stats, segments; ${who})`,
          webhooks,
          '',
          '',
          describeRate(webhooks, r.processedSeconds, workers),
        ]);
        rows.push([
          `PostgreSQL: CPU of the round (every process, per order; ${who})`,
          webhooks,
          '',
          '',
          describeCpu(before, after, webhooks, cpus().length),
        ]);
      } finally {
        await others.stop();
        await server.stop();
      }
    }
  } finally {
    await dropPostgresShop(baseUrl);
  }
  process.stdout.write(
    `\n### serve pg — ${machine()}\n\n${markdownTable(['what', 'n', 'p50 ms', 'p99 ms', 'rate'], rows)}\n`,
  );
}

export async function benchServe(argv: string[]): Promise<void> {
  if (argv[0] === 'pg') {
    await benchServePg(argv);
    return;
  }
  if (argv[0] === 'api') {
    const customers = option(argv, '--api-customers', 1_000_000);
    const rows = await benchCustomerPage(customers, customerPageOverHttp);
    process.stdout.write(
      `\n### serve api — ${machine()}\n\n${markdownTable(['what', 'n', 'p50 ms', 'p99 ms', 'rate'], rows)}\n`,
    );
    return;
  }
  const customers = option(argv, '--customers', 100_000);
  const webhooks = option(argv, '--webhooks', 10_000);
  const events = option(argv, '--events', 1_000_000);
  const base = ensureDemoShop(customers);
  const db = join(resolve('bench-data'), `serve-run-${process.pid}.duckdb`);
  copyFileSync(base, db);
  const setup = await openStore({ db });
  const ctx = makeContext(setup);
  const secret = (await createApiKey(ctx, { shopId: 'default', kind: 'secret' })).key;
  const publishable = (await createApiKey(ctx, { shopId: 'default', kind: 'publishable' })).key;
  await setShopSetting(ctx, { shopId: 'default', key: 'shopify.webhook_secret', value: SECRET });
  const ids = (await setup.listCustomerIds('default')).slice(0, 20_000);
  const phones = (
    await setup.engine.all<{ phone: string }>(
      "SELECT phone FROM customers WHERE shop_id = 'default' AND phone IS NOT NULL LIMIT 20000",
    )
  ).map((r) => r.phone);
  await setup.close();

  const server = await startChild(db);
  const rows: (string | number)[][] = [];
  let processedSeconds = 0;
  try {
    // The transport's limit: an empty route under the same load.
    const empty = await load(webhooks, () => fetch(`${server.url}/healthz`));
    rows.push([
      'empty route /healthz (baseline)',
      webhooks,
      fmt(quantile(empty.ms, 0.5)),
      fmt(quantile(empty.ms, 0.99)),
      `${fmt(webhooks / empty.seconds, 0)} req/s`,
    ]);

    // Webhooks: acknowledged, then processed by the jobs.
    process.stderr.write('webhooks …\n');
    const round = await webhookRound(server.url, secret, phones, webhooks, 0);
    rows.push([
      'webhooks orders/create, acknowledged',
      webhooks,
      fmt(quantile(round.ack.ms, 0.5)),
      fmt(quantile(round.ack.ms, 0.99)),
      `${fmt(webhooks / round.ack.seconds, 0)} req/s`,
    ]);
    processedSeconds = round.processedSeconds;
    process.stderr.write(`webhooks processed in ${fmt(processedSeconds, 1)} s\n`);
    // API: one customer's whole picture.
    process.stderr.write('API …\n');
    const api = await load(2000, (i) =>
      fetch(`${server.url}/api/v1/customers/${ids[i % ids.length]}`, {
        headers: { authorization: `Bearer ${secret}` },
      }),
    );
    rows.push([
      `GET /api/v1/customers/{id} (${customers.toLocaleString('en-US')} customers)`,
      2000,
      fmt(quantile(api.ms, 0.5)),
      fmt(quantile(api.ms, 0.99)),
      `${fmt(2000 / api.seconds, 0)} req/s`,
    ]);

    process.stderr.write('tracking …\n');
    // Tracking: batches of 50.
    const batches = Math.ceil(events / 50);
    const track = await load(batches, (b) =>
      fetch(`${server.url}/t/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({
          writeKey: publishable,
          batch: Array.from({ length: 50 }, (_, k) => ({
            type: 'track',
            event: 'Product Viewed',
            anonymousId: `anon-${(b * 50 + k) % 50_000}`,
            messageId: `m-${b}-${k}`,
            properties: { sku: 'PAPER-A4' },
          })),
        }),
      }),
    );
    rows.push([
      'tracking, batches of 50 events',
      events,
      fmt(quantile(track.ms, 0.5)),
      fmt(quantile(track.ms, 0.99)),
      `${fmt(events / track.seconds, 0)} events/s`,
    ]);
  } finally {
    const rss = await server.stop();
    rows.push(['server peak RSS', '', '', '', `${fmt(rss, 0)} MiB`]);
    if (processedSeconds > 0) {
      const check = await openStore({ db });
      const [row] = await check.engine.all<{ n: number; stats: number }>(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT st.customer_id) AS stats FROM orders o
         JOIN customer_stats st ON st.shop_id = o.shop_id AND st.customer_id = o.customer_id
         WHERE o.shop_id = 'default' AND o.source = 'shopify' AND o.external_id LIKE '7______' AND st.last_order_at >= o.created_at`,
      );
      await check.close();
      rows.splice(2, 0, [
        'webhooks: until every order is processed (stats, segments)',
        webhooks,
        '',
        '',
        `${fmt(webhooks / processedSeconds, 0)} orders/s (${fmt(processedSeconds, 1)} s; ${Number(row?.n)} orders stored with their customer's stats current)`,
      ]);
    }
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
  }
  const bare = await bareAppend(Math.min(events, 1_000_000));
  rows.push([
    'bare DuckDB append of the same events (baseline)',
    Math.min(events, 1_000_000),
    '',
    '',
    `${fmt(bare, 0)} events/s`,
  ]);
  const apiCustomers = option(argv, '--api-customers', 1_000_000);
  if (apiCustomers > 0) {
    process.stderr.write(`API at ${apiCustomers} customers …\n`);
    rows.push(...(await benchCustomerPage(apiCustomers, customerPageOverHttp)));
  }
  process.stdout.write(
    `\n### serve — ${machine()}\n\n${markdownTable(['what', 'n', 'p50 ms', 'p99 ms', 'rate'], rows)}\n`,
  );
}
