/**
 * `npm run bench -- clv`: predictive CLV at scale. A million generated customers (BG/NBD
 * process with Gamma-Gamma spend, known parameters): RFM summary, BG/NBD fit, Gamma-Gamma fit,
 * scoring everyone (P(alive), expected purchases, expected order value, 12-month CLV) — and the
 * CDNOW fit. The baseline, measured in the same run, is the textbook per-customer likelihood
 * (ln Γ, ψ and logs for every customer at every evaluation, no tuple compression). Then the same
 * shop as rows of a DuckDB orders table through `nurture predict`'s pipeline (clv-store.ts).
 * `npm run bench -- clv store [customers]` runs that store pipeline alone.
 *
 * `npm run bench -- clv models [customers]`: MBG/NBD, NBD and BG/BB fits on a million customers
 * with the BG/NBD fit as baseline (clv-models.ts).
 *
 * `npm run bench -- clv choice [shops]` and `clv prior [subsets]`: the model-choice and prior
 * studies of docs/clv.md (clv-choice.ts).
 *
 * `npm run bench -- clv recovery [reps]`: the small-shop recovery study of docs/clv.md —
 * generated shops of 50 … 5,000 customers with known parameters, fitted with and without the
 * empirical-Bayes prior, errors against the truth.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type BgNbdParams,
  bgnbdConditionalExpected,
  bgnbdExpectedNew,
  bgnbdLikelihoodCore,
  calibrationHoldoutSplit,
  epochDay,
  fitBgNbd,
  fitClvModels,
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaConditionalExpectedValue,
  scoreCustomers,
  summarizeTransactions,
  type TransactionLog,
} from '../src/domain/clv/index.js';
import type { Objective } from '../src/domain/clv/optimize.js';
import { minimize } from '../src/domain/clv/optimize.js';
import { simulateShop } from '../src/domain/clv/simulate.js';
import { digamma, logAddExp, logGamma } from '../src/domain/clv/special.js';
import { compressColumns } from '../src/domain/clv/tuples.js';
import { NurtureError } from '../src/errors.js';
import { readTransactionsFile } from '../src/ingest/transactions-file.js';
import { benchChoice, benchPrior } from './clv-choice.js';
import { benchClvModels } from './clv-models.js';
import { benchClvStore } from './clv-store.js';
import { fmt, machine, markdownTable } from './util.js';

/** CDNOW's published estimates (weekly rates), used as the truth of generated shops. */
const TRUE_BGNBD: BgNbdParams = { r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4259 };
const TRUE_GG: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };
const START = epochDay(2024, 1, 1);

const rssMiB = (): number => process.memoryUsage().rss / 2 ** 20;
const now = (): number => performance.now();

