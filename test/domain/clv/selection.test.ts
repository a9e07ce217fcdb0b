import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalProbabilityOfPurchases,
  compareOnHoldout,
  fitBgNbd,
  fitTransactionModel,
  holdoutPlan,
  holdoutScore,
  priorHurts,
  simulatedSplit,
  type TransactionModelName,
} from '../../../src/domain/clv/index.js';
import type { PurchaseProcess } from '../../../src/domain/random/btyd-process.js';

/**
 * Generated shops whose true model is known: BG/NBD and MBG/NBD at their CDNOW estimates, and a
 * Pareto/NBD whose drop-out comes with time rather than with purchases (frequent buyers, lifetimes
 * of about 40 weeks). At its CDNOW estimates Pareto/NBD predicts almost exactly what MBG/NBD does
 * (docs/clv.md, "Choosing the model"), so no holdout can tell them apart there.
 */
const TRUTHS: PurchaseProcess[] = [
  { model: 'bgnbd', params: { r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4259 } },
  { model: 'mbgnbd', params: { r: 0.52484, alpha: 6.18309, a: 0.89136, b: 1.614 } },
  { model: 'pnbd', params: { r: 0.55, alpha: 3, s: 2, beta: 40 } },
];

/** A shop of `customers` from `truth`, split as `predict` splits it (the last third is the holdout). */

describe('choosing the model on the holdout (selection.ts)', () => {
  it('plans the holdout as the last third of the history, four weeks to a year', () => {
    expect(holdoutPlan(83)).toBeNull();
    expect(holdoutPlan(84)).toEqual({ holdoutDays: 28 });
    expect(holdoutPlan(546)).toEqual({ holdoutDays: 182 });
    expect(holdoutPlan(3000)).toEqual({ holdoutDays: 365 });
  });

  it('scores a model by the log-probability it gave each customer’s actual holdout count', () => {
    const split = simulatedSplit(TRUTHS[0] as PurchaseProcess, 3, 500);
    const fit = fitBgNbd(split.calibration);
    const h = split.holdout.duration;
    const s = holdoutScore(fit, split.calibration, split.holdout.frequency, h);
    let log = 0;
    let actual = 0;
    const c = split.calibration;
    split.holdout.frequency.forEach((a, i) => {
      actual += a;
      log += Math.log(
        bgnbdConditionalProbabilityOfPurchases(
          fit.params,
          a,
          h,
          c.frequency[i] as number,
          c.recency[i] as number,
          c.T[i] as number,
        ),
      );
    });
    expect(s.logScore).toBeCloseTo(log / c.frequency.length, 9);
    expect(s.actualTotal).toBe(actual);
  });

  it('picks the true model most of the time on shops generated from BG/NBD, MBG/NBD and Pareto/NBD', () => {
    const shops = 10;
    const rates: Record<string, number> = {};
    for (const truth of TRUTHS) {
      let right = 0;
      for (let seed = 1; seed <= shops; seed++) {
        const choice = compareOnHoldout(simulatedSplit(truth, seed, 2000), { priors: [false], penalizer: 0 });
        expect(choice.candidates.map((k) => k.model)).toEqual(['bgnbd', 'mbgnbd', 'pnbd', 'nbd']);
        if (choice.model === truth.model) right++;
        // Never the baseline without drop-out: every shop here has drop-out.
        expect(choice.model).not.toBe('nbd' satisfies TransactionModelName);
      }
      rates[truth.model] = right / shops;
    }
    // Measured (bench `clv choice`, 50 shops each): see docs/clv.md.
    for (const truth of TRUTHS) expect(rates[truth.model], truth.model).toBeGreaterThan(0.5);
  }, 60_000);

  it('keeps the prior unless the holdout shows, beyond its noise, that the model does better without it', () => {
    // Clearly better without: every customer's log-probability 0.1 higher, give or take a little.
    const withPrior = Float64Array.from({ length: 200 }, (_, i) => -1 - 0.01 * (i % 7));
    const without = Float64Array.from(withPrior, (v, i) => v + 0.1 + 0.01 * ((i % 3) - 1));
    expect(priorHurts(without, withPrior)).toBe(true);
    // Better on average by less than its noise: the prior stays.
    const noisy = Float64Array.from(withPrior, (v, i) => v + 0.002 + (i % 2 === 0 ? 0.2 : -0.2));
    expect(priorHurts(noisy, withPrior)).toBe(false);
    expect(priorHurts(withPrior, without)).toBe(false);

    const split = simulatedSplit(TRUTHS[0] as PurchaseProcess, 21, 120);
    const c = compareOnHoldout(split, { models: ['bgnbd'], priors: [false, true], penalizer: 0 });
    expect(c.candidates.map((k) => [k.model, k.prior])).toEqual([
      ['bgnbd', false],
      ['bgnbd', true],
    ]);
    const score = (prior: boolean) =>
      holdoutScore(
        fitTransactionModel('bgnbd', split.calibration, 0, prior),
        split.calibration,
        split.holdout.frequency,
        split.holdout.duration,
      ).logProbabilities;
    expect(c.prior).toBe(!priorHurts(score(false), score(true)));
  });
});
