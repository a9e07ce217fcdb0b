import { createHash } from 'node:crypto';
import { type IdentityKey, keyString, resolveIdentities } from '../domain/identity.js';
import { encodeTime } from '../domain/ids.js';
import type { CustomerInput, EventInput, OrderInput } from '../domain/model/index.js';
import type { SqlEngine, SqlValue } from './engine.js';
import {
  STAGE_ABSORBED,
  STAGE_CUSTOMERS,
  STAGE_EVENTS,
  STAGE_IDENTITIES,
  STAGE_KEYS,
  STAGE_LINES,
  STAGE_ORDERS,
  STAGE_TAGS,
  stage,
  type StagingTable,
} from './staging.js';

/** Records of one import batch, already validated by a format reader. */
export interface ImportBatchInput {
  customers: readonly CustomerInput[];
  orders: readonly OrderInput[];
  events: readonly EventInput[];
}

export interface ImportContext {
  importId: string;
  now: Date;
  newCustomerId: () => string;
  newOrderId: () => string;
  newMergeId: () => string;
}

export interface BatchResult {
  newCustomers: number;
  merged: number;
  orders: number;
  events: number;
  /** Referral references to resolve once the whole file is in (the referrer may come later). */
  referrals: { customerId: string; ref: string; source: string }[];
}

/** Keys that point at customers not created from a record of their own (events' userId). */
const ANY_EXTERNAL = 'external:*';

/**
 * Writes one batch: resolves identities against the store, then upserts customers, identities,
 * tags, orders, lines, products and events with one set-based statement each. Must run inside a
 * transaction (staging tables live on the transaction's connection).
 */
export async function writeImportBatch(
  db: SqlEngine,
  shopId: string,
  batch: ImportBatchInput,
  ctx: ImportContext,
): Promise<BatchResult> {
  const eventKeys = batch.events.map(eventIdentityKeys);
  const records = [
    ...batch.customers.map(customerKeys),
    ...batch.orders.map((o) => orderKeys(o)),
    ...eventKeys.map((k) => k.filter((key) => key.kind !== ANY_EXTERNAL)),
  ];
  const known = await lookupKnownKeys(db, shopId, records, eventKeys);
  // An event whose userId is not known must not invent a customer from it.
  const eventRecords = eventKeys.map((keys) =>
    keys.filter((k) => k.kind !== ANY_EXTERNAL || known.has(keyString(k))),
  );
  const identityRecords = [
    ...batch.customers.map((c) => ({ keys: customerKeys(c) })),
    ...batch.orders.map((o) => ({ keys: orderKeys(o) })),
    ...eventRecords.map((keys) => ({ keys })),
  ];
  // Events without any identity stay anonymous: the resolver gives them no customer.
  const resolution = resolveIdentities(identityRecords, known, ctx.newCustomerId);
  const nc = batch.customers.length;
  const no = batch.orders.length;
  const customerOf = (i: number): string => resolution.customerOf[i]!;
  const eventCustomer = (i: number): string | null => resolution.customerOf[nc + no + i] ?? null;

  await writeCustomers(db, shopId, batch, resolution.newCustomers, customerOf, eventCustomer, ctx.now);
  await writeIdentities(db, shopId, identityRecords, customerOf, ctx.now);
  await absorbCustomers(db, shopId, resolution.absorbed, ctx.now);
  await writeMerges(db, shopId, resolution.merges, identityRecords.length, batch, ctx);
  await writeTags(db, shopId, batch.customers, customerOf);
  await writeOrders(db, shopId, batch.orders, (i) => customerOf(nc + i), ctx);
  const events = await writeEvents(db, shopId, batch.events, eventCustomer);

  const referrals = batch.customers.flatMap((c, i) =>
    c.referredBy ? [{ customerId: customerOf(i), ref: c.referredBy, source: c.source }] : [],
  );
  return {
    newCustomers: resolution.newCustomers.size,
    merged: resolution.merges.length,
    orders: batch.orders.length,
    events,
    referrals,
  };
}

function customerKeys(c: CustomerInput): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (c.externalId) keys.push({ kind: `external:${c.source}`, value: c.externalId });
  if (c.phone) keys.push({ kind: 'phone', value: c.phone });
  if (c.email) keys.push({ kind: 'email', value: c.email });
  return keys;
}

