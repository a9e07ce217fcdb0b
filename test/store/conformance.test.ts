import { describe, expect, it } from 'vitest';
import type { CustomerInput, EventInput, OrderInput } from '../../src/domain/model/index.js';
import { type OrderColumns, orderColumnsOf } from '../../src/domain/order-columns.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

const SHOP = 'shop1';
const T0 = Date.UTC(2026, 0, 1);

function customer(over: Partial<CustomerInput> = {}): CustomerInput {
  return { source: 'shopify', consent: {}, tags: [], attributes: {}, ...over };
}

function order(externalId: string, over: Partial<OrderInput> = {}): OrderInput {
  return {
    source: 'shopify',
    externalId,
    name: `#${externalId}`,
    customer: { email: 'lan@example.vn' },
    status: 'paid',
    currency: 'VND',
    subtotal: '500000',
    shipping: '30000',
    taxes: '0',
    discount: '0',
    total: '530000',
    refunded: '0',
    createdAt: new Date(T0),
    tags: [],
    lines: [{ sku: 'PRN-01', title: 'Máy in Canon LBP 2900', quantity: 1, price: '500000' }],
    ...over,
  };
}

function event(over: Partial<EventInput> = {}): EventInput {
  return { event: 'Product Viewed', timestamp: new Date(T0), properties: { sku: 'PRN-01' }, ...over };
}

async function load(
  store: Store,
  batch: { customers?: CustomerInput[]; orders?: OrderInput[] | OrderColumns; events?: EventInput[] },
) {
  await store.ensureShop({ shopId: SHOP });
  const now = new Date(store.ids.now());
  return store.transaction(async (tx) => {
    const r = await tx.importBatch(
      SHOP,
      { customers: batch.customers ?? [], orders: batch.orders ?? [], events: batch.events ?? [] },
      'imp_test',
      now,
    );
    await tx.resolveReferrals(SHOP, r.referrals);
    return r;
  });
}

type Batch = { customers?: CustomerInput[]; orders?: OrderInput[]; events?: EventInput[] };

