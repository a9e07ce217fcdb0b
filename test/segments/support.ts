import fc from 'fast-check';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import type { CustomerInput, EventInput, OrderInput } from '../../src/domain/model/index.js';
import { ORDER_STATUSES } from '../../src/domain/model/index.js';
import {
  matches,
  parseSegmentQuery,
  type ResolvedQuery,
  resolveQuery,
} from '../../src/domain/segments/index.js';
import { recomputeScores, refreshCustomerStats } from '../../src/store/analytics/index.js';
import { lookupHashInsert } from '../../src/store/lookup-hash.js';
import { selectIdsSql } from '../../src/store/segments/compile-sql.js';
import { loadSegmentCustomers } from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';

/**
 * Random shops and random queries for the segment property tests, written through the real import
 * path, so that SQL and the in-memory evaluator see the same data a real shop has.
 */

export const SHOP = 'shop1';
export const TZ = 'Asia/Ho_Chi_Minh';
/** The as-of moment of the property tests (10:00 in Ho Chi Minh City). */
export const AS_OF = new Date('2026-03-15T03:00:00Z');

const DAY = 86_400_000;
/** Orders and events fall within this span around AS_OF (some after it). */
const SPAN_START = AS_OF.getTime() - 800 * DAY;
const SPAN_DAYS = 830;

export const CITIES = [
  'Hà Nội',
  'TP. Hồ Chí Minh',
  'Đà Nẵng',
  "O'Brien; DROP TABLE customers; --",
  'Cần Thơ',
] as const;
export const TAGS = ['vip', 'wholesale', "it's", 'a;b', '/* x */', 'Khách sỉ'] as const;
export const SKUS = ['PRN-01', 'PRN-02', 'PAP-A4', 'INK-K'] as const;
export const CATEGORIES = ['printer', 'paper', 'ink'] as const;
export const CAMPAIGNS = ['tet-2026', 'summer', "x'); --"] as const;
export const CHANNELS = ['email', 'zalo', 'sms'] as const;
const SOURCES = ['shopify', 'haravan', 'shopee'] as const;
const EVENT_KINDS = [
  'Product Viewed',
  'Product Added',
  'Message Opened',
  'Message Clicked',
  'Message Declined',
] as const;
const TOTALS = [0, 99000, 150000, 350000.5, 1200000, 4999999.99] as const;

interface CustomerSpec {
  city: string | null;
  email: boolean;
  consent: Partial<Record<'email' | 'sms' | 'zalo' | 'messenger', boolean>>;
  tags: string[];
  source: (typeof SOURCES)[number];
  referrer: number | null;
  orders: OrderSpec[];
  events: EventSpec[];
  nps: { score: number; day: number }[];
  prediction: { pAlive: number; clv: number; churn: number; nextDay: number | null } | null;
}

interface OrderSpec {
  day: number;
  minute: number;
  status: (typeof ORDER_STATUSES)[number];
  total: number;
  refund: 'none' | 'partial' | 'full';
  lines: { sku: string | null; category: string | null }[];
}

