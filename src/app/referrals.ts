/**
 * Referrals as the seller reads them (the list with refusals and their reasons, the KPIs), and
 * referral visits from the storefront: who arrived with `?ref=CODE`. Written by the tracking
 * intake (`writeCalls`, a `Referral Link Opened` call); read here, by the visitor's anonymous id
 * or by the customer it was linked to, for the loyalty rules that attach a code to an order.
 */
import { z } from 'zod';
import { shopSchema } from '../domain/model/shop.js';
import {
  REFERRAL_STATES,
  REFUSAL_REASONS,
  REFUSAL_TEXT,
  type ReferralSource,
  type ReferralState,
  type RefusalReason,
} from '../domain/referrals.js';
import { findReferralVisits, type ReferralVisit } from '../store/referrals/index.js';
import { listReferralRows, referralKpiRows } from '../store/referrals/list.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

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

export const listReferralsInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  state: z.enum(REFERRAL_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** A referral as the CLI, the API and the dashboard show it. */
export interface ReferralView {
  friendId: string;
  friendName: string | null;
  referrerId: string | null;
  referrerName: string | null;
  code: string | null;
  source: ReferralSource;
  state: ReferralState;
  /** Why it was refused or cancelled (a code of REFUSAL_REASONS), else null. */
  reason: RefusalReason | null;
  /** The reason in words, vi and en. */
  reasonText: { vi: string; en: string } | null;
  orderId: string | null;
  attributedAt: Date;
  deliveredAt: Date | null;
  rewardDueAt: Date | null;
  decidedAt: Date | null;
}

const isReason = (r: string | null): r is RefusalReason =>
  r !== null && (REFUSAL_REASONS as readonly string[]).includes(r);

/** The shop's referrals, newest first, refused and cancelled ones with their reasons. */
export async function listReferrals(
  ctx: AppContext,
  input: z.input<typeof listReferralsInputSchema>,
): Promise<{ referrals: ReferralView[]; shop: { currency: string; timezone: string } }> {
  const q = parseInput(listReferralsInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const rows = await listReferralRows(ctx.store, q.shopId, { state: q.state, limit: q.limit });
  return {
    shop: { currency: shop.currency, timezone: shop.timezone },
    referrals: rows.map((r) => {
      const reason = isReason(r.reason) ? r.reason : null;
      return { ...r, reason, reasonText: reason ? REFUSAL_TEXT[reason] : null };
    }),
  };
}

/** The programme's KPIs (seed 000: revenue per referred customer). */
export interface ReferralKpis {
  /** Friends attributed and not refused or cancelled. */
  referredCustomers: number;
  converted: number;
  refused: number;
  /** Valid revenue of the referred customers over their count (0 without any). */
  revenuePerReferredCustomer: number;
  /** Referrers with a converted referral. */
  referrers: number;
  /** Their share (0–1) of the shop's valid revenue. */
  referrersShareOfRevenue: number;
}

/** The KPIs from the current customer stats (the after-orders pipeline keeps them). */
export async function referralKpis(ctx: AppContext, input: { shopId: string }): Promise<ReferralKpis> {
  await ctx.store.requireShop(input.shopId);
  const k = await referralKpiRows(ctx.store, input.shopId);
  return {
    referredCustomers: k.referred,
    converted: k.converted,
    refused: k.refused,
    revenuePerReferredCustomer: k.referred > 0 ? Math.round(k.referredRevenue / k.referred) : 0,
    referrers: k.referrers,
    referrersShareOfRevenue: k.totalRevenue > 0 ? k.referrersRevenue / k.totalRevenue : 0,
  };
}
