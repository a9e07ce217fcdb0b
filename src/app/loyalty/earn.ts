/**
 * The ledger's order pass, run by `afterOrders` for the customers whose orders changed (imports,
 * store webhooks, the demo, the jobs): each order's points are earned (pending), approved on
 * delivery (or payment, per the programme), reduced pro rata on a partial refund and reversed on a
 * failed delivery, a cancellation or a return, always at the rate stored when they were earned.
 * Then the once-per-customer rules (second order, spend threshold) and the tiers. Idempotent:
 * every entry has a source key, and a second pass over the same orders appends nothing.
 */
import { localDay } from '../../domain/analytics/calendar.js';
import {
  type EarnTerms,
  NO_ORDER_ENTRIES,
  type OrderFacts,
  orderPhase,
  type PlannedEntry,
  planOrderEntries,
  withoutHeldOnce,
} from '../../domain/loyalty/ledger.js';
import { multiplierFor, type Program, type Rule } from '../../domain/loyalty/program.js';
import { decideTier, type MemberTier, windowStart } from '../../domain/loyalty/tiers.js';
import { startOfDay } from '../../domain/segments/resolve.js';
import {
  appendEntries,
  customerRuleHoldings,
  earnedSince,
  type LedgerEntry,
  orderLedgerStates,
  type RuleHolding,
} from '../../store/loyalty/ledger.js';
import { heldOnceRewards } from '../../store/loyalty/once.js';
import {
  appendOrderEntriesSql,
  customerOrderSums,
  type OrderSums,
  type SqlEarnTerms,
} from '../../store/loyalty/order-pass.js';
import {
  insertEvents,
  type MemberRow,
  memberTiers,
  type NewEvent,
  saveMembers,
  scopedOrders,
} from '../../store/loyalty/program-members.js';
import { type IdScope, makeScope } from '../../store/segments/scope.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { type LoadedProgram, loadProgram } from './program.js';

/** The event a tier change emits (properties: from, to, direction, fromName, toName). */
export const TIER_CHANGED_EVENT = 'Tier Changed';

export interface LoyaltyPassResult {
  /** Entries planned (those already in the ledger are skipped on append). */
  planned: number;
  tierChanges: number;
}

const EMPTY: LoyaltyPassResult = { planned: 0, tierChanges: 0 };

/**
 * How the order entries are worked out: `js` plans each order with `planOrderEntries` (the
 * reference, cheapest for a few customers), `sql` computes them inside the engine
 * (`appendOrderEntriesSql`, for imports and replays: no order leaves the engine). `auto` picks
 * `sql` when the customers are more than go inline as parameters (or the whole shop).
 */
export type OrderPassMode = 'auto' | 'js' | 'sql';

/**
 * Brings the ledger and the tiers of these customers (all of the shop's when `customerIds` is
 * undefined) in line with their orders. Runs inside `store`'s transaction.
 */
export async function applyOrderPoints(
  ctx: AppContext,
  shopId: string,
  customerIds: readonly string[] | undefined,
  store: Store = ctx.store,
  loaded?: LoadedProgram,
  mode: OrderPassMode = 'auto',
): Promise<LoyaltyPassResult> {
  if (customerIds !== undefined && customerIds.length === 0) return EMPTY;
  const prog = loaded ?? (await loadProgram(store, shopId));
  if (!prog.program.enabled) return EMPTY;
  return store.transaction(async (tx) => {
    const shop = await tx.requireShop(shopId);
    const scope = await makeScope(tx.engine, customerIds);
    const now = ctx.clock.now();
    const today = localDay(now, shop.timezone);
    const { program, version } = prog;
    const window = startOfDay(windowStart(program.tiers, today), shop.timezone);
    const members = await memberTiers(tx, shopId, scope);
    const setBased = mode === 'sql' || (mode === 'auto' && scope.kind !== 'inline');
    const pass = setBased
      ? await sqlOrderPass(tx, shopId, prog, scope, today, window, now)
      : await jsOrderPass(tx, shopId, prog, scope, members, today, window);
    const planned = pass.planned;
    const holdings = await customerRuleHoldings(tx, shopId, scope);
    for (const [customerId, sums] of pass.sums) {
      const member = members.get(customerId) ?? null;
      const held = holdings.get(customerId) ?? new Map<string, RuleHolding>();
      planned.push(...customerRuleEntries(program, version, customerId, sums, member, today, held));
    }
    const tiers = await planTiers(
      tx,
      ctx,
      shopId,
      prog,
      scope,
      pass.sums,
      members,
      planned,
      now,
      shop.timezone,
    );
    planned.push(...tiers.entries);
    await appendEntries(tx, shopId, stamp(ctx, planned, now));
    await saveMembers(tx, shopId, tiers.members, now);
    await insertEvents(tx, shopId, tiers.events);
    return { planned: pass.appended + planned.length, tierChanges: tiers.events.length };
  });
}

