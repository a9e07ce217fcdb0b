import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fmt, machine, markdownTable, runInChild } from './util.js';

/**
 * `npm run bench -- analyze [--customers N] [--orders N] [--pg URL]`: a full recompute of the
 * per-customer stats, RFM and both group models on a generated shop (default 1M customers,
 * 10M orders), against the bare DuckDB aggregation and the bare append of the rows it writes (the
 * engine's limits for the reading and the writing half) and the same SQL on PostgreSQL (with --pg,
 * or NURTURE_TEST_PG_URL).
 */
export async function benchAnalyze(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const customers = Number(arg('customers') ?? 1_000_000);
  const orders = Number(arg('orders') ?? 10_000_000);
  const pgUrl = arg('pg') ?? (argv.includes('--pg') ? process.env['NURTURE_TEST_PG_URL'] : undefined);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
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
  type Run = {
    seconds: number;
    statsSeconds?: number;
    fitSeconds?: number;
    writeSeconds?: number;
    scoresSeconds?: number;
    /** CPU seconds of the process (all DuckDB threads) from the step's start to its end. */
    cpuSeconds: number;
    peakRssMiB: number;
  };
  const runs = (n: number, step: string, engine = 'duckdb', target = db, extra: string[] = []) =>
    Array.from({ length: n }, () =>
      runInChild<Run>(child, [engine, target, step, String(customers), String(orders), ...extra]),
    );
  const best = (all: Run[]) => all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const spread = (all: Run[]) =>
    `${fmt(Math.min(...all.map((r) => r.seconds)))}–${fmt(Math.max(...all.map((r) => r.seconds)))}`;
  const fullRuns = runs(3, 'recompute');
  const bareRuns = runs(3, 'bare');
  const bareWriteRuns = runs(3, 'bare-write');
  const twoStepRuns = runs(1, 'two-step');
  const [full, bare, bareWrite, twoStep] = [
    best(fullRuns),
    best(bareRuns),
    best(bareWriteRuns),
    best(twoStepRuns),
  ];
  const phases = (r: Run) =>
    r.writeSeconds === undefined
      ? `stats ${fmt(r.statsSeconds ?? 0)} s, scores ${fmt(r.scoresSeconds ?? 0)} s`
      : `stats ${fmt(r.statsSeconds ?? 0)} s, fit ${fmt(r.fitSeconds ?? 0)} s, scores + write ${fmt(r.writeSeconds)} s`;
  const ratio = (r: Run) => `${fmt(full.seconds / r.seconds)}`;
  const rows: (string | number)[][] = [
    [
      'full recompute, `recomputeShop` (stats + RFM + both models), DuckDB',
      fmt(full.seconds),
      spread(fullRuns),
      phases(full),
      fmt(full.cpuSeconds),
      Math.round(full.peakRssMiB),
      '1.00',
    ],
    [
      "bare GROUP BY customer + NTILE, DuckDB (the engine's limit)",
      fmt(bare.seconds),
      spread(bareRuns),
      '',
      fmt(bare.cpuSeconds),
      Math.round(bare.peakRssMiB),
      ratio(bare),
    ],
    [
      "bare write: the 1M customer_stats rows appended to an empty copy, DuckDB (the write's limit)",
      fmt(bareWrite.seconds),
      spread(bareWriteRuns),
      '',
      '–',
      Math.round(bareWrite.peakRssMiB),
      ratio(bareWrite),
    ],
    [
      'bare GROUP BY + NTILE, then bare write (the sum of both limits)',
      fmt(bare.seconds + bareWrite.seconds),
      '–',
      '',
      '–',
      '–',
      fmt(full.seconds / (bare.seconds + bareWrite.seconds)),
    ],
    [
      'naive: `refreshCustomerStats` (lines joined) + `recomputeScores`, two writes, DuckDB',
      fmt(twoStep.seconds),
      '–',
      phases(twoStep),
      fmt(twoStep.cpuSeconds),
      Math.round(twoStep.peakRssMiB),
      ratio(twoStep),
    ],
  ];
  if (pgUrl) {
    const schema = `bench_analyze_${customers}_${orders}`;
    await dropSchema(pgUrl, schema);
    process.stderr.write(`PostgreSQL: generating into schema ${schema}…\n`);
    runInChild(child, ['postgres', pgUrl, 'generate', String(customers), String(orders), schema]);
    const pg = best(runs(1, 'recompute', 'postgres', pgUrl, [schema]));
    const pgBare = best(runs(1, 'bare', 'postgres', pgUrl, [schema]));
    rows.push([
      'full recompute, PostgreSQL (same SQL)',
      fmt(pg.seconds),
      '–',
      phases(pg),
      '–',
      '–',
      ratio(pg),
    ]);
    rows.push(['bare GROUP BY + NTILE, PostgreSQL', fmt(pgBare.seconds), '–', '', '–', '–', ratio(pgBare)]);
    await dropSchema(pgUrl, schema);
  }
  process.stdout.write(
    `### Analytics full recompute — ${customers.toLocaleString('en-US')} customers, ${orders.toLocaleString('en-US')} orders\n\n` +
      `Machine: ${machine()}; load average at start ${load}. DuckDB: best of 3 runs (the naive one: 1 run), each in a fresh process (peak RSS is the process's own; CPU s: the process's user + system CPU during the step, DuckDB's threads included, of the best run).\n\n` +
      markdownTable(
        ['step', 'seconds', 'spread (s)', 'phases', 'CPU s', 'peak RSS MiB', 'ratio (full ÷ this)'],
        rows,
      ) +
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
