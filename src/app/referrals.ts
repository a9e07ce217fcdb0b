/**
 * Referral visits from the storefront: who arrived with `?ref=CODE`. Written by the tracking
 * intake (`writeCalls`, a `Referral Link Opened` call); read here, by the visitor's anonymous id
 * or by the customer it was linked to, for the loyalty rules that attach a code to an order.
 */
import { z } from 'zod';
import { shopSchema } from '../domain/model/shop.js';
import { findReferralVisits, type ReferralVisit } from '../store/referrals/index.js';
import type { AppContext } from './context.js';

export const referralVisitsInputSchema = z.union([
  z.object({ shopId: shopSchema.shape.shopId, anonymousId: z.string().min(1) }),
  z.object({ shopId: shopSchema.shape.shopId, customerId: z.string().min(1) }),
]);

/** A visitor's (by anonymous id) or a customer's referral visits, oldest first. */
export async function referralVisits(
  ctx: AppContext,
  input: z.input<typeof referralVisitsInputSchema>,
): Promise<ReferralVisit[]> {
  const parsed = referralVisitsInputSchema.parse(input);
  const { shopId, ...who } = parsed;
  return findReferralVisits(ctx.store, shopId, who);
}
