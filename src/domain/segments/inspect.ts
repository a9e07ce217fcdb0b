import { assertNever } from '../../errors.js';
import type { Condition, DateRef, Phase, Resolved, ResolvedQuery, Symbolic, Window } from './ast.js';
import { matches } from './evaluate.js';
import { scalarField } from './fields.js';
import { NO_NEEDS, type RecordNeeds, type SegmentCustomer } from './record.js';

/** What a condition reads of a customer record, so a loader can skip the rest. */
export function needsOf<P extends Phase>(condition: Condition<P>): RecordNeeds {
  const needs = { ...NO_NEEDS };
  const visit = (c: Condition<P>): void => {
    switch (c.kind) {
      case 'and':
      case 'or':
        for (const i of c.items) visit(i);
        return;
      case 'not':
        visit(c.operand);
        return;
      case 'compare':
      case 'in':
      case 'is_null':
      case 'substring': {
        const source = scalarField(c.field).source;
        if (source === 'nps') needs.feedback = true;
        if (source === 'stats') needs.stats = true;
        if (source === 'predictions') needs.predictions = true;
        return;
      }
      case 'has':
      case 'empty':
        if (c.field === 'tags') needs.tags = true;
        return;
      case 'purchased':
        needs.orders = true;
        if (c.skus !== null || c.categories !== null) needs.lines = true;
        return;
      case 'performed':
        needs.events = true;
        return;
      case 'replenishment_due':
        // The orders and lines tell a prediction made stale by a purchase since.
        needs.replenishment = true;
        needs.orders = true;
        needs.lines = true;
        return;
      default:
        assertNever(c, 'condition');
    }
  };
  visit(condition);
  return needs;
}

/** The union of what several conditions read. */
export function mergeNeeds(all: readonly RecordNeeds[]): RecordNeeds {
  const out = { ...NO_NEEDS };
  for (const n of all) for (const k of Object.keys(out) as (keyof RecordNeeds)[]) if (n[k]) out[k] = true;
  return out;
}

const relative = (d: DateRef | undefined): boolean => d?.kind === 'relative';
const windowDrifts = (w: Window<Symbolic>): boolean => relative(w.from) || relative(w.to);

/**
 * True when the answer can change with the passing of time alone (a relative date, a window
 * counted back from today, days_since_last_order): such segments need the periodic full pass.
 */
export function isTimeDependent(c: Condition<Symbolic>): boolean {
  switch (c.kind) {
    case 'and':
    case 'or':
      return c.items.some(isTimeDependent);
    case 'not':
      return isTimeDependent(c.operand);
    case 'compare':
      return c.field === 'days_since_last_order' || (c.value.type === 'date' && relative(c.value.value));
    case 'in':
      return (
        c.field === 'days_since_last_order' || c.values.some((v) => v.type === 'date' && relative(v.value))
      );
    case 'is_null':
    case 'substring':
    case 'has':
    case 'empty':
      return false;
    case 'purchased':
    case 'performed':
      return windowDrifts(c.window);
    case 'replenishment_due':
      // The predictions change with each recompute and each purchase, whatever the days say.
      return true;
    default:
      return assertNever(c, 'condition');
  }
}

/** A customer with nothing known: no stats row, no data. */
const NOBODY: SegmentCustomer = {
  customerId: '',
  createdAt: new Date(0),
  city: null,
  source: '',
  phone: null,
  email: null,
  consent: { email: null, sms: null, zalo: null, messenger: null },
  referred: false,
  tags: [],
  stats: null,
  predictions: null,
  orders: [],
  events: [],
  feedback: [],
  replenishment: [],
};

/** True when a condition reads customer_stats fields only (no other field, no function). */
function statsOnly(c: Condition<Resolved>): boolean {
  switch (c.kind) {
    case 'and':
    case 'or':
      return c.items.every(statsOnly);
    case 'not':
      return statsOnly(c.operand);
    case 'compare':
    case 'in':
    case 'is_null':
    case 'substring':
      return scalarField(c.field).source === 'stats';
    case 'has':
    case 'empty':
    case 'purchased':
    case 'performed':
    case 'replenishment_due':
      return false;
    default:
      return assertNever(c, 'condition');
  }
}

/**
 * True when no customer without a customer_stats row can match: one of the top-level AND terms
 * reads stats only and is false for a customer without them (`number_of_orders >= 2`). The SQL
 * then joins the stats with an inner join. Decided by the evaluator itself, so it agrees with it.
 */
export function needsStatsRow(query: ResolvedQuery): boolean {
  const terms = query.condition.kind === 'and' ? query.condition.items : [query.condition];
  return terms.some((t) => statsOnly(t) && !matches({ ...query, condition: t }, NOBODY));
}
