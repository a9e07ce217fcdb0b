/**
 * Reorder cycles learned from valid orders (issue 18, item 1): per product, the repeat-customer
 * probability, the distribution of intervals between purchases normalised by quantity, the
 * Wheat–Morrison regularity and the cycle with its 95 % interval, backing off to the category
 * when the product has too few repeat buyers; then per customer and product, the date the
 * customer is predicted to buy again (model.ts).
 */
import { addDays, localDay } from '../analytics/calendar.js';
import {
  gammaMedianFactor,
  intervalQuantile,
  medianInterval,
  modelShape,
  priorStrength,
  quantileSorted,
  type RhythmEvidence,
  shrunkInterval,
  wheatMorrisonShape,
} from './model.js';
import type {
  CustomerReplenishment,
  CycleSource,
  NotReplenishableReason,
  ProductCycle,
  ReplenishThresholds,
  ReplenishTiming,
} from './types.js';

const DAY_MS = 86_400_000;

/** One valid order's line(s) of a product, as the store reads them. */
export interface Purchase {
  customerId: string;
  sku: string;
  category: string | null;
  /** Epoch ms of the order. */
  at: number;
  quantity: number;
}

/** A customer's purchases of one product, merged and in time order. */
export interface CustomerHistory {
  customerId: string;
  sku: string;
  /** Purchase instants (epoch ms) and quantities. */
  times: number[];
  quantities: number[];
  /** Intervals between consecutive purchases, days per unit of the earlier purchase. */
  intervals: number[];
}

/**
 * Groups purchases by product and customer. Purchases of a product less than a day after the
 * customer's previous one are merged into it (a split or corrected order is one purchase).
 */
export function histories(purchases: readonly Purchase[]): Map<string, CustomerHistory[]> {
  // The store reads them in this order already; sorting a million objects again costs seconds.
  const sorted = isSorted(purchases) ? purchases : [...purchases].sort(byProductCustomerTime);
  const out = new Map<string, CustomerHistory[]>();
  let current: CustomerHistory | undefined;
  for (const p of sorted) {
    if (current === undefined || current.sku !== p.sku || current.customerId !== p.customerId) {
      current = { customerId: p.customerId, sku: p.sku, times: [], quantities: [], intervals: [] };
      const list = out.get(p.sku);
      if (list) list.push(current);
      else out.set(p.sku, [current]);
    }
    const n = current.times.length;
    const qty = Math.max(1, p.quantity);
    if (n > 0 && p.at - current.times[n - 1]! < DAY_MS) {
      current.quantities[n - 1]! += qty;
      continue;
    }
    current.times.push(p.at);
    current.quantities.push(qty);
  }
  for (const list of out.values())
    for (const h of list)
      for (let i = 1; i < h.times.length; i++)
        h.intervals.push((h.times[i]! - h.times[i - 1]!) / DAY_MS / h.quantities[i - 1]!);
  return out;
}

function byProductCustomerTime(a: Purchase, b: Purchase): number {
  return a.sku !== b.sku
    ? a.sku < b.sku
      ? -1
      : 1
    : a.customerId !== b.customerId
      ? a.customerId < b.customerId
        ? -1
        : 1
      : a.at - b.at;
}

function isSorted(purchases: readonly Purchase[]): boolean {
  for (let i = 1; i < purchases.length; i++)
    if (byProductCustomerTime(purchases[i - 1]!, purchases[i]!) > 0) return false;
  return true;
}

/**
 * The evidence of a set of histories (one product's, or a category's) as a cycle needs it. The
 * reference computation is `evidenceOf` below; the store computes the same figures in SQL
 * (src/store/replenish/learn-sql.ts) and hands them to `cycleOf`.
 */
export interface CycleEvidence {
  buyers: number;
  repeatBuyers: number;
  /** Buyers whose first purchase left them the time to buy again, and those who did. */
  eligibleBuyers: number;
  eligibleRepeatBuyers: number;
  intervals: number;
  /** The median of the repeat buyers' median-corrected mean intervals (null: none), and its 95 % interval. */
  cycle: number | null;
  cycleInterval: [number, number] | null;
  shape: number | null;
  priorIntervals: number;
}

