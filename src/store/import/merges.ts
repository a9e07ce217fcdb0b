/** Customer merges found by an import: moving the absorbed customers onto their survivors, and the merge log. */
import type { resolveIdentities } from '../../domain/identity.js';
import { emptyColumns, type LoadColumn, type SqlEngine, type SqlValue } from '../engine.js';
import { absorbLoyalty } from '../loyalty/merge.js';
import { absorbReferrals } from '../referrals/merge.js';
import { STAGE_ABSORBED, stage } from '../staging.js';
import type { Batch, ImportContext } from './session.js';

/**
 * Moves everything of each absorbed customer onto its survivor and marks it merged: orders,
 * events, feedback, identities, tags, and (in the same transaction) its points, tier, coupons and
 * referrals (docs/loyalty.md, "Merged customers").
 */
export async function absorbCustomers(
  db: SqlEngine,
  shopId: string,
  absorbed: ReadonlyMap<string, string>,
  now: Date,
): Promise<void> {
  if (absorbed.size === 0) return;
  await stage(db, STAGE_ABSORBED, [[...absorbed.keys()], [...absorbed.values()]]);
  for (const table of ['orders', 'events', 'feedback', 'customer_identities']) {
    await db.run(
      `UPDATE ${table} SET customer_id = a.survivor_id FROM stage_absorbed a
       WHERE ${table}.shop_id = $1 AND ${table}.customer_id = a.loser_id`,
      [shopId],
    );
  }
  await db.run(
    `INSERT INTO customer_tags (shop_id, customer_id, tag)
     SELECT DISTINCT t.shop_id, a.survivor_id, t.tag FROM customer_tags t
     JOIN stage_absorbed a ON t.customer_id = a.loser_id WHERE t.shop_id = $1
     ON CONFLICT (shop_id, customer_id, tag) DO NOTHING`,
    [shopId],
  );
  await db.run(
    `DELETE FROM customer_tags WHERE shop_id = $1 AND customer_id IN (SELECT loser_id FROM stage_absorbed)`,
    [shopId],
  );
  await absorbLoyalty(db, shopId, now);
  await absorbReferrals(db, shopId, now);
  await db.run(
    `UPDATE customers SET merged_into = a.survivor_id, updated_at = $2 FROM stage_absorbed a
     WHERE customers.shop_id = $1 AND customers.customer_id = a.loser_id`,
    [shopId, now],
  );
  // Customers absorbed earlier into a loser now point to the survivor too.
  await db.run(
    `UPDATE customers SET merged_into = a.survivor_id FROM stage_absorbed a
     WHERE customers.shop_id = $1 AND customers.merged_into = a.loser_id`,
    [shopId],
  );
}

/** The merge log's columns, in the order `writeMerges` fills them. */
const MERGE_COLUMNS: readonly LoadColumn[] = [
  { name: 'shop_id', type: 'text' },
  { name: 'merge_id', type: 'text' },
  { name: 'survivor_id', type: 'text' },
  { name: 'merged_customer_id', type: 'text' },
  { name: 'record_source', type: 'text' },
  { name: 'record_ref', type: 'text' },
  { name: 'matched_kind', type: 'text' },
  { name: 'matched_value', type: 'text' },
  { name: 'reason', type: 'text' },
  { name: 'import_id', type: 'text' },
  { name: 'merged_at', type: 'timestamp' },
];

/**
 * Logs each merge the batch caused, naming the record that caused it: one bulk load, not a
 * statement per merge (a batch of store webhooks whose customers are known by phone logs one
 * merge per order; one INSERT each cost 1 ms of a 1.8 ms-per-order batch).
 */
export async function writeMerges(
  db: SqlEngine,
  shopId: string,
  merges: ReturnType<typeof resolveIdentities>['merges'],
  _records: number,
  batch: Batch,
  ctx: ImportContext,
): Promise<void> {
  if (merges.length === 0) return;
  const columns = emptyColumns(MERGE_COLUMNS.length);
  for (const m of merges) {
    const { source, ref } = describeRecord(batch, m.recordIndex);
    const row: SqlValue[] = [
      shopId,
      ctx.newMergeId(),
      m.survivorId,
      m.mergedCustomerId ?? null,
      source,
      ref,
      m.matchedKind,
      m.matchedValue,
      m.reason,
      ctx.importId,
      ctx.now,
    ];
    row.forEach((value, c) => {
      columns[c]!.push(value);
    });
  }
  await db.load('customer_merges', MERGE_COLUMNS, columns);
}

function describeRecord(batch: Batch, index: number): { source: string; ref: string } {
  const nc = batch.customers.length;
  const no = batch.orders.length;
  if (index < nc) {
    const c = batch.customers[index]!;
    return { source: c.source, ref: `customer ${c.externalId ?? c.email ?? c.phone ?? ''}` };
  }
  if (index < nc + no) {
    const o = batch.orders;
    const i = index - nc;
    return { source: o.source[i]!, ref: `order ${o.name[i] ?? o.externalId[i]!}` };
  }
  const e = batch.events[index - nc - no]!;
  return { source: 'events', ref: `event ${e.messageId ?? e.event}` };
}
