import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  epochDay,
  fitBgNbd,
  fitGammaGamma,
  formatEpochDay,
  NEXT_ORDER_NOTES,
  predictCustomer,
  predictiveCounts,
  scoreCustomers,
  simulateShop,
  summarizeTransactions,
} from '../../src/domain/clv/index.js';
import { NurtureError } from '../../src/errors.js';
import { predictShop } from '../../src/store/clv/predict-shop.js';
import { latestPredictionRun, readPredictions } from '../../src/store/clv/predictions.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';
import { insertOrders, SHOP, type TestOrder } from './fixtures.js';

/** A shop generated from known BG/NBD and Gamma-Gamma parameters (weekly rates), as orders. */
const TRUTH = { r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4259 };
const SPEND = { p: 6.25, q: 3.74, v: 15.44 };
const START = epochDay(2025, 1, 6);
const shop = simulateShop({
  seed: 7,
  customers: 3000,
  params: TRUTH,
  spend: SPEND,
  acquisitionWeeks: 26,
  horizonWeeks: 60,
  startDay: START,
});
const UNTIL = START + 52 * 7 - 1;
const AS_OF = formatEpochDay(UNTIL);
const ids = Array.from({ length: 3000 }, (_, c) => `cus_${String(c).padStart(5, '0')}`);
/** Amounts in thousands of ₫ with two decimals, as the orders table keeps them. */
const amounts = Array.from(shop.log.amount ?? [], (v) => Math.round(v * 100) / 100);
const ORDERS: TestOrder[] = Array.from(shop.log.day, (d, i) => ({
  customerId: ids[shop.log.customer[i] as number] as string,
  status: 'paid' as const,
  total: amounts[i] as number,
  refunded: 0,
  // Noon in Vietnam: the shop day is the generated day.
  createdAt: new Date(d * 86_400_000 + 5 * 3_600_000),
}));
const pure = summarizeTransactions(
  { ...shop.log, amount: Float64Array.from(amounts) },
  { until: UNTIL, unit: 'week' },
);