export async function benchClv(argv: string[]): Promise<void> {
  if (argv[0] === 'recovery') {
    recovery(Number(argv[1] ?? 40));
    return;
  }
  if (argv[0] === 'choice') {
    benchChoice(Number(argv[1] ?? 50));
    return;
  }
  if (argv[0] === 'prior') {
    await benchPrior(Number(argv[1] ?? 100));
    return;
  }
  if (argv[0] === 'models') {
    benchClvModels(Number(argv[1] ?? 1_000_000), { bgnbd: TRUE_BGNBD, gg: TRUE_GG, start: START });
    return;
  }
  const customers = Number(argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const fullBaseline = argv.includes('--full-baseline');
  process.stdout.write(`## CLV benchmark — ${machine()}\n\n`);
  if (argv[0] !== 'store') await cdnow();
  const shop = argv[0] === 'store' ? generated(customers) : scale(customers, fullBaseline);
  if (argv[0] !== 'store') benchClvModels(customers, { bgnbd: TRUE_BGNBD, gg: TRUE_GG, start: START });
  await benchClvStore(shop.log, shop.until, { bgnbd: TRUE_BGNBD, gg: TRUE_GG });
}

/** The generated shop of `scale` alone (`npm run bench -- clv store [customers]`). */
function generated(customers: number): { log: TransactionLog; until: number } {
  const shop = simulateShop({
    seed: 2024,
    customers,
    params: TRUE_BGNBD,
    spend: TRUE_GG,
    acquisitionWeeks: 52,
    horizonWeeks: 104,
    startDay: START,
  });
  return { log: sortedByDay(shop.log), until: START + 104 * 7 - 1 };
}

/** The CDNOW fit, from the transaction file already in memory: first (cold) run and warm median. */
async function cdnow(): Promise<void> {
  const dir = [
    process.env['NURTURE_CDNOW_DIR'],
    'data/cdnow',
    '../shared/data/cdnow',
    '/work/shared/data/cdnow',
  ].find((d) => d !== undefined && safeExists(resolve(d, 'btyd/cdnowElog.csv')));
  if (dir === undefined) {
    process.stdout.write('CDNOW data not found (set NURTURE_CDNOW_DIR): skipped\n\n');
    return;
  }
  const file = await readTransactionsFile({
    path: resolve(dir, 'btyd/cdnowElog.csv'),
    customerColumn: 'sampleid',
    dateColumn: 'date',
    amountColumn: 'sales',
    dateFormat: 'yyyyMMdd',
  });
  const until = epochDay(1997, 9, 30);
  const runs: number[] = [];
  const ggRuns: number[] = [];
  let ll = 0;
  for (let i = 0; i < 21; i++) {
    const t0 = now();
    const s = summarizeTransactions(file.log, { until, unit: 'week' });
    const fit = fitBgNbd(s);
    const t1 = now();
    fitGammaGamma(s);
    ggRuns.push(now() - t1);
    runs.push(t1 - t0);
    ll = fit.logLikelihood;
  }
  const first = runs[0] as number;
  const warm = median(runs.slice(1));
  process.stdout.write(
    `${markdownTable(
      ['CDNOW (2,357 customers)', 'first run ms', 'warm median ms', 'target ms'],
      [
        ['summary + BG/NBD fit', fmt(first, 1), fmt(warm, 1), '50'],
        [
          'Gamma-Gamma fit (946 repeat buyers)',
          fmt(ggRuns[0] as number, 1),
          fmt(median(ggRuns.slice(1)), 1),
          '—',
        ],
      ],
    )}\n\nBG/NBD log-likelihood ${fmt(ll, 2)} (published -9582.43)\n\n`,
  );
}

function safeExists(path: string): boolean {
  try {
    readFileSync(path, { flag: 'r' }).length;
    return true;
  } catch {
    return false;
  }
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : 0.5 * ((s[m - 1] as number) + (s[m] as number));
}

/** The million-customer pipeline. */
function scale(customers: number, fullBaseline: boolean): { log: TransactionLog; until: number } {
  const g0 = now();
  const shop = simulateShop({
    seed: 2024,
    customers,
    params: TRUE_BGNBD,
    spend: TRUE_GG,
    acquisitionWeeks: 52,
    horizonWeeks: 104,
    startDay: START,
  });
  // Shops export orders by date, not by customer: the summary has to regroup them.
  const log = sortedByDay(shop.log);
  const genSeconds = (now() - g0) / 1000;
  const until = START + 104 * 7 - 1;
  const rows: (string | number)[][] = [];
  const step = <T>(label: string, fn: () => T, note = ''): T => {
    const t = now();
    const v = fn();
    rows.push([label, fmt((now() - t) / 1000, 3), fmt(rssMiB(), 0), note]);
    return v;
  };
  const total0 = now();
  const summary = step('RFM summary (rows in date order, daily periods, unit day)', () =>
    summarizeTransactions(log, { until, unit: 'day' }),
  );
  const bg = step('BG/NBD fit', () => fitBgNbd(summary));
  const gg = step('Gamma-Gamma fit', () => fitGammaGamma(summary));
  const scores = step('score everyone (P(alive), E[X(90 d)], E[M], 12-month CLV)', () =>
    scoreCustomers(summary, bg, gg, { unit: 'day', horizonDays: 90, clvMonths: 12, discountRate: 0.01 }),
  );
  const pipeline = (now() - total0) / 1000;
  const fitSeconds = Number(rows[1]?.[1]) + Number(rows[2]?.[1]);
  step('score everyone with 90 % intervals (delta method)', () =>
    scoreCustomers(summary, bg, gg, {
      unit: 'day',
      horizonDays: 90,
      clvMonths: 12,
      discountRate: 0.01,
      confidenceIntervals: true,
    }),
  );
  // Baseline: the per-customer likelihood, no compression.
  const core = bgnbdLikelihoodCore(summary);
  const lp = Float64Array.from([bg.params.r, bg.params.alpha, bg.params.a, bg.params.b], Math.log);
  const g = new Float64Array(4);
  const fast = timeEvaluations(() => core.negLogLik(lp, g));
  const naive = naiveObjective(summary.frequency, summary.recency, summary.T);
  const slow = timeEvaluations(() => naive(lp, g));
  // Whole fits on the same slice of customers: the baseline optimises the per-customer
  // likelihood directly (Nelder-Mead then BFGS, no subsample, no tuples).
  const slice = Math.min(summary.frequency.length, fullBaseline ? summary.frequency.length : 100_000);
  const part = {
    frequency: summary.frequency.subarray(0, slice),
    recency: summary.recency.subarray(0, slice),
    T: summary.T.subarray(0, slice),
  };
  let t = now();
  const partFit = fitBgNbd(part);
  const fastSlice = (now() - t) / 1000;
  t = now();
  const naiveFit = minimize(
    naiveObjective(part.frequency, part.recency, part.T),
    Float64Array.from([0, Math.log(10), 0, 0]),
  );
  const slowSlice = (now() - t) / 1000;
  const sameOptimum = Math.abs(Math.exp(naiveFit.x[0] as number) / partFit.params.r - 1) < 1e-3;
  const distinctTuples = compressColumns([summary.frequency, summary.recency, summary.T]).count;
  let sumClv = 0;
  for (const v of scores.clv ?? []) sumClv += v;
  process.stdout.write(
    `${markdownTable(['step', 'seconds', 'RSS MiB', 'note'], rows)}\n\n` +
      `${markdownTable(
        ['figure', 'value', 'target'],
        [
          ['customers', customers.toLocaleString('en-US'), ''],
          ['transactions', log.day.length.toLocaleString('en-US'), ''],
          ['distinct (x, t_x, T) tuples', distinctTuples.toLocaleString('en-US'), ''],
          ['BG/NBD likelihood terms', bg.tuples.toLocaleString('en-US'), ''],
          ['fit BG/NBD + Gamma-Gamma, s', fmt(fitSeconds, 3), '<= 1'],
          ['whole pipeline (summary + fits + scoring), s', fmt(pipeline, 3), '<= 5'],
          ['BG/NBD likelihood+gradient evaluation, tuples, ms', fmt(fast, 2), ''],
          ['same, per customer (baseline), ms', fmt(slow, 2), ''],
          ['evaluation speed-up', `${fmt(slow / fast, 1)}×`, ''],
          [`BG/NBD fit, first ${slice.toLocaleString('en-US')} customers, s`, fmt(fastSlice, 3), ''],
          [
            `same with the baseline likelihood, s`,
            `${fmt(slowSlice, 2)} (${fmt(slowSlice / fastSlice, 0)}× slower${sameOptimum ? ', same optimum' : ', DIFFERENT optimum'})`,
            '',
          ],
          ['generation of the shop (not timed above), s', fmt(genSeconds, 1), ''],
        ],
      )}\n\n` +
      `Estimates (truth r=${TRUE_BGNBD.r}, α=${fmt(TRUE_BGNBD.alpha * 7, 2)} days, a=${TRUE_BGNBD.a}, b=${TRUE_BGNBD.b}; ` +
      `p=${TRUE_GG.p}, q=${TRUE_GG.q}, v=${TRUE_GG.v}): r=${fmt(bg.params.r, 4)}, α=${fmt(bg.params.alpha, 2)} days, ` +
      `a=${fmt(bg.params.a, 4)}, b=${fmt(bg.params.b, 4)}; p=${fmt(gg.params.p, 3)}, q=${fmt(gg.params.q, 3)}, ` +
      `v=${fmt(gg.params.v, 3)}. Mean CLV ${fmt(sumClv / customers, 2)}. Peak RSS ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MiB.\n\n`,
  );
  return { log, until };
}

/** The log reordered by day (stable counting sort), like an order export. */
function sortedByDay(log: TransactionLog): TransactionLog {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const d of log.day) {
    min = Math.min(min, d);
    max = Math.max(max, d);
  }
  const start = new Int32Array(max - min + 2);
  for (const d of log.day) start[d - min + 1] = (start[d - min + 1] as number) + 1;
  for (let k = 1; k < start.length; k++) start[k] = (start[k] as number) + (start[k - 1] as number);
  const n = log.day.length;
  const out: TransactionLog = {
    customer: new Int32Array(n),
    day: new Int32Array(n),
    amount: new Float64Array(n),
    customerCount: log.customerCount,
  };
  for (let i = 0; i < n; i++) {
    const d = log.day[i] as number;
    const k = start[d - min] as number;
    start[d - min] = k + 1;
    out.customer[k] = log.customer[i] as number;
    out.day[k] = d;
    (out.amount as Float64Array)[k] = log.amount?.[i] ?? 0;
  }
  return out;
}

