/**
 * Redemption on both engines: 1,000 concurrent redemptions against one balance never overdraw it
 * (PostgreSQL: the customer's advisory lock; DuckDB: its one writer connection runs transactions
 * one at a time); a retried request (same key) spends once; a gift makes a staff task; an
 * adjustment cannot take the balance below zero; the balance is always the ledger's sum.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustPoints, redeemReward, showPoints } from '../../src/app/loyalty/points.js';
import type { NurtureError } from '../../src/errors.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { arrive, customer, idOf, openShop, program, SHOP } from './support.js';

const LAN = '+84912345678';
const start = Date.parse('2027-03-01T03:00:00Z');

async function ledgerSum(store: import('../../src/store/store.js').Store, customerId: string) {
  const [row] = await store.engine.all<{ points: number | null }>(
    'SELECT SUM(points) AS points FROM loyalty_ledger WHERE shop_id = $1 AND customer_id = $2',
    [SHOP, customerId],
  );
  return Number(row?.points ?? 0);
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('1,000 concurrent redemptions never overdraw one balance', async () => {
      const clock = new TestClock(start);
      const { store, ctx } = await openShop(engine, clock);
      await arrive(ctx, { customers: [customer(LAN)] });
      const lan = await idOf(ctx, LAN);
      await adjustPoints(ctx, { shopId: SHOP, customer: lan, amount: 10_000, reason: 'test balance' });
      // free-ship costs 300: 33 fit in 10,000.
      const outcomes = await Promise.allSettled(
        Array.from({ length: 1000 }, (_, i) =>
          redeemReward(ctx, { shopId: SHOP, customer: lan, reward: 'free-ship', requestKey: `r${i}` }),
        ),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      expect(won).toHaveLength(33);
      for (const l of lost) expect((l.reason as NurtureError).code).toBe('conflict');
      const p = await showPoints(ctx, { shopId: SHOP, customer: lan });
      expect(p.balance.points).toBe(100);
      expect(await ledgerSum(store, lan)).toBe(100);
      const [coupons] = await store.engine.all<{ n: number }>(
        "SELECT COUNT(*) AS n FROM coupons WHERE shop_id = $1 AND kind = 'free_shipping'",
        [SHOP],
      );
      expect(Number(coupons?.n)).toBe(33);
      await store.close();
    }, 120_000);

    it('a retried redemption spends once; a gift is a staff task; adjustments keep the balance ≥ 0', async () => {
      const clock = new TestClock(start);
      const { store, ctx } = await openShop(engine, clock);
      await arrive(ctx, { customers: [customer(LAN)] });
      await adjustPoints(ctx, {
        shopId: SHOP,
        customer: '0912 345 678',
        amount: 3000,
        reason: 'welcome back',
      });
      const first = await redeemReward(ctx, {
        shopId: SHOP,
        customer: LAN,
        reward: 'voucher-50k',
        requestKey: 'k1',
      });
      const again = await redeemReward(ctx, {
        shopId: SHOP,
        customer: LAN,
        reward: 'voucher-50k',
        requestKey: 'k1',
      });
      expect(first).toMatchObject({ created: true, balance: 2500 });
      expect(again).toMatchObject({ created: false, balance: 2500, couponCode: first.couponCode });
      const gift = await redeemReward(ctx, { shopId: SHOP, customer: LAN, reward: 'gift' });
      expect(gift.taskId).toBeTruthy();
      const tasks = await store.engine.all<{ title: string; state: string }>(
        'SELECT title, state FROM staff_tasks',
      );
      expect(tasks).toEqual([{ title: 'Quà tặng từ shop / A gift from the shop', state: 'open' }]);
      await expect(
        adjustPoints(ctx, { shopId: SHOP, customer: LAN, amount: -501, reason: 'too much' }),
      ).rejects.toMatchObject({ code: 'conflict' });
      await expect(
        redeemReward(ctx, { shopId: SHOP, customer: LAN, reward: 'percent-10' }),
      ).rejects.toMatchObject({ code: 'conflict' });
      await expect(redeemReward(ctx, { shopId: SHOP, customer: LAN, reward: 'nope' })).rejects.toMatchObject({
        code: 'not_found',
      });
      await store.close();
    });

    it('property: after any sequence of adjustments and redemptions the balance is the ledger sum and ≥ 0', async () => {
      const clock = new TestClock(start);
      const { store, ctx } = await openShop(engine, clock, program());
      await arrive(ctx, { customers: [customer(LAN)] });
      const lan = await idOf(ctx, LAN);
      const op = fc.oneof(
        fc.record({
          kind: fc.constant('adjust' as const),
          amount: fc.integer({ min: -400, max: 900 }).filter((n) => n !== 0),
        }),
        fc.record({
          kind: fc.constant('redeem' as const),
          reward: fc.constantFrom('free-ship', 'voucher-50k', 'percent-10'),
        }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
          for (const o of ops) {
            const before = (await showPoints(ctx, { shopId: SHOP, customer: lan })).balance.points;
            try {
              if (o.kind === 'adjust')
                await adjustPoints(ctx, {
                  shopId: SHOP,
                  customer: lan,
                  amount: o.amount,
                  reason: 'property',
                });
              else await redeemReward(ctx, { shopId: SHOP, customer: lan, reward: o.reward });
            } catch (error) {
              // Refused only when the balance would go below zero.
              expect((error as NurtureError).code).toBe('conflict');
              expect(before).toBeLessThan(o.kind === 'adjust' ? -o.amount : 1000);
            }
            const after = await showPoints(ctx, { shopId: SHOP, customer: lan });
            expect(after.balance.points).toBe(await ledgerSum(store, lan));
            expect(after.balance.points).toBeGreaterThanOrEqual(0);
          }
        }),
        { numRuns: 15 },
      );
      await store.close();
    }, 120_000);
  });