interface OrderPass {
  /** Entries still to append (the JS pass: the orders'; the SQL pass appended its own). */
  planned: PlannedEntry[];
  /** Order entries the pass appended itself. */
  appended: number;
  sums: Map<string, OrderSums>;
}

/** The reference pass: every order read and planned by `planOrderEntries`. */
async function jsOrderPass(
  tx: Store,
  shopId: string,
  prog: LoadedProgram,
  scope: IdScope,
  members: ReadonlyMap<string, MemberTier>,
  today: string,
  window: Date,
): Promise<OrderPass> {
  const { program, version } = prog;
  const [orders, states] = await Promise.all([
    scopedOrders(tx, shopId, scope),
    orderLedgerStates(tx, shopId, scope),
  ]);
  const perAmount = program.rules.find((r) => r.kind === 'per_amount');
  const planned: PlannedEntry[] = [];
  const sums = new Map<string, OrderSums>();
  for (const o of orders) {
    const phase = orderPhase(o, program.settings);
    const s = sums.get(o.customerId) ?? { confirmed: 0, spend: 0, windowSpend: 0 };
    sums.set(o.customerId, s);
    if (phase.kind === 'confirmed') {
      s.confirmed += 1;
      s.spend += net(o);
      if (o.createdAt.getTime() >= window.getTime()) s.windowSpend += net(o);
    }
    const tierId = members.get(o.customerId)?.tierId ?? null;
    const terms: EarnTerms | undefined = perAmount && {
      rule: perAmount,
      programVersion: version,
      factor: multiplierFor(program, perAmount.id, tierId, today),
    };
    planned.push(...planOrderEntries(o, states.get(o.orderId) ?? NO_ORDER_ENTRIES, phase, terms));
  }
  return { planned, appended: 0, sums };
}

/** The set-based pass: the order entries computed and appended by the engine, then the sums read. */
async function sqlOrderPass(
  tx: Store,
  shopId: string,
  prog: LoadedProgram,
  scope: IdScope,
  today: string,
  window: Date,
  now: Date,
): Promise<OrderPass> {
  const { program, version } = prog;
  const perAmount = program.rules.find((r) => r.kind === 'per_amount');
  let terms: SqlEarnTerms | undefined;
  if (perAmount) {
    const base = perAmount.points / perAmount.per;
    const tierIds = new Set([
      ...program.tiers.levels.map((t) => t.id),
      ...program.multipliers.flatMap((m) => (m.tier === undefined ? [] : [m.tier])),
    ]);
    terms = {
      ruleId: perAmount.id,
      programVersion: version,
      includeShipping: perAmount.includeShipping === true,
      rateByTier: new Map(
        [...tierIds].map((id) => [id, base * multiplierFor(program, perAmount.id, id, today)]),
      ),
      defaultRate: base * multiplierFor(program, perAmount.id, null, today),
    };
  }
  const approveOn = program.settings.approveOn;
  const appended = await appendOrderEntriesSql(tx, shopId, { scope, terms, approveOn, at: now });
  const sums = await customerOrderSums(tx, shopId, scope, approveOn, window);
  return { planned: [], appended, sums };
}

/** Planned entries with their ids and time. */
export function stamp(ctx: AppContext, planned: readonly PlannedEntry[], at: Date): LedgerEntry[] {
  return planned.map((p) => ({ ...p, entryId: ctx.newId('pts'), createdAt: at }));
}

/** An order's value for the rules and tiers: its total net of refunds. */
const net = (o: OrderFacts) => Math.max(0, o.total - o.refunded);

/**
 * The second-order and spend-threshold rules: once per customer, when their confirmed orders reach
 * them; taken back (`bonus_reversed`) when a return or a refund brings them below again, and given
 * again if they reach it once more. Each earning and reversal is keyed by the reversals before it,
 * so a second pass plans nothing.
 */
