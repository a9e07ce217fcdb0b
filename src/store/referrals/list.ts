/**
 * The referral programme as the seller reads it: the list (refusals with their reasons) and the
 * KPIs' counts and revenue. Both engines.
 */
import type { ReferralState } from '../../domain/referrals.js';
import type { Store } from '../store.js';
import { COLUMNS, type RawReferral, type ReferralRow, rowOf } from './program.js';

/** Referrals, newest first, optionally of one state. */
export async function listReferralRows(
  store: Store,
  shopId: string,
  filter: { state?: ReferralState | undefined; limit: number },
): Promise<(ReferralRow & { friendName: string | null; referrerName: string | null })[]> {
  const params: (string | number)[] = [shopId];
  let where = 'r.shop_id = $1';
  if (filter.state) {
    params.push(filter.state);
    where += ` AND r.state = $${params.length}`;
  }
  params.push(filter.limit);
  const rows = await store.engine.all<
    RawReferral & { friend_name: string | null; referrer_name: string | null }
  >(
    `SELECT ${COLUMNS.split(', ')
      .map((c) => `r.${c}`)
      .join(', ')},
       NULLIF(TRIM(COALESCE(f.first_name, '') || ' ' || COALESCE(f.last_name, '')), '') AS friend_name,
       NULLIF(TRIM(COALESCE(p.first_name, '') || ' ' || COALESCE(p.last_name, '')), '') AS referrer_name
     FROM referrals r
     LEFT JOIN customers f ON f.shop_id = r.shop_id AND f.customer_id = r.friend_id
     LEFT JOIN customers p ON p.shop_id = r.shop_id AND p.customer_id = r.referrer_id
     WHERE ${where} ORDER BY r.attributed_at DESC, r.friend_id LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ ...rowOf(r), friendName: r.friend_name, referrerName: r.referrer_name }));
}

/** Counts and revenue behind the programme's KPIs (valid revenue of the customer_stats rows). */
export async function referralKpiRows(
  store: Store,
  shopId: string,
): Promise<{
  referred: number;
  converted: number;
  refused: number;
  referredRevenue: number;
  referrers: number;
  referrersRevenue: number;
  totalRevenue: number;
}> {
  const rows = await store.engine.all<Record<string, number | string | bigint | null>>(
    `SELECT
       (SELECT COUNT(*) FROM referrals WHERE shop_id = $1 AND state IN ('pending', 'delivered', 'converted')) AS referred,
       (SELECT COUNT(*) FROM referrals WHERE shop_id = $1 AND state = 'converted') AS converted,
       (SELECT COUNT(*) FROM referrals WHERE shop_id = $1 AND state IN ('refused', 'cancelled')) AS refused,
       (SELECT COALESCE(SUM(s.revenue), 0) FROM customer_stats s JOIN referrals r
          ON r.shop_id = s.shop_id AND r.friend_id = s.customer_id AND r.state IN ('pending', 'delivered', 'converted')
        WHERE s.shop_id = $1) AS referred_revenue,
       (SELECT COUNT(DISTINCT referrer_id) FROM referrals WHERE shop_id = $1 AND state = 'converted') AS referrers,
       (SELECT COALESCE(SUM(s.revenue), 0) FROM customer_stats s
        WHERE s.shop_id = $1 AND s.customer_id IN
          (SELECT referrer_id FROM referrals WHERE shop_id = $1 AND state = 'converted')) AS referrers_revenue,
       (SELECT COALESCE(SUM(revenue), 0) FROM customer_stats WHERE shop_id = $1) AS total_revenue`,
    [shopId],
  );
  const r = rows[0] ?? {};
  const n = (k: string) => Number(r[k] ?? 0);
  return {
    referred: n('referred'),
    converted: n('converted'),
    refused: n('refused'),
    referredRevenue: n('referred_revenue'),
    referrers: n('referrers'),
    referrersRevenue: n('referrers_revenue'),
    totalRevenue: n('total_revenue'),
  };
}
