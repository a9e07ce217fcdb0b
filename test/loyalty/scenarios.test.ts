/**
 * The loyalty acceptance scenarios on both engines, in test time: a COD order's points pending,
 * approved on delivery, reversed on a failed delivery, cut pro rata on a partial refund at the
 * rate they were earned at after the rule changed; a re-delivered order earns nothing twice;
 * expiry with its reminder; tiers up and down with their events.
 */
import { describe, expect, it } from 'vitest';
import { createFlow } from '../../src/app/flows/definitions.js';
import { runDueFlows } from '../../src/app/flows/run-due.js';
import { runLoyaltyDaily } from '../../src/app/loyalty/events.js';
import { showPoints } from '../../src/app/loyalty/points.js';
import { setProgram } from '../../src/app/loyalty/program.js';
import { DEFAULT_PROGRAM } from '../../src/domain/loyalty/program.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { arrive, customer, DAY, eventsNamed, idOf, ledger, openShop, program, SHOP } from './support.js';

const LAN = '+84912345678';
const start = Date.parse('2027-03-01T03:00:00Z');

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('a COD order: pending, approved on delivery; another reversed on failed delivery; nothing twice', async () => {
      const clock = new TestClock(start);
      const { store, ctx } = await openShop(engine, clock);
      await arrive(ctx, { customers: [customer(LAN)] });
      const lan = await idOf(ctx, LAN);
      // 530.000 ₫ with 30.000 ₫ shipping: 50 points at 1 per 10.000 ₫, pending.
      await arrive(ctx, {
        orders: [{ id: '1001', phone: LAN, at: new Date(start), total: 530_000, shipping: 30_000 }],
      });
      let p = await showPoints(ctx, { shopId: SHOP, customer: lan });
      expect(p.balance).toMatchObject({ points: 0, pending: 50 });
      expect(p.pendingOrders).toMatchObject([{ points: 50, why: 'awaiting_delivery' }]);
      // The same order re-delivered (a webhook retried): nothing new.
      await arrive(ctx, {
        orders: [{ id: '1001', phone: LAN, at: new Date(start), total: 530_000, shipping: 30_000 }],
      });
      expect(await ledger(store, lan)).toHaveLength(1);

      clock.advance(3 * DAY);
      await arrive(ctx, {
        orders: [
          {
            id: '1001',
            phone: LAN,
            at: new Date(start),
            total: 530_000,
            shipping: 30_000,
            status: 'delivered',
          },
        ],
      });
      await arrive(ctx, {
        orders: [
          {
            id: '1001',
            phone: LAN,
            at: new Date(start),
            total: 530_000,
            shipping: 30_000,
            status: 'delivered',
          },
        ],
      });
      p = await showPoints(ctx, { shopId: SHOP, customer: LAN });
      expect(p.balance).toMatchObject({ points: 50, pending: 0 });

      // A second COD order refused at the door: its pending points are reversed, never spendable.
      await arrive(ctx, { orders: [{ id: '1002', phone: LAN, at: new Date(clock.now()), total: 200_000 }] });
      clock.advance(2 * DAY);
      await arrive(ctx, {
        orders: [
          {
            id: '1002',
            phone: LAN,
            at: new Date(start + 3 * DAY),
            total: 200_000,
            status: 'failed_delivery',
          },
        ],
      });
      await arrive(ctx, {
        orders: [
          {
            id: '1002',
            phone: LAN,
            at: new Date(start + 3 * DAY),
            total: 200_000,
            status: 'failed_delivery',
          },
        ],
      });
      expect(await ledger(store, lan)).toEqual([
        { kind: 'earn', points: 0, pending: 50, reason: 'order_placed' },
        { kind: 'approve', points: 50, pending: -50, reason: 'order_delivered' },
        { kind: 'earn', points: 0, pending: 20, reason: 'order_placed' },
        { kind: 'reverse', points: 0, pending: -20, reason: 'order_failed_delivery' },
      ]);
      p = await showPoints(ctx, { shopId: SHOP, customer: LAN });
      expect(p.balance).toMatchObject({ points: 50, pending: 0 });
      await store.close();
    });

    it('a partial refund cuts pro rata at the earning-time rate after the rule changed; a return takes the rest', async () => {
      const clock = new TestClock(start);
      const { store, ctx } = await openShop(engine, clock);
      await arrive(ctx, { customers: [customer(LAN)] });
      const lan = await idOf(ctx, LAN);
      await arrive(ctx, {
        orders: [{ id: '2001', phone: LAN, at: new Date(start), total: 1_000_000, status: 'delivered' }],
      });
      expect((await showPoints(ctx, { shopId: SHOP, customer: lan })).balance.points).toBe(100);

      // The rule doubles (1 point per 5.000 ₫): a new version; the order keeps its own rate.
      const doubled = program();
      doubled.rules = doubled.rules.map((r) => (r.kind === 'per_amount' ? { ...r, per: 5_000 } : r));
      const v2 = await setProgram(ctx, { shopId: SHOP, program: doubled });
      expect(v2.version).toBe(2);
      clock.advance(DAY);
      await arrive(ctx, {
        orders: [
          {
            id: '2001',
            phone: LAN,
            at: new Date(start),
            total: 1_000_000,
            status: 'delivered',
            refunded: 250_000,
          },
        ],
      });
      // 750.000 ₫ kept at the earning rate (1 per 10.000 ₫): 75 points, so 25 taken back (not 50).
      expect(await ledger(store, lan)).toEqual([
        { kind: 'earn', points: 0, pending: 100, reason: 'order_placed' },
        { kind: 'approve', points: 100, pending: -100, reason: 'order_delivered' },
        { kind: 'reverse', points: -25, pending: 0, reason: 'partial_refund' },
      ]);
      const [earn] = await store.engine.all<{ program_version: number; rule_id: string; rate: number }>(
        "SELECT program_version, rule_id, rate FROM loyalty_ledger WHERE kind = 'earn'",
      );
      expect(earn).toMatchObject({ program_version: 1, rule_id: 'spend', rate: 0.0001 });
      // A new order earns at the new rate (20), and is the second order (100 once).
      await arrive(ctx, {
        orders: [{ id: '2002', phone: LAN, at: new Date(clock.now()), total: 100_000, status: 'delivered' }],
      });
      expect((await showPoints(ctx, { shopId: SHOP, customer: lan })).balance.points).toBe(75 + 20 + 100);
      clock.advance(DAY);
      await arrive(ctx, {
        orders: [
          {
            id: '2001',
            phone: LAN,
            at: new Date(start),
            total: 1_000_000,
            status: 'returned',
            refunded: 1_000_000,
          },
        ],
      });
      // The return leaves one delivered order: the second-order bonus goes back with it.
      expect((await showPoints(ctx, { shopId: SHOP, customer: lan })).balance.points).toBe(20);
      await store.close();
    });

    it('points expire after the inactivity period, with a Points Expiring reminder before', async () => {
      const clock = new TestClock(start);
      const prog = program({ settings: { approveOn: 'delivered', expiryDays: 90, reminderDays: 14 } });
      const { store, ctx } = await openShop(engine, clock, prog);
      await arrive(ctx, { customers: [customer(LAN)] });
      const lan = await idOf(ctx, LAN);
      await arrive(ctx, {
        orders: [{ id: '3001', phone: LAN, at: new Date(start), total: 500_000, status: 'delivered' }],
      });
      clock.advance(75 * DAY);
      expect(await runLoyaltyDaily(ctx, { shopId: SHOP })).toMatchObject({ reminders: 0, expired: 0 });
      clock.advance(DAY);
      expect(await runLoyaltyDaily(ctx, { shopId: SHOP })).toMatchObject({ reminders: 1, expired: 0 });
      await runLoyaltyDaily(ctx, { shopId: SHOP });
      const reminders = await eventsNamed(store, 'Points Expiring');
      expect(reminders).toEqual([expect.objectContaining({ customerId: lan, points: 50, days: 14 })]);
      clock.advance(14 * DAY);
      expect(await runLoyaltyDaily(ctx, { shopId: SHOP })).toMatchObject({ expired: 1 });
      expect(await runLoyaltyDaily(ctx, { shopId: SHOP })).toMatchObject({ expired: 0 });
      expect((await ledger(store, lan)).at(-1)).toEqual({
        kind: 'expire',
        points: -50,
        pending: 0,
        reason: 'inactivity',
      });
      expect((await showPoints(ctx, { shopId: SHOP, customer: lan })).balance.points).toBe(0);
      await store.close();
    });

    it('tiers go up at once and down after N days below, each a Tier Changed event', async () => {
      const clock = new TestClock(start);
      const prog = program();
      prog.tiers = { ...DEFAULT_PROGRAM.tiers, downgrade: { kind: 'after_days', days: 30 } };
      const { store, ctx } = await openShop(engine, clock, prog);
      // A flow on the tier events: a staff task for whoever goes up to Gold (docs/loyalty.md).
      await createFlow(ctx, {
        shopId: SHOP,
        live: true,
        document: {
          name: 'gold-gift',
          trigger: { kind: 'event', event: 'Tier Changed', where: { to: 'gold', direction: 'up' } },
          entry: { policy: 'every', key: 'occurrence' },
          steps: [{ kind: 'task', id: 'gift', title: 'Quà và thiệp viết tay', dueIn: '3d' }],
        },
      });
      await arrive(ctx, { customers: [customer(LAN)] });
      const lan = await idOf(ctx, LAN);
      await arrive(ctx, {
        orders: [{ id: '4001', phone: LAN, at: new Date(start), total: 3_500_000, status: 'delivered' }],
      });
      let p = await showPoints(ctx, { shopId: SHOP, customer: lan });
      expect(p.tier.id).toBe('silver');
      expect(p.next).toMatchObject({ tier: { id: 'gold' }, missing: 6_500_000 });
      // 50 entry points for Silver beside the order's 350.
      expect(p.balance.points).toBe(350 + 50);
      clock.advance(10 * DAY);
      await arrive(ctx, {
        orders: [
          { id: '4002', phone: LAN, at: new Date(clock.now()), total: 7_000_000, status: 'delivered' },
        ],
      });
      expect((await showPoints(ctx, { shopId: SHOP, customer: lan })).tier.id).toBe('gold');
      // The big order comes back: below Gold, but the downgrade waits 30 days.
      clock.advance(DAY);
      await arrive(ctx, {
        orders: [
          {
            id: '4002',
            phone: LAN,
            at: new Date(start + 10 * DAY),
            total: 7_000_000,
            status: 'returned',
            refunded: 7_000_000,
          },
        ],
      });
      expect((await showPoints(ctx, { shopId: SHOP, customer: lan })).tier.id).toBe('gold');
      clock.advance(29 * DAY);
      await runLoyaltyDaily(ctx, { shopId: SHOP });
      expect((await showPoints(ctx, { shopId: SHOP, customer: lan })).tier.id).toBe('gold');
      clock.advance(2 * DAY);
      expect(await runLoyaltyDaily(ctx, { shopId: SHOP })).toMatchObject({ tierChanges: 1 });
      p = await showPoints(ctx, { shopId: SHOP, customer: lan });
      expect(p.tier.id).toBe('silver');
      expect(await eventsNamed(store, 'Tier Changed')).toEqual([
        expect.objectContaining({ customerId: lan, from: 'member', to: 'silver', direction: 'up' }),
        expect.objectContaining({ customerId: lan, from: 'silver', to: 'gold', direction: 'up' }),
        expect.objectContaining({ customerId: lan, from: 'gold', to: 'silver', direction: 'down' }),
      ]);
      // Flows trigger on the events: the flow made at the start gave whoever went up to Gold a task.
      await runDueFlows(ctx, { shopId: SHOP });
      const tasks = await store.engine.all<{ customer_id: string; title: string }>(
        'SELECT customer_id, title FROM staff_tasks',
      );
      expect(tasks).toEqual([{ customer_id: lan, title: 'Quà và thiệp viết tay' }]);
      // Gold's entry points once, even if Gold is reached again.
      expect((await ledger(store, lan)).filter((e) => e.reason === 'tier_entry')).toHaveLength(2);
      await store.close();
    });

    it('events earn once by id: account created, a rating, an NPS answer, a converted referral', async () => {
      const clock = new TestClock(start);
      const { store, ctx } = await openShop(engine, clock);
      const at = new Date(start - 3_600_000);
      const ev = (messageId: string, event: string, properties: Record<string, unknown> = {}) => ({
        messageId,
        event,
        phone: LAN,
        timestamp: at,
        properties,
      });
      await arrive(ctx, {
        customers: [customer(LAN)],
        events: [
          ev('e1', 'Signed Up'),
          ev('e2', 'Survey Answered', { kind: 'rating', score: 5 }),
          ev('e3', 'Survey Answered', { kind: 'nps', score: 9 }),
          ev('e4', 'Referral Converted', { friendCustomerId: 'cus_friend', orderId: 'ord_x' }),
          ev('e5', 'Referral Converted', { friendCustomerId: 'cus_friend', orderId: 'ord_x' }),
          ev('e6', 'Signed Up'),
        ] as never,
      });
      const lan = await idOf(ctx, LAN);
      await runLoyaltyDaily(ctx, { shopId: SHOP });
      await runLoyaltyDaily(ctx, { shopId: SHOP });
      const reasons = (await ledger(store, lan)).map((e) => `${e.reason}:${e.points}`).sort();
      expect(reasons).toEqual(['nps:10', 'referral:200', 'review:20', 'signed_up:50']);
      await store.close();
    });
  });