interface EventSpec {
  name: (typeof EVENT_KINDS)[number];
  day: number;
  minute: number;
  props: Record<string, string>;
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const orderArb: fc.Arbitrary<OrderSpec> = fc.record({
  day: fc.integer({ min: 0, max: SPAN_DAYS }),
  minute: fc.integer({ min: 0, max: 1439 }),
  status: fc.constantFrom(...ORDER_STATUSES),
  total: fc.constantFrom(...TOTALS),
  refund: fc.constantFrom('none', 'none', 'partial', 'full'),
  lines: fc.array(
    fc.record({ sku: maybe(fc.constantFrom(...SKUS)), category: maybe(fc.constantFrom(...CATEGORIES)) }),
    { maxLength: 3 },
  ),
});

const eventArb: fc.Arbitrary<EventSpec> = fc.record({
  name: fc.constantFrom(...EVENT_KINDS),
  day: fc.integer({ min: 0, max: SPAN_DAYS }),
  minute: fc.integer({ min: 0, max: 1439 }),
  props: fc.record(
    {
      sku: fc.constantFrom(...SKUS),
      category: fc.constantFrom(...CATEGORIES),
      campaign: fc.constantFrom(...CAMPAIGNS),
      channel: fc.constantFrom(...CHANNELS),
    },
    { requiredKeys: [] },
  ),
});

const customerArb: fc.Arbitrary<CustomerSpec> = fc.record({
  city: maybe(fc.constantFrom(...CITIES)),
  email: fc.boolean(),
  consent: fc.record(
    { email: fc.boolean(), sms: fc.boolean(), zalo: fc.boolean(), messenger: fc.boolean() },
    { requiredKeys: [] },
  ),
  tags: fc.subarray([...TAGS]),
  source: fc.constantFrom(...SOURCES),
  referrer: maybe(fc.nat(30)),
  orders: fc.array(orderArb, { maxLength: 5 }),
  events: fc.array(eventArb, { maxLength: 6 }),
  nps: fc.array(
    fc.record({ score: fc.integer({ min: 0, max: 10 }), day: fc.integer({ min: 0, max: SPAN_DAYS }) }),
    {
      maxLength: 2,
    },
  ),
  prediction: maybe(
    fc.record({
      pAlive: fc.double({ min: 0, max: 1, noNaN: true }),
      clv: fc.integer({ min: 0, max: 5_000_000 }),
      churn: fc.double({ min: 0, max: 1, noNaN: true }),
      nextDay: maybe(fc.integer({ min: -30, max: 200 })),
    }),
  ),
});

/** A random shop of 1–30 customers. */
export const shopArb = fc.array(customerArb, { minLength: 1, maxLength: 30 });
export type ShopSpec = CustomerSpec[];

const phoneOf = (i: number) => `+849${String(10_000_000 + i).slice(1)}`;
const at = (day: number, minute: number) => new Date(SPAN_START + day * DAY + minute * 60_000 + 123);

function customerInput(c: CustomerSpec, i: number, all: ShopSpec): CustomerInput {
  const referrer =
    c.referrer !== null && c.referrer < all.length && c.referrer !== i ? phoneOf(c.referrer) : undefined;
  return {
    source: c.source,
    externalId: `c${i}`,
    phone: phoneOf(i),
    ...(c.email ? { email: `khach${i}@example.vn` } : {}),
    firstName: `Lan ${i}`,
    lastName: 'Nguyễn',
    ...(c.city !== null ? { city: c.city } : {}),
    consent: c.consent,
    tags: c.tags,
    attributes: {},
    ...(referrer ? { referredBy: referrer } : {}),
    createdAt: new Date(SPAN_START + i * 7 * DAY),
  };
}

function orderInput(o: OrderSpec, i: number, k: number, c: CustomerSpec): OrderInput {
  const refunded = o.refund === 'none' ? 0 : o.refund === 'full' ? o.total : Math.floor(o.total / 3);
  return {
    source: c.source,
    externalId: `o${i}-${k}`,
    customer: { externalId: `c${i}`, phone: phoneOf(i) },
    status: o.status,
    currency: 'VND',
    subtotal: String(o.total),
    shipping: '0',
    taxes: '0',
    discount: '0',
    total: String(o.total),
    refunded: String(refunded),
    createdAt: at(o.day, o.minute),
    tags: [],
    lines: o.lines.map((l, n) => ({
      ...(l.sku ? { sku: l.sku } : {}),
      ...(l.category ? { category: l.category } : {}),
      title: `Item ${n}`,
      quantity: 1,
      price: '1000',
    })),
  };
}

function eventInputs(c: CustomerSpec, i: number): EventInput[] {
  const events: EventInput[] = c.events.map((e) => ({
    event: e.name,
    phone: phoneOf(i),
    timestamp: at(e.day, e.minute),
    properties: e.props,
  }));
  for (const n of c.nps)
    events.push({
      event: 'Survey Answered',
      phone: phoneOf(i),
      timestamp: at(n.day, 600),
      properties: { kind: 'nps', score: n.score },
    });
  return events;
}

/** Imports a random shop, computes its stats and scores as of AS_OF, and writes predictions. */
export async function loadShop(store: Store, shop: ShopSpec): Promise<void> {
  await store.ensureShop({ shopId: SHOP, timezone: TZ });
  await store.transaction(async (tx) => {
    const r = await tx.importBatch(
      SHOP,
      {
        customers: shop.map((c, i) => customerInput(c, i, shop)),
        orders: shop.flatMap((c, i) => c.orders.map((o, k) => orderInput(o, i, k, c))),
        events: shop.flatMap((c, i) => eventInputs(c, i)),
      },
      'imp_test',
      new Date(SPAN_START),
    );
    await tx.resolveReferrals(SHOP, r.referrals);
  });
  await refreshCustomerStats(store.engine, SHOP);
  await recomputeScores(store.engine, SHOP, AS_OF, resolveAnalyticsConfig({}));
  await writePredictions(store, shop);
}

async function writePredictions(store: Store, shop: ShopSpec): Promise<void> {
  const ids = await store.listCustomerIds(SHOP);
  const byPhone = new Map<string, string>();
  for (const id of ids) {
    const c = await store.getCustomer(SHOP, id);
    if (c?.phone) byPhone.set(c.phone, id);
  }
  for (const [i, c] of shop.entries()) {
    const id = byPhone.get(phoneOf(i));
    if (!c.prediction || !id) continue;
    const p = c.prediction;
    const next =
      p.nextDay === null ? null : new Date(AS_OF.getTime() + p.nextDay * DAY).toISOString().slice(0, 10);
    // As every writer of the table does: the lookup hash on DuckDB (migration 018).
    const hash = lookupHashInsert(store.dialect, 'CAST($2 AS VARCHAR)');
    await store.engine.run(
      `INSERT INTO customer_predictions (shop_id, customer_id, model, predicted_as_of, frequency, recency, t_age,
         monetary_value, p_alive, churn_probability, expected_purchases_30, expected_purchases_90,
         expected_purchases_365, expected_next_order_date, predicted_clv${hash.column})
       VALUES ($1, $2, 'bgnbd', $3, 1, 10, 100, 100000, $4, $5, 0.1, 0.3, 1, CAST($6 AS DATE), $7${hash.value})`,
      [SHOP, id, AS_OF, p.pAlive, p.churn, next, p.clv],
    );
  }
}

// ---- queries -----------------------------------------------------------------------------------

const op = fc.constantFrom('=', '!=', '<', '<=', '>', '>=');
const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const list = (items: readonly string[]) => (items.length === 1 ? items[0]! : `(${items.join(', ')})`);

const NUMBER_FIELDS: [string, fc.Arbitrary<number>][] = [
  ['number_of_orders', fc.integer({ min: 0, max: 5 })],
  ['amount_spent', fc.constantFrom(0, 99000, 150000, 249000, 350000.5, 1200000, 4999999.99, 2000000)],
  ['aov', fc.constantFrom(0, 99000, 150000, 350000.5, 800000, 1200000)],
  ['average_days_between_orders', fc.integer({ min: 0, max: 400 })],
  ['days_since_last_order', fc.integer({ min: -30, max: 800 })],
  ['rfm_r', fc.integer({ min: 1, max: 5 })],
  ['rfm_f', fc.integer({ min: 1, max: 5 })],
  ['rfm_m', fc.integer({ min: 1, max: 5 })],
  ['referrals', fc.integer({ min: 0, max: 2 })],
  ['nps', fc.integer({ min: 0, max: 10 })],
  ['p_alive', fc.double({ min: 0, max: 1, noNaN: true }).map((v) => Math.round(v * 1000) / 1000)],
  ['predicted_clv', fc.integer({ min: 0, max: 5_000_000 })],
  ['churn_probability', fc.constantFrom(0.1, 0.5, 0.9)],
];

const DATE_FIELDS = [
  'first_order_date',
  'last_order_date',
  'expected_next_order_date',
  'customer_added_date',
] as const;

const dateValue = fc.oneof(
  fc.integer({ min: 0, max: 900 }).map((n) => `-${n}d`),
  fc.integer({ min: 0, max: 60 }).map((n) => `+${n}d`),
  fc.integer({ min: 1, max: 26 }).map((n) => `-${n}m`),
  fc.integer({ min: 1, max: 100 }).map((n) => `-${n}w`),
  fc.constantFrom('today', 'yesterday', '-1y'),
  fc
    .integer({ min: 0, max: SPAN_DAYS })
    .map((d) => new Date(SPAN_START + d * DAY).toISOString().slice(0, 10)),
);

const GROUP_VALUES: Record<string, readonly string[]> = {
  rfm_group: ['champions', 'loyal', 'at_risk', 'Sắp mất', 'prospects', 'needs_attention', 'new'],
  lifecycle: ['prospect', 'new', 'standard', 'Khách hàng trung thành', 'churned', 'premium'],
  value_group: ['ignore', 'win_back', 'focus', 'Tập trung – giá trị thấp', 'needs_attention'],
  source: ['shopify', 'haravan', 'shopee', 'lazada'],
};

const numberCondition = fc.oneof(
  ...NUMBER_FIELDS.map(([field, value]) =>
    fc.oneof(
      fc.tuple(op, value).map(([o, v]) => `${field} ${o} ${v}`),
      fc.tuple(value, value).map(([a, b]) => `${field} BETWEEN ${Math.min(a, b)} AND ${Math.max(a, b)}`),
      fc.array(value, { minLength: 1, maxLength: 3 }).map((vs) => `${field} IN (${vs.join(', ')})`),
      fc.constant(`${field} IS NULL`),
    ),
  ),
);

const dateCondition = fc.oneof(
  fc.tuple(fc.constantFrom(...DATE_FIELDS), op, dateValue).map(([f, o, v]) => `${f} ${o} ${v}`),
  fc
    .tuple(fc.constantFrom(...DATE_FIELDS), dateValue, dateValue)
    .map(([f, a, b]) => `${f} NOT BETWEEN ${a} AND ${b}`),
  fc.constantFrom(...DATE_FIELDS).map((f) => `${f} IS NOT NULL`),
);

const groupCondition = fc.constantFrom(...Object.keys(GROUP_VALUES)).chain((field) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom('=', '!='), fc.constantFrom(...GROUP_VALUES[field]!))
      .map(([o, v]) => `${field} ${o} ${quote(v)}`),
    fc
      .subarray([...GROUP_VALUES[field]!], { minLength: 1 })
      .chain((vs) =>
        fc.boolean().map((neg) => `${field} ${neg ? 'NOT IN' : 'IN'} (${vs.map(quote).join(', ')})`),
      ),
    fc.constant(`${field} IS NULL`),
  ),
);

