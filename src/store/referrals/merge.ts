/**
 * Referrals of merged customers (docs/loyalty.md, "Merged customers"): the absorbed customer's
 * referrals (as referrer and as friend) follow the survivor, in the merge's transaction. Runs
 * after `absorbCustomers` staged the pairs in `stage_absorbed` (loser → survivor). Codes need
 * nothing: a code resolves to its customer's survivor (`referrerOfCode`), so the absorbed
 * customer's shared links keep working for the survivor.
 */
import type { SqlEngine } from '../engine.js';
import { STAGE_ABSORBED } from '../staging.js';

interface FriendRow {
  survivor_id: string;
  friend_id: string;
  state: string;
  attributed_at: Date | string;
  [key: string]: unknown;
}

const OPEN = "('pending', 'delivered')";

/**
 * The survivor becomes the referrer of the absorbed customers' friends; of the referrals naming
 * the survivor and its absorbed customers as the friend, one stands for the person (a friend is
 * referred once): a converted one (its reward was given), else an open one, else any; the first
 * attributed among equals. It is kept under the survivor; the others stay under their old ids as
 * history, and those still open are cancelled (`merged_duplicate`) so they can never pay a second
 * reward. A referral the merge turned into a self-referral (the friend and the referrer were one
 * person) is refused first (`self_referral`), so it never stands for the person.
 */
export async function absorbReferrals(db: SqlEngine, shopId: string, now: Date): Promise<void> {
  const a = STAGE_ABSORBED.name;
  await db.run(
    `UPDATE referrals SET referrer_id = a.survivor_id FROM ${a} a
     WHERE referrals.shop_id = $1 AND referrals.referrer_id = a.loser_id`,
    [shopId],
  );
  // Friend and referrer were one person: refused, as the referral pass refuses a self-referral.
  await db.run(
    `UPDATE referrals SET state = 'refused', reason = 'self_referral', decided_at = $2
     WHERE shop_id = $1 AND state IN ${OPEN} AND referrer_id IN (SELECT survivor_id FROM ${a})
       AND (friend_id = referrer_id
         OR friend_id IN (SELECT s.loser_id FROM ${a} s WHERE s.survivor_id = referrals.referrer_id))`,
    [shopId, now],
  );
  const rows = await db.all<FriendRow>(
    `SELECT g.survivor_id, r.friend_id, r.state, r.attributed_at
     FROM (SELECT survivor_id, survivor_id AS member_id FROM ${a} UNION SELECT survivor_id, loser_id FROM ${a}) g
     JOIN referrals r ON r.shop_id = $1 AND r.friend_id = g.member_id`,
    [shopId],
  );
  const groups = new Map<string, FriendRow[]>();
  for (const r of rows) groups.set(r.survivor_id, [...(groups.get(r.survivor_id) ?? []), r]);
  for (const [survivor, group] of groups) await settleFriend(db, shopId, survivor, group, now);
}

const time = (r: FriendRow) => new Date(r.attributed_at).getTime();
/** Which referral stands for the person: one that paid its reward, else one still open, else any. */
const standing = (r: FriendRow) =>
  r.state === 'converted' ? 2 : r.state === 'pending' || r.state === 'delivered' ? 1 : 0;

/** Keeps one referral of the person under the survivor, the others as cancelled history. */
async function settleFriend(
  db: SqlEngine,
  shopId: string,
  survivor: string,
  group: readonly FriendRow[],
  now: Date,
): Promise<void> {
  const ranked = [...group].sort(
    (x, y) =>
      standing(y) - standing(x) ||
      time(x) - time(y) ||
      Number(y.friend_id === survivor) - Number(x.friend_id === survivor),
  );
  const winner = ranked[0]!;
  const others = ranked.slice(1).map((r) => r.friend_id);
  if (others.length > 0)
    await db.run(
      `UPDATE referrals SET state = 'cancelled', reason = 'merged_duplicate', decided_at = $2
       WHERE shop_id = $1 AND state IN ${OPEN} AND friend_id IN (${others.map((_, i) => `$${i + 3}`).join(', ')})`,
      [shopId, now, ...others],
    );
  if (winner.friend_id === survivor) return;
  // The survivor's own row (if any) and the winner swap places: one row per friend id.
  const hold = `\u0001merge:${winner.friend_id}`;
  const move = (from: string, to: string) =>
    db.run('UPDATE referrals SET friend_id = $3 WHERE shop_id = $1 AND friend_id = $2', [shopId, from, to]);
  const ownRow = group.some((r) => r.friend_id === survivor);
  if (ownRow) await move(survivor, hold);
  await move(winner.friend_id, survivor);
  if (ownRow) await move(hold, winner.friend_id);
}
