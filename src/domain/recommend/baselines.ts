/**
 * The baselines `nurture recommend evaluate` reports beside Nurture's recommender, computed in the
 * same run on the same training orders (pure):
 * - global popularity: the products bought by the most customers;
 * - personal top-frequency: the customer's own products by how many orders had them (ties: the
 *   more recent first), then popularity;
 * - TIFU-KNN (Hu et al., SIGIR 2020): a customer's time-decayed item-frequency vector blended with
 *   the mean vector of the nearest customers (cosine), for shops small enough to compare every
 *   pair of customers.
 */

/** One training basket: its time (days) and its distinct SKUs. */
export interface Basket {
  t: number;
  skus: readonly string[];
}

/** SKUs by the number of customers who bought them (ties by SKU), at most `limit`. */
export function popularity(histories: ReadonlyMap<string, readonly Basket[]>, limit: number): string[] {
  const buyers = new Map<string, number>();
  for (const baskets of histories.values()) {
    const seen = new Set<string>();
    for (const b of baskets) for (const s of b.skus) seen.add(s);
    for (const s of seen) buyers.set(s, (buyers.get(s) ?? 0) + 1);
  }
  return [...buyers.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([s]) => s);
}

/** Fills `list` up to `k` with the popular SKUs it lacks. */
export function fill(list: readonly string[], popular: readonly string[], k: number): string[] {
  const out = list.slice(0, k);
  const has = new Set(out);
  for (const s of popular) {
    if (out.length >= k) break;
    if (!has.has(s)) {
      out.push(s);
      has.add(s);
    }
  }
  return out;
}

/** The customer's SKUs by orders (then most recent), filled with popularity, `k` long. */
export function topFrequency(baskets: readonly Basket[], popular: readonly string[], k: number): string[] {
  const seen = new Map<string, { n: number; last: number }>();
  for (const b of baskets)
    for (const s of b.skus) {
      const e = seen.get(s) ?? { n: 0, last: -Infinity };
      e.n++;
      e.last = Math.max(e.last, b.t);
      seen.set(s, e);
    }
  const own = [...seen.entries()]
    .sort((a, b) => b[1].n - a[1].n || b[1].last - a[1].last || (a[0] < b[0] ? -1 : 1))
    .map(([s]) => s);
  return fill(own, popular, k);
}

/** TIFU-KNN's parameters (the paper's defaults for small groceries-like data). */
export interface TifuParams {
  groupSize: number;
  withinDecay: number;
  groupDecay: number;
  neighbours: number;
  alpha: number;
}

export const TIFU_DEFAULTS: TifuParams = {
  groupSize: 7,
  withinDecay: 0.9,
  groupDecay: 0.7,
  neighbours: 100,
  alpha: 0.7,
};

type Vec = Map<string, number>;

/** The customer's TIFU vector: baskets in groups of `groupSize` (the last group may be short). */
export function tifuVector(baskets: readonly Basket[], p: TifuParams = TIFU_DEFAULTS): Vec {
  const sorted = [...baskets].sort((a, b) => a.t - b.t);
  const groups: Basket[][] = [];
  // Groups are cut from the oldest basket on, as in the paper.
  for (let i = 0; i < sorted.length; i += p.groupSize) groups.push(sorted.slice(i, i + p.groupSize));
  const out: Vec = new Map();
  groups.forEach((g, gi) => {
    const gw = p.groupDecay ** (groups.length - 1 - gi) / groups.length;
    g.forEach((b, bi) => {
      const w = (gw * p.withinDecay ** (g.length - 1 - bi)) / g.length;
      for (const s of b.skus) out.set(s, (out.get(s) ?? 0) + w);
    });
  });
  return out;
}

function norm(v: Vec): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}

/**
 * TIFU-KNN lists for `customers` (k long), neighbours searched among every customer of
 * `histories`. O(customers × histories × items): callers keep it to small shops.
 */
export function tifuKnn(
  histories: ReadonlyMap<string, readonly Basket[]>,
  customers: readonly string[],
  k: number,
  popular: readonly string[],
  p: TifuParams = TIFU_DEFAULTS,
): Map<string, string[]> {
  const vectors = new Map<string, { v: Vec; n: number }>();
  for (const [c, b] of histories) {
    const v = tifuVector(b, p);
    vectors.set(c, { v, n: norm(v) });
  }
  // An inverted index so that a customer is compared only with those sharing a product.
  const index = new Map<string, string[]>();
  for (const [c, { v }] of vectors)
    for (const s of v.keys()) {
      const list = index.get(s) ?? [];
      list.push(c);
      index.set(s, list);
    }
  const out = new Map<string, string[]>();
  for (const c of customers) {
    const me = vectors.get(c);
    if (me === undefined || me.n === 0) {
      out.set(c, popular.slice(0, k));
      continue;
    }
    const dots = new Map<string, number>();
    for (const [s, x] of me.v)
      for (const o of index.get(s) ?? []) {
        if (o === c) continue;
        const y = vectors.get(o)?.v.get(s) ?? 0;
        dots.set(o, (dots.get(o) ?? 0) + x * y);
      }
    const near = [...dots.entries()]
      .map(([o, d]) => [o, d / (me.n * (vectors.get(o)?.n ?? 1))] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, p.neighbours);
    const score: Vec = new Map();
    for (const [s, x] of me.v) score.set(s, p.alpha * x);
    if (near.length > 0)
      for (const [o] of near)
        for (const [s, y] of vectors.get(o)?.v ?? [])
          score.set(s, (score.get(s) ?? 0) + ((1 - p.alpha) * y) / near.length);
    const ranked = [...score.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([s]) => s);
    out.set(c, fill(ranked, popular, k));
  }
  return out;
}
