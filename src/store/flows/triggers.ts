import { isValidTimeZone } from '../../domain/time.js';
import type { SqlValue } from '../engine.js';
import { selectIdsSql } from '../segments/compile-sql.js';
import { resolveForShop } from '../segments/segments.js';
import type { Store } from '../store.js';

/**
 * What the trigger scan and the run batches read: things that happened in a window (orders,
 * events, segment entries and exits) and facts about a batch of customers. Windows are
 * half-open, (since, until].
 */

export interface Happening {
  customerId: string;
  at: Date;
  /** Unique per happening: order id, event id, `<segment>:<entered_at>`. */
  id: string;
  orderId?: string;
  properties?: string | null;
}

/** The ORDER statuses a trigger can wait for, as stored. */
const STATUS_OF = {
  paid: 'paid',
  delivered: 'delivered',
  failed_delivery: 'failed_delivery',
  refunded: 'refunded',
  cancelled: 'cancelled',
  returned: 'returned',
} as const;

/**
 * Orders written in the window (imported_at: when Nurture learned of them or of their change):
 * new ones (`placed`, created since `createdSince` so that importing last year's history starts
 * nothing) or ones now in a status. Optionally only orders with a line of given SKUs or categories.
 */
export async function ordersInWindow(
  store: Store,
  shopId: string,
  window: { since: Date; until: Date; createdSince: Date },
  filter: {
    status: 'placed' | keyof typeof STATUS_OF;
    skus?: readonly string[];
    categories?: readonly string[];
  },
): Promise<Happening[]> {
  const params: SqlValue[] = [shopId, window.since, window.until, window.createdSince];
  const where = ['o.shop_id = $1', 'o.imported_at > $2', 'o.imported_at <= $3', 'o.created_at >= $4'];
  if (filter.status !== 'placed') {
    params.push(STATUS_OF[filter.status]);
    where.push(`o.status = $${params.length}`);
  }
  const lineTests: string[] = [];
  const list = (values: readonly string[]) =>
    values
      .map((v) => {
        params.push(v);
        return `$${params.length}`;
      })
      .join(', ');
  if (filter.skus?.length) lineTests.push(`l.sku IN (${list(filter.skus)})`);
  if (filter.categories?.length) lineTests.push(`l.category IN (${list(filter.categories)})`);
  if (lineTests.length > 0)
    where.push(
      `EXISTS (SELECT 1 FROM order_lines l WHERE l.shop_id = o.shop_id AND l.order_id = o.order_id AND (${lineTests.join(' OR ')}))`,
    );
  const rows = await store.engine.all<{ customer_id: string; order_id: string; created_at: Date }>(
    `SELECT o.customer_id, o.order_id, o.created_at FROM orders o WHERE ${where.join(' AND ')} ORDER BY o.imported_at, o.order_id`,
    params,
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    at: r.created_at,
    id: r.order_id,
    orderId: r.order_id,
  }));
}

/** Events of a name that happened in the window, of known customers. */
export async function eventsInWindow(
  store: Store,
  shopId: string,
  name: string,
  window: { since: Date; until: Date },
): Promise<Happening[]> {
  const rows = await store.engine.all<{
    customer_id: string;
    event_id: string;
    occurred_at: Date;
    properties: string | null;
  }>(
    `SELECT customer_id, event_id, occurred_at, properties FROM events
     WHERE shop_id = $1 AND name = $2 AND occurred_at > $3 AND occurred_at <= $4 AND customer_id IS NOT NULL
     ORDER BY occurred_at, event_id`,
    [shopId, name, window.since, window.until],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    at: r.occurred_at,
    id: r.event_id,
    properties: r.properties,
  }));
}

async function segmentIdOf(store: Store, shopId: string, name: string): Promise<string | undefined> {
  const rows = await store.engine.all<{ segment_id: string }>(
    'SELECT segment_id FROM segments WHERE shop_id = $1 AND name = $2',
    [shopId, name],
  );
  return rows[0]?.segment_id;
}

/** Entries into a segment in the window: current stays and stays that have ended since. */
export async function segmentEntries(
  store: Store,
  shopId: string,
  segment: string,
  window: { since: Date; until: Date },
): Promise<Happening[]> {
  const segmentId = await segmentIdOf(store, shopId, segment);
  if (!segmentId) return [];
  const rows = await store.engine.all<{ customer_id: string; entered_at: Date }>(
    `SELECT customer_id, entered_at FROM segment_members
       WHERE shop_id = $1 AND segment_id = $2 AND entered_at > $3 AND entered_at <= $4
     UNION ALL
     SELECT customer_id, entered_at FROM segment_membership_history
       WHERE shop_id = $1 AND segment_id = $2 AND exited_at > $3 AND entered_at > $3 AND entered_at <= $4`,
    [shopId, segmentId, window.since, window.until],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    at: r.entered_at,
    id: `${segment}:in:${r.entered_at.toISOString()}`,
  }));
}

