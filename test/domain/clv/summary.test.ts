import { describe, expect, it } from 'vitest';
import {
  calibrationHoldoutSplit,
  epochDay,
  summarizeTransactions,
  type TransactionLog,
} from '../../../src/domain/clv/index.js';
import { readTransactionsFile } from '../../../src/ingest/transactions-file.js';
import { elogPath, loadCbs } from './cdnow-data.js';

const d = (iso: string): number => {
  const [y, m, day] = iso.split('-').map(Number) as [number, number, number];
  return epochDay(y, m, day);
};

/** Customer 0: three purchases on two days; customer 1: one purchase; customer 2: only after the cut-off. */
function smallLog(): TransactionLog {
  const rows: [number, string, number][] = [
    [0, '2024-01-01', 10],
    [0, '2024-01-01', 5],
    [0, '2024-01-08', 20],
    [0, '2024-01-15', 40],
    [1, '2024-01-03', 7],
    [2, '2024-02-01', 9],
    [0, '2024-02-02', 100],
  ];
  return {
    customer: Int32Array.from(rows, (r) => r[0]),
    day: Int32Array.from(rows, (r) => d(r[1])),
    amount: Float64Array.from(rows, (r) => r[2]),
    customerCount: 3,
  };
}

describe('summarizeTransactions (lifetimes semantics)', () => {
  it('counts distinct purchase days, measures recency and T to the cut-off, averages repeat days', () => {
    const s = summarizeTransactions(smallLog(), { until: d('2024-01-31') });
    expect(Array.from(s.customer)).toEqual([0, 1]);
    expect(Array.from(s.frequency)).toEqual([2, 0]);
    expect(Array.from(s.recency)).toEqual([14, 0]);
    expect(Array.from(s.T)).toEqual([30, 28]);
    // Repeat days 2024-01-08 (20) and 2024-01-15 (40); the first day's 15 is excluded.
    expect(Array.from(s.monetaryValue)).toEqual([30, 0]);
    expect(s.firstDay[0]).toBe(d('2024-01-01'));
  });

  it('expresses durations in weeks of seven days', () => {
    const s = summarizeTransactions(smallLog(), { until: d('2024-01-31'), unit: 'week' });
    expect(s.recency[0]).toBeCloseTo(2, 12);
    expect(s.T[0]).toBeCloseTo(30 / 7, 12);
  });

  it('floors to Monday-start weeks with period week', () => {
    // 2024-01-01 was a Monday: the three purchase days fall in three different weeks.
    const s = summarizeTransactions(smallLog(), { until: d('2024-01-31'), unit: 'week', period: 'week' });
    expect(s.frequency[0]).toBe(2);
    expect(s.recency[0]).toBe(2);
    expect(s.T[0]).toBe(4);
    expect(s.firstDay[0]).toBe(d('2024-01-01'));
  });

  it('splits calibration and holdout like calibration_and_holdout_data', () => {
    const { calibration, holdout } = calibrationHoldoutSplit(smallLog(), {
      calibrationEnd: d('2024-01-31'),
      observationEnd: d('2024-02-29'),
    });
    expect(calibration.customer.length).toBe(2);
    expect(Array.from(holdout.frequency)).toEqual([1, 0]);
    expect(Array.from(holdout.monetaryValue)).toEqual([100, 0]);
    expect(holdout.duration).toBe(29);
  });

  it('reproduces BTYD’s CDNOW sufficient statistics for all 2,357 customers', async () => {
    const file = await readTransactionsFile({
      path: elogPath(),
      customerColumn: 'sampleid',
      dateColumn: 'date',
      amountColumn: 'sales',
      dateFormat: 'yyyyMMdd',
    });
    const { calibration: s, holdout } = calibrationHoldoutSplit(file.log, {
      calibrationEnd: d('1997-09-30'),
      observationEnd: d('1998-06-30'),
      unit: 'week',
    });
    const cbs = loadCbs();
    expect(s.customer.length).toBe(cbs.length);
    let maxErr = 0;
    let sumX = 0;
    let sumXStar = 0;
    for (let i = 0; i < cbs.length; i++) {
      // Customers appear in file order, which is sample id order 1..2357.
      expect(file.customerIds[s.customer[i] as number]).toBe(String(i + 1));
      const row = cbs[i] as (typeof cbs)[number];
      expect(s.frequency[i]).toBe(row.x);
      expect(holdout.frequency[i]).toBe(row.xStar);
      maxErr = Math.max(
        maxErr,
        Math.abs((s.recency[i] as number) - row.tx),
        Math.abs((s.T[i] as number) - row.T),
      );
      maxErr = Math.max(maxErr, Math.abs((s.monetaryValue[i] as number) - row.mx));
      sumX += row.x;
      sumXStar += holdout.frequency[i] as number;
    }
    expect(maxErr).toBeLessThan(1e-9);
    expect(sumX).toBe(2457);
    expect(sumXStar).toBe(1882);
    expect(holdout.duration).toBeCloseTo(273 / 7, 12);
  });
});

describe('summaries do not depend on row order', () => {
  it('gives the same statistics for rows in date order, customer order, and shuffled', () => {
    const base = smallLog();
    const n = base.day.length;
    const orders = [
      Array.from({ length: n }, (_, i) => i),
      Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => (base.day[a] as number) - (base.day[b] as number),
      ),
      [6, 3, 0, 5, 2, 4, 1],
    ];
    const results = orders.map((o) =>
      summarizeTransactions(
        {
          customer: Int32Array.from(o, (i) => base.customer[i] as number),
          day: Int32Array.from(o, (i) => base.day[i] as number),
          amount: Float64Array.from(o, (i) => base.amount?.[i] as number),
          customerCount: 3,
        },
        { until: d('2024-03-01') },
      ),
    );
    for (const r of results) {
      expect(Array.from(r.frequency)).toEqual([3, 0, 0]);
      expect(Array.from(r.recency)).toEqual([32, 0, 0]);
      expect(Array.from(r.monetaryValue)).toEqual([(20 + 40 + 100) / 3, 0, 0]);
      expect(Array.from(r.T)).toEqual(Array.from(results[0]?.T ?? []));
    }
  });
});
