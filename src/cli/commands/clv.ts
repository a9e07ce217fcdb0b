/**
 * `nurture clv fit <file>`: the CLI of the `clv fit` use case (src/app/clv-fit.ts): validates the
 * options, calls `runClvFit`, formats the result.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  type ClvFitResult,
  clvFitOptionsSchema,
  type FittedModelSummary,
  runClvFit,
} from '../../app/clv-fit.js';
import { formatterFor, type Lang } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import type { CliDeps } from '../context.js';
import { parseOptions } from '../options.js';

const langSchema = z.object({ lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional() });

/** What `clv fit` prints, in both languages; `--json` keeps its English keys. */
const T = {
  fittedOn: {
    vi: '{model} trên {customers} khách hàng ({tuples} bộ giá trị khác nhau)',
    en: '{model} on {customers} customers ({tuples} distinct tuples)',
  },
  logLikelihood: { vi: 'log hợp lý', en: 'log-likelihood' },
  notConverged: { vi: ' (chưa hội tụ hoàn toàn)', en: ' (not fully converged)' },
  spend: { vi: 'Gamma-Gamma (giá trị đơn)', en: 'Gamma-Gamma spend' },
  summaryTable: { vi: 'bảng tổng hợp, ', en: 'summary table, ' },
  transactions: { vi: 'đơn vị {unit}, đến {until}, ', en: 'unit {unit}, until {until}, ' },
  read: { vi: 'đọc {rows} dòng, khớp trong {s} giây', en: '{rows} rows read, fitted in {s} s' },
  shrinkage: { vi: ', đã áp dụng co rút cho cửa hàng nhỏ', en: ', small-shop shrinkage applied' },
  penalizer: { vi: ', hệ số phạt {x}', en: ', penalizer {x}' },
  correlation: { vi: 'tương quan tần suất/giá trị đơn {r}', en: 'frequency/spend correlation {r}' },
  holdout: {
    vi: 'kiểm tra đến {end}: thực tế {actual} lần mua, dự đoán {expected}',
    en: 'holdout to {end}: actual {actual} purchases, expected {expected}',
  },
  predictions: { vi: 'dự đoán: {file} ({rows} dòng)', en: 'predictions: {file} ({rows} rows)' },
  warning: { vi: 'cảnh báo: {text}', en: 'warning: {text}' },
  notAvailable: { vi: 'không có', en: 'n/a' },
  day: { vi: 'ngày', en: 'day' },
  week: { vi: 'tuần', en: 'week' },
} as const satisfies Catalogue;

const NAMES = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  pnbd: 'Pareto/NBD',
  bgbb: 'BG/BB',
  nbd: 'NBD',
  gg: 'Gamma-Gamma',
} as const;

/** Human-readable report of a fit, every number in the language's formatter. */
export function formatClvFitResult(r: ClvFitResult, lang: Lang = 'vi'): string {
  const f = formatterFor(lang);
  const num = (v: number, digits = 4) =>
    Number.isFinite(v) ? f.decimal(v, digits) : tr(T.notAvailable, lang);
  const lines: string[] = [];
  const block = (title: string, s: FittedModelSummary): void => {
    lines.push(
      fill(T.fittedOn, lang, { model: title, customers: f.count(s.customers), tuples: f.count(s.tuples) }),
    );
    for (const [k, v] of Object.entries(s.params)) {
      const se = s.standardErrors[k];
      lines.push(
        `  ${k.padEnd(6)} ${num(v).padStart(12)}  ± ${se === null || se === undefined ? tr(T.notAvailable, lang) : num(se)}`,
      );
    }
    lines.push(
      `  ${tr(T.logLikelihood, lang)} ${num(s.logLikelihood, 2)}${s.converged ? '' : tr(T.notConverged, lang)}`,
    );
  };
  block(NAMES[r.model], r);
  if (r.spend) block(tr(T.spend, lang), r.spend);
  lines.push(
    (r.input === 'summary'
      ? tr(T.summaryTable, lang)
      : fill(T.transactions, lang, { unit: tr(T[r.unit ?? 'day'], lang), until: r.until ?? '' })) +
      fill(T.read, lang, { rows: f.count(r.rowsRead), s: f.decimal(r.seconds, 3) }) +
      (r.shrinkage ? tr(T.shrinkage, lang) : '') +
      (r.penalizer > 0 ? fill(T.penalizer, lang, { x: f.upTo(r.penalizer, 6) }) : ''),
  );
  const corr = r.spend?.frequencySpendCorrelation ?? r.frequencySpendCorrelation;
  if (corr !== undefined && corr !== null) lines.push(fill(T.correlation, lang, { r: num(corr, 3) }));
  if (r.validation) {
    const v = r.validation.totals;
    const values = {
      end: r.validation.observationEnd,
      actual: f.count(v.actualHoldout),
      expected: f.decimal(v.expectedHoldout, 1),
    };
    lines.push(fill(T.holdout, lang, values));
  }
  if (r.predictions)
    lines.push(fill(T.predictions, lang, { file: r.predictions.file, rows: f.count(r.predictions.rows) }));
  for (const w of r.warnings) lines.push(fill(T.warning, lang, { text: w }));
  return `${lines.join('\n')}\n`;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim())];
}

