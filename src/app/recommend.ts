/**
 * Recommendations (issue 18, item 2 and 4): the recompute, and the lists a seller, the API, the
 * widget, the messages and the dashboard read. The CLI (`nurture recommend …`), the API
 * (`/api/v1/customers/{id}/recommendations`, `/api/v1/products/{sku}/together`,
 * `/api/v1/products/popular`), the Liquid variable `recommendations` and the pages call these.
 */
import { z } from 'zod';
import { shopSchema } from '../domain/model/shop.js';
import {
  type BlendWeights,
  blendWeightsSchema,
  DEFAULT_BLEND,
  effectiveBlend,
  LIST_SIZES,
  type RecommendedItem,
} from '../domain/recommend/model.js';
import { type Lang, reasonOf } from '../domain/recommend/reason-text.js';
import { NurtureError } from '../errors.js';
import { scoreCrossShop, scorePersonal } from '../store/recommend/personal.js';
import {
  bundlesOf,
  exportPersonal,
  listsOfCustomers,
  type PopularKind,
  pairsOf,
  popularList,
  productsBySku,
  readRun,
  type StoredItem,
  writeRun,
} from '../store/recommend/read.js';
import { recomputeModel } from '../store/recommend/recompute.js';
import { customerLists } from '../store/recommend/serve.js';
import { listLinks, setExcluded, setLink } from '../store/recommend/settings.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

const shopId = shopSchema.shape.shopId;
const lang = z.enum(['vi', 'en']).default('vi');
const sku = z.string().min(1).max(200);

export const recomputeInputSchema = z.object({
  shopId,
  asOf: z.coerce.date().optional(),
  weights: blendWeightsSchema.partial().optional(),
  /** Items kept per customer (default LIST_SIZES.personal). */
  limit: z.number().int().min(1).max(50).optional(),
});

/** What a recompute did. */
export interface RecomputeResult {
  shopId: string;
  asOf: string;
  customers: number;
  orders: number;
  lines: number;
  small: boolean;
  listed: number;
  seconds: number;
}

/**
 * Recomputes the shop's live recommendations in one transaction: the model (products, popular
 * lists, pair rules, bundles), every customer's list and the cross-shop lists.
 */
