/**
 * The points ledger's SQL (table `loyalty_ledger`, migration 026), in the subset DuckDB and
 * PostgreSQL both run. Entries are only ever appended; a source key the shop has is skipped
 * (see `skipExisting`), so appending the same plan twice writes it once.
 */
import type { LedgerKind, OrderLedgerState, PlannedEntry, SourceType } from '../../domain/loyalty/ledger.js';
import type { Dialect, SqlValue } from '../engine.js';
import { skipExisting, toColumns } from '../flows/columns.js';
import { type IdScope, shopRowsSql } from '../segments/scope.js';
import { type StagingTable, stage } from '../staging.js';
import type { Store } from '../store.js';

/** An entry as stored. */
export interface LedgerEntry extends PlannedEntry {
  entryId: string;
  createdAt: Date;
  /** Read back only: the customer the entry was written for, when a merge moved it to this one. */
  mergedFrom?: string | null;
}

const STAGE: StagingTable = {
  name: 'stage_loyalty_entries',
  columns: [
    { name: 'entry_id', type: 'text' },
    { name: 'source_key', type: 'text' },
    { name: 'customer_id', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'points', type: 'integer' },
    { name: 'pending', type: 'integer' },
    { name: 'reason', type: 'text' },
    { name: 'rule_id', type: 'text' },
    { name: 'program_version', type: 'integer' },
    { name: 'rate', type: 'double' },
    { name: 'base', type: 'text' },
    { name: 'source_type', type: 'text' },
    { name: 'source_id', type: 'text' },
    { name: 'note', type: 'text' },
    { name: 'created_at', type: 'timestamp' },
  ],
};

const COLUMNS = STAGE.columns.map((c) => c.name).join(', ');

/** An entry's values in the order of `COLUMNS` (the base as text: a DECIMAL on both engines). */
function entryValues(e: LedgerEntry): SqlValue[] {
  return [
    e.entryId,
    e.sourceKey,
    e.customerId,
    e.kind,
    e.points,
    e.pending,
    e.reason,
    e.ruleId,
    e.programVersion,
    e.rate,
    e.base === null ? null : String(e.base),
    e.sourceType,
    e.sourceId,
    e.note ?? null,
    e.createdAt,
  ];
}

/**
 * Appends entries whose source keys the shop does not have yet (the others are skipped: an
 * order re-imported, a webhook re-delivered). Run inside a transaction (the staged rows live on
 * one connection).
 */
export async function appendEntries(
  store: Store,
  shopId: string,
  entries: readonly LedgerEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const seen = new Set<string>();
  const unique = entries.filter((e) => !seen.has(e.sourceKey) && seen.add(e.sourceKey));
  const rows = unique.map(entryValues);
  return store.engine.transaction(async (db) => {
    await stage(db, STAGE, toColumns(rows, STAGE.columns.length));
    const skip = skipExisting(store.dialect, 'loyalty_ledger', [['source_key']]);
    await db.run(
      `INSERT INTO loyalty_ledger (shop_id, ${COLUMNS})
       SELECT $1, s.entry_id, s.source_key, s.customer_id, s.kind, s.points, s.pending, s.reason, s.rule_id,
         CAST(s.program_version AS INTEGER), s.rate, CAST(s.base AS DECIMAL(18,2)), s.source_type, s.source_id,
         s.note, s.created_at
       FROM ${STAGE.name} s ${skip.where} ${skip.onConflict}`,
      [shopId],
    );
  });
}

/**
 * Appends one entry (a redemption, an adjustment) whose key is new: the caller holds the
 * customer's lock and has checked the key (on PostgreSQL a key taken meanwhile would fail on the
 * unique index; DuckDB's one writer runs the check and the insert in one transaction).
 */
export async function insertEntry(store: Store, shopId: string, e: LedgerEntry): Promise<void> {
  await store.engine.run(
    `INSERT INTO loyalty_ledger (shop_id, ${COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CAST($12 AS DECIMAL(18,2)), $13, $14, $15, $16)`,
    [shopId, ...entryValues(e)],
  );
}

