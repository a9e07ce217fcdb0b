/**
 * Wire types of replenishment (issue 18): a product's learned reorder cycle with its evidence,
 * and one customer's predicted next purchase of a product. One zod schema per type gives the TS
 * type, the API's validation and its OpenAPI description.
 */
import { z } from 'zod';

/**
 * When the evidence clears the thresholds, a product is replenishable; otherwise the first
 * reason that failed, in this order.
 */
export const NOT_REPLENISHABLE_REASONS = [
  /** The seller set the product (or its category) as not a consumable. */
  'marked_not_consumable',
  /** Fewer buyers than `minBuyers`, for the product and for its category. */
  'too_few_buyers',
  /** Fewer customers who bought it twice than `minRepeatBuyers`, for the product and its category. */
  'too_few_repeat_buyers',
  /** The share of buyers who buy it again is below `minRepeatProbability`. */
  'rarely_rebought',
] as const;
export type NotReplenishableReason = (typeof NOT_REPLENISHABLE_REASONS)[number];

/** Where a product's cycle comes from: its own repeat buyers, its category's (backoff), or nowhere. */
export const CYCLE_SOURCES = ['product', 'category', 'none'] as const;
export type CycleSource = (typeof CYCLE_SOURCES)[number];

/** Regular (Erlang-like, k ≥ regularShape), Poisson-like, or too few customers with two intervals to say. */
export const PURCHASE_PATTERNS = ['regular', 'poisson_like', 'unknown'] as const;
export type PurchasePattern = (typeof PURCHASE_PATTERNS)[number];

/** The documented thresholds (docs/recommend.md, "Reorder cycles"). */
export const replenishThresholdsSchema = z.object({
  /** Buyers a product needs for its own repeat probability (else its category's is used). */
  minBuyers: z.number().int().min(1).default(10),
  /** Customers with at least two purchases a product needs for its own cycle (else its category's). */
  minRepeatBuyers: z.number().int().min(1).default(5),
  /** The share of buyers who buy again that makes a product replenishable. */
  minRepeatProbability: z.number().min(0).max(1).default(0.2),
  /** A Wheat–Morrison shape at or above this calls purchases regular. */
  regularShape: z.number().min(1).default(2),
});
export type ReplenishThresholds = z.infer<typeof replenishThresholdsSchema>;
export const DEFAULT_REPLENISH_THRESHOLDS: ReplenishThresholds = replenishThresholdsSchema.parse({});

/** How a customer's due date is read off their predictive distribution. */
export const replenishTimingSchema = z.object({
  /** The probability of having bought again that the predicted date marks. */
  level: z.number().gt(0).lt(1).default(0.5),
  /** Days before the predicted date that the reminder is due. */
  leadDays: z.number().int().min(0).max(60).default(2),
});
export type ReplenishTiming = z.infer<typeof replenishTimingSchema>;
export const DEFAULT_REPLENISH_TIMING: ReplenishTiming = replenishTimingSchema.parse({});

export const histogramBinSchema = z.object({
  fromDays: z.number(),
  toDays: z.number(),
  count: z.number().int(),
});

/** One product's reorder cycle and the evidence behind it. */
export const productCycleSchema = z.object({
  sku: z.string(),
  category: z.string().nullable(),
  /** Customers who bought it in a valid order. */
  buyers: z.number().int(),
  /** Customers who bought it in two or more valid orders (a day apart at least). */
  repeatBuyers: z.number().int(),
  /** repeatBuyers / buyers (the category's when the product backs off to it). */
  repeatProbability: z.number().nullable(),
  /** Intervals between purchases observed (days per unit bought). */
  intervals: z.number().int(),
  /** The median interval per unit, each customer weighing the same (quartiles beside it). */
  medianIntervalDays: z.number().nullable(),
  p25IntervalDays: z.number().nullable(),
  p75IntervalDays: z.number().nullable(),
  /** The cycle μ_p: the median over customers of their own mean interval (median-corrected), days per unit. */
  cycleDays: z.number().nullable(),
  /** 95 % interval of cycleDays. */
  cycleLowDays: z.number().nullable(),
  cycleHighDays: z.number().nullable(),
  /** Wheat–Morrison regularity k (1: Poisson-like). */
  regularity: z.number().nullable(),
  pattern: z.enum(PURCHASE_PATTERNS),
  /** Prior strength n0 (pseudo-intervals) of the customer-level shrinkage. */
  priorIntervals: z.number(),
  source: z.enum(CYCLE_SOURCES),
  replenishable: z.boolean(),
  reason: z.enum(NOT_REPLENISHABLE_REASONS).nullable(),
  histogram: z.array(histogramBinSchema),
});
export type ProductCycle = z.infer<typeof productCycleSchema>;

/** One customer's predicted next purchase of one replenishable product. */
export const customerReplenishmentSchema = z.object({
  customerId: z.string(),
  sku: z.string(),
  /** Valid orders with the product (a day apart at least) and the intervals between them. */
  purchases: z.number().int(),
  lastPurchaseAt: z.date(),
  lastQuantity: z.number().int(),
  /** The customer's rhythm (days per unit) shrunk toward the product's cycle. */
  intervalDays: z.number(),
  /** When P(bought again) reaches the level, as an instant and as a shop day. */
  predictedAt: z.date(),
  /** predictedAt minus the lead time, as a shop calendar day (YYYY-MM-DD). */
  dueDay: z.string(),
});
export type CustomerReplenishment = z.infer<typeof customerReplenishmentSchema>;