export async function recomputeRecommendations(
  ctx: AppContext,
  input: z.input<typeof recomputeInputSchema>,
): Promise<RecomputeResult> {
  const q = parseInput(recomputeInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const asOf = q.asOf ?? ctx.clock.now();
  const weights: BlendWeights = { ...DEFAULT_BLEND, ...q.weights };
  const started = Date.now();
  const summary = await ctx.store.transaction(async (tx) => {
    const s = await recomputeModel(tx.engine, q.shopId, {
      scope: 'live',
      asOf,
      holdout: { kind: 'none' },
      halfLifeDays: weights.halfLifeDays,
    });
    await scorePersonal(tx.engine, q.shopId, {
      scope: 'live',
      asOf,
      weights: effectiveBlend(weights, s.customers),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
    });
    await scoreCrossShop(tx.engine, q.shopId, asOf, weights);
    await writeRun(tx, q.shopId, 'live', {
      computedAt: ctx.clock.now(),
      asOf,
      customers: s.customers,
      orders: s.orders,
      lines: s.lines,
      small: s.small,
      weights: JSON.stringify(weights),
    });
    return s;
  });
  return {
    shopId: q.shopId,
    asOf: asOf.toISOString(),
    ...summary,
    listed: summary.customers,
    seconds: (Date.now() - started) / 1000,
  };
}

function itemOf(s: StoredItem, fallback: boolean, l: Lang, rank = s.rank): RecommendedItem {
  const kind = s.reason as RecommendedItem['reason']['kind'];
  return {
    rank,
    sku: s.sku,
    title: s.title,
    category: s.category,
    price: s.price,
    imageUrl: s.imageUrl,
    score: Math.round(s.score * 1e6) / 1e6,
    reason: reasonOf(
      {
        kind,
        fallback,
        ...(s.reasonSku !== null ? { sku: s.reasonSku } : {}),
        ...(s.reasonTitle !== null ? { title: s.reasonTitle } : {}),
        ...(s.reasonDays !== null ? { days: s.reasonDays } : {}),
        ...(s.reasonCategory !== null ? { category: s.reasonCategory } : {}),
        ...(s.partnerShopId !== null ? { partnerShopId: s.partnerShopId } : {}),
      },
      l,
    ),
  };
}

export const personalInputSchema = z.object({
  shopId,
  customerId: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(LIST_SIZES.personal).default(10),
  lang,
});

/** One customer's recommendations. */
export interface PersonalRecommendations {
  customerId: string;
  /** When the lists were computed (null: never; the list is the shop's popular products). */
  computedAt: string | null;
  /** True when the shop is small or the customer has no list: popularity and category fill in. */
  fallback: boolean;
  items: RecommendedItem[];
  /** Products of the seller's linked shops (only with the customer's marketing consent). */
  crossShop: RecommendedItem[];
}

/**
 * A customer's "for you" list, best first; a customer without a list (no orders yet, or before
 * the first recompute) gets the shop's most bought products, and the reason says so.
 */
export async function personalRecommendations(
  ctx: AppContext,
  input: z.input<typeof personalInputSchema>,
): Promise<PersonalRecommendations> {
  const q = parseInput(personalInputSchema, input);
  const lists = await customerLists(ctx.store, q.shopId, q.customerId);
  if (lists === undefined) throw new NurtureError('not_found', `no customer ${q.customerId}`);
  const small = lists.run?.small ?? true;
  const own = lists.personal.slice(0, q.limit);
  let items = own.map((s, i) => itemOf(s, small, q.lang, i + 1));
  if (items.length < q.limit) {
    const has = new Set(items.map((i) => i.sku));
    const popular = await popularList(ctx.store, q.shopId, 'bought', '', LIST_SIZES.popular);
    const fill = popular.filter((p) => !has.has(p.sku)).slice(0, q.limit - items.length);
    items = [...items, ...fill.map((s, i) => itemOf(s, true, q.lang, items.length + i + 1))];
  }
  return {
    customerId: q.customerId,
    computedAt: lists.run?.computedAt.toISOString() ?? null,
    fallback: small || own.length === 0,
    items,
    crossShop: lists.crossShop.slice(0, q.limit).map((s, i) => itemOf(s, false, q.lang, i + 1)),
  };
}

export const togetherInputSchema = z.object({
  shopId,
  sku,
  limit: z.number().int().min(1).max(LIST_SIZES.neighbours).default(5),
  lang,
});

/** A rule "bought together" with its measures. */
export interface TogetherItem extends RecommendedItem {
  together: number;
  support: number;
  confidence: number;
  lift: number;
  /** The confidence leans on the category-level rule (few orders of this product). */
  shrunk: boolean;
}

/** A bundle suggestion: the product with its strongest companions and their combined price. */
export interface Bundle {
  skus: string[];
  titles: string[];
  combinedPrice: number | null;
  together: number;
  lift: number;
}

/** A product's companions and bundle (`boughtTogether`). */
export interface BoughtTogether {
  sku: string;
  title: string;
  items: TogetherItem[];
  bundle: Bundle | null;
}

/**
 * The products bought in the same order as `sku` (pair rules with lift > 1) and a bundle: the
 * strongest triple with it (else the product and its first companion) with the combined price.
 */
export async function boughtTogether(
  ctx: AppContext,
  input: z.input<typeof togetherInputSchema>,
): Promise<BoughtTogether> {
  const q = parseInput(togetherInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const [self] = [...(await productsBySku(ctx.store, q.shopId, [q.sku])).values()];
  if (self === undefined) throw new NurtureError('not_found', `no product with SKU ${q.sku}`);
  const run = await readRun(ctx.store, q.shopId);
  const pairs = await pairsOf(ctx.store, q.shopId, q.sku, q.limit);
  const items = pairs.map((p) => ({
    ...itemOf(p, false, q.lang),
    together: p.together,
    support: p.support,
    confidence: p.confidence,
    lift: p.lift,
    shrunk: p.shrunk || (run?.small ?? false),
  }));
  const [triple] = await bundlesOf(ctx.store, q.shopId, q.sku, 1);
  const first = pairs[0];
  const skus = triple ? [q.sku, ...triple.skus.filter((s) => s !== q.sku)] : first ? [q.sku, first.sku] : [];
  let bundle: Bundle | null = null;
  if (skus.length > 0) {
    const products = await productsBySku(ctx.store, q.shopId, skus);
    const parts = skus.map((s) => products.get(s));
    if (parts.every((p) => p?.available)) {
      const prices = parts.map((p) => p?.price ?? null);
      bundle = {
        skus,
        titles: parts.map((p, i) => p?.title ?? skus[i] ?? ''),
        combinedPrice: prices.every((p) => p !== null)
          ? prices.reduce<number>((a, p) => a + (p ?? 0), 0)
          : null,
        together: triple?.together ?? first?.together ?? 0,
        lift: triple?.lift ?? first?.lift ?? 0,
      };
    }
  }
  return { sku: q.sku, title: self.title, items, bundle };
}

export const popularInputSchema = z.object({
  shopId,
  kind: z.enum(['bought', 'viewed', 'trending']).default('bought'),
  category: z.string().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(LIST_SIZES.popular).default(10),
  lang,
});

/** The most bought, most viewed or trending products, of the shop or of one category. */
export async function popularProducts(
  ctx: AppContext,
  input: z.input<typeof popularInputSchema>,
): Promise<{ kind: PopularKind; category: string | null; items: (RecommendedItem & { events: number })[] }> {
  const q = parseInput(popularInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const run = await readRun(ctx.store, q.shopId);
  const rows = await popularList(ctx.store, q.shopId, q.kind, q.category ?? '', q.limit);
  return {
    kind: q.kind,
    category: q.category ?? null,
    items: rows.map((r, i) => ({ ...itemOf(r, run?.small ?? false, q.lang, i + 1), events: r.events })),
  };
}

export const exportInputSchema = z.object({
  shopId,
  customerId: z.string().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(LIST_SIZES.personal).default(10),
  lang,
});

/** One row of `nurture recommend personal`'s CSV/JSON. */
export interface PersonalRow {
  customer_id: string;
  external_id: string;
  rank: number;
  sku: string;
  score: number;
  reason: string;
}

/** Every customer's (or one customer's) personal list as rows, ranks renumbered after filters. */
export async function personalRows(
  ctx: AppContext,
  input: z.input<typeof exportInputSchema>,
): Promise<PersonalRow[]> {
  const q = parseInput(exportInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  if (q.customerId !== undefined) {
    const r = await personalRecommendations(ctx, {
      shopId: q.shopId,
      customerId: q.customerId,
      limit: q.limit,
      lang: q.lang,
    });
    const [ext] = await exportPersonal(ctx.store, q.shopId, 1, q.customerId);
    return r.items.map((i) => ({
      customer_id: q.customerId ?? '',
      external_id: ext?.externalId ?? '',
      rank: i.rank,
      sku: i.sku,
      score: i.score,
      reason: i.reason.text,
    }));
  }
  const run = await readRun(ctx.store, q.shopId);
  const rows = await exportPersonal(ctx.store, q.shopId, LIST_SIZES.personal);
  const out: PersonalRow[] = [];
  let current = '';
  let rank = 0;
  for (const r of rows) {
    if (r.customerId !== current) {
      current = r.customerId;
      rank = 0;
    }
    if (++rank > q.limit) continue;
    const kind = r.reason as RecommendedItem['reason']['kind'];
    out.push({
      customer_id: r.customerId,
      external_id: r.externalId,
      rank,
      sku: r.sku,
      score: Math.round(r.score * 1e6) / 1e6,
      reason: reasonOf(
        {
          kind,
          fallback: run?.small ?? false,
          ...(r.reasonSku !== null ? { sku: r.reasonSku } : {}),
          ...(r.reasonTitle !== null ? { title: r.reasonTitle } : {}),
          ...(r.reasonDays !== null ? { days: r.reasonDays } : {}),
          ...(r.reasonCategory !== null ? { category: r.reasonCategory } : {}),
        },
        q.lang,
      ).text,
    });
  }
  return out;
}

export const excludeInputSchema = z.object({ shopId, sku, excluded: z.boolean().default(true) });

/** Keeps a product out of every recommendation (or lets it back in); applies at once. */
export async function excludeProduct(ctx: AppContext, input: z.input<typeof excludeInputSchema>) {
  const q = parseInput(excludeInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  await setExcluded(ctx.store, q.shopId, q.sku, q.excluded, ctx.clock.now());
  return { sku: q.sku, excluded: q.excluded };
}

export const linkInputSchema = z.object({ shopId, partnerShopId: shopId, linked: z.boolean().default(true) });

/**
 * The seller's opt-in for one pair of their shops: customers of `shopId` (those who gave
 * marketing consent) may be recommended `partnerShopId`'s products. One direction per call.
 */
export async function linkShops(ctx: AppContext, input: z.input<typeof linkInputSchema>) {
  const q = parseInput(linkInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  await ctx.store.requireShop(q.partnerShopId);
  if (q.partnerShopId === q.shopId)
    throw new NurtureError('invalid_input', 'a shop cannot be linked to itself');
  await setLink(ctx.store, q.shopId, q.partnerShopId, q.linked, ctx.clock.now());
  return { shopId: q.shopId, links: await listLinks(ctx.store, q.shopId) };
}

/** How many recommendations a message gets (the Liquid variable `recommendations`). */
export const MESSAGE_RECOMMENDATIONS = 5;

/** The personal lists of a batch of message recipients, for the Liquid variable `recommendations`. */
export async function recommendationsOf(
  ctx: AppContext,
  shopId: string,
  customerIds: readonly string[],
): Promise<Map<string, StoredItem[]>> {
  const out = new Map<string, StoredItem[]>();
  // Large batches in slices, to keep the IN lists short.
  for (let i = 0; i < customerIds.length; i += 500)
    for (const [c, list] of await listsOfCustomers(
      ctx.store,
      shopId,
      customerIds.slice(i, i + 500),
      MESSAGE_RECOMMENDATIONS,
    ))
      out.set(c, list);
  return out;
}
