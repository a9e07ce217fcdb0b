import type { Command } from 'commander';
import { z } from 'zod';
import { systemClock } from '../../app/clock.js';
import { demoUntil, runDemo } from '../../app/demo.js';
import { DEFAULT_SHOP_ID } from '../../domain/model/index.js';
import { DEFAULT_TIME_ZONE } from '../../domain/time.js';
import { generateShop } from '../../ingest/demo/generate.js';
import { DEMO_DEFAULT_CUSTOMERS, DEMO_DEFAULT_SEED } from '../../ingest/demo/params.js';
import type { DemoShop } from '../../ingest/demo/types.js';
import { type WrittenFile, writeDemoShop } from '../../ingest/demo/write.js';
import { type Formatter, formatterFor } from '../../report/format.js';
import type { StoreSummary } from '../../store/store.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions } from '../options.js';
import { summaryLine } from './import.js';
import { segmentsRefreshedText } from './segment.js';

/** More customers than this is a benchmark, not a demo (`npm run bench -- import`). */
const MAX_CUSTOMERS = 1_000_000;

const intOption = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const shopOptionsSchema = z.object({
  customers: intOption('--customers', 1, MAX_CUSTOMERS).default(DEMO_DEFAULT_CUSTOMERS),
  seed: intOption('--seed', -2_147_483_648, 4_294_967_295).default(DEMO_DEFAULT_SEED),
  lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional(),
  until: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '--until must be a date YYYY-MM-DD')
    .optional(),
});

const generateSchema = shopOptionsSchema.extend({ out: z.string().min(1) });
const demoSchema = shopOptionsSchema.extend({
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
});

/** "YYYY-MM-DD" of an instant in Vietnam. */
function vnDay(ms: number): string {
  return new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
}

function describeShop(shop: DemoShop, f: Formatter): string {
  const group = (n: number) => f.count(n);
  const last = vnDay(shop.until - 1);
  return `demo shop: ${group(shop.customers.length)} customers, seed ${shop.seed}, history ${vnDay(shop.start)} → ${last}`;
}

function fileLine(w: WrittenFile, f: Formatter): string {
  const unit = w.kind === 'catalog' ? 'products' : w.kind === 'events' ? 'events' : 'rows';
  return `  ${w.path}  ${f.count(w.rows)} ${unit}, ${f.count(w.bytes / 1024)} KB\n`;
}

/** The store's summary as a short two-column table. */
export function summaryTable(shopId: string, s: StoreSummary, f: Formatter, currency = 'VND'): string {
  const group = (n: number) => f.count(n);
  const statuses = Object.entries(s.ordersByStatus)
    .map(([status, n]) => `${status} ${group(n)}`)
    .join(', ');
  const rows: [string, string][] = [
    ['customers', group(s.customers)],
    ['buyers', group(s.buyers)],
    ['orders', `${group(s.orders)}${statuses ? ` (${statuses})` : ''}`],
    ['order lines', group(s.orderLines)],
    ['revenue', f.money(s.revenue, currency)],
    ['products', group(s.products)],
    ['events', group(s.events)],
    ['feedback', group(s.feedback)],
    ['merges', group(s.merges)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `shop "${shopId}"\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}\n`).join('')}`;
}

/**
 * `nurture generate` writes a demo shop's files (customers.csv, orders.csv, events.jsonl,
 * products.csv, marketing_costs.csv); `nurture demo` generates one into a temporary directory
 * and loads it through the same importers as a seller's files.
 */
export function registerDemoCommands(program: Command, deps: CliDeps): void {
  const shopOptions = (cmd: Command): Command =>
    cmd
      .option('--customers <n>', `customers in the shop (default ${DEMO_DEFAULT_CUSTOMERS})`)
      .option('--seed <s>', `random seed; the same seed gives the same shop (default ${DEMO_DEFAULT_SEED})`)
      .option(
        '--until <date>',
        "last day of the history, YYYY-MM-DD, in the shop's time zone (default: today)",
      )
      .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)');

  shopOptions(
    program
      .command('generate')
      .description(
        'write a demo shop as Shopify customers/orders CSVs, events JSONL, catalog and marketing costs',
      )
      .requiredOption('--out <dir>', 'directory to write the files to (created when missing)'),
  ).action(async (raw: unknown) => {
    const opts = parseOptions(generateSchema, raw);
    // No shop here: the demo shop's zone (Vietnam); without --until the history ends now.
    const until = demoUntil(opts.until, { timeZone: DEFAULT_TIME_ZONE, now: systemClock.now() });
    const shop = generateShop({ customers: opts.customers, seed: opts.seed, until });
    const written = await writeDemoShop(shop, opts.out);
    const f = formatterFor(deps.config({ lang: opts.lang }).lang);
    deps.out(`${describeShop(shop, f)}\n${written.map((w) => fileLine(w, f)).join('')}`);
  });

  shopOptions(
    program
      .command('demo')
      .description('fill a store with a realistic Vietnamese demo shop and print a summary')
      .option(
        '--db <path>',
        'DuckDB file, :memory: or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)',
      )
      .option('--shop <id>', `shop id (default: NURTURE_SHOP or "${DEFAULT_SHOP_ID}")`),
  ).action(async (raw: unknown) => {
    const opts = parseOptions(demoSchema, raw);
    const flags = { db: opts.db, shop: opts.shop, lang: opts.lang };
    const f = formatterFor(deps.config(flags).lang);
    const input = {
      shopId: deps.config(flags).shopId,
      customers: opts.customers,
      seed: opts.seed,
      until: opts.until,
    };
    const outcome = await withContext(deps, flags, (ctx) =>
      runDemo(ctx, input, (shop) => deps.out(`${describeShop(shop, f)}\n`)),
    );
    for (const { format, file, summary } of outcome.imports)
      deps.out(summaryLine(format, file, summary, undefined, f));
    deps.out(summaryTable(input.shopId, outcome.summary, f));
    deps.out(
      `scores and groups as of now (the report: nurture analyze)\n${segmentsRefreshedText(outcome.segments, f)}`,
    );
  });
}
