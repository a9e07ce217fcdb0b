import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ClvFitResult, runClvFit } from '../../../src/app/clv-fit.js';
import { cli } from '../../support/cli.js';
import { cdnowDir, elogPath } from './cdnow-data.js';

const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);
const cbsPath = (): string => resolve(cdnowDir(), 'btyd/cdnowSummary_cbs.csv');
const donationsPath = resolve('test/fixtures/clv/donations.csv');
/** BTYD's CDNOW cbs: x, t.x and T.cal in weeks, m.x the mean repeat order value. */
const cbsArgs = (): string[] => [
  'clv',
  'fit',
  cbsPath(),
  '--summary',
  '--frequency',
  'x',
  '--recency',
  't.x',
  '--t',
  'T.cal',
  '--json',
];
const json = (out: string): ClvFitResult => JSON.parse(out) as ClvFitResult;

describe('nurture clv fit --summary', () => {
  it("fits MBG/NBD on the CDNOW cbs to lifetimes 0.11's estimates", async () => {
    const r = await cli(...cbsArgs(), '--model', 'mbgnbd');
    expect(r.code).toBe(0);
    const j = json(r.out);
    expect(j.model).toBe('mbgnbd');
    expect(j.input).toBe('summary');
    expect(j.customers).toBe(2357);
    expect(rel(j.params['r'] as number, 0.52484)).toBeLessThan(1e-3);
    expect(rel(j.params['alpha'] as number, 6.18309)).toBeLessThan(1e-3);
    expect(rel(j.params['a'] as number, 0.89136)).toBeLessThan(1e-3);
    expect(rel(j.params['b'] as number, 1.614)).toBeLessThan(1e-3);
    expect(Math.abs(j.logLikelihood - -9582.136)).toBeLessThan(1e-3);
  });

  it('fits Gamma-Gamma next to MBG/NBD from the mean repeat value column', async () => {
    const j = json((await cli(...cbsArgs(), '--model', 'mbgnbd', '--amount', 'm.x')).out);
    expect(rel(j.params['r'] as number, 0.52484)).toBeLessThan(1e-3);
    expect(j.spend?.customers).toBe(946);
    expect(j.spend?.params['p']).toBeCloseTo(6.25, 2);
    expect(j.spend?.frequencySpendCorrelation).toBeCloseTo(0.114, 3);
  });

  it('fits Gamma-Gamma alone from frequency and the mean repeat value', async () => {
    const r = await cli(
      'clv',
      'fit',
      cbsPath(),
      '--summary',
      '--frequency',
      'x',
      '--amount',
      'm.x',
      '--model',
      'gg',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = json(r.out);
    expect(j.model).toBe('gg');
    expect(j.customers).toBe(946);
    expect(j.params['q']).toBeCloseTo(3.74, 2);
    expect(j.frequencySpendCorrelation).toBeCloseTo(0.114, 3);
  });

  it('fits MBG/NBD from the raw transaction file to the same estimates', async () => {
    const r = await runClvFit({
      file: elogPath(),
      customer: 'sampleid',
      date: 'date',
      dateFormat: 'yyyyMMdd',
      until: '1997-09-30',
      unit: 'week',
      model: 'mbgnbd',
    });
    expect(r.input).toBe('transactions');
    expect(rel(r.params['r'] as number, 0.52484)).toBeLessThan(1e-3);
    expect(rel(r.params['b'] as number, 1.614)).toBeLessThan(1e-3);
    expect(Math.abs(r.logLikelihood - -9582.136)).toBeLessThan(1e-3);
  });

  it('fits BG/NBD and Gamma-Gamma on the cbs to the published estimates, as from transactions', async () => {
    const r = await cli(...cbsArgs(), '--amount', 'm.x');
    expect(r.code).toBe(0);
    const j = json(r.out);
    expect(j.model).toBe('bgnbd');
    expect(rel(j.params['r'] as number, 0.2426)).toBeLessThan(1e-3);
    expect(rel(j.params['b'] as number, 2.4259)).toBeLessThan(1e-3);
    expect(j.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(j.spend?.customers).toBe(946);
    expect(j.spend?.params['p']).toBeCloseTo(6.25, 2);
    expect(j.spend?.params['q']).toBeCloseTo(3.74, 2);
    expect(j.spend?.params['v']).toBeCloseTo(15.44, 2);
  });

  it('fits NBD, the no-drop-out baseline, below BG/NBD in likelihood', async () => {
    const nbd = json((await cli(...cbsArgs(), '--model', 'nbd')).out);
    const bg = json((await cli(...cbsArgs(), '--model', 'bgnbd')).out);
    expect(Object.keys(nbd.params)).toEqual(['r', 'alpha']);
    expect(nbd.logLikelihood).toBeLessThan(bg.logLikelihood);
  });

  it('fits BG/BB on the weighted donations rf-matrix to the published estimates', async () => {
    const r = await cli(
      'clv',
      'fit',
      donationsPath,
      '--summary',
      '--frequency',
      'frequency',
      '--recency',
      'recency',
      '--periods',
      'periods',
      '--weights',
      'weights',
      '--model',
      'bgbb',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = json(r.out);
    expect(j.customers).toBe(11_104);
    expect(j.rowsRead).toBe(22);
    const published = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 };
    for (const [k, v] of Object.entries(published)) expect(rel(j.params[k] as number, v)).toBeLessThan(1e-3);
    expect(rel(j.logLikelihood, -33225.6)).toBeLessThan(1e-5);
  });

  it('prints a readable report', async () => {
    const r = await cli(
      'clv',
      'fit',
      donationsPath,
      '--summary',
      ...[
        '--frequency',
        'frequency',
        '--recency',
        'recency',
        '--periods',
        'periods',
        '--weights',
        'weights',
        '--model',
        'bgbb',
      ],
      '--lang',
      'en',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^BG\/BB on 11,104 customers \(22 distinct tuples\)/);
    expect(r.out).toMatch(/summary table, 22 rows read/);
  });

  describe('errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-clv-summary-'));

    it('names a missing column and its option (invalid_file, exit 3)', async () => {
      const r = await cli(
        ...cbsArgs()
          .slice(0, -1)
          .map((a) => (a === 'T.cal' ? 'T' : a)),
      );
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/no column "T" \(--t\); the columns are: "cust", "x", "t.x", "T.cal"/);
    });

    it('names the line and column of an impossible row', async () => {
      const p = join(dir, 'bad.csv');
      writeFileSync(p, 'x,tx,T\n1,2,5\n2,6,5\n');
      const r = await cli('clv', 'fit', p, '--summary', '--frequency', 'x', '--recency', 'tx', '--t', 'T');
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/bad\.csv, line 3, column tx: recency 6 is after the end of observation \(5\)/);
      writeFileSync(p, 'x,tx,T\n1,2,5\n1.5,2,5\n');
      const r2 = await cli('clv', 'fit', p, '--summary', '--frequency', 'x', '--recency', 'tx', '--t', 'T');
      expect(r2.err).toMatch(/line 3, column x: frequency 1.5 is not a whole number/);
      writeFileSync(p, 'x,tx,n\n1,2,5\n3,2,5\n');
      const r3 = await cli(
        ...[
          'clv',
          'fit',
          p,
          '--summary',
          '--frequency',
          'x',
          '--recency',
          'tx',
          '--periods',
          'n',
          '--model',
          'bgbb',
        ],
      );
      expect(r3.err).toMatch(/line 3, column x: frequency 3 exceeds recency 2/);
      writeFileSync(p, 'x,tx,T\n1,abc,5\n');
      const r4 = await cli('clv', 'fit', p, '--summary', '--frequency', 'x', '--recency', 'tx', '--t', 'T');
      expect(r4.err).toMatch(/line 2, column tx: cannot read "abc" as a number/);
    });

    it('rejects inconsistent options as invalid input (exit 2)', async () => {
      const cases: [string[], RegExp][] = [
        [
          ['clv', 'fit', cbsPath(), '--summary', '--frequency', 'x', '--recency', 't.x'],
          /exactly one of --t/,
        ],
        [[...cbsArgs(), '--model', 'bgbb'], /--model bgbb needs --periods/],
        [[...cbsArgs(), '--until', '1997-09-30'], /--until is for transaction files/],
        [
          [...cbsArgs(), '--model', 'mbgnbd', '--prior', 'on'],
          /small-shop prior exists for bgnbd, pnbd and gg/,
        ],
        [[...cbsArgs(), '--model', 'pnbd', '--weights', 'x.star', '--prior', 'on'], /on weighted rows/],
        [
          [
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
            '--model',
            'bgbb',
          ],
          /--model bgbb is for discrete opportunities/,
        ],
        [['clv', 'fit', elogPath(), '--date', 'date', '--until', '1997-09-30'], /--customer is required/],
        [
          [
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
            '--model',
            'nbd',
            '--predict-out',
            join(dir, 'p.csv'),
          ],
          /not available for nbd/,
        ],
      ];
      for (const [argv, message] of cases) {
        const r = await cli(...argv, '--lang', 'en');
        expect(r.err).toMatch(message);
        expect(r.code).toBe(2);
      }
    });
  });
});
