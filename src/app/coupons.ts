/**
 * Coupons as a seller and the flows use them: create one (for a customer, idempotent by source
 * key: a flow step passes `flow:<run>:<step>`), create a bulk batch of unassigned codes to paste
 * into Shopify or Haravan, list and show them. Redemption from orders is in coupon-redemptions.ts.
 * The CLI (`nurture coupon …`), the API (`/api/v1/coupons`) and the dashboard call these.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import {
  amountSchema,
  type Coupon,
  type CouponState,
  codeGroupsSchema,
  codePrefixSchema,
  couponKindSchema,
  couponState,
  couponStateSchema,
  couponTermsSchema,
  generateCode,
  generateCodes,
  normalizeCode,
  type RandomInt,
  termsValue,
} from '../domain/coupons/index.js';
import { shopSchema } from '../domain/model/shop.js';
import { NurtureError } from '../errors.js';
import {
  findBatchCoupons,
  findCouponByCode,
  findCouponBySource,
  insertCoupon,
  insertCoupons,
  listCouponRows,
} from '../store/coupons/index.js';
import { type CouponEvent, couponEvents } from '../store/coupons/redemptions.js';
import { getOrder } from '../store/customers/queries.js';
import { resolveAsOf } from './as-of.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

const shopId = shopSchema.shape.shopId;

/** Randomness for codes: the operating system's CSPRNG (codes must not be guessable). */
export const cryptoRandom: RandomInt = (bound) => randomInt(bound);

/** How use cases that draw codes are run (tests pass a seeded source). */
export interface CouponOptions {
  random?: RandomInt;
}

/** How often a colliding code is drawn again before giving up (see codes.ts: it almost never happens). */
const MAX_ATTEMPTS = 20;

const DURATION = /^(\d{1,5})\s*(m|h|d)$/i;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * When a coupon expires: a duration from now (`24h`, `7d`, `90m`), an ISO date-time (without an
 * offset: the shop's time zone; a bare date: the end of that day in the shop), or an instant.
 */
export const expiresSchema = z.union([z.date(), z.string().trim().min(1).max(40)]);

/** The instant `expires` names, which must be after `now`. */
export function resolveExpiry(expires: Date | string, now: Date, timeZone: string): Date {
  let at: Date;
  if (expires instanceof Date) at = expires;
  else {
    const m = DURATION.exec(expires);
    at = m
      ? new Date(now.getTime() + Number(m[1]) * UNIT_MS[m[2]!.toLowerCase() as keyof typeof UNIT_MS])
      : resolveAsOf(expires, { timeZone, now, field: 'expires' });
  }
  if (Number.isNaN(at.getTime()) || at.getTime() <= now.getTime())
    throw new NurtureError('invalid_input', `expires: ${String(expires)} is not in the future`, [
      { path: 'expires', reason: 'not in the future' },
    ]);
  return at;
}

/** The terms every creation takes. */
const termsFields = {
  kind: couponKindSchema,
  /** fixed_amount: the amount (VND 50000); percent: 1–100; free_shipping: none. */
  value: z.number().optional(),
  minOrder: amountSchema.optional(),
  /** Default 7 days. */
  expires: expiresSchema.default('7d'),
  prefix: codePrefixSchema.optional(),
  groups: codeGroupsSchema.optional(),
};

function termsOf(input: { kind: Coupon['kind']; value?: number | undefined }) {
  const parsed = couponTermsSchema.safeParse({ kind: input.kind, value: input.value });
  if (parsed.success) return parsed.data;
  const reason = parsed.error.issues[0]?.message ?? 'not valid';
  throw new NurtureError('invalid_input', `value: ${reason} for a ${input.kind} coupon`, [
    { path: 'value', reason },
  ]);
}

export const couponCreateInputSchema = z.object({
  shopId,
  ...termsFields,
  /** The customer it belongs to; none: anyone may use it. */
  customerId: z.string().min(1).max(100).optional(),
  /** Idempotency: the same key returns the same coupon (`flow:<run>:<step>`). */
  sourceKey: z.string().min(1).max(200).optional(),
});
export type CouponCreateInput = z.input<typeof couponCreateInputSchema>;

/** A coupon as the transports show it: the stored fields and its state now. */
export type CouponView = Coupon & { state: CouponState };

/** What a transport needs to show amounts and times: the shop's currency and time zone. */
export interface CouponShop {
  currency: string;
  timezone: string;
}

const shopOf = (s: { currency: string; timezone: string }): CouponShop => ({
  currency: s.currency,
  timezone: s.timezone,
});

export const view = (c: Coupon, now: Date): CouponView => ({ ...c, state: couponState(c, now) });

/**
 * Creates a coupon with a fresh unique code, or returns the one made before under the same
 * `sourceKey` (`created: false`; its terms are the first call's). A code that collides with one
 * of the shop's is drawn again. A customer must exist in the shop.
 */
export async function createCoupon(
  ctx: AppContext,
  input: CouponCreateInput,
  options: CouponOptions = {},
): Promise<{ coupon: CouponView; created: boolean; shop: CouponShop }> {
  const q = parseInput(couponCreateInputSchema, input);
  const terms = termsOf(q);
  const now = ctx.clock.now();
  const shop = await ctx.store.requireShop(q.shopId);
  if (q.sourceKey !== undefined) {
    const before = await findCouponBySource(ctx.store, q.shopId, q.sourceKey);
    if (before) return { coupon: view(before, now), created: false, shop: shopOf(shop) };
  }
  const customerId = q.customerId === undefined ? null : await liveCustomer(ctx, q.shopId, q.customerId);
  const expiresAt = resolveExpiry(q.expires, now, shop.timezone);
  const random = options.random ?? cryptoRandom;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const code = generateCode(random, { prefix: q.prefix, groups: q.groups });
    const couponId = ctx.newId('cpn');
    const inserted = await insertCoupon(ctx.store, q.shopId, {
      couponId,
      code,
      kind: terms.kind,
      value: termsValue(terms),
      minOrder: q.minOrder ?? null,
      customerId,
      expiresAt,
      createdAt: now,
      sourceKey: q.sourceKey ?? null,
      batchId: null,
    });
    const made = inserted
      ? await findCouponByCode(ctx.store, q.shopId, code)
      : q.sourceKey !== undefined
        ? await findCouponBySource(ctx.store, q.shopId, q.sourceKey)
        : undefined;
    // Not inserted and nothing under the key: the code was taken; draw another.
    if (made) return { coupon: view(made, now), created: inserted, shop: shopOf(shop) };
  }
  throw new NurtureError('conflict', `no free code after ${MAX_ATTEMPTS} attempts: use more groups`);
}

