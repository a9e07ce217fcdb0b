/**
 * The storefront widget's loyalty panel (docs/loyalty.md, "Widget loyalty panel"). The shop's own
 * pages know who is signed in; they sign the customer's id with the shop's `widget.customer_secret`
 * (src/domain/customer-token.ts, the same token as the widget's survey) and hand the token to the
 * widget, so a visitor can see and spend only their own points: a bare customer id is never accepted.
 */
import { z } from 'zod';
import { NurtureError } from '../../errors.js';
import { type Localized, tr } from '../../report/i18n.js';
import { ENTRY_REASON_TEXT, PENDING_WHY_TEXT } from '../../report/loyalty-text.js';
import type { AppContext } from '../context.js';
import { customerOfToken } from '../customer-tokens.js';
import { referralLinkOf } from '../referral-program.js';
import { pointsOf, redeemReward } from './points.js';

export const widgetLoyaltyInputSchema = z.object({
  shopId: z.string().min(1),
  token: z.string().min(1).max(400),
  lang: z.enum(['vi', 'en']).default('vi'),
});

/** What the panel shows, in the visitor's language. */
export interface WidgetLoyalty {
  balance: number;
  pending: { points: number; why: string }[];
  pendingTotal: number;
  tier: { id: string; name: string; perks: string[] };
  next: { name: string; missing: number; basis: 'spend' | 'points'; progress: number } | null;
  rewards: { id: string; name: string; cost: number; affordable: boolean }[];
  recent: { points: number; pending: number; reason: string; at: string }[];
  referral: { code: string; link: string | null };
  expiresAt: string | null;
}

/** `GET /t/v1/loyalty`: the signed-in customer's panel. */
export async function widgetLoyalty(
  ctx: AppContext,
  input: z.input<typeof widgetLoyaltyInputSchema>,
): Promise<WidgetLoyalty> {
  const q = widgetLoyaltyInputSchema.parse(input);
  const customerId = await customerOfToken(ctx, q.shopId, q.token);
  const p = await pointsOf(ctx, q.shopId, customerId, 10);
  if (!p.enabled) throw new NurtureError('not_found', 'the loyalty programme is off');
  const t = (l: Localized) => tr(l, q.lang);
  const { code, url: link } = await referralLinkOf(ctx, q.shopId, customerId);
  const currentThreshold = p.tier.threshold;
  return {
    balance: p.balance.points,
    pendingTotal: p.balance.pending,
    pending: p.pendingOrders.map((o) => ({ points: o.points, why: t(PENDING_WHY_TEXT[o.why]) })),
    tier: { id: p.tier.id, name: t(p.tier.name), perks: p.tier.perks.map(t) },
    next: p.next
      ? {
          name: t(p.next.tier.name),
          missing: p.next.missing,
          basis: p.basis,
          progress: Math.max(
            0,
            Math.min(
              1,
              (p.qualifying - currentThreshold) / Math.max(1, p.next.tier.threshold - currentThreshold),
            ),
          ),
        }
      : null,
    rewards: p.rewards.map((r) => ({ id: r.id, name: t(r.name), cost: r.cost, affordable: r.affordable })),
    recent: p.entries.map((e) => ({
      points: e.points,
      pending: e.pending,
      reason: t(ENTRY_REASON_TEXT[e.reason]),
      at: e.createdAt.toISOString(),
    })),
    referral: { code, link },
    expiresAt: p.expiresAt?.toISOString() ?? null,
  };
}

export const widgetRedeemInputSchema = widgetLoyaltyInputSchema.extend({
  reward: z.string().min(1).max(40),
  requestKey: z.string().min(1).max(100).optional(),
});

/** `POST /t/v1/loyalty/redeem`: the signed-in customer spends points on a reward. */
export async function widgetRedeem(
  ctx: AppContext,
  input: z.input<typeof widgetRedeemInputSchema>,
): Promise<{ balance: number; couponCode: string | null; reward: string }> {
  const q = widgetRedeemInputSchema.parse(input);
  const customerId = await customerOfToken(ctx, q.shopId, q.token);
  const r = await redeemReward(ctx, {
    shopId: q.shopId,
    customer: customerId,
    reward: q.reward,
    ...(q.requestKey ? { requestKey: q.requestKey } : {}),
  });
  return { balance: r.balance, couponCode: r.couponCode, reward: tr(r.reward.name, q.lang) };
}
