import type { Command } from 'commander';
import { z } from 'zod';
import { type AnalysisSource, runAnalysis } from '../../app/analyze.js';
import { NurtureError } from '../../errors.js';
import { checkOutputPaths, databaseFiles } from '../../output-file.js';
import { formatterFor } from '../../report/format.js';
import { fill } from '../../report/i18n.js';
import { renderTextReport } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions } from '../options.js';
import { SHARED } from '../words.js';
import { segmentsRefreshedText } from './segment-text.js';

const optionsSchema = z.object({
  format: z.enum(['shopify-orders', 'orders-csv']).optional(),
  mapping: z.string().min(1).optional(),
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
  asOf: z.string().min(1).optional(),
  json: z.boolean().optional(),
  html: z.string().min(1).optional(),
  customersOut: z.string().min(1).optional(),
  lang: z.enum(['vi', 'en']).optional(),
  segments: z.boolean().optional(),
});

/** The file's format: as given, orders-csv when only a mapping is, Shopify's orders export otherwise. */
function fileFormat(
  format: 'shopify-orders' | 'orders-csv' | undefined,
  mapping: string | undefined,
): 'shopify-orders' | 'orders-csv' {
  if (mapping === undefined) return format ?? 'shopify-orders';
  if (format === 'shopify-orders')
    throw new NurtureError('invalid_input', '--mapping is for --format orders-csv, not shopify-orders');
  return 'orders-csv';
}

export function registerAnalyzeCommand(program: Command, deps: CliDeps): void {
  program
    .command('analyze')
    .description('KPIs, RFM, lifecycle and value groups, cohorts, transitions and best customers')
    .argument('[file]', 'an orders file to analyse without a lasting database (default: analyse the store)')
    .option('--format <format>', 'shopify-orders | orders-csv (file mode; default shopify-orders)')
    .option(
      '--mapping <mapping>',
      'orders-csv mapping: haravan | shopee | lazada | tiktok | FILE (implies orders-csv)',
    )
    .option('--db <path>', 'DuckDB file, :memory: or postgres:// URL (store mode)')
    .option('--shop <id>', 'shop id')
    .option('--as-of <date>', 'analyse as of this date (YYYY-MM-DD counts the whole day)')
    .option('--json', 'print the whole analysis as JSON')
    .option('--html <file>', 'write a self-contained HTML report (opens offline)')
    .option('--customers-out <file>', 'write one CSV row per customer')
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)')
    .option('--segments', 'also the key figures of every saved segment (refreshed first)')
    .action(async (file: string | undefined, raw: unknown) => {
      const o = parseOptions(optionsSchema, raw);
      if (file === undefined && (o.format !== undefined || o.mapping !== undefined))
        throw new NurtureError(
          'invalid_input',
          '--format and --mapping describe an orders FILE; without one, analyze reads the store',
        );
      const config = deps.config({ db: o.db, shop: o.shop, lang: o.lang });
      await checkOutputPaths(
        [
          o.html ? { option: '--html', path: o.html } : undefined,
          o.customersOut ? { option: '--customers-out', path: o.customersOut } : undefined,
        ],
        file
          ? [
              { what: 'the input file', path: file },
              ...(o.mapping ? [{ what: 'the mapping file', path: o.mapping }] : []),
            ]
          : databaseFiles(config.db),
      );
      const request = {
        shopId: config.shopId,
        lang: config.lang,
        ...(o.asOf ? { asOf: o.asOf } : {}),
        ...(o.html ? { htmlPath: o.html } : {}),
        ...(o.customersOut ? { customersOutPath: o.customersOut } : {}),
        ...(o.segments ? { segments: true } : {}),
      };
      const run = (source: AnalysisSource) => runAnalysis(source, request);
      const outcome = file
        ? await run({
            kind: 'file',
            path: file,
            format: fileFormat(o.format, o.mapping),
            ...(o.mapping ? { mapping: o.mapping } : {}),
          })
        : await withContext(
            deps,
            { db: o.db, shop: o.shop, lang: o.lang },
            (ctx) => run({ kind: 'store', ctx }),
            'existing',
          );
      if (o.json) deps.out(`${JSON.stringify(outcome.report, null, 2)}\n`);
      else deps.out(renderTextReport(outcome.report, config.lang));
      if (outcome.membership) deps.err(segmentsRefreshedText(outcome.membership, formatterFor(config.lang)));
      for (const f of outcome.files) deps.err(`${fill(SHARED.wrote, config.lang, { file: f })}\n`);
    });
}
