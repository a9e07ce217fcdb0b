/**
 * Generated shops with known parameters, for recovery tests and benchmarks: customers arrive
 * uniformly over an acquisition window, then buy and drop out by the BG/NBD process with
 * Gamma-Gamma spend (src/domain/random/btyd-process.ts). Seeded, so every shop is
 * reproducible.
 */
import { seededRandom } from '../ids.js';
import {
  type BgNbdParams,
  type GammaGammaParams,
  type PurchaseProcess,
  simulateCustomer,
} from '../random/btyd-process.js';
import { holdoutPlan } from './selection.js';
import {
  type CalibrationHoldout,
  calibrationHoldoutSplit,
  epochDay,
  type TransactionLog,
} from './summary.js';

export interface ShopSimulationOptions {
  seed: number;
  customers: number;
  /** BG/NBD purchase process, rates per week (unless `process` is given). */
  params: BgNbdParams;
  /** Any purchase process, rates per week; overrides `params`. */
  process?: PurchaseProcess;
  spend: GammaGammaParams;
  /** First purchases are uniform over this many weeks from `startDay`. */
  acquisitionWeeks: number;
  /** Transactions are generated up to this many weeks after `startDay`. */
  horizonWeeks: number;
  /** Calendar day of week 0 (days since 1970-01-01). */
  startDay: number;
}

/** A generated shop: its transactions, and each customer's true latent traits. */
export interface SimulatedShop {
  log: TransactionLog;
  /** True purchase rate and drop-out probability (Pareto/NBD: drop-out rate) of each customer. */
  lambda: Float64Array;
  dropout: Float64Array;
}

/**
 * Generates the shop. Purchase times are floored to calendar days (purchases on the same day
 * then count once, as in the RFM summary).
 */
export function simulateShop(o: ShopSimulationOptions): SimulatedShop {
  const u = seededRandom(o.seed);
  const customer: number[] = [];
  const day: number[] = [];
  const amount: number[] = [];
  const lambda = new Float64Array(o.customers);
  const dropout = new Float64Array(o.customers);
  const process: PurchaseProcess = o.process ?? { model: 'bgnbd', params: o.params };
  for (let c = 0; c < o.customers; c++) {
    const first = u() * o.acquisitionWeeks;
    const sim = simulateCustomer(u, process, o.spend, o.horizonWeeks - first);
    lambda[c] = sim.lambda;
    dropout[c] = sim.dropoutP;
    sim.purchaseTimes.forEach((t, k) => {
      customer.push(c);
      day.push(o.startDay + Math.floor((first + t) * 7));
      amount.push(sim.spends[k] as number);
    });
  }
  return {
    log: {
      customer: Int32Array.from(customer),
      day: Int32Array.from(day),
      amount: Float64Array.from(amount),
      customerCount: o.customers,
    },
    lambda,
    dropout,
  };
}

/** The span of `simulatedSplit`'s shops: customers arrive over 12 weeks, watched for 78. */
const SPLIT_START = epochDay(2024, 1, 1);
const SPLIT_WEEKS = 78;

/**
 * A shop generated from a known purchase process, split into calibration and holdout as
 * `predict` splits a shop's history (`holdoutPlan`): the ground of the model-choice test and
 * benchmark, where the true model is known.
 */
export function simulatedSplit(
  process: PurchaseProcess,
  seed: number,
  customers: number,
): CalibrationHoldout {
  const shop = simulateShop({
    seed,
    customers,
    params: { r: 1, alpha: 1, a: 1, b: 1 },
    process,
    spend: { p: 6.25, q: 3.74, v: 15.44 },
    acquisitionWeeks: 12,
    horizonWeeks: SPLIT_WEEKS,
    startDay: SPLIT_START,
  });
  const until = SPLIT_START + SPLIT_WEEKS * 7 - 1;
  const plan = holdoutPlan(until - SPLIT_START + 1);
  if (plan === null) throw new Error('a simulated shop too short for a holdout');
  return calibrationHoldoutSplit(shop.log, {
    calibrationEnd: until - plan.holdoutDays,
    observationEnd: until,
    unit: 'week',
    period: 'day',
  });
}
