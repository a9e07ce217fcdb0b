/**
 * The loyalty programme's versions, the members' tiers, the event scan's watermark and the
 * orders and events the ledger is computed from (migration 026).
 */
import type { OrderFacts } from '../../domain/loyalty/ledger.js';
import type { MemberTier } from '../../domain/loyalty/tiers.js';
import type { OrderStatus } from '../../domain/model/index.js';
import type { SqlValue } from '../engine.js';
import { toColumns } from '../flows/columns.js';
import { recordMessageEvents } from '../flows/message-events.js';
import { type IdScope, shopRowsSql } from '../segments/scope.js';
import { type StagingTable, stage } from '../staging.js';
import type { Store } from '../store.js';

export interface StoredProgram {
  version: number;
  document: string;
  createdAt: Date;
}

/** The programme in force: the highest version, if the shop has one. */
export async function latestProgram(store: Store, shopId: string): Promise<StoredProgram | undefined> {
  const [row] = await store.engine.all<{ version: number; document: string; created_at: Date | string }>(
    'SELECT version, document, created_at FROM loyalty_programs WHERE shop_id = $1 ORDER BY version DESC LIMIT 1',
    [shopId],
  );
  return row
    ? { version: Number(row.version), document: row.document, createdAt: new Date(row.created_at) }
    : undefined;
}

/** Stores the next version; false if another writer took that version number first. */
export async function insertProgram(
  store: Store,
  shopId: string,
  version: number,
  document: string,
  at: Date,
): Promise<boolean> {
  const rows = await store.engine.all(
    `INSERT INTO loyalty_programs (shop_id, version, document, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING version`,
    [shopId, version, document, at],
  );
  return rows.length > 0;
}

/** Members' tiers for the customers in scope. */
export async function memberTiers(
  store: Store,
  shopId: string,
  scope: IdScope,
): Promise<Map<string, MemberTier>> {
  const params: SqlValue[] = [shopId];
  const from = shopRowsSql(store.dialect, 'loyalty_members', '*', 'customer_id', scope, params);
  const rows = await store.engine.all<{
    customer_id: string;
    tier_id: string;
    tier_since: Date | string;
    below_since: Date | string | null;
  }>(`SELECT customer_id, tier_id, tier_since, below_since FROM ${from} m`, params);
  return new Map(
    rows.map((r) => [
      r.customer_id,
      {
        tierId: r.tier_id,
        since: new Date(r.tier_since),
        belowSince: r.below_since === null ? null : new Date(r.below_since),
      },
    ]),
  );
}

export interface MemberRow extends MemberTier {
  customerId: string;
  qualifying: number;
}

const STAGE_MEMBERS: StagingTable = {
  name: 'stage_loyalty_members',
  columns: [
    { name: 'customer_id', type: 'text' },
    { name: 'tier_id', type: 'text' },
    { name: 'tier_since', type: 'timestamp' },
    { name: 'below_since', type: 'timestamp' },
    { name: 'qualifying', type: 'double' },
  ],
};

/** Writes members' tiers (insert or replace). Run inside a transaction. */
export async function saveMembers(
  store: Store,
  shopId: string,
  members: readonly MemberRow[],
  at: Date,
): Promise<void> {
  if (members.length === 0) return;
  const rows = members.map((m): SqlValue[] => [m.customerId, m.tierId, m.since, m.belowSince, m.qualifying]);
  await store.engine.transaction(async (db) => {
    await stage(db, STAGE_MEMBERS, toColumns(rows, STAGE_MEMBERS.columns.length));
    await db.run(
      `INSERT INTO loyalty_members (shop_id, customer_id, tier_id, tier_since, below_since, qualifying, updated_at)
       SELECT $1, s.customer_id, s.tier_id, s.tier_since, s.below_since, s.qualifying, CAST($2 AS TIMESTAMPTZ)
       FROM ${STAGE_MEMBERS.name} s
       ON CONFLICT (shop_id, customer_id) DO UPDATE SET tier_id = excluded.tier_id, tier_since = excluded.tier_since,
         below_since = excluded.below_since, qualifying = excluded.qualifying, updated_at = excluded.updated_at`,
      [shopId, at],
    );
  });
}

/** Every member of the shop (the nightly downgrade pass). */
export async function allMemberIds(store: Store, shopId: string): Promise<string[]> {
  const rows = await store.engine.all<{ customer_id: string }>(
    'SELECT customer_id FROM loyalty_members WHERE shop_id = $1',
    [shopId],
  );
  return rows.map((r) => r.customer_id);
}

/** How many members each tier has. */
export async function tierCounts(store: Store, shopId: string): Promise<Map<string, number>> {
  const rows = await store.engine.all<{ tier_id: string; n: number }>(
    'SELECT tier_id, COUNT(*) AS n FROM loyalty_members WHERE shop_id = $1 GROUP BY tier_id',
    [shopId],
  );
  return new Map(rows.map((r) => [r.tier_id, Number(r.n)]));
}

