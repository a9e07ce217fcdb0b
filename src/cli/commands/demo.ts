import type { Command } from 'commander';
import { z } from 'zod';
import { systemClock } from '../../app/clock.js';
import { demoUntil, runDemo } from '../../app/demo.js';
import type { Localized } from '../../domain/analytics/types.js';
import { DEFAULT_SHOP_ID, type OrderStatus } from '../../domain/model/index.js';
import { DEFAULT_TIME_ZONE } from '../../domain/time.js';
import { generateShop } from '../../ingest/demo/generate.js';
import { DEMO_DEFAULT_CUSTOMERS, DEMO_DEFAULT_SEED } from '../../ingest/demo/params.js';
import type { DemoShop } from '../../ingest/demo/types.js';
import { type WrittenFile, writeDemoShop } from '../../ingest/demo/write.js';
import { type Formatter, formatterFor, type Lang } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import type { StoreSummary } from '../../store/store.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions } from '../options.js';
import { summaryLine } from './import.js';
import { segmentsRefreshedText } from './segment-text.js';

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

/** demo's and generate's words; the import lines are import's own (summaryLine). */
const T = {
  shop: {
    vi: 'shop demo: {customers} khách hàng, seed {seed}, lịch sử {from} → {to}',
    en: 'demo shop: {customers} customers, seed {seed}, history {from} → {to}',
  },
  catalog: { vi: 'sản phẩm', en: 'products' },
  events: { vi: 'sự kiện', en: 'events' },
  rows: { vi: 'dòng', en: 'rows' },
  title: { vi: 'shop "{shop}"', en: 'shop "{shop}"' },
  customers: { vi: 'khách hàng', en: 'customers' },
  buyers: { vi: 'khách đã mua', en: 'buyers' },
  orders: { vi: 'đơn hàng', en: 'orders' },
  orderLines: { vi: 'dòng đơn hàng', en: 'order lines' },
  revenue: { vi: 'doanh thu', en: 'revenue' },
  products: { vi: 'sản phẩm', en: 'products' },
  eventCount: { vi: 'sự kiện', en: 'events' },
  feedback: { vi: 'phản hồi', en: 'feedback' },
  merges: { vi: 'lần gộp khách', en: 'merges' },
  scored: {
    vi: 'đã tính điểm và phân nhóm đến hiện tại (xem báo cáo: nurture analyze)',
    en: 'scores and groups as of now (the report: nurture analyze)',
  },
} as const satisfies Catalogue;

/** Order statuses as the summary names them. */
const STATUS: Record<OrderStatus, Localized> = {
  pending: { vi: 'chờ xử lý', en: 'pending' },
  paid: { vi: 'đã thanh toán', en: 'paid' },
  delivered: { vi: 'đã giao', en: 'delivered' },
  failed_delivery: { vi: 'giao thất bại', en: 'failed_delivery' },
  returned: { vi: 'hoàn hàng', en: 'returned' },
  refunded: { vi: 'đã hoàn tiền', en: 'refunded' },
  cancelled: { vi: 'đã huỷ', en: 'cancelled' },
};

const statusName = (status: string, lang: Lang): string =>
  (STATUS as Record<string, Localized | undefined>)[status]?.[lang] ?? status;

/** "YYYY-MM-DD" of an instant in Vietnam. */
function vnDay(ms: number): string {
  return new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
}

function describeShop(shop: DemoShop, f: Formatter): string {
  return fill(T.shop, f.lang, {
    customers: f.count(shop.customers.length),
    seed: shop.seed,
    from: vnDay(shop.start),
    to: vnDay(shop.until - 1),
  });
}

function fileLine(w: WrittenFile, f: Formatter): string {
  const unit = w.kind === 'catalog' ? T.catalog : w.kind === 'events' ? T.events : T.rows;
  return `  ${w.path}  ${f.count(w.rows)} ${tr(unit, f.lang)}, ${f.count(w.bytes / 1024)} KB\n`;
}

/** The store's summary as a short two-column table. */
export function summaryTable(shopId: string, s: StoreSummary, f: Formatter, currency = 'VND'): string {
  const group = (n: number) => f.count(n);
  const statuses = Object.entries(s.ordersByStatus)
    .map(([status, n]) => `${statusName(status, f.lang)} ${group(n)}`)
    .join(', ');
  const rows: [Localized, string][] = [
    [T.customers, group(s.customers)],
    [T.buyers, group(s.buyers)],
    [T.orders, `${group(s.orders)}${statuses ? ` (${statuses})` : ''}`],
    [T.orderLines, group(s.orderLines)],
    [T.revenue, f.money(s.revenue, currency)],
    [T.products, group(s.products)],
    [T.eventCount, group(s.events)],
    [T.feedback, group(s.feedback)],
    [T.merges, group(s.merges)],
  ];
  const named = rows.map(([k, v]) => [tr(k, f.lang), v] as const);
  const width = Math.max(...named.map(([k]) => k.length));
  return `${fill(T.title, f.lang, { shop: shopId })}\n${named.map(([k, v]) => `  ${k.padEnd(width)}  ${v}\n`).join('')}`;
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
    deps.out(`${tr(T.scored, f.lang)}\n${segmentsRefreshedText(outcome.segments, f)}`);
  });
}