/** Exits from a segment in the window. */
export async function segmentExits(
  store: Store,
  shopId: string,
  segment: string,
  window: { since: Date; until: Date },
): Promise<Happening[]> {
  const segmentId = await segmentIdOf(store, shopId, segment);
  if (!segmentId) return [];
  const rows = await store.engine.all<{ customer_id: string; exited_at: Date }>(
    `SELECT customer_id, exited_at FROM segment_membership_history
     WHERE shop_id = $1 AND segment_id = $2 AND exited_at > $3 AND exited_at <= $4`,
    [shopId, segmentId, window.since, window.until],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    at: r.exited_at,
    id: `${segment}:out:${r.exited_at.toISOString()}`,
  }));
}

/** The current members of a named segment (empty when there is no such segment). */
export async function segmentMemberIds(store: Store, shopId: string, segment: string): Promise<string[]> {
  const segmentId = await segmentIdOf(store, shopId, segment);
  if (!segmentId) return [];
  const rows = await store.engine.all<{ customer_id: string }>(
    'SELECT customer_id FROM segment_members WHERE shop_id = $1 AND segment_id = $2 ORDER BY customer_id',
    [shopId, segmentId],
  );
  return rows.map((r) => r.customer_id);
}

/** Whether a named segment exists. */
export async function segmentExists(store: Store, shopId: string, segment: string): Promise<boolean> {
  return (await segmentIdOf(store, shopId, segment)) !== undefined;
}

function idList(ids: readonly string[], first: number): string {
  return ids.map((_, i) => `$${i + first}`).join(', ');
}

/** Of these customers, those who placed a valid order after their run entered (exit: placed_order). */
export async function orderedSince(
  store: Store,
  shopId: string,
  entries: readonly { customerId: string; since: Date }[],
): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const earliest = new Date(Math.min(...entries.map((e) => e.since.getTime())));
  const ids = [...new Set(entries.map((e) => e.customerId))];
  const rows = await store.engine.all<{ customer_id: string; last: Date }>(
    `SELECT customer_id, MAX(created_at) AS last FROM orders
     WHERE shop_id = $1 AND created_at > $2 AND status NOT IN ('cancelled', 'failed_delivery', 'returned')
       AND customer_id IN (${idList(ids, 3)})
     GROUP BY customer_id`,
    [shopId, earliest, ...ids],
  );
  const last = new Map(rows.map((r) => [r.customer_id, r.last.getTime()]));
  return new Set(
    entries.filter((e) => (last.get(e.customerId) ?? 0) > e.since.getTime()).map((e) => e.customerId),
  );
}

/** The latest time each of these customers performed an event (since `since`). */
export async function lastPerformed(
  store: Store,
  shopId: string,
  event: string,
  customerIds: readonly string[],
  since: Date,
): Promise<Map<string, Date>> {
  if (customerIds.length === 0) return new Map();
  const ids = [...new Set(customerIds)];
  const rows = await store.engine.all<{ customer_id: string; last: Date }>(
    `SELECT customer_id, MAX(occurred_at) AS last FROM events
     WHERE shop_id = $1 AND name = $2 AND occurred_at > $3 AND customer_id IN (${idList(ids, 4)})
     GROUP BY customer_id`,
    [shopId, event, since, ...ids],
  );
  return new Map(rows.map((r) => [r.customer_id, r.last]));
}

/** Of these customers, the members of a named segment now. */
export async function membersAmong(
  store: Store,
  shopId: string,
  segment: string,
  customerIds: readonly string[],
): Promise<Set<string>> {
  const segmentId = await segmentIdOf(store, shopId, segment);
  if (!segmentId || customerIds.length === 0) return new Set();
  const ids = [...new Set(customerIds)];
  const rows = await store.engine.all<{ customer_id: string }>(
    `SELECT customer_id FROM segment_members WHERE shop_id = $1 AND segment_id = $2 AND customer_id IN (${idList(ids, 3)})`,
    [shopId, segmentId, ...ids],
  );
  return new Set(rows.map((r) => r.customer_id));
}