/** The orders of the customers in scope (live customers; merged ones' orders follow the survivor). */
export async function scopedOrders(store: Store, shopId: string, scope: IdScope): Promise<OrderFacts[]> {
  const params: SqlValue[] = [shopId];
  const from = shopRowsSql(
    store.dialect,
    'orders',
    'shop_id, order_id, customer_id, status, total, shipping, refunded, cancelled_at, created_at',
    'customer_id',
    scope,
    params,
  );
  const rows = await store.engine.all<{
    order_id: string;
    customer_id: string;
    status: string;
    total: number | string;
    shipping: number | string;
    refunded: number | string;
    cancelled_at: Date | string | null;
    created_at: Date | string;
  }>(
    `SELECT order_id, customer_id, status, total, shipping, refunded, cancelled_at, created_at FROM ${from} o`,
    params,
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    customerId: r.customer_id,
    status: r.status as OrderStatus,
    total: Number(r.total),
    shipping: Number(r.shipping),
    refunded: Number(r.refunded),
    cancelled: r.cancelled_at !== null,
    createdAt: new Date(r.created_at),
  }));
}

/** Customers' `birthday` attributes (YYYY-MM-DD or MM-DD), for those that have one. */
export async function birthdays(
  store: Store,
  shopId: string,
): Promise<{ customerId: string; birthday: string }[]> {
  const rows = await store.engine.all<{ customer_id: string; attributes: string }>(
    `SELECT customer_id, attributes FROM customers
     WHERE shop_id = $1 AND merged_into IS NULL AND attributes IS NOT NULL AND POSITION('birthday' IN attributes) > 0`,
    [shopId],
  );
  const out: { customerId: string; birthday: string }[] = [];
  for (const r of rows) {
    try {
      const value = (JSON.parse(r.attributes) as Record<string, unknown>)['birthday'];
      if (typeof value === 'string') out.push({ customerId: r.customer_id, birthday: value });
    } catch {
      // An attribute blob that is not JSON has no birthday.
    }
  }
  return out;
}

export interface LoyaltyEvent {
  eventId: string;
  name: string;
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

/** Events of these names with a customer, occurred in (from, to]. */
export async function eventsBetween(
  store: Store,
  shopId: string,
  names: readonly string[],
  from: Date,
  to: Date,
): Promise<LoyaltyEvent[]> {
  if (names.length === 0) return [];
  const params: SqlValue[] = [shopId, from, to, ...names];
  const rows = await store.engine.all<{
    event_id: string;
    name: string;
    customer_id: string;
    occurred_at: Date | string;
    properties: string | null;
  }>(
    `SELECT event_id, name, customer_id, occurred_at, properties FROM events
     WHERE shop_id = $1 AND occurred_at > $2 AND occurred_at <= $3 AND customer_id IS NOT NULL
       AND name IN (${names.map((_, i) => `$${i + 4}`).join(', ')})
     ORDER BY occurred_at, event_id`,
    params,
  );
  return rows.map((r) => {
    let properties: Record<string, unknown> = {};
    try {
      const parsed: unknown = r.properties ? JSON.parse(r.properties) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        properties = parsed as Record<string, unknown>;
    } catch {
      properties = {};
    }
    return {
      eventId: r.event_id,
      name: r.name,
      customerId: r.customer_id,
      occurredAt: new Date(r.occurred_at),
      properties,
    };
  });
}

/** How far the shop's event earning has read. */
export async function eventsScannedUntil(store: Store, shopId: string): Promise<Date | undefined> {
  const [row] = await store.engine.all<{ events_until: Date | string }>(
    'SELECT events_until FROM loyalty_scans WHERE shop_id = $1',
    [shopId],
  );
  return row ? new Date(row.events_until) : undefined;
}

export async function setEventsScannedUntil(store: Store, shopId: string, until: Date): Promise<void> {
  await store.engine.run(
    `INSERT INTO loyalty_scans (shop_id, events_until) VALUES ($1, $2)
     ON CONFLICT (shop_id) DO UPDATE SET events_until = excluded.events_until`,
    [shopId, until],
  );
}

export interface NewEvent {
  eventId: string;
  dedupeKey: string;
  name: string;
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

/** Writes events the loyalty programme emits (`Tier Changed`, `Points Expiring`); a dedupe key the shop has is skipped. */
export async function insertEvents(store: Store, shopId: string, events: readonly NewEvent[]): Promise<void> {
  // The same set-based, idempotent insert as the message events (one statement for any number).
  await recordMessageEvents(
    store,
    shopId,
    events.map((e) => ({ ...e, at: e.occurredAt })),
  );
}
