/**
 * The referral programme (issue 17, item 5; docs/loyalty.md, Referrals). Called by the
 * after-orders pipeline for the customers whose orders arrived or changed: each may be a friend
 * someone referred, by a `?ref=` landing (theirs, or one of a record with their phone), a
 * referral code typed at checkout (the order's discount code, or a `ref:CODE` tag a store
 * webhook made of the checkout's note attribute) or an imported `referred_by`. The first clue
 * that names a known referrer wins; the fraud checks may refuse it, and every refusal is kept
 * with its reason. The referrer is rewarded once the friend's first order is delivered and the
 * return window has passed without a return: a `Referral Converted` event (customer = the
 * referrer) that the loyalty rules and flows act on.
 */
import { codesOfOrder } from '../domain/coupons/index.js';
import { referralCodeOf } from '../domain/referral-code.js';
import {
  DEFAULT_REFERRAL_SETTINGS,
  type FirstOrder,
  nextReferralStep,
  normalizeReferralCode,
  type ReferralSettings,
  type ReferralSource,
  type RefusalReason,
  referralCodeFor,
  refusalOf,
} from '../domain/referrals.js';
import { NurtureError } from '../errors.js';
import {
  activeReferralCount,
  codeOfCustomer,
  customerOfReference,
  customersOfCodes,
  dueReferralFriends,
  type FriendOrder,
  insertEvent,
  insertReferralCode,
  ordersOf,
  partyOf,
  type ReferralRow,
  referralCandidates,
  referralOfFriend,
  referredByOf,
  saveReferral,
  visitsOfFriend,
} from '../store/referrals/program.js';
import { readShopSettings } from '../store/settings/index.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';

/** The event a converted referral writes (customer: the referrer). */
export const REFERRAL_CONVERTED = 'Referral Converted';

/** The order tag a store webhook makes of a referral code in the checkout's note attributes. */
export const REFERRAL_TAG_PREFIX = 'ref:';

/** The programme's settings of a shop (`referrals.return_window_days`, `referrals.cap_per_referrer`). */
export async function referralSettings(store: Store, shopId: string): Promise<ReferralSettings> {
  const stored = await readShopSettings(store, shopId);
  const num = (key: string, fallback: number) => {
    const v = stored.get(key);
    return v === undefined ? fallback : Number(v);
  };
  return {
    returnWindowDays: num('referrals.return_window_days', DEFAULT_REFERRAL_SETTINGS.returnWindowDays),
    capPerReferrer: num('referrals.cap_per_referrer', DEFAULT_REFERRAL_SETTINGS.capPerReferrer),
  };
}

/** A customer's referral code, made (and kept) the first time it is asked for. */
export async function referralCodeOfCustomer(
  ctx: AppContext,
  shopId: string,
  customerId: string,
  store: Store = ctx.store,
): Promise<string> {
  const known = await codeOfCustomer(store, shopId, customerId);
  if (known) return known;
  for (let attempt = 0; attempt < 32; attempt++) {
    const code = referralCodeFor(shopId, customerId, attempt);
    if (await insertReferralCode(store, shopId, code, customerId, ctx.clock.now())) return code;
    const raced = await codeOfCustomer(store, shopId, customerId);
    if (raced) return raced;
  }
  throw new Error(`no free referral code for ${customerId}`);
}

/** The customer's referral link: the storefront's address with `?ref=CODE` (the widget records the landing). */
export async function referralLinkOf(
  ctx: AppContext,
  shopId: string,
  customerId: string,
): Promise<{ code: string; url: string | null }> {
  const code = await referralCodeOfCustomer(ctx, shopId, customerId);
  const base = (await readShopSettings(ctx.store, shopId)).get('url');
  if (!base) return { code, url: null };
  const url = new URL(base);
  url.searchParams.set('ref', code);
  return { code, url: url.toString() };
}

/** What one pass did. */
export interface ReferralPassResult {
  attributed: { friendId: string; referrerId: string; source: ReferralSource }[];
  refused: { friendId: string; referrerId: string; reason: RefusalReason }[];
  converted: { friendId: string; referrerId: string; orderId: string }[];
  cancelled: { friendId: string; reason: RefusalReason }[];
}

const emptyResult = (): ReferralPassResult => ({ attributed: [], refused: [], converted: [], cancelled: [] });

