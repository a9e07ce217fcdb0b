import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calibrationHoldoutSplit,
  epochDay,
  fitBgNbd,
  type Period,
  type RfmSummary,
  summarizeTransactions,
  type TimeUnit,
  validationReport,
} from '../../src/domain/clv/index.js';
import { fixedOffsetSeconds } from '../../src/domain/time.js';
import {
  buildSummaryTable,
  calibrationHoldoutFromStore,
  orderDaySql,
  readSummaryCustomerIds,
  summarizeStore,
  summaryPurchaseLog,
} from '../../src/store/clv/store-summary.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';
import { insertOrders, pureLog, randomOrders, SHOP, TZ } from './fixtures.js';

const START = epochDay(2025, 1, 1);
const ORDERS = randomOrders(42, 400, START, 300);
const UNTIL = START + 299;
const { log, ids } = pureLog(ORDERS);

/** Per customer id: the row of a summary whose customer column indexes `idsOf`. */
function byId(s: RfmSummary, idsOf: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < s.frequency.length; i++) {
    out.set(idsOf[s.customer[i] as number] as string, [
      s.frequency[i] as number,
      s.recency[i] as number,
      s.T[i] as number,
      s.monetaryValue[i] as number,
      s.firstDay[i] as number,
    ]);
  }
  return out;
}

function expectSameSummary(store: Map<string, number[]>, pure: Map<string, number[]>): void {
  expect([...store.keys()].sort()).toEqual([...pure.keys()].sort());
  for (const [id, want] of pure) {
    const got = store.get(id) as number[];
    expect([got[0], got[1], got[2], got[4]], id).toEqual([want[0], want[1], want[2], want[4]]);
    // Money is summed exactly (DECIMAL) in SQL and in doubles here: equal to rounding.
    expect(Math.abs((got[3] as number) - (want[3] as number))).toBeLessThanOrEqual(
      1e-9 * Math.abs(want[3] as number),
    );
  }
}

