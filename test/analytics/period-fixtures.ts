import { type Batch, order, vn } from './fixtures.js';

/** A small shop of hand-made orders for the period reads (best customers, revenue per day). */

/** The period: March 2026 in Ho Chi Minh. */
export const FROM = vn('2026-03-01', '00:00');
export const TO = vn('2026-04-01', '00:00');
export const A = '+84900000101';
export const B = '+84900000102';
export const C = '+84900000103';
export const D = '+84900000104';
export const E = '+84900000105';
export const F = '+84900000106';

/**
 * In March: A two paid orders (300k); B one delivered (500k) and a refused COD parcel (900k, not
 * revenue); C three orders of 50k, one refunded 20k (130k); D only an order in February; E a
 * fully refunded order (no order) and a paid one of 10k.
 */
export const BEST_SHOP: Batch = {
  orders: [
    order({ id: 'a1', phone: A, at: vn('2026-03-02'), total: 100_000 }),
    order({ id: 'a2', phone: A, at: vn('2026-03-20'), total: 200_000 }),
    order({ id: 'b1', phone: B, at: vn('2026-03-05'), total: 500_000, status: 'delivered', payment: 'cod' }),
    order({
      id: 'b2',
      phone: B,
      at: vn('2026-03-06'),
      total: 900_000,
      status: 'failed_delivery',
      payment: 'cod',
    }),
    order({ id: 'c1', phone: C, at: vn('2026-03-02'), total: 50_000 }),
    order({ id: 'c2', phone: C, at: vn('2026-03-10'), total: 50_000, refunded: 20_000 }),
    order({ id: 'c3', phone: C, at: vn('2026-03-31', '23:30'), total: 50_000 }),
    order({ id: 'd1', phone: D, at: vn('2026-02-28', '23:30'), total: 1_000_000 }),
    order({
      id: 'e1',
      phone: E,
      at: vn('2026-03-03'),
      total: 700_000,
      status: 'refunded',
      refunded: 700_000,
    }),
    order({ id: 'e2', phone: E, at: vn('2026-03-04'), total: 10_000 }),
  ],
};

/** Another shop with bigger buyers, which must never show in the first shop's lists. */
export const OTHER_SHOP: Batch = {
  orders: [order({ id: 'f1', phone: F, at: vn('2026-03-02'), total: 9_000_000 })],
};
