import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { importFile } from '../../src/app/imports.js';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import type { CustomerInput, EventInput, OrderInput } from '../../src/domain/model/index.js';
import { BUILTIN_SEGMENTS } from '../../src/domain/segments/index.js';
import { recomputeScores, refreshCustomerStats } from '../../src/store/analytics/index.js';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listMembers,
  listSegments,
  membershipEvents,
  membershipHistory,
  refreshMembership,
  updateSegment,
} from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { AS_OF, loadShop, queryArb, SHOP, shopArb, TZ } from './support.js';

/** Noon on a day in Ho Chi Minh City. */
const vn = (day: string, time = '12:00') => new Date(`${day}T${time}:00+07:00`);

function customer(phone: string, over: Partial<CustomerInput> = {}): CustomerInput {
  return { source: 'shopify', externalId: phone, phone, consent: {}, tags: [], attributes: {}, ...over };
}

function order(id: string, phone: string, at: Date, total = 500_000, sku = 'PRN-01'): OrderInput {
  return {
    source: 'shopify',
    externalId: id,
    customer: { externalId: phone, phone },
    status: 'paid',
    currency: 'VND',
    subtotal: String(total),
    shipping: '0',
    taxes: '0',
    discount: '0',
    total: String(total),
    refunded: '0',
    createdAt: at,
    tags: [],
    lines: [
      {
        sku,
        title: sku,
        category: sku.startsWith('PRN') ? 'printer' : 'paper',
        quantity: 1,
        price: String(total),
      },
    ],
  };
}

/** Imports a batch and refreshes the touched customers' stats; returns their ids. */
async function load(
  store: Store,
  batch: { customers?: CustomerInput[]; orders?: OrderInput[]; events?: EventInput[] },
): Promise<string[]> {
  await store.ensureShop({ shopId: SHOP, timezone: TZ });
  const ids = await store.transaction(async (tx) => {
    const r = await tx.importBatch(
      SHOP,
      { customers: batch.customers ?? [], orders: batch.orders ?? [], events: batch.events ?? [] },
      tx.newId('imp'),
      new Date(store.ids.now()),
    );
    await tx.resolveReferrals(SHOP, r.referrals);
    return r.customerIds;
  });
  await refreshCustomerStats(store.engine, SHOP, { customerIds: ids });
  return ids;
}

async function idOf(store: Store, phone: string): Promise<string> {
  const c = await store.findCustomerByKey(SHOP, 'phone', phone);
  if (!c) throw new Error(`no customer ${phone}`);
  return c.customerId;
}

