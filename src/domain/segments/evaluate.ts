import { assertNever } from '../../errors.js';
import { daysBetween, localDay } from '../analytics/calendar.js';
import { isValidOrder } from '../analytics/valid-orders.js';
import type { OrderStatus } from '../model/enums.js';
import {
  type CompareOp,
  type Condition,
  type CountTest,
  EVENT_FILTER_KEYS,
  type EventFilterKey,
  type Resolved,
  type ResolvedQuery,
  type ScalarFieldName,
  type SetFieldName,
  type Window,
} from './ast.js';
import type { SegmentCustomer, SegmentEvent } from './record.js';

/**
 * The in-memory evaluator: whether one customer matches a resolved query. It gives the same
 * answer as the compiled SQL (a property test runs both on random customers and queries on DuckDB
 * and PostgreSQL): every condition is true or false, a comparison with an empty field is false.
 */
export function matches(query: ResolvedQuery, customer: SegmentCustomer): boolean {
  return test(query.condition, customer, query);
}

type Value = number | string | boolean | null;

function test(c: Condition<Resolved>, r: SegmentCustomer, q: ResolvedQuery): boolean {
  switch (c.kind) {
    case 'and':
      return c.items.every((i) => test(i, r, q));
    case 'or':
      return c.items.some((i) => test(i, r, q));
    case 'not':
      return !test(c.operand, r, q);
    case 'compare': {
      const v = fieldValue(c.field, r, q);
      return v !== null && compare(v, c.op, c.value.value);
    }
    case 'in': {
      const v = fieldValue(c.field, r, q);
      return v !== null && c.values.some((x) => x.value === v);
    }
    case 'is_null':
      return fieldValue(c.field, r, q) === null;
    case 'substring': {
      const v = fieldValue(c.field, r, q);
      return typeof v === 'string' && v.includes(c.value);
    }
    case 'has':
      return setValues(c.field, r).includes(c.value);
    case 'empty':
      return setValues(c.field, r).length === 0;
    case 'purchased':
      return countMatches(purchaseCount(c, r), c.count);
    case 'performed':
      return countMatches(eventCount(c, r), c.count);
    case 'replenishment_due':
      return isDue(c, r);
    default:
      return assertNever(c, 'condition');
  }
}

/** `a op b` for two values of the same type (dates compare as 'YYYY-MM-DD' text). */
export function compare(a: number | string | boolean, op: CompareOp, b: number | string | boolean): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return assertNever(op, 'operator');
  }
}

function countMatches(n: number, count: CountTest): boolean {
  return compare(n, count.op, count.value);
}

/** The value of a scalar field for one customer (null: empty). */
export function fieldValue(
  field: ScalarFieldName,
  r: SegmentCustomer,
  q: Pick<ResolvedQuery, 'today' | 'timeZone'>,
): Value {
  const s = r.stats;
  switch (field) {
    case 'number_of_orders':
      return s?.orders ?? 0;
    case 'amount_spent':
      return s?.revenue ?? 0;
    case 'aov':
      return s?.aov ?? null;
    case 'first_order_date':
      return s?.firstOrderDate ?? null;
    case 'last_order_date':
      return s?.lastOrderDate ?? null;
    case 'days_since_last_order':
      return s?.lastOrderDate ? daysBetween(s.lastOrderDate, q.today) : null;
    case 'average_days_between_orders':
      return s?.avgGapDays ?? null;
    case 'rfm_r':
      return s?.r ?? null;
    case 'rfm_f':
      return s?.f ?? null;
    case 'rfm_m':
      return s?.m ?? null;
    case 'rfm_group':
      return s?.rfmGroup ?? null;
    case 'lifecycle':
      return s?.lifecycle ?? null;
    case 'value_group':
      return s?.valueGroup ?? null;
    case 'referrals':
      return s?.referrals ?? null;
    case 'nps':
      return latestNps(r);
    case 'city':
      return r.city;
    case 'source':
      return r.source;
    case 'phone':
      return r.phone;
    case 'email':
      return r.email;
    case 'customer_added_date':
      return localDay(r.createdAt, q.timeZone);
    case 'referred':
      return r.referred;
    case 'accepts_email':
      return r.consent.email;
    case 'accepts_sms':
      return r.consent.sms;
    case 'accepts_zalo':
      return r.consent.zalo;
    case 'accepts_messenger':
      return r.consent.messenger;
    case 'p_alive':
      return r.predictions?.pAlive ?? null;
    case 'predicted_clv':
      return r.predictions?.predictedClv ?? null;
    case 'churn_probability':
      return r.predictions?.churnProbability ?? null;
    case 'expected_next_order_date':
      return r.predictions?.expectedNextOrderDate ?? null;
    default:
      return assertNever(field, 'field');
  }
}

