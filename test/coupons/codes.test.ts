/**
 * Coupon codes: the alphabet and format (fast-check over random sources and prefixes), 100,000
 * codes of one batch all distinct (in memory and through the store on both engines, with the
 * app's crypto source), the collision figures docs/coupons.md gives, and the redemption rules'
 * idempotence.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { createCouponBatch, cryptoRandom } from '../../src/app/coupons.js';
import {
  AMBIGUOUS_CHARACTERS,
  CODE_ALPHABET,
  type Coupon,
  type CouponUse,
  codesOfOrder,
  collisionProbability,
  decideRedemption,
  generateCode,
  generateCodes,
} from '../../src/domain/coupons/index.js';
import { ENGINES } from '../support/engines.js';
import { SHOP, seeded } from './support.js';

describe('coupon codes', () => {
  it('never contain an ambiguous character and keep the format, whatever the source and prefix', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.option(fc.stringMatching(/^[A-Za-z2-9]{1,10}$/), { nil: undefined }),
        fc.integer({ min: 2, max: 4 }),
        (seed, prefix, groups) => {
          const code = generateCode(seeded(seed), { prefix, groups });
          const random = prefix ? code.slice(prefix.length + 1) : code;
          expect(random).toMatch(
            new RegExp(`^[${CODE_ALPHABET}]{4}(-[${CODE_ALPHABET}]{4}){${groups - 1}}$`),
          );
          for (const c of AMBIGUOUS_CHARACTERS) expect(random).not.toContain(c);
          if (prefix) expect(code.startsWith(`${prefix.toUpperCase()}-`)).toBe(true);
        },
      ),
    );
    expect(CODE_ALPHABET).toHaveLength(31);
    for (const c of '0O1IL') expect(CODE_ALPHABET).not.toContain(c);
    expect(generateCode(() => 0, { prefix: 'nur' })).toBe('NUR-2222-2222');
    expect(() => generateCode(() => 31)).toThrow(RangeError);
  });

  it('are unique in a batch of 100,000, and the documented collision chances hold', () => {
    const codes = generateCodes(cryptoRandom, 100_000, { prefix: 'NUR' });
    expect(new Set(codes).size).toBe(100_000);
    expect(codes.every((c) => /^NUR-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/.test(c))).toBe(true);
    expect(collisionProbability(100_000)).toBeCloseTo(0.0059, 3);
    expect(collisionProbability(1_000_000)).toBeCloseTo(0.445, 2);
    expect(collisionProbability(1_000_000, 3)).toBeLessThan(1e-6);
    // A source that repeats itself still gives distinct codes (repeats are drawn again).
    let i = 0;
    const cycling = (bound: number) => Math.floor(((i++ * 7) % 93) / 3) % bound;
    expect(new Set(generateCodes(cycling, 50)).size).toBe(50);
  });

  it("reads an order's code field: several codes, any case, blanks dropped", () => {
    expect(codesOfOrder(' nur-7kq4-m2xp , FREESHIP,,')).toEqual(['NUR-7KQ4-M2XP', 'FREESHIP']);
    expect(codesOfOrder(null)).toEqual([]);
  });
});

describe('the redemption rules', () => {
  const coupon = (over: Partial<Coupon>): Coupon => ({
    couponId: 'cpn_1',
    shopId: SHOP,
    code: 'NUR-7KQ4-M2XP',
    kind: 'percent',
    value: 10,
    minOrder: null,
    customerId: null,
    expiresAt: new Date(10_000),
    createdAt: new Date(0),
    sourceKey: null,
    batchId: null,
    redeemedOrderId: null,
    redeemedAt: null,
    releasedAt: null,
    releaseReason: null,
    ...over,
  });
  const use = fc.record({
    orderId: fc.constantFrom('o1', 'o2', 'o3', 'o4'),
    customerId: fc.constantFrom('a', 'b'),
    createdAt: fc.integer({ min: 0, max: 20_000 }).map((t) => new Date(t)),
    status: fc.constantFrom('pending', 'paid', 'delivered', 'cancelled', 'failed_delivery', 'returned'),
  });

  it('are idempotent: deciding again on the result changes nothing, and a redemption is single', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(use, { selector: (u) => u.orderId, maxLength: 4 }),
        fc.constantFrom(null, 'a'),
        (raw, owner) => {
          const uses: CouponUse[] = raw.map((u) => ({
            ...u,
            status: u.status as CouponUse['status'],
            kept: ['pending', 'paid', 'delivered'].includes(u.status),
          }));
          const start = coupon({ customerId: owner });
          const first = decideRedemption(start, uses, new Date(30_000));
          const after = first.next ? { ...start, ...first.next } : start;
          const second = decideRedemption(after, uses, new Date(40_000));
          expect(second.next).toBeUndefined();
          if (after.redeemedOrderId !== null && after.releasedAt === null) {
            const holder = uses.find((u) => u.orderId === after.redeemedOrderId)!;
            expect(holder.kept).toBe(true);
            expect(holder.createdAt.getTime()).toBeLessThan(10_000);
            if (owner) expect(holder.customerId).toBe(owner);
          }
        },
      ),
    );
  });
});

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('stores a batch of 100,000 distinct codes', async () => {
      const store = await engine.open();
      const ctx = makeContext(store);
      await store.ensureShop({ shopId: SHOP });
      const made = await createCouponBatch(ctx, {
        shopId: SHOP,
        batch: 'big',
        count: 100_000,
        kind: 'fixed_amount',
        value: 20_000,
      });
      expect(made.created).toBe(100_000);
      expect(new Set(made.codes).size).toBe(100_000);
      const [row] = await store.engine.all<{ n: number; codes: number }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT code) AS codes FROM coupons WHERE shop_id = $1',
        [SHOP],
      );
      expect([Number(row?.n), Number(row?.codes)]).toEqual([100_000, 100_000]);
      await store.close();
    }, 120_000);
  });