/** The customer a coupon goes to: one of the shop's; a merged-away id stands for its survivor. */
async function liveCustomer(ctx: AppContext, shop: string, customerId: string): Promise<string> {
  const customer = await ctx.store.getCustomer(shop, customerId);
  if (!customer)
    throw new NurtureError('not_found', `no customer ${customerId} in this shop`, [
      { path: 'customerId', reason: 'no such customer' },
    ]);
  return customer.mergedInto ?? customer.customerId;
}

/** The largest bulk batch made at once. */
export const MAX_BATCH = 100_000;

export const couponBatchInputSchema = z.object({
  shopId,
  ...termsFields,
  /** The batch's name (its id): letters, digits, `-`, `_`, `.`. */
  batch: z
    .string()
    .trim()
    .regex(/^[\p{L}\p{N}_.-]{1,64}$/u, 'a batch name is 1 to 64 letters, digits, -, _ or .'),
  count: z.number().int().min(1).max(MAX_BATCH),
});
export type CouponBatchInput = z.input<typeof couponBatchInputSchema>;

export interface CouponBatchResult {
  batch: string;
  /** Codes made by this call (0 when the batch was complete already). */
  created: number;
  /** The batch's codes, in the order they were drawn (up to `count`). */
  codes: string[];
  kind: Coupon['kind'];
  value: number | null;
  minOrder: number | null;
  expiresAt: Date;
  shop: CouponShop;
}

/**
 * A batch of `count` unassigned codes with the same terms. Idempotent by name: the codes are
 * made under `batch:<name>:<n>`, so running it again returns the same codes, and a larger count
 * adds the missing ones (with the batch's first expiry). A batch of that name with other terms
 * is a conflict.
 */
export async function createCouponBatch(
  ctx: AppContext,
  input: CouponBatchInput,
  options: CouponOptions = {},
): Promise<CouponBatchResult> {
  const q = parseInput(couponBatchInputSchema, input);
  const terms = termsOf(q);
  const value = termsValue(terms);
  const minOrder = q.minOrder ?? null;
  const now = ctx.clock.now();
  const shop = await ctx.store.requireShop(q.shopId);
  const random = options.random ?? cryptoRandom;
  return ctx.store.transaction(async (tx) => {
    const existing = await findBatchCoupons(tx, q.shopId, q.batch);
    const first = existing[0];
    if (first && (first.kind !== terms.kind || first.value !== value || first.minOrder !== minOrder))
      throw new NurtureError(
        'conflict',
        `batch ${q.batch} exists with other terms (${first.kind} ${first.value ?? ''}); choose another name`,
        [{ path: 'batch', reason: 'exists with other terms' }],
      );
    const expiresAt = first?.expiresAt ?? resolveExpiry(q.expires, now, shop.timezone);
    const have = new Set(existing.map((c) => c.sourceKey));
    const missing: string[] = [];
    for (let n = 0; n < q.count; n++) {
      const key = `batch:${q.batch}:${n}`;
      if (!have.has(key)) missing.push(key);
    }
    let created = 0;
    for (let attempt = 0; missing.length > 0; attempt++) {
      if (attempt === MAX_ATTEMPTS)
        throw new NurtureError('conflict', `no free codes after ${MAX_ATTEMPTS} attempts: use more groups`);
      const codes = generateCodes(random, missing.length, { prefix: q.prefix, groups: q.groups });
      const rows = missing.map((sourceKey, i) => ({
        sourceKey,
        code: codes[i]!,
        couponId: ctx.newId('cpn'),
      }));
      const inserted = await insertCoupons(
        tx,
        q.shopId,
        { kind: terms.kind, value, minOrder, customerId: null, expiresAt, createdAt: now, batchId: q.batch },
        rows,
      );
      created += inserted.size;
      // What did not go in collided with a code the shop has: those keys are drawn again.
      const left = rows.filter((r) => !inserted.has(r.couponId)).map((r) => r.sourceKey);
      missing.splice(0, missing.length, ...left);
    }
    const all = await findBatchCoupons(tx, q.shopId, q.batch);
    const index = (c: Coupon) => Number(c.sourceKey?.slice(c.sourceKey.lastIndexOf(':') + 1) ?? 0);
    const codes = all
      .filter((c) => index(c) < q.count)
      .sort((a, b) => index(a) - index(b))
      .map((c) => c.code);
    return {
      batch: q.batch,
      created,
      codes,
      kind: terms.kind,
      value,
      minOrder,
      expiresAt,
      shop: shopOf(shop),
    };
  });
}