/** Median milliseconds of one call over a few repetitions (after a warm-up call). */
function timeEvaluations(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = now();
    fn();
    times.push(now() - t);
  }
  return median(times);
}

/**
 * The textbook BG/NBD likelihood: every customer, every term, every evaluation (what
 * lifetimes does with numpy, written as a plain loop).
 */
function naiveObjective(x: Float64Array, tx: Float64Array, T: Float64Array): Objective {
  return (lp, grad) => {
    const r = Math.exp(lp[0] as number);
    const alpha = Math.exp(lp[1] as number);
    const a = Math.exp(lp[2] as number);
    const b = Math.exp(lp[3] as number);
    let ll = 0;
    let gr = 0;
    let ga = 0;
    let gaa = 0;
    let gb = 0;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number;
      const ti = tx[i] as number;
      const Ti = T[i] as number;
      const a1 = logGamma(r + xi) - logGamma(r) + r * Math.log(alpha);
      const a2 = logGamma(a + b) + logGamma(b + xi) - logGamma(b) - logGamma(a + b + xi);
      const a3 = -(r + xi) * Math.log(alpha + Ti);
      const a4 =
        xi > 0
          ? Math.log(a) - Math.log(b + xi - 1) - (r + xi) * Math.log(alpha + ti)
          : Number.NEGATIVE_INFINITY;
      const lse = logAddExp(a3, a4);
      ll += a1 + a2 + lse;
      if (grad) {
        const pi = xi > 0 ? Math.exp(a4 - lse) : 0;
        gr +=
          digamma(r + xi) -
          digamma(r) +
          Math.log(alpha) -
          (1 - pi) * Math.log(alpha + Ti) -
          pi * Math.log(alpha + ti);
        ga += r / alpha - (r + xi) * ((1 - pi) / (alpha + Ti) + pi / (alpha + ti));
        gaa += digamma(a + b) - digamma(a + b + xi) + pi / a;
        gb +=
          digamma(a + b) +
          digamma(b + xi) -
          digamma(b) -
          digamma(a + b + xi) -
          (xi > 0 ? pi / (b + xi - 1) : 0);
      }
    }
    const n = x.length;
    if (grad) {
      grad[0] = (-gr * r) / n;
      grad[1] = (-ga * alpha) / n;
      grad[2] = (-gaa * a) / n;
      grad[3] = (-gb * b) / n;
    }
    return -ll / n;
  };
}

