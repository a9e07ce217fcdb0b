import { localDaySql } from '../analytics/sql.js';
import type { SqlEngine } from '../engine.js';

/** How many customers entered and left a segment on one calendar day of the shop. */
export interface MembershipFlowDay {
  /** `YYYY-MM-DD` in the shop's time zone. */
  day: string;
  entered: number;
  exited: number;
}

/**
 * Entries into and exits from one segment per calendar day (in `timeZone`) since `since`, counted
 * in SQL: a day with 100,000 customers moving is one row, not 100,000. Days without movement are
 * left out. Entries are read from both the current stays and the ended ones (an ended stay began
 * before it ended, so `exited_at >= since` lets the history's index narrow the ended ones).
 */
export async function membershipFlow(
  engine: SqlEngine,
  shopId: string,
  segmentId: string,
  window: { since: Date; timeZone: string },
): Promise<MembershipFlowDay[]> {
  const day = (column: string) => `CAST(${localDaySql(column, window.timeZone)} AS VARCHAR)`;
  const rows = await engine.all<{ day: string; entered: number | bigint; exited: number | bigint }>(
    `SELECT day, SUM(entered) AS entered, SUM(exited) AS exited FROM (
       SELECT ${day('entered_at')} AS day, 1 AS entered, 0 AS exited FROM segment_members
         WHERE shop_id = $1 AND segment_id = $2 AND entered_at >= $3
       UNION ALL
       SELECT ${day('entered_at')} AS day, 1 AS entered, 0 AS exited FROM segment_membership_history
         WHERE shop_id = $1 AND segment_id = $2 AND exited_at >= $3 AND entered_at >= $3
       UNION ALL
       SELECT ${day('exited_at')} AS day, 0 AS entered, 1 AS exited FROM segment_membership_history
         WHERE shop_id = $1 AND segment_id = $2 AND exited_at >= $3
     ) moves GROUP BY day ORDER BY day`,
    [shopId, segmentId, window.since],
  );
  return rows.map((r) => ({ day: String(r.day), entered: Number(r.entered), exited: Number(r.exited) }));
}
