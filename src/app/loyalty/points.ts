/**
 * A customer's points as the seller, the API and the widget see them (balance, pending points
 * and why, tier and how far the next one is, the ledger), and the two writes that spend or change
 * them: redeeming a reward and a staff adjustment. Both are atomic per customer: PostgreSQL takes
 * a transaction-scoped advisory lock on the customer; DuckDB's one writer connection runs
 * transactions one after another (see DuckDbEngine), so the balance read and the entry written
 * in one transaction cannot interleave with another's.
 */
import { z } from 'zod';
import { type OrderPhase, orderPhase } from '../../domain/loyalty/ledger.js';
import type { Reward, Tier } from '../../domain/loyalty/program.js';
import { nextTier, tierFor } from '../../domain/loyalty/tiers.js';
import { shopSchema } from '../../domain/model/shop.js';
import { NurtureError } from '../../errors.js';
import { insertTask } from '../../store/flows/effects.js';
import {
  type Balance,
  customerBalance,
  customerEntries,
  customerEntryByKey,
  insertEntry,
  type LedgerEntry,
} from '../../store/loyalty/ledger.js';
import { mergedInto, pointsLockKey } from '../../store/loyalty/merge.js';
import { memberTiers, scopedOrders } from '../../store/loyalty/program-members.js';
import { PG_LOCK_CLASS } from '../../store/postgres/locks.js';
import type { Store } from '../../store/store.js';
import { type AppContext, withStore } from '../context.js';
import { createCoupon } from '../coupons.js';
import { lookupCustomer } from '../customers.js';
import { parseInput } from '../input.js';
import { loadProgram } from './program.js';

const shopId = shopSchema.shape.shopId;

/** A customer as the CLI and the API name one: an id (`cus_…`), a phone in any spelling, or an e-mail. */
export const customerRefSchema = z.string().trim().min(1).max(200);

/** The live customer `ref` names (a merged-away id stands for its survivor). */
export async function resolveCustomer(ctx: AppContext, shop: string, ref: string): Promise<string> {
  if (ref.includes('@')) return (await lookupCustomer(ctx, shop, { email: ref })).customerId;
  const byId = await ctx.store.getCustomer(shop, ref);
  if (byId) return byId.mergedInto ?? byId.customerId;
  if (/^[+\d][\d\s.()-]{6,}$/.test(ref)) return (await lookupCustomer(ctx, shop, { phone: ref })).customerId;
  throw new NurtureError('not_found', `no customer ${ref} in this shop`, [
    { path: 'customer', reason: 'no such customer' },
  ]);
}

/**
 * Serialises one customer's balance-changing transactions (PostgreSQL; DuckDB's writer is serial
 * already). A merge takes the same lock: a customer merged away since `resolveCustomer` named it
 * is a conflict (asked again, the survivor answers), never an entry stranded on the old id.
 */
async function lockCustomer(store: Store, shop: string, customerId: string): Promise<void> {
  if (store.dialect === 'postgres')
    await store.engine.run(`SELECT pg_advisory_xact_lock(${PG_LOCK_CLASS}, hashtext($1))`, [
      pointsLockKey(shop, customerId),
    ]);
  const merged = await mergedInto(store, shop, customerId);
  if (merged)
    throw new NurtureError('conflict', `customer ${customerId} was just merged into ${merged}; try again`, [
      { path: 'customer', reason: 'merged' },
    ]);
}

/** Why an order's points are still pending, for the customer. */
export type PendingWhy = 'awaiting_delivery' | 'awaiting_payment';

export interface PendingOrder {
  orderId: string;
  points: number;
  why: PendingWhy;
  placedAt: Date;
}

export interface CustomerPoints {
  customerId: string;
  enabled: boolean;
  balance: Balance;
  pendingOrders: PendingOrder[];
  tier: Tier;
  /** The value the tier is computed from (valid spend or points over the window). */
  qualifying: number;
  basis: 'spend' | 'points';
  next: { tier: Tier; missing: number } | null;
  /** When the balance expires without activity (null: never, or nothing to expire). */
  expiresAt: Date | null;
  rewards: (Reward & { affordable: boolean })[];
  entries: LedgerEntry[];
}

export const pointsShowInputSchema = z.object({
  shopId,
  customer: customerRefSchema,
  limit: z.number().int().min(1).max(1000).default(50),
});

