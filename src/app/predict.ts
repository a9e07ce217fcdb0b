import { z } from 'zod';
import type { Shop } from '../domain/model/index.js';
import { shopSchema } from '../domain/model/shop.js';
import { type PredictResult, predictShop } from '../store/clv/predict-shop.js';
import { type RefreshMembershipResult, refreshAllSegments } from '../store/segments/index.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const bounded = (min: number, max: number) =>
  z.number().refine((v) => Number.isFinite(v) && v >= min && v <= max, `must be between ${min} and ${max}`);

/** `nurture predict` and `POST /api/v1/predictions`: what to fit and how. */
export const predictInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  /** Predict as of the end of this day in the shop's time zone (default: today). */
  asOf: day.optional(),
  /** 'auto': the candidate with the best holdout log score on the shop's own history; or one forced. */
  model: z.enum(['auto', 'bgnbd', 'mbgnbd', 'pnbd', 'nbd']).default('auto'),
  unit: z.enum(['day', 'week']).default('day'),
  prior: z.enum(['auto', 'on', 'off']).default('auto'),
  penalizer: bounded(0, 1e6).default(0),
  clvMonths: z.number().int().min(1).max(1200).default(12),
  discountRate: bounded(0, 9).default(0.01),
  margin: bounded(0, 1).default(1),
  /** With it, also the calibration/holdout validation from this day on. */
  holdoutFrom: day.optional(),
});
export type PredictInput = z.input<typeof predictInputSchema>;

export interface PredictOutcome {
  result: PredictResult;
  shop: Shop;
  membership: RefreshMembershipResult;
}

/**
 * Fits the CLV models on the shop's valid orders and writes every customer's predictions; then
 * every segment follows them (segments on p_alive, predicted_clv…), as of the end of the
 * prediction's day or now, whichever is earlier (no stay begins in the future).
 */
export async function predict(ctx: AppContext, input: PredictInput): Promise<PredictOutcome> {
  const valid = parseInput(predictInputSchema, input);
  const { store } = ctx;
  const shop = await store.requireShop(valid.shopId);
  const now = ctx.clock.now();
  const result = await predictShop(store, {
    shopId: valid.shopId,
    model: valid.model,
    unit: valid.unit,
    prior: valid.prior,
    penalizer: valid.penalizer,
    clvMonths: valid.clvMonths,
    discountRate: valid.discountRate,
    margin: valid.margin,
    now,
    newRunId: () => ctx.newId('pred'),
    ...(valid.asOf ? { asOf: valid.asOf } : {}),
    ...(valid.holdoutFrom ? { holdoutFrom: valid.holdoutFrom } : {}),
  });
  const asOf = new Date(Math.min(now.getTime(), Date.parse(result.predictedAsOf)));
  const membership = await refreshAllSegments(store, valid.shopId, asOf);
  return { result, shop, membership };
}
