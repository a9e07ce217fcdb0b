/**
 * `nurture clv fit <file>`: the CLI of the `clv fit` use case (src/app/clv-fit.ts): validates the
 * options, calls `runClvFit`, formats the result.
 */
import type { Command } from 'commander';
import {
  type ClvFitResult,
  clvFitOptionsSchema,
  type FittedModelSummary,
  runClvFit,
} from '../../app/clv-fit.js';
import { parseOptions } from '../options.js';

function fmtNumber(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}

/** Human-readable report of a fit. */
export function formatClvFitResult(r: ClvFitResult): string {
  const names = {
    bgnbd: 'BG/NBD',
    mbgnbd: 'MBG/NBD',
    pnbd: 'Pareto/NBD',
    bgbb: 'BG/BB',
    nbd: 'NBD',
    gg: 'Gamma-Gamma',
  } as const;
  const lines: string[] = [];
  const block = (title: string, s: FittedModelSummary): void => {
    lines.push(
      `${title} on ${s.customers.toLocaleString('en-US')} customers (${s.tuples.toLocaleString('en-US')} distinct tuples)`,
    );
    for (const [k, v] of Object.entries(s.params)) {
      const se = s.standardErrors[k];
      lines.push(
        `  ${k.padEnd(6)} ${fmtNumber(v).padStart(12)}  ± ${se === null || se === undefined ? 'n/a' : fmtNumber(se)}`,
      );
    }
    lines.push(
      `  log-likelihood ${fmtNumber(s.logLikelihood, 2)}${s.converged ? '' : ' (not fully converged)'}`,
    );
  };
  block(names[r.model], r);
  if (r.spend) block('Gamma-Gamma spend', r.spend);
  lines.push(
    (r.input === 'summary' ? 'summary table, ' : `unit ${r.unit}, until ${r.until}, `) +
      `${r.rowsRead.toLocaleString('en-US')} rows read, fitted in ${r.seconds.toFixed(3)} s` +
      (r.shrinkage ? ', small-shop shrinkage applied' : '') +
      (r.penalizer > 0 ? `, penalizer ${r.penalizer}` : ''),
  );
  const corr = r.spend?.frequencySpendCorrelation ?? r.frequencySpendCorrelation;
  if (corr !== undefined && corr !== null) lines.push(`frequency/spend correlation ${corr.toFixed(3)}`);
  if (r.validation) {
    const v = r.validation.totals;
    lines.push(
      `holdout to ${r.validation.observationEnd}: actual ${v.actualHoldout} purchases, expected ${v.expectedHoldout.toFixed(1)}`,
    );
  }
  if (r.predictions)
    lines.push(`predictions: ${r.predictions.file} (${r.predictions.rows.toLocaleString('en-US')} rows)`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim())];
}

/** Registers `clv fit` on the program. */
export function registerClvCommand(program: Command): void {
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
    .action(async (file: string, opts: Record<string, unknown>, command: Command) => {
      // The options are checked here first, so that an error names them as typed (--customer).
      const result = await runClvFit(parseOptions(clvFitOptionsSchema, { ...opts, file }));
      const write = command.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      write(opts['json'] === true ? `${JSON.stringify(result, null, 2)}\n` : formatClvFitResult(result));
    });
}