/** `nurture points show CUSTOMER`, `GET /api/v1/customers/{id}/points`, the widget's panel. */
export async function showPoints(
  ctx: AppContext,
  input: z.input<typeof pointsShowInputSchema>,
): Promise<CustomerPoints> {
  const q = parseInput(pointsShowInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const customerId = await resolveCustomer(ctx, q.shopId, q.customer);
  return pointsOf(ctx, q.shopId, customerId, q.limit);
}

/** The points view of a known customer id. */
export async function pointsOf(
  ctx: AppContext,
  shop: string,
  customerId: string,
  limit = 50,
): Promise<CustomerPoints> {
  const { program } = await loadProgram(ctx.store, shop);
  const scope = { kind: 'inline' as const, ids: [customerId] };
  const [balance, entries, members, orders] = await Promise.all([
    customerBalance(ctx.store, shop, customerId),
    customerEntries(ctx.store, shop, customerId, limit),
    memberTiers(ctx.store, shop, scope),
    scopedOrders(ctx.store, shop, scope),
  ]);
  const pendingByOrder = new Map<string, number>();
  for (const e of entries)
    if (e.sourceType === 'order' && e.sourceId)
      pendingByOrder.set(e.sourceId, (pendingByOrder.get(e.sourceId) ?? 0) + e.pending);
  const pendingOrders: PendingOrder[] = [];
  for (const o of orders) {
    const points = pendingByOrder.get(o.orderId) ?? 0;
    if (points <= 0) continue;
    const phase: OrderPhase = orderPhase(o, program.settings);
    if (phase.kind !== 'pending') continue;
    pendingOrders.push({
      orderId: o.orderId,
      points,
      why:
        program.settings.approveOn === 'paid' && o.status === 'pending'
          ? 'awaiting_payment'
          : 'awaiting_delivery',
      placedAt: o.createdAt,
    });
  }
  const member = members.get(customerId);
  const qualifying = (await memberQualifying(ctx.store, shop, customerId)) ?? 0;
  const tier =
    program.tiers.levels.find((t) => t.id === member?.tierId) ?? tierFor(program.tiers, qualifying);
  const { expiryDays } = program.settings;
  return {
    customerId,
    enabled: program.enabled,
    balance,
    pendingOrders,
    tier,
    qualifying,
    basis: program.tiers.basis,
    next: nextTier(program.tiers, tier.id, qualifying),
    expiresAt:
      expiryDays > 0 && balance.points > 0 && balance.lastActivityAt
        ? new Date(balance.lastActivityAt.getTime() + expiryDays * 86_400_000)
        : null,
    rewards: program.rewards.map((r) => ({ ...r, affordable: balance.points >= r.cost })),
    entries,
  };
}

async function memberQualifying(store: Store, shop: string, customerId: string): Promise<number | undefined> {
  const [row] = await store.engine.all<{ qualifying: number }>(
    'SELECT qualifying FROM loyalty_members WHERE shop_id = $1 AND customer_id = $2',
    [shop, customerId],
  );
  return row ? Number(row.qualifying) : undefined;
}

export const redeemInputSchema = z.object({
  shopId,
  customer: customerRefSchema,
  reward: z.string().min(1).max(40),
  /** Idempotency: the same key redeems once (a retried request gets the first answer). */
  requestKey: z.string().trim().min(1).max(100).optional(),
});

export interface Redemption {
  entry: LedgerEntry;
  reward: Reward;
  /** The coupon code the reward gave (coupon rewards). */
  couponCode: string | null;
  /** The staff task that hands the gift over (gift rewards). */
  taskId: string | null;
  balance: number;
  /** False when the request key had redeemed already (nothing new was spent). */
  created: boolean;
}

/**
 * Redeems a reward of the catalogue with points: in one transaction the balance is read under the
 * customer's lock, the redemption appended only if the balance covers it, and the reward made (a
 * coupon for the customer, or a staff task for a gift). Never overdraws, however many run at once.
 */
export async function redeemReward(
  ctx: AppContext,
  input: z.input<typeof redeemInputSchema>,
): Promise<Redemption> {
  const q = parseInput(redeemInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const customerId = await resolveCustomer(ctx, q.shopId, q.customer);
  const { program, version } = await loadProgram(ctx.store, q.shopId);
  if (!program.enabled) throw new NurtureError('conflict', 'the loyalty programme is off');
  const reward = program.rewards.find((r) => r.id === q.reward);
  if (!reward)
    throw new NurtureError(
      'not_found',
      `no reward "${q.reward}"; rewards: ${program.rewards.map((r) => r.id).join(', ')}`,
      [{ path: 'reward', reason: 'no such reward' }],
    );
  return ctx.store.transaction(async (tx) => {
    await lockCustomer(tx, q.shopId, customerId);
    const sourceKey = `redeem:${customerId}:${q.requestKey ?? ctx.newId('rdm')}`;
    const earlier =
      q.requestKey === undefined ? undefined : await customerEntryByKey(tx, q.shopId, customerId, sourceKey);
    if (earlier) {
      const balance = await customerBalance(tx, q.shopId, customerId);
      return {
        ...(await fulfil(ctx, tx, q.shopId, earlier, reward)),
        entry: earlier,
        reward,
        balance: balance.points,
        created: false,
      };
    }
    const before = await customerBalance(tx, q.shopId, customerId);
    if (before.points < reward.cost)
      throw new NurtureError(
        'conflict',
        `not enough points: ${before.points} of the ${reward.cost} "${reward.id}" costs`,
        [{ path: 'reward', reason: 'not enough points' }],
      );
    const now = ctx.clock.now();
    const entry: LedgerEntry = {
      entryId: ctx.newId('pts'),
      customerId,
      kind: 'redeem',
      points: -reward.cost,
      pending: 0,
      reason: 'reward_redeemed',
      ruleId: null,
      programVersion: version,
      rate: null,
      base: null,
      sourceType: 'reward',
      sourceId: reward.id,
      sourceKey,
      note: null,
      createdAt: now,
    };
    await insertEntry(tx, q.shopId, entry);
    const made = await fulfil(ctx, tx, q.shopId, entry, reward);
    return { entry, reward, ...made, balance: before.points - reward.cost, created: true };
  });
}

/** Makes what a redemption gives, idempotently by its entry (a replay finds the same coupon or task). */
async function fulfil(
  ctx: AppContext,
  tx: Store,
  shop: string,
  entry: LedgerEntry,
  reward: Reward,
): Promise<{ couponCode: string | null; taskId: string | null }> {
  const sourceKey = `loyalty:${entry.entryId}`;
  const expires = `${reward.validDays}d`;
  const c = withStore(ctx, tx);
  const coupon = async (terms: {
    kind: 'fixed_amount' | 'percent' | 'free_shipping';
    value?: number;
    minOrder?: number;
  }) =>
    (await createCoupon(c, { shopId: shop, customerId: entry.customerId, sourceKey, expires, ...terms }))
      .coupon.code;
  switch (reward.kind) {
    case 'coupon_amount':
      return {
        couponCode: await coupon({
          kind: 'fixed_amount',
          value: reward.value,
          ...(reward.minOrder ? { minOrder: reward.minOrder } : {}),
        }),
        taskId: null,
      };
    case 'coupon_percent':
      return {
        couponCode: await coupon({
          kind: 'percent',
          value: reward.value,
          ...(reward.minOrder ? { minOrder: reward.minOrder } : {}),
        }),
        taskId: null,
      };
    case 'free_shipping':
      return {
        couponCode: await coupon({
          kind: 'free_shipping',
          ...(reward.minOrder ? { minOrder: reward.minOrder } : {}),
        }),
        taskId: null,
      };
    case 'gift': {
      const taskId = `task_${entry.entryId.slice(4)}`;
      await insertTask(tx, shop, {
        taskId,
        sourceKey,
        customerId: entry.customerId,
        flowId: null,
        runId: null,
        title: `${reward.name.vi} / ${reward.name.en}`,
        note: `loyalty reward ${reward.id}: ${reward.cost} points (${entry.entryId})`,
        dueAt: new Date(entry.createdAt.getTime() + 3 * 86_400_000),
        state: 'open',
        createdAt: entry.createdAt,
        doneAt: null,
      });
      return { couponCode: null, taskId };
    }
    default: {
      const never: never = reward;
      throw new Error(`unknown reward ${String(never)}`);
    }
  }
}

export const adjustInputSchema = z.object({
  shopId,
  customer: customerRefSchema,
  amount: z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .refine((n) => n !== 0, 'not 0'),
  reason: z.string().trim().min(1).max(500),
  /** Who made it (a dashboard user's e-mail, `cli`, an API key id). */
  by: z.string().max(200).optional(),
});

/**
 * `nurture points adjust CUSTOMER AMOUNT --reason R`: a staff entry of ±AMOUNT with its reason.
 * A deduction may not take the balance below zero.
 */
export async function adjustPoints(
  ctx: AppContext,
  input: z.input<typeof adjustInputSchema>,
): Promise<{ entry: LedgerEntry; balance: number }> {
  const q = parseInput(adjustInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const customerId = await resolveCustomer(ctx, q.shopId, q.customer);
  return ctx.store.transaction(async (tx) => {
    await lockCustomer(tx, q.shopId, customerId);
    const before = await customerBalance(tx, q.shopId, customerId);
    if (before.points + q.amount < 0)
      throw new NurtureError('conflict', `the balance is ${before.points}: it cannot go below 0`, [
        { path: 'amount', reason: 'more than the balance' },
      ]);
    const entryId = ctx.newId('pts');
    const entry: LedgerEntry = {
      entryId,
      customerId,
      kind: 'adjust',
      points: q.amount,
      pending: 0,
      reason: 'staff_adjustment',
      ruleId: null,
      programVersion: null,
      rate: null,
      base: null,
      sourceType: 'staff',
      sourceId: q.by ?? null,
      sourceKey: `adjust:${entryId}`,
      note: q.reason,
      createdAt: ctx.clock.now(),
    };
    await insertEntry(tx, q.shopId, entry);
    return { entry, balance: before.points + q.amount };
  });
}
