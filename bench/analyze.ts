import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fmt, machine, markdownTable, runInChild } from './util.js';

/**
 * `npm run bench -- analyze [--customers N] [--orders N] [--pg URL]`: a full recompute of the
 * per-customer stats, RFM and both group models on a generated shop (default 1M customers,
 * 10M orders), against the bare DuckDB aggregation (the engine's limit) and the same SQL on
 * PostgreSQL (with --pg, or NURTURE_TEST_PG_URL).
 */
export async function benchAnalyze(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const customers = Number(arg('customers') ?? 1_000_000);
  const orders = Number(arg('orders') ?? 10_000_000);
  const pgUrl = arg('pg') ?? (argv.includes('--pg') ? process.env['NURTURE_TEST_PG_URL'] : undefined);
  const child = fileURLToPath(new URL('./analyze-child.js', import.meta.url));
  const dir = 'bench-data';
  mkdirSync(dir, { recursive: true });
  const db = join(dir, `analyze-${customers}-${orders}.duckdb`);
  if (!existsSync(db)) {
    process.stderr.write(`generating ${customers} customers / ${orders} orders into ${db}…\n`);
    const g = runInChild<{ seconds: number }>(child, [
      'duckdb',
      db,
      'generate',
      String(customers),
      String(orders),
    ]);
    process.stderr.write(`generated in ${fmt(g.seconds, 1)} s\n`);
  }
  type Run = { seconds: number; statsSeconds?: number; scoresSeconds?: number; peakRssMiB: number };
  const best = (step: string, engine = 'duckdb', target = db, extra: string[] = []) => {
    const runs = [0, 1, 2].map(() =>
      runInChild<Run>(child, [engine, target, step, String(customers), String(orders), ...extra]),
    );
    return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  };
  const full = best('recompute');
  const bare = best('bare');
  const rows: (string | number)[][] = [
    [
      'full recompute (stats + RFM + both models), DuckDB',
      fmt(full.seconds),
      fmt(full.statsSeconds ?? 0),
      fmt(full.scoresSeconds ?? 0),
      Math.round(full.peakRssMiB),
      '1.00',
    ],
    [
      'bare GROUP BY customer + NTILE, DuckDB',
      fmt(bare.seconds),
      '',
      '',
      Math.round(bare.peakRssMiB),
      fmt(full.seconds / bare.seconds),
    ],
  ];
  if (pgUrl) {
    const schema = `bench_analyze_${customers}_${orders}`;
    await dropSchema(pgUrl, schema);
    process.stderr.write(`PostgreSQL: generating into schema ${schema}…\n`);
    runInChild(child, ['postgres', pgUrl, 'generate', String(customers), String(orders), schema]);
    const pg = runInChild<Run>(child, [
      'postgres',
      pgUrl,
      'recompute',
      String(customers),
      String(orders),
      schema,
    ]);
    const pgBare = runInChild<Run>(child, [
      'postgres',
      pgUrl,
      'bare',
      String(customers),
      String(orders),
      schema,
    ]);
    rows.push([
      'full recompute, PostgreSQL (same SQL)',
      fmt(pg.seconds),
      fmt(pg.statsSeconds ?? 0),
      fmt(pg.scoresSeconds ?? 0),
      '–',
      fmt(full.seconds / pg.seconds),
    ]);
    rows.push([
      'bare GROUP BY + NTILE, PostgreSQL',
      fmt(pgBare.seconds),
      '',
      '',
      '–',
      fmt(full.seconds / pgBare.seconds),
    ]);
    await dropSchema(pgUrl, schema);
  }
  process.stdout.write(
    `### Analytics full recompute — ${customers.toLocaleString('en-US')} customers, ${orders.toLocaleString('en-US')} orders\n\n` +
      `Machine: ${machine()}. Best of 3 runs, each in a fresh process (peak RSS is the process's own).\n\n` +
      markdownTable(['step', 'seconds', 'stats s', 'scores s', 'peak RSS MiB', 'ratio (full ÷ this)'], rows) +
      '\n',
  );
  if (argv.includes('--clean')) rmSync(db, { force: true });
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
