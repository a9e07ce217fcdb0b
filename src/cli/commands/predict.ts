/**
 * `nurture predict`: fits the CLV models on the store's valid orders and writes every customer's
 * predictions to `customer_predictions` (see docs/clv.md); `--validate --holdout-from DATE` adds
 * the calibration/holdout report, `--html FILE` draws it. Validates options (zod), calls
 * `predictShop`, formats the result.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { type PredictInput, predict } from '../../app/predict.js';
import { checkOutputPaths, databaseFiles, writeOutputFile } from '../../output-file.js';
import { renderClvValidationHtml } from '../../report/clv-html.js';
import { formatterFor } from '../../report/format.js';
import { fill } from '../../report/i18n.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions } from '../options.js';
import { SHARED } from '../words.js';
import { formatPredictResult } from './predict-text.js';
import { segmentsRefreshedText } from './segment-text.js';

const day = (name: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date YYYY-MM-DD`);

const number = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .refine((v) => Number.isFinite(v) && v >= min && v <= max, `${name} must be between ${min} and ${max}`);

/** The command's options after validation. */
export const predictOptionsSchema = z
  .object({
    db: z.string().min(1).optional(),
    shop: z.string().min(1).optional(),
    asOf: day('--as-of').optional(),
    model: z
      .enum(['auto', 'bgnbd', 'mbgnbd', 'pnbd', 'nbd'], {
        error: '--model must be auto, bgnbd, mbgnbd, pnbd or nbd',
      })
      .default('auto'),
    unit: z.enum(['day', 'week'], { error: '--unit must be day or week' }).default('day'),
    prior: z.enum(['auto', 'on', 'off'], { error: '--prior must be auto, on or off' }).default('auto'),
    penalizer: number('--penalizer', 0, 1e6).default(0),
    clvMonths: z.coerce
      .number({ error: '--clv-months must be a number' })
      .int('--clv-months must be a whole number')
      .min(1, '--clv-months must be >= 1')
      .max(1200, '--clv-months must be <= 1200')
      .default(12),
    discountRate: number('--discount-rate', 0, 9).default(0.01),
    margin: number('--margin', 0, 1).default(1),
    validate: z.boolean().default(false),
    holdoutFrom: day('--holdout-from').optional(),
    html: z.string().min(1).optional(),
    json: z.boolean().default(false),
    lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional(),
  })
  .refine((o) => !o.validate || o.holdoutFrom !== undefined, {
    message: '--validate needs --holdout-from DATE (the first day of the holdout period)',
    path: ['holdoutFrom'],
  })
  .refine((o) => o.holdoutFrom === undefined || o.validate, {
    message: '--holdout-from is only used with --validate',
    path: ['holdoutFrom'],
  })
  .refine((o) => o.html === undefined || o.validate, {
    message: '--html writes the validation report: use it with --validate',
    path: ['html'],
  });

export type PredictOptions = z.output<typeof predictOptionsSchema>;

/** The use case's input from the command's options. */
function inputOf(o: PredictOptions, shopId: string): PredictInput {
  return {
    shopId,
    model: o.model,
    unit: o.unit,
    prior: o.prior,
    penalizer: o.penalizer,
    clvMonths: o.clvMonths,
    discountRate: o.discountRate,
    margin: o.margin,
    ...(o.asOf ? { asOf: o.asOf } : {}),
    ...(o.validate && o.holdoutFrom ? { holdoutFrom: o.holdoutFrom } : {}),
  };
}

/** Registers `nurture predict`. */
export function registerPredictCommand(program: Command, deps: CliDeps): void {
  program
    .command('predict')
    .description("fit the CLV models on the store's valid orders and write every customer's predictions")
    .option('--db <path>', 'DuckDB file, :memory: or postgres:// URL')
    .option('--shop <id>', 'shop id')
    .option(
      '--as-of <date>',
      'last day of the observation, YYYY-MM-DD (default: today in the shop time zone)',
    )
    .option(
      '--model <model>',
      "auto (the best on the shop's own holdout), bgnbd, mbgnbd, pnbd or nbd",
      'auto',
    )
    .option('--unit <unit>', 'time unit of the model: day or week', 'day')
    .option('--prior <mode>', 'small-shop shrinkage: auto, on or off', 'auto')
    .option('--penalizer <x>', 'L2 penalizer on the parameters (lifetimes semantics)')
    .option('--clv-months <n>', 'CLV horizon in months', '12')
    .option('--discount-rate <x>', 'monthly discount rate of CLV', '0.01')
    .option('--margin <x>', 'gross margin applied to order values in CLV (0..1)', '1')
    .option('--validate', 'also report calibration/holdout validation')
    .option('--holdout-from <date>', 'first day of the holdout period (with --validate)')
    .option('--html <file>', 'write the validation report as a self-contained HTML page (with --validate)')
    .option('--json', 'print the result as JSON')
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)')
    .action(async (raw: unknown) => {
      const o = parseOptions(predictOptionsSchema, raw);
      const config = deps.config({ db: o.db, shop: o.shop, lang: o.lang });
      await checkOutputPaths(
        [o.html === undefined ? undefined : { option: '--html', path: o.html }],
        databaseFiles(config.db),
      );
      const { result, shop, membership } = await withContext(
        deps,
        { db: o.db, shop: o.shop, lang: o.lang },
        (ctx) => predict(ctx, inputOf(o, config.shopId)),
        'existing',
      );
      deps.err(segmentsRefreshedText(membership, formatterFor(config.lang)));
      if (o.html !== undefined && result.validation !== undefined) {
        await writeOutputFile(
          o.html,
          renderClvValidationHtml(result.validation, { shopName: shop.name, lang: config.lang }),
        );
        deps.err(`${fill(SHARED.wrote, config.lang, { file: o.html })}\n`);
      }
      deps.out(
        o.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : formatPredictResult(result, config.lang, shop.currency),
      );
    });
}
