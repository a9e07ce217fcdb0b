/**
 * Accuracy studies behind `nurture predict`'s choices (docs/clv.md), not speed:
 *
 * `npm run bench -- clv choice [shops]`: how often the holdout comparison picks the true model on
 * shops generated from BG/NBD, MBG/NBD and Pareto/NBD with known parameters.
 *
 * `npm run bench -- clv prior [subsets]`: whether the small-shop prior improves holdout accuracy
 * on random subsets of 50–500 CDNOW customers (calibration to 1997-09-30, holdout to
 * 1998-06-30), fitted always without it, always with it, and as `predict` decides (on the
 * subset's own inner holdout: the last 13 calibration weeks).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  calibrationHoldoutSplit,
  compareOnHoldout,
  epochDay,
  fitTransactionModel,
  holdoutScore,
  simulatedSplit,
  type TransactionLog,
  type TransactionModelName,
} from '../src/domain/clv/index.js';
import { seededRandom } from '../src/domain/ids.js';
import type { PurchaseProcess } from '../src/domain/random/btyd-process.js';
import { NurtureError } from '../src/errors.js';
import { readTransactionsFile } from '../src/ingest/transactions-file.js';
import { fmt, machine, markdownTable } from './util.js';

const TRUTHS: { label: string; process: PurchaseProcess }[] = [
  {
    label: 'BG/NBD r 0.2426, α 4.4137, a 0.793, b 2.4259 (CDNOW)',
    process: { model: 'bgnbd', params: { r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4259 } },
  },
  {
    label: 'MBG/NBD r 0.5248, α 6.1831, a 0.8914, b 1.614 (CDNOW)',
    process: { model: 'mbgnbd', params: { r: 0.52484, alpha: 6.18309, a: 0.89136, b: 1.614 } },
  },
  {
    label: 'Pareto/NBD r 0.55, α 3, s 2, β 40 (drop-out with time)',
    process: { model: 'pnbd', params: { r: 0.55, alpha: 3, s: 2, beta: 40 } },
  },
  {
    label: 'Pareto/NBD r 0.553, α 10.58, s 0.606, β 11.67 (CDNOW)',
    process: { model: 'pnbd', params: { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 } },
  },
];

const MODELS: readonly TransactionModelName[] = ['bgnbd', 'mbgnbd', 'pnbd', 'nbd'];

/** The model-choice table of docs/clv.md. */
export function benchChoice(shops: number, customers = 2000): void {
  const rows: (string | number)[][] = [];
  for (const truth of TRUTHS) {
    const picks = new Map<TransactionModelName, number>();
    const margins: number[] = [];
    const t0 = performance.now();
    for (let seed = 1; seed <= shops; seed++) {
      const c = compareOnHoldout(simulatedSplit(truth.process, seed, customers), {
        priors: [false],
        penalizer: 0,
      });
      picks.set(c.model, (picks.get(c.model) ?? 0) + 1);
      const score = (m: TransactionModelName): number => {
        const k = c.candidates.find((x) => x.model === m);
        return k?.kind === 'scored' ? k.logScore : Number.NEGATIVE_INFINITY;
      };
      const rival = Math.max(...MODELS.filter((m) => m !== truth.process.model).map(score));
      // The log-likelihood ratio of the true model over its best rival on the holdout.
      margins.push((score(truth.process.model) - rival) * customers);
    }
    margins.sort((a, b) => a - b);
    rows.push([
      truth.label,
      `${fmt((100 * (picks.get(truth.process.model) ?? 0)) / shops, 0)} %`,
      MODELS.map((m) => `${m} ${picks.get(m) ?? 0}`).join(', '),
      fmt(margins[Math.floor(shops / 2)] as number, 1),
      fmt((performance.now() - t0) / 1000, 1),
    ]);
  }
  process.stdout.write(
    `## CLV model choice — ${shops} generated shops of ${customers} customers per truth, ${machine()}\n\n` +
      `${markdownTable(['truth', 'true model picked', 'picks', 'median log-likelihood ratio, truth vs best rival', 's'], rows)}\n\n` +
      'First purchases uniform over 12 weeks, 78 weeks observed, holdout the last third (26 weeks) as `predict` plans it; ' +
      'candidates fitted by maximum likelihood on the calibration part and judged by their mean holdout log score.\n',
  );
}

/** The customers `picked` of a log, renumbered 0 … picked.length − 1. */
function subLog(log: TransactionLog, picked: readonly number[]): TransactionLog {
  const map = new Int32Array(log.customerCount).fill(-1);
  picked.forEach((c, i) => {
    map[c] = i;
  });
  const rows: number[] = [];
  for (let i = 0; i < log.customer.length; i++)
    if ((map[log.customer[i] as number] as number) >= 0) rows.push(i);
  return {
    customer: Int32Array.from(rows, (i) => map[log.customer[i] as number] as number),
    day: Int32Array.from(rows, (i) => log.day[i] as number),
    amount: Float64Array.from(rows, (i) => (log.amount?.[i] ?? 0) as number),
    customerCount: picked.length,
  };
}

