import type { Command } from 'commander';
import { z } from 'zod';
import { importFile, importInputSchema } from '../../app/imports.js';
import { parseInput } from '../../app/input.js';
import type { ImportSummary } from '../../ingest/import-file.js';
import { IMPORT_FORMATS, type ImportFormat } from '../../ingest/records.js';
import { checkOutputPaths, databaseFiles } from '../../output-file.js';
import { type Formatter, formatterFor } from '../../report/format.js';
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

/** The one-line summary printed at the end of an import. */
export function summaryLine(
  format: ImportFormat,
  file: string,
  s: ImportSummary,
  rejectsPath: string | undefined,
  f: Formatter,
): string {
  const n = (v: number) => f.count(v);
  const rejects = s.rejected > 0 && rejectsPath ? ` (see ${rejectsPath})` : '';
  if (format === 'shopify-products' || format === 'products-csv') {
    const skipped =
      s.skippedVariants > 0
        ? `, ${n(s.skippedVariants)} variants without SKU left out (order lines name SKUs)`
        : '';
    return (
      `imported ${format} ${file}: ${n(s.rowsRead)} rows read, ${n(s.products)} products (SKUs)${skipped}, ` +
      `${n(s.rejected)} rejected${rejects} in ${f.decimal(s.seconds, 1)} s\n`
    );
  }
  if (format === 'marketing-costs')
    return (
      `imported ${format} ${file}: ${n(s.rowsRead)} rows read, ${n(s.marketingCosts)} monthly costs, ` +
      `${n(s.rejected)} rejected${rejects} in ${f.decimal(s.seconds, 1)} s\n`
    );
  return (
    `imported ${format} ${file}: ${n(s.rowsRead)} rows read, ${n(s.orders)} orders, ${n(s.customers)} new customers, ` +
    `${n(s.events)} events, ${n(s.merged)} merged, ${n(s.rejected)} rejected${rejects} in ${f.decimal(s.seconds, 1)} s\n`
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
      const bar = progressBar(process.stderr);
      const summary = await withContext(deps, { db: opts.db, shop: opts.shop }, (ctx) =>
        importFile(ctx, {
          ...input,
          path: file,
          ...(opts.rejects ? { rejectsPath: opts.rejects } : {}),
          onProgress: (p) => bar.update(p),
        }),
      ).finally(() => bar.done());
      deps.out(summaryLine(input.format, file, summary, opts.rejects, formatterFor(config.lang)));
    });
}