function orderKeys(o: OrderInput): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (o.customer.externalId) keys.push({ kind: `external:${o.source}`, value: o.customer.externalId });
  if (o.customer.phone) keys.push({ kind: 'phone', value: o.customer.phone });
  if (o.customer.email) keys.push({ kind: 'email', value: o.customer.email });
  return keys;
}

function eventIdentityKeys(e: EventInput): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (e.userId) keys.push({ kind: ANY_EXTERNAL, value: e.userId });
  if (e.phone) keys.push({ kind: 'phone', value: e.phone });
  if (e.email) keys.push({ kind: 'email', value: e.email });
  return keys;
}

/** Loads the batch's keys into staging and returns those the store already knows. */
async function lookupKnownKeys(
  db: SqlEngine,
  shopId: string,
  records: readonly IdentityKey[][],
  eventKeys: readonly IdentityKey[][],
): Promise<Map<string, string>> {
  const seen = new Set<string>();
  const kinds: string[] = [];
  const values: string[] = [];
  for (const keys of records)
    for (const k of keys) {
      const ks = keyString(k);
      if (seen.has(ks)) continue;
      seen.add(ks);
      kinds.push(k.kind);
      values.push(k.value);
    }
  const userIds = [...new Set(eventKeys.flatMap((keys) => keys.filter((k) => k.kind === ANY_EXTERNAL)))];
  for (const k of userIds) {
    kinds.push(ANY_EXTERNAL);
    values.push(k.value);
  }
  const known = new Map<string, string>();
  if (kinds.length === 0) return known;
  await stage(db, STAGE_KEYS, [kinds, values]);
  const exact = await db.all<{ kind: string; value: string; customer_id: string }>(
    `SELECT i.kind, i.value, i.customer_id FROM customer_identities i
     JOIN stage_keys s ON s.kind = i.kind AND s.value = i.value
     WHERE i.shop_id = $1`,
    [shopId],
  );
  for (const r of exact) known.set(keyString(r), r.customer_id);
  // An event's userId is our customer id or an external id in any source.
  const byUserId = await db.all<{ value: string; customer_id: string }>(
    `SELECT s.value, MIN(COALESCE(i.customer_id, c.customer_id)) AS customer_id
     FROM stage_keys s
     LEFT JOIN customer_identities i ON i.shop_id = $1 AND i.kind LIKE 'external:%' AND i.value = s.value
     LEFT JOIN customers c ON c.shop_id = $1 AND c.customer_id = s.value
     WHERE s.kind = $2 AND (i.customer_id IS NOT NULL OR c.customer_id IS NOT NULL)
     GROUP BY s.value`,
    [shopId, ANY_EXTERNAL],
  );
  for (const r of byUserId) known.set(keyString({ kind: ANY_EXTERNAL, value: r.value }), r.customer_id);
  return known;
}

/** Index of created_ms in STAGE_CUSTOMERS. */
const CREATED = 16;

function columns(table: StagingTable): SqlValue[][] {
  return table.columns.map(() => []);
}

function push(cols: SqlValue[][], values: readonly SqlValue[]): void {
  for (let i = 0; i < values.length; i++) cols[i]!.push(values[i] ?? null);
}

const ms = (d: Date | undefined): number | null => (d ? d.getTime() : null);