/** Registers `clv fit` on the program. */
export function registerClvCommand(program: Command, deps: CliDeps): void {
  const clv = program
    .command('clv')
    .description('predictive customer lifetime value (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, NBD, Gamma-Gamma)');
  clv
    .command('fit')
    .description(
      'fit a CLV model on a transaction file (one row per purchase) and optionally score every customer, ' +
        'or on a per-customer summary table (--summary)',
    )
    .argument(
      '<file>',
      'CSV/TSV/whitespace file: one purchase per row, or one customer per row with --summary',
    )
    .option('--customer <column>', 'customer id column (transaction files)')
    .option('--date <column>', 'purchase date column (transaction files)')
    .option(
      '--amount <column>',
      'order value column (enables Gamma-Gamma and CLV); with --summary the mean repeat order value',
    )
    .option('--date-format <pattern>', 'date pattern, e.g. yyyyMMdd, dd/MM/yyyy (default: ISO yyyy-MM-dd)')
    .option('--until <date>', 'end of the observation period, YYYY-MM-DD (inclusive; transaction files)')
    .option('--summary', 'the file is a summary table: one row per customer (or per group, see --weights)')
    .option('--frequency <column>', 'summary: repeat purchases x')
    .option('--recency <column>', 'summary: time of the last repeat purchase t_x (0 without one)')
    .option(
      '--t <column>',
      'summary: observation length T since the first purchase (bgnbd, mbgnbd, pnbd, nbd)',
    )
    .option('--periods <column>', 'summary: transaction opportunities n (bgbb)')
    .option('--weights <column>', 'summary: number of identical customers the row stands for')
    .option('--unit <unit>', 'time unit of the model: day or week', 'day')
    .option('--period <period>', 'purchases are counted once per day or week', 'day')
    .option('--model <model>', 'bgnbd, mbgnbd, pnbd, bgbb, nbd or gg', 'bgnbd')
    .option('--penalizer <x>', 'L2 penalizer on the parameters (lifetimes semantics)')
    .option('--prior <mode>', 'small-shop shrinkage: auto, on or off', 'auto')
    .option('--json', 'print the result as JSON')
    .option('--predict-out <file>', 'write one row of predictions per customer (CSV)')
    .option('--horizon <days>', 'horizon of expected purchases and of CLV, in days', '365')
    .option('--clv-months <n>', 'CLV horizon in months (default: horizon / 30)')
    .option('--discount-rate <x>', 'monthly discount rate of CLV', '0.01')
    .option('--margin <x>', 'gross margin applied to order values in CLV (0..1)', '1')
    .option('--delimiter <d>', 'auto, comma, semicolon, tab or whitespace', 'auto')
    .option('--columns <names>', 'column names of a file without a header (comma separated)', collect)
    .option('--holdout-until <date>', 'also report calibration/holdout validation up to this date')
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)')
    .action(async (file: string, opts: Record<string, unknown>, command: Command) => {
      // The options are checked here first, so that an error names them as typed (--customer).
      const { lang: langOption } = parseOptions(langSchema, opts);
      const lang = deps.config({ lang: langOption }).lang;
      const result = await runClvFit(parseOptions(clvFitOptionsSchema, { ...opts, file }));
      const write = command.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      write(
        opts['json'] === true ? `${JSON.stringify(result, null, 2)}\n` : formatClvFitResult(result, lang),
      );
    });
}
