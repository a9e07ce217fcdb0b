import type { Command } from 'commander';
import { z } from 'zod';
import { importFile, importInputSchema } from '../../app/imports.js';
import { parseInput } from '../../app/input.js';
import type { Localized } from '../../domain/analytics/types.js';
import type { ImportSummary } from '../../ingest/import-file.js';
import { IMPORT_FORMATS, type ImportFormat } from '../../ingest/records.js';
import { checkOutputPaths, databaseFiles } from '../../output-file.js';
import { type Formatter, formatterFor } from '../../report/format.js';
import { type Catalogue, fill } from '../../report/i18n.js';
import type { CliDeps } from '../context.js';
import { withContext } from '../context.js';
import { parseOptions } from '../options.js';
import { progressBar } from '../progress.js';

const optionsSchema = z.object({
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
  mapping: z.string().min(1).optional(),
  skipInvalid: z.boolean().optional(),
  rejects: z.string().min(1).optional(),
  lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional(),
});

/** The words of the import summary (also demo's, which imports through the same command). */
const T = {
  imported: { vi: 'đã nhập {format} {file}: ', en: 'imported {format} {file}: ' },
  rowsRead: { vi: 'đọc {n} dòng', en: '{n} rows read' },
  products: { vi: '{n} sản phẩm (SKU)', en: '{n} products (SKUs)' },
  skippedVariants: {
    vi: ', bỏ qua {n} biến thể không có SKU (dòng đơn hàng ghi theo SKU)',
    en: ', {n} variants without SKU left out (order lines name SKUs)',
  },
  monthlyCosts: { vi: '{n} chi phí theo tháng', en: '{n} monthly costs' },
  orders: { vi: '{n} đơn hàng', en: '{n} orders' },
  newCustomers: { vi: '{n} khách mới', en: '{n} new customers' },
  events: { vi: '{n} sự kiện', en: '{n} events' },
  merged: { vi: '{n} khách được gộp', en: '{n} merged' },
  rejected: { vi: '{n} dòng bị loại', en: '{n} rejected' },
  seeRejects: { vi: ' (xem {path})', en: ' (see {path})' },
  took: { vi: ' trong {s} giây', en: ' in {s} s' },
} as const satisfies Catalogue;

/** The one-line summary printed at the end of an import. */
export function summaryLine(
  format: ImportFormat,
  file: string,
  s: ImportSummary,
  rejectsPath: string | undefined,
  f: Formatter,
): string {
  const say = (entry: Localized, n: number) => fill(entry, f.lang, { n: f.count(n) });
  const parts =
    format === 'shopify-products' || format === 'products-csv'
      ? [
          say(T.rowsRead, s.rowsRead),
          `${say(T.products, s.products)}${s.skippedVariants > 0 ? say(T.skippedVariants, s.skippedVariants) : ''}`,
        ]
      : format === 'marketing-costs'
        ? [say(T.rowsRead, s.rowsRead), say(T.monthlyCosts, s.marketingCosts)]
        : [
            say(T.rowsRead, s.rowsRead),
            say(T.orders, s.orders),
            say(T.newCustomers, s.customers),
            say(T.events, s.events),
            say(T.merged, s.merged),
          ];
  const rejects = s.rejected > 0 && rejectsPath ? fill(T.seeRejects, f.lang, { path: rejectsPath }) : '';
  return (
    `${fill(T.imported, f.lang, { format, file })}${[...parts, say(T.rejected, s.rejected)].join(', ')}` +
    `${rejects}${fill(T.took, f.lang, { s: f.decimal(s.seconds, 1) })}\n`
  );
}

export function registerImportCommand(program: Command, deps: CliDeps): void {
  program
    .command('import')
    .description(
      'import a file: shopify-customers, shopify-orders, orders-csv (with --mapping), events-jsonl, shopify-products, products-csv (with --mapping), marketing-costs',
    )
    .argument('<format>', IMPORT_FORMATS.join(' | '))
    .argument('<file>', 'the file to import (UTF-8, with or without BOM)')
    .option(
      '--db <path>',
      'DuckDB file, :memory: or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)',
    )
    .option('--shop <id>', 'shop id (default: NURTURE_SHOP or "default")')
    .option(
      '--mapping <file>',
      'orders-csv: haravan | shopee | lazada | tiktok; products-csv: haravan | shopee; or a .json/.yaml mapping file',
    )
    .option('--skip-invalid', 'import the valid rows and report the rejected ones (default: all or nothing)')
    .option('--rejects <file>', 'write rejected rows to this CSV file (line,column,reason)')
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)')
    .action(async (formatArg: string, file: string, raw: unknown) => {
      const opts = parseOptions(optionsSchema, raw);
      const input = parseInput(importInputSchema, {
        shopId: deps.config({ shop: opts.shop }).shopId,
        format: formatArg,
        mapping: opts.mapping,
        skipInvalid: opts.skipInvalid,
      });
      const config = deps.config({ db: opts.db, shop: opts.shop, lang: opts.lang });
      await checkOutputPaths(
        [opts.rejects ? { option: '--rejects', path: opts.rejects } : undefined],
        [
          { what: 'the input file', path: file },
          ...(opts.mapping ? [{ what: 'the mapping file', path: opts.mapping }] : []),
          ...databaseFiles(config.db),
        ],
      );
      const f = formatterFor(config.lang);
      const bar = progressBar(process.stderr, f);
      const summary = await withContext(deps, { db: opts.db, shop: opts.shop }, (ctx) =>
        importFile(ctx, {
          ...input,
          path: file,
          ...(opts.rejects ? { rejectsPath: opts.rejects } : {}),
          onProgress: (p) => bar.update(p),
        }),
      ).finally(() => bar.done());
      deps.out(summaryLine(input.format, file, summary, opts.rejects, f));
    });
}
