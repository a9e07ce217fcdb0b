/**
 * The `clv fit` use case: fits BG/NBD, MBG/NBD, Pareto/NBD, NBD or Gamma-Gamma on any transaction
 * file, without a store, and optionally scores every customer into a CSV file; with a summary
 * table (as lifetimes and BTYD take it) it also serves the discrete-time BG/BB. The CLI validates
 * its options with the same schema, calls `runClvFit` and formats the result.
 */
import type { WriteStream } from 'node:fs';
import { z } from 'zod';
import {
  type CalibrationHoldout,
  type ClvModels,
  type CountIntervals,
  type CustomerScores,
  calibrationHoldoutSplit,
  fitSummaryModel,
  formatEpochDay,
  type GammaGammaFit,
  type ModelFit,
  type ModelName,
  NEXT_ORDER_NOTES,
  predictiveCounts,
  type RfmSummary,
  scoreCustomers,
  summarizeTransactions,
  UNIT_DAYS,
  type ValidationReport,
  validationReport,
} from '../domain/clv/index.js';
import { NurtureError } from '../errors.js';
import { readSummaryFile } from '../ingest/summary-file.js';
import {
  compileDateFormat,
  type Delimiter,
  parseDay,
  readTransactionsFile,
  type TransactionsFile,
} from '../ingest/transactions-file.js';
import { checkOutputPaths, openOutputStream } from '../output-file.js';
import { parseInput } from './input.js';

const DELIMITERS: Record<string, Delimiter | 'auto'> = {
  auto: 'auto',
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\\t': '\t',
  '\t': '\t',
  tab: '\t',
  whitespace: 'whitespace',
  space: 'whitespace',
};

const positiveNumber = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .refine((v) => Number.isFinite(v) && v > 0, `${what} must be > 0`);

/** The command's options after validation. */
export const clvFitOptionsSchema = z.object({
  file: z.string().min(1),
  customer: z.string().min(1, '--customer names the customer id column').optional(),
  date: z.string().min(1, '--date names the date column').optional(),
  amount: z.string().min(1).optional(),
  dateFormat: z.string().min(1).optional(),
  until: z.string().min(1, '--until is required').optional(),
  /** The file is a per-customer summary table (see readSummaryFile), not transactions. */
  summary: z.boolean().default(false),
  frequency: z.string().min(1, '--frequency names a column').optional(),
  recency: z.string().min(1, '--recency names a column').optional(),
  t: z.string().min(1, '--t names a column').optional(),
  periods: z.string().min(1, '--periods names a column').optional(),
  weights: z.string().min(1, '--weights names a column').optional(),
  unit: z.enum(['day', 'week'], { error: '--unit must be day or week' }).default('day'),
  period: z.enum(['day', 'week'], { error: '--period must be day or week' }).default('day'),
  model: z
    .enum(['bgnbd', 'mbgnbd', 'pnbd', 'bgbb', 'nbd', 'gg'], {
      error: '--model must be bgnbd, mbgnbd, pnbd, bgbb, nbd or gg',
    })
    .default('bgnbd'),
  penalizer: z.coerce
    .number({ error: '--penalizer must be a number' })
    .refine((v) => Number.isFinite(v) && v >= 0, '--penalizer must be >= 0')
    .default(0),
  prior: z.enum(['auto', 'on', 'off'], { error: '--prior must be auto, on or off' }).default('auto'),
  predictOut: z.string().min(1).optional(),
  horizon: positiveNumber('--horizon').default(365),
  clvMonths: z.coerce
    .number({ error: '--clv-months must be a number' })
    .int('--clv-months must be a whole number')
    .min(1, '--clv-months must be >= 1')
    .max(1200)
    .optional(),
  discountRate: z.coerce
    .number({ error: '--discount-rate must be a number' })
    .min(0, '--discount-rate must be >= 0')
    .default(0.01),
  margin: z.coerce
    .number({ error: '--margin must be a number' })
    .min(0, '--margin must be between 0 and 1')
    .max(1, '--margin must be between 0 and 1')
    .default(1),
  delimiter: z
    .string()
    .refine((d) => d in DELIMITERS, '--delimiter must be auto, comma, semicolon, tab or whitespace')
    .optional(),
  columns: z.array(z.string().min(1)).optional(),
  holdoutUntil: z.string().min(1).optional(),
});

