/**
 * The coupon model: what a code gives (a fixed amount off, a percent off, or free shipping), the
 * minimum order it needs, until when it is valid, whom it belongs to, and its one use.
 *
 * A coupon is single use. It is redeemed by the first kept order that carries its code (an order
 * a customer still has: pending, or valid by the shop's valid-order rule); a redemption whose
 * order is later cancelled, refused at delivery or returned is released, and the code may be used
 * again until it expires. A coupon assigned to a customer is redeemed only by that customer's
 * orders; an unassigned one (bulk codes) by anyone's. Pure: time comes in as a parameter.
 */
import { z } from 'zod';
import { assertNever } from '../../errors.js';
import type { OrderStatus } from '../model/index.js';

export const COUPON_KINDS = ['fixed_amount', 'percent', 'free_shipping'] as const;
export const couponKindSchema = z.enum(COUPON_KINDS);
export type CouponKind = z.infer<typeof couponKindSchema>;

/** The largest fixed amount accepted (DECIMAL(18,2) holds it exactly). */
export const MAX_AMOUNT = 1_000_000_000_000;

/** An amount of money in the shop's currency: positive, at most 2 decimals. */
export const amountSchema = z
  .number({ error: 'an amount' })
  .positive('an amount above 0')
  .max(MAX_AMOUNT, `at most ${MAX_AMOUNT}`)
  .refine((v) => Math.round(v * 100) === v * 100, 'at most 2 decimals');

/**
 * What a coupon gives, by kind: `fixed_amount` an amount in the shop's currency (VND: 50000),
 * `percent` a whole percent from 1 to 100, `free_shipping` no value.
 */
export const couponTermsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed_amount'), value: amountSchema }),
  z.object({
    kind: z.literal('percent'),
    value: z
      .number({ error: 'a percent' })
      .int('a whole percent')
      .min(1, 'a percent from 1 to 100')
      .max(100, 'a percent from 1 to 100'),
  }),
  z.object({ kind: z.literal('free_shipping'), value: z.null().optional() }),
]);
export type CouponTerms = z.infer<typeof couponTermsSchema>;

/** The value column of a coupon's terms (null for free shipping). */
export function termsValue(terms: CouponTerms): number | null {
  switch (terms.kind) {
    case 'fixed_amount':
    case 'percent':
      return terms.value;
    case 'free_shipping':
      return null;
    default:
      return assertNever(terms, 'coupon kind');
  }
}

/** The states a coupon is listed by. */
export const COUPON_STATES = ['active', 'redeemed', 'expired', 'released'] as const;
export const couponStateSchema = z.enum(COUPON_STATES);
/**
 * active: usable, never redeemed; redeemed: used by an order that is kept; released: its order
 * was cancelled, refused or returned, so it is usable again; expired: past its expiry and not
 * redeemed (a redeemed coupon stays redeemed after its expiry).
 */
export type CouponState = z.infer<typeof couponStateSchema>;

/** A coupon as stored. */
export interface Coupon {
  couponId: string;
  shopId: string;
  /** Upper case, e.g. `NUR-7KQ4-M2XP`. */
  code: string;
  kind: CouponKind;
  /** The amount (fixed_amount) or percent; null for free shipping. */
  value: number | null;
  minOrder: number | null;
  /** The customer it belongs to; null for a code anyone may use (bulk codes). */
  customerId: string | null;
  expiresAt: Date;
  createdAt: Date;
  /** The idempotency key it was created under (`flow:<run>:<step>`, `batch:<name>:<n>`). */
  sourceKey: string | null;
  /** The bulk batch it belongs to (its name). */
  batchId: string | null;
  /** The order that redeemed it (after a release: the order it was released from). */
  redeemedOrderId: string | null;
  /** When that order was placed. */
  redeemedAt: Date | null;
  /** When the redemption was released (null while redeemed, or never redeemed). */
  releasedAt: Date | null;
  /** The status of the order when it was released: cancelled, failed_delivery, returned, refunded. */
  releaseReason: string | null;
}

/** A coupon's state at `asOf`. */
export function couponState(c: Coupon, asOf: Date): CouponState {
  if (c.redeemedOrderId !== null && c.releasedAt === null) return 'redeemed';
  if (c.expiresAt.getTime() <= asOf.getTime()) return 'expired';
  return c.releasedAt !== null ? 'released' : 'active';
}

/** An order that carries a coupon's code, as the redemption rules see it. */
export interface CouponUse {
  orderId: string;
  customerId: string;
  createdAt: Date;
  status: OrderStatus;
  /**
   * Whether the order is kept: still pending (a COD parcel on its way), or valid by the shop's
   * valid-order rule (paid or delivered, not refunded in full). Cancelled, failed-delivery and
   * returned orders are not kept.
   */
  kept: boolean;
}

/** Why an order that carries a code did not redeem it. */
export type SkipReason = 'other_customer' | 'expired' | 'already_redeemed';

export interface SkippedUse {
  code: string;
  orderId: string;
  customerId: string;
  reason: SkipReason;
}

/** The redemption columns of a coupon after the rules ran. */
export interface RedemptionState {
  redeemedOrderId: string | null;
  redeemedAt: Date | null;
  releasedAt: Date | null;
  releaseReason: string | null;
}

export interface RedemptionDecision {
  /** The new redemption columns, when they change. */
  next?: RedemptionState;
  redeemed?: { orderId: string; customerId: string; status: OrderStatus };
  released?: { orderId: string; status: OrderStatus };
  skipped: SkippedUse[];
}

/**
 * What the orders carrying a coupon's code do to it. `uses` are the orders seen now (those of
 * the customers whose orders changed); the order holding a redemption may be missing from them
 * (another customer's), and then it stands. Running it again on its own result changes nothing.
 */
export function decideRedemption(coupon: Coupon, uses: readonly CouponUse[], now: Date): RedemptionDecision {
  const skipped: SkippedUse[] = [];
  const skip = (u: CouponUse, reason: SkipReason) =>
    skipped.push({ code: coupon.code, orderId: u.orderId, customerId: u.customerId, reason });
  let holder = coupon.redeemedOrderId !== null && coupon.releasedAt === null ? coupon.redeemedOrderId : null;
  let released: CouponUse | undefined;
  if (holder !== null) {
    const use = uses.find((u) => u.orderId === holder);
    if (use !== undefined && !use.kept) {
      released = use;
      holder = null;
    }
  }
  const kept = uses
    .filter((u) => u.kept && u.orderId !== holder)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.orderId < b.orderId ? -1 : 1));
  let chosen: CouponUse | undefined;
  for (const u of kept) {
    if (coupon.customerId !== null && u.customerId !== coupon.customerId) skip(u, 'other_customer');
    else if (u.createdAt.getTime() >= coupon.expiresAt.getTime()) skip(u, 'expired');
    else if (holder !== null || chosen !== undefined) skip(u, 'already_redeemed');
    else chosen = u;
  }
  if (chosen !== undefined)
    return {
      next: {
        redeemedOrderId: chosen.orderId,
        redeemedAt: chosen.createdAt,
        releasedAt: null,
        releaseReason: null,
      },
      redeemed: { orderId: chosen.orderId, customerId: chosen.customerId, status: chosen.status },
      ...(released ? { released: { orderId: released.orderId, status: released.status } } : {}),
      skipped,
    };
  if (released !== undefined)
    return {
      next: {
        redeemedOrderId: released.orderId,
        redeemedAt: coupon.redeemedAt,
        releasedAt: now,
        releaseReason: released.status,
      },
      released: { orderId: released.orderId, status: released.status },
      skipped,
    };
  return { skipped };
}
