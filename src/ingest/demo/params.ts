/**
 * The parameters of the demo shop, all in one place so that docs/demo.md, the tests and the
 * model-recovery tests of later issues read the same numbers.
 *
 * Time unit of the BG/NBD rates is the DAY; money is VND.
 */
import type { BgNbdParams, GammaGammaParams } from '../../domain/random/btyd-process.js';

/**
 * The generator's default end of the observation window, for callers that want a fixed shop
 * (tests, benchmarks): the end of 31 October 2026 in Vietnam (2026-11-01T00:00:00+07:00). The
 * CLI's `demo` and `generate` end the history now, or on `--until` (src/app/demo.ts, demoUntil).
 */
export const DEMO_UNTIL = new Date('2026-11-01T00:00:00+07:00');

/** The shop's history: first purchases are spread over the 730 days before `until`. */
export const DEMO_HISTORY_DAYS = 730;

/**
 * BG/NBD population parameters (days). Purchase rate λ ~ Gamma(r = 0.25, α = 75), mean 1/300
 * per day and strongly skewed (most buyers would come back in years, a few every week or two);
 * drop-out probability after each repeat purchase p ~ Beta(a = 0.8, b = 3.0), mean 0.21. Over
 * the shop's history this gives about 30% repeat buyers.
 */
export const DEMO_BGNBD_PARAMS: Readonly<BgNbdParams> = Object.freeze({ r: 0.25, alpha: 75, a: 0.8, b: 3.0 });

/**
 * Gamma-Gamma spend parameters (VND): spend per order ~ Gamma(p = 6, rate ν), ν ~ Gamma(q = 4,
 * rate v = 200 000), so the population mean spend per order is p·v/(q−1) = 400 000 ₫ and a
 * customer's own orders vary with CV 1/√p ≈ 0.41 around that customer's mean. Repeat orders are
 * filled with catalog items up to the drawn spend (their item total is within about 20% of it,
 * 7% above on average); first orders of equipment buyers are the equipment's price instead.
 */
export const DEMO_GG_PARAMS: Readonly<GammaGammaParams> = Object.freeze({ p: 6, q: 4, v: 200_000 });

/** Acquisition channels and their cost per acquired customer (VND) for the marketing-costs file. */
export const DEMO_CHANNEL_CAC: Readonly<Record<'facebook' | 'zalo' | 'google' | 'tiktok', number>> =
  Object.freeze({
    facebook: 110_000,
    zalo: 60_000,
    google: 140_000,
    tiktok: 80_000,
  });

/** Everything `generateShop` can be told; defaults in DEMO_DEFAULT_PARAMS, documented in docs/demo.md. */
export interface DemoParams {
  bgnbd: BgNbdParams;
  gg: GammaGammaParams;
  historyDays: number;
  /** Acquisition density grows linearly: at the end of the history it is (1 + growth) times the start. */
  acquisitionGrowth: number;
  /** Registered customers who never bought (seed 001's "Bỏ qua"). */
  neverBoughtShare: number;
  /** Customers known by phone only (no e-mail), common for COD buyers. */
  phoneOnlyShare: number;
  /** Customers referred by an earlier customer. */
  referralShare: number;
  /** Payment method mix of the shop (COD dominates in Vietnam). */
  paymentMix: { cod: number; bank: number; momo: number };
  /** COD orders that fail at delivery (refused, unreachable): first orders fail more often. */
  codFailureFirstOrder: number;
  codFailureRepeatOrder: number;
  /** Delivered orders that come back (refunded in full). */
  returnRate: number;
  /** Delivered orders with one item refunded. */
  partialRefundRate: number;
  /** Bank-transfer orders never paid and voided. */
  unpaidTransferRate: number;
  /** Orders with a subtotal at or above this ship free; others pay the carrier's fee. */
  freeShippingFrom: number;
  /** Share of buyers who answer one NPS survey. */
  npsShare: number;
  /** Anonymous visitors (never buy) per customer. */
  anonymousVisitorsPerCustomer: number;
  /** Expected browse-only sessions per buyer, plus this many per order. */
  browseSessionsBase: number;
  browseSessionsPerOrder: number;
}

/** The documented defaults; `generateShop({ params })` overrides any of them. */
export const DEMO_DEFAULT_PARAMS: Readonly<DemoParams> = Object.freeze({
  bgnbd: DEMO_BGNBD_PARAMS,
  gg: DEMO_GG_PARAMS,
  historyDays: DEMO_HISTORY_DAYS,
  acquisitionGrowth: 2,
  neverBoughtShare: 0.08,
  phoneOnlyShare: 0.12,
  referralShare: 0.1,
  paymentMix: { cod: 0.62, bank: 0.24, momo: 0.14 },
  codFailureFirstOrder: 0.12,
  codFailureRepeatOrder: 0.05,
  returnRate: 0.03,
  partialRefundRate: 0.015,
  unpaidTransferRate: 0.03,
  freeShippingFrom: 500_000,
  npsShare: 0.35,
  anonymousVisitorsPerCustomer: 1,
  browseSessionsBase: 0.7,
  browseSessionsPerOrder: 0.5,
});

/** Default size of `nurture demo` / `nurture generate`. */
export const DEMO_DEFAULT_CUSTOMERS = 2000;
/** Default seed of `nurture demo` / `nurture generate`. */
export const DEMO_DEFAULT_SEED = 42;