/** Options as the caller gives them (CLI strings or typed values). */
export type ClvFitInput = z.input<typeof clvFitOptionsSchema>;
type ClvFitOptions = z.output<typeof clvFitOptionsSchema>;

/** Parameters, standard errors and fit statistics of one model, ready for JSON. */
export interface FittedModelSummary {
  params: Record<string, number>;
  standardErrors: Record<string, number | null>;
  logLikelihood: number;
  customers: number;
  tuples: number;
  converged: boolean;
}

/** What `clv fit` reports; `--json` prints exactly this. */
export interface ClvFitResult extends FittedModelSummary {
  model: ModelName;
  /** What the file held: transactions, or a per-customer summary table (--summary). */
  input: 'transactions' | 'summary';
  /** Seconds spent summarising and fitting (file reading and scoring excluded, see timings). */
  seconds: number;
  /** Time unit and cut-off of the summary made from transactions (absent with --summary). */
  unit?: 'day' | 'week';
  until?: string;
  penalizer: number;
  /** Whether the small-shop empirical-Bayes prior was applied. */
  shrinkage: boolean;
  /** The Gamma-Gamma fit when a purchase model was fitted with --amount. */
  spend?: FittedModelSummary & { frequencySpendCorrelation: number | null };
  /** Present for --model gg. */
  frequencySpendCorrelation?: number | null;
  warnings: string[];
  rowsRead: number;
  timings: { readSeconds: number; fitSeconds: number; predictSeconds: number };
  predictions?: { file: string; rows: number; horizonDays: number; clvMonths: number };
  validation?: ValidationReport;
}

/** Any model's fit: the fields every ModelFit has, whatever its parameters. */
type AnyFit = Pick<ModelFit<object>, 'logLikelihood' | 'customers' | 'tuples' | 'converged'> & {
  params: object;
  standardErrors: object;
};

function summaryOf(fit: AnyFit): FittedModelSummary {
  return {
    params: { ...(fit.params as Record<string, number>) },
    standardErrors: { ...(fit.standardErrors as Record<string, number | null>) },
    logLikelihood: fit.logLikelihood,
    customers: fit.customers,
    tuples: fit.tuples,
    converged: fit.converged,
  };
}

function parseCliDate(text: string, what: string, format: string | undefined): number {
  const d = parseDay(text) ?? (format ? parseDay(text, compileDateFormat(format)) : null);
  if (d === null) throw new NurtureError('invalid_input', `${what} "${text}" is not a date (use YYYY-MM-DD)`);
  return d;
}

/** Models that can score customers and validate on a holdout (the others only fit, for now). */
const SCORING_MODELS: readonly ModelName[] = ['bgnbd', 'pnbd', 'gg'];

