import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyString, resolveIdentities } from '../../src/domain/identity.js';
import { makeIdGenerator, seededRandom } from '../../src/domain/ids.js';

const idGen = () => {
  let n = 0;
  return () => `cus_new${String(++n).padStart(3, '0')}`;
};
const phone = (value: string) => ({ kind: 'phone', value });
const email = (value: string) => ({ kind: 'email', value });
const ext = (value: string, source = 'shopify') => ({ kind: `external:${source}`, value });

describe('resolveIdentities', () => {
  it('joins records transitively through shared keys', () => {
    const r = resolveIdentities(
      [
        { keys: [phone('+1')] },
        { keys: [email('a@x')] },
        { keys: [phone('+1'), email('a@x')] },
        { keys: [phone('+2')] },
      ],
      new Map(),
      idGen(),
    );
    expect(r.customerOf).toEqual(['cus_new001', 'cus_new001', 'cus_new001', 'cus_new002']);
    expect(r.merges).toEqual([]);
    expect(r.newCustomers.size).toBe(2);
  });

  it('records a merge when two external ids meet on a phone', () => {
    const r = resolveIdentities(
      [{ keys: [ext('1'), phone('+1')] }, { keys: [ext('H1', 'haravan'), phone('+1')] }],
      new Map(),
      idGen(),
    );
    expect(r.merges).toEqual([
      {
        recordIndex: 1,
        matchedKind: 'phone',
        matchedValue: '+1',
        reason: 'same phone',
        survivorId: 'cus_new001',
      },
    ]);
  });

  it('keeps the oldest known customer when a record links two known customers', () => {
    const known = new Map([
      [keyString(phone('+1')), 'cus_B'],
      [keyString(email('a@x')), 'cus_A'],
    ]);
    const r = resolveIdentities([{ keys: [phone('+1'), email('a@x')] }], known, idGen());
    expect(r.customerOf).toEqual(['cus_A']);
    expect([...r.absorbed]).toEqual([['cus_B', 'cus_A']]);
    expect(r.merges).toHaveLength(1);
    expect(r.merges[0]).toMatchObject({
      survivorId: 'cus_A',
      mergedCustomerId: 'cus_B',
      matchedKind: 'email',
    });
    expect(r.newCustomers.size).toBe(0);
  });

  it('gives records without keys no customer', () => {
    const r = resolveIdentities([{ keys: [] }, { keys: [phone('+1')] }], new Map(), idGen());
    expect(r.customerOf).toEqual([undefined, 'cus_new001']);
  });

  it('property: records sharing a key always get the same customer, and order does not matter', () => {
    const keyArb = fc.oneof(
      fc.integer({ min: 0, max: 6 }).map((n) => phone(`+${n}`)),
      fc.integer({ min: 0, max: 6 }).map((n) => email(`${n}@x`)),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(keyArb, { minLength: 1, maxLength: 3 }), { maxLength: 20 }),
        (keyLists) => {
          const records = keyLists.map((keys) => ({ keys }));
          const r = resolveIdentities(records, new Map(), idGen());
          const owner = new Map<string, string>();
          records.forEach((rec, i) => {
            for (const k of rec.keys) {
              const ks = keyString(k);
              const prev = owner.get(ks);
              if (prev !== undefined) expect(r.customerOf[i]).toBe(prev);
              owner.set(ks, r.customerOf[i]!);
            }
          });
          // The partition into customers is the same whatever the order of the records.
          const reversed = resolveIdentities([...records].reverse(), new Map(), idGen());
          const groups = (ids: (string | undefined)[]) =>
            new Set(
              [...new Set(ids)].map((id) =>
                JSON.stringify(
                  ids
                    .flatMap((x, i) => (x === id ? [i] : []))
                    .map((i) => JSON.stringify(records[i]!.keys))
                    .sort(),
                ),
              ),
            );
          const revIds = [...reversed.customerOf].reverse();
          expect(groups(revIds)).toEqual(groups(r.customerOf));
        },
      ),
    );
  });
});

describe('ids', () => {
  it('are prefixed and sort by creation time', () => {
    let t = 1_700_000_000_000;
    const next = makeIdGenerator({ now: () => t, random: seededRandom(3) });
    const a = next('cus');
    const b = next('cus');
    t += 1;
    const c = next('cus');
    expect(a).toMatch(/^cus_[0-9A-Z]{26}$/);
    expect([c, b, a].sort()).toEqual([a, b, c]);
  });
});
