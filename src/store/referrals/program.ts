/**
 * The referral programme's storage: customers' codes, the referrals table, and the facts the
 * rules need about friends and referrers (docs/loyalty.md, Referrals). Both engines.
 */
import { normalizeEmail, normalizePhone } from '../../domain/identity-keys.js';
import type { ReferralParty, ReferralSource, ReferralState } from '../../domain/referrals.js';
import { normalizeAddress } from '../../domain/referrals.js';
import { stageCustomerIds } from '../analytics/common.js';
import type { Store } from '../store.js';

type Instant = Date | string;
const dateOf = (v: Instant | null): Date | null => (v === null ? null : new Date(v));

/** A customer's code, if one was made. */
export async function codeOfCustomer(
  store: Store,
  shopId: string,
  customerId: string,
): Promise<string | undefined> {
  const rows = await store.engine.all<{ code: string }>(
    'SELECT code FROM referral_codes WHERE shop_id = $1 AND customer_id = $2',
    [shopId, customerId],
  );
  return rows[0]?.code;
}

/** Stores a code for a customer; false when the code (or a code for the customer) exists already. */
export async function insertReferralCode(
  store: Store,
  shopId: string,
  code: string,
  customerId: string,
  now: Date,
): Promise<boolean> {
  const taken = await store.engine.all<{ n: number }>(
    'SELECT COUNT(*) AS n FROM referral_codes WHERE shop_id = $1 AND (code = $2 OR customer_id = $3)',
    [shopId, code, customerId],
  );
  if (Number(taken[0]?.n ?? 0) > 0) return false;
  await store.engine.run(
    'INSERT INTO referral_codes (shop_id, code, customer_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [shopId, code, customerId, now],
  );
  return (await codeOfCustomer(store, shopId, customerId)) === code;
}

/** The customers (followed through merges) whose codes these are, by upper-case code. */
export async function customersOfCodes(
  store: Store,
  shopId: string,
  codes: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const code of new Set(codes)) {
    const rows = await store.engine.all<{ customer_id: string }>(
      `SELECT COALESCE(c.merged_into, r.customer_id) AS customer_id FROM referral_codes r
       LEFT JOIN customers c ON c.shop_id = r.shop_id AND c.customer_id = r.customer_id
       WHERE r.shop_id = $1 AND r.code = $2`,
      [shopId, code],
    );
    if (rows[0]) found.set(code, rows[0].customer_id);
  }
  return found;
}

/** A reference as an import's `referred_by` holds it: a customer id, a phone or an e-mail. */
export async function customerOfReference(
  store: Store,
  shopId: string,
  ref: string,
): Promise<string | undefined> {
  const rows = await store.engine.all<{ customer_id: string }>(
    `SELECT COALESCE(c.merged_into, c.customer_id) AS customer_id FROM customers c
     WHERE c.shop_id = $1 AND c.customer_id = $2
     UNION ALL
     SELECT i.customer_id FROM customer_identities i
     WHERE i.shop_id = $1 AND i.kind IN ('phone', 'email') AND i.value = $2`,
    [shopId, ref],
  );
  return rows[0]?.customer_id;
}

/** A way a friend may have been referred, as found in the data. */
export interface ReferralClue {
  source: ReferralSource;
  /** A code (upper case) or, for `imported`, the raw reference. */
  ref: string;
  at: Date;
}

/** Orders of some customers with what referral clues they carry, and their status. */
export interface FriendOrder {
  customerId: string;
  orderId: string;
  status: string;
  couponCode: string | null;
  tags: string | null;
  createdAt: Date;
}

export async function ordersOf(store: Store, shopId: string, customerId: string): Promise<FriendOrder[]> {
  const rows = await store.engine.all<{
    order_id: string;
    status: string;
    coupon_code: string | null;
    tags: string | null;
    created_at: Instant;
  }>(
    `SELECT order_id, status, coupon_code, tags, created_at FROM orders
     WHERE shop_id = $1 AND customer_id = $2 ORDER BY created_at, order_id`,
    [shopId, customerId],
  );
  return rows.map((r) => ({
    customerId,
    orderId: r.order_id,
    status: r.status,
    couponCode: r.coupon_code,
    tags: r.tags,
    createdAt: new Date(r.created_at),
  }));
}

/**
 * The `?ref=` landings that belong to the friend: visits linked to them, and visits linked to
 * another customer record with the same phone (the friend opened the link in one browser,
 * left a phone there, and bought in another browser or days later).
 */
