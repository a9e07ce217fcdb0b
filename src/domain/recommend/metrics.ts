/**
 * Ranking metrics for next-basket evaluation (pure). A customer's truth is the set of products of
 * their held-out orders; an item is a repeat item when the customer bought it before the split.
 */

/** recall@k: the share of the truth found in the first k items. */
export function recallAt(list: readonly string[], truth: ReadonlySet<string>, k: number): number {
  if (truth.size === 0) return 0;
  let hits = 0;
  for (const sku of list.slice(0, k)) if (truth.has(sku)) hits++;
  return hits / truth.size;
}

/** NDCG@k with binary relevance: DCG of the list over the DCG of a perfect list. */
export function ndcgAt(list: readonly string[], truth: ReadonlySet<string>, k: number): number {
  if (truth.size === 0) return 0;
  let dcg = 0;
  list.slice(0, k).forEach((sku, i) => {
    if (truth.has(sku)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, truth.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Averages over customers; repeat and new are averaged over the customers that have such items. */
export interface MethodScores {
  recall: number;
  ndcg: number;
  recallRepeat: number | null;
  ndcgRepeat: number | null;
  recallNew: number | null;
  ndcgNew: number | null;
}

/** One customer's held-out truth, split by whether the customer bought the item before. */
export interface Truth {
  all: ReadonlySet<string>;
  repeat: ReadonlySet<string>;
  fresh: ReadonlySet<string>;
}

/** Mean metrics of one method's lists (by customer) against the truths, at k. */
export function scoreLists(
  lists: ReadonlyMap<string, readonly string[]>,
  truths: ReadonlyMap<string, Truth>,
  k: number,
): MethodScores {
  const acc = { r: 0, n: 0, rr: 0, nr: 0, cr: 0, rn: 0, nn: 0, cn: 0, c: 0 };
  for (const [customer, truth] of truths) {
    const list = lists.get(customer) ?? [];
    acc.c++;
    acc.r += recallAt(list, truth.all, k);
    acc.n += ndcgAt(list, truth.all, k);
    if (truth.repeat.size > 0) {
      acc.cr++;
      acc.rr += recallAt(list, truth.repeat, k);
      acc.nr += ndcgAt(list, truth.repeat, k);
    }
    if (truth.fresh.size > 0) {
      acc.cn++;
      acc.rn += recallAt(list, truth.fresh, k);
      acc.nn += ndcgAt(list, truth.fresh, k);
    }
  }
  const mean = (x: number, n: number) => (n === 0 ? null : x / n);
  return {
    recall: mean(acc.r, acc.c) ?? 0,
    ndcg: mean(acc.n, acc.c) ?? 0,
    recallRepeat: mean(acc.rr, acc.cr),
    ndcgRepeat: mean(acc.nr, acc.cr),
    recallNew: mean(acc.rn, acc.cn),
    ndcgNew: mean(acc.nn, acc.cn),
  };
}