/** One customer's rows of the ledger as a derived table (`$1` shop, `$2` customer), index-friendly on both engines. */
function customerRows(dialect: Dialect): string {
  return dialect === 'postgres'
    ? '(SELECT * FROM loyalty_ledger WHERE shop_id = $1 AND customer_id = $2)'
    : '(SELECT * FROM (SELECT * FROM loyalty_ledger WHERE customer_id = $2 OFFSET 0) f WHERE f.shop_id = $1)';
}

export interface Balance {
  points: number;
  pending: number;
  /** The last time the customer earned, had points approved or redeemed (expiry counts from it). */
  lastActivityAt: Date | null;
}

/** A customer's balance and pending points: sums of the ledger. */
export async function customerBalance(store: Store, shopId: string, customerId: string): Promise<Balance> {
  const [row] = await store.engine.all<{
    points: number | null;
    pending: number | null;
    last: Date | string | null;
  }>(
    `SELECT SUM(points) AS points, SUM(pending) AS pending,
       MAX(CASE WHEN kind IN ('earn', 'approve', 'redeem') OR (kind = 'adjust' AND points > 0) THEN created_at END) AS last
     FROM ${customerRows(store.dialect)} l`,
    [shopId, customerId],
  );
  return {
    points: Number(row?.points ?? 0),
    pending: Number(row?.pending ?? 0),
    lastActivityAt: row?.last ? new Date(row.last) : null,
  };
}

/** The customer's entry with this source key, if the ledger holds it (a repeated redemption). */
export async function customerEntryByKey(
  store: Store,
  shopId: string,
  customerId: string,
  sourceKey: string,
): Promise<LedgerEntry | undefined> {
  const [row] = await store.engine.all<EntryRow>(
    `SELECT ${COLUMNS} FROM ${customerRows(store.dialect)} l WHERE l.source_key = $3`,
    [shopId, customerId, sourceKey],
  );
  return row ? toEntry(row) : undefined;
}

interface EntryRow {
  entry_id: string;
  source_key: string;
  customer_id: string;
  kind: string;
  points: number;
  pending: number;
  reason: string;
  rule_id: string | null;
  program_version: number | null;
  rate: number | null;
  base: number | string | null;
  source_type: string;
  source_id: string | null;
  note: string | null;
  created_at: Date | string;
  merged_from?: string | null;
  [key: string]: unknown;
}

const toEntry = (r: EntryRow): LedgerEntry => ({
  entryId: r.entry_id,
  sourceKey: r.source_key,
  customerId: r.customer_id,
  kind: r.kind as LedgerKind,
  points: Number(r.points),
  pending: Number(r.pending),
  reason: r.reason as LedgerEntry['reason'],
  ruleId: r.rule_id,
  programVersion: r.program_version === null ? null : Number(r.program_version),
  rate: r.rate === null ? null : Number(r.rate),
  base: r.base === null ? null : Number(r.base),
  sourceType: r.source_type as SourceType,
  sourceId: r.source_id,
  note: r.note,
  createdAt: new Date(r.created_at),
  ...(r.merged_from ? { mergedFrom: r.merged_from } : {}),
});

