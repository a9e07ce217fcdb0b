/**
 * The set-based order pass (`appendOrderEntriesSql`, chosen for imports and replays) against the
 * reference planner (`planOrderEntries`, chosen for a few customers): the same generated shop,
 * with orders in every state and moving between them over three passes (a multiplier changed in
 * between, partial refunds growing, an approve-on-payment programme), must end with the same
 * ledger, the same members and the same tier events on each path, on both engines.
 */
import { describe, expect, it } from 'vitest';
import { applyOrderPoints, type OrderPassMode } from '../../src/app/loyalty/earn.js';
import { setProgram } from '../../src/app/loyalty/program.js';
import { ORDER_STATUSES, type OrderStatus } from '../../src/domain/model/enums.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, type EngineUnderTest, TestClock } from '../support/engines.js';
import { customer, DAY, type LoyalShop, type OrderSpec, openShop, order, program, SHOP } from './support.js';

const start = Date.parse('2027-03-01T03:00:00Z');

/** Deterministic numbers, so both shops get the same orders. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

const phone = (i: number) => `+849000${String(i).padStart(5, '0')}`;

/**
 * Orders of 30 customers, every status, some partly or wholly refunded; `round` moves them on
 * and brings 20 new orders each (earned under the multipliers set after the first round), half
 * of them from new customers, who have no tier yet.
 */
function orders(round: number): OrderSpec[] {
  const r = rng(7);
  const out: OrderSpec[] = [];
  for (let i = 0; i < 160; i++) {
    const total = 100_000 + Math.floor(r() * 60) * 37_000;
    const first = ORDER_STATUSES[Math.floor(r() * ORDER_STATUSES.length)]!;
    const later = ORDER_STATUSES[Math.floor(r() * ORDER_STATUSES.length)]!;
    const status: OrderStatus = round === 0 ? (i % 3 === 0 ? 'pending' : first) : i % 2 ? later : first;
    const refundShare = r();
    const refunded =
      status === 'delivered' || status === 'paid'
        ? refundShare < 0.2
          ? Math.floor((total * round) / 5)
          : refundShare < 0.25 && round > 0
            ? total
            : 0
        : 0;
    if (i >= 120 + 20 * round) continue;
    out.push({
      id: `o${i}`,
      phone: phone(Math.floor(r() * r() * 30) + (i % 2 && i >= 120 ? 30 : 0)),
      at: new Date(start - Math.floor(r() * 400) * DAY),
      total,
      shipping: i % 4 === 0 ? 30_000 : 0,
      status,
      refunded,
    });
  }
  return out;
}

/** Writes the orders as an import does, without the after-orders pass (the test runs it). */
async function importOrders(shop: LoyalShop, round: number): Promise<void> {
  const specs = orders(round);
  const phones = [...new Set(specs.map((s) => s.phone))];
  await shop.store.transaction((tx) =>
    tx.importBatch(
      SHOP,
      { customers: phones.map((p) => customer(p)), orders: specs.map(order), events: [] },
      shop.ctx.newId('imp'),
      shop.ctx.clock.now(),
    ),
  );
}