/** A product's own intervals as the cycle reports them (every interval, each customer weighing the same). */
export interface IntervalDistribution {
  median: number | null;
  p25: number | null;
  p75: number | null;
  histogram: ProductCycle['histogram'];
}

/**
 * The evidence of a set of histories, as of `end` (epoch ms). Intervals in a fixed window are
 * biased short (a long one has less chance to finish before the data ends, and slow customers
 * less chance to buy twice), so only intervals that start at least `horizon` × their purchase's
 * quantity days before `end` count, and only buyers whose first purchase is that old count for
 * the repeat probability: those had the time to show a long interval. The horizon is three times
 * a first estimate of the cycle (an Erlang interval is longer than that 5 % of the time at k = 1,
 * far less when regular).
 */
function evidenceOf(list: readonly CustomerHistory[], end: number): CycleEvidence {
  const first = evidenceWithin(list, Number.POSITIVE_INFINITY, end);
  return first.cycle === null ? first : evidenceWithin(list, 3 * first.cycle, end);
}

function evidenceWithin(list: readonly CustomerHistory[], horizonDays: number, end: number): CycleEvidence {
  const cut = (h: CustomerHistory, i: number) =>
    !Number.isFinite(horizonDays) || h.times[i]! + horizonDays * h.quantities[i]! * DAY_MS <= end;
  const kept = list.map((h) => {
    const intervals: number[] = [];
    for (let i = 0; i < h.intervals.length && cut(h, i); i++) intervals.push(h.intervals[i]!);
    return { h, intervals, eligible: cut(h, 0) };
  });
  const pairs: [number, number][] = [];
  for (const { intervals } of kept) {
    const m = intervals.length;
    if (m >= 2) pairs.push([intervals[m - 2]!, intervals[m - 1]!]);
  }
  const shape = wheatMorrisonShape(pairs);
  const k = modelShape(shape);
  const repeaters = kept.filter((x) => x.intervals.length > 0);
  const means = repeaters.map(({ intervals }) => ({
    intervals: intervals.length,
    meanInterval: intervals.reduce((s, x) => s + x, 0) / intervals.length,
  }));
  const eligible = kept.filter((x) => x.eligible);
  const customerMeans = means
    .map((c) => c.meanInterval / gammaMedianFactor(k * c.intervals))
    .sort((a, b) => a - b);
  return {
    buyers: list.length,
    repeatBuyers: list.filter((h) => h.intervals.length > 0).length,
    eligibleBuyers: eligible.length,
    eligibleRepeatBuyers: eligible.filter((x) => x.h.intervals.length > 0).length,
    intervals: list.reduce((s, h) => s + h.intervals.length, 0),
    cycle: customerMeans.length > 0 ? quantileSorted(customerMeans, 0.5) : null,
    cycleInterval: medianInterval(customerMeans),
    shape,
    priorIntervals: priorStrength(means, k),
  };
}

/** The distribution of a product's own intervals (the reference computation). */
function distributionOf(list: readonly CustomerHistory[]): IntervalDistribution {
  const weighted = list.flatMap((h) =>
    h.intervals.map((value) => ({ value, weight: 1 / h.intervals.length })),
  );
  return {
    median: weightedQuantile(weighted, 0.5),
    p25: weightedQuantile(weighted, 0.25),
    p75: weightedQuantile(weighted, 0.75),
    histogram: histogram(list.flatMap((h) => h.intervals).sort((a, b) => a - b)),
  };
}

function weightedQuantile(items: readonly { value: number; weight: number }[], q: number): number | null {
  if (items.length === 0) return null;
  const sorted = [...items].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, i) => s + i.weight, 0);
  let acc = 0;
  for (const i of sorted) {
    acc += i.weight;
    if (acc >= q * total - 1e-12) return i.value;
  }
  return sorted[sorted.length - 1]!.value;
}

