/**
 * `nurture recommend evaluate` (issue 18, item 3): hold out each customer's orders after a split
 * (or their last order), recompute the recommender on what remains with the very SQL the shop
 * serves (scope `eval`, in a transaction that is rolled back), and score its lists against the
 * held-out products beside three baselines computed in the same run: global popularity, personal
 * top-frequency and TIFU-KNN (small shops). recall@k and NDCG@k, split into repeat and new items.
 */
import { z } from 'zod';
import { shopSchema } from '../domain/model/shop.js';
import { type Basket, fill, TIFU_DEFAULTS, tifuKnn, topFrequency } from '../domain/recommend/baselines.js';
import { type MethodScores, scoreLists, type Truth } from '../domain/recommend/metrics.js';
import {
  type BlendWeights,
  blendWeightsSchema,
  DEFAULT_BLEND,
  effectiveBlend,
} from '../domain/recommend/model.js';
import { NurtureError } from '../errors.js';
import {
  evalLists,
  heldOut,
  popularByBuyers,
  trainingBaskets,
  trainingCustomers,
} from '../store/recommend/evaluation.js';
import { scorePersonal } from '../store/recommend/personal.js';
import { type Holdout, recomputeModel } from '../store/recommend/recompute.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

export const METHODS = ['nurture', 'top_frequency', 'popularity', 'tifu_knn'] as const;
export type Method = (typeof METHODS)[number];

export const evaluateInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  /** Hold out the orders from this instant on; without it, each customer's last order. */
  splitAt: z.coerce.date().optional(),
  /** Cut-offs of the lists. */
  ks: z.array(z.number().int().min(1).max(50)).min(1).max(5).default([10, 20]),
  /** Evaluate at most this many customers (a deterministic sample by id). */
  maxCustomers: z.number().int().min(10).max(1_000_000).default(20_000),
  /** TIFU-KNN runs when the training customers are at most this many. */
  tifuMaxCustomers: z.number().int().min(0).max(200_000).default(5_000),
  weights: blendWeightsSchema.partial().optional(),
  /**
   * Choose the blend's weights on an earlier split (as far before the split as the held-out
   * period is long) and report them on the requested split. Needs `splitAt`.
   */
  tune: z.boolean().default(false),
});
export type EvaluateInput = z.input<typeof evaluateInputSchema>;

export interface MethodResult {
  method: Method;
  /** By k. */
  at: Record<string, MethodScores>;
}

export interface EvaluationResult {
  shopId: string;
  holdout: { kind: 'split'; splitAt: string } | { kind: 'last_order' };
  trainingCustomers: number;
  evaluatedCustomers: number;
  /** Share of customers evaluated (1 = all). */
  sample: number;
  heldOutItems: number;
  /** Share of held-out (customer, product) pairs the customer had bought before. */
  repeatShare: number;
  ks: number[];
  methods: MethodResult[];
  /** Why TIFU-KNN is missing, if it is. */
  tifuSkipped: string | null;
  weights: BlendWeights;
  tuning: { splitAt: string; candidates: number; recallAtFirstK: number } | null;
  seconds: number;
}

interface RunOptions {
  holdout: Exclude<Holdout, { kind: 'none' }>;
  end: Date;
  ks: number[];
  maxCustomers: number;
  tifuMaxCustomers: number;
}