function validate(input: ClvFitInput): ClvFitOptions {
  const options = parseInput(clvFitOptionsSchema, input);
  const bad = (message: string): never => {
    throw new NurtureError('invalid_input', message);
  };
  if (options.model === 'gg' && options.amount === undefined) {
    bad('--model gg needs --amount (the spend column)');
  }
  if (options.model === 'bgbb' && options.amount !== undefined)
    bad('--model bgbb is a purchase model only: fit --model gg for spend');
  if (options.summary) {
    if (options.frequency === undefined) bad('--summary needs --frequency (a column name)');
    const spendOnly = options.model === 'gg' && options.recency === undefined;
    if (!spendOnly && options.recency === undefined) bad('--summary needs --recency (a column name)');
    if (!spendOnly && (options.t === undefined) === (options.periods === undefined))
      bad(
        '--summary needs exactly one of --t (observation length) and --periods (transaction opportunities)',
      );
    if (spendOnly && (options.t ?? options.periods) !== undefined)
      bad('--t and --periods go with --recency (a spend-only fit needs neither)');
    if (options.model === 'bgbb' && options.periods === undefined) bad('--model bgbb needs --periods');
    if (options.model !== 'bgbb' && options.periods !== undefined)
      bad(`--periods is for --model bgbb; ${options.model} needs --t`);
    for (const [given, name] of [
      [options.customer, '--customer'],
      [options.date, '--date'],
      [options.until, '--until'],
      [options.holdoutUntil, '--holdout-until'],
      [options.predictOut, '--predict-out'],
    ] as const) {
      if (given !== undefined) bad(`${name} is for transaction files, not for --summary`);
    }
    return options;
  }
  if (options.customer === undefined)
    bad('--customer is required (the customer id column), or give --summary');
  if (options.date === undefined) bad('--date is required (the purchase date column)');
  if (options.until === undefined) bad('--until is required');
  if (options.model === 'bgbb')
    bad('--model bgbb is for discrete opportunities: give a summary table with --summary and --periods');
  for (const [given, name] of [
    [options.frequency, '--frequency'],
    [options.recency, '--recency'],
    [options.t, '--t'],
    [options.periods, '--periods'],
    [options.weights, '--weights'],
  ] as const) {
    if (given !== undefined) bad(`${name} is for --summary tables`);
  }
  if (!SCORING_MODELS.includes(options.model) && (options.predictOut ?? options.holdoutUntil) !== undefined)
    bad(`--predict-out and --holdout-until are not available for ${options.model} yet (bgnbd, pnbd)`);
  return options;
}

/**
 * Reads the file, summarises it up to --until, fits the model(s), optionally writes
 * predictions and a calibration/holdout report.
 * @throws NurtureError invalid_input, invalid_file, not_enough_data
 */
export async function runClvFit(input: ClvFitInput): Promise<ClvFitResult> {
  const o = validate(input);
  if (o.summary) return runSummaryFit(o);
  const until = parseCliDate(o.until as string, '--until', o.dateFormat);
  const holdoutEnd =
    o.holdoutUntil === undefined ? null : parseCliDate(o.holdoutUntil, '--holdout-until', o.dateFormat);
  if (holdoutEnd !== null && holdoutEnd <= until) {
    throw new NurtureError('invalid_input', '--holdout-until must be after --until');
  }
  await checkOutputPaths(
    [o.predictOut === undefined ? undefined : { option: '--predict-out', path: o.predictOut }],
    [{ what: 'the input file', path: o.file }],
  );
  const t0 = performance.now();
  const file = await readTransactionsFile({
    path: o.file,
    customerColumn: o.customer as string,
    dateColumn: o.date as string,
    ...(o.amount ? { amountColumn: o.amount } : {}),
    ...(o.dateFormat ? { dateFormat: o.dateFormat } : {}),
    delimiter: DELIMITERS[o.delimiter ?? 'auto'] ?? 'auto',
    ...(o.columns ? { columns: o.columns } : {}),
  });
  const t1 = performance.now();
  const split: CalibrationHoldout | null =
    holdoutEnd === null
      ? null
      : calibrationHoldoutSplit(file.log, {
          calibrationEnd: until,
          observationEnd: holdoutEnd,
          unit: o.unit,
          period: o.period,
        });
  const summary =
    split?.calibration ?? summarizeTransactions(file.log, { until, unit: o.unit, period: o.period });
  const models = fitSummaryModel(summary, {
    model: o.model,
    withSpend: o.amount !== undefined,
    penalizer: o.penalizer,
    prior: o.prior,
    laterCutOff: 'a later --until',
  });
  const t2 = performance.now();
  const clvMonths = o.clvMonths ?? Math.max(1, Math.round(o.horizon / 30));
  let predictions: ClvFitResult['predictions'];
  if (o.predictOut !== undefined) {
    const scores =
      models.transaction === null
        ? null
        : scoreCustomers(summary, models.transaction, models.spend, {
            unit: o.unit,
            horizonDays: o.horizon,
            clvMonths,
            discountRate: o.discountRate,
            margin: o.margin,
            confidenceIntervals: true,
          });
    // The range of purchases each customer may actually make over the horizon (not the
    // confidence interval of their expectation, the *_ci_* columns).
    const counts =
      models.transaction === null
        ? null
        : predictiveCounts(summary, models.transaction, { horizon: o.horizon / UNIT_DAYS[o.unit] });
    await writePredictions(o.predictOut, file, summary, models, scores, counts);
    predictions = { file: o.predictOut, rows: summary.customer.length, horizonDays: o.horizon, clvMonths };
  }
  const t3 = performance.now();
  const result: ClvFitResult = {
    model: o.model,
    input: 'transactions',
    ...summaryOf(models.fit),
    seconds: (t2 - t1) / 1000,
    unit: o.unit,
    until: formatEpochDay(until),
    penalizer: o.penalizer,
    shrinkage: models.shrinkage,
    warnings: models.warnings,
    rowsRead: file.rows,
    timings: {
      readSeconds: (t1 - t0) / 1000,
      fitSeconds: (t2 - t1) / 1000,
      predictSeconds: (t3 - t2) / 1000,
    },
  };
  if (o.model === 'gg') result.frequencySpendCorrelation = models.spendFrequencyCorrelation;
  else if (models.spend !== null) {
    result.spend = {
      ...summaryOf(models.spend),
      frequencySpendCorrelation: models.spendFrequencyCorrelation,
    };
  }
  if (predictions) result.predictions = predictions;
  if (split !== null && holdoutEnd !== null && models.transaction !== null) {
    result.validation = validationReport(file.log, split, models.transaction, {
      calibrationEnd: until,
      observationEnd: holdoutEnd,
      unit: o.unit,
      period: o.period,
    });
  }
  return result;
}