let runs = 0;
const request = (over: Partial<Parameters<typeof predictShop>[1]> = {}) => ({
  shopId: SHOP,
  asOf: AS_OF,
  unit: 'week' as const,
  // The published model, so that the store can be compared with the pure fit; 'auto' is tested apart.
  model: 'bgnbd' as const,
  now: new Date('2026-01-01T00:00:00Z'),
  newRunId: () => `pred_${String(++runs).padStart(4, '0')}`,
  ...over,
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `predictShop — ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      let store: Store;
      beforeAll(async () => {
        store = await engine.open();
        await insertOrders(store, ORDERS);
      }, 120_000);
      afterAll(async () => store?.close());

      it('fits the store, recovers the generating parameters and equals the pure pipeline', async () => {
        const result = await predictShop(store, request());
        expect(result.customers).toBe(pure.frequency.length);
        expect(result.shrinkage).toBe(false);
        const bg = fitBgNbd(pure);
        const gg = fitGammaGamma(pure);
        for (const [k, v] of Object.entries(bg.params))
          expect(result.transaction.params[k]).toBeCloseTo(v, 6);
        for (const [k, v] of Object.entries(gg.params))
          expect(Math.abs((result.spend?.params[k] as number) / v - 1)).toBeLessThan(1e-6);
        // Within sampling error of the truth (3,000 customers: a and b are the loosest).
        for (const [k, v] of Object.entries(TRUTH))
          expect(Math.abs((result.transaction.params[k] as number) / v - 1), k).toBeLessThan(
            k === 'a' || k === 'b' ? 0.5 : 0.25,
          );
        expect(result.asOf).toBe(AS_OF);
        expect(result.predictedAsOf).toBe(
          new Date(`${formatEpochDay(UNTIL + 1)}T00:00:00+07:00`).toISOString(),
        );
      });

      it('stores every customer’s prediction as the domain computes it', async () => {
        const rows = await readPredictions(store.engine, SHOP);
        expect(rows.length).toBe(pure.frequency.length);
        const bg = fitBgNbd(pure);
        const gg = fitGammaGamma(pure);
        const scores = scoreCustomers(pure, bg, gg, {
          unit: 'week',
          horizonDays: 365,
          clvMonths: 12,
          confidenceIntervals: true,
        });
        const counts = predictiveCounts(pure, bg, { horizon: 365 / 7 });
        const byId = new Map(rows.map((r) => [r.customerId, r]));
        for (let i = 0; i < pure.frequency.length; i += 97) {
          const row = byId.get(ids[pure.customer[i] as number] as string);
          expect(row).toBeDefined();
          if (!row) continue;
          const stats = {
            frequency: pure.frequency[i] as number,
            recency: pure.recency[i] as number,
            T: pure.T[i] as number,
          };
          expect([row.frequency, row.recency, row.tAge]).toEqual([stats.frequency, stats.recency, stats.T]);
          const one = predictCustomer(
            bg,
            gg,
            { ...stats, monetaryValue: pure.monetaryValue[i] as number },
            { unit: 'week' },
          );
          expect(row.pAlive).toBeCloseTo(one.pAlive, 8);
          expect(row.churnProbability).toBeCloseTo(1 - one.pAlive, 8);
          one.horizons.forEach((h, k) => {
            const stored = [row.expectedPurchases30, row.expectedPurchases90, row.expectedPurchases365][
              k
            ] as number;
            expect(stored).toBeCloseTo(h.expectedPurchases, 8);
          });
          const note = NEXT_ORDER_NOTES[scores.nextOrderNote[i] as number];
          expect(row.nextOrderNote).toBe(note);
          expect(row.expectedNextOrderDate).toBe(
            note === null ? formatEpochDay(UNTIL + Math.round(scores.nextPurchaseDays[i] as number)) : null,
          );
          expect(row.orders365Low).toBe(counts.low[i]);
          expect(row.orders365High).toBe(counts.high[i]);
          expect(
            Math.abs((row.expectedAvgValue as number) / (scores.expectedAverageValue?.[i] as number) - 1),
          ).toBeLessThan(1e-6);
          expect(Math.abs((row.predictedClv as number) / (scores.clv?.[i] as number) - 1)).toBeLessThan(1e-6);
          expect(row.predictedClvCiLow).toBeLessThan(row.predictedClv as number);
          expect(row.predictedClvCiHigh).toBeGreaterThan(row.predictedClv as number);
          // The CLV of the predictive range of orders: [0, 0] for a customer who will most likely not buy.
          expect(row.predictedClvRangeLow).toBeGreaterThanOrEqual(0);
          expect(row.predictedClvRangeLow).toBeLessThanOrEqual(row.predictedClvRangeHigh as number);
          expect(row.model).toBe('bgnbd');
          expect(row.predictedAsOf.toISOString()).toBe(
            new Date(`${formatEpochDay(UNTIL + 1)}T00:00:00+07:00`).toISOString(),
          );
        }
        const run = await latestPredictionRun(store.engine, SHOP);
        if (run === undefined) throw new Error('no prediction run recorded');
        expect(run.customers).toBe(pure.frequency.length);
        expect(run.logLikelihood).toBeCloseTo(bg.logLikelihood, 6);
        const stored = run.params['transaction'] as { params: { r: number } };
        expect(stored.params.r).toBeCloseTo(bg.params.r, 6);
      });

      it('chooses among the four models on a holdout of the shop’s own history by default', async () => {
        const result = await predictShop(store, request({ model: 'auto' }));
        expect(result.choice.modelBy).toBe('holdout');
        // 3,000 customers: the prior is not worth judging.
        expect(result.choice.priorBy).toBe('shop_size');
        const h = result.choice.holdout;
        expect(h?.holdoutDays).toBe(121);
        expect(h?.candidates.map((c) => c.model)).toEqual(['bgnbd', 'mbgnbd', 'pnbd', 'nbd']);
        const rows = await readPredictions(store.engine, SHOP);
        expect(new Set(rows.map((r) => r.model))).toEqual(new Set([result.model]));
        expect((await latestPredictionRun(store.engine, SHOP))?.params['choice']).toEqual(result.choice);
      });

      it('replaces the predictions on every run, Pareto/NBD too', async () => {
        const result = await predictShop(store, request({ model: 'pnbd' }));
        const rows = await readPredictions(store.engine, SHOP);
        expect(rows.length).toBe(result.customers);
        expect(new Set(rows.map((r) => r.model))).toEqual(new Set(['pnbd']));
        for (const r of rows) {
          expect(r.pAlive).toBeGreaterThanOrEqual(0);
          expect(r.pAlive).toBeLessThanOrEqual(1);
          expect(r.expectedPurchases30).toBeLessThanOrEqual(r.expectedPurchases90 + 1e-12);
          expect(r.expectedPurchases90).toBeLessThanOrEqual(r.expectedPurchases365 + 1e-12);
        }
        const [n] = await store.engine.all<{ n: number }>(
          'SELECT COUNT(*) AS n FROM prediction_runs WHERE shop_id = $1',
          [SHOP],
        );
        expect(Number(n?.n)).toBe(3);
        expect((await latestPredictionRun(store.engine, SHOP))?.model).toBe('pnbd');
      });

      it('updates in place, adds new buyers and drops customers without a valid order: the same as a full rewrite', async () => {
        await predictShop(store, request());
        const gone = ids[pure.customer[0] as number] as string;
        await store.engine.run(
          `UPDATE orders SET status = 'cancelled' WHERE shop_id = $1 AND customer_id = $2`,
          [SHOP, gone],
        );
        await insertOrders(store, [
          {
            customerId: 'cus_new',
            status: 'paid',
            total: 120,
            refunded: 0,
            createdAt: new Date((UNTIL - 30) * 86_400_000),
          },
          {
            customerId: 'cus_new',
            status: 'delivered',
            total: 80,
            refunded: 0,
            createdAt: new Date((UNTIL - 3) * 86_400_000),
          },
        ]);
        const result = await predictShop(store, request());
        const updated = await readPredictions(store.engine, SHOP);
        expect(updated.length).toBe(pure.frequency.length);
        expect(result.customers).toBe(pure.frequency.length);
        expect(updated.some((r) => r.customerId === gone)).toBe(false);
        const fresh = updated.find((r) => r.customerId === 'cus_new');
        // Durations are periods × (1/7), as summarizeTransactions computes them.
        expect(fresh).toMatchObject({
          frequency: 1,
          recency: 27 * (1 / 7),
          tAge: 30 * (1 / 7),
          monetaryValue: 80,
        });
        await store.engine.run('DELETE FROM customer_predictions WHERE shop_id = $1', [SHOP]);
        await predictShop(store, request());
        expect(await readPredictions(store.engine, SHOP)).toEqual(updated);
      });

      it('writes purchase predictions without CLV when repeat orders carry no value (spend model refused)', async () => {
        const shop = 'shop_free_refills';
        const orders: TestOrder[] = Array.from({ length: 80 }, (_, c) => {
          const first = START + (c % 40);
          const id = `cus_f${String(c).padStart(3, '0')}`;
          const at = (day: number) => new Date(day * 86_400_000 + 5 * 3_600_000);
          return [
            { customerId: id, status: 'paid' as const, total: 100, refunded: 0, createdAt: at(first) },
            ...(c % 3 === 0
              ? [
                  {
                    customerId: id,
                    status: 'delivered' as const,
                    total: 0,
                    refunded: 0,
                    createdAt: at(first + 20),
                  },
                ]
              : []),
          ];
        }).flat();
        await insertOrders(store, orders, shop);
        const result = await predictShop(store, request({ shopId: shop }));
        expect(result.customers).toBe(80);
        expect(result.spend).toBeNull();
        expect(result.totals.clv).toBeNull();
        expect(result.warnings.join(' ')).toMatch(/no CLV: the spend model needs at least 10 repeat buyers/);
        // Weak predictions are said so: few repeat buyers, one-time buyers alive by construction under BG/NBD.
        expect(result.notes).toEqual([
          { code: 'few_repeat_buyers', repeatBuyers: 27, customers: 80 },
          { code: 'one_time_churn_unidentified', model: 'bgnbd', oneTimeBuyers: 53 },
        ]);
        // The model is forced; the prior is judged on the holdout (80 customers, nobody buys in it).
        expect(result.choice).toMatchObject({ model: 'bgnbd', modelBy: 'forced', priorBy: 'holdout' });
        expect(result.choice.holdout?.candidates.map((c) => [c.model, c.prior])).toEqual([
          ['bgnbd', false],
          ['bgnbd', true],
        ]);
        const rows = await readPredictions(store.engine, shop);
        expect(rows.length).toBe(80);
        expect(
          rows.every(
            (r) => r.predictedClv === null && r.expectedAvgValue === null && r.predictedClvCiLow === null,
          ),
        ).toBe(true);
        expect(rows.filter((r) => r.frequency === 1).length).toBe(27);
        expect(rows.every((r) => r.pAlive > 0 && r.pAlive <= 1)).toBe(true);
      });

      it('refuses a small shop with not_enough_data and leaves the stored predictions alone', async () => {
        const small = 'shop_small';
        await insertOrders(
          store,
          ORDERS.filter((o) => o.customerId < 'cus_00030'),
          small,
        );
        await expect(predictShop(store, request({ shopId: small }))).rejects.toMatchObject({
          code: 'not_enough_data',
          message: expect.stringContaining('at least 50 customers'),
        });
        await expect(predictShop(store, request({ shopId: small }))).rejects.toBeInstanceOf(NurtureError);
        expect((await readPredictions(store.engine, small)).length).toBe(0);
        expect((await readPredictions(store.engine, SHOP)).length).toBe(pure.frequency.length);
      });

      it('uses the default model and says so when the history is too short to compare models', async () => {
        // Ten weeks of history: a holdout would be shorter than four weeks.
        const result = await predictShop(
          store,
          request({ model: 'auto', asOf: formatEpochDay(START + 69), shopId: SHOP }),
        );
        expect(result.choice).toMatchObject({
          model: 'bgnbd',
          prior: false,
          modelBy: 'default',
          priorBy: 'shop_size',
          holdout: null,
          noHoldout: 'short_history',
        });
        expect(result.notes).toContainEqual({ code: 'no_model_comparison', reason: 'short_history' });
      });
    },
  );
}