const textCondition = fc.oneof(
  fc.tuple(fc.constantFrom('=', '!='), fc.constantFrom(...CITIES)).map(([o, v]) => `city ${o} ${quote(v)}`),
  fc.constantFrom('Hà', 'Minh', ';', "'", '--').map((v) => `city CONTAINS ${quote(v)}`),
  fc.constantFrom('Hà', 'Minh').map((v) => `city NOT CONTAINS ${quote(v)}`),
  fc.subarray([...CITIES], { minLength: 1 }).map((vs) => `city NOT IN (${vs.map(quote).join(', ')})`),
  fc.constantFrom('city IS NULL', 'email IS NULL', 'phone IS NOT NULL', "email CONTAINS 'khach1'"),
);

const flagCondition = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('accepts_email', 'accepts_sms', 'accepts_zalo', 'accepts_messenger', 'referred'),
      fc.boolean(),
    )
    .map(([f, b]) => `${f} = ${b}`),
  fc.constantFrom('accepts_zalo IS NULL', 'accepts_email != true'),
  fc.constantFrom(...TAGS).map((t) => `tags CONTAINS ${quote(t)}`),
  fc.constantFrom(...TAGS).map((t) => `tags NOT CONTAINS ${quote(t)}`),
  fc.constantFrom('tags IS NULL', 'tags IS NOT NULL', 'consent IS NULL'),
  fc.constantFrom('email', 'sms', 'zalo', 'messenger').map((c) => `consent CONTAINS ${quote(c)}`),
);

