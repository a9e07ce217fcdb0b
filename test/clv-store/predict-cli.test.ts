import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { getCustomerProfile } from '../../src/app/customers.js';
import { DEFAULT_VALID_ORDER_RULE } from '../../src/domain/analytics/valid-orders.js';
import { DEMO_BGNBD_PARAMS, DEMO_GG_PARAMS } from '../../src/ingest/demo/params.js';
import { validOrderSql } from '../../src/store/analytics/model-sql.js';
import type { PredictResult } from '../../src/store/clv/predict-shop.js';
import { readPredictions } from '../../src/store/clv/predictions.js';
import { openStore, type Store } from '../../src/store/store.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-predict-'));
const db = join(dir, 'demo.duckdb');
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const AS_OF = '2026-10-31';
const HOLDOUT_FROM = '2026-05-01';

/** Opens the demo store after a command has closed it, runs `fn`, closes it. */
async function withDemo<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ db });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const ratio = (estimate: number, truth: number): number => estimate / truth;

let predicted: PredictResult;
let chosen: PredictResult;
let validated: PredictResult;
const html = join(dir, 'clv-validation.html');

beforeAll(async () => {
  const demo = await cli('demo', '--db', db, '--customers', '500', '--until', AS_OF);
  expect(demo.code, demo.err).toBe(0);
  // The demo's buyers follow BG/NBD: forced, its estimates can be checked against the truth.
  const r = await cli('predict', '--db', db, '--as-of', AS_OF, '--model', 'bgnbd', '--prior', 'on', '--json');
  expect(r.code, r.err).toBe(0);
  predicted = JSON.parse(r.out) as PredictResult;
  const auto = await cli('predict', '--db', db, '--as-of', AS_OF, '--json');
  expect(auto.code, auto.err).toBe(0);
  chosen = JSON.parse(auto.out) as PredictResult;
  const v = await cli(
    'predict',
    '--db',
    db,
    '--as-of',
    AS_OF,
    '--model',
    'bgnbd',
    '--prior',
    'on',
    '--validate',
    '--holdout-from',
    HOLDOUT_FROM,
    '--json',
    '--html',
    html,
  );
  expect(v.code, v.err).toBe(0);
  expect(v.err).toContain(`đã ghi ${html}`);
  validated = JSON.parse(v.out) as PredictResult;
}, 180_000);

afterAll(() => undefined);