export async function visitsOfFriend(
  store: Store,
  shopId: string,
  customerId: string,
): Promise<{ code: string; anonymousId: string; at: Date }[]> {
  const rows = await store.engine.all<{ code: string; anonymous_id: string; first_seen_at: Instant }>(
    `SELECT v.code, v.anonymous_id, v.first_seen_at FROM referral_visits v
     WHERE v.shop_id = $1 AND (v.customer_id = $2 OR v.customer_id IN (
       SELECT o.customer_id FROM customers o JOIN customers f
         ON f.shop_id = o.shop_id AND f.customer_id = $2 AND f.phone IS NOT NULL AND o.phone = f.phone
       WHERE o.shop_id = $1))
     ORDER BY v.first_seen_at, v.code`,
    [shopId, customerId],
  );
  return rows.map((r) => ({ code: r.code, anonymousId: r.anonymous_id, at: new Date(r.first_seen_at) }));
}

/** What the self-referral checks compare, for one customer. */
export async function partyOf(store: Store, shopId: string, customerId: string): Promise<ReferralParty> {
  const c = (
    await store.engine.all<{
      phone: string | null;
      email: string | null;
      attributes: string | null;
      city: string | null;
      referred_by: string | null;
    }>(
      'SELECT phone, email, attributes, city, referred_by FROM customers WHERE shop_id = $1 AND customer_id = $2',
      [shopId, customerId],
    )
  )[0];
  let address: string | null = null;
  if (c?.attributes) {
    try {
      const a = JSON.parse(c.attributes) as Record<string, unknown>;
      if (typeof a['address1'] === 'string')
        address = normalizeAddress([a['address1'], a['address2'] as string | undefined, c.city]);
    } catch {
      address = null;
    }
  }
  const devices = await store.engine.all<{ value: string }>(
    `SELECT value FROM customer_identities WHERE shop_id = $1 AND customer_id = $2 AND kind = 'anonymous'
     UNION SELECT anonymous_id AS value FROM events
     WHERE shop_id = $1 AND customer_id = $2 AND anonymous_id IS NOT NULL`,
    [shopId, customerId],
  );
  return {
    customerId,
    email: normalizeEmail(c?.email) ?? null,
    phone: normalizePhone(c?.phone) ?? c?.phone ?? null,
    address,
    devices: devices.map((d) => d.value),
  };
}

/** The `referred_by` of a customer, as imported. */
export async function referredByOf(store: Store, shopId: string, customerId: string): Promise<string | null> {
  const rows = await store.engine.all<{ referred_by: string | null }>(
    'SELECT referred_by FROM customers WHERE shop_id = $1 AND customer_id = $2',
    [shopId, customerId],
  );
  return rows[0]?.referred_by ?? null;
}

/** One referral as stored. */
export interface ReferralRow {
  friendId: string;
  referrerId: string | null;
  code: string | null;
  source: ReferralSource;
  state: ReferralState;
  reason: string | null;
  orderId: string | null;
  attributedAt: Date;
  deliveredAt: Date | null;
  rewardDueAt: Date | null;
  decidedAt: Date | null;
}

export type RawReferral = {
  friend_id: string;
  referrer_id: string | null;
  code: string | null;
  source: string;
  state: string;
  reason: string | null;
  order_id: string | null;
  attributed_at: Instant;
  delivered_at: Instant | null;
  reward_due_at: Instant | null;
  decided_at: Instant | null;
};

export const COLUMNS =
  'friend_id, referrer_id, code, source, state, reason, order_id, attributed_at, delivered_at, reward_due_at, decided_at';

export function rowOf(r: RawReferral): ReferralRow {
  return {
    friendId: r.friend_id,
    referrerId: r.referrer_id,
    code: r.code,
    source: r.source as ReferralSource,
    state: r.state as ReferralState,
    reason: r.reason,
    orderId: r.order_id,
    attributedAt: new Date(r.attributed_at),
    deliveredAt: dateOf(r.delivered_at),
    rewardDueAt: dateOf(r.reward_due_at),
    decidedAt: dateOf(r.decided_at),
  };
}

export async function referralOfFriend(
  store: Store,
  shopId: string,
  friendId: string,
): Promise<ReferralRow | undefined> {
  const rows = await store.engine.all<RawReferral>(
    `SELECT ${COLUMNS} FROM referrals WHERE shop_id = $1 AND friend_id = $2`,
    [shopId, friendId],
  );
  return rows[0] ? rowOf(rows[0]) : undefined;
}

