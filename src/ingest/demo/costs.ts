/**
 * Monthly marketing spend per paid channel, consistent with the customers the channel brought:
 * acquisitions × cost per acquisition (DEMO_CHANNEL_CAC) ± 15%, plus an always-on budget.
 */
import type { MarketingCost } from '../../domain/model/index.js';
import { DEMO_CHANNEL_CAC } from './params.js';
import { type Rng, roundTo1000 } from './random.js';
import type { DemoCustomer } from './types.js';

const VN_OFFSET_MS = 7 * 3_600_000;

/** Always-on monthly budget per channel for a shop of 2 000 customers (scaled to the shop's size). */
const ALWAYS_ON: Record<keyof typeof DEMO_CHANNEL_CAC, number> = {
  facebook: 2_000_000,
  zalo: 500_000,
  google: 1_000_000,
  tiktok: 1_500_000,
};

/** "YYYY-MM" of an instant, in Vietnam. */
export function vnMonth(ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 7);
}

/** Every month from the one containing `start` to the one containing `until - 1`. */
export function monthsBetween(start: number, until: number): string[] {
  const first = new Date(start + VN_OFFSET_MS);
  const last = vnMonth(until - 1);
  const months: string[] = [];
  let y = first.getUTCFullYear();
  let m = first.getUTCMonth() + 1;
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
}

/** One cost row per month of the history and paid channel (channel, month, amount in VND). */
export function marketingCosts(
  rng: Rng,
  customers: readonly DemoCustomer[],
  start: number,
  until: number,
): MarketingCost[] {
  const channels = Object.keys(DEMO_CHANNEL_CAC) as (keyof typeof DEMO_CHANNEL_CAC)[];
  const acquired = new Map<string, number>();
  for (const c of customers) {
    const key = `${c.channel}|${vnMonth(c.createdAt)}`;
    acquired.set(key, (acquired.get(key) ?? 0) + 1);
  }
  const scale = Math.max(customers.length, 50) / 2000;
  const costs: MarketingCost[] = [];
  for (const month of monthsBetween(start, until)) {
    for (const channel of channels) {
      const n = acquired.get(`${channel}|${month}`) ?? 0;
      const amount = (n * DEMO_CHANNEL_CAC[channel] + ALWAYS_ON[channel] * scale) * (0.85 + 0.3 * rng());
      costs.push({ channel, month, amount: String(roundTo1000(amount)) });
    }
  }
  return costs;
}
