/**
 * Replenishment evaluation (issue 18, item 3): learn the cycles from the orders before a split
 * day, predict each customer's next purchase of each product they bought, and compare with the
 * first purchase of it after the split. The error is in days; the baseline is the product-median
 * rule (last purchase + the product's median interval per unit × quantity), moved to the split
 * when it falls before it, since the customer had not bought again by then.
 */

import { histories, learnCycles, type ProductInfo, type Purchase, predictNext } from './cycles.js';
import { quantileSorted } from './model.js';
import type { ReplenishThresholds, ReplenishTiming } from './types.js';

const DAY_MS = 86_400_000;

export interface ReplenishEvaluation {
  splitAt: Date;
  /** Customer × product pairs bought before the split and again after it, for products with a cycle. */
  pairs: number;
  /** Of them, the pairs of replenishable products. */
  replenishablePairs: number;
  /** Mean absolute error in days: Nurture's prediction, and the product-median baseline. */
  maeDays: number | null;
  baselineMaeDays: number | null;
  /** The same on replenishable products only. */
  replenishableMaeDays: number | null;
  replenishableBaselineMaeDays: number | null;
  /** Median absolute errors. */
  medianErrorDays: number | null;
  baselineMedianErrorDays: number | null;
  /** Per product: pairs and both errors. */
  products: { sku: string; pairs: number; maeDays: number; baselineMaeDays: number }[];
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
const round = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
const median = (xs: readonly number[]) =>
  xs.length === 0
    ? null
    : quantileSorted(
        [...xs].sort((a, b) => a - b),
        0.5,
      );

/** Evaluates on a time split; `timing.leadDays` is ignored (the actual purchase is the target). */
export function evaluateReplenishment(
  purchases: readonly Purchase[],
  products: readonly ProductInfo[],
  splitAt: Date,
  thresholds: ReplenishThresholds,
  timing: ReplenishTiming,
): ReplenishEvaluation {
  const split = splitAt.getTime();
  const train = purchases.filter((p) => p.at < split);
  const { cycles, histories: trained } = learnCycles(train, products, thresholds, splitAt);
  const byCycle = new Map(cycles.map((c) => [c.sku, c]));
  // The first purchase after the split, at least a day after the last one before it.
  const after = histories(purchases.filter((p) => p.at >= split));
  const nextOf = new Map<string, number>();
  for (const list of after.values())
    for (const h of list) nextOf.set(`${h.sku}\u0000${h.customerId}`, h.times[0]!);
  const errors: { sku: string; replenishable: boolean; model: number; baseline: number }[] = [];
  for (const [sku, list] of trained) {
    const cycle = byCycle.get(sku);
    if (!cycle || cycle.cycleDays === null) continue;
    const baseInterval = cycle.medianIntervalDays ?? cycle.cycleDays;
    for (const h of list) {
      const actual = nextOf.get(`${sku}\u0000${h.customerId}`);
      const last = h.times[h.times.length - 1]!;
      if (actual === undefined || actual - last < DAY_MS) continue;
      const p = predictNext(cycle, h, { ...timing, leadDays: 0 }, 'UTC', split);
      if (!p) continue;
      const qty = h.quantities[h.quantities.length - 1]!;
      const baseline = Math.max(split, last + baseInterval * qty * DAY_MS);
      errors.push({
        sku,
        replenishable: cycle.replenishable,
        model: Math.abs(p.predictedAt.getTime() - actual) / DAY_MS,
        baseline: Math.abs(baseline - actual) / DAY_MS,
      });
    }
  }
  const rep = errors.filter((e) => e.replenishable);
  const perSku = new Map<string, { model: number[]; baseline: number[] }>();
  for (const e of errors) {
    const s = perSku.get(e.sku) ?? { model: [], baseline: [] };
    s.model.push(e.model);
    s.baseline.push(e.baseline);
    perSku.set(e.sku, s);
  }
  return {
    splitAt,
    pairs: errors.length,
    replenishablePairs: rep.length,
    maeDays: round(mean(errors.map((e) => e.model))),
    baselineMaeDays: round(mean(errors.map((e) => e.baseline))),
    replenishableMaeDays: round(mean(rep.map((e) => e.model))),
    replenishableBaselineMaeDays: round(mean(rep.map((e) => e.baseline))),
    medianErrorDays: round(median(errors.map((e) => e.model))),
    baselineMedianErrorDays: round(median(errors.map((e) => e.baseline))),
    products: [...perSku]
      .map(([sku, s]) => ({
        sku,
        pairs: s.model.length,
        maeDays: round(mean(s.model)) ?? 0,
        baselineMaeDays: round(mean(s.baseline)) ?? 0,
      }))
      .sort((a, b) => (a.sku < b.sku ? -1 : 1)),
  };
}

/** The default split: the day at 80 % of the span of the purchases (null with none). */
export function defaultSplit(purchases: readonly Purchase[]): Date | null {
  if (purchases.length === 0) return null;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const p of purchases) {
    lo = Math.min(lo, p.at);
    hi = Math.max(hi, p.at);
  }
  const at = lo + 0.8 * (hi - lo);
  return new Date(Math.floor(at / DAY_MS) * DAY_MS);
}