async function writeCustomers(
  db: SqlEngine,
  shopId: string,
  batch: ImportBatchInput,
  created: ReadonlySet<string>,
  customerOf: (i: number) => string,
  eventCustomer: (i: number) => string | null,
  now: Date,
): Promise<void> {
  // One staged row per customer: records of the same customer fold together, later
  // non-empty values winning, as they would had they arrived one by one.
  const staged = new Map<string, SqlValue[]>();
  const put = (id: string, row: SqlValue[]) => {
    const prev = staged.get(id);
    if (!prev) staged.set(id, row);
    else row.forEach((v, k) => {
      if (v !== null && k !== CREATED) prev[k] = v;
    });
    if (prev) prev[CREATED] = Math.min(Number(prev[CREATED]), Number(row[CREATED]));
  };
  batch.customers.forEach((c, i) => {
    put(customerOf(i), [
      customerOf(i),
      true,
      c.firstName ?? null,
      c.lastName ?? null,
      c.phone ?? null,
      c.email ?? null,
      c.city ?? null,
      c.province ?? null,
      c.country ?? null,
      c.source,
      c.consent.email ?? null,
      c.consent.sms ?? null,
      c.consent.zalo ?? null,
      c.consent.messenger ?? null,
      Object.keys(c.attributes).length ? JSON.stringify(c.attributes) : null,
      c.note ?? null,
      ms(c.createdAt) ?? now.getTime(),
    ]);
  });
  // Buyers met only through orders or events: fill what the store does not know yet.
  const offset = batch.customers.length;
  const fromCustomersFile = new Set(staged.keys());
  batch.orders.forEach((o, i) => {
    const id = customerOf(offset + i);
    if (fromCustomersFile.has(id)) return;
    const c = o.customer;
    put(id, [
      id,
      false,
      c.firstName ?? null,
      c.lastName ?? null,
      c.phone ?? null,
      c.email ?? null,
      c.city ?? null,
      c.province ?? null,
      c.country ?? null,
      o.source,
      ...[null, null, null, null, null, null],
      o.createdAt.getTime(),
    ]);
  });
  batch.events.forEach((e, i) => {
    const id = eventCustomer(i);
    if (id === null || staged.has(id) || !created.has(id)) return;
    const profile = [id, false, null, null, e.phone ?? null, e.email ?? null, null, null, null, 'web'];
    put(id, [...profile, null, null, null, null, null, null, e.timestamp.getTime()]);
  });
  const cols = columns(STAGE_CUSTOMERS);
  for (const row of staged.values()) push(cols, row);
  await stage(db, STAGE_CUSTOMERS, cols);
  const fields = [
    'first_name',
    'last_name',
    'phone',
    'email',
    'city',
    'province',
    'country',
    'accepts_email',
    'accepts_sms',
    'accepts_zalo',
    'accepts_messenger',
    'attributes',
    'note',
  ];
  // A customers export is authoritative for profile fields; an order only fills the gaps.
  const set = (authoritative: boolean) =>
    fields
      .map((f) =>
        authoritative
          ? `${f} = COALESCE(excluded.${f}, customers.${f})`
          : `${f} = COALESCE(customers.${f}, excluded.${f})`,
      )
      .join(', ');
  const changed = fields.map((f) => `customers.${f} IS DISTINCT FROM excluded.${f}`).join(' OR ');
  for (const authoritative of [true, false]) {
    await db.run(
      `INSERT INTO customers (shop_id, customer_id, ${fields.join(', ')}, source, created_at, updated_at)
       SELECT $1, customer_id, ${fields.join(', ')}, source, to_timestamp(created_ms / 1000.0), $2
       FROM stage_customers WHERE authoritative = $3
       ON CONFLICT (shop_id, customer_id) DO UPDATE SET ${set(authoritative)},
         created_at = LEAST(customers.created_at, excluded.created_at), updated_at = excluded.updated_at
       WHERE ${authoritative ? changed : 'customers.created_at > excluded.created_at'}`,
      [shopId, now, authoritative],
    );
  }
}

async function writeIdentities(
  db: SqlEngine,
  shopId: string,
  records: readonly { keys: readonly IdentityKey[] }[],
  customerOf: (i: number) => string,
  now: Date,
): Promise<void> {
  const cols = columns(STAGE_IDENTITIES);
  const seen = new Set<string>();
  records.forEach((r, i) => {
    for (const k of r.keys) {
      if (k.kind === ANY_EXTERNAL) continue;
      const ks = keyString(k);
      if (seen.has(ks)) continue;
      seen.add(ks);
      push(cols, [k.kind, k.value, customerOf(i)]);
    }
  });
  await stage(db, STAGE_IDENTITIES, cols);
  await db.run(
    `INSERT INTO customer_identities (shop_id, kind, value, customer_id, created_at)
     SELECT $1, kind, value, customer_id, $2 FROM stage_identities
     ON CONFLICT (shop_id, kind, value) DO UPDATE SET customer_id = excluded.customer_id
     WHERE customer_identities.customer_id <> excluded.customer_id`,
    [shopId, now],
  );
}