/**
 * --summary: reads the per-customer table and fits the model on it (weights count identical
 * rows). --amount names the mean repeat order value column, as lifetimes' monetary_value.
 */
async function runSummaryFit(o: ClvFitOptions): Promise<ClvFitResult> {
  const t0 = performance.now();
  const table = await readSummaryFile({
    path: o.file,
    frequencyColumn: o.frequency as string,
    ...(o.recency !== undefined ? { recencyColumn: o.recency } : {}),
    ...(o.t !== undefined ? { tColumn: o.t } : {}),
    ...(o.periods !== undefined ? { periodsColumn: o.periods } : {}),
    ...(o.amount !== undefined ? { monetaryColumn: o.amount } : {}),
    ...(o.weights !== undefined ? { weightsColumn: o.weights } : {}),
    delimiter: DELIMITERS[o.delimiter ?? 'auto'] ?? 'auto',
    ...(o.columns ? { columns: o.columns } : {}),
  });
  const t1 = performance.now();
  const models = fitSummaryModel(table, {
    model: o.model,
    withSpend: o.amount !== undefined && o.model !== 'gg' && o.model !== 'bgbb',
    penalizer: o.penalizer,
    prior: o.prior,
  });
  const t2 = performance.now();
  const result: ClvFitResult = {
    model: o.model,
    input: 'summary',
    ...summaryOf(models.fit),
    seconds: (t2 - t1) / 1000,
    penalizer: o.penalizer,
    shrinkage: models.shrinkage,
    warnings: models.warnings,
    rowsRead: table.rows,
    timings: { readSeconds: (t1 - t0) / 1000, fitSeconds: (t2 - t1) / 1000, predictSeconds: 0 },
  };
  if (o.model === 'gg') result.frequencySpendCorrelation = models.spendFrequencyCorrelation;
  else if (models.spend !== null) {
    result.spend = {
      ...summaryOf(models.spend),
      frequencySpendCorrelation: models.spendFrequencyCorrelation,
    };
  }
  return result;
}

