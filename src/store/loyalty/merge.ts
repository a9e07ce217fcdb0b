/**
 * Loyalty of merged customers (docs/loyalty.md, "Merged customers"): when an import or a webhook
 * shows that two customer records are one person, the absorbed customer's ledger entries, tier
 * and coupons move to the survivor in the merge's own transaction, so that balances, the order
 * pass and the once-only checks see one person. Runs after `absorbCustomers` staged the pairs in
 * `stage_absorbed` (loser → survivor).
 */
import { programSchema } from '../../domain/loyalty/program.js';
import { customerRows } from '../customers/records.js';
import type { SqlEngine } from '../engine.js';
import { PG_LOCK_CLASS } from '../postgres/locks.js';
import { STAGE_ABSORBED, stage, t } from '../staging.js';
import type { Store } from '../store.js';

const STAGE_TIER_RANKS = t('stage_tier_ranks', ['tier_id', 'text'], ['tier_rank', 'integer']);
const WINNERS = 'loyalty_merged_members';

/**
 * The text of a customer's points lock (PostgreSQL: `pg_advisory_xact_lock(PG_LOCK_CLASS,
 * hashtext(key))`), which redemptions, adjustments and merges take.
 */
export const pointsLockKey = (shopId: string, customerId: string): string =>
  `loyalty:${shopId}:${customerId}`;

/**
 * Moves the absorbed customers' loyalty onto their survivors: every ledger entry (earned, pending,
 * approved, reversed, redeemed, expired; `merged_from` keeps whose it was), the higher of the
 * tiers (with its dates, so a downgrade the policy still holds back stays held back), and their
 * coupons (a reward bought with the absorbed record's points stays usable).
 */
export async function absorbLoyalty(db: SqlEngine, shopId: string, now: Date): Promise<void> {
  // A redemption or adjustment of either customer running now commits first (its entry moves
  // with the others) or waits for the merge; in id order, so two merges cannot deadlock.
  if (db.dialect === 'postgres')
    await db.run(
      `SELECT pg_advisory_xact_lock(${PG_LOCK_CLASS}, hashtext('loyalty:' || CAST($1 AS VARCHAR) || ':' || x.id))
       FROM (SELECT id FROM (SELECT loser_id AS id FROM ${STAGE_ABSORBED.name}
             UNION SELECT survivor_id FROM ${STAGE_ABSORBED.name}) u ORDER BY id OFFSET 0) x`,
      [shopId],
    );
  await db.run(
    `UPDATE loyalty_ledger SET merged_from = COALESCE(loyalty_ledger.merged_from, loyalty_ledger.customer_id),
       customer_id = a.survivor_id
     FROM ${STAGE_ABSORBED.name} a WHERE loyalty_ledger.shop_id = $1 AND loyalty_ledger.customer_id = a.loser_id`,
    [shopId],
  );
  await db.run(
    `UPDATE coupons SET customer_id = a.survivor_id FROM ${STAGE_ABSORBED.name} a
     WHERE coupons.shop_id = $1 AND coupons.customer_id = a.loser_id`,
    [shopId],
  );
  await mergeMembers(db, shopId, now);
}

/** The shop's tiers, lowest first (none without a stored programme). */
async function tierOrder(db: SqlEngine, shopId: string): Promise<string[]> {
  const [row] = await db.all<{ document: string }>(
    'SELECT document FROM loyalty_programs WHERE shop_id = $1 ORDER BY version DESC LIMIT 1',
    [shopId],
  );
  if (!row) return [];
  const parsed = programSchema.safeParse(JSON.parse(row.document));
  return parsed.success ? parsed.data.tiers.levels.map((l) => l.id) : [];
}

/**
 * One `loyalty_members` row per survivor: the highest tier of the survivor and its absorbed
 * customers (then the one still qualifying, then the one held longest). No `Tier Changed` event:
 * the person held that tier already. The next order pass recomputes the qualifying value from the
 * merged orders and moves the tier as the policy says.
 */
async function mergeMembers(db: SqlEngine, shopId: string, now: Date): Promise<void> {
  const order = await tierOrder(db, shopId);
  await stage(db, STAGE_TIER_RANKS, [order, order.map((_, i) => i)]);
  await db.run(`DROP TABLE IF EXISTS ${WINNERS}`);
  await db.run(
    `CREATE TEMP TABLE ${WINNERS} AS
     SELECT survivor_id, tier_id, tier_since, below_since, qualifying FROM (
       SELECT g.survivor_id, m.tier_id, m.tier_since, m.below_since, m.qualifying,
         ROW_NUMBER() OVER (PARTITION BY g.survivor_id ORDER BY COALESCE(r.tier_rank, -1) DESC,
           CASE WHEN m.below_since IS NULL THEN 0 ELSE 1 END, m.tier_since, m.customer_id) AS n
       FROM (SELECT survivor_id, survivor_id AS member_id FROM ${STAGE_ABSORBED.name}
             UNION SELECT survivor_id, loser_id FROM ${STAGE_ABSORBED.name}) g
       JOIN loyalty_members m ON m.shop_id = $1 AND m.customer_id = g.member_id
       LEFT JOIN ${STAGE_TIER_RANKS.name} r ON r.tier_id = m.tier_id
     ) x WHERE n = 1`,
    [shopId],
  );
  // Update, insert, delete: never a delete and an insert of one key in a transaction.
  await db.run(
    `UPDATE loyalty_members SET tier_id = w.tier_id, tier_since = w.tier_since, below_since = w.below_since,
       qualifying = w.qualifying, updated_at = $2
     FROM ${WINNERS} w WHERE loyalty_members.shop_id = $1 AND loyalty_members.customer_id = w.survivor_id`,
    [shopId, now],
  );
  await db.run(
    `INSERT INTO loyalty_members (shop_id, customer_id, tier_id, tier_since, below_since, qualifying, updated_at)
     SELECT CAST($1 AS VARCHAR), w.survivor_id, w.tier_id, w.tier_since, w.below_since, w.qualifying, CAST($2 AS TIMESTAMPTZ) FROM ${WINNERS} w
     WHERE NOT EXISTS (SELECT 1 FROM loyalty_members m WHERE m.shop_id = CAST($1 AS VARCHAR) AND m.customer_id = w.survivor_id)`,
    [shopId, now],
  );
  await db.run(
    `DELETE FROM loyalty_members WHERE shop_id = $1 AND customer_id IN (SELECT loser_id FROM ${STAGE_ABSORBED.name})`,
    [shopId],
  );
  await db.run(`DROP TABLE ${WINNERS}`);
}

/** The survivor a customer was merged into (null: a live customer, or none such); one index lookup. */
export async function mergedInto(store: Store, shopId: string, customerId: string): Promise<string | null> {
  const [row] = await customerRows<{ merged_into: string | null }>(
    store,
    shopId,
    customerId,
    'customers',
    'merged_into',
  );
  return row?.merged_into ?? null;
}
