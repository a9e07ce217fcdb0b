import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { getCustomerProfile } from '../../src/app/customers.js';
import { runDemo } from '../../src/app/demo.js';
import { createShopSegment, refreshShopSegments } from '../../src/app/segments.js';
import { NurtureError } from '../../src/errors.js';
import { membershipHistory } from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';

const DAY = 86_400_000;
const SHOP = 'shop-p';

/**
 * The customer page's segment stays are read without the customer's row (the page has it) and
 * given the person afterwards: they must equal the stays `membershipHistory` gives for the
 * customer, person and order included, on both engines.
 */
for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`customer profile (${engine.title})`, () => {
    let store: Store;
    let ids: string[];

    beforeAll(async () => {
      store = await engine.open();
      const ctx = makeContext(store);
      await runDemo(ctx, { shopId: SHOP, customers: 40, seed: 11 });
      // Two segments whose members leave later: current stays and ended ones side by side.
      await createShopSegment(ctx, { shopId: SHOP, name: 'recent', query: 'last_order_date > -90d' });
      await createShopSegment(ctx, { shopId: SHOP, name: 'buyers', query: 'number_of_orders >= 1' });
      const later = new Date(ctx.clock.now().getTime() + 400 * DAY).toISOString();
      await refreshShopSegments(ctx, { shopId: SHOP, names: ['recent'], asOf: later });
      const rows = await store.engine.all<{ customer_id: string }>(
        `SELECT customer_id FROM customers WHERE shop_id = $1 ORDER BY customer_id`,
        [SHOP],
      );
      ids = rows.map((r) => r.customer_id);
    }, 120_000);
    afterAll(async () => store?.close());

    it('gives every customer the stays membershipHistory gives, with the person', async () => {
      const ctx = makeContext(store);
      let ended = 0;
      let current = 0;
      let withPerson = 0;
      for (const id of ids) {
        const profile = await getCustomerProfile(ctx, SHOP, id);
        const expected = await membershipHistory(store.engine, SHOP, { customerId: id, limit: 200 });
        expect(profile.segments, id).toEqual(expected);
        ended += expected.filter((s) => s.exitedAt !== null).length;
        current += expected.filter((s) => s.exitedAt === null).length;
        withPerson += expected.filter((s) => s.name !== null && (s.phone ?? s.email) !== null).length;
      }
      // The comparison covered both kinds of stay, and people with names and keys.
      expect(ended).toBeGreaterThan(0);
      expect(current).toBeGreaterThan(0);
      expect(withPerson).toBeGreaterThan(0);
    });

    it('answers not_found for an unknown customer', async () => {
      await expect(getCustomerProfile(makeContext(store), SHOP, 'cus_nobody')).rejects.toBeInstanceOf(
        NurtureError,
      );
    });
  });
}
