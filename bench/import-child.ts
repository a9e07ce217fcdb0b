/**
 * One step of the import benchmark, run in its own process by bench/import.ts so that the peak
 * RSS it reports is that step's alone. Prints one JSON line (ChildResult).
 *
 *   node dist/bench/import-child.js import  <csv> <duckdb file> [--floor]
 *   node dist/bench/import-child.js pg      <csv> <postgres url>
 *   node dist/bench/import-child.js parse   <csv>
 *   node dist/bench/import-child.js readcsv <csv> <duckdb file>
 */
import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeContext } from '../src/app/context.js';
import { importFile } from '../src/app/imports.js';
import { readFormat } from '../src/ingest/formats/index.js';
import type { ImportSummary } from '../src/ingest/import-file.js';
import { PostgresEngine } from '../src/store/postgres/engine.js';
import { openStore } from '../src/store/store.js';
import { peakRssMiB, timed } from './util.js';

export interface ChildResult {
  rows: number;
  orders: number;
  customers: number;
  seconds: number;
  /** CPU time of the whole process (all threads, DuckDB's too): steadier than wall time on a busy machine. */
  cpuSeconds: number;
  peakRssMiB: number;
  phases?: ImportSummary['phases'];
  /** Seconds DuckDB takes to copy the imported rows into empty tables of the same schema. */
  floorSeconds?: number;
}

const SHOP = 'bench';

/** The tables an orders import writes, in an order that respects nothing but readability. */
const WRITTEN_TABLES = ['orders', 'order_lines', 'customers', 'customer_identities', 'products'];

/** Wall and CPU time of `fn` (CPU of every thread of the process, DuckDB's included). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const before = process.cpuUsage();
  const { value, seconds } = await timed(fn);
  const u = process.cpuUsage(before);
  return { value, seconds, cpuSeconds: (u.user + u.system) / 1e6 };
}

function removeDuckDb(path: string): void {
  for (const p of [path, `${path}.wal`]) rmSync(p, { force: true });
}

function resultOf(s: ImportSummary, seconds: number, cpuSeconds: number): ChildResult {
  return {
    rows: s.rowsRead,
    orders: s.orders,
    customers: s.customers,
    seconds,
    cpuSeconds,
    peakRssMiB: peakRssMiB(),
    phases: s.phases,
  };
}

async function importDuckDb(csv: string, db: string, floor: boolean): Promise<ChildResult> {
  removeDuckDb(db);
  const store = await openStore({ db });
  let result: ChildResult;
  try {
    const { value, seconds, cpuSeconds } = await measured(() =>
      importFile(makeContext(store), { shopId: SHOP, format: 'shopify-orders', path: csv }),
    );
    result = resultOf(value, seconds, cpuSeconds);
  } finally {
    await store.close();
  }
  try {
    return floor ? { ...result, floorSeconds: await writeFloor(db) } : result;
  } finally {
    removeDuckDb(db);
  }
}

/**
 * The engine's limit for the writes alone: DuckDB copies the rows the import wrote into empty
 * tables of the same schema (same keys and indexes), in one transaction, and commits.
 */
async function writeFloor(imported: string): Promise<number> {
  const fresh = `${imported}.floor`;
  removeDuckDb(fresh);
  const migrated = await openStore({ db: fresh });
  await migrated.close();
  const instance = await DuckDBInstance.create(fresh);
  const conn = await instance.connect();
  try {
    await conn.run(`ATTACH '${imported.replaceAll("'", "''")}' AS imported (READ_ONLY)`);
    const { seconds } = await timed(async () => {
      await conn.run('BEGIN TRANSACTION');
      for (const t of WRITTEN_TABLES) await conn.run(`INSERT INTO ${t} SELECT * FROM imported.${t}`);
      await conn.run('COMMIT');
    });
    return seconds;
  } finally {
    conn.closeSync();
    instance.closeSync();
    removeDuckDb(fresh);
  }
}

async function importPostgres(csv: string, url: string): Promise<ChildResult> {
  const schema = `bench_import_${process.pid}`;
  const store = await openStore({ db: url, pgSchema: schema });
  try {
    const { value, seconds, cpuSeconds } = await measured(() =>
      importFile(makeContext(store), { shopId: SHOP, format: 'shopify-orders', path: csv }),
    );
    return resultOf(value, seconds, cpuSeconds);
  } finally {
    if (store.engine instanceof PostgresEngine) await store.engine.dropSchema(schema);
    await store.close();
  }
}

/** The reader alone: parse and validate every row on this thread, write nothing. */
async function parseOnly(csv: string): Promise<ChildResult> {
  let rows = 0;
  let orders = 0;
  const { seconds, cpuSeconds } = await measured(async () => {
    for await (const batch of readFormat('shopify-orders', csv, {
      currency: 'VND',
      timezone: 'Asia/Ho_Chi_Minh',
    })) {
      rows = batch.rowsRead;
      orders += batch.orders.length;
    }
  });
  return { rows, orders, customers: 0, seconds, cpuSeconds, peakRssMiB: peakRssMiB() };
}

/** The engine's own limit for the file: DuckDB's CSV reader into a plain table, every column as text. */
async function readCsvBaseline(csv: string, db: string): Promise<ChildResult> {
  removeDuckDb(db);
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  try {
    const quoted = `'${csv.replaceAll("'", "''")}'`;
    const { seconds, cpuSeconds } = await measured(() =>
      conn.run(`CREATE TABLE t AS SELECT * FROM read_csv(${quoted}, all_varchar = true, header = true)`),
    );
    const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0]);
    return { rows, orders: 0, customers: 0, seconds, cpuSeconds, peakRssMiB: peakRssMiB() };
  } finally {
    conn.closeSync();
    instance.closeSync();
    removeDuckDb(db);
  }
}

async function main(): Promise<ChildResult> {
  const [mode, csv, target, ...flags] = process.argv.slice(2);
  if (csv === undefined) throw new Error('usage: import-child <mode> <csv> [target]');
  switch (mode) {
    case 'import':
      return importDuckDb(csv, target ?? 'bench-data/import.duckdb', flags.includes('--floor'));
    case 'pg':
      if (target === undefined) throw new Error('pg needs a postgres:// url');
      return importPostgres(csv, target);
    case 'parse':
      return parseOnly(csv);
    case 'readcsv':
      return readCsvBaseline(csv, target ?? 'bench-data/read_csv.duckdb');
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
