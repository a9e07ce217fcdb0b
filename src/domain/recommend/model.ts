/**
 * Recommendations (issue 18): the wire types shared by the store, the use cases and every
 * transport, and the blend's parameters. Pure: no I/O.
 */
import { z } from 'zod';

/** Why an item is on a list. Each kind renders in vi and en (reason-text.ts). */
export const REASON_KINDS = [
  'repeat',
  'together',
  'category',
  'popular',
  'viewed',
  'trending',
  'cross_shop',
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

/** A reason with what its text names: the item it was bought with, the rhythm, the category. */
export const reasonSchema = z.object({
  kind: z.enum(REASON_KINDS),
  /** together: the SKU of the customer's item it is bought with (and its title when known). */
  sku: z.string().optional(),
  title: z.string().optional(),
  /** repeat: the customer's own interval (or the product's) in days. */
  days: z.number().optional(),
  /** category / cross_shop: the category of interest. */
  category: z.string().optional(),
  /** cross_shop: the partner shop the product comes from. */
  partnerShopId: z.string().optional(),
  /** True when the shop has too few orders for personal picks and the list falls back. */
  fallback: z.boolean(),
  /** The reason as text in the language asked for. */
  text: z.string(),
});
export type Reason = z.infer<typeof reasonSchema>;

/** One recommended product. */
export const recommendedItemSchema = z.object({
  rank: z.number().int(),
  sku: z.string(),
  title: z.string(),
  category: z.string().nullable(),
  price: z.number().nullable(),
  imageUrl: z.string().nullable(),
  score: z.number(),
  reason: reasonSchema,
});
export type RecommendedItem = z.infer<typeof recommendedItemSchema>;

/**
 * The weights of the personal blend: score = repeat·r + together·c + category·g + popular·p, each
 * component scaled to 0–1 per customer. `nonReplenishable` scales the repeat part of a product
 * the customer bought that is not replenishable; `justBoughtDays` hides such a product for that
 * long after the purchase. Half-life of the time decay in days. The defaults were chosen on the
 * demo shop on an earlier split than the one `nurture recommend evaluate` reports
 * (docs/recommend.md, Evaluation).
 */
export const blendWeightsSchema = z.object({
  repeat: z.number().min(0).max(10),
  together: z.number().min(0).max(10),
  category: z.number().min(0).max(10),
  popular: z.number().min(0).max(10),
  nonReplenishable: z.number().min(0).max(1),
  halfLifeDays: z.number().min(1).max(3650),
  justBoughtDays: z.number().int().min(0).max(3650),
});
export type BlendWeights = z.infer<typeof blendWeightsSchema>;

export const DEFAULT_BLEND: BlendWeights = {
  repeat: 1,
  together: 0.6,
  category: 0.25,
  popular: 0.1,
  nonReplenishable: 0.3,
  halfLifeDays: 120,
  justBoughtDays: 90,
};

/**
 * A shop below these counts of customers with orders or of valid orders is "small": its lists
 * lean on category and popularity, and the reasons say so.
 */
export const SMALL_SHOP = { customers: 200, orders: 400 } as const;

/** Sizes of the precomputed lists. */
export const LIST_SIZES = {
  /** Items kept per customer and list. */
  personal: 20,
  /** Neighbours kept per product (pairs of each kind). */
  neighbours: 20,
  /** A customer's most recent distinct products that count for the co-occurrence. */
  recentItems: 10,
  /** A customer's most recent distinct products whose neighbours their list draws on. */
  recentForPersonal: 3,
  /** Entries of each popular list (per category and overall). */
  popular: 50,
} as const;

/**
 * The weights a shop's data supports: below SMALL_SHOP customers, co-occurrence (which needs many
 * customers to tell a pattern from chance) counts in proportion to the customers there are, so
 * that category and popularity fill the list, and the reasons say so.
 */
export function effectiveBlend(w: BlendWeights, customers: number): BlendWeights {
  if (customers >= SMALL_SHOP.customers) return w;
  return { ...w, together: (w.together * Math.max(0, customers)) / SMALL_SHOP.customers };
}