interface ReplicationResult {
  refused: boolean;
  params: number[];
  newCustomer52: number;
  holdoutTotal: number;
  meanClv: number;
  coverage: number;
  /** Mean relative half-width of the 90 % intervals of expected holdout purchases. */
  halfWidth: number;
  /** False when the Hessian was singular (no standard errors, so no intervals). */
  hasIntervals: boolean;
}

/**
 * One generated shop: calibration = 39 weeks from the first day (first purchases over the
 * first 12 weeks, like CDNOW), holdout = the next 39 weeks. Errors are measured against the
 * predictions the true parameters make on the same calibration data, which isolates
 * estimation error from the randomness of the holdout itself.
 */
function replicate(seed: number, customers: number, prior: 'on' | 'off'): ReplicationResult {
  const shop = simulateShop({
    seed,
    customers,
    params: TRUE_BGNBD,
    spend: TRUE_GG,
    acquisitionWeeks: 12,
    horizonWeeks: 78,
    startDay: START,
  });
  const split = calibrationHoldoutSplit(shop.log, {
    calibrationEnd: START + 272,
    observationEnd: START + 545,
    unit: 'week',
  });
  const s = split.calibration;
  let models: ReturnType<typeof fitClvModels>;
  try {
    models = fitClvModels(s, { model: 'bgnbd', withSpend: true, prior });
  } catch (e) {
    if (e instanceof NurtureError && e.code === 'not_enough_data') {
      return {
        refused: true,
        params: [],
        newCustomer52: 0,
        holdoutTotal: 0,
        meanClv: 0,
        coverage: 0,
        halfWidth: 0,
        hasIntervals: false,
      };
    }
    throw e;
  }
  const bg = models.transaction;
  const gg = models.spend;
  if (bg === null || bg.model !== 'bgnbd' || gg === null) throw new Error('unexpected models');
  const duration = split.holdout.duration;
  const scores = scoreCustomers(s, bg, gg, {
    unit: 'week',
    horizonDays: duration * 7,
    clvMonths: 12,
    confidenceIntervals: true,
  });
  let predicted = 0;
  let truth = 0;
  let clv = 0;
  let clvTrue = 0;
  let covered = 0;
  let width = 0;
  for (let i = 0; i < s.frequency.length; i++) {
    const x = s.frequency[i] as number;
    const tx = s.recency[i] as number;
    const T = s.T[i] as number;
    const e = scores.expectedPurchases[i] as number;
    const et = bgnbdConditionalExpected(TRUE_BGNBD, duration, x, tx, T);
    predicted += e;
    truth += et;
    clv += scores.clv?.[i] as number;
    clvTrue += trueClv(x, tx, T, s.monetaryValue[i] as number);
    const low = scores.confidenceIntervals?.expectedPurchases.low[i] as number;
    const high = scores.confidenceIntervals?.expectedPurchases.high[i] as number;
    if (et >= low - 1e-12 && et <= high + 1e-12) covered++;
    width += e > 0 ? (high - low) / (2 * e) : 0;
  }
  const n = s.frequency.length;
  return {
    refused: false,
    params: [bg.params.r, bg.params.alpha, bg.params.a, bg.params.b, gg.params.p, gg.params.q, gg.params.v],
    newCustomer52: bgnbdExpectedNew(bg.params, 52) / bgnbdExpectedNew(TRUE_BGNBD, 52) - 1,
    holdoutTotal: predicted / truth - 1,
    meanClv: clv / clvTrue - 1,
    coverage: covered / n,
    halfWidth: width / n,
    hasIntervals: scores.confidenceIntervals !== undefined && Number.isFinite(width),
  };
}