/** Writes `batches` as the batches of one import (one session, one transaction). */
async function importInBatches(store: Store, batches: readonly Batch[]) {
  await store.ensureShop({ shopId: SHOP });
  const now = new Date(store.ids.now());
  return store.transaction(async (tx) => {
    const session = await tx.beginImport(SHOP);
    const results = [];
    for (const b of batches)
      results.push(
        await tx.importBatch(
          SHOP,
          { customers: b.customers ?? [], orders: b.orders ?? [], events: b.events ?? [] },
          'imp_batches',
          now,
          session,
        ),
      );
    return results;
  });
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `store conformance on ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      const open = () => engine.open(new TestClock(T0));

      it('migrates on open and records the schema version', async () => {
        const store = await open();
        const rows = await store.engine.all<{ version: number }>('SELECT version FROM schema_migrations');
        expect(rows.map((r) => r.version).sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
        // Opening again applies nothing twice.
        expect(await migrate(store.engine)).toEqual([]);
        await store.close();
      });

      it('creates a shop once with VND and Asia/Ho_Chi_Minh defaults', async () => {
        const store = await open();
        const a = await store.ensureShop({ shopId: SHOP, name: 'Cửa hàng Hoa Mai' });
        const b = await store.ensureShop({ shopId: SHOP, name: 'other name' });
        expect(a).toEqual({
          shopId: SHOP,
          name: 'Cửa hàng Hoa Mai',
          currency: 'VND',
          timezone: 'Asia/Ho_Chi_Minh',
        });
        expect(b).toEqual(a);
        await expect(store.requireShop('nope')).rejects.toMatchObject({ code: 'not_found' });
        await store.close();
      });

      it('makes one customer of records that share a phone across sources and records the merge', async () => {
        const store = await open();
        await load(store, {
          customers: [
            customer({
              externalId: '1001',
              firstName: 'Hồng',
              lastName: 'Nguyễn Thị',
              phone: '+84912345678',
            }),
            customer({
              source: 'haravan',
              externalId: 'H-77',
              phone: '+84912345678',
              email: 'hong@example.vn',
            }),
          ],
        });
        const ids = await store.listCustomerIds(SHOP);
        expect(ids).toHaveLength(1);
        const c = await store.getCustomer(SHOP, ids[0]!);
        expect(c?.firstName).toBe('Hồng');
        expect(c?.lastName).toBe('Nguyễn Thị');
        expect(c?.email).toBe('hong@example.vn');
        expect(c?.identities).toEqual([
          { kind: 'email', value: 'hong@example.vn' },
          { kind: 'external:haravan', value: 'H-77' },
          { kind: 'external:shopify', value: '1001' },
          { kind: 'phone', value: '+84912345678' },
        ]);
        const merges = await store.listMerges(SHOP);
        expect(merges).toHaveLength(1);
        expect(merges[0]).toMatchObject({
          matchedKind: 'phone',
          matchedValue: '+84912345678',
          survivorId: ids[0],
        });
        await store.close();
      });

      it('absorbs an existing customer when a later record links two known customers', async () => {
        const store = await open();
        await load(store, { orders: [order('A1', { customer: { phone: '+84912000001' } })] });
        await load(store, { orders: [order('A2', { customer: { email: 'minh@example.vn' } })] });
        expect(await store.listCustomerIds(SHOP)).toHaveLength(2);
        const [older] = await store.listCustomerIds(SHOP);
        const r = await load(store, {
          customers: [
            customer({ externalId: '55', phone: '+84912000001', email: 'minh@example.vn', tags: ['vip'] }),
          ],
        });
        expect(r.merged).toBeGreaterThanOrEqual(1);
        const live = await store.listCustomerIds(SHOP);
        expect(live).toEqual([older]);
        const orders = await store.listOrders(SHOP);
        expect(new Set(orders.map((o) => o.customerId))).toEqual(new Set([older]));
        const all = await store.listCustomerIds(SHOP, { includeMerged: true });
        const loser = all.find((id) => id !== older)!;
        expect((await store.getCustomer(SHOP, loser))?.mergedInto).toBe(older);
        const merges = await store.listMerges(SHOP);
        expect(merges.some((m) => m.mergedCustomerId === loser && m.survivorId === older)).toBe(true);
        await store.close();
      });

      it('does not record a merge when a known customer comes back under its own keys', async () => {
        const store = await open();
        const c = customer({ externalId: '1001', phone: '+84912345678', email: 'a@example.vn' });
        await load(store, { customers: [c] });
        await load(store, { customers: [c], orders: [order('X1', { customer: { email: 'a@example.vn' } })] });
        expect(await store.listMerges(SHOP)).toEqual([]);
        expect(await store.listCustomerIds(SHOP)).toHaveLength(1);
        await store.close();
      });

      it('upserts orders by source and external id: a re-import changes nothing', async () => {
        const store = await open();
        const batch = {
          customers: [customer({ externalId: '1', email: 'lan@example.vn', tags: ['vip', 'hn'] })],
          orders: [order('1001'), order('1002', { status: 'failed_delivery', total: '250000' })],
          events: [event({ email: 'lan@example.vn' }), event({ anonymousId: 'anon-1', messageId: 'm-1' })],
        };
        await load(store, batch);
        const before = await store.snapshot(SHOP);
        const again = await load(store, batch);
        expect(again.newCustomers).toBe(0);
        expect(await store.snapshot(SHOP)).toEqual(before);
        expect(before['orders']).toHaveLength(2);
        expect(before['order_lines']).toHaveLength(2);
        expect(before['events']).toHaveLength(2);
        await store.close();
      });

      it('replaces the lines of an order that changed and keeps money exact', async () => {
        const store = await open();
        await load(store, { orders: [order('9', { total: '0.10' })] });
        await load(store, {
          orders: [
            order('9', {
              total: '0.20',
              refunded: '0.05',
              lines: [
                { sku: 'PAP-A4', title: 'Giấy A4 Double A', quantity: 2, price: '0.10' },
                { title: 'Quà tặng', quantity: 1, price: '0' },
              ],
            }),
          ],
        });
        const orders = await store.listOrders(SHOP);
        expect(orders).toHaveLength(1);
        expect(orders[0]).toMatchObject({ total: 0.2, refunded: 0.05, lines: 2 });
        const [sum] = await store.engine.all<{ s: string }>(
          "SELECT CAST(SUM(total) + CAST('0.10' AS DECIMAL(18,2)) AS VARCHAR) AS s FROM orders WHERE shop_id = $1",
          [SHOP],
        );
        expect(sum?.s).toMatch(/^0\.30*$/);
        await store.close();
      });

      it('writes orders given as columns (from a parse worker) exactly as orders given as objects', async () => {
        const orders = [
          order('c1', {
            customer: { email: 'mai@example.vn', phone: '+84912000001', firstName: 'Mai', city: 'Huế' },
            paidAt: new Date(T0 + 1000),
            tags: ['vip', 'tết'],
            couponCode: 'TET',
            paymentMethod: 'cod',
            lines: [
              { sku: 'A', title: 'Cà phê, "rang xay"', category: 'coffee', quantity: 2, price: '120000.50' },
              { title: 'Quà', quantity: 1, price: '0' },
            ],
          }),
          order('c2', {
            customer: { phone: '+84912000001' },
            cancelledAt: new Date(T0 + 2000),
            status: 'cancelled',
          }),
          order('c3', { customer: { email: 'new@example.vn' }, lines: [] }),
        ];
        const changed = [order('c1', { total: '1', customer: { email: 'mai@example.vn' } }), order('c4')];
        const snapshots = [];
        for (const asColumns of [false, true]) {
          const store = await engine.open(new TestClock(T0, 3));
          const shape = (o: OrderInput[]) => (asColumns ? orderColumnsOf(o) : o);
          await load(store, { orders: shape(orders) });
          // A second import finds known orders and customers: the update path reads columns too.
          await load(store, { orders: shape(changed) });
          snapshots.push(await store.snapshot(SHOP));
          await store.close();
        }
        expect(snapshots[0]!['orders']).toHaveLength(4);
        expect(snapshots[1]).toEqual(snapshots[0]);
      });

      it('keeps events idempotent, resolves known users and turns survey answers into feedback', async () => {
        const store = await open();
        await load(store, { customers: [customer({ externalId: 'C9', email: 'thu@example.vn' })] });
        const events = [
          event({ userId: 'C9', event: 'Product Added' }),
          event({ userId: 'unknown-user' }),
          event({ email: 'thu@example.vn', event: 'Survey Answered', properties: { kind: 'nps', score: 9 } }),
        ];
        await load(store, { events });
        await load(store, { events });
        const snap = await store.snapshot(SHOP);
        expect(snap['events']).toHaveLength(3);
        const [c] = await store.listCustomerIds(SHOP);
        const byName = Object.fromEntries(snap['events']!.map((e) => [e['name'] as string, e]));
        expect(byName['Product Added']?.['customer_id']).toBe(c);
        expect(byName['Product Viewed']?.['customer_id']).toBeNull();
        expect(byName['Product Viewed']?.['anonymous_id']).toBe('unknown-user');
        expect(snap['feedback']).toHaveLength(1);
        expect(snap['feedback']![0]).toMatchObject({ customer_id: c, kind: 'nps', score: 9 });
        await store.close();
      });

      it('writes each survey answer of a batch once, however often the batch repeats it', async () => {
        const store = await open();
        await load(store, { customers: [customer({ externalId: 'C9', email: 'thu@example.vn' })] });
        const answer = (score: number, day: string) =>
          event({
            email: 'thu@example.vn',
            event: 'Survey Answered',
            timestamp: new Date(`${day}T09:00:00Z`),
            properties: { kind: 'rating', score },
          });
        await load(store, {
          events: [answer(4, '2026-03-01'), answer(4, '2026-03-01'), answer(5, '2026-03-02')],
        });
        await load(store, { events: [answer(5, '2026-03-02')] });
        const snap = await store.snapshot(SHOP);
        expect(snap['events']).toHaveLength(2);
        const scores = snap['feedback']!.map((f) => Number(f['score'])).sort();
        expect(scores).toEqual([4, 5]);
        await store.close();
      });

      it('resolves referrals to the referrer, also when the referrer comes later in the file', async () => {
        const store = await open();
        await load(store, {
          customers: [
            customer({ externalId: '2', email: 'b@example.vn', referredBy: '1' }),
            customer({ externalId: '1', email: 'a@example.vn' }),
          ],
        });
        const a = await store.findCustomerByKey(SHOP, 'external:shopify', '1');
        const b = await store.findCustomerByKey(SHOP, 'external:shopify', '2');
        expect(b?.referredBy).toBe(a?.customerId);
        expect(a?.referredBy).toBeNull();
        await store.close();
      });

      it('matches and merges across the batches of one import into an empty shop', async () => {
        const store = await open();
        await store.ensureShop({ shopId: SHOP });
        const now = new Date(T0);
        const results = await store.transaction(async (tx) => {
          const session = await tx.beginImport(SHOP);
          const run = (b: { customers?: CustomerInput[]; orders?: OrderInput[]; events?: EventInput[] }) =>
            tx.importBatch(
              SHOP,
              { customers: b.customers ?? [], orders: b.orders ?? [], events: b.events ?? [] },
              'imp_s',
              now,
              session,
            );
          return [
            await run({ orders: [order('S1', { customer: { phone: '+84912000001' } })] }),
            await run({ orders: [order('S2', { customer: { email: 'x@example.vn' } })] }),
            await run({
              orders: [order('S3', { customer: { phone: '+84912000001', email: 'x@example.vn' } })],
            }),
            await run({ events: [event({ email: 'x@example.vn' }), event({ userId: 'C1' })] }),
            await run({ customers: [customer({ externalId: 'C1', phone: '+84912000001' })] }),
          ];
        });
        expect(results.map((r) => r.newCustomers)).toEqual([1, 1, 0, 0, 0]);
        expect(results[2]?.merged).toBe(1);
        const live = await store.listCustomerIds(SHOP);
        expect(live).toHaveLength(1);
        const orders = await store.listOrders(SHOP);
        expect(orders.map((o) => o.customerId)).toEqual([live[0], live[0], live[0]]);
        const events = (await store.snapshot(SHOP))['events']!;
        expect(events.filter((e) => e['customer_id'] === live[0])).toHaveLength(1);
        await store.close();
      });

      it('refuses an order named twice in one batch, and writes nothing', async () => {
        const store = await open();
        await expect(load(store, { orders: [order('D1'), order('D1', { total: '1' })] })).rejects.toThrow(
          /order D1 \(shopify\) appears twice/,
        );
        await load(store, { orders: [order('D2')] });
        // Into a shop that has orders, where the batch's keys are looked up, too.
        await expect(load(store, { orders: [order('D2'), order('D2')] })).rejects.toThrow(/appears twice/);
        expect((await store.listOrders(SHOP)).map((o) => o.externalId)).toEqual(['D2']);
        expect((await store.snapshot(SHOP))['order_lines']).toHaveLength(1);
        await store.close();
      });

      it('upserts an order repeated in a later batch of one import into an empty shop', async () => {
        const store = await open();
        const batches: Batch[] = [
          { orders: [order('R1'), order('R2')] },
          { orders: [order('R3')] },
          {
            orders: [
              order('R1', {
                total: '610000',
                lines: [
                  { sku: 'PAP-A4', title: 'Giấy A4 Double A', quantity: 2, price: '80000' },
                  { sku: 'PRN-01', title: 'Máy in Canon LBP 2900', quantity: 1, price: '450000' },
                ],
              }),
            ],
          },
        ];
        const results = await importInBatches(store, batches);
        expect(results.map((r) => r.orders)).toEqual([2, 1, 1]);
        const orders = await store.listOrders(SHOP);
        expect(orders.map((o) => [o.externalId, o.total, o.lines])).toEqual([
          ['R1', 610000, 2],
          ['R2', 530000, 1],
          ['R3', 530000, 1],
        ]);
        expect((await store.snapshot(SHOP))['order_lines']).toHaveLength(4);
        // The same file again changes nothing.
        const before = await store.snapshot(SHOP);
        await importInBatches(store, batches);
        expect(await store.snapshot(SHOP)).toEqual(before);
        await store.close();
      });

      it("fills a buyer's empty fields from later batches of one import as separate imports would", async () => {
        const phone = '+84912000009';
        const batches: Batch[] = [
          { orders: [order('F1', { customer: { phone }, createdAt: new Date(T0 + 86_400_000) })] },
          { orders: [order('F2', { customer: { phone, email: 'f@example.vn', city: 'Hà Nội' } })] },
          // Nothing new: the buyer is written once more by neither path.
          {
            orders: [order('F3', { customer: { phone, city: 'Huế' }, createdAt: new Date(T0 + 3_600_000) })],
          },
          { orders: [order('F4', { customer: { phone, firstName: 'Lan' } })] },
        ];
        const inOne = await open();
        await importInBatches(inOne, batches);
        const separate = await open();
        for (const b of batches) await load(separate, b);
        const buyer = async (store: Store) => {
          const c = await store.findCustomerByKey(SHOP, 'phone', phone);
          return c && { ...c, customerId: undefined };
        };
        const got = await buyer(inOne);
        expect(got).toMatchObject({ email: 'f@example.vn', city: 'Hà Nội', firstName: 'Lan' });
        expect(got?.createdAt.getTime()).toBe(T0);
        expect(got).toEqual(await buyer(separate));
        await inOne.close();
        await separate.close();
      });

      it('rolls a failed transaction back completely', async () => {
        const store = await open();
        await store.ensureShop({ shopId: SHOP });
        await expect(
          store.transaction(async (tx) => {
            await tx.importBatch(
              SHOP,
              { customers: [], orders: [order('R1')], events: [] },
              'imp_x',
              new Date(T0),
            );
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.listOrders(SHOP)).toEqual([]);
        expect(await store.listCustomerIds(SHOP)).toEqual([]);
        await store.close();
      });

      it('stores catalog products and marketing costs, and summarises the shop', async () => {
        const store = await open();
        await load(store, {
          orders: [
            order('1'),
            order('2', { status: 'returned', refunded: '530000' }),
            order('3', { refunded: '30000' }),
          ],
        });
        await store.upsertProducts(SHOP, [
          {
            sku: 'PAP-A4',
            title: 'Giấy A4',
            category: 'paper',
            price: '65000',
            consumable: true,
            reorderCycleDays: 15,
          },
        ]);
        await store.upsertProducts(SHOP, [
          {
            sku: 'PAP-A4',
            title: 'Giấy A4 Double A',
            category: 'paper',
            price: '68000',
            consumable: true,
            reorderCycleDays: 15,
          },
        ]);
        await store.upsertMarketingCosts(SHOP, [
          { channel: 'facebook', month: '2026-01', amount: '1500000' },
        ]);
        const products = await store.listProducts(SHOP);
        expect(products.find((p) => p.sku === 'PAP-A4')).toEqual({
          sku: 'PAP-A4',
          title: 'Giấy A4 Double A',
          category: 'paper',
          price: '68000',
          consumable: true,
          reorderCycleDays: 15,
        });
        expect(products.find((p) => p.sku === 'PRN-01')?.consumable).toBe(false);
        const s = await store.summary(SHOP);
        expect(s).toMatchObject({ customers: 1, buyers: 1, orders: 3, orderLines: 3, products: 2 });
        // Returned orders are not revenue; partial refunds are netted.
        expect(s.revenue).toBe(530000 + 500000);
        expect(s.ordersByStatus).toEqual({ paid: 2, returned: 1 });
        await store.close();
      });
    },
  );
}

const engineSkipped = ENGINES.find((e) => e.skipped)?.skipped;
describe.skipIf(engineSkipped)(`engines agree${skipNote(engineSkipped)}`, () => {
  it('the same batch gives the same rows on DuckDB and PostgreSQL', async () => {
    const snaps = [];
    for (const engine of ENGINES) {
      const store = await engine.open(new TestClock(T0, 7));
      await load(store, {
        customers: [customer({ externalId: '1', phone: '+84912345678', tags: ['vip'] })],
        orders: [
          order('1', { customer: { phone: '+84912345678' } }),
          order('2', { customer: { email: 'z@example.vn' } }),
        ],
        events: [event({ phone: '+84912345678' })],
      });
      snaps.push(await store.snapshot(SHOP));
      await store.close();
    }
    expect(snaps[1]).toEqual(snaps[0]);
  });
});