/** Moves everything of each absorbed customer onto its survivor and marks it merged. */
async function absorbCustomers(
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

async function writeMerges(
  db: SqlEngine,
  shopId: string,
  merges: ReturnType<typeof resolveIdentities>['merges'],
  _records: number,
  batch: ImportBatchInput,
  ctx: ImportContext,
): Promise<void> {
  for (const m of merges) {
    const { source, ref } = describeRecord(batch, m.recordIndex);
    await db.run(
      `INSERT INTO customer_merges (shop_id, merge_id, survivor_id, merged_customer_id, record_source,
         record_ref, matched_kind, matched_value, reason, import_id, merged_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
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
      ],
    );
  }
}

function describeRecord(batch: ImportBatchInput, index: number): { source: string; ref: string } {
  const nc = batch.customers.length;
  const no = batch.orders.length;
  if (index < nc) {
    const c = batch.customers[index]!;
    return { source: c.source, ref: `customer ${c.externalId ?? c.email ?? c.phone ?? ''}` };
  }
  if (index < nc + no) {
    const o = batch.orders[index - nc]!;
    return { source: o.source, ref: `order ${o.name ?? o.externalId}` };
  }
  const e = batch.events[index - nc - no]!;
  return { source: 'events', ref: `event ${e.messageId ?? e.event}` };
}

async function writeTags(
  db: SqlEngine,
  shopId: string,
  customers: readonly CustomerInput[],
  customerOf: (i: number) => string,
): Promise<void> {
  const cols = columns(STAGE_TAGS);
  customers.forEach((c, i) => {
    for (const tag of c.tags) push(cols, [customerOf(i), tag]);
  });
  if (cols[0]!.length === 0) return;
  await stage(db, STAGE_TAGS, cols);
  await db.run(
    `INSERT INTO customer_tags (shop_id, customer_id, tag) SELECT DISTINCT $1, customer_id, tag FROM stage_tags
     ON CONFLICT (shop_id, customer_id, tag) DO NOTHING`,
    [shopId],
  );
}

const ORDER_FIELDS = [
  'name',
  'customer_id',
  'status',
  'financial_status',
  'fulfillment_status',
  'payment_method',
  'currency',
  'subtotal',
  'shipping',
  'taxes',
  'discount',
  'total',
  'refunded',
  'coupon_code',
  'tags',
  'created_at',
  'paid_at',
  'cancelled_at',
];

async function writeOrders(
  db: SqlEngine,
  shopId: string,
  orders: readonly OrderInput[],
  customerOf: (i: number) => string,
  ctx: ImportContext,
): Promise<void> {
  if (orders.length === 0) return;
  const oc = columns(STAGE_ORDERS);
  const lc = columns(STAGE_LINES);
  orders.forEach((o, i) => {
    push(oc, [
      ctx.newOrderId(),
      o.source,
      o.externalId,
      o.name ?? null,
      customerOf(i),
      o.status,
      o.financialStatus ?? null,
      o.fulfillmentStatus ?? null,
      o.paymentMethod ?? null,
      o.currency,
      o.subtotal,
      o.shipping,
      o.taxes,
      o.discount,
      o.total,
      o.refunded,
      o.couponCode ?? null,
      o.tags.length ? o.tags.join(', ') : null,
      o.createdAt.getTime(),
      ms(o.paidAt),
      ms(o.cancelledAt),
    ]);
    o.lines.forEach((l, n) => {
      push(lc, [o.source, o.externalId, n + 1, l.sku ?? null, l.title, l.category ?? null, l.quantity, l.price]);
    });
  });
  await stage(db, STAGE_ORDERS, oc);
  await stage(db, STAGE_LINES, lc);
  const money = (c: string) => `CAST(${c} AS DECIMAL(18,2))`;
  const ts = (c: string) => `to_timestamp(${c} / 1000.0)`;
  const select = `order_id, source, external_id, name, customer_id, status, financial_status, fulfillment_status,
    payment_method, currency, ${['subtotal', 'shipping', 'taxes', 'discount', 'total', 'refunded'].map(money).join(', ')},
    coupon_code, tags, ${ts('created_ms')}, ${ts('paid_ms')}, ${ts('cancelled_ms')}`;
  const changed = ORDER_FIELDS.map((f) => `orders.${f} IS DISTINCT FROM excluded.${f}`).join(' OR ');
  await db.run(
    `INSERT INTO orders (shop_id, order_id, source, external_id, ${ORDER_FIELDS.join(', ')}, imported_at)
     SELECT $1, ${select}, $2 FROM stage_orders
     ON CONFLICT (shop_id, source, external_id) DO UPDATE SET
       ${ORDER_FIELDS.map((f) => `${f} = excluded.${f}`).join(', ')}, imported_at = excluded.imported_at
     WHERE ${changed}`,
    [shopId, ctx.now],
  );
  // Lines are replaced as a whole: an order's lines have no identity of their own.
  await db.run(
    `DELETE FROM order_lines WHERE shop_id = $1 AND order_id IN (
       SELECT o.order_id FROM orders o JOIN stage_orders s ON o.source = s.source AND o.external_id = s.external_id
       WHERE o.shop_id = $1)`,
    [shopId],
  );
  await db.run(
    `INSERT INTO order_lines (shop_id, order_id, line_no, sku, title, category, quantity, price)
     SELECT $1, o.order_id, l.line_no, l.sku, l.title, l.category, l.quantity, ${money('l.price')}
     FROM stage_lines l JOIN orders o ON o.shop_id = $1 AND o.source = l.source AND o.external_id = l.external_id`,
    [shopId],
  );
  await db.run(
    `INSERT INTO products (shop_id, sku, title, category, price, consumable)
     SELECT DISTINCT ON (sku) $1, sku, title, category, ${money('price')}, FALSE
     FROM stage_lines WHERE sku IS NOT NULL
     ORDER BY sku
     ON CONFLICT (shop_id, sku) DO NOTHING`,
    [shopId],
  );
}

/** Deterministic id and dedupe key of an event: a re-imported event is the same event. */
export function eventIdentity(e: EventInput): { eventId: string; dedupeKey: string } {
  const dedupeKey =
    e.messageId ??
    createHash('sha256')
      .update(
        JSON.stringify([e.event, e.userId, e.anonymousId, e.phone, e.email, e.timestamp.toISOString(), e.properties]),
      )
      .digest('hex')
      .slice(0, 32);
  const suffix = createHash('sha256').update(dedupeKey).digest('hex').slice(0, 16).toUpperCase();
  return { eventId: `evt_${encodeTime(e.timestamp.getTime())}${suffix}`, dedupeKey };
}

async function writeEvents(
  db: SqlEngine,
  shopId: string,
  events: readonly EventInput[],
  customerOf: (i: number) => string | null,
): Promise<number> {
  if (events.length === 0) return 0;
  const cols = columns(STAGE_EVENTS);
  events.forEach((e, i) => {
    const { eventId, dedupeKey } = eventIdentity(e);
    push(cols, [
      eventId,
      dedupeKey,
      e.event,
      customerOf(i),
      e.anonymousId ?? (customerOf(i) === null ? (e.userId ?? null) : null),
      e.timestamp.getTime(),
      JSON.stringify(e.properties),
    ]);
  });
  await stage(db, STAGE_EVENTS, cols);
  await db.run(
    `INSERT INTO events (shop_id, event_id, dedupe_key, name, customer_id, anonymous_id, occurred_at, properties)
     SELECT DISTINCT ON (dedupe_key) $1, event_id, dedupe_key, name, customer_id, anonymous_id,
       to_timestamp(occurred_ms / 1000.0), properties
     FROM stage_events ORDER BY dedupe_key
     ON CONFLICT (shop_id, dedupe_key) DO NOTHING`,
    [shopId],
  );
  await writeFeedbackFromEvents(db, shopId, events, customerOf);
  return events.length;
}

/** 'Survey Answered' events with an NPS or rating score become feedback rows. */
async function writeFeedbackFromEvents(
  db: SqlEngine,
  shopId: string,
  events: readonly EventInput[],
  customerOf: (i: number) => string | null,
): Promise<void> {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const customerId = customerOf(i);
    if (e.event !== 'Survey Answered' || customerId === null) continue;
    const kind = e.properties['kind'];
    const score = e.properties['score'];
    if (kind !== 'nps' && kind !== 'rating' && kind !== 'survey') continue;
    const { eventId } = eventIdentity(e);
    await db.run(
      `INSERT INTO feedback (shop_id, feedback_id, customer_id, kind, score, answers, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (shop_id, feedback_id) DO NOTHING`,
      [
        shopId,
        `fb_${eventId.slice(4)}`,
        customerId,
        kind,
        typeof score === 'number' ? score : null,
        JSON.stringify(e.properties['answers'] ?? {}),
        e.timestamp,
      ],
    );
  }
}
