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
} from '../../domain/loyalty/ledger.js';
import { multiplierFor, type Program } from '../../domain/loyalty/program.js';
import { decideTier, type MemberTier, windowStart } from '../../domain/loyalty/tiers.js';
import { startOfDay } from '../../domain/segments/resolve.js';
import {
  appendEntries,
  earnedSince,
  type LedgerEntry,
  orderLedgerStates,
} from '../../store/loyalty/ledger.js';
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
 * Brings the ledger and the tiers of these customers (all of the shop's when `customerIds` is
 * undefined) in line with their orders. Runs inside `store`'s transaction.
 */
export async function applyOrderPoints(
  ctx: AppContext,
  shopId: string,
  customerIds: readonly string[] | undefined,
  store: Store = ctx.store,
  loaded?: LoadedProgram,
): Promise<LoyaltyPassResult> {
  if (customerIds !== undefined && customerIds.length === 0) return EMPTY;
  const prog = loaded ?? (await loadProgram(store, shopId));
  if (!prog.program.enabled) return EMPTY;
  return store.transaction(async (tx) => {
    const shop = await tx.requireShop(shopId);
    const scope = await makeScope(tx.engine, customerIds);
    const now = ctx.clock.now();
    const today = localDay(now, shop.timezone);
    const [orders, states, members] = await Promise.all([
      scopedOrders(tx, shopId, scope),
      orderLedgerStates(tx, shopId, scope),
      memberTiers(tx, shopId, scope),
    ]);
    const { program, version } = prog;
    const perAmount = program.rules.find((r) => r.kind === 'per_amount');
    const planned: PlannedEntry[] = [];
    const byCustomer = new Map<string, OrderFacts[]>();
    for (const o of orders) {
      const list = byCustomer.get(o.customerId);
      if (list) list.push(o);
      else byCustomer.set(o.customerId, [o]);
      const phase = orderPhase(o, program.settings);
      const tierId = members.get(o.customerId)?.tierId ?? null;
      const terms: EarnTerms | undefined = perAmount && {
        rule: perAmount,
        programVersion: version,
        factor: multiplierFor(program, perAmount.id, tierId, today),
      };
      planned.push(...planOrderEntries(o, states.get(o.orderId) ?? NO_ORDER_ENTRIES, phase, terms));
    }
    for (const [customerId, list] of byCustomer)
      planned.push(
        ...customerRuleEntries(program, version, customerId, list, members.get(customerId) ?? null, today),
      );
    const tiers = await planTiers(
      tx,
      ctx,
      shopId,
      prog,
      scope,
      byCustomer,
      members,
      planned,
      now,
      shop.timezone,
    );
    planned.push(...tiers.entries);
    await appendEntries(tx, shopId, stamp(ctx, planned, now));
    await saveMembers(tx, shopId, tiers.members, now);
    await insertEvents(tx, shopId, tiers.events);
    return { planned: planned.length, tierChanges: tiers.events.length };
  });
}

/** Planned entries with their ids and time. */
export function stamp(ctx: AppContext, planned: readonly PlannedEntry[], at: Date): LedgerEntry[] {
  return planned.map((p) => ({ ...p, entryId: ctx.newId('pts'), createdAt: at }));
}

/** What counts as a customer's purchases for the rules and tiers: confirmed orders, net of refunds. */
function confirmed(program: Program, orders: readonly OrderFacts[]): OrderFacts[] {
  return orders.filter((o) => orderPhase(o, program.settings).kind === 'confirmed');
}

const net = (o: OrderFacts) => Math.max(0, o.total - o.refunded);

/** The second-order and spend-threshold rules: once per customer, when their confirmed orders reach them. */
function customerRuleEntries(
  program: Program,
  version: number,
  customerId: string,
  orders: readonly OrderFacts[],
  member: MemberTier | null,
  today: string,
): PlannedEntry[] {
  const done = confirmed(program, orders);
  const spend = done.reduce((sum, o) => sum + net(o), 0);
  const out: PlannedEntry[] = [];
  for (const rule of program.rules) {
    let reason: 'second_order' | 'spend_threshold' | undefined;
    if (rule.kind === 'second_order' && done.length >= 2) reason = rule.kind;
    else if (rule.kind === 'spend_threshold' && spend >= rule.threshold) reason = rule.kind;
    if (reason === undefined) continue;
    const factor = multiplierFor(program, rule.id, member?.tierId ?? null, today);
    out.push({
      customerId,
      kind: 'earn',
      points: Math.floor(rule.points * factor),
      pending: 0,
      reason,
      ruleId: rule.id,
      programVersion: version,
      rate: null,
      base: null,
      sourceType: 'customer',
      sourceId: customerId,
      sourceKey: `rule:${rule.id}:${customerId}`,
    });
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
 * orders placed in the window, net of refunds) or points earned in the window (stored entries
 * and those planned in this pass). A change is a `Tier Changed` event; reaching a tier for the
 * first time gives its entry points (once per tier, ever).
 */
export async function planTiers(
  store: Store,
  ctx: AppContext,
  shopId: string,
  prog: LoadedProgram,
  scope: IdScope,
  byCustomer: ReadonlyMap<string, readonly OrderFacts[]>,
  members: ReadonlyMap<string, MemberTier>,
  planned: readonly PlannedEntry[],
  now: Date,
  timeZone: string,
): Promise<TierPlan> {
  const { tiers } = prog.program;
  const start = startOfDay(windowStart(tiers, localDay(now, timeZone)), timeZone);
  const value = new Map<string, number>();
  if (tiers.basis === 'spend') {
    for (const [customerId, orders] of byCustomer)
      value.set(
        customerId,
        confirmed(prog.program, orders)
          .filter((o) => o.createdAt.getTime() >= start.getTime())
          .reduce((sum, o) => sum + net(o), 0),
      );
  } else {
    for (const [customerId, points] of await earnedSince(store, shopId, scope, start))
      value.set(customerId, points);
    for (const p of planned)
      if (p.kind === 'earn' || p.kind === 'approve' || p.kind === 'reverse')
        value.set(p.customerId, (value.get(p.customerId) ?? 0) + p.points);
  }
  const out: TierPlan = { entries: [], members: [], events: [] };
  const customers = new Set([...byCustomer.keys(), ...members.keys(), ...value.keys()]);
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
  return out;
}
