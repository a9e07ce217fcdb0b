/**
 * `npm run bench -- serve pg [--customers N] [--webhooks N] [--pg URL]`: store webhooks on
 * PostgreSQL, processed by one worker (the server's own dispatcher) and then by three (the
 * server's and two `nurture worker` processes; with --dedicated also three `nurture worker`
 * processes beside a server that only receives) on the same database. The shop is the DuckDB demo
 * shop of `bench serve`, copied into a database of its own (`nurture_bench_serve`, dropped after).
 * Each round also reads the CPU time every party spent (server, workers, PostgreSQL's processes,
 * the load client), per order: on a machine of few cores that cost, not the number of workers,
 * bounds the rate.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { makeContext } from '../src/app/context.js';
import { setShopSetting } from '../src/app/shop-settings.js';
import { openStore } from '../src/store/store.js';
import { cpuSecondsOf, ownCpuSeconds } from './proc-cpu.js';
import { copyShopToPostgres } from './segments-pg.js';
import { fmt } from './util.js';

const DATABASE = 'nurture_bench_serve';

/** The tables a webhook's processing reads (identity resolution, stats, segment membership). */
const TABLES = [
  'customers',
  'customer_identities',
  'customer_tags',
  'orders',
  'order_lines',
  'customer_stats',
  'segments',
  'segment_members',
] as const;

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database holding the demo shop, with the webhook secret set; its URL. */
export async function preparePostgresShop(
  duckdbFile: string,
  baseUrl: string,
  secret: string,
): Promise<string> {
  await admin(baseUrl, `DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin(baseUrl, `CREATE DATABASE ${DATABASE}`);
  const url = new URL(baseUrl);
  url.pathname = `/${DATABASE}`;
  const src = await openStore({ db: duckdbFile });
  const dst = await openStore({ db: url.toString() });
  try {
    const copied = await copyShopToPostgres(src.engine, dst.engine, 'default', TABLES);
    process.stderr.write(`copied ${copied} rows into PostgreSQL\n`);
    await setShopSetting(makeContext(dst), {
      shopId: 'default',
      key: 'shopify.webhook_secret',
      value: secret,
    });
  } finally {
    await src.close();
    await dst.close();
  }
  return url.toString();
}

export async function dropPostgresShop(baseUrl: string): Promise<void> {
  await admin(baseUrl, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
}

/** `nurture worker` processes on the database, until stopped. */
export function startWorkers(db: string, count: number): { pids(): number[]; stop(): Promise<void> } {
  const children: ChildProcess[] = Array.from({ length: count }, () =>
    spawn(process.execPath, ['dist/src/cli/main.js', 'worker', '--db', db, '--poll-ms', '20'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  return {
    pids: () => children.flatMap((c) => (c.pid === undefined ? [] : [c.pid])),
    stop: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((done) => {
              c.once('exit', () => done());
              c.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** CPU seconds so far of each party to a webhook round: the load client (this process), the server, the other workers, PostgreSQL. */
export interface RoundCpu {
  client: number;
  server: number;
  workers: number;
  /** Per PostgreSQL process of the bench database (its backends) or of the whole server (the WAL writer, checkpointer…). */
  postgres: Map<number, number>;
}

/**
 * The parties' CPU so far. PostgreSQL's processes are those `pg_stat_activity` lists for the bench
 * database or for none (the server's own: WAL writer, checkpointer, background writer), so that
 * other databases' work on the same server (a test suite beside) is not counted.
 */
export async function roundCpu(
  url: string,
  serverPid: number | undefined,
  workerPids: readonly number[],
): Promise<RoundCpu> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let pids: number[];
  try {
    const rows = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid()',
    );
    pids = rows.rows.map((r) => Number(r.pid));
  } finally {
    await client.end();
  }
  return {
    client: ownCpuSeconds(),
    server: cpuSecondsOf(serverPid),
    workers: workerPids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    postgres: new Map(pids.map((pid) => [pid, cpuSecondsOf(pid)])),
  };
}

/**
 * Waits until the processes have booted (their CPU time grows by less than 30 ms in 300 ms, at
 * most 15 s), so that a round's CPU is its work, not the workers' start.
 */
export async function settled(pids: readonly number[]): Promise<void> {
  const total = () => pids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) || 0), 0);
  let last = total();
  for (const started = Date.now(); Date.now() - started < 15_000; ) {
    await new Promise((r) => setTimeout(r, 300));
    const now = total();
    if (now - last < 0.03) return;
    last = now;
  }
}

/** PostgreSQL's CPU between two readings: each process's growth (a process new since the first reading counts whole). */
function postgresDelta(before: RoundCpu, after: RoundCpu): number {
  let total = 0;
  for (const [pid, cpu] of after.postgres)
    if (Number.isFinite(cpu)) total += cpu - (before.postgres.get(pid) ?? 0);
  return total;
}

/**
 * What each order cost in CPU (ms) between two readings, and the rate the machine's cores would
 * allow at that cost if nothing else ran: the ceiling a rate target is set against.
 */
export function describeCpu(before: RoundCpu, after: RoundCpu, orders: number, cores: number): string {
  const ms = (k: 'client' | 'server' | 'workers') => ((after[k] - before[k]) * 1000) / orders;
  const postgres = (postgresDelta(before, after) * 1000) / orders;
  const total = ms('client') + ms('server') + ms('workers') + postgres;
  return (
    `CPU per order ${fmt(total, 2)} ms (server ${fmt(ms('server'), 2)}, other workers ${fmt(ms('workers'), 2)}, ` +
    `PostgreSQL ${fmt(postgres, 2)}, load client ${fmt(ms('client'), 2)}): ` +
    `${cores} cores allow at most ${fmt((cores * 1000) / total, 0)} orders/s at that cost`
  );
}

export const describeRate = (orders: number, seconds: number, workers: number) =>
  `${fmt(orders / seconds, 0)} orders/s (${fmt(seconds, 1)} s, ${workers} worker${workers > 1 ? 's' : ''})`;