function setValues(field: SetFieldName, r: SegmentCustomer): readonly string[] {
  switch (field) {
    case 'tags':
      return r.tags;
    case 'consent':
      return (Object.keys(r.consent) as (keyof typeof r.consent)[]).filter((k) => r.consent[k] === true);
    default:
      return assertNever(field, 'set field');
  }
}

/** The latest NPS answer with a score (latest by time, then by feedback id). */
function latestNps(r: SegmentCustomer): number | null {
  let best: SegmentCustomer['feedback'][number] | undefined;
  for (const f of r.feedback) {
    if (f.kind !== 'nps' || f.score === null) continue;
    const later =
      !best ||
      f.createdAt.getTime() > best.createdAt.getTime() ||
      (f.createdAt.getTime() === best.createdAt.getTime() && f.feedbackId > best.feedbackId);
    if (later) best = f;
  }
  return best ? best.score : null;
}

function inWindow(at: Date, w: Window<Resolved>): boolean {
  const t = at.getTime();
  return (w.from === undefined || t >= w.from.getTime()) && (w.to === undefined || t < w.to.getTime());
}

function purchaseCount(c: Extract<Condition<Resolved>, { kind: 'purchased' }>, r: SegmentCustomer): number {
  const filtered = c.skus !== null || c.categories !== null;
  let n = 0;
  for (const o of r.orders) {
    if (!inWindow(o.createdAt, c.window)) continue;
    if (!isValidOrder({ status: o.status as OrderStatus, total: o.total, refunded: o.refunded })) continue;
    const hit =
      !filtered ||
      o.lines.some(
        (l) =>
          (c.skus === null || (l.sku !== null && c.skus.includes(l.sku))) &&
          (c.categories === null || (l.category !== null && c.categories.includes(l.category))),
      );
    if (hit) n++;
  }
  return n;
}

const DAY_MS = 86_400_000;

function isDue(c: Extract<Condition<Resolved>, { kind: 'replenishment_due' }>, r: SegmentCustomer): boolean {
  return r.replenishment.some(
    (d) =>
      (c.skus === null || c.skus.includes(d.sku)) &&
      d.dueDay >= c.from &&
      d.dueDay <= c.to &&
      // Stale when the customer bought the SKU again (a day or more after) since the prediction.
      !r.orders.some(
        (o) =>
          o.createdAt.getTime() >= d.lastPurchaseAt.getTime() + DAY_MS &&
          isValidOrder({ status: o.status as OrderStatus, total: o.total, refunded: o.refunded }) &&
          o.lines.some((l) => l.sku === d.sku),
      ),
  );
}

function eventCount(c: Extract<Condition<Resolved>, { kind: 'performed' }>, r: SegmentCustomer): number {
  let n = 0;
  for (const e of r.events)
    if (
      e.name === c.event &&
      inWindow(e.occurredAt, c.window) &&
      c.filters.every((f) => eventHas(e, f.key, f.values))
    )
      n++;
  return n;
}

function eventHas(e: SegmentEvent, key: EventFilterKey, values: readonly string[]): boolean {
  return EVENT_FILTER_KEYS[key].some((k) => {
    const text = propertyText(e.properties?.[k]);
    return text !== null && values.includes(text);
  });
}

/** A property as SQL's `->>` reads it: strings as they are, numbers and booleans as JSON text. */
export function propertyText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  return null;
}
