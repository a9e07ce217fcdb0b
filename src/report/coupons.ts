/**
 * How a coupon reads to a seller, in Vietnamese and English, for the CLI and the dashboard (and
 * the message templates): its offer ("giảm 50.000 ₫, đơn từ 300.000 ₫"), its state, and why an
 * order did not redeem it.
 */
import type { CouponKind, CouponState, SkipReason } from '../domain/coupons/index.js';
import { assertNever } from '../errors.js';
import { type Formatter, formatterFor, type Lang } from './format.js';
import { type Catalogue, fill, tr } from './i18n.js';

export const COUPON_WORDS = {
  fixed: { vi: 'giảm {amount}', en: '{amount} off' },
  percent: { vi: 'giảm {percent} %', en: '{percent} % off' },
  freeShipping: { vi: 'miễn phí vận chuyển', en: 'free shipping' },
  minOrder: { vi: 'đơn từ {amount}', en: 'orders from {amount}' },
} as const satisfies Catalogue;

export const COUPON_STATE_LABELS: Record<CouponState, { vi: string; en: string }> = {
  active: { vi: 'còn hiệu lực', en: 'active' },
  redeemed: { vi: 'đã dùng', en: 'redeemed' },
  expired: { vi: 'hết hạn', en: 'expired' },
  released: { vi: 'dùng lại được (đơn huỷ/hoàn)', en: 'released (order cancelled/returned)' },
};

export const COUPON_KIND_LABELS: Record<CouponKind, { vi: string; en: string }> = {
  fixed_amount: { vi: 'giảm số tiền', en: 'fixed amount' },
  percent: { vi: 'giảm phần trăm', en: 'percent' },
  free_shipping: { vi: 'miễn phí vận chuyển', en: 'free shipping' },
};

export const SKIP_REASON_LABELS: Record<SkipReason, { vi: string; en: string }> = {
  other_customer: { vi: 'mã của khách khác', en: "another customer's code" },
  expired: { vi: 'đơn đặt sau khi mã hết hạn', en: 'order placed after the code expired' },
  already_redeemed: { vi: 'mã đã được dùng cho đơn khác', en: 'already redeemed by another order' },
};

/** The offer of a coupon: "giảm 50.000 ₫, đơn từ 300.000 ₫" / "10 % off". */
export function couponOffer(
  c: { kind: CouponKind; value: number | null; minOrder: number | null },
  currency: string,
  lang: Lang,
  f: Formatter = formatterFor(lang),
): string {
  let offer: string;
  switch (c.kind) {
    case 'fixed_amount':
      offer = fill(COUPON_WORDS.fixed, lang, { amount: f.money(c.value ?? 0, currency) });
      break;
    case 'percent':
      offer = fill(COUPON_WORDS.percent, lang, { percent: f.upTo(c.value ?? 0, 2) });
      break;
    case 'free_shipping':
      offer = tr(COUPON_WORDS.freeShipping, lang);
      break;
    default:
      return assertNever(c.kind, 'coupon kind');
  }
  return c.minOrder === null
    ? offer
    : `${offer}, ${fill(COUPON_WORDS.minOrder, lang, { amount: f.money(c.minOrder, currency) })}`;
}
