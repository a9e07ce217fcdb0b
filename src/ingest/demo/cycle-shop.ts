/**
 * A generated shop whose per-product reorder cycles are known (issue 18's acceptance): each
 * consumable has a true cycle (days per unit), a regularity k and a share of buyers who come back;
 * each returning customer has their own rhythm, the product's cycle times a log-normal factor
 * (median 1, so the product's cycle is the median customer's mean interval), and buys again after
 * Erlang-k intervals of that mean times the quantity they bought. Some parcels fail on delivery
 * (not valid orders). Durables are bought once, now and then twice.
 */
import type { CustomerInput, OrderInput } from '../../domain/model/index.js';
import { sampleGamma, sampleNormal } from '../../domain/random/distributions.js';
import { chance, type Rng, rngFor } from './random.js';

export interface CycleProduct {
  sku: string;
  category: string;
  /** True cycle, days per unit; undefined for a durable. */
  cycleDays?: number;
  /** Erlang shape of a customer's intervals (1: Poisson-like). */
  shape: number;
  /** Share of buyers who come back. */
  repeatShare: number;
  /** Relative weight of the product among first purchases. */
  weight: number;
  price: number;
}

/** The seed-003 consumables (paper after a printer, nappies, coffee, cleanser) and two durables. */
export const CYCLE_PRODUCTS: readonly CycleProduct[] = [
  {
    sku: 'PAP-A6-500',
    category: 'paper',
    cycleDays: 7,
    shape: 4,
    repeatShare: 0.7,
    weight: 3,
    price: 89_000,
  },
  {
    sku: 'PAP-A4-500',
    category: 'paper',
    cycleDays: 30,
    shape: 3,
    repeatShare: 0.6,
    weight: 2,
    price: 78_000,
  },
  {
    sku: 'PAP-K58-10',
    category: 'paper',
    cycleDays: 15,
    shape: 3,
    repeatShare: 0.6,
    weight: 0.04,
    price: 65_000,
  },
  {
    sku: 'MB-DIAPER-M',
    category: 'diapers',
    cycleDays: 15,
    shape: 5,
    repeatShare: 0.75,
    weight: 2,
    price: 329_000,
  },
  {
    sku: 'CF-ROBUSTA',
    category: 'coffee',
    cycleDays: 30,
    shape: 2,
    repeatShare: 0.5,
    weight: 2,
    price: 165_000,
  },
  {
    sku: 'BT-CLEANSER',
    category: 'skincare',
    cycleDays: 45,
    shape: 1,
    repeatShare: 0.5,
    weight: 2,
    price: 185_000,
  },
  { sku: 'PRN-TH80', category: 'printer', shape: 1, repeatShare: 0.03, weight: 1.5, price: 2_390_000 },
  { sku: 'EL-CASE', category: 'accessories', shape: 1, repeatShare: 0.05, weight: 1.5, price: 89_000 },
];

export interface CycleShopOptions {
  customers: number;
  seed: number;
  /** History length in days, ending at `until`. */
  days: number;
  until: Date;
  /** Spread (sd of the log) of customers' rhythms around the product's cycle. */
  rhythmSpread?: number;
}

export interface CycleShop {
  products: readonly CycleProduct[];
  customers: CustomerInput[];
  orders: OrderInput[];
}

const DAY_MS = 86_400_000;
const phoneOf = (i: number) => `+8490${String(1_000_000 + i).slice(1)}`;

function quantity(rng: Rng): number {
  const u = rng();
  return u < 0.75 ? 1 : u < 0.95 ? 2 : 3;
}

function pickProduct(rng: Rng): CycleProduct {
  const total = CYCLE_PRODUCTS.reduce((s, p) => s + p.weight, 0);
  let u = rng() * total;
  for (const p of CYCLE_PRODUCTS) {
    u -= p.weight;
    if (u <= 0) return p;
  }
  return CYCLE_PRODUCTS[CYCLE_PRODUCTS.length - 1]!;
}

/** Generates the shop (deterministic in the seed). */
export function generateCycleShop(o: CycleShopOptions): CycleShop {
  const start = o.until.getTime() - o.days * DAY_MS;
  const spread = o.rhythmSpread ?? 0.35;
  const customers: CustomerInput[] = [];
  const orders: OrderInput[] = [];
  for (let i = 0; i < o.customers; i++) {
    const rng = rngFor(o.seed, 9, i);
    const phone = phoneOf(i);
    customers.push({
      source: 'shopify',
      externalId: `c${i}`,
      phone,
      firstName: `Khách ${i}`,
      lastName: 'Nguyễn',
      consent: { zalo: true, sms: true },
      tags: [],
      attributes: {},
      createdAt: new Date(start),
    });
    const wanted = chance(rng, 0.3) ? [pickProduct(rng), pickProduct(rng)] : [pickProduct(rng)];
    const bought = [...new Set(wanted)];
    let n = 0;
    for (const p of bought) {
      let t = start + rng() * o.days * 0.8 * DAY_MS;
      const returns = chance(rng, p.repeatShare);
      const rhythm = (p.cycleDays ?? 365) * Math.exp(spread * sampleNormal(rng));
      for (;;) {
        const qty = quantity(rng);
        const failed = chance(rng, 0.06);
        const total = p.price * qty;
        orders.push({
          source: 'shopify',
          externalId: `o${i}-${n++}`,
          customer: { externalId: `c${i}`, phone },
          status: failed ? 'failed_delivery' : 'delivered',
          currency: 'VND',
          subtotal: String(total),
          shipping: '0',
          taxes: '0',
          discount: '0',
          total: String(total),
          refunded: '0',
          createdAt: new Date(Math.floor(t)),
          tags: [],
          lines: [{ sku: p.sku, category: p.category, title: p.sku, quantity: qty, price: String(p.price) }],
        });
        if (!returns || chance(rng, 0.04)) break;
        // A failed parcel is ordered again within days; a delivered one lasts its quantity.
        const gap = failed ? 1 + rng() * 3 : qty * sampleGamma(rng, p.shape, p.shape / rhythm);
        t += gap * DAY_MS;
        if (t >= o.until.getTime()) break;
      }
    }
  }
  return { products: CYCLE_PRODUCTS, customers, orders };
}
