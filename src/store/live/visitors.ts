/**
 * Who is on the storefront now: the shop's events of a short window (the live visitors page),
 * grouped per visitor in SQL. A visitor is a known customer (events with a customer id, whatever
 * anonymous ids they came with) or an anonymous id. Everything is bounded: the visitors shown, the
 * views kept per visitor, and the events read are those of the window only (PostgreSQL's index on
 * (shop_id, occurred_at), migration 021; DuckDB's zone maps).
 */
import type { SqlValue } from '../engine.js';
import { paramRefs, shopRowsSql } from '../segments/scope.js';
import type { Store } from '../store.js';

export interface LiveWindow {
  /** Events after this instant count (the window's start, exclusive). */
  since: Date;
  /** …and up to this one (the shop's now, plus a little for storefront clocks running ahead). */
  until: Date;
  /** At most this many visitors, the latest seen first. */
  limit: number;
  /** The latest views kept per visitor. */
  viewsPerVisitor: number;
}

/** One thing a visitor did: the event's name, when, and its properties (JSON text). */
export interface LiveView {
  name: string;
  at: Date;
  properties: string | null;
}

export interface LiveVisitorRow {
  /** Set for a known customer. */
  customerId: string | null;
  /** The anonymous id of an unknown visitor (of a customer: the latest one seen, if any). */
  anonymousId: string | null;
  lastSeen: Date;
  /** Events in the window. */
  events: number;
  /** Latest first, at most `viewsPerVisitor`. */
  views: LiveView[];
}

export interface LiveVisitorsResult {
  visitors: LiveVisitorRow[];
  /** Visitors in the window, including those beyond `limit`. */
  total: number;
  /** …of whom known customers. */
  known: number;
}

/** The window's events with the visitor each belongs to (customer id first, else anonymous id). */
const WINDOW_EVENTS = `SELECT event_id, name, occurred_at, properties, customer_id, anonymous_id,
    CASE WHEN customer_id IS NOT NULL THEN 'c:' || customer_id ELSE 'a:' || anonymous_id END AS visitor
  FROM events
  WHERE shop_id = $1 AND occurred_at > $2 AND occurred_at <= $3
    AND (customer_id IS NOT NULL OR anonymous_id IS NOT NULL)`;

/**
 * The visitors active in the window, the latest seen first, with their latest views and the
 * number of visitors in all.
 */
export async function liveVisitors(
  store: Store,
  shopId: string,
  window: LiveWindow,
): Promise<LiveVisitorsResult> {
  const params: SqlValue[] = [shopId, window.since, window.until];
  const [limit, views] = paramRefs([window.limit, window.viewsPerVisitor], params);
  const rows = await store.engine.all<{
    visitor: string;
    customer_id: string | null;
    anonymous_id: string | null;
    name: string;
    occurred_at: Date;
    properties: string | null;
    last_seen: Date;
    events: number;
    total: number;
    known: number;
  }>(
    // The window is read once (MATERIALIZED): both the grouping and the ranking read it.
    `WITH w AS MATERIALIZED (${WINDOW_EVENTS}),
     v AS (
       SELECT visitor, MAX(occurred_at) AS last_seen, COUNT(*) AS events, COUNT(*) OVER () AS total,
         SUM(CASE WHEN visitor LIKE 'c:%' THEN 1 ELSE 0 END) OVER () AS known
       FROM w GROUP BY visitor
       ORDER BY last_seen DESC, visitor LIMIT CAST(${limit} AS BIGINT)
     ),
     ranked AS (
       SELECT w.*, ROW_NUMBER() OVER (PARTITION BY w.visitor ORDER BY w.occurred_at DESC, w.event_id DESC) AS n
       FROM w WHERE w.visitor IN (SELECT visitor FROM v)
     )
     SELECT v.visitor, r.customer_id, r.anonymous_id, r.name, r.occurred_at, r.properties,
       v.last_seen, v.events, v.total, v.known
     FROM v JOIN ranked r ON r.visitor = v.visitor
     WHERE r.n <= CAST(${views} AS BIGINT)
     ORDER BY v.last_seen DESC, v.visitor, r.n`,
    params,
  );
  const byVisitor = new Map<string, LiveVisitorRow>();
  for (const r of rows) {
    let visitor = byVisitor.get(r.visitor);
    if (!visitor) {
      visitor = {
        customerId: r.customer_id,
        anonymousId: r.anonymous_id,
        lastSeen: r.last_seen,
        events: Number(r.events),
        views: [],
      };
      byVisitor.set(r.visitor, visitor);
    }
    visitor.anonymousId ??= r.anonymous_id;
    visitor.views.push({ name: r.name, at: r.occurred_at, properties: r.properties });
  }
  return {
    visitors: [...byVisitor.values()],
    total: Number(rows[0]?.total ?? 0),
    known: Number(rows[0]?.known ?? 0),
  };
}

/** A known visitor as the page names them: their name and groups (null before any analysis). */
export interface LiveCustomer {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  rfmGroup: string | null;
  lifecycle: string | null;
  valueGroup: string | null;
}

/**
 * Names and groups of a few customers (at most a page of visitors), each found by its key
 * (`shopRowsSql`: PostgreSQL's primary keys, DuckDB's index and lookup hash).
 */
export async function liveCustomers(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
): Promise<Map<string, LiveCustomer>> {
  const found = new Map<string, LiveCustomer>();
  if (customerIds.length === 0) return found;
  const params: SqlValue[] = [shopId];
  const ids = { kind: 'inline', ids: [...new Set(customerIds)] } as const;
  const customers = shopRowsSql(
    store.dialect,
    'customers',
    'shop_id, customer_id, first_name, last_name',
    'customer_id',
    ids,
    params,
  );
  const stats = shopRowsSql(
    store.dialect,
    'customer_stats',
    'shop_id, customer_id, rfm_group, lifecycle, value_group',
    'customer_id',
    ids,
    params,
  );
  const rows = await store.engine.all<{
    customer_id: string;
    first_name: string | null;
    last_name: string | null;
    rfm_group: string | null;
    lifecycle: string | null;
    value_group: string | null;
  }>(
    `WITH c AS MATERIALIZED (SELECT * FROM ${customers} c), s AS MATERIALIZED (SELECT * FROM ${stats} s)
     SELECT c.customer_id, c.first_name, c.last_name, s.rfm_group, s.lifecycle, s.value_group
     FROM c LEFT JOIN s ON s.customer_id = c.customer_id`,
    params,
  );
  for (const r of rows)
    found.set(r.customer_id, {
      customerId: r.customer_id,
      firstName: r.first_name,
      lastName: r.last_name,
      rfmGroup: r.rfm_group,
      lifecycle: r.lifecycle,
      valueGroup: r.value_group,
    });
  return found;
}
