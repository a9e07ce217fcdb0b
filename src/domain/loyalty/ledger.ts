/**
 * The points ledger's entries and what an order earns (pure: the app layer reads the order and
 * its entries, asks `planOrderEntries` what to append, and appends it).
 *
 * An entry changes two sums: `points` (spendable) and `pending` (waiting for the order's
 * delivery). The balance is the sum of `points`, the pending points the sum of `pending`; both
 * are derived from the ledger and never stored.
 */
import type { OrderStatus } from '../model/index.js';
import type { LoyaltySettings, Rule } from './program.js';

export const LEDGER_KINDS = ['earn', 'approve', 'reverse', 'redeem', 'expire', 'adjust'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** What an entry came from: an order, an event, a customer-level rule, a reward, staff, expiry, a tier. */
export const SOURCE_TYPES = ['order', 'event', 'customer', 'reward', 'staff', 'expiry', 'tier'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** Why an entry was written; transports translate these (see app/loyalty/text). */
export const ENTRY_REASONS = [
  'order_placed',
  'order_delivered',
  'order_paid',
  'order_failed_delivery',
  'order_cancelled',
  'order_returned',
  'order_refunded',
  'partial_refund',
  'order_restored',
  'signed_up',
  'second_order',
  'spend_threshold',
  'bonus_reversed',
  'birthday',
  'review',
  'nps',
  'referral',
  'custom_event',
  'tier_entry',
  'reward_redeemed',
  'inactivity',
  'staff_adjustment',
] as const;
export type EntryReason = (typeof ENTRY_REASONS)[number];

export interface PlannedEntry {
  customerId: string;
  kind: LedgerKind;
  points: number;
  pending: number;
  reason: EntryReason;
  ruleId: string | null;
  programVersion: number | null;
  rate: number | null;
  base: number | null;
  sourceType: SourceType;
  sourceId: string | null;
  sourceKey: string;
  note?: string | null;
}

/** The fields of an order the ledger looks at. */
export interface OrderFacts {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  total: number;
  shipping: number;
  refunded: number;
  cancelled: boolean;
  createdAt: Date;
}

/** What the ledger holds for one order already (sums over its entries). */
export interface OrderLedgerState {
  earned: boolean;
  approved: boolean;
  /** Points per currency unit at earning (multipliers included), and the amount it applied to. */
  rate: number;
  base: number;
  points: number;
  pending: number;
  reversals: number;
}

export const NO_ORDER_ENTRIES: OrderLedgerState = {
  earned: false,
  approved: false,
  rate: 0,
  base: 0,
  points: 0,
  pending: 0,
  reversals: 0,
};

/** Where an order stands for its points: waiting, confirmed (approve them), or void (take them back). */
export type OrderPhase =
  | { kind: 'pending' }
  | { kind: 'confirmed'; reason: 'order_delivered' | 'order_paid' }
  | {
      kind: 'void';
      reason: 'order_failed_delivery' | 'order_cancelled' | 'order_returned' | 'order_refunded';
    };

/**
 * The phase of an order, cash-on-delivery aware: a COD order is not money until the buyer took
 * the parcel, so by default its points wait for `delivered`; a shop that trusts payment may
 * approve on `paid`. A refused parcel, a cancellation, a return or a full refund voids them.
 */
export function orderPhase(o: OrderFacts, settings: Pick<LoyaltySettings, 'approveOn'>): OrderPhase {
  if (o.status === 'failed_delivery') return { kind: 'void', reason: 'order_failed_delivery' };
  if (o.status === 'cancelled' || o.cancelled) return { kind: 'void', reason: 'order_cancelled' };
  if (o.status === 'returned') return { kind: 'void', reason: 'order_returned' };
  if (o.status === 'refunded' || (o.total > 0 && o.refunded >= o.total))
    return { kind: 'void', reason: 'order_refunded' };
  if (o.status === 'delivered') return { kind: 'confirmed', reason: 'order_delivered' };
  if (o.status === 'paid' && settings.approveOn === 'paid')
    return { kind: 'confirmed', reason: 'order_paid' };
  return { kind: 'pending' };
}

/** Points for `amount` at `rate`, rounded down (a hair of tolerance for binary fractions). */
export function pointsAt(amount: number, rate: number): number {
  return Math.max(0, Math.floor(amount * rate + 1e-9));
}

/** The amount the per-amount rule applies to: the total, without shipping unless the rule says so. */
export function earningBase(o: OrderFacts, rule: Extract<Rule, { kind: 'per_amount' }>): number {
  return Math.max(0, rule.includeShipping ? o.total : o.total - o.shipping);
}

export interface EarnTerms {
  rule: Extract<Rule, { kind: 'per_amount' }>;
  programVersion: number;
  /** The multiplier in force for this customer today. */
  factor: number;
}

/**
 * The entries that bring an order's points where its state says they should be. Idempotent: a
 * second call with the state after the first plans nothing. Reductions (partial refunds, a void)
 * and restorations (a voided order delivered after all) use the rate stored on the order's earn
 * entry, never the rule in force now.
 */
export function planOrderEntries(
  o: OrderFacts,
  before: OrderLedgerState,
  phase: OrderPhase,
  terms: EarnTerms | undefined,
): PlannedEntry[] {
  const out: PlannedEntry[] = [];
  const s = { ...before };
  const entry = (e: Omit<PlannedEntry, 'customerId' | 'sourceType' | 'sourceId'>): PlannedEntry => ({
    customerId: o.customerId,
    sourceType: 'order',
    sourceId: o.orderId,
    ...e,
  });
  if (!s.earned) {
    // An order void before it earned never earns; without a per-amount rule orders earn nothing.
    if (phase.kind === 'void' || !terms) return out;
    const rate = (terms.rule.points / terms.rule.per) * terms.factor;
    const base = earningBase(o, terms.rule);
    const pts = pointsAt(base, rate);
    out.push(
      entry({
        kind: 'earn',
        points: 0,
        pending: pts,
        reason: 'order_placed',
        ruleId: terms.rule.id,
        programVersion: terms.programVersion,
        rate,
        base,
        sourceKey: `earn:order:${o.orderId}`,
      }),
    );
    Object.assign(s, { earned: true, rate, base, pending: pts });
  }
  // Pro rata: what is left of the base after refunds, at the earning-time rate.
  const target = phase.kind === 'void' ? 0 : pointsAt(Math.max(0, s.base - Math.max(0, o.refunded)), s.rate);
  const reverseReason = phase.kind === 'void' ? phase.reason : 'partial_refund';
  const held = s.approved ? s.points : s.pending;
  if (held > target) {
    const cut = held - target;
    s.reversals += 1;
    out.push(
      entry({
        kind: 'reverse',
        points: s.approved ? -cut : 0,
        pending: s.approved ? 0 : -cut,
        reason: reverseReason,
        ruleId: null,
        programVersion: null,
        rate: s.rate,
        base: null,
        sourceKey: `reverse:order:${o.orderId}:${s.reversals}`,
      }),
    );
    if (s.approved) s.points -= cut;
    else s.pending -= cut;
  }
  // An order back to life after a reversal (a parcel refused, then delivered on a second try):
  // its points come back, at the earning-time rate, keyed by the reversal they undo and the
  // points they bring the order to (a refund lowered later restores again, under another key).
  if (phase.kind !== 'void' && held < target) {
    const back = target - held;
    out.push(
      entry({
        kind: 'earn',
        points: s.approved ? back : 0,
        pending: s.approved ? 0 : back,
        reason: 'order_restored',
        ruleId: null,
        programVersion: null,
        rate: s.rate,
        base: null,
        sourceKey: `restore:order:${o.orderId}:${s.reversals}:${target}`,
      }),
    );
    if (s.approved) s.points += back;
    else s.pending += back;
  }
  if (phase.kind === 'confirmed' && !s.approved) {
    out.push(
      entry({
        kind: 'approve',
        points: s.pending,
        pending: -s.pending,
        reason: phase.reason,
        ruleId: null,
        programVersion: null,
        rate: s.rate,
        base: null,
        sourceKey: `approve:order:${o.orderId}`,
      }),
    );
  }
  return out;
}

/**
 * What a once-only reward is once of, whoever's id its source key carries: `rule:<rule>` (a
 * once-only event rule: signing up, a `custom_event` with `once`), `tier:<tier>` (a tier's entry
 * points, once per tier ever), `birthday:<rule>:<year>`; undefined for the rest. Source keys name
 * the customer they were written for, so after a merge the survivor holds the absorbed customer's
 * keys and would not collide with its own: the once-only checks compare these instead.
 */
export function onceToken(
  e: Pick<PlannedEntry, 'kind' | 'reason' | 'ruleId' | 'sourceType' | 'sourceId' | 'sourceKey'>,
): string | undefined {
  if (e.kind !== 'earn') return undefined;
  if (e.sourceType === 'tier') return `tier:${e.sourceId}`;
  if (e.sourceType === 'event' && e.sourceKey.startsWith('rule:')) return `rule:${e.ruleId}`;
  if (e.reason === 'birthday') return `birthday:${e.ruleId}:${e.sourceKey.split(':').at(-1)}`;
  return undefined;
}

/**
 * The planned entries less the once-only rewards their customers hold already (`held`: each
 * customer's `onceToken`s, e.g. earned by a customer merged into them) or that an earlier entry
 * of the same plan gives.
 */
export function withoutHeldOnce<E extends PlannedEntry>(
  planned: readonly E[],
  held: ReadonlyMap<string, ReadonlySet<string>>,
): E[] {
  const given = new Set<string>();
  return planned.filter((e) => {
    const token = onceToken(e);
    if (token === undefined) return true;
    const key = `${e.customerId}\u0000${token}`;
    if (held.get(e.customerId)?.has(token) || given.has(key)) return false;
    given.add(key);
    return true;
  });
}
