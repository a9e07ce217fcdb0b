import type { CustomerInput, EventInput, OrderInput } from '../../src/domain/model/index.js';
import { refreshCustomerStats } from '../../src/store/analytics/customer-stats.js';
import type { Store } from '../../src/store/store.js';

/** Fixture builders for the analytics tests: a small shop, written through the real import path. */

export const SHOP = 'shop1';

/** Midnight of a day in Ho Chi Minh (UTC+7, no DST): 'YYYY-MM-DD' → instant. */
export function vn(day: string, time = '12:00'): Date {
  return new Date(`${day}T${time}:00+07:00`);
}

export function customer(phone: string, over: Partial<CustomerInput> = {}): CustomerInput {
  return { source: 'shopify', externalId: phone, phone, consent: {}, tags: [], attributes: {}, ...over };
}

export interface OrderSpec {
  id: string;
  phone: string;
  at: Date;
  total: number;
  status?: OrderInput['status'];
  refunded?: number;
  discount?: number;
  coupon?: string;
  payment?: OrderInput['paymentMethod'];
  /** Categories of the order's lines (one line each); default one uncategorised line. */
  categories?: (string | undefined)[];
}

export function order(s: OrderSpec): OrderInput {
  const cats = s.categories ?? [undefined];
  return {
    source: 'shopify',
    externalId: s.id,
    name: `#${s.id}`,
    customer: { externalId: s.phone, phone: s.phone },
    status: s.status ?? 'paid',
    currency: 'VND',
    subtotal: String(s.total),
    shipping: '0',
    taxes: '0',
    discount: String(s.discount ?? 0),
    total: String(s.total),
    refunded: String(s.refunded ?? 0),
    ...(s.coupon ? { couponCode: s.coupon } : {}),
    ...(s.payment ? { paymentMethod: s.payment } : {}),
    createdAt: s.at,
    tags: [],
    lines: cats.map((category, i) => ({
      sku: `SKU-${category ?? 'none'}-${i}`,
      title: `Item ${i}`,
      ...(category ? { category } : {}),
      quantity: 1,
      price: String(Math.floor(s.total / cats.length)),
    })),
  };
}

export function event(
  phone: string | undefined,
  name: EventInput['event'],
  at: Date,
  over: Partial<EventInput> = {},
): EventInput {
  return {
    event: name,
    timestamp: at,
    properties: {},
    ...(phone ? { phone } : {}),
    ...over,
  };
}

export interface Batch {
  customers?: CustomerInput[];
  orders?: OrderInput[];
  events?: EventInput[];
}

/**
 * Imports batches as `importFile` does: one transaction, one session, referrals resolved, then the
 * incremental stats refresh of the customers the batches touched.
 */
export async function importBatches(
  store: Store,
  batches: readonly Batch[],
  importId = 'imp_test',
  shopId = SHOP,
): Promise<string[]> {
  await store.ensureShop({ shopId });
  const now = new Date(store.ids.now());
  return store.transaction(async (tx) => {
    const session = await tx.beginImport(shopId);
    const touched: string[] = [];
    const referrals = [];
    for (const b of batches) {
      const r = await tx.importBatch(
        shopId,
        { customers: b.customers ?? [], orders: b.orders ?? [], events: b.events ?? [] },
        importId,
        now,
        session,
      );
      touched.push(...r.customerIds);
      referrals.push(...r.referrals);
    }
    await tx.resolveReferrals(shopId, referrals);
    await refreshCustomerStats(tx.engine, shopId, { customerIds: touched });
    return touched;
  });
}

/** The customer id of a phone number. */
export async function idOf(store: Store, phone: string): Promise<string> {
  const c = await store.findCustomerByKey(SHOP, 'phone', phone);
  if (!c) throw new Error(`no customer with phone ${phone}`);
  return c.customerId;
}

/** The as-of day of the RFM fixture. */
export const AS_OF = vn('2026-04-01');

export const phone = (i: number) => `+849000000${String(i).padStart(2, '0')}`;
const ordersOf = (i: number, days: string[], each: number): OrderSpec[] =>
  days.map((d, k) => ({ id: `c${i}-${k}`, phone: phone(i), at: vn(d), total: each }));

/**
 * Ten buyers and a prospect, as of 1 Apr 2026 (recency in days, orders, revenue):
 *  c1 (1, 1, 100k)  c2 (1, 1, 100k)  c3 (12, 2, 600k)  c4 (31, 1, 300k)  c5 (40, 3, 300k)
 *  c6 (76, 1, 50k)  c7 (90, 2, 250k) c8 (121, 5, 1000k) c9 (182, 1, 80k) c10 (396, 1, 100k)  c11: none
 */
export const SHOP_DATA: Batch = {
  customers: [customer(phone(11), { referredBy: phone(3) })],
  orders: [
    ...ordersOf(1, ['2026-03-31'], 100_000),
    ...ordersOf(2, ['2026-03-31'], 100_000),
    ...ordersOf(3, ['2026-03-05', '2026-03-20'], 300_000),
    ...ordersOf(4, ['2026-03-01'], 300_000),
    ...ordersOf(5, ['2026-01-01', '2026-01-31', '2026-02-20'], 100_000),
    ...ordersOf(6, ['2026-01-15'], 50_000),
    { id: 'c7-0', phone: phone(7), at: vn('2025-12-02'), total: 100_000 },
    { id: 'c7-1', phone: phone(7), at: vn('2026-01-01'), total: 150_000 },
    ...ordersOf(8, ['2025-08-03', '2025-09-02', '2025-10-02', '2025-11-01', '2025-12-01'], 200_000),
    ...ordersOf(9, ['2025-10-01'], 80_000),
    ...ordersOf(10, ['2025-03-01'], 100_000),
  ].map(order),
  events: [
    // c9: three messages sent, no sign of interest → a run of 3 → Ignore (inactive)
    event(phone(9), 'Message Sent', vn('2026-03-01')),
    event(phone(9), 'Message Sent', vn('2026-03-10')),
    event(phone(9), 'Message Sent', vn('2026-03-20')),
    // c6: sent, clicked (interest ends the run), sent, declined → run of max(1 declined, 1 sent) = 1
    event(phone(6), 'Message Sent', vn('2026-03-01')),
    event(phone(6), 'Message Clicked', vn('2026-03-02')),
    event(phone(6), 'Message Sent', vn('2026-03-10')),
    event(phone(6), 'Message Declined', vn('2026-03-11')),
    // c4: three declines, but c4 is active: stays in Focus
    event(phone(4), 'Message Declined', vn('2026-03-05')),
    event(phone(4), 'Message Declined', vn('2026-03-06')),
    event(phone(4), 'Message Declined', vn('2026-03-07')),
    // c10: sent 16 hours before asOf, within the 72 hours a message has to be answered
    event(phone(10), 'Message Sent', vn('2026-03-31', '20:00')),
  ],
};