/**
 * Attributes, checks and advances the referrals of `customerIds` (as friends). Idempotent: a
 * friend is attributed once, and a converted referral writes its event once. Run inside the
 * caller's transaction (`store`).
 */
export async function processReferrals(
  ctx: AppContext,
  shopId: string,
  customerIds: readonly string[],
  store: Store = ctx.store,
): Promise<ReferralPassResult> {
  const result = emptyResult();
  const candidates = await referralCandidates(store, shopId, customerIds);
  if (candidates.length === 0) return result;
  const settings = await referralSettings(store, shopId);
  for (const friendId of candidates) {
    let row = await referralOfFriend(store, shopId, friendId);
    const orders = await ordersOf(store, shopId, friendId);
    if (!row) {
      row = await attribute(ctx, store, shopId, friendId, orders, settings);
      if (!row) continue;
      if (row.state === 'refused')
        result.refused.push({
          friendId,
          referrerId: row.referrerId ?? '',
          reason: row.reason as RefusalReason,
        });
      else result.attributed.push({ friendId, referrerId: row.referrerId ?? '', source: row.source });
    }
    await advance(ctx, store, shopId, row, orders, settings, result);
  }
  return result;
}

/** The referrals whose return window ended: converts them (the nightly job and the tests call it). */
export async function settleReferrals(
  ctx: AppContext,
  shopId: string,
  store: Store = ctx.store,
): Promise<ReferralPassResult> {
  const due = await dueReferralFriends(store, shopId, ctx.clock.now());
  return processReferrals(ctx, shopId, due, store);
}

interface Clue {
  source: ReferralSource;
  /** Who it names, once resolved. */
  referrerId: string;
  code: string | null;
  at: Date;
}

/** The friend's clues, earliest first, each resolved to a referrer (clues naming nobody are dropped). */
async function cluesOf(
  store: Store,
  shopId: string,
  friendId: string,
  orders: readonly FriendOrder[],
): Promise<Clue[]> {
  const raw: { source: ReferralSource; code: string; at: Date }[] = [];
  for (const v of await visitsOfFriend(store, shopId, friendId))
    raw.push({ source: 'link', code: normalizeReferralCode(v.code), at: v.at });
  for (const o of orders) {
    for (const code of codesOfOrder(o.couponCode))
      raw.push({ source: 'checkout_code', code, at: o.createdAt });
    for (const tag of (o.tags ?? '').split(',')) {
      const t = tag.trim();
      if (!t.toLowerCase().startsWith(REFERRAL_TAG_PREFIX)) continue;
      const code = referralCodeOf(t.slice(REFERRAL_TAG_PREFIX.length));
      if (code) raw.push({ source: 'note', code: normalizeReferralCode(code), at: o.createdAt });
    }
  }
  const byCode = await customersOfCodes(
    store,
    shopId,
    raw.map((r) => r.code),
  );
  const clues: Clue[] = raw.flatMap((r) => {
    const referrerId = byCode.get(r.code);
    return referrerId ? [{ source: r.source, referrerId, code: r.code, at: r.at }] : [];
  });
  const referredBy = await referredByOf(store, shopId, friendId);
  if (referredBy) {
    const code = normalizeReferralCode(referredBy);
    const referrerId =
      (await customersOfCodes(store, shopId, [code])).get(code) ??
      (await customerOfReference(store, shopId, referredBy));
    const first = orders[0]?.createdAt ?? new Date(0);
    if (referrerId) clues.push({ source: 'imported', referrerId, code: null, at: first });
  }
  return clues.sort((a, b) => a.at.getTime() - b.at.getTime());
}

