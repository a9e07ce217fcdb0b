/**
 * What redemption needs from the orders: for some customers, every order that carries a code the
 * shop issued, with whether the order is kept (pending, or valid by the valid-order rule that
 * the analytics use: `validOrderSql`), and the coupons those codes name.
 */

import { DEFAULT_VALID_ORDER_RULE, type ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import type { CouponUse } from '../../domain/coupons/index.js';
import type { OrderStatus } from '../../domain/model/index.js';
import { stageCustomerIds } from '../analytics/common.js';
import { validOrderSql } from '../analytics/model-sql.js';
import type { Store } from '../store.js';
import type { Coupon } from './index.js';

/**
 * SQL: the order aliased `o` is kept, i.e. it may still be (pending) or is (valid) a purchase.
 * Pending is the one status without an outcome yet (a COD parcel on its way); every other status
 * is judged by the same rule as the analytics, so "cancelled, failed delivery or returned"
 * releases a coupon exactly when it stops counting as revenue.
 */
export function keptOrderSql(rule: ValidOrderRule, alias = 'o'): string {
  return `(${alias}.status = 'pending' OR ${validOrderSql(rule, alias)})`;
}

export interface CodeUses {
  coupon: Coupon;
  uses: CouponUse[];
}

/**
 * The shop's coupons named by the orders of `customerIds` (an order's code field may hold several
 * codes, comma-separated; compared upper case), each with those orders.
 */
export async function couponUsesOf(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
  rule: ValidOrderRule = DEFAULT_VALID_ORDER_RULE,
): Promise<CodeUses[]> {
  if (customerIds.length === 0) return [];
  // The staged ids live on one connection: stage and read in one transaction.
  return store.engine.transaction(async (db) => {
    const ids = await stageCustomerIds(db, customerIds);
    const rows = await db.all<{
      code: string;
      order_id: string;
      customer_id: string;
      order_created_at: Date | string;
      status: string;
      kept: boolean;
      coupon_id: string;
      kind: string;
      value: number | string | null;
      min_order: number | string | null;
      coupon_customer_id: string | null;
      expires_at: Date | string;
      created_at: Date | string;
      source_key: string | null;
      batch_id: string | null;
      redeemed_order_id: string | null;
      redeemed_at: Date | string | null;
      released_at: Date | string | null;
      release_reason: string | null;
    }>(
      `SELECT c.code, t.order_id, t.customer_id, t.created_at AS order_created_at, t.status, t.kept,
       c.coupon_id, c.kind, c.value, c.min_order, c.customer_id AS coupon_customer_id, c.expires_at, c.created_at,
       c.source_key, c.batch_id, c.redeemed_order_id, c.redeemed_at, c.released_at, c.release_reason
     FROM (
       SELECT o.order_id, o.customer_id, o.created_at, o.status, ${keptOrderSql(rule, 'o')} AS kept,
         UPPER(TRIM(unnest(string_to_array(o.coupon_code, ',')))) AS code
       FROM orders o
       WHERE o.shop_id = $1 AND o.coupon_code IS NOT NULL AND o.customer_id IN (SELECT customer_id FROM ${ids})
     ) t
     JOIN coupons c ON c.shop_id = $1 AND c.code = t.code
     ORDER BY c.code, t.created_at, t.order_id`,
      [shopId],
    );
    const byCode = new Map<string, CodeUses>();
    for (const r of rows) {
      let entry = byCode.get(r.code);
      if (!entry) {
        entry = {
          coupon: {
            couponId: r.coupon_id,
            shopId,
            code: r.code,
            kind: r.kind as Coupon['kind'],
            value: r.value === null ? null : Number(r.value),
            minOrder: r.min_order === null ? null : Number(r.min_order),
            customerId: r.coupon_customer_id,
            expiresAt: new Date(r.expires_at),
            createdAt: new Date(r.created_at),
            sourceKey: r.source_key,
            batchId: r.batch_id,
            redeemedOrderId: r.redeemed_order_id,
            redeemedAt: r.redeemed_at === null ? null : new Date(r.redeemed_at),
            releasedAt: r.released_at === null ? null : new Date(r.released_at),
            releaseReason: r.release_reason,
          },
          uses: [],
        };
        byCode.set(r.code, entry);
      }
      // An order naming the same code twice counts once.
      if (entry.uses.some((u) => u.orderId === r.order_id)) continue;
      entry.uses.push({
        orderId: r.order_id,
        customerId: r.customer_id,
        createdAt: new Date(r.order_created_at),
        status: r.status as OrderStatus,
        kept: Boolean(r.kept),
      });
    }
    return [...byCode.values()];
  });
}

/** One line of a coupon's history. */
export interface CouponEvent {
  at: Date;
  action: 'redeemed' | 'released';
  orderId: string;
  orderStatus: string;
}

/**
 * Writes a coupon's redemption columns (one UPDATE per coupon and pass) and appends what changed
 * to its history.
 */
export async function writeRedemption(
  store: Store,
  shopId: string,
  code: string,
  next: {
    redeemedOrderId: string | null;
    redeemedAt: Date | null;
    releasedAt: Date | null;
    releaseReason: string | null;
  },
  events: readonly CouponEvent[],
): Promise<void> {
  for (const e of events)
    await store.engine.run(
      `INSERT INTO coupon_events (shop_id, code, event_at, action, order_id, order_status)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [shopId, code, e.at, e.action, e.orderId, e.orderStatus],
    );
  await store.engine.run(
    `UPDATE coupons SET redeemed_order_id = $3, redeemed_at = CAST($4 AS TIMESTAMPTZ),
       released_at = CAST($5 AS TIMESTAMPTZ), release_reason = $6
     WHERE shop_id = $1 AND code = $2`,
    [shopId, code, next.redeemedOrderId, next.redeemedAt, next.releasedAt, next.releaseReason],
  );
}

/** A coupon's history, oldest first. */
export async function couponEvents(store: Store, shopId: string, code: string): Promise<CouponEvent[]> {
  const rows = await store.engine.all<{
    event_at: Date | string;
    action: string;
    order_id: string;
    order_status: string;
  }>(
    `SELECT event_at, action, order_id, order_status FROM coupon_events WHERE shop_id = $1 AND code = $2
     ORDER BY event_at, action DESC, order_id`,
    [shopId, code],
  );
  return rows.map((r) => ({
    at: new Date(r.event_at),
    action: r.action as CouponEvent['action'],
    orderId: r.order_id,
    orderStatus: r.order_status,
  }));
}