async function openMembers(store: Store, segmentId: string): Promise<string[]> {
  return (await listMembers(store.engine, SHOP, segmentId)).map((m) => m.customerId);
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `segment membership on ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      it('enters a drifting segment on the full pass, leaves on a new order, and comes back later', async () => {
        const clock = new TestClock(vn('2026-01-01').getTime());
        const store = await engine.open(clock);
        await load(store, {
          customers: [customer('+84900000001'), customer('+84900000002')],
          orders: [
            order('o1', '+84900000001', vn('2026-01-01', '09:00')),
            order('o2', '+84900000002', vn('2026-02-20')),
          ],
        });
        const a = await idOf(store, '+84900000001');
        const b = await idOf(store, '+84900000002');
        const { segment } = await createSegment(
          store,
          SHOP,
          { name: 'Lâu không mua', query: 'number_of_orders >= 1 AND last_order_date < -90d' },
          { asOf: vn('2026-03-01') },
        );
        expect(segment.members).toBe(0);

        // 1 April is 90 days after 1 January: not yet "before -90d". 2 April is.
        const april1 = await refreshMembership(store.engine, SHOP, {
          asOf: vn('2026-04-01'),
          segments: 'time-dependent',
        });
        expect(april1).toMatchObject({ mode: 'full', segments: 1, entered: 0, exited: 0 });
        const april2 = await refreshMembership(store.engine, SHOP, {
          asOf: vn('2026-04-02', '08:00'),
          segments: 'time-dependent',
        });
        expect(april2).toMatchObject({ entered: 1, exited: 0 });
        expect(await openMembers(store, segment.segmentId)).toEqual([a]);
        expect((await getSegment(store, SHOP, 'Lâu không mua')).refreshedAt).toEqual(
          vn('2026-04-02', '08:00'),
        );

        // A new order: the per-customer refresh right after the import takes A out.
        clock.advance(vn('2026-04-05').getTime() - clock.now());
        const touched = await load(store, {
          orders: [order('o3', '+84900000001', vn('2026-04-05', '10:00'))],
        });
        const perCustomer = await refreshMembership(store.engine, SHOP, {
          customerIds: touched,
          asOf: vn('2026-04-05', '10:05'),
        });
        expect(perCustomer).toMatchObject({ mode: 'customers', strategy: 'memory', entered: 0, exited: 1 });
        expect(await openMembers(store, segment.segmentId)).toEqual([]);

        // Both drift in again later; A's second stay is a new row.
        await refreshMembership(store.engine, SHOP, { asOf: vn('2026-07-10') });
        expect(await openMembers(store, segment.segmentId)).toEqual([a, b].sort());
        const history = await membershipHistory(store.engine, SHOP, {
          segmentId: segment.segmentId,
          customerId: a,
        });
        expect(history.map((h) => [h.enteredAt, h.exitedAt])).toEqual([
          [vn('2026-07-10'), null],
          [vn('2026-04-02', '08:00'), vn('2026-04-05', '10:05')],
        ]);
        const events = await membershipEvents(store.engine, SHOP, {
          from: vn('2026-04-01'),
          to: vn('2026-12-31'),
        });
        expect(events.map((e) => [e.kind, e.customerId === a ? 'A' : 'B', e.at])).toEqual([
          ['entered', 'A', vn('2026-04-02', '08:00')],
          ['exited', 'A', vn('2026-04-05', '10:05')],
          ['entered', 'A', vn('2026-07-10')],
          ['entered', 'B', vn('2026-07-10')],
        ]);
        await store.close();
      });

      it('keeps membership fresh through the import pipeline', async () => {
        const clock = new TestClock(Date.parse('2026-05-01T03:00:00Z'));
        const store = await engine.open(clock);
        await store.ensureShop({ shopId: SHOP, timezone: TZ });
        const { segment } = await createSegment(store, SHOP, {
          name: 'Mua áo dài',
          query: "products_purchased(sku: 'AD-01') AND city = 'Hà Nội'",
        });
        expect(segment.members).toBe(0);
        clock.advance(60_000);
        await importFile(makeContext(store), {
          shopId: SHOP,
          format: 'shopify-orders',
          path: 'test/fixtures/import/shopify-orders.csv',
          skipInvalid: true,
        });
        const members = await listMembers(store.engine, SHOP, segment.segmentId);
        expect(members.length).toBeGreaterThan(0);
        for (const m of members) expect(m.enteredAt).toEqual(new Date('2026-05-01T03:01:00Z'));
        // The per-customer refresh found what a full pass finds.
        expect(await refreshMembership(store.engine, SHOP, { asOf: new Date(clock.now()) })).toMatchObject({
          entered: 0,
          exited: 0,
        });
        await store.close();
      });

      it('the per-customer refresh (in memory or SQL) and the full pass agree', async () => {
        const samples = fc.sample(
          fc.tuple(shopArb, fc.array(queryArb, { minLength: 8, maxLength: 8 }), fc.nat()),
          {
            numRuns: engine.name === 'duckdb' ? 6 : 4,
            seed: 2026,
          },
        );
        for (const [shop, queries, pick] of samples)
          for (const strategy of ['memory', 'sql'] as const) {
            const store = await engine.open(new TestClock(AS_OF.getTime()));
            await loadShop(store, shop);
            for (const [i, query] of queries.entries())
              await createSegment(store, SHOP, { name: `s${i}`, query }, { asOf: AS_OF });
            // The built-in segments too, then the new data.
            await refreshMembership(store.engine, SHOP, { asOf: AS_OF });
            // New data for some customers: an order, a tag, an event.
            const ids = await store.listCustomerIds(SHOP);
            const chosen = ids.filter((_, i) => (i + pick) % 3 === 0);
            const phones = (await Promise.all(chosen.map((id) => store.getCustomer(SHOP, id)))).map(
              (c) => c?.phone ?? '',
            );
            const touched = await load(store, {
              customers: phones.map((p) => customer(p, { tags: ['vip'] })),
              orders: phones.map((p, i) =>
                order(`new-${i}`, p, new Date(AS_OF.getTime() - 86_400_000), 1_200_000, 'PAP-A4'),
              ),
              events: phones.map((p) => ({
                event: 'Message Clicked' as const,
                phone: p,
                timestamp: AS_OF,
                properties: { channel: 'zalo' },
              })),
            });
            const later = new Date(AS_OF.getTime() + 1000);
            await refreshMembership(store.engine, SHOP, { customerIds: touched, asOf: later, strategy });
            const full = await refreshMembership(store.engine, SHOP, { asOf: later });
            expect({ strategy, queries, entered: full.entered, exited: full.exited }).toEqual({
              strategy,
              queries,
              entered: 0,
              exited: 0,
            });
            await store.close();
          }
      }, 300_000);

      it('the per-customer refresh agrees with the full pass for one and several customers, exits and no orders', async () => {
        for (const strategy of ['memory', 'sql'] as const) {
          const clock = new TestClock(vn('2026-03-01').getTime());
          const store = await engine.open(clock);
          await load(store, {
            customers: [customer('+84900000003', { tags: ['vip'] })],
            orders: [
              order('p1', '+84900000001', vn('2026-02-01')),
              order('p2', '+84900000002', vn('2026-02-02'), 2_000_000),
            ],
          });
          const queries = [
            'amount_spent >= 1000000',
            'number_of_orders < 1',
            "tags CONTAINS 'vip' AND number_of_orders < 1",
            "products_purchased(sku: 'PAP-A4')",
            'number_of_orders >= 1 AND last_order_date < -20d',
          ];
          for (const [i, query] of queries.entries())
            await createSegment(store, SHOP, { name: `q${i}`, query }, { asOf: vn('2026-03-01') });
          const [a, b, c] = await Promise.all(
            ['+84900000001', '+84900000002', '+84900000003'].map((p) => idOf(store, p)),
          );
          const noOrders = (await getSegment(store, SHOP, 'q1')).segmentId;
          expect(await openMembers(store, noOrders)).toEqual([c]);

          // Several customers at once: A buys, C (who had no orders) buys and leaves two
          // segments, D arrives without orders.
          const several = await load(store, {
            customers: [customer('+84900000004')],
            orders: [
              order('p3', '+84900000001', vn('2026-03-02'), 1_200_000, 'PAP-A4'),
              order('p4', '+84900000003', vn('2026-03-02')),
            ],
          });
          const at = vn('2026-03-03');
          const r = await refreshMembership(store.engine, SHOP, { customerIds: several, asOf: at, strategy });
          expect(r).toMatchObject({ mode: 'customers', strategy });
          expect(r.exited).toBeGreaterThanOrEqual(2);
          const d = await idOf(store, '+84900000004');
          expect(await openMembers(store, noOrders)).toEqual([d]);
          expect(await openMembers(store, (await getSegment(store, SHOP, 'q3')).segmentId)).toEqual([a]);
          const stays = await membershipHistory(store.engine, SHOP, { segmentId: noOrders, customerId: c });
          expect(stays.map((s) => [s.enteredAt, s.exitedAt])).toEqual([[vn('2026-03-01'), at]]);
          expect(await refreshMembership(store.engine, SHOP, { asOf: at })).toMatchObject({
            entered: 0,
            exited: 0,
          });

          // One customer: B's second order.
          const one = await load(store, { orders: [order('p5', '+84900000002', vn('2026-03-04'))] });
          expect(one).toEqual([b]);
          const later = vn('2026-03-05');
          await refreshMembership(store.engine, SHOP, { customerIds: one, asOf: later, strategy });
          expect(await refreshMembership(store.engine, SHOP, { asOf: later })).toMatchObject({
            entered: 0,
            exited: 0,
          });
          await store.close();
        }
      });

      it('saves a built-in segment for every group, matching the stored groups', async () => {
        const store = await engine.open(new TestClock(AS_OF.getTime()));
        const [shop] = fc.sample(shopArb, { numRuns: 1, seed: 7 });
        await loadShop(store, shop!);
        await recomputeScores(store.engine, SHOP, AS_OF, resolveAnalyticsConfig({}));
        const segments = await listSegments(store, SHOP);
        expect(segments.filter((s) => s.builtin).map((s) => s.name)).toEqual(
          expect.arrayContaining(BUILTIN_SEGMENTS.map((b) => b.name)),
        );
        await refreshMembership(store.engine, SHOP, { asOf: AS_OF });
        const stats = await store.engine.all<{ customer_id: string; lifecycle: string; rfm_group: string }>(
          'SELECT customer_id, lifecycle, rfm_group FROM customer_stats WHERE shop_id = $1',
          [SHOP],
        );
        for (const stage of ['new', 'churned', 'prospect'])
          expect(
            await openMembers(store, (await getSegment(store, SHOP, `lifecycle:${stage}`)).segmentId),
          ).toEqual(
            stats
              .filter((s) => s.lifecycle === stage)
              .map((s) => s.customer_id)
              .sort(),
          );
        const rfm = await getSegment(store, SHOP, 'rfm:prospects');
        expect(rfm.members).toBe(stats.filter((s) => s.rfm_group === 'prospects').length);
        await expect(updateSegment(store, SHOP, 'rfm:prospects', { query: 'aov > 1' })).rejects.toMatchObject(
          { code: 'conflict' },
        );
        await store.close();
      });

      it('a per-customer refresh reads what a segment added since the last one needs', async () => {
        // PostgreSQL starts reading with the parts the shop's segments read last time; a new
        // segment that reads events must make it read them.
        const store = await engine.open(new TestClock(vn('2026-02-01').getTime()));
        await load(store, { orders: [order('o1', '+84900000001', vn('2026-01-20'))] });
        const id = await idOf(store, '+84900000001');
        await createSegment(store, SHOP, { name: 'Đã mua', query: 'number_of_orders >= 1' });
        const refresh = () =>
          refreshMembership(store.engine, SHOP, { customerIds: [id], asOf: vn('2026-02-03') });
        expect(await refresh()).toMatchObject({ strategy: 'memory', entered: 0 });
        const { segment } = await createSegment(store, SHOP, {
          name: 'Xem máy in',
          query: "performed('Product Viewed', within: 7d)",
        });
        expect(await openMembers(store, segment.segmentId)).toEqual([]);
        await load(store, {
          events: [
            {
              event: 'Product Viewed',
              timestamp: vn('2026-02-02'),
              properties: { sku: 'PRN-01' },
              phone: '+84900000001',
            },
          ],
        });
        expect(await refresh()).toMatchObject({ entered: 1, exited: 0 });
        expect(await openMembers(store, segment.segmentId)).toEqual([id]);
        await store.close();
      });

      it('refreshes more customers than go inline in memory (their ids staged in a table)', async () => {
        const store = await engine.open(new TestClock(vn('2026-02-01').getTime()));
        await store.ensureShop({ shopId: SHOP, timezone: TZ });
        const { segment } = await createSegment(store, SHOP, {
          name: 'Đã mua',
          query: 'number_of_orders >= 1',
        });
        const phones = Array.from({ length: 250 }, (_, i) => `+8490${String(i).padStart(7, '0')}`);
        const ids = await load(store, { orders: phones.map((p, i) => order(`m${i}`, p, vn('2026-01-20'))) });
        expect(ids).toHaveLength(250);
        const r = await refreshMembership(store.engine, SHOP, {
          customerIds: ids,
          asOf: vn('2026-02-02'),
          strategy: 'memory',
        });
        expect(r).toMatchObject({ strategy: 'memory', entered: 250, exited: 0 });
        expect(await openMembers(store, segment.segmentId)).toHaveLength(250);
        await store.close();
      });

      it('re-evaluates on update, and forgets history on delete', async () => {
        const store = await engine.open(new TestClock(vn('2026-02-01').getTime()));
        await load(store, {
          customers: [
            customer('+84900000001', { city: 'Hà Nội' }),
            customer('+84900000002', { city: 'Đà Nẵng' }),
          ],
        });
        const hn = await idOf(store, '+84900000001');
        const dn = await idOf(store, '+84900000002');
        const { segment } = await createSegment(store, SHOP, { name: 'Miền Bắc', query: "city = 'Hà Nội'" });
        expect(await openMembers(store, segment.segmentId)).toEqual([hn]);
        const { refresh } = await updateSegment(
          store,
          SHOP,
          'miền bắc',
          { query: "city = 'Đà Nẵng'", rename: 'Miền Trung' },
          { asOf: vn('2026-02-02') },
        );
        expect(refresh).toMatchObject({ entered: 1, exited: 1 });
        expect(await openMembers(store, segment.segmentId)).toEqual([dn]);
        expect((await membershipHistory(store.engine, SHOP, { customerId: hn }))[0]?.exitedAt).toEqual(
          vn('2026-02-02'),
        );
        await deleteSegment(store, SHOP, 'Miền Trung');
        expect(await membershipHistory(store.engine, SHOP, { segmentId: segment.segmentId })).toEqual([]);
        await expect(getSegment(store, SHOP, 'Miền Trung')).rejects.toMatchObject({ code: 'not_found' });
        await store.close();
      });

      it('takes customers merged into another out of their segments', async () => {
        const store = await engine.open(new TestClock(vn('2026-02-01').getTime()));
        await load(store, {
          customers: [
            customer('+84900000001'),
            customer('+84900000002', { externalId: 'x2', email: 'lan@example.vn' }),
          ],
        });
        const { segment } = await createSegment(store, SHOP, {
          name: 'Tất cả',
          query: 'number_of_orders >= 0',
        });
        expect(segment.members).toBe(2);
        // A record with the first phone and the second e-mail makes one customer of the two.
        await load(store, { customers: [customer('+84900000001', { email: 'lan@example.vn' })] });
        expect((await store.listCustomerIds(SHOP)).length).toBe(1);
        expect(await refreshMembership(store.engine, SHOP, { asOf: vn('2026-02-02') })).toMatchObject({
          exited: 1,
        });
        expect(await openMembers(store, segment.segmentId)).toEqual(await store.listCustomerIds(SHOP));
        await store.close();
      });
    },
  );
}
