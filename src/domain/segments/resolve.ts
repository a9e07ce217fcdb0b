import { assertNever, NurtureError } from '../../errors.js';
import { addDays, localDay } from '../analytics/calendar.js';
import { wallTimeToInstant } from '../time.js';
import type {
  Condition,
  DateRef,
  DurationUnit,
  Resolved,
  ResolvedQuery,
  Scalar,
  SegmentQuery,
  Symbolic,
  Window,
} from './ast.js';

/**
 * Turns relative dates into absolute ones for one as-of instant, in the shop's calendar: `-90d` is
 * the day 90 days before the as-of day; a window's `since` starts at the beginning of its day and
 * its `until` ends at the end of its day (both in the shop's time zone). Pure: the SQL compiler
 * and the in-memory evaluator run on the result, so they see the same days and instants.
 */
export function resolveQuery(query: SegmentQuery, clock: { asOf: Date; timeZone: string }): ResolvedQuery {
  if (Number.isNaN(clock.asOf.getTime())) throw new NurtureError('invalid_input', 'asOf is not a valid date');
  const today = localDay(clock.asOf, clock.timeZone);
  const ctx = { today, timeZone: clock.timeZone };
  return {
    condition: resolveCondition(query.condition, ctx),
    asOf: clock.asOf,
    today,
    timeZone: clock.timeZone,
  };
}

interface Ctx {
  today: string;
  timeZone: string;
}

function resolveCondition(c: Condition<Symbolic>, ctx: Ctx): Condition<Resolved> {
  switch (c.kind) {
    case 'and':
    case 'or':
      return { kind: c.kind, items: c.items.map((i) => resolveCondition(i, ctx)) };
    case 'not':
      return { kind: 'not', operand: resolveCondition(c.operand, ctx) };
    case 'compare':
      return { ...c, value: resolveScalar(c.value, ctx) };
    case 'in':
      return { ...c, values: c.values.map((v) => resolveScalar(v, ctx)) };
    case 'is_null':
    case 'substring':
    case 'has':
    case 'empty':
      return c;
    case 'purchased':
      return { ...c, window: resolveWindow(c.window, ctx) };
    case 'performed':
      return { ...c, window: resolveWindow(c.window, ctx) };
    case 'replenishment_due':
      return { ...c, from: dayOf(c.from, ctx.today), to: dayOf(c.to, ctx.today) };
    default:
      return assertNever(c, 'condition');
  }
}

function resolveScalar(v: Scalar<Symbolic>, ctx: Ctx): Scalar<Resolved> {
  switch (v.type) {
    case 'number':
    case 'string':
    case 'boolean':
      return v;
    case 'date':
      return { type: 'date', value: dayOf(v.value, ctx.today) };
    default:
      return assertNever(v, 'value');
  }
}

function resolveWindow(w: Window<Symbolic>, ctx: Ctx): Window<Resolved> {
  const out: Window<Resolved> = {};
  if (w.from) out.from = startOfDay(dayOf(w.from, ctx.today), ctx.timeZone);
  if (w.to) out.to = startOfDay(addDays(dayOf(w.to, ctx.today), 1), ctx.timeZone);
  return out;
}

/** The day a date reference names, counted from `today`. */
export function dayOf(ref: DateRef, today: string): string {
  switch (ref.kind) {
    case 'absolute':
      return ref.day;
    case 'relative':
      return shiftDay(today, ref.amount, ref.unit);
    default:
      return assertNever(ref, 'date');
  }
}

/** Calendar arithmetic: days and weeks exactly, months and years keeping the day (clamped to the month's end). */
export function shiftDay(day: string, amount: number, unit: DurationUnit): string {
  switch (unit) {
    case 'd':
      return addDays(day, amount);
    case 'w':
      return addDays(day, amount * 7);
    case 'm':
      return addMonths(day, amount);
    case 'y':
      return addMonths(day, amount * 12);
    default:
      return assertNever(unit, 'unit');
  }
}

function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dd = Math.min(d, last);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

/** The instant a day starts in a time zone. */
export function startOfDay(day: string, timeZone: string): Date {
  return new Date(wallTimeToInstant(Date.parse(`${day}T00:00:00Z`), timeZone));
}