async function attribute(
  ctx: AppContext,
  store: Store,
  shopId: string,
  friendId: string,
  orders: readonly FriendOrder[],
  settings: ReferralSettings,
): Promise<ReferralRow | undefined> {
  const clue = (await cluesOf(store, shopId, friendId, orders))[0];
  if (!clue) return undefined;
  const now = ctx.clock.now();
  // One after another: a transaction's connection runs one statement at a time.
  const friend = await partyOf(store, shopId, friendId);
  const referrer = await partyOf(store, shopId, clue.referrerId);
  const referrersRow = await referralOfFriend(store, shopId, clue.referrerId);
  const referrerCount = await activeReferralCount(store, shopId, clue.referrerId);
  // An order the friend placed before the clue (a link opened, a code typed) was not referred.
  const friendOrderedBefore = orders.some(
    (o) => o.createdAt.getTime() < clue.at.getTime() && o.status !== 'cancelled',
  );
  const reason = refusalOf(
    {
      friend,
      referrer,
      referrerReferredByFriend: referrersRow?.referrerId === friendId && referrersRow.state !== 'refused',
      referrerCount,
      friendOrderedBefore,
    },
    settings,
  );
  const row: ReferralRow = {
    friendId,
    referrerId: clue.referrerId,
    code: clue.code,
    source: clue.source,
    state: reason ? 'refused' : 'pending',
    reason: reason ?? null,
    orderId: null,
    attributedAt: now,
    deliveredAt: null,
    rewardDueAt: null,
    decidedAt: reason ? now : null,
  };
  await saveReferral(store, shopId, row);
  ctx.log.info({ shopId, friendId, referrerId: clue.referrerId, source: clue.source, reason }, 'referral');
  return row;
}

/** The friend's first order: the earliest not cancelled before it left (a cancelled draft does not count). */
function firstOrderOf(orders: readonly FriendOrder[]): FirstOrder | undefined {
  const first = orders.find((o) => o.status !== 'cancelled') ?? orders[0];
  return first ? { orderId: first.orderId, status: first.status as FirstOrder['status'] } : undefined;
}

async function advance(
  ctx: AppContext,
  store: Store,
  shopId: string,
  start: ReferralRow,
  orders: readonly FriendOrder[],
  settings: ReferralSettings,
  result: ReferralPassResult,
): Promise<void> {
  let row = start;
  const now = ctx.clock.now();
  // At most two steps: delivered, then (a zero return window) converted at once.
  for (let i = 0; i < 2; i++) {
    if (row.state !== 'pending' && row.state !== 'delivered') return;
    const known = row.orderId ? orders.find((o) => o.orderId === row.orderId) : undefined;
    const first = known
      ? { orderId: known.orderId, status: known.status as FirstOrder['status'] }
      : firstOrderOf(orders);
    const step = nextReferralStep(row.state, row.rewardDueAt, first, now, settings);
    switch (step.kind) {
      case 'wait':
        return;
      case 'delivered':
        row = {
          ...row,
          state: 'delivered',
          orderId: step.orderId,
          deliveredAt: now,
          rewardDueAt: step.rewardDueAt,
        };
        await saveReferral(store, shopId, row);
        break;
      case 'cancel':
        row = {
          ...row,
          state: 'cancelled',
          reason: step.reason,
          orderId: first?.orderId ?? null,
          decidedAt: now,
        };
        await saveReferral(store, shopId, row);
        result.cancelled.push({ friendId: row.friendId, reason: step.reason });
        return;
      case 'convert': {
        row = { ...row, state: 'converted', decidedAt: now };
        await saveReferral(store, shopId, row);
        await writeConvertedEvent(ctx, store, shopId, row);
        result.converted.push({
          friendId: row.friendId,
          referrerId: row.referrerId ?? '',
          orderId: row.orderId ?? '',
        });
        return;
      }
    }
  }
}

async function writeConvertedEvent(
  ctx: AppContext,
  store: Store,
  shopId: string,
  row: ReferralRow,
): Promise<void> {
  await insertEvent(store, shopId, {
    eventId: ctx.newId('evt'),
    dedupeKey: `referral-converted:${row.friendId}`,
    name: REFERRAL_CONVERTED,
    customerId: row.referrerId ?? row.friendId,
    at: ctx.clock.now(),
    properties: { friendCustomerId: row.friendId, orderId: row.orderId },
  });
}

/** A customer's code and link, for the API and the dashboard (404 for a customer the shop does not have). */
export async function customerReferralLink(
  ctx: AppContext,
  input: { shopId: string; customerId: string },
): Promise<{ customerId: string; code: string; url: string | null }> {
  const customer = await ctx.store.getCustomer(input.shopId, input.customerId);
  if (!customer)
    throw new NurtureError('not_found', `no customer ${input.customerId}`, [
      { path: 'customerId', reason: 'unknown' },
    ]);
  const customerId = customer.mergedInto ?? customer.customerId;
  return { customerId, ...(await referralLinkOf(ctx, input.shopId, customerId)) };
}