/**
 * The histogram's layout for intervals whose 95th percentile is `top`: bins of `width` whole days
 * from 0, `bins` of them (the store's SQL bins with the same formula).
 */
export function histogramLayout(top: number): { width: number; bins: number } {
  const width = Math.max(1, Math.ceil(top / 12));
  return { width, bins: Math.max(1, Math.ceil((top + 1e-9) / width)) };
}

/** The histogram's bins from their counts (index → count) and the longest interval. */
export function histogramBins(
  layout: { width: number; bins: number },
  counts: readonly number[],
  longest: number,
): ProductCycle['histogram'] {
  const { width, bins } = layout;
  const top = Math.ceil(longest);
  return Array.from({ length: bins }, (_, i) => ({
    fromDays: i * width,
    toDays: i === bins - 1 ? Math.max((i + 1) * width, top) : (i + 1) * width,
    count: counts[i] ?? 0,
  }));
}

/** About a dozen bins of whole days from 0 to the 95th percentile; the last one runs to the longest interval. */
function histogram(sorted: readonly number[]): ProductCycle['histogram'] {
  if (sorted.length === 0) return [];
  const layout = histogramLayout(quantileSorted(sorted, 0.95));
  const counts = new Array<number>(layout.bins).fill(0);
  for (const x of sorted) counts[Math.min(layout.bins - 1, Math.floor(x / layout.width))]! += 1;
  return histogramBins(layout, counts, sorted[sorted.length - 1]!);
}

const round = (x: number | null, digits = 2): number | null =>
  x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits;

/** The seller's word that a product is not a consumable (a product or category setting). */
export type ConsumableWord = boolean | null;

/** What learnCycles needs per product besides its histories. */
export interface ProductInfo {
  sku: string;
  category: string | null;
  /** False when the seller set the product or its category as not a consumable; else null. */
  sellerConsumable: ConsumableWord;
}

/**
 * Every product's cycle as of `end` (the data's end: the as-of moment). A product with `minBuyers` buyers uses its own repeat probability, else
 * its category's; it uses its own cycle with `minRepeatBuyers` repeat buyers, else its category's;
 * it is replenishable when it has a cycle and the repeat probability clears the threshold.
 */
export function learnCycles(
  purchases: readonly Purchase[],
  products: readonly ProductInfo[],
  thresholds: ReplenishThresholds,
  end: Date,
): { cycles: ProductCycle[]; histories: Map<string, CustomerHistory[]> } {
  const endMs = end.getTime();
  const bySku = histories(purchases);
  const info = new Map(products.map((p) => [p.sku, p]));
  // Products met only on order lines still get a row; their category is the lines'.
  for (const p of purchases)
    if (!info.has(p.sku)) info.set(p.sku, { sku: p.sku, category: p.category, sellerConsumable: null });
  const byCategory = new Map<string, CustomerHistory[]>();
  for (const [sku, list] of bySku) {
    const category = info.get(sku)?.category;
    if (category == null) continue;
    const all = byCategory.get(category);
    if (all) all.push(...list);
    else byCategory.set(category, [...list]);
  }
  const categoryEvidence = new Map([...byCategory].map(([c, list]) => [c, evidenceOf(list, endMs)]));
  const cycles: ProductCycle[] = [];
  for (const p of [...info.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))) {
    const list = bySku.get(p.sku) ?? [];
    const cat = p.category === null ? undefined : categoryEvidence.get(p.category);
    cycles.push(cycleOf(p, evidenceOf(list, endMs), distributionOf(list), cat, thresholds));
  }
  return { cycles, histories: bySku };
}

/**
 * A product's cycle from its own evidence and its category's (undefined: no category or no
 * buyers in it): the repeat probability from the product with `minBuyers` buyers, else from its
 * category; the cycle from the product with `minRepeatBuyers` repeat buyers, else from its
 * category; replenishable when it has a cycle and the probability clears the threshold.
 */
