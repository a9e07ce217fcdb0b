/**
 * `npm run bench -- import [--rows N] [--runs K] [--pg] [--pg-url URL]`: generates a Shopify
 * orders export of N line-item rows (default 1,000,000; kept in bench-data/ for later runs) and
 * imports it into a fresh DuckDB file, each run in its own process so that the peak RSS is the
 * import's own. The baseline, measured in the same run, is DuckDB's read_csv of the same file
 * into a plain table (all columns text): the engine's own limit for reading that file. Also
 * measured: the reader alone (parse + validate, no writes), and with --pg the same import into
 * PostgreSQL (NURTURE_TEST_PG_URL or --pg-url).
 */
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOrdersForRows } from '../src/ingest/demo/generate.js';
import { writeShopifyOrdersCsv } from '../src/ingest/demo/write.js';
import type { ChildResult } from './import-child.js';
import { fmt, machine, markdownTable, runInChild, timed } from './util.js';

const DATA_DIR = 'bench-data';
const CHILD = fileURLToPath(new URL('./import-child.js', import.meta.url));

interface Options {
  rows: number;
  runs: number;
  pgUrl: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rows = Number(value('--rows') ?? 1_000_000);
  const runs = Number(value('--runs') ?? 3);
  if (!Number.isInteger(rows) || rows <= 0) throw new Error(`--rows must be a positive integer`);
  if (!Number.isInteger(runs) || runs <= 0) throw new Error(`--runs must be a positive integer`);
  const pgUrl = value('--pg-url') ?? (argv.includes('--pg') ? process.env['NURTURE_TEST_PG_URL'] : undefined);
  if (argv.includes('--pg') && pgUrl === undefined)
    throw new Error('--pg needs NURTURE_TEST_PG_URL or --pg-url');
  return { rows, runs, pgUrl };
}

/** 1000000 → "1m", 200000 → "200k". */
function sizeLabel(rows: number): string {
  if (rows % 1_000_000 === 0) return `${rows / 1_000_000}m`;
  if (rows % 1000 === 0) return `${rows / 1000}k`;
  return String(rows);
}

/** The demo generator's orders export; written to a temporary name first so a cut run is never reused. */
async function ensureFile(rows: number): Promise<string> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `shopify-orders-${sizeLabel(rows)}.csv`);
  if (existsSync(path)) return path;
  const partial = `${path}.partial`;
  const { value: stats, seconds } = await timed(() =>
    writeShopifyOrdersCsv(generateOrdersForRows(rows), partial),
  );
  renameSync(partial, path);
  process.stderr.write(
    `generated ${path}: ${stats.rows} rows, ${stats.orders} orders, ${(stats.bytes / 2 ** 20).toFixed(0)} MiB in ${fmt(seconds, 1)} s\n`,
  );
  return path;
}

interface Measured {
  best: ChildResult;
  all: ChildResult[];
}

/** Runs one step `runs` times, each in a fresh process; the fastest run is the figure. */
function measure(label: string, runs: number, args: readonly string[]): Measured {
  const all: ChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    const r = runInChild<ChildResult>(CHILD, args);
    process.stderr.write(
      `${label} run ${i + 1}/${runs}: ${fmt(r.seconds)} s, ${fmt(r.cpuSeconds)} CPU s, ${fmt(r.peakRssMiB, 0)} MiB\n`,
    );
    all.push(r);
  }
  const best = all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { best, all };
}

function spread(m: Measured): string {
  const s = m.all.map((r) => r.seconds);
  return m.all.length === 1 ? '–' : `${fmt(Math.min(...s))}–${fmt(Math.max(...s))}`;
}

export async function benchImport(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const csv = await ensureFile(options.rows);
  const mib = statSync(csv).size / 2 ** 20;
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const db = (name: string) => join(DATA_DIR, `${name}-${process.pid}.duckdb`);

  const baseline = measure('read_csv', options.runs, ['readcsv', csv, db('read_csv')]);
  const parse = measure('parse', options.runs, ['parse', csv]);
  const duck = measure('import', options.runs, ['import', csv, db('import'), '--floor']);
  const pg =
    options.pgUrl === undefined ? undefined : measure('import pg', options.runs, ['pg', csv, options.pgUrl]);

  const vsBaseline = (seconds: number) => `${fmt(seconds / baseline.best.seconds, 1)}×`;
  const row = (name: string, m: Measured): (string | number)[] => [
    name,
    Math.round(m.best.rows / m.best.seconds).toLocaleString('en-US'),
    fmt(m.best.seconds),
    spread(m),
    fmt(Math.min(...m.all.map((r) => r.cpuSeconds))),
    fmt(Math.max(...m.all.map((r) => r.peakRssMiB)), 0),
    vsBaseline(m.best.seconds),
  ];
  const floors = duck.all.map((r) => r.floorSeconds ?? Number.NaN);
  const floor = Math.min(...floors);
  const rows = [
    row('DuckDB read_csv → plain table (baseline)', baseline),
    row('reader only (parse + validate, no writes)', parse),
    row('`importFile` → DuckDB', duck),
    ...(pg ? [row('`importFile` → PostgreSQL', pg)] : []),
    [
      'write floor: DuckDB copies the imported rows into empty tables (same keys)',
      Math.round(options.rows / floor).toLocaleString('en-US'),
      fmt(floor),
      floors.length > 1 ? `${fmt(floor)}–${fmt(Math.max(...floors))}` : '–',
      '',
      '',
      vsBaseline(floor),
    ],
  ];
  const out = [
    `## Import benchmark — ${machine()}`,
    '',
    `\`npm run bench -- import ${argv.join(' ')}\`: ${csv}, ${options.rows.toLocaleString('en-US')} line-item rows, ` +
      `${duck.best.orders.toLocaleString('en-US')} orders, ${duck.best.customers.toLocaleString('en-US')} customers, ` +
      `${mib.toFixed(0)} MiB; ${options.runs} run(s) each, best shown; load average at start ${load}.`,
    '',
    markdownTable(
      ['step', 'rows/s', 'seconds', 'spread (s)', 'CPU s', 'peak RSS (MiB)', 'time vs read_csv'],
      rows,
    ),
    '',
    phaseLine('DuckDB', duck.best),
    ...(pg ? [phaseLine('PostgreSQL', pg.best)] : []),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Where the best import run spent its time (reading overlaps writing when a worker parses). */
function phaseLine(name: string, r: ChildResult): string {
  const p = r.phases;
  if (p === undefined) return '';
  const rest = r.seconds - p.readSeconds - p.writeSeconds - p.finishSeconds;
  return (
    `${name} import, best run: waited ${fmt(p.readSeconds)} s for parsed batches, wrote batches for ` +
    `${fmt(p.writeSeconds)} s, then ${fmt(p.finishSeconds)} s for referrals, customer stats, segment membership ` +
    `and the import record, and ${fmt(rest)} s to commit.`
  );
}
