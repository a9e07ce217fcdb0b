/**
 * The storefront widget's loyalty panel (docs/loyalty.md, "Widget loyalty panel"). The shop's own
 * pages know who is signed in; they sign the customer's id with the shop's `loyalty.widget_secret`
 * (HMAC-SHA256) and hand the token to the widget, so a visitor can see and spend only their own
 * points: a bare customer id is never accepted.
 *
 *   token = "v1." + customerId + "." + expiresUnixSeconds + "." + base64url(HMAC(secret, shopId + "." + customerId + "." + expires))
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { customerReferralCode } from '../../domain/referral-code.js';
import { NurtureError } from '../../errors.js';
import { type Localized, tr } from '../../report/i18n.js';
import { ENTRY_REASON_TEXT, PENDING_WHY_TEXT } from '../../report/loyalty-text.js';
import type { AppContext } from '../context.js';
import { cachedShopSettings } from '../shop-settings.js';
import { pointsOf, redeemReward } from './points.js';

/** Signs a customer token (the shop's server does this; the function is exported for tests and the docs' example). */
export function signCustomerToken(
  secret: string,
  shopId: string,
  customerId: string,
  expiresAt: Date,
): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${shopId}.${customerId}.${exp}`).digest('base64url');
  return `v1.${customerId}.${exp}.${mac}`;
}

const unauthorized = (why: string) => new NurtureError('unauthorized', `customer token: ${why}`);

/** The customer a token names, if its signature holds for this shop and it has not expired. */
export async function verifyCustomerToken(ctx: AppContext, shopId: string, token: string): Promise<string> {
  const secret = (await cachedShopSettings(ctx, shopId)).loyaltyWidgetSecret;
  if (!secret)
    throw new NurtureError('forbidden', 'the shop has no loyalty.widget_secret: the loyalty panel is off');
  const m = /^v1\.([A-Za-z0-9_]{1,100})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) throw unauthorized('malformed');
  const [, customerId, exp, mac] = m as unknown as [string, string, string, string];
  const expected = createHmac('sha256', secret).update(`${shopId}.${customerId}.${exp}`).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw unauthorized('bad signature');
  if (Number(exp) * 1000 <= ctx.clock.now().getTime()) throw unauthorized('expired');
  const customer = await ctx.store.getCustomer(shopId, customerId);
  if (!customer) throw new NurtureError('not_found', 'no such customer in this shop');
  return customer.mergedInto ?? customer.customerId;
}

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
  const customerId = await verifyCustomerToken(ctx, q.shopId, q.token);
  const p = await pointsOf(ctx, q.shopId, customerId, 10);
  if (!p.enabled) throw new NurtureError('not_found', 'the loyalty programme is off');
  const settings = await cachedShopSettings(ctx, q.shopId);
  const t = (l: Localized) => tr(l, q.lang);
  const code = customerReferralCode(customerId);
  let link: string | null = null;
  if (settings.url) {
    const url = new URL(settings.url);
    url.searchParams.set('ref', code);
    link = url.toString();
  }
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
  const customerId = await verifyCustomerToken(ctx, q.shopId, q.token);
  const r = await redeemReward(ctx, {
    shopId: q.shopId,
    customer: customerId,
    reward: q.reward,
    ...(q.requestKey ? { requestKey: q.requestKey } : {}),
  });
  return { balance: r.balance, couponCode: r.couponCode, reward: tr(r.reward.name, q.lang) };
}