export function cycleOf(
  p: ProductInfo,
  own: CycleEvidence,
  distribution: IntervalDistribution,
  cat: CycleEvidence | undefined,
  t: ReplenishThresholds,
): ProductCycle {
  const probabilityFrom =
    own.buyers >= t.minBuyers ? own : cat && cat.buyers >= t.minBuyers ? cat : undefined;
  const cycleFrom: { e: CycleEvidence; source: CycleSource } | undefined =
    own.repeatBuyers >= t.minRepeatBuyers
      ? { e: own, source: 'product' }
      : cat && cat.repeatBuyers >= t.minRepeatBuyers
        ? { e: cat, source: 'category' }
        : undefined;
  // Among the buyers who had the time to come back, when there are any.
  const repeatProbability = probabilityFrom
    ? probabilityFrom.eligibleBuyers > 0
      ? probabilityFrom.eligibleRepeatBuyers / probabilityFrom.eligibleBuyers
      : probabilityFrom.repeatBuyers / probabilityFrom.buyers
    : null;
  let reason: NotReplenishableReason | null = null;
  if (p.sellerConsumable === false) reason = 'marked_not_consumable';
  else if (probabilityFrom === undefined) reason = 'too_few_buyers';
  else if (cycleFrom === undefined) reason = 'too_few_repeat_buyers';
  else if (repeatProbability! < t.minRepeatProbability) reason = 'rarely_rebought';
  const e = cycleFrom?.e;
  const ci = e ? e.cycleInterval : null;
  const shape = e ? e.shape : own.shape;
  return {
    sku: p.sku,
    category: p.category,
    buyers: own.buyers,
    repeatBuyers: own.repeatBuyers,
    repeatProbability: round(repeatProbability, 4),
    intervals: own.intervals,
    medianIntervalDays: round(distribution.median),
    p25IntervalDays: round(distribution.p25),
    p75IntervalDays: round(distribution.p75),
    cycleDays: round(e ? e.cycle : null),
    cycleLowDays: round(ci ? ci[0] : null),
    cycleHighDays: round(ci ? ci[1] : null),
    regularity: round(shape),
    pattern: shape === null ? 'unknown' : shape >= t.regularShape ? 'regular' : 'poisson_like',
    priorIntervals: round(e ? e.priorIntervals : own.priorIntervals) ?? 2,
    source: cycleFrom?.source ?? 'none',
    replenishable: reason === null,
    reason,
    histogram: distribution.histogram,
  };
}

/** The evidence of one customer's rhythm for a product with a cycle. */
export function rhythmOf(cycle: ProductCycle, h: CustomerHistory): RhythmEvidence {
  return {
    cycleDays: cycle.cycleDays ?? 1,
    shape: modelShape(cycle.regularity),
    priorIntervals: cycle.priorIntervals,
    intervals: h.intervals.length,
    intervalSum: h.intervals.reduce((s, x) => s + x, 0),
  };
}

/**
 * When the customer is predicted to buy the product again: from their last purchase, the
 * level-quantile of their predictive next interval times the quantity they last bought; given
 * `asOf`, conditioned on no purchase since (a customer already late is predicted later, never
 * in the past). The due day is that day minus the lead time, in the shop's calendar.
 */
export function predictNext(
  cycle: ProductCycle,
  h: CustomerHistory,
  timing: ReplenishTiming,
  timeZone: string,
  asOf?: number,
): CustomerReplenishment | null {
  if (cycle.cycleDays === null || h.times.length === 0) return null;
  const evidence = rhythmOf(cycle, h);
  const last = h.times[h.times.length - 1]!;
  const qty = h.quantities[h.quantities.length - 1]!;
  const elapsed = asOf !== undefined && asOf > last ? (asOf - last) / DAY_MS / qty : 0;
  const s = intervalQuantile(evidence, timing.level, elapsed);
  const predictedAt = new Date(last + s * qty * DAY_MS);
  return {
    customerId: h.customerId,
    sku: h.sku,
    purchases: h.times.length,
    lastPurchaseAt: new Date(last),
    lastQuantity: qty,
    intervalDays: round(shrunkInterval(evidence)) ?? 0,
    predictedAt,
    dueDay: addDays(localDay(predictedAt, timeZone), -timing.leadDays),
  };
}