function trueClv(x: number, tx: number, T: number, m: number): number {
  const value = gammaGammaConditionalExpectedValue(TRUE_GG, x, m);
  let acc = 0;
  let prev = 0;
  for (let k = 1; k <= 12; k++) {
    const cur = bgnbdConditionalExpected(TRUE_BGNBD, k * 4.345, x, tx, T);
    acc += (value * (cur - prev)) / 1.01 ** k;
    prev = cur;
  }
  return acc;
}

function intervalCell(ok: ReplicationResult[]): string {
  const withIv = ok.filter((x) => x.hasIntervals);
  if (withIv.length === 0) return '—';
  const missing = ok.length - withIv.length;
  return `±${fmt(100 * median(withIv.map((x) => x.halfWidth)), 0)} %${missing > 0 ? ` (${missing} singular)` : ''}`;
}

function coverageCell(ok: ReplicationResult[]): string {
  const withIv = ok.filter((x) => x.hasIntervals);
  if (withIv.length === 0) return '—';
  return `${fmt((100 * withIv.reduce((acc, x) => acc + x.coverage, 0)) / withIv.length, 0)} %`;
}

/** The recovery table of docs/clv.md. */
function recovery(reps: number): void {
  const truth = [TRUE_BGNBD.r, TRUE_BGNBD.alpha, TRUE_BGNBD.a, TRUE_BGNBD.b, TRUE_GG.p, TRUE_GG.q, TRUE_GG.v];
  const names = ['r', 'α', 'a', 'b', 'p', 'q', 'v'];
  const rows: (string | number)[][] = [];
  for (const n of [50, 200, 500, 5000]) {
    const r = reps;
    for (const prior of ['off', 'on'] as const) {
      const results: ReplicationResult[] = [];
      for (let k = 0; k < r; k++) results.push(replicate(1000 * n + k, n, prior));
      const ok = results.filter((x) => !x.refused);
      const medAbs = (f: (x: ReplicationResult) => number): string =>
        ok.length === 0 ? '—' : `${fmt(100 * median(ok.map((x) => Math.abs(f(x)))), 0)} %`;
      rows.push([
        n,
        prior === 'on' ? 'empirical-Bayes prior' : 'maximum likelihood',
        `${results.length - ok.length}/${results.length}`,
        ...names.map((_, j) => medAbs((x) => (x.params[j] as number) / (truth[j] as number) - 1)),
        medAbs((x) => x.newCustomer52),
        medAbs((x) => x.holdoutTotal),
        medAbs((x) => x.meanClv),
        intervalCell(ok),
        coverageCell(ok),
      ]);
    }
  }
  process.stdout.write(
    `## CLV small-shop recovery — ${reps} generated shops per size, truth = CDNOW estimates\n\n` +
      `${markdownTable(
        [
          'customers',
          'fit',
          'refused',
          ...names.map((x) => `${x} err`),
          'E[X(52)] new',
          'holdout total',
          'mean CLV',
          '90 % interval',
          'coverage',
        ],
        rows,
      )}\n\nErrors are medians over shops of |estimate / truth − 1|; "holdout total" and "mean CLV" compare predictions from ` +
      'the fitted and from the true parameters on the same calibration data. "90 % interval" is the median over shops of the ' +
      'mean relative half-width of the customers\' intervals for expected holdout purchases; "coverage" is the share of ' +
      'customers (pooled over shops) whose true-parameter expectation falls inside their interval. "singular": shops ' +
      'whose Hessian was not positive definite (no standard errors, hence no intervals).\n',
  );
}