describe('nurture predict on the demo shop', () => {
  it('recovers the demo shop’s generating parameters (days, VND) within sampling error', () => {
    const p = predicted.transaction.params as { r: number; alpha: number; a: number; b: number };
    expect(predicted.model).toBe('bgnbd');
    expect(predicted.choice).toMatchObject({ modelBy: 'forced', priorBy: 'forced', holdout: null });
    expect(predicted.unit).toBe('day');
    expect(predicted.shrinkage).toBe(true);
    // ~420 buyers: r and α within 40 %, the drop-out shapes within a factor 2 (docs/clv.md, recovery).
    expect(ratio(p.r, DEMO_BGNBD_PARAMS.r)).toBeGreaterThan(0.6);
    expect(ratio(p.r, DEMO_BGNBD_PARAMS.r)).toBeLessThan(1.4);
    expect(ratio(p.alpha, DEMO_BGNBD_PARAMS.alpha)).toBeGreaterThan(0.6);
    expect(ratio(p.alpha, DEMO_BGNBD_PARAMS.alpha)).toBeLessThan(1.4);
    // The mean purchase rate r/α is what the data pin down best.
    expect(ratio(p.r / p.alpha, DEMO_BGNBD_PARAMS.r / DEMO_BGNBD_PARAMS.alpha)).toBeGreaterThan(0.75);
    expect(ratio(p.r / p.alpha, DEMO_BGNBD_PARAMS.r / DEMO_BGNBD_PARAMS.alpha)).toBeLessThan(1.25);
    for (const k of ['a', 'b'] as const) {
      expect(ratio(p[k], DEMO_BGNBD_PARAMS[k]), k).toBeGreaterThan(0.5);
      expect(ratio(p[k], DEMO_BGNBD_PARAMS[k]), k).toBeLessThan(2);
    }
    // Spend: the population mean order value p·v/(q − 1) is 400.000 ₫ by construction.
    const g = predicted.spend?.params as { p: number; q: number; v: number };
    const mean = (g.p * g.v) / (g.q - 1);
    const truth = (DEMO_GG_PARAMS.p * DEMO_GG_PARAMS.v) / (DEMO_GG_PARAMS.q - 1);
    expect(ratio(mean, truth)).toBeGreaterThan(0.8);
    expect(ratio(mean, truth)).toBeLessThan(1.25);
    expect(predicted.totals.clv).toBeGreaterThan(0);
  });

  it('chooses the model on the shop’s own holdout and says which and why (issue 13, item 3)', () => {
    const c = chosen.choice;
    expect(c.modelBy).toBe('holdout');
    // Fewer than 1,000 customers: the prior is judged on the holdout too.
    expect(c.priorBy).toBe('holdout');
    expect(chosen.model).toBe(c.model);
    expect(chosen.shrinkage).toBe(c.prior);
    const h = c.holdout;
    if (h === null) throw new Error('no holdout comparison');
    expect(h.metric).toBe('holdout_log_score');
    // History 2024-11-01 … 2026-10-31: the holdout is its last third, capped at a year.
    expect(h.holdoutDays).toBe(243);
    expect(h.calibrationEnd).toBe('2026-03-02');
    expect(h.candidates.map((k) => `${k.model}${k.prior ? '+prior' : ''}`)).toEqual([
      'bgnbd',
      'bgnbd+prior',
      'mbgnbd',
      'mbgnbd+prior',
      'pnbd',
      'pnbd+prior',
      'nbd',
      'nbd+prior',
    ]);
    const scored = h.candidates.flatMap((k) => (k.kind === 'scored' ? [k] : []));
    expect(scored.length).toBe(8);
    // The winner beats every model's weaker variant (each model competes with the prior setting it kept).
    const winner = scored.find((k) => k.model === c.model && k.prior === c.prior);
    for (const m of ['bgnbd', 'mbgnbd', 'pnbd', 'nbd'] as const) {
      const variants = scored.filter((k) => k.model === m).map((k) => k.logScore);
      expect(winner?.logScore).toBeGreaterThanOrEqual(Math.min(...variants));
    }
    const best = Math.max(...scored.map((k) => k.logScore));
    // Every candidate saw the same customers and the same holdout.
    expect(new Set(scored.map((k) => k.actualTotal)).size).toBe(1);
    // The no-drop-out baseline over-predicts, as on CDNOW.
    const nbd = scored.find((k) => k.model === 'nbd' && !k.prior);
    expect(nbd?.expectedTotal).toBeGreaterThan(nbd?.actualTotal as number);
    expect(nbd?.logScore).toBeLessThan(best);
  });

  it('stores each customer’s predictive interval of orders and says when no next order is expected', async () => {
    const rows = await withDemo((store) => readPredictions(store.engine, 'default'));
    let inRange = 0;
    for (const r of rows) {
      expect(Number.isInteger(r.orders365Low) && Number.isInteger(r.orders365High)).toBe(true);
      expect(r.orders365Low).toBeGreaterThanOrEqual(0);
      expect(r.orders365High).toBeGreaterThanOrEqual(r.orders365Low);
      if (r.expectedPurchases365 >= r.orders365Low && r.expectedPurchases365 <= r.orders365High + 1)
        inRange++;
      // No date, with its reason; a date, without one.
      expect(r.expectedNextOrderDate === null).toBe(r.nextOrderNote !== null);
      if (r.nextOrderNote === 'lapsed') expect(r.pAlive).toBeLessThan(0.5);
      if (r.expectedNextOrderDate !== null) expect(r.expectedNextOrderDate <= '2027-10-31').toBe(true);
    }
    expect(inRange / rows.length).toBeGreaterThan(0.95);
    // The customer profile (API, dashboard) shows them where the old interval was.
    const one = rows.find((r) => r.nextOrderNote !== null) ?? rows[0];
    const profile = await withDemo((store) =>
      getCustomerProfile(makeContext(store), 'default', one?.customerId as string),
    );
    expect(profile.prediction).toMatchObject({
      orders_365_low: one?.orders365Low,
      orders_365_high: one?.orders365High,
      next_order_note: one?.nextOrderNote,
      expected_next_order_date: null,
    });
    expect(Object.keys(profile.prediction ?? {})).toEqual(
      expect.arrayContaining([
        'predicted_clv_range_low',
        'predicted_clv_range_high',
        'predicted_clv_ci_low',
        'predicted_clv_ci_high',
      ]),
    );
    expect(Object.keys(profile.prediction ?? {})).not.toContain('predicted_clv_low');
    const t = chosen.totals;
    expect(t.nextOrder.dated + t.nextOrder.lapsed + t.nextOrder.beyondYear).toBe(chosen.customers);
    expect(t.orders365.low).toBeLessThan(t.expectedPurchases365);
    expect(t.orders365.high).toBeGreaterThan(t.expectedPurchases365);
  });

  it('writes one prediction per customer with a valid order, probabilities in [0, 1], ordered horizons and intervals', async () => {
    const { rows, buyers } = await withDemo(async (store) => ({
      rows: await readPredictions(store.engine, 'default'),
      buyers: (
        await store.engine.all<{ customer_id: string }>(
          `SELECT DISTINCT o.customer_id FROM orders o WHERE o.shop_id = 'default'
             AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o')} ORDER BY o.customer_id`,
        )
      ).map((r) => r.customer_id),
    }));
    expect(buyers.length).toBeGreaterThan(350);
    expect(rows.map((r) => r.customerId)).toEqual(buyers);
    expect(rows.length).toBe(validated.customers);
    for (const r of rows) {
      for (const p of [r.pAlive, r.churnProbability]) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
      expect(r.pAlive + r.churnProbability).toBeCloseTo(1, 12);
      expect(r.expectedPurchases30).toBeGreaterThan(0);
      expect(r.expectedPurchases30).toBeLessThan(r.expectedPurchases90);
      expect(r.expectedPurchases90).toBeLessThan(r.expectedPurchases365);
      expect(r.expectedNextOrderDate === null || r.expectedNextOrderDate > AS_OF).toBe(true);
      expect(r.predictedClvCiLow).toBeLessThanOrEqual(r.predictedClv as number);
      expect(r.predictedClvCiHigh).toBeGreaterThanOrEqual(r.predictedClv as number);
      expect(r.expectedAvgValue).toBeGreaterThan(50_000);
    }
    // Repeat buyers who bought lately are the likeliest to be alive.
    const recent = rows.filter((r) => r.frequency >= 2 && r.tAge - r.recency < 30);
    const lapsed = rows.filter((r) => r.frequency >= 2 && r.tAge - r.recency > 300);
    expect(recent.length).toBeGreaterThan(0);
    expect(lapsed.length).toBeGreaterThan(0);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(recent.map((r) => r.pAlive))).toBeGreaterThan(mean(lapsed.map((r) => r.pAlive)) + 0.3);
  });

  it('reports the calibration/holdout validation as JSON, consistent with the orders', async () => {
    const v = validated.validation;
    expect(v).toBeDefined();
    if (!v) return;
    expect(v.calibrationEnd).toBe('2026-04-30');
    expect(v.observationEnd).toBe(AS_OF);
    expect(v.holdoutDuration).toBe(184);
    expect(v.byFrequency.map((g) => g.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(v.byFrequency.reduce((n, g) => n + g.customers, 0)).toBe(v.customers);
    const actual = v.byFrequency.reduce((n, g) => n + g.actual * g.customers, 0);
    expect(actual).toBeCloseTo(v.totals.actualHoldout, 9);
    // Holdout purchases = distinct shop days with a valid order after the cut-off, of customers who bought before it.
    const [holdout] = await withDemo((store) =>
      store.engine.all<{ n: number }>(
        `WITH d AS (SELECT DISTINCT o.customer_id, CAST(o.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS DATE) AS day
           FROM orders o WHERE o.shop_id = 'default' AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o')})
         SELECT COUNT(*) AS n FROM d WHERE d.day >= DATE '${HOLDOUT_FROM}' AND d.day <= DATE '${AS_OF}'
           AND d.customer_id IN (SELECT customer_id FROM d WHERE d.day < DATE '${HOLDOUT_FROM}')`,
      ),
    );
    expect(v.totals.actualHoldout).toBe(Number(holdout?.n));
    expect(v.totals.expectedHoldout / v.totals.actualHoldout).toBeGreaterThan(0.6);
    expect(v.totals.expectedHoldout / v.totals.actualHoldout).toBeLessThan(1.6);
    const last = v.tracking[v.tracking.length - 1];
    expect(last?.end).toBe(AS_OF);
    for (let i = 1; i < v.tracking.length; i++) {
      expect(v.tracking[i]?.actualCumulative).toBeGreaterThanOrEqual(
        v.tracking[i - 1]?.actualCumulative as number,
      );
      expect(v.tracking[i]?.expectedCumulative).toBeGreaterThanOrEqual(
        v.tracking[i - 1]?.expectedCumulative as number,
      );
    }
    // The predictions written by the validating run are the full-period ones.
    expect(validated.transaction.params).toEqual(predicted.transaction.params);
    // Calibration of the predictive intervals (issue 13, item 1): per customer and for the total.
    expect(v.intervals.level).toBe(0.9);
    expect(v.intervals.parameterUncertainty).toBe(true);
    const inside = v.byFrequency.reduce((n, g) => n + g.coverage * g.customers, 0) / v.customers;
    expect(v.intervals.coverage).toBeCloseTo(inside, 9);
    expect(v.intervals.coverage).toBeGreaterThan(0.85);
    expect(v.intervals.coverage).toBeLessThan(0.97);
    expect(v.intervals.predictedCoverage).toBeGreaterThan(0.85);
    expect(v.totals.interval.low).toBeLessThan(v.totals.expectedHoldout);
    expect(v.totals.interval.high).toBeGreaterThan(v.totals.expectedHoldout);
    expect(v.totals.inside).toBe(
      v.totals.actualHoldout >= v.totals.interval.low && v.totals.actualHoldout <= v.totals.interval.high,
    );
  });

  it('prints a readable summary in Vietnamese and English', async () => {
    const vi = await cli('predict', '--db', db, '--as-of', AS_OF);
    expect(vi.code, vi.err).toBe(0);
    expect(vi.out).toContain('Dự đoán CLV');
    expect(vi.out).toMatch(/Tổng CLV dự đoán \(12 tháng\): [\d.]+ ₫/);
    expect(vi.out).toMatch(
      /^Mô hình: (BG\/NBD|MBG\/NBD|Pareto\/NBD|NBD) — dự báo tốt nhất trên giai đoạn kiểm tra/m,
    );
    expect(vi.out).toMatch(/Tổng số đơn 365 ngày tới, khoảng dự báo 90 %: \[[\d.]+, [\d.]+\]/);
    expect(vi.out).toMatch(/không dự kiến: [\d.]+ \(có lẽ đã rời bỏ\), [\d.]+ \(không trong 12 tháng tới\)/);
    const en = await cli('predict', '--db', db, '--as-of', AS_OF, '--lang', 'en', '--model', 'pnbd');
    expect(en.code, en.err).toBe(0);
    expect(en.out).toContain('Pareto/NBD (unit day)');
    expect(en.out).toContain('Model: Pareto/NBD — chosen with --model');
    expect(en.out).toMatch(/not expected: [\d,]+ \(probably lapsed\), [\d,]+ \(not within a year\)/);
    const validate = await cli(
      'predict',
      '--db',
      db,
      '--as-of',
      AS_OF,
      '--lang',
      'en',
      '--validate',
      '--holdout-from',
      HOLDOUT_FROM,
    );
    expect(validate.code, validate.err).toBe(0);
    expect(validate.out).toMatch(
      /Coverage of the customers' 90 % predictive intervals: \d+ % of customers' actual orders fell inside \(the model expected \d+ %\)/,
    );
    expect(validate.out).toMatch(/predictive interval 90 % \[\d+, \d+\]: (inside|OUTSIDE)/);
    expect(en.out).toMatch(/Expected orders in 30 \/ 90 \/ 365 days: [\d.]+ \/ [\d.]+ \/ [\d.]+/);
  });

  it('refuses a small shop with exit code 6 and a message that says what is missing', async () => {
    const small = join(dir, 'small.duckdb');
    expect((await cli('demo', '--db', small, '--customers', '30', '--until', AS_OF)).code).toBe(0);
    const r = await cli('predict', '--db', small, '--as-of', AS_OF);
    expect(r.code).toBe(6);
    expect(r.err).toMatch(/at least 50 customers with a purchase before the cut-off date; found \d+/);
    // predict has no --until (issue 13, 5d): the advice names only what predict offers.
    expect(r.err).not.toContain('--until');
    expect(r.err).toContain('a later --as-of');
    expect(r.out).toBe('');
  });

  it('refuses bad options with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--validate'], /--validate needs --holdout-from/],
      [['--holdout-from', '2026-05-01'], /only used with --validate/],
      [['--html', join(dir, 'x.html')], /use it with --validate/],
      [['--as-of', '2026-02-30'], /--as-of: not a date/],
      [['--model', 'gg'], /--model must be auto, bgnbd, mbgnbd, pnbd or nbd/],
      [
        ['--validate', '--holdout-from', '2026-12-01', '--as-of', AS_OF],
        /--holdout-from must be on or before --as-of/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli('predict', '--db', db, ...args, '--lang', 'en');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('brings the segments on predictions up to date with the new ones', async () => {
    const created = await cli('segment', 'create', 'p-alive-low', '--query', 'p_alive < 0.5', '--db', db);
    expect(created.code, created.err).toBe(0);
    // Who is below 0.5, not only how many: two days can have as many quiet customers.
    const lowOnes = () =>
      withDemo(async (store) =>
        (
          await store.engine.all<{ id: string }>(
            'SELECT customer_id AS id FROM customer_predictions WHERE p_alive < 0.5 ORDER BY customer_id',
          )
        ).map((r) => r.id),
      );
    const membersOf = async () => {
      const list = await cli('segment', 'list', '--db', db, '--json');
      return (JSON.parse(list.out) as { name: string; members: number }[]).find(
        (x) => x.name === 'p-alive-low',
      )?.members;
    };
    const before = await lowOnes();
    expect(await membersOf()).toBe(before.length);
    // Predictions as of another day (and with the default model): other customers have gone quiet.
    const r = await cli('predict', '--db', db, '--as-of', '2026-08-31', '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^phân khúc: làm mới 27, \d+ khách vào, \d+ khách ra$/m);
    const after = await lowOnes();
    expect(after).not.toEqual(before);
    expect(await membersOf()).toBe(after.length);
  });

  describe.skipIf(browserSkipped)(
    `validation report in Chromium${browserSkipped ? ` — ${browserSkipped}` : ''}`,
    () => {
      it('opens offline, draws both charts without console errors, and is saved as a screenshot', async () => {
        const source = readFileSync(html, 'utf8');
        expect(source).not.toMatch(/<script[^>]+src=/);
        expect(source).toContain('Kiểm định mô hình CLV');
        const browser = await launchChromium();
        try {
          const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
          const problems: string[] = [];
          page.on('console', (m) => {
            if (m.type() === 'error') problems.push(m.text());
          });
          page.on('pageerror', (e) => problems.push(e.message));
          await page.route('**/*', (route) =>
            route.request().url().startsWith('file:') ? route.continue() : route.abort(),
          );
          await page.goto(`file://${html}`);
          expect(await page.locator('.chart').count()).toBe(2);
          await page.waitForFunction(
            `document.querySelectorAll('.chart[data-rendered="1"] canvas').length === 2`,
            undefined,
            { timeout: 20_000 },
          );
          const actual = validated.validation?.totals.actualHoldout as number;
          expect(await page.locator('[data-total="actual"] .v').textContent()).toBe(String(actual));
          expect(await page.locator('#frequency tbody tr').count()).toBe(8);
          // Something was drawn: the canvases are not blank.
          const inked =
            await page.evaluate(`Array.from(document.querySelectorAll('.chart canvas')).map(function(c){
          var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
          for (var i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) n++;
          return n; })`);
          for (const n of inked as number[]) expect(n).toBeGreaterThan(2000);
          expect(problems).toEqual([]);
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, 'clv-validation.png'), fullPage: true });
          writeFileSync(join(ARTIFACTS, 'clv-validation.html'), source);
        } finally {
          await browser.close();
        }
      });
    },
  );
});