const windowArgs = fc.oneof(
  fc.constant([] as string[]),
  dateValue.map((d) => [`since: ${d}`]),
  fc.tuple(dateValue, dateValue).map(([a, b]) => [`since: ${a}`, `until: ${b}`]),
  fc.integer({ min: 0, max: 400 }).map((n) => [`within: ${n}d`]),
  fc.integer({ min: 1, max: 20 }).map((n) => [`within: ${n}w`]),
);

const countArg = fc.oneof(
  fc.constant([] as string[]),
  fc.tuple(op, fc.integer({ min: 0, max: 3 })).map(([o, n]) => [`count ${o} ${n}`]),
);

const strings = (values: readonly string[]) =>
  fc.subarray([...values], { minLength: 1, maxLength: 2 }).map((vs) => list(vs.map(quote)));

const purchasedCondition = fc
  .tuple(
    fc.option(
      strings(SKUS).map((v) => `sku: ${v}`),
      { nil: undefined },
    ),
    fc.option(
      strings(CATEGORIES).map((v) => `category: ${v}`),
      { nil: undefined },
    ),
    windowArgs,
    countArg,
  )
  .map(([sku, cat, w, n]) => `products_purchased(${[sku, cat, ...w, ...n].filter(Boolean).join(', ')})`);

const performedCondition = fc
  .tuple(
    fc.constantFrom(...EVENT_KINDS),
    fc.option(
      strings(SKUS).map((v) => `product: ${v}`),
      { nil: undefined },
    ),
    fc.option(
      strings(CATEGORIES).map((v) => `category: ${v}`),
      { nil: undefined },
    ),
    fc.option(
      strings(CAMPAIGNS).map((v) => `campaign: ${v}`),
      { nil: undefined },
    ),
    windowArgs,
    countArg,
  )
  .map(([e, p, c, k, w, n]) => `performed(${[quote(e), p, c, k, ...w, ...n].filter(Boolean).join(', ')})`);