/** The referrer's referrals that count against the cap. */
export async function activeReferralCount(store: Store, shopId: string, referrerId: string): Promise<number> {
  const rows = await store.engine.all<{ n: number | bigint }>(
    `SELECT COUNT(*) AS n FROM referrals WHERE shop_id = $1 AND referrer_id = $2
     AND state IN ('pending', 'delivered', 'converted')`,
    [shopId, referrerId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Writes a referral (insert, or the whole row again). */
export async function saveReferral(store: Store, shopId: string, r: ReferralRow): Promise<void> {
  await store.engine.run(
    `INSERT INTO referrals (shop_id, ${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (shop_id, friend_id) DO UPDATE SET referrer_id = excluded.referrer_id, code = excluded.code,
       source = excluded.source, state = excluded.state, reason = excluded.reason, order_id = excluded.order_id,
       attributed_at = excluded.attributed_at, delivered_at = excluded.delivered_at,
       reward_due_at = excluded.reward_due_at, decided_at = excluded.decided_at`,
    [
      shopId,
      r.friendId,
      r.referrerId,
      r.code,
      r.source,
      r.state,
      r.reason,
      r.orderId,
      r.attributedAt,
      r.deliveredAt,
      r.rewardDueAt,
      r.decidedAt,
    ],
  );
}

/** Friends whose reward fell due (delivered, the return window over). */
export async function dueReferralFriends(store: Store, shopId: string, now: Date): Promise<string[]> {
  const rows = await store.engine.all<{ friend_id: string }>(
    `SELECT friend_id FROM referrals WHERE shop_id = $1 AND state = 'delivered' AND reward_due_at <= $2
     ORDER BY reward_due_at, friend_id`,
    [shopId, now],
  );
  return rows.map((r) => r.friend_id);
}

/** Writes one event of ours (a converted referral, an answer); a repeated dedupe key writes nothing. */
export async function insertEvent(
  store: Store,
  shopId: string,
  e: {
    eventId: string;
    dedupeKey: string;
    name: string;
    customerId: string;
    at: Date;
    properties: Record<string, unknown>;
  },
): Promise<void> {
  await store.engine.run(
    `INSERT INTO events (shop_id, event_id, dedupe_key, name, customer_id, anonymous_id, occurred_at, properties)
     VALUES ($1, $2, $3, $4, $5, NULL, $6, $7) ON CONFLICT DO NOTHING`,
    [shopId, e.eventId, e.dedupeKey, e.name, e.customerId, e.at, JSON.stringify(e.properties)],
  );
}

/**
 * Of `customerIds`, those the referral pass has anything to do for, in one statement: a referral
 * still waiting (pending, delivered), or, without a referral yet, a clue — a `?ref=` visit (theirs
 * or of a record with their phone), an order whose discount codes hold a referral code or that
 * carries a `ref:` tag, or an imported `referred_by`. The pass is per customer; this keeps an
 * import of thousands of customers from paying it for every one of them.
 */
export async function referralCandidates(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
): Promise<string[]> {
  if (customerIds.length === 0) return [];
  return store.engine.transaction(async (db) => {
    const ids = await stageCustomerIds(db, customerIds);
    const fresh = (alias: string) =>
      `NOT EXISTS (SELECT 1 FROM referrals r WHERE r.shop_id = $1 AND r.friend_id = ${alias}.customer_id)`;
    const rows = await db.all<{ customer_id: string }>(
      `SELECT DISTINCT customer_id FROM (
         SELECT r.friend_id AS customer_id FROM referrals r
         WHERE r.shop_id = $1 AND r.state IN ('pending', 'delivered') AND r.friend_id IN (SELECT customer_id FROM ${ids})
         UNION ALL
         SELECT c.customer_id FROM customers c
         WHERE c.shop_id = $1 AND c.referred_by IS NOT NULL AND c.customer_id IN (SELECT customer_id FROM ${ids}) AND ${fresh('c')}
         UNION ALL
         SELECT o.customer_id FROM orders o
         WHERE o.shop_id = $1 AND o.customer_id IN (SELECT customer_id FROM ${ids}) AND ${fresh('o')}
           AND ((o.tags IS NOT NULL AND LOWER(o.tags) LIKE '%ref:%')
             OR (o.coupon_code IS NOT NULL AND EXISTS (SELECT 1 FROM referral_codes k
                   WHERE k.shop_id = $1 AND POSITION(k.code IN UPPER(o.coupon_code)) > 0)))
         UNION ALL
         SELECT v.customer_id FROM referral_visits v
         WHERE v.shop_id = $1 AND v.customer_id IN (SELECT customer_id FROM ${ids}) AND ${fresh('v')}
         UNION ALL
         SELECT f.customer_id FROM customers f
         JOIN customers o ON o.shop_id = f.shop_id AND o.phone = f.phone AND o.customer_id <> f.customer_id
         JOIN referral_visits v ON v.shop_id = o.shop_id AND v.customer_id = o.customer_id
         WHERE f.shop_id = $1 AND f.phone IS NOT NULL AND f.customer_id IN (SELECT customer_id FROM ${ids}) AND ${fresh('f')}
       ) x ORDER BY customer_id`,
      [shopId],
    );
    return rows.map((r) => r.customer_id);
  });
}
