import { assertNever } from '../../errors.js';
import { zonedDayOf } from '../time.js';
import type { EntryPolicy } from './schema.js';

/** One thing that may start a run: who, when, and what (an order, an event, a segment entry, a tick). */
export interface Occurrence {
  customerId: string;
  at: Date;
  /** Unique per trigger occurrence: the order id, the event id, `segment:<entered_at>`, the tick. */
  id: string;
  orderId?: string | undefined;
}

/**
 * A run's entry key, unique per flow: the same occurrence seen twice (a retried webhook, a
 * re-imported order, a recomputed segment) maps to the same key and starts no second run.
 * - once: the customer (one run ever);
 * - once_per N days: the occurrence (the N-day rule is checked against the customer's last run);
 * - every order / year / occurrence: the customer with the order id, the year in the shop's
 *   zone (birthdays) or the occurrence id.
 */
export function entryKey(policy: EntryPolicy, o: Occurrence, timeZone: string): string {
  switch (policy.policy) {
    case 'once':
      return o.customerId;
    case 'once_per':
      return `${o.customerId}:${o.id}`;
    case 'every':
      switch (policy.key) {
        case 'order':
          return `${o.customerId}:order:${o.orderId ?? o.id}`;
        case 'year':
          return `${o.customerId}:${zonedDayOf(o.at, timeZone).slice(0, 4)}`;
        case 'occurrence':
          return `${o.customerId}:${o.id}`;
        default:
          return assertNever(policy.key, 'entry key');
      }
    default:
      return assertNever(policy, 'entry policy');
  }
}