interface PriorOutcome {
  off: number;
  on: number;
  auto: number;
  autoOn: boolean;
  errOff: number;
  errOn: number;
  errAuto: number;
}

/** The prior table of docs/clv.md: CDNOW subsets fitted without, with, and as predict decides. */
export async function benchPrior(subsets: number): Promise<void> {
  const dir = [
    process.env['NURTURE_CDNOW_DIR'],
    'data/cdnow',
    '../shared/data/cdnow',
    '/work/shared/data/cdnow',
  ].find((d): d is string => d !== undefined && existsSync(resolve(d, 'btyd/cdnowElog.csv')));
  const file = await readTransactionsFile({
    path: resolve(dir ?? '.', 'btyd/cdnowElog.csv'),
    customerColumn: 'sampleid',
    dateColumn: 'date',
    amountColumn: 'sales',
    dateFormat: 'yyyyMMdd',
  });
  const calibrationEnd = epochDay(1997, 9, 30);
  const observationEnd = epochDay(1998, 6, 30);
  const common = { unit: 'week' as const, period: 'day' as const };
  const rows: (string | number)[][] = [];
  for (const size of [50, 100, 200, 500]) {
    for (const model of ['bgnbd', 'mbgnbd', 'pnbd'] as const) {
      const outcomes: PriorOutcome[] = [];
      let refused = 0;
      for (let k = 0; k < subsets; k++) {
        const u = seededRandom(size * 1000 + k);
        const all = Array.from({ length: file.log.customerCount }, (_, i) => i);
        for (let i = all.length - 1; i > 0; i--) {
          const j = Math.floor(u() * (i + 1));
          [all[i], all[j]] = [all[j] as number, all[i] as number];
        }
        const log = subLog(file.log, all.slice(0, size));
        const outer = calibrationHoldoutSplit(log, { ...common, calibrationEnd, observationEnd });
        const inner = calibrationHoldoutSplit(log, {
          ...common,
          calibrationEnd: calibrationEnd - 91,
          observationEnd: calibrationEnd,
        });
        try {
          const score = (prior: boolean) => {
            const fit = fitTransactionModel(model, outer.calibration, 0, prior);
            return holdoutScore(fit, outer.calibration, outer.holdout.frequency, outer.holdout.duration);
          };
          const off = score(false);
          const on = score(true);
          // Without a holdout (too few customers before it) predict keeps the prior: its default.
          let autoOn = true;
          try {
            autoOn = compareOnHoldout(inner, { models: [model], priors: [false, true], penalizer: 0 }).prior;
          } catch (error) {
            if (!(error instanceof NurtureError)) throw error;
          }
          const err = (s: typeof off) => Math.abs(s.expectedTotal / Math.max(s.actualTotal, 1) - 1);
          outcomes.push({
            off: off.logScore,
            on: on.logScore,
            auto: autoOn ? on.logScore : off.logScore,
            autoOn,
            errOff: err(off),
            errOn: err(on),
            errAuto: autoOn ? err(on) : err(off),
          });
        } catch (error) {
          if (!(error instanceof NurtureError && error.code === 'not_enough_data')) throw error;
          refused++;
        }
      }
      const n = outcomes.length;
      const mean = (f: (o: PriorOutcome) => number) =>
        outcomes.reduce((s, o) => s + f(o), 0) / Math.max(n, 1);
      const median = (f: (o: PriorOutcome) => number) => {
        const v = outcomes.map(f).sort((a, b) => a - b);
        return v[Math.floor(v.length / 2)] ?? Number.NaN;
      };
      rows.push([
        size,
        model,
        `${refused}/${subsets}`,
        `${fmt((100 * outcomes.filter((o) => o.on > o.off).length) / Math.max(n, 1), 0)} %`,
        fmt(
          mean((o) => o.off),
          4,
        ),
        fmt(
          mean((o) => o.on),
          4,
        ),
        fmt(
          mean((o) => o.auto),
          4,
        ),
        `${fmt((100 * outcomes.filter((o) => o.autoOn).length) / Math.max(n, 1), 0)} %`,
        `${fmt(100 * median((o) => o.errOff), 0)} / ${fmt(100 * median((o) => o.errOn), 0)} / ${fmt(100 * median((o) => o.errAuto), 0)} %`,
      ]);
    }
  }
  process.stdout.write(
    `## CLV small-shop prior on CDNOW subsets — ${subsets} random subsets per size, ${machine()}\n\n` +
      `${markdownTable(
        [
          'customers',
          'model',
          'refused',
          'prior improves log score',
          'mean log score, off',
          'on',
          'as predict decides',
          'predict turns it on',
          'median holdout-total error off / on / predict',
        ],
        rows,
      )}\n\nCalibration 1997-01-01 … 1997-09-30, holdout to 1998-06-30 (39 weeks); "log score": mean log-probability ` +
      "of each customer's actual holdout purchases (higher is better); predict decides on the subset's own inner holdout " +
      '(the last 13 calibration weeks), as it does on a shop; "refused": below the minimums (50 customers, 10 repeat buyers).\n',
  );
}