/** The shop's ledger, members and tier events with generated ids replaced by phones and order numbers. */
async function snapshot(store: Store) {
  const names = new Map<string, string>();
  for (const c of await store.engine.all<{ customer_id: string; phone: string }>(
    'SELECT customer_id, phone FROM customers WHERE shop_id = $1',
    [SHOP],
  ))
    names.set(c.customer_id, c.phone);
  for (const o of await store.engine.all<{ order_id: string; external_id: string }>(
    'SELECT order_id, external_id FROM orders WHERE shop_id = $1',
    [SHOP],
  ))
    names.set(o.order_id, `#${o.external_id}`);
  const plain = (s: string | null) =>
    s === null ? null : s.replace(/(cus|ord)_[A-Za-z0-9]+/g, (id) => names.get(id) ?? id);
  const entries = await store.engine.all<Record<string, unknown>>(
    `SELECT customer_id, source_key, kind, points, pending, reason, rule_id, program_version, rate,
       CAST(base AS DOUBLE PRECISION) AS base, source_type, source_id, created_at
     FROM loyalty_ledger WHERE shop_id = $1`,
    [SHOP],
  );
  const ledger = entries
    .map((e) => ({
      ...e,
      kind: String(e['kind']),
      reason: String(e['reason']),
      customer_id: plain(String(e['customer_id'])),
      source_key: plain(String(e['source_key'])),
      source_id: plain(e['source_id'] === null ? null : String(e['source_id'])),
      points: Number(e['points']),
      pending: Number(e['pending']),
      program_version: e['program_version'] === null ? null : Number(e['program_version']),
      rate: e['rate'] === null ? null : Number(e['rate']),
      base: e['base'] === null ? null : Number(e['base']),
      created_at: new Date(String(e['created_at'])).toISOString(),
    }))
    .sort((a, b) => String(a.source_key).localeCompare(String(b.source_key)));
  const members = (
    await store.engine.all<{ customer_id: string; tier_id: string; qualifying: number }>(
      'SELECT customer_id, tier_id, qualifying FROM loyalty_members WHERE shop_id = $1',
      [SHOP],
    )
  )
    .map((m) => `${plain(m.customer_id)} ${m.tier_id} ${Number(m.qualifying)}`)
    .sort();
  const events = (
    await store.engine.all<{ customer_id: string; properties: string }>(
      "SELECT customer_id, properties FROM events WHERE shop_id = $1 AND name = 'Tier Changed'",
      [SHOP],
    )
  )
    .map((e) => `${plain(e.customer_id)} ${e.properties}`)
    .sort();
  return { ledger, members, events };
}

/** Three passes over the moving orders, every pass through `mode`. */
async function replay(engine: EngineUnderTest, mode: OrderPassMode, approveOn: 'delivered' | 'paid') {
  const clock = new TestClock(start);
  const shop = await openShop(
    engine,
    clock,
    program({ settings: { approveOn, expiryDays: 365, reminderDays: 30 } }),
  );
  try {
    const counts: number[] = [];
    for (let round = 0; round < 3; round++) {
      if (round === 1)
        await setProgram(shop.ctx, {
          shopId: SHOP,
          program: program({
            settings: { approveOn, expiryDays: 365, reminderDays: 30 },
            multipliers: [
              { tier: 'silver', factor: 1.5, rules: ['spend'] },
              { factor: 3, rules: ['spend'] },
            ],
          }),
        });
      await importOrders(shop, round);
      counts.push((await applyOrderPoints(shop.ctx, SHOP, undefined, shop.store, undefined, mode)).planned);
      clock.advance(DAY);
    }
    // A pass with nothing new appends nothing.
    const before = (await snapshot(shop.store)).ledger.length;
    await applyOrderPoints(shop.ctx, SHOP, undefined, shop.store, undefined, mode);
    expect((await snapshot(shop.store)).ledger.length).toBe(before);
    return { counts, ...(await snapshot(shop.store)) };
  } finally {
    await shop.store.close();
  }
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    for (const approveOn of ['delivered', 'paid'] as const)
      it(`the SQL order pass writes the planner's ledger (approve on ${approveOn})`, async () => {
        const js = await replay(engine, 'js', approveOn);
        const sql = await replay(engine, 'sql', approveOn);
        const kinds = new Set(js.ledger.map((e) => `${e['kind']}:${e['reason']}`));
        // Every kind of order entry is exercised.
        for (const k of ['earn:order_placed', 'reverse:partial_refund', 'reverse:order_failed_delivery'])
          expect(kinds).toContain(k);
        expect(kinds).toContain(approveOn === 'paid' ? 'approve:order_paid' : 'approve:order_delivered');
        expect(js.ledger.length).toBeGreaterThan(100);
        // Earned at the base rate, at the multiplied rates (silver 1.5 × 3, others 3) after the change.
        const rates = new Set(
          js.ledger.filter((e) => e.kind === 'earn' && e.rate !== null).map((e) => e.rate),
        );
        expect([...rates].sort()).toEqual([0.0001, 0.00030000000000000003, 0.00045000000000000004].sort());
        expect(sql.ledger).toEqual(js.ledger);
        expect(sql.members).toEqual(js.members);
        expect(sql.events).toEqual(js.events);
        expect(sql.counts).toEqual(js.counts);
      });
  });
