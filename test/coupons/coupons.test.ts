/**
 * Coupons on both engines: creation (idempotent by source key, collisions drawn again, bad input
 * changes nothing), bulk batches, expiry, listing; redemption from imported orders (any case,
 * single use, released when the order is cancelled, refused at delivery or returned, never by
 * another customer's order) and idempotence of the whole pass.
 */
import { describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { recordCouponRedemptions } from '../../src/app/coupon-redemptions.js';
import {
  type CouponView,
  createCoupon,
  createCouponBatch,
  listCoupons,
  showCoupon,
} from '../../src/app/coupons.js';
import { NurtureError } from '../../src/errors.js';
import type { Store } from '../../src/store/store.js';
import { vn } from '../analytics/fixtures.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { arrive, customer, customerIdOf, SHOP, scripted, seeded } from './support.js';

const HOUR = 3_600_000;
const START = vn('2026-12-01', '09:00');
const LAN = '+84912000001';
const HUNG = '+84912000002';

async function rejects(p: Promise<unknown>, code: NurtureError['code'], text: string | RegExp) {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NurtureError);
  expect((error as NurtureError).code).toBe(code);
  expect((error as NurtureError).message).toMatch(text);
}

const count = async (store: Store) =>
  Number((await store.engine.all<{ n: number }>('SELECT COUNT(*) AS n FROM coupons'))[0]?.n);

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    async function shop(): Promise<{ ctx: AppContext; clock: TestClock; lan: string; hung: string }> {
      const clock = new TestClock(START.getTime());
      const store = await engine.open(clock);
      const ctx = makeContext(store);
      await arrive(ctx, { customers: [customer(LAN), customer(HUNG)] });
      return { ctx, clock, lan: await customerIdOf(ctx, LAN), hung: await customerIdOf(ctx, HUNG) };
    }

    it('creates a coupon once per source key, draws again on a collision, and refuses bad input', async () => {
      const { ctx, lan } = await shop();
      const input = {
        shopId: SHOP,
        customerId: lan,
        kind: 'fixed_amount' as const,
        value: 50_000,
        minOrder: 300_000,
        expires: '24h',
        prefix: 'nur',
        sourceKey: 'flow:run_1:step_3',
      };
      const first = await createCoupon(ctx, input, { random: scripted('7KQ4-M2XP') });
      expect(first.created).toBe(true);
      expect(first.coupon).toMatchObject({
        code: 'NUR-7KQ4-M2XP',
        kind: 'fixed_amount',
        value: 50_000,
        minOrder: 300_000,
        customerId: lan,
        state: 'active',
        sourceKey: 'flow:run_1:step_3',
      });
      expect(first.coupon.expiresAt.getTime() - START.getTime()).toBe(24 * HOUR);
      // The same source key (a retried flow step) returns the same coupon, even with other terms.
      const again = await createCoupon(ctx, { ...input, value: 99_000 }, { random: seeded(2) });
      expect(again).toMatchObject({ created: false, coupon: { code: 'NUR-7KQ4-M2XP', value: 50_000 } });
      expect(await count(ctx.store)).toBe(1);
      // A code the shop has already is drawn again.
      const other = await createCoupon(
        ctx,
        { ...input, sourceKey: 'flow:run_2:step_3' },
        { random: scripted('7KQ4-M2XP', '7KQ4-M2XP', 'AB23-CD45') },
      );
      expect(other.coupon.code).toBe('NUR-AB23-CD45');
      expect(await count(ctx.store)).toBe(2);

      await rejects(createCoupon(ctx, { shopId: SHOP, kind: 'percent', value: 0 }), 'invalid_input', /value/);
      await rejects(
        createCoupon(ctx, { shopId: SHOP, kind: 'percent', value: 101 }),
        'invalid_input',
        /1 to 100/,
      );
      await rejects(createCoupon(ctx, { shopId: SHOP, kind: 'fixed_amount' }), 'invalid_input', /value/);
      await rejects(
        createCoupon(ctx, { shopId: SHOP, kind: 'free_shipping', expires: '2026-11-30T10:00' }),
        'invalid_input',
        /not in the future/,
      );
      await rejects(
        createCoupon(ctx, { shopId: SHOP, kind: 'free_shipping', customerId: 'cus_nobody' }),
        'not_found',
        /no customer/,
      );
      expect(await count(ctx.store)).toBe(2);
      // A date-time without an offset is the shop's (Ho Chi Minh, UTC+7).
      const dated = await createCoupon(ctx, {
        shopId: SHOP,
        kind: 'percent',
        value: 10,
        expires: '2026-12-31T23:00',
      });
      expect(dated.coupon.expiresAt.toISOString()).toBe('2026-12-31T16:00:00.000Z');
      const free = await createCoupon(ctx, { shopId: SHOP, kind: 'free_shipping' });
      expect(free.coupon).toMatchObject({ kind: 'free_shipping', value: null, customerId: null });
      expect(free.coupon.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    });

    it('makes a bulk batch of unique unassigned codes, the same again on a rerun', async () => {
      const { ctx } = await shop();
      const batch = {
        shopId: SHOP,
        batch: 'tet-2027',
        count: 2000,
        kind: 'percent' as const,
        value: 15,
        expires: '7d',
      };
      const made = await createCouponBatch(ctx, batch, { random: seeded(5) });
      expect(made.created).toBe(2000);
      expect(new Set(made.codes).size).toBe(2000);
      const rerun = await createCouponBatch(ctx, batch, { random: seeded(6) });
      expect(rerun).toMatchObject({ created: 0, codes: made.codes });
      const more = await createCouponBatch(ctx, { ...batch, count: 2010 }, { random: seeded(7) });
      expect(more.created).toBe(10);
      expect(more.codes.slice(0, 2000)).toEqual(made.codes);
      await rejects(createCouponBatch(ctx, { ...batch, value: 20 }), 'conflict', /other terms/);
      expect(await count(ctx.store)).toBe(2010);
      const listed = await listCoupons(ctx, { shopId: SHOP, batch: 'tet-2027', limit: 1000 });
      expect(listed.coupons.every((c) => c.customerId === null && c.state === 'active')).toBe(true);

      // A drawn code that the shop has already is drawn again (within the batch's insert).
      const taken = made.codes[0]!;
      const clash = await createCouponBatch(
        ctx,
        { ...batch, batch: 'clash', count: 2 },
        { random: scripted(taken, 'AAAA-BBBB', 'CCCC-DDDD') },
      );
      // Key 0 drew the taken code and then CCCC-DDDD; key 1 kept AAAA-BBBB.
      expect(clash.codes).toEqual(['CCCC-DDDD', 'AAAA-BBBB']);
    });

    it('expires: active before, expired after; an order placed after the expiry does not redeem it', async () => {
      const { ctx, clock, lan } = await shop();
      const { coupon } = await createCoupon(ctx, {
        shopId: SHOP,
        customerId: lan,
        kind: 'percent',
        value: 10,
        expires: '24h',
      });
      expect((await showCoupon(ctx, { shopId: SHOP, code: coupon.code })).coupon.state).toBe('active');
      clock.advance(25 * HOUR);
      expect((await showCoupon(ctx, { shopId: SHOP, code: coupon.code })).coupon.state).toBe('expired');
      expect((await listCoupons(ctx, { shopId: SHOP, state: 'expired' })).coupons.map((c) => c.code)).toEqual(
        [coupon.code],
      );
      expect((await listCoupons(ctx, { shopId: SHOP, state: 'active' })).coupons).toEqual([]);
      await arrive(ctx, {
        orders: [{ id: 'late', phone: LAN, at: new Date(clock.now()), total: 400_000, coupon: coupon.code }],
      });
      expect((await showCoupon(ctx, { shopId: SHOP, code: coupon.code })).coupon.state).toBe('expired');
      const pass = await recordCouponRedemptions(ctx, SHOP, [lan]);
      expect(pass.skipped).toEqual([
        { code: coupon.code, orderId: expect.any(String), customerId: lan, reason: 'expired' },
      ]);
    });

    it('is redeemed by an imported order (any case), once; a second order does not redeem it again', async () => {
      const { ctx, clock, lan } = await shop();
      const { coupon } = await createCoupon(ctx, {
        shopId: SHOP,
        customerId: lan,
        kind: 'fixed_amount',
        value: 50_000,
        expires: '7d',
      });
      clock.advance(HOUR);
      const placed = new Date(clock.now());
      await arrive(ctx, {
        orders: [
          {
            id: '1001',
            phone: LAN,
            at: placed,
            total: 350_000,
            status: 'pending',
            payment: 'cod',
            coupon: ` ${coupon.code.toLowerCase()} `,
          },
        ],
      });
      const shown = await showCoupon(ctx, { shopId: SHOP, code: coupon.code.toLowerCase() });
      expect(shown.coupon).toMatchObject({ state: 'redeemed', redeemedAt: placed, releasedAt: null });
      expect(shown.order).toMatchObject({ name: '#1001', status: 'pending', total: 350_000 });
      const firstOrder = shown.coupon.redeemedOrderId;

      clock.advance(HOUR);
      await arrive(ctx, {
        orders: [
          {
            id: '1002',
            phone: LAN,
            at: new Date(clock.now()),
            total: 200_000,
            coupon: `FREESHIP, ${coupon.code}`,
          },
        ],
      });
      expect((await showCoupon(ctx, { shopId: SHOP, code: coupon.code })).coupon.redeemedOrderId).toBe(
        firstOrder,
      );
      // Running the pass again changes nothing, and says why the second order did not redeem it.
      const before = await ctx.store.engine.all('SELECT * FROM coupons ORDER BY code');
      const pass = await recordCouponRedemptions(ctx, SHOP, [lan]);
      expect(pass.redeemed).toEqual([]);
      expect(pass.released).toEqual([]);
      expect(pass.skipped).toMatchObject([
        { code: coupon.code, customerId: lan, reason: 'already_redeemed' },
      ]);
      expect(await ctx.store.engine.all('SELECT * FROM coupons ORDER BY code')).toEqual(before);
      expect((await listCoupons(ctx, { shopId: SHOP, state: 'redeemed' })).coupons).toHaveLength(1);
    });

    it('releases a redemption when its order is cancelled, refused at delivery or returned', async () => {
      const { ctx, clock, lan } = await shop();
      const statuses = ['cancelled', 'failed_delivery', 'returned'] as const;
      const coupons: CouponView[] = [];
      for (const _ of statuses)
        coupons.push(
          (await createCoupon(ctx, { shopId: SHOP, customerId: lan, kind: 'percent', value: 10 })).coupon,
        );
      clock.advance(HOUR);
      const at = new Date(clock.now());
      const orders = statuses.map((_, i) => ({
        id: `cod-${i}`,
        phone: LAN,
        at,
        total: 300_000,
        status: 'pending' as const,
        payment: 'cod' as const,
        coupon: coupons[i]!.code,
      }));
      await arrive(ctx, { orders });
      for (const c of coupons)
        expect((await showCoupon(ctx, { shopId: SHOP, code: c.code })).coupon.state).toBe('redeemed');

      clock.advance(24 * HOUR);
      const releasedAt = new Date(clock.now());
      await arrive(ctx, { orders: orders.map((o, i) => ({ ...o, status: statuses[i]! })) });
      for (const [i, c] of coupons.entries())
        expect((await showCoupon(ctx, { shopId: SHOP, code: c.code })).coupon).toMatchObject({
          state: 'released',
          releasedAt,
          releaseReason: statuses[i],
        });
      expect((await listCoupons(ctx, { shopId: SHOP, state: 'released' })).coupons).toHaveLength(3);
      expect((await showCoupon(ctx, { shopId: SHOP, code: coupons[2]!.code })).history).toEqual([
        { at, action: 'redeemed', orderId: expect.any(String), orderStatus: 'pending' },
        { at: releasedAt, action: 'released', orderId: expect.any(String), orderStatus: 'returned' },
      ]);
      const before = await ctx.store.engine.all('SELECT * FROM coupons ORDER BY code');
      expect(await recordCouponRedemptions(ctx, SHOP, [lan])).toEqual({
        redeemed: [],
        released: [],
        skipped: [],
      });
      expect(await ctx.store.engine.all('SELECT * FROM coupons ORDER BY code')).toEqual(before);

      // A released code may be used again: a new order redeems it.
      clock.advance(HOUR);
      await arrive(ctx, {
        orders: [
          { id: 'again', phone: LAN, at: new Date(clock.now()), total: 300_000, coupon: coupons[0]!.code },
        ],
      });
      expect((await showCoupon(ctx, { shopId: SHOP, code: coupons[0]!.code })).coupon).toMatchObject({
        state: 'redeemed',
        releasedAt: null,
        releaseReason: null,
      });
      // A delivered COD order keeps its coupon.
      await arrive(ctx, {
        orders: [{ ...orders[1]!, id: 'delivered', status: 'delivered', coupon: coupons[1]!.code }],
      });
      expect((await showCoupon(ctx, { shopId: SHOP, code: coupons[1]!.code })).order).toMatchObject({
        status: 'delivered',
      });
    });

    it("is not redeemed by another customer's order, and says why; a bulk code is anyone's", async () => {
      const { ctx, clock, lan, hung } = await shop();
      const { coupon } = await createCoupon(ctx, {
        shopId: SHOP,
        customerId: lan,
        kind: 'percent',
        value: 20,
      });
      const bulk = await createCouponBatch(ctx, {
        shopId: SHOP,
        batch: 'flyer',
        count: 1,
        kind: 'free_shipping',
      });
      clock.advance(HOUR);
      await arrive(ctx, {
        orders: [
          {
            id: 'h1',
            phone: HUNG,
            at: new Date(clock.now()),
            total: 500_000,
            coupon: `${coupon.code},${bulk.codes[0]}`,
          },
        ],
      });
      expect((await showCoupon(ctx, { shopId: SHOP, code: coupon.code })).coupon.state).toBe('active');
      expect((await showCoupon(ctx, { shopId: SHOP, code: bulk.codes[0]! })).coupon.state).toBe('redeemed');
      const pass = await recordCouponRedemptions(ctx, SHOP, [hung]);
      expect(pass.redeemed).toEqual([]);
      expect(pass.skipped).toMatchObject([{ code: coupon.code, customerId: hung, reason: 'other_customer' }]);
    });

    it('lists newest first with filters and a cursor', async () => {
      const { ctx, clock, lan } = await shop();
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        made.push(
          (
            await createCoupon(ctx, {
              shopId: SHOP,
              kind: 'percent',
              value: 5 + i,
              ...(i % 2 ? { customerId: lan } : {}),
            })
          ).coupon.code,
        );
        clock.advance(1000);
      }
      const first = await listCoupons(ctx, { shopId: SHOP, limit: 2 });
      expect(first.coupons.map((c) => c.code)).toEqual([made[4], made[3]]);
      const second = await listCoupons(ctx, { shopId: SHOP, limit: 2, cursor: first.nextCursor! });
      const third = await listCoupons(ctx, { shopId: SHOP, limit: 2, cursor: second.nextCursor! });
      expect([...second.coupons, ...third.coupons].map((c) => c.code)).toEqual([made[2], made[1], made[0]]);
      expect(third.nextCursor).toBeNull();
      expect((await listCoupons(ctx, { shopId: SHOP, customerId: lan })).coupons.map((c) => c.code)).toEqual([
        made[3],
        made[1],
      ]);
      const part = made[2]!.slice(2, 6).toLowerCase();
      expect((await listCoupons(ctx, { shopId: SHOP, q: part })).coupons.map((c) => c.code)).toContain(
        made[2],
      );
      await rejects(listCoupons(ctx, { shopId: SHOP, cursor: 'nonsense' }), 'invalid_input', /cursor/);
    });
  });
