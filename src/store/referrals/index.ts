import type { Store } from '../store.js';

/** One `?ref=CODE` landing of a storefront visitor. */
export interface ReferralVisitInput {
  anonymousId: string;
  code: string;
  landingUrl: string | undefined;
  at: Date;
}

export interface ReferralVisit {
  anonymousId: string;
  code: string;
  customerId: string | null;
  landingUrl: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/**
 * Keeps referral visits, one row per (visitor, code): a repeat only moves `last_seen_at`. A
 * visitor already identified gets their customer at once; then every visit of the anonymous ids
 * in `identified` still without a customer gets the one that id now belongs to. Run in the
 * transaction that wrote the batch's identities.
 */
export async function recordReferralVisits(
  tx: Store,
  shopId: string,
  visits: readonly ReferralVisitInput[],
  identified: readonly string[],
): Promise<void> {
  const db = tx.engine;
  for (const v of visits)
    await db.run(
      `INSERT INTO referral_visits (shop_id, anonymous_id, code, customer_id, landing_url, first_seen_at, last_seen_at)
       SELECT CAST($1 AS VARCHAR), CAST($2 AS VARCHAR), CAST($3 AS VARCHAR),
         (SELECT MIN(customer_id) FROM customer_identities WHERE shop_id = $1 AND kind = 'anonymous' AND value = $2),
         CAST($4 AS VARCHAR), CAST($5 AS TIMESTAMPTZ), CAST($5 AS TIMESTAMPTZ)
       ON CONFLICT (shop_id, anonymous_id, code)
       DO UPDATE SET last_seen_at = GREATEST(referral_visits.last_seen_at, excluded.last_seen_at)`,
      [shopId, v.anonymousId, v.code, v.landingUrl ?? null, v.at],
    );
  for (const anonymousId of new Set(identified))
    await db.run(
      `UPDATE referral_visits SET customer_id = ci.customer_id
       FROM customer_identities ci
       WHERE referral_visits.shop_id = $1 AND referral_visits.anonymous_id = $2
         AND referral_visits.customer_id IS NULL
         AND ci.shop_id = $1 AND ci.kind = 'anonymous' AND ci.value = $2`,
      [shopId, anonymousId],
    );
}

/** A visitor's or a customer's referral visits, oldest first. */
export async function findReferralVisits(
  store: Store,
  shopId: string,
  who: { anonymousId: string } | { customerId: string },
): Promise<ReferralVisit[]> {
  const [column, value] =
    'anonymousId' in who ? ['anonymous_id', who.anonymousId] : ['customer_id', who.customerId];
  const rows = await store.engine.all<{
    anonymous_id: string;
    code: string;
    customer_id: string | null;
    landing_url: string | null;
    first_seen_at: Date | string;
    last_seen_at: Date | string;
  }>(
    `SELECT anonymous_id, code, customer_id, landing_url, first_seen_at, last_seen_at
     FROM referral_visits WHERE shop_id = $1 AND ${column} = $2
     ORDER BY first_seen_at, code`,
    [shopId, value],
  );
  return rows.map((r) => ({
    anonymousId: r.anonymous_id,
    code: r.code,
    customerId: r.customer_id,
    landingUrl: r.landing_url,
    firstSeenAt: new Date(r.first_seen_at),
    lastSeenAt: new Date(r.last_seen_at),
  }));
}