const messageCondition = fc
  .tuple(
    fc.constantFrom('opened', 'clicked', 'declined'),
    fc.option(
      strings(CHANNELS).map((v) => `channel: ${v}`),
      { nil: undefined },
    ),
    fc.option(
      strings(CAMPAIGNS).map((v) => `campaign: ${v}`),
      { nil: undefined },
    ),
    windowArgs,
    countArg,
  )
  .map(([f, ch, k, w, n]) => `${f}(${[ch, k, ...w, ...n].filter(Boolean).join(', ')})`);

/**
 * OR-lists of one function with the same other arguments and different values, which the SQL
 * compiler folds into one set test (merge.ts): SKUs or categories of products_purchased, products or
 * campaigns of performed, values of one field; sometimes with a count that must not be folded.
 */
const orListCondition = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('sku', 'category'),
      fc.option(
        strings(CATEGORIES).map((v) => `category: ${v}`),
        { nil: undefined },
      ),
      windowArgs,
      fc.oneof(fc.constant([] as string[]), countArg),
      fc.integer({ min: 2, max: 5 }),
    )
    .chain(([dim, cat, w, n, k]) =>
      fc
        .array(strings(dim === 'sku' ? SKUS : CATEGORIES), { minLength: k, maxLength: k })
        .map((values) =>
          values
            .map(
              (v) =>
                `products_purchased(${[`${dim}: ${v}`, dim === 'sku' ? cat : undefined, ...w, ...n].filter(Boolean).join(', ')})`,
            )
            .join(' OR '),
        ),
    ),
  fc
    .tuple(
      fc.constantFrom(...EVENT_KINDS),
      fc.constantFrom('product', 'campaign'),
      fc.option(
        strings(CHANNELS).map((v) => `channel: ${v}`),
        { nil: undefined },
      ),
      windowArgs,
      fc.oneof(fc.constant([] as string[]), countArg),
      fc.integer({ min: 2, max: 4 }),
    )
    .chain(([e, dim, ch, w, n, k]) =>
      fc
        .array(strings(dim === 'product' ? SKUS : CAMPAIGNS), { minLength: k, maxLength: k })
        .map((values) =>
          values
            .map((v) => `performed(${[quote(e), `${dim}: ${v}`, ch, ...w, ...n].filter(Boolean).join(', ')})`)
            .join(' OR '),
        ),
    ),
  fc
    .array(fc.constantFrom(...CITIES), { minLength: 2, maxLength: 4 })
    .map((vs) => vs.map((v, i) => (i % 2 ? `city IN (${quote(v)})` : `city = ${quote(v)}`)).join(' OR ')),
);

const leaf = fc.oneof(
  orListCondition,
  numberCondition,
  dateCondition,
  groupCondition,
  textCondition,
  flagCondition,
  purchasedCondition,
  performedCondition,
  messageCondition,
);

/** A random query text: leaves combined with AND, OR, NOT and parentheses, up to depth 3. */
export const queryArb: fc.Arbitrary<string> = fc.letrec<{ q: string }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('q'), tie('q')).map(([a, b]) => `(${a}) AND (${b})`),
    fc.tuple(tie('q'), tie('q')).map(([a, b]) => `(${a}) OR (${b})`),
    tie('q').map((a) => `NOT (${a})`),
  ),
})).q;

/** Ids matched by SQL and by the in-memory evaluator for one query. */
export async function bothWays(
  store: Store,
  text: string,
  asOf = AS_OF,
): Promise<{ sql: string[]; memory: string[] }> {
  const resolved: ResolvedQuery = resolveQuery(parseSegmentQuery(text), { asOf, timeZone: TZ });
  const { sql, params } = selectIdsSql(resolved, SHOP);
  const fromSql = (await store.engine.all<{ customer_id: string }>(sql, params)).map((r) => r.customer_id);
  const customers = await loadSegmentCustomers(store.engine, SHOP, { kind: 'all' });
  const fromMemory = customers.filter((c) => matches(resolved, c)).map((c) => c.customerId);
  return { sql: fromSql, memory: fromMemory.sort() };
}
