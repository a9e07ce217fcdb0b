/**
 * The demo's consumables last as long as their reorder cycle says (issue 18: "generated shops whose
 * true per-product cycles are known (the demo's catalogue)").
 *
 * The purchase times come from the BG/NBD process (and the restockers' re-spacing), which the CLV
 * tests depend on, and stay as drawn. Within them, a consumable's buyer:
 * - uses it at their own pace: the product's cycle per pack times a log-normal factor (customers
 *   differ, PACE_SIGMA; the product's cycle is the median customer's pace);
 * - keeps using it after a first purchase, most of them (LOYAL_SHARE; a restocker's staple always),
 *   and stops now and then (DROP_SHARE, then buys it elsewhere) — with the BG/NBD drop-out, the churn;
 * - buys enough packs to last until one of their coming orders (they know their own rhythm), and
 *   buys it again in that order: two packs last twice as long. The use of each purchase is noisy
 *   (USE_SIGMA), packs are whole, and a buyer stocks up for at most MAX_UNITS packs or
 *   MAX_STOCK_VND: with no order of theirs within reach, they buy it elsewhere from then on.
 *
 * Its draws use their own random stream, so that the shop's other draws keep their meaning.
 */
import { DEMO_PRODUCTS_BY_SKU, type DemoProduct } from './catalog.js';
import { chance, type Rng, rngFor, STREAM } from './random.js';
import type { DemoLine } from './types.js';

/** Spread of customers' own pace around the product's cycle (log scale; households differ). */
const PACE_SIGMA = 0.5;
/** Noise of the use of one purchase around the customer's pace (log scale). */
const USE_SIGMA = 0.1;
/** The most packs a customer stocks up at once, and the most money. */
const MAX_UNITS = 3;
const MAX_STOCK_VND = 1_500_000;
/** Share of a consumable's first buyers who keep using it. */
const LOYAL_SHARE = 0.9;
/** Chance that a user stops using it at each purchase of it. */
const DROP_SHARE = 0.02;
/** A coming order "fits" a stock of whole packs when |log(packs used / packs bought)| is below this. */
const FIT = 0.7;

function normal(rng: Rng): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

interface Supply {
  /** Days per pack, this customer's. */
  pace: number;
  /** The purchase (index into the customer's purchase days) that buys it again; -1: none. */
  next: number;
  /** Packs bought last time. */
  units: number;
}

/** One customer's consumables: which they use, how much they buy, and when they buy again. */
export class Supplies {
  private readonly rng: Rng;
  private readonly supplies = new Map<string, Supply>();

  /** `days`: the customer's purchase days, in order (the BG/NBD times). */
  constructor(
    seed: number,
    index: number,
    private readonly staple: DemoProduct | undefined,
    private readonly days: readonly number[],
  ) {
    this.rng = rngFor(seed, STREAM.consumption, index);
  }

  /** The consumables the customer buys again at purchase `j` (their stock runs out about then). */
  due(j: number): DemoProduct[] {
    const out: DemoProduct[] = [];
    for (const [sku, s] of this.supplies) if (s.next === j) out.push(DEMO_PRODUCTS_BY_SKU.get(sku)!);
    return out;
  }

  /** True for a consumable the customer used and now buys elsewhere. */
  elsewhere(product: DemoProduct): boolean {
    const s = this.supplies.get(product.sku);
    return s !== undefined && s.next < 0;
  }

  /**
   * Purchase `j` holds these lines: for each consumable the customer goes on using, the packs that
   * last until the coming order that fits best, which will buy it again. A buyer who does not
   * keep it keeps the basket's quantity.
   */
  bought(j: number, lines: readonly DemoLine[]): void {
    for (const line of lines) {
      const p = line.product;
      if (p.reorderCycleDays === undefined) continue;
      let s = this.supplies.get(p.sku);
      const first = s === undefined;
      if (s === undefined) {
        s = { pace: p.reorderCycleDays * Math.exp(PACE_SIGMA * normal(this.rng)), next: -1, units: 1 };
        this.supplies.set(p.sku, s);
      }
      const keeps =
        p === this.staple ||
        (first ? chance(this.rng, LOYAL_SHARE) : s.next >= 0 && !chance(this.rng, DROP_SHARE));
      s.next = -1;
      if (!keeps) continue;
      if (j + 1 >= this.days.length) {
        // Their last order in the history: what they usually buy (the next one is yet to come).
        line.quantity = first ? (chance(this.rng, 0.3) ? 2 : 1) : s.units;
        continue;
      }
      const plan = this.plan(j, s.pace * Math.exp(USE_SIGMA * normal(this.rng)), maxUnits(p));
      if (plan === undefined) continue;
      line.quantity = plan.units;
      s.units = plan.units;
      s.next = plan.next;
    }
  }

  /**
   * The first coming purchase that a whole number of packs (at most `max`) lasts until, within FIT;
   * else the one that comes closest; undefined when none is within reach of `max` packs.
   */
  private plan(j: number, pace: number, max: number): { next: number; units: number } | undefined {
    let best: { next: number; units: number; miss: number } | undefined;
    for (let k = j + 1; k < this.days.length; k++) {
      const packs = (this.days[k]! - this.days[j]!) / pace;
      if (packs > max + 0.5) break;
      const units = Math.max(1, Math.round(packs));
      const miss = Math.abs(Math.log(packs / units));
      if (miss <= FIT) return { next: k, units };
      if (best === undefined || miss < best.miss) best = { next: k, units, miss };
    }
    return best;
  }
}

function maxUnits(p: DemoProduct): number {
  return Math.max(1, Math.min(MAX_UNITS, Math.floor(MAX_STOCK_VND / p.price)));
}