/** Of these customers, those a segment query matches at `asOf` (a condition step, an exit condition). */
export async function matchingAmong(
  store: Store,
  shopId: string,
  query: string,
  customerIds: readonly string[],
  asOf: Date,
): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const { resolved } = await resolveForShop(store, shopId, query, { asOf });
  const { sql, params } = selectIdsSql(resolved, shopId, { scope: { ids: [...new Set(customerIds)] } });
  const rows = await store.engine.all<{ customer_id: string }>(sql, params);
  return new Set(rows.map((r) => r.customer_id));
}

/** A customer's dates, and their own time zone when their attributes name one. */
export interface CustomerDates {
  birthday?: string;
  firstOrder?: string;
  expectedNextOrder?: string;
  timeZone?: string;
}

/**
 * Birthdays (`attributes.birthday`), first order days and expected next order days of customers,
 * and their time zone (`attributes.timezone`, an IANA name) when known.
 */
export async function customerDates(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
): Promise<Map<string, CustomerDates>> {
  const out = new Map<string, CustomerDates>();
  if (customerIds.length === 0) return out;
  const ids = [...new Set(customerIds)];
  const rows = await store.engine.all<{
    customer_id: string;
    attributes: string | null;
    first_order_date: string | null;
    expected_next_order_date: string | null;
  }>(
    `SELECT c.customer_id, c.attributes, CAST(s.first_order_date AS VARCHAR) AS first_order_date,
       CAST(p.expected_next_order_date AS VARCHAR) AS expected_next_order_date
     FROM customers c
     LEFT JOIN customer_stats s ON s.shop_id = c.shop_id AND s.customer_id = c.customer_id
     LEFT JOIN customer_predictions p ON p.shop_id = c.shop_id AND p.customer_id = c.customer_id
     WHERE c.shop_id = $1 AND c.customer_id IN (${idList(ids, 2)})`,
    [shopId, ...ids],
  );
  for (const r of rows) {
    const birthday = birthdayOf(r.attributes);
    const timeZone = timeZoneOf(r.attributes);
    out.set(r.customer_id, {
      ...(birthday ? { birthday } : {}),
      ...(timeZone ? { timeZone } : {}),
      ...(r.first_order_date ? { firstOrder: r.first_order_date.slice(0, 10) } : {}),
      ...(r.expected_next_order_date ? { expectedNextOrder: r.expected_next_order_date.slice(0, 10) } : {}),
    });
  }
  return out;
}

function timeZoneOf(attributes: string | null): string | undefined {
  if (!attributes) return undefined;
  try {
    const value = (JSON.parse(attributes) as Record<string, unknown>)['timezone'];
    return typeof value === 'string' && isValidTimeZone(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `YYYY-MM-DD` or `MM-DD` from a customer's attributes JSON, as `YYYY-MM-DD` or `--MM-DD`. */
function birthdayOf(attributes: string | null): string | undefined {
  if (!attributes) return undefined;
  try {
    const value = (JSON.parse(attributes) as Record<string, unknown>)['birthday'];
    if (typeof value !== 'string') return undefined;
    const full = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    if (full) return `${full[1]}-${full[2]}-${full[3]}`;
    const short = /^(\d{2})-(\d{2})$/.exec(value);
    return short ? `--${short[1]}-${short[2]}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Customers whose date property falls on a calendar day, as the date trigger scans them: a
 * birthday or first-order anniversary on `MM-DD`, an expected next order on the exact day.
 */
export async function customersWithDate(
  store: Store,
  shopId: string,
  property: 'birthday' | 'first_order_anniversary' | 'expected_next_order',
  day: string,
): Promise<string[]> {
  const monthDay = day.slice(5);
  if (property === 'expected_next_order') {
    const rows = await store.engine.all<{ customer_id: string }>(
      `SELECT customer_id FROM customer_predictions WHERE shop_id = $1 AND CAST(expected_next_order_date AS VARCHAR) = $2`,
      [shopId, day],
    );
    return rows.map((r) => r.customer_id);
  }
  if (property === 'first_order_anniversary') {
    const rows = await store.engine.all<{ customer_id: string }>(
      `SELECT customer_id FROM customer_stats
       WHERE shop_id = $1 AND SUBSTRING(CAST(first_order_date AS VARCHAR), 6, 5) = $2
         AND CAST(first_order_date AS VARCHAR) < $3`,
      [shopId, monthDay, day],
    );
    return rows.map((r) => r.customer_id);
  }
  const rows = await store.engine.all<{ customer_id: string; attributes: string }>(
    `SELECT customer_id, attributes FROM customers
     WHERE shop_id = $1 AND merged_into IS NULL AND attributes LIKE '%birthday%'`,
    [shopId],
  );
  return rows.filter((r) => birthdayOf(r.attributes)?.slice(-5) === monthDay).map((r) => r.customer_id);
}
