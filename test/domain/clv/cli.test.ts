import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runClvFit } from '../../../src/app/clv-fit.js';
import { registerClvCommand } from '../../../src/cli/commands/clv.js';
import { defaultDeps } from '../../../src/cli/context.js';
import { bgnbdConditionalExpected, bgnbdExpectedNew, bgnbdPAlive } from '../../../src/domain/clv/index.js';
import { NurtureError } from '../../../src/errors.js';
import { cli } from '../../support/cli.js';
import { elogPath, samplePath } from './cdnow-data.js';

const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);
const cdnowWeeks = {
  customer: 'sampleid',
  date: 'date',
  dateFormat: 'yyyyMMdd',
  until: '1997-09-30',
  unit: 'week' as const,
};

/** `nurture clv fit` of the CDNOW event log as the README gives it, without the unit and output flags. */
const cdnowFitArgs = (): string[] => [
  'clv',
  'fit',
  elogPath(),
  '--customer',
  'sampleid',
  '--date',
  'date',
  '--date-format',
  'yyyyMMdd',
  '--until',
  '1997-09-30',
];

describe('nurture clv fit on the raw CDNOW transaction file', () => {
  it('reproduces the published BG/NBD estimates and log-likelihood (Fader, Hardie & Lee 2005)', async () => {
    const r = await runClvFit({ file: elogPath(), ...cdnowWeeks, model: 'bgnbd' });
    expect(r.customers).toBe(2357);
    expect(r.model).toBe('bgnbd');
    expect(rel(r.params['r'] as number, 0.2426)).toBeLessThan(1e-3);
    expect(rel(r.params['alpha'] as number, 4.4137)).toBeLessThan(1e-3);
    expect(rel(r.params['a'] as number, 0.793)).toBeLessThan(1e-3);
    expect(rel(r.params['b'] as number, 2.4259)).toBeLessThan(1e-3);
    expect(rel(r.logLikelihood, -9582.43)).toBeLessThan(1e-3);
    expect(r.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(r.shrinkage).toBe(false);
    // Standard errors as reported by BTYD / lifetimes for this fit.
    expect(r.standardErrors['r']).toBeCloseTo(0.0126, 3);
    expect(r.standardErrors['alpha']).toBeCloseTo(0.378, 2);
  });

  it('reproduces the BTYD walkthrough predictions from the fitted parameters', async () => {
    const r = await runClvFit({ file: elogPath(), ...cdnowWeeks, model: 'bgnbd' });
    const p = {
      r: r.params['r'] as number,
      alpha: r.params['alpha'] as number,
      a: r.params['a'] as number,
      b: r.params['b'] as number,
    };
    expect(rel(bgnbdConditionalExpected(p, 52, 26, 30.85714, 31), 25.757)).toBeLessThan(1e-3);
    expect(rel(bgnbdPAlive(p, 26, 30.85714, 31), 0.9689)).toBeLessThan(1e-3);
    expect(rel(bgnbdExpectedNew(p, 52), 1.444)).toBeLessThan(1e-3);
  });

  it('reproduces the published Pareto/NBD log-likelihood and estimates', async () => {
    const r = await runClvFit({ file: elogPath(), ...cdnowWeeks, model: 'pnbd' });
    expect(rel(r.logLikelihood, -9594.976)).toBeLessThan(1e-6);
    expect(rel(r.params['r'] as number, 0.553)).toBeLessThan(2e-3);
    expect(rel(r.params['alpha'] as number, 10.58)).toBeLessThan(2e-3);
    expect(rel(r.params['s'] as number, 0.606)).toBeLessThan(2e-3);
    // Flat along beta: BTYD stores 11.656, the issue quotes ~11.67.
    expect(rel(r.params['beta'] as number, 11.67)).toBeLessThan(5e-3);
  });

  it('reproduces the published Gamma-Gamma estimates on the 946 repeat buyers', async () => {
    const r = await runClvFit({ file: elogPath(), ...cdnowWeeks, amount: 'sales', model: 'gg' });
    expect(r.customers).toBe(946);
    // Published to two decimals: agree on every published digit (q = 3.7442 is 1.1e-3 from the
    // rounded 3.74, inside its rounding interval).
    expect((r.params['p'] as number).toFixed(2)).toBe('6.25');
    expect((r.params['q'] as number).toFixed(2)).toBe('3.74');
    expect((r.params['v'] as number).toFixed(2)).toBe('15.44');
    expect(rel(r.params['p'] as number, 6.25)).toBeLessThan(1e-3);
    expect(rel(r.params['v'] as number, 15.44)).toBeLessThan(1e-3);
    expect(rel(r.logLikelihood, -4055.92)).toBeLessThan(1e-5);
    expect(r.frequencySpendCorrelation).toBeCloseTo(0.1139, 3);
  });
});

describe('nurture clv fit: files, predictions, validation, refusals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-clv-'));

  it('reads the raw whitespace CDNOW sample with --columns and gets the same fit', async () => {
    const r = await runClvFit({
      file: samplePath(),
      ...cdnowWeeks,
      delimiter: 'whitespace',
      columns: ['masterid', 'sampleid', 'date', 'cds', 'sales'],
    });
    expect(r.rowsRead).toBe(6919);
    expect(r.logLikelihood).toBeCloseTo(-9582.43, 1);
  });

  it('writes one prediction row per customer with the documented columns', async () => {
    const out = join(dir, 'pred.csv');
    const r = await runClvFit({
      file: elogPath(),
      ...cdnowWeeks,
      amount: 'sales',
      predictOut: out,
      horizon: 364,
    });
    expect(r.predictions).toEqual({ file: out, rows: 2357, horizonDays: 364, clvMonths: 12 });
    expect(r.spend?.params['p']).toBeCloseTo(6.25, 2);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(2358);
    const header = (lines[0] as string).split(',');
    expect(header.slice(0, 9)).toEqual([
      'customer_id',
      'frequency',
      'recency',
      'T',
      'monetary_value',
      'p_alive',
      'expected_purchases',
      'expected_avg_value',
      'clv',
    ]);
    const first = Object.fromEntries(header.map((h, i) => [h, (lines[1] as string).split(',')[i]]));
    expect(first['customer_id']).toBe('1');
    expect(first['frequency']).toBe('2');
    expect(Number(first['T'])).toBeCloseTo(38.857143, 6);
    expect(Number(first['monetary_value'])).toBeCloseTo(22.345, 6);
    const p = {
      r: r.params['r'] as number,
      alpha: r.params['alpha'] as number,
      a: r.params['a'] as number,
      b: r.params['b'] as number,
    };
    expect(Number(first['p_alive'])).toBeCloseTo(
      bgnbdPAlive(p, 2, 30.428571428571427, 38.857142857142854),
      5,
    );
    expect(Number(first['expected_purchases'])).toBeCloseTo(
      bgnbdConditionalExpected(p, 52, 2, 30.428571428571427, 38.857142857142854),
      5,
    );
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      for (const v of cells.slice(1, 11)) {
        expect(v).not.toBe('');
        expect(Number(v)).toBeGreaterThanOrEqual(0);
      }
      expect(Number(cells[5])).toBeLessThanOrEqual(1);
      // A date, or none with its reason (issue 13, item 3: a lapsed customer is not "due" decades away).
      if (cells[12] === '') expect(cells[11]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      else {
        expect(cells[11]).toBe('');
        expect(['lapsed', 'beyond_year']).toContain(cells[12]);
      }
      // The predictive interval of purchases in the horizon: whole numbers, low <= high.
      const [low, high] = [Number(cells[13]), Number(cells[14])];
      expect(Number.isInteger(low) && Number.isInteger(high) && low <= high).toBe(true);
    }
    expect(header.slice(11)).toEqual([
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
    ]);
    // CDNOW's one-time buyers are alive by construction under BG/NBD, and due far beyond a year.
    expect(lines.slice(1).filter((l) => l.split(',')[12] === 'beyond_year').length).toBeGreaterThan(1000);
  });

  it('adds the calibration/holdout report with --holdout-until', async () => {
    const r = await runClvFit({ file: elogPath(), ...cdnowWeeks, holdoutUntil: '1998-06-30' });
    expect(r.validation?.totals.actualHoldout).toBe(1882);
    // The customers' 90 % predictive intervals of holdout purchases cover 90 % ± 5 points (issue 13,
    // item 1): measured 90.1 %, docs/clv.md.
    expect(r.validation?.intervals.coverage).toBeGreaterThan(0.85);
    expect(r.validation?.intervals.coverage).toBeLessThan(0.95);
    expect(r.validation?.intervals.parameterUncertainty).toBe(true);
    expect(r.validation?.byFrequency.length).toBe(8);
    expect(r.validation?.tracking.length).toBe(78);
  });

  it('refuses a shop below the minimum with not_enough_data', async () => {
    const rows = ['customer,date'];
    for (let c = 0; c < 30; c++) rows.push(`c${c},2024-01-0${1 + (c % 9)}`, `c${c},2024-02-1${c % 9}`);
    const p = join(dir, 'tiny.csv');
    writeFileSync(p, `${rows.join('\n')}\n`);
    const err = await runClvFit({ file: p, customer: 'customer', date: 'date', until: '2024-03-31' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(NurtureError);
    expect((err as NurtureError).code).toBe('not_enough_data');
    expect((err as NurtureError).message).toMatch(/at least 50 customers.*found 30/);
  });

  it('validates options with clear messages', async () => {
    const bad = async (opts: object): Promise<NurtureError> => {
      const e = await runClvFit({ file: elogPath(), ...cdnowWeeks, ...opts }).then(
        () => null,
        (err: unknown) => err,
      );
      if (!(e instanceof NurtureError)) throw new Error('expected a NurtureError');
      return e;
    };
    expect((await bad({ unit: 'month' })).message).toMatch(/--unit must be day or week/);
    expect((await bad({ until: 'yesterday' })).message).toMatch(/--until "yesterday" is not a date/);
    expect((await bad({ penalizer: '-1' })).message).toMatch(/--penalizer must be >= 0/);
    expect((await bad({ model: 'gg' })).message).toMatch(/--model gg needs --amount/);
    expect((await bad({ customer: 'nope' })).code).toBe('invalid_file');
  });

  it('reports a prediction file that cannot be opened as invalid input naming it (no crash)', async () => {
    const missing = join(dir, 'no-such-dir', 'pred.csv');
    const r = await cli(...cdnowFitArgs(), '--predict-out', missing);
    expect(r.err).toBe(
      `nurture: Dữ liệu không hợp lệ: không mở được ${missing}: không có tệp hoặc thư mục này\n`,
    );
    expect(r.code).toBe(2);
  });

  it('prints JSON through the registered command', async () => {
    const program = new Command('nurture').exitOverride();
    let printed = '';
    program.configureOutput({ writeOut: (s) => (printed += s), writeErr: () => {} });
    registerClvCommand(program, defaultDeps({}));
    await program.parseAsync([...cdnowFitArgs(), '--unit', 'week', '--json'], { from: 'user' });
    const json = JSON.parse(printed);
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['model', 'params', 'standardErrors', 'logLikelihood', 'customers', 'seconds']),
    );
    expect(json.customers).toBe(2357);
    expect(json.params.r).toBeCloseTo(0.2426, 4);
  });

  const builtCli = resolve('dist/src/cli/main.js');
  it.runIf(existsSync(builtCli))(
    'runs the built CLI end to end (the command of the acceptance criteria)',
    () => {
      const r = spawnSync(
        process.execPath,
        [builtCli, ...cdnowFitArgs(), '--amount', 'sales', '--unit', 'week', '--json'],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(json.model).toBe('bgnbd');
      expect(json.logLikelihood).toBeCloseTo(-9582.43, 1);
    },
  );
});