/** Runs the evaluation (in a scratch transaction: nothing it computes stays). */
export async function evaluateRecommendations(
  ctx: AppContext,
  input: EvaluateInput,
): Promise<EvaluationResult> {
  const q = parseInput(evaluateInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  if (q.tune && q.splitAt === undefined) throw new NurtureError('invalid_input', '--tune needs --split-at');
  const started = Date.now();
  const end = ctx.clock.now();
  const ks = [...new Set(q.ks)].sort((a, b) => a - b);
  const base: BlendWeights = { ...DEFAULT_BLEND, ...q.weights };
  return ctx.store.scratch(async (tx) => {
    let weights = base;
    let tuning: EvaluationResult['tuning'] = null;
    if (q.tune && q.splitAt !== undefined) {
      const horizon = end.getTime() - q.splitAt.getTime();
      const tuneSplit = new Date(q.splitAt.getTime() - horizon);
      const opts = { end: q.splitAt, ks, maxCustomers: q.maxCustomers, tifuMaxCustomers: 0 };
      const holdout = { kind: 'split', at: tuneSplit } as const;
      const prepared = await prepare(tx, q.shopId, { ...opts, holdout }, base);
      let best = { weights: base, recall: -1 };
      const grid = candidates(base);
      for (const w of grid) {
        const r = await scoreNurture(tx, q.shopId, prepared, w, ks);
        const recall = r.at[String(ks[0])]?.recall ?? 0;
        if (recall > best.recall) best = { weights: w, recall };
      }
      weights = best.weights;
      tuning = { splitAt: tuneSplit.toISOString(), candidates: grid.length, recallAtFirstK: best.recall };
    }
    const holdout: RunOptions['holdout'] =
      q.splitAt !== undefined ? { kind: 'split', at: q.splitAt } : { kind: 'last_order' };
    const opts: RunOptions = {
      holdout,
      end,
      ks,
      maxCustomers: q.maxCustomers,
      tifuMaxCustomers: q.tifuMaxCustomers,
    };
    const prepared = await prepare(tx, q.shopId, opts, weights);
    if (prepared.truths.size === 0)
      throw new NurtureError(
        'not_enough_data',
        'no customer has orders both before and after the split: nothing to evaluate',
      );
    const methods: MethodResult[] = [await scoreNurture(tx, q.shopId, prepared, weights, ks)];
    const maxK = ks[ks.length - 1] ?? 10;
    const customers = [...prepared.truths.keys()];
    const topFreq = new Map(
      customers.map((c) => [c, topFrequency(prepared.baskets.get(c) ?? [], prepared.popular, maxK)]),
    );
    methods.push(at('top_frequency', topFreq, prepared.truths, ks));
    methods.push(
      at(
        'popularity',
        new Map(customers.map((c) => [c, prepared.popular.slice(0, maxK)])),
        prepared.truths,
        ks,
      ),
    );
    let tifuSkipped: string | null = null;
    if (prepared.trainingCustomers <= q.tifuMaxCustomers) {
      const all = await trainingBaskets(tx, q.shopId, 1);
      methods.push(
        at('tifu_knn', tifuKnn(all, customers, maxK, prepared.popular, TIFU_DEFAULTS), prepared.truths, ks),
      );
    } else
      tifuSkipped = `${prepared.trainingCustomers} training customers, more than ${q.tifuMaxCustomers} (--tifu-max)`;
    let items = 0;
    let repeat = 0;
    for (const t of prepared.truths.values()) {
      items += t.all.size;
      repeat += t.repeat.size;
    }
    return {
      shopId: q.shopId,
      holdout:
        holdout.kind === 'split'
          ? { kind: 'split', splitAt: holdout.at.toISOString() }
          : { kind: 'last_order' },
      trainingCustomers: prepared.trainingCustomers,
      evaluatedCustomers: prepared.truths.size,
      sample: prepared.sample,
      heldOutItems: items,
      repeatShare: items === 0 ? 0 : repeat / items,
      ks,
      methods,
      tifuSkipped,
      weights,
      tuning,
      seconds: (Date.now() - started) / 1000,
    };
  });
}

interface Prepared {
  asOf: Date;
  sample: number;
  trainingCustomers: number;
  truths: Map<string, Truth>;
  baskets: Map<string, Basket[]>;
  popular: string[];
  maxK: number;
}

/** Recomputes the eval scope's model on the training orders and reads truths and baskets. */
async function prepare(tx: Store, shopId: string, o: RunOptions, weights: BlendWeights): Promise<Prepared> {
  const asOf = o.holdout.kind === 'split' ? o.holdout.at : o.end;
  await recomputeModel(tx.engine, shopId, {
    scope: 'eval',
    asOf,
    holdout: o.holdout,
    halfLifeDays: weights.halfLifeDays,
  });
  const trainingCustomersCount = await trainingCustomers(tx, shopId);
  const sample = trainingCustomersCount <= o.maxCustomers ? 1 : o.maxCustomers / trainingCustomersCount;
  const held = await heldOut(tx, shopId, o.holdout, o.end, sample);
  const baskets = await trainingBaskets(tx, shopId, sample);
  const truths = new Map<string, Truth>();
  const grouped = new Map<string, string[]>();
  for (const h of held) {
    const list = grouped.get(h.customerId) ?? [];
    list.push(h.sku);
    grouped.set(h.customerId, list);
  }
  for (const [c, skus] of grouped) {
    const before = new Set((baskets.get(c) ?? []).flatMap((b) => b.skus));
    truths.set(c, {
      all: new Set(skus),
      repeat: new Set(skus.filter((s) => before.has(s))),
      fresh: new Set(skus.filter((s) => !before.has(s))),
    });
  }
  const maxK = o.ks[o.ks.length - 1] ?? 10;
  // Popularity over the sample's baskets would differ from the shop's: read it from all lines.
  const popular = await popularByBuyers(tx, shopId, Math.max(50, maxK));
  return { asOf, sample, trainingCustomers: trainingCustomersCount, truths, baskets, popular, maxK };
}

async function scoreNurture(
  tx: Store,
  shopId: string,
  p: Prepared,
  weights: BlendWeights,
  ks: number[],
): Promise<MethodResult> {
  await scorePersonal(tx.engine, shopId, {
    scope: 'eval',
    asOf: p.asOf,
    weights: effectiveBlend(weights, p.trainingCustomers),
    limit: p.maxK,
    sample: p.sample,
  });
  const lists = await evalLists(tx, shopId, p.sample);
  // A customer whose every candidate was filtered out gets the popular list, as the API does.
  for (const c of p.truths.keys()) lists.set(c, fill(lists.get(c) ?? [], p.popular, p.maxK));
  return at('nurture', lists, p.truths, ks);
}

function at(
  method: Method,
  lists: Map<string, string[]>,
  truths: Map<string, Truth>,
  ks: number[],
): MethodResult {
  return { method, at: Object.fromEntries(ks.map((k) => [String(k), scoreLists(lists, truths, k)])) };
}

/** The tuning grid around the base weights: the together, category and popular parts. */
function candidates(base: BlendWeights): BlendWeights[] {
  const out: BlendWeights[] = [];
  for (const together of [0.2, 0.4, 0.6, 1])
    for (const category of [0, 0.25, 0.5])
      for (const nonReplenishable of [0.1, 0.3, 0.6])
        out.push({ ...base, together, category, nonReplenishable });
  return out;
}