const UNITS: readonly [TimeUnit, Period][] = [
  ['day', 'day'],
  ['week', 'day'],
  ['week', 'week'],
  ['day', 'week'],
];

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `CLV summary in SQL — ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      let store: Store;
      beforeAll(async () => {
        store = await engine.open();
        await insertOrders(store, ORDERS);
      });
      afterAll(async () => store?.close());

      it('has the fixture it claims: invalid orders, refunds, orders past the cut-off and around midnight', () => {
        // Repeat buyers with two valid orders on their first day (the summary's slow path) and without.
        const byCustomer = new Map<number, number[]>();
        log.customer.forEach((c, i) => {
          if ((log.day[i] as number) <= UNTIL)
            byCustomer.set(c, [...(byCustomer.get(c) ?? []), log.day[i] as number]);
        });
        const shapes = [...byCustomer.values()].map((days) => {
          const first = Math.min(...days);
          return { repeat: new Set(days).size > 1, sameFirstDay: days.filter((d) => d === first).length > 1 };
        });
        expect(shapes.filter((x) => x.repeat && x.sameFirstDay).length).toBeGreaterThanOrEqual(5);
        expect(shapes.filter((x) => x.repeat && !x.sameFirstDay).length).toBeGreaterThan(10);
        expect(ORDERS.length).toBeGreaterThan(1000);
        expect(log.day.length).toBeLessThan(ORDERS.length * 0.7);
        expect(Math.max(...log.day)).toBeGreaterThan(UNTIL);
        expect(
          ORDERS.filter((o) => o.createdAt.getUTCHours() === 16 || o.createdAt.getUTCHours() === 17).length,
        ).toBeGreaterThan(100);
      });

      for (const [unit, period] of UNITS) {
        it(`equals summarizeTransactions on the valid orders (unit ${unit}, period ${period})`, async () => {
          const pure = summarizeTransactions(log, { until: UNTIL, unit, period });
          const result = await store.transaction(async (tx) => {
            const summary = await summarizeStore(tx.engine, SHOP, {
              until: UNTIL,
              timeZone: TZ,
              unit,
              period,
            });
            return { summary, ids: await readSummaryCustomerIds(tx.engine) };
          });
          expect(result.summary.frequency.length).toBe(pure.frequency.length);
          expect(pure.frequency.some((x) => x >= 3)).toBe(true);
          expectSameSummary(byId(result.summary, result.ids), byId(pure, ids));
          expect(result.summary.unit).toBe(unit);
          expect(result.summary.until).toBe(UNTIL);
        });
      }

      it('splits calibration and holdout like calibrationHoldoutSplit, and the validation report agrees', async () => {
        const options = {
          calibrationEnd: START + 199,
          observationEnd: UNTIL,
          unit: 'week' as const,
          period: 'day' as const,
        };
        const pure = calibrationHoldoutSplit(log, options);
        const { split, storeIds, storeLog } = await store.transaction(async (tx) => {
          const s = await calibrationHoldoutFromStore(tx.engine, SHOP, { ...options, timeZone: TZ });
          return {
            split: s,
            storeIds: await readSummaryCustomerIds(tx.engine),
            storeLog: await summaryPurchaseLog(tx.engine, SHOP, {
              until: options.observationEnd,
              timeZone: TZ,
            }),
          };
        });
        expectSameSummary(byId(split.calibration, storeIds), byId(pure.calibration, ids));
        expect(split.holdout.duration).toBe(pure.holdout.duration);
        const holdoutOf = (f: Float64Array, s: RfmSummary, idsOf: readonly string[]) =>
          new Map(Array.from(s.customer, (c, i) => [idsOf[c] as string, f[i] as number]));
        expect(holdoutOf(split.holdout.frequency, split.calibration, storeIds)).toEqual(
          holdoutOf(pure.holdout.frequency, pure.calibration, ids),
        );
        const total = Array.from(split.holdout.frequency).reduce((a, b) => a + b, 0);
        expect(total).toBe(28);

        const fit = fitBgNbd(pure.calibration);
        const fromStore = validationReport(storeLog, split, fit, options);
        const fromPure = validationReport(log, pure, fit, options);
        expect(fromStore.customers).toBe(fromPure.customers);
        expect(fromStore.totals.actualHoldout).toBe(fromPure.totals.actualHoldout);
        expect(fromStore.totals.expectedHoldout).toBeCloseTo(fromPure.totals.expectedHoldout, 9);
        expect(fromStore.tracking).toEqual(fromPure.tracking);
        fromStore.byFrequency.forEach((g, i) => {
          expect(g.customers).toBe(fromPure.byFrequency[i]?.customers);
          expect(g.actual).toBeCloseTo(fromPure.byFrequency[i]?.actual as number, 12);
          expect(g.expected).toBeCloseTo(fromPure.byFrequency[i]?.expected as number, 12);
        });
      });

      it('uses AT TIME ZONE for a zone with daylight saving time, with the same result as the shop calendar', async () => {
        const berlin = 'Europe/Berlin';
        const shop = 'shop_berlin';
        // Around the 2025 clock changes (30 March, 26 October), minutes before and after local midnight.
        const orders = randomOrders(5, 150, epochDay(2025, 3, 1), 240).map((o, i) => ({
          ...o,
          createdAt: new Date(o.createdAt.getTime() - 16 * 3_600_000 + (i % 3) * 1_800_000),
        }));
        await insertOrders(store, orders, shop, berlin);
        const { log: berlinLog, ids: berlinIds } = pureLog(orders, undefined, berlin);
        const until = epochDay(2025, 10, 27);
        const result = await store.transaction(async (tx) => {
          const sql = await orderDaySql(tx.engine, shop, berlin);
          const summary = await summarizeStore(tx.engine, shop, { until, timeZone: berlin });
          return { sql, summary, ids: await readSummaryCustomerIds(tx.engine) };
        });
        expect(result.sql).toContain('AT TIME ZONE');
        expectSameSummary(
          byId(result.summary, result.ids),
          byId(summarizeTransactions(berlinLog, { until }), berlinIds),
        );
        expect(fixedOffsetSeconds(TZ, Date.parse('2000-01-01'), Date.parse('2030-01-01'))).toBe(7 * 3600);
        expect(fixedOffsetSeconds(berlin, Date.parse('2025-01-01'), Date.parse('2025-02-01'))).toBe(3600);
        expect(fixedOffsetSeconds(berlin, Date.parse('2025-01-01'), Date.parse('2025-06-01'))).toBeNull();
      });

      it('counts the shop day, not the UTC day: an order at 23:30 in Vietnam on the cut-off day is in', async () => {
        const shop = 'shop_midnight';
        const base = new Date('2025-03-01T05:00:00Z');
        await insertOrders(
          store,
          [
            { customerId: 'cus_a', status: 'paid', total: 100, refunded: 0, createdAt: base },
            // 2025-03-10 23:30 in Vietnam = 16:30 UTC the same day; 00:30 on the 11th = 17:30 UTC on the 10th.
            {
              customerId: 'cus_a',
              status: 'paid',
              total: 200,
              refunded: 0,
              createdAt: new Date('2025-03-10T16:30:00Z'),
            },
            {
              customerId: 'cus_a',
              status: 'delivered',
              total: 300,
              refunded: 50,
              createdAt: new Date('2025-03-10T17:30:00Z'),
            },
            { customerId: 'cus_b', status: 'failed_delivery', total: 300, refunded: 0, createdAt: base },
          ],
          shop,
        );
        const until = epochDay(2025, 3, 10);
        const rows = await store.transaction(async (tx) => {
          await buildSummaryTable(tx.engine, shop, { until, timeZone: TZ });
          return tx.engine.all<{
            customer_id: string;
            frequency: number;
            recency: number;
            t_age: number;
            monetary_value: number;
          }>('SELECT customer_id, frequency, recency, t_age, monetary_value FROM clv_summary ORDER BY idx');
        });
        expect(rows.map((r) => ({ ...r, frequency: Number(r.frequency) }))).toEqual([
          { customer_id: 'cus_a', frequency: 1, recency: 9, t_age: 9, monetary_value: 200 },
        ]);
      });
    },
  );
}