const PREDICTION_COLUMNS = [
  'customer_id',
  'frequency',
  'recency',
  'T',
  'monetary_value',
  'p_alive',
  'expected_purchases',
  'expected_avg_value',
  'clv',
  'churn_probability',
  'probability_of_purchase',
  'next_order_date',
  'next_order_note',
  'purchases_low',
  'purchases_high',
  'p_alive_ci_low',
  'p_alive_ci_high',
  'expected_purchases_ci_low',
  'expected_purchases_ci_high',
  'clv_ci_low',
  'clv_ci_high',
] as const;

/** Numbers with at most 6 decimals, no exponent, no trailing zeros. */
function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  const s = v.toFixed(6);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per customer; columns a model cannot provide are left empty. */
async function writePredictions(
  path: string,
  file: TransactionsFile,
  summary: RfmSummary,
  models: ClvModels,
  scores: CustomerScores | null,
  counts: CountIntervals | null,
): Promise<void> {
  // A path that cannot be opened fails here, as the file-system error the CLI reports by path.
  // The rows go to a temporary file beside it, renamed over it when complete (output-file.ts).
  const output = await openOutputStream(path);
  try {
    await writePredictionRows(output.stream, path, file, summary, models, scores, counts);
    await output.commit();
  } catch (error) {
    await output.abort();
    throw error;
  }
}

async function writePredictionRows(
  out: WriteStream,
  path: string,
  file: TransactionsFile,
  summary: RfmSummary,
  models: ClvModels,
  scores: CustomerScores | null,
  counts: CountIntervals | null,
): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', (e: NodeJS.ErrnoException) =>
      reject(new NurtureError('invalid_file', `${path}: cannot write predictions (${e.code ?? e.message})`)),
    );
  });
  // Awaited at the end or by a write; a failure in between must not go unhandled meanwhile.
  done.catch(() => undefined);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text))
      await Promise.race([new Promise<void>((resolve) => out.once('drain', resolve)), done]);
  };
  await write(`${PREDICTION_COLUMNS.join(',')}\n`);
  const spendOnly = models.transaction === null && models.spend !== null ? models.spend : null;
  const dayMs = 86_400_000;
  let batch: string[] = [];
  for (let i = 0; i < summary.customer.length; i++) {
    const x = summary.frequency[i] as number;
    const m = summary.monetaryValue[i] as number;
    const note = scores === null ? null : NEXT_ORDER_NOTES[scores.nextOrderNote[i] as number];
    const next = note === null ? scores?.nextPurchaseDays[i] : undefined;
    const ev = scores?.expectedAverageValue?.[i] ?? (spendOnly ? spendOnlyValue(spendOnly, x, m) : undefined);
    const row = [
      csvCell(file.customerIds[summary.customer[i] as number] as string),
      num(x),
      num(summary.recency[i]),
      num(summary.T[i]),
      num(m),
      num(scores?.pAlive[i]),
      num(scores?.expectedPurchases[i]),
      num(ev),
      num(scores?.clv?.[i]),
      num(scores?.churnProbability[i]),
      num(scores?.probabilityOfPurchase[i]),
      next === undefined || !Number.isFinite(next)
        ? ''
        : new Date((summary.until + Math.round(next)) * dayMs).toISOString().slice(0, 10),
      note ?? '',
      num(counts?.low[i]),
      num(counts?.high[i]),
      num(scores?.confidenceIntervals?.pAlive.low[i]),
      num(scores?.confidenceIntervals?.pAlive.high[i]),
      num(scores?.confidenceIntervals?.expectedPurchases.low[i]),
      num(scores?.confidenceIntervals?.expectedPurchases.high[i]),
      num(scores?.confidenceIntervals?.clv?.low[i]),
      num(scores?.confidenceIntervals?.clv?.high[i]),
    ];
    batch.push(row.join(','));
    if (batch.length === 10_000) {
      await write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${batch.join('\n')}\n`);
  out.end();
  await done;
}

function spendOnlyValue(spend: GammaGammaFit, x: number, m: number): number {
  const { p, q, v } = spend.params;
  const mm = x > 0 && m > 0 ? m : 0;
  const den = p * x + q - 1;
  return den > 0 ? (p * (v + x * mm)) / den : (p * (v + x * mm)) / (p * x + q);
}