function customerRuleEntries(
  program: Program,
  version: number,
  customerId: string,
  sums: OrderSums,
  member: MemberTier | null,
  today: string,
  holdings: ReadonlyMap<string, RuleHolding>,
): PlannedEntry[] {
  const spend = sums.spend;
  const out: PlannedEntry[] = [];
  const entry = (
    rule: Rule,
    e: Pick<PlannedEntry, 'kind' | 'points' | 'reason' | 'programVersion' | 'sourceKey'>,
  ): PlannedEntry => ({
    customerId,
    pending: 0,
    ruleId: rule.id,
    rate: null,
    base: null,
    sourceType: 'customer',
    sourceId: customerId,
    ...e,
  });
  for (const rule of program.rules) {
    if (rule.kind !== 'second_order' && rule.kind !== 'spend_threshold') continue;
    const met = rule.kind === 'second_order' ? sums.confirmed >= 2 : spend >= rule.threshold;
    const held = holdings.get(rule.id) ?? { net: 0, entries: 0, reversals: 0 };
    if (met && held.net <= 0) {
      const factor = multiplierFor(program, rule.id, member?.tierId ?? null, today);
      const again = held.entries > 0 ? `:${held.reversals}` : '';
      out.push(
        entry(rule, {
          kind: 'earn',
          points: Math.floor(rule.points * factor),
          reason: rule.kind,
          programVersion: version,
          sourceKey: `rule:${rule.id}:${customerId}${again}`,
        }),
      );
    } else if (!met && held.net > 0)
      out.push(
        entry(rule, {
          kind: 'reverse',
          points: -held.net,
          reason: 'bonus_reversed',
          programVersion: null,
          sourceKey: `rule-reverse:${rule.id}:${customerId}:${held.reversals + 1}`,
        }),
      );
  }
  return out;
}

interface TierPlan {
  entries: PlannedEntry[];
  members: MemberRow[];
  events: NewEvent[];
}

/**
 * Each customer's tier from their qualifying value over the window: valid spend (confirmed
 * orders placed in the window, net of refunds: `OrderSums.windowSpend`) or points earned in the window (stored entries
 * and those planned in this pass). A change is a `Tier Changed` event; reaching a tier for the
 * first time gives its entry points (once per tier, ever).
 */
export async function planTiers(
  store: Store,
  ctx: AppContext,
  shopId: string,
  prog: LoadedProgram,
  scope: IdScope,
  sums: ReadonlyMap<string, OrderSums>,
  members: ReadonlyMap<string, MemberTier>,
  planned: readonly PlannedEntry[],
  now: Date,
  timeZone: string,
): Promise<TierPlan> {
  const { tiers } = prog.program;
  const start = startOfDay(windowStart(tiers, localDay(now, timeZone)), timeZone);
  const value = new Map<string, number>();
  if (tiers.basis === 'spend') {
    for (const [customerId, s] of sums) value.set(customerId, s.windowSpend);
  } else {
    for (const [customerId, points] of await earnedSince(store, shopId, scope, start))
      value.set(customerId, points);
    for (const p of planned)
      if (p.kind === 'earn' || p.kind === 'approve' || p.kind === 'reverse')
        value.set(p.customerId, (value.get(p.customerId) ?? 0) + p.points);
  }
  const out: TierPlan = { entries: [], members: [], events: [] };
  const customers = new Set([...sums.keys(), ...members.keys(), ...value.keys()]);
  for (const customerId of customers) {
    const qualifying = value.get(customerId) ?? 0;
    const current = members.get(customerId) ?? null;
    const decision = decideTier(tiers, qualifying, current, now, timeZone);
    out.members.push({ customerId, ...decision.member, qualifying });
    const change = decision.change;
    if (!change) continue;
    const name = (id: string) => tiers.levels.find((t) => t.id === id)?.name;
    out.events.push({
      eventId: ctx.newId('evt'),
      dedupeKey: `tier:${customerId}:${change.to}:${now.toISOString()}`,
      name: TIER_CHANGED_EVENT,
      customerId,
      occurredAt: now,
      properties: {
        from: change.from,
        to: change.to,
        direction: change.direction,
        fromName: name(change.from) ?? null,
        toName: name(change.to) ?? null,
        qualifying,
      },
    });
    const tier = tiers.levels.find((t) => t.id === change.to);
    if (change.direction === 'up' && tier && tier.entryPoints > 0)
      out.entries.push({
        customerId,
        kind: 'earn',
        points: tier.entryPoints,
        pending: 0,
        reason: 'tier_entry',
        ruleId: null,
        programVersion: prog.version,
        rate: null,
        base: null,
        sourceType: 'tier',
        sourceId: tier.id,
        sourceKey: `tier:${tier.id}:${customerId}`,
      });
  }
  // Once per tier ever, for the person: a customer merged into this one may have had it.
  if (out.entries.length > 0)
    out.entries = withoutHeldOnce(out.entries, await heldOnceRewards(store, shopId, scope));
  return out;
}