/**
 * A batch's codes as a file to paste or upload into the shop's platform: one code per line,
 * nothing else (no header, no quoting: codes have no commas). The discount's terms (value,
 * expiry, one use per code) are set once on the platform's discount the codes belong to.
 */
export function codesFile(codes: readonly string[]): string {
  return codes.length === 0 ? '' : `${codes.join('\n')}\n`;
}

export const couponListInputSchema = z.object({
  shopId,
  state: couponStateSchema.optional(),
  customerId: z.string().min(1).max(100).optional(),
  batch: z.string().min(1).max(64).optional(),
  /** Codes containing this text (any case). */
  q: z.string().trim().max(40).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(1000).default(50),
});
export type CouponListInput = z.input<typeof couponListInputSchema>;

/** Newest first; `nextCursor` continues the list (null at its end). */
export async function listCoupons(
  ctx: AppContext,
  input: CouponListInput,
): Promise<{ coupons: CouponView[]; nextCursor: string | null; shop: CouponShop }> {
  const q = parseInput(couponListInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const now = ctx.clock.now();
  const rows = await listCouponRows(
    ctx.store,
    q.shopId,
    {
      state: q.state,
      customerId: q.customerId,
      batchId: q.batch,
      search: q.q ? normalizeCode(q.q) : undefined,
    },
    now,
    { limit: q.limit + 1, after: q.cursor === undefined ? undefined : decodeCursor(q.cursor) },
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    coupons: page.map((c) => view(c, now)),
    nextCursor: rows.length > q.limit && last ? `${last.createdAt.toISOString()}~${last.code}` : null,
    shop: shopOf(shop),
  };
}

function decodeCursor(cursor: string): { createdAt: Date; code: string } {
  const at = cursor.indexOf('~');
  const createdAt = new Date(cursor.slice(0, at));
  if (at < 0 || Number.isNaN(createdAt.getTime()))
    throw new NurtureError('invalid_input', 'cursor: not a cursor of this list', [
      { path: 'cursor', reason: 'not a cursor of this list' },
    ]);
  return { createdAt, code: cursor.slice(at + 1) };
}

export const couponShowInputSchema = z.object({ shopId, code: z.string().trim().min(1).max(60) });

/** The order a coupon was redeemed by (or released from). */
export interface CouponOrder {
  orderId: string;
  name: string | null;
  status: string;
  total: number;
  createdAt: Date;
}

/** One coupon by code (any case), with the order that used it and its history of redemptions. */
export async function showCoupon(
  ctx: AppContext,
  input: z.input<typeof couponShowInputSchema>,
): Promise<{ coupon: CouponView; order: CouponOrder | null; history: CouponEvent[]; shop: CouponShop }> {
  const q = parseInput(couponShowInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const coupon = await findCouponByCode(ctx.store, q.shopId, normalizeCode(q.code));
  if (!coupon) throw new NurtureError('not_found', `no coupon with the code ${normalizeCode(q.code)}`);
  const found = coupon.redeemedOrderId
    ? await getOrder(ctx.store, q.shopId, coupon.redeemedOrderId)
    : undefined;
  const o = found?.order;
  return {
    coupon: view(coupon, ctx.clock.now()),
    order: o
      ? {
          orderId: String(o['order_id']),
          name: o['name'] === null ? null : String(o['name']),
          status: String(o['status']),
          total: Number(o['total']),
          createdAt: new Date(o['created_at'] as string | Date),
        }
      : null,
    history: await couponEvents(ctx.store, q.shopId, coupon.code),
    shop: shopOf(shop),
  };
}