/** A customer's entries, newest first. */
export async function customerEntries(
  store: Store,
  shopId: string,
  customerId: string,
  limit = 200,
): Promise<LedgerEntry[]> {
  const rows = await store.engine.all<EntryRow>(
    `SELECT ${COLUMNS}, merged_from FROM ${customerRows(store.dialect)} l
     ORDER BY created_at DESC, entry_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    [shopId, customerId],
  );
  return rows.map(toEntry);
}

/** What a customer holds of a once-per-customer rule: its points net of reversals, and how many reversals. */
export interface RuleHolding {
  net: number;
  entries: number;
  reversals: number;
}

/** The customer-level rule entries of the customers in scope (second order, spend threshold), by customer and rule. */
export async function customerRuleHoldings(
  store: Store,
  shopId: string,
  scope: IdScope,
): Promise<Map<string, Map<string, RuleHolding>>> {
  const params: SqlValue[] = [shopId];
  const from = shopRowsSql(store.dialect, 'loyalty_ledger', '*', 'customer_id', scope, params);
  const rows = await store.engine.all<{
    customer_id: string;
    rule_id: string;
    net: number | bigint;
    entries: number | bigint;
    reversals: number | bigint;
  }>(
    `SELECT customer_id, rule_id, SUM(points) AS net, COUNT(*) AS entries,
       SUM(CASE WHEN kind = 'reverse' THEN 1 ELSE 0 END) AS reversals
     FROM ${from} l WHERE l.source_type = 'customer' AND l.rule_id IS NOT NULL GROUP BY customer_id, rule_id`,
    params,
  );
  const out = new Map<string, Map<string, RuleHolding>>();
  for (const r of rows) {
    const held = out.get(r.customer_id) ?? new Map<string, RuleHolding>();
    held.set(r.rule_id, { net: Number(r.net), entries: Number(r.entries), reversals: Number(r.reversals) });
    out.set(r.customer_id, held);
  }
  return out;
}

/** The entries of the orders of customers in scope, summed per order. */
export async function orderLedgerStates(
  store: Store,
  shopId: string,
  scope: IdScope,
): Promise<Map<string, OrderLedgerState>> {
  const params: SqlValue[] = [shopId];
  const from = shopRowsSql(store.dialect, 'loyalty_ledger', '*', 'customer_id', scope, params);
  const rows = await store.engine.all<{
    source_id: string;
    earned: number;
    approved: number;
    rate: number | null;
    base: number | string | null;
    points: number;
    pending: number;
    reversals: number;
  }>(
    `SELECT source_id,
       SUM(CASE WHEN kind = 'earn' THEN 1 ELSE 0 END) AS earned,
       SUM(CASE WHEN kind = 'approve' THEN 1 ELSE 0 END) AS approved,
       MAX(CASE WHEN kind = 'earn' THEN rate END) AS rate,
       MAX(CASE WHEN kind = 'earn' THEN base END) AS base,
       SUM(points) AS points, SUM(pending) AS pending,
       SUM(CASE WHEN kind = 'reverse' THEN 1 ELSE 0 END) AS reversals
     FROM ${from} l WHERE l.source_type = 'order' GROUP BY source_id`,
    params,
  );
  return new Map(
    rows.map((r) => [
      r.source_id,
      {
        earned: Number(r.earned) > 0,
        approved: Number(r.approved) > 0,
        rate: Number(r.rate ?? 0),
        base: Number(r.base ?? 0),
        points: Number(r.points),
        pending: Number(r.pending),
        reversals: Number(r.reversals),
      },
    ]),
  );
}

/** Points earned from orders and events since `since` per customer in scope (a points-based tier's value). */
export async function earnedSince(
  store: Store,
  shopId: string,
  scope: IdScope,
  since: Date,
): Promise<Map<string, number>> {
  const params: SqlValue[] = [shopId];
  const from = shopRowsSql(store.dialect, 'loyalty_ledger', '*', 'customer_id', scope, params);
  params.push(since);
  const rows = await store.engine.all<{ customer_id: string; points: number }>(
    `SELECT customer_id, SUM(points) AS points FROM ${from} l
     WHERE l.kind IN ('earn', 'approve', 'reverse') AND l.created_at >= $${params.length}
     GROUP BY customer_id`,
    params,
  );
  return new Map(rows.map((r) => [r.customer_id, Number(r.points)]));
}

/** Every customer of the shop with points, their balance and last activity (the expiry pass). */
export async function balancesWithActivity(
  store: Store,
  shopId: string,
): Promise<{ customerId: string; points: number; lastActivityAt: Date }[]> {
  const rows = await store.engine.all<{ customer_id: string; points: number; last: Date | string | null }>(
    `SELECT customer_id, SUM(points) AS points,
       MAX(CASE WHEN kind IN ('earn', 'approve', 'redeem') OR (kind = 'adjust' AND points > 0) THEN created_at END) AS last
     FROM loyalty_ledger WHERE shop_id = $1 GROUP BY customer_id HAVING SUM(points) > 0`,
    [shopId],
  );
  return rows
    .filter((r) => r.last !== null)
    .map((r) => ({ customerId: r.customer_id, points: Number(r.points), lastActivityAt: new Date(r.last!) }));
}
