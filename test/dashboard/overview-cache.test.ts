/** The overview's pure parts: the period picker's meaning, the series buckets, the cache's keys. */
import { describe, expect, it } from 'vitest';
import { ComputedCache } from '../../src/app/computed-cache.js';
import { choosePeriod, previousPeriod } from '../../src/app/period.js';
import { periodSeries } from '../../src/domain/analytics/series.js';
import { NurtureError } from '../../src/errors.js';

const ZONE = 'Asia/Ho_Chi_Minh';
const NOW = new Date('2026-04-02T05:00:00Z'); // 12:00 in Ho Chi Minh

describe('choosePeriod', () => {
  it('counts a preset back from now as analyze counts its 365 days', () => {
    const p = choosePeriod({ preset: '12m' }, { timeZone: ZONE, now: NOW });
    expect(p.to).toEqual(NOW);
    expect(NOW.getTime() - p.from.getTime()).toBe(365 * 86_400_000);
    expect([p.days, p.asOfDay, p.firstDay, p.lastDay]).toEqual([365, undefined, '2025-04-02', '2026-04-02']);
    expect(choosePeriod({}, { timeZone: ZONE, now: NOW }).key).toBe(p.key);
    expect(choosePeriod({ preset: '30d' }, { timeZone: ZONE, now: NOW }).key).not.toBe(p.key);
  });

  it('takes two past days whole, in the shop’s zone, and a period ending today as ending now', () => {
    const past = choosePeriod({ from: '2026-03-01', to: '2026-03-31' }, { timeZone: ZONE, now: NOW });
    expect(past.from).toEqual(new Date('2026-02-28T17:00:00Z'));
    expect(past.to).toEqual(new Date('2026-03-31T16:59:59.999Z'));
    expect(past.asOfDay).toBe('2026-03-31');
    const today = choosePeriod({ from: '2026-03-01', to: '2026-04-02' }, { timeZone: ZONE, now: NOW });
    expect([today.to, today.asOfDay]).toEqual([NOW, undefined]);
    expect(previousPeriod(past)).toEqual({ from: new Date('2026-01-28T17:00:00.001Z'), to: past.from });
  });

  it('refuses a period that ends before it starts or is longer than ten years', () => {
    const bad = (from: string, to: string) => () => choosePeriod({ from, to }, { timeZone: ZONE, now: NOW });
    expect(bad('2026-03-02', '2026-03-01')).toThrow(NurtureError);
    expect(bad('2010-01-01', '2026-03-01')).toThrow(/1 to 3660 days/);
  });
});

describe('periodSeries', () => {
  it('fills every day of a short period, zeros where nothing sold', () => {
    const s = periodSeries([{ day: '2026-03-02', revenue: 5, orders: 1 }], '2026-03-01', '2026-03-03');
    expect(s).toEqual({
      unit: 'day',
      points: [
        { bucket: '2026-03-01', revenue: 0, orders: 0 },
        { bucket: '2026-03-02', revenue: 5, orders: 1 },
        { bucket: '2026-03-03', revenue: 0, orders: 0 },
      ],
    });
  });

  it('sums a long period per month', () => {
    const days = [
      { day: '2025-05-01', revenue: 1, orders: 1 },
      { day: '2025-05-31', revenue: 2, orders: 1 },
      { day: '2026-04-02', revenue: 4, orders: 2 },
    ];
    const s = periodSeries(days, '2025-04-02', '2026-04-02');
    expect(s.unit).toBe('month');
    expect(s.points.length).toBe(13);
    expect(s.points[1]).toEqual({ bucket: '2025-05', revenue: 3, orders: 2 });
    expect(s.points.at(-1)).toEqual({ bucket: '2026-04', revenue: 4, orders: 2 });
  });
});

describe('ComputedCache', () => {
  const now = () => NOW;
  it('answers a result only for its shop, key and data version; an older one as stale', async () => {
    const cache = new ComputedCache<string>(10);
    expect(cache.start('a', 'p', 'v1', async () => 'A1', now).computing).toBe(true);
    await cache.settled();
    expect(cache.state('a', 'p', 'v1').current?.value).toBe('A1');
    expect(cache.state('b', 'p', 'v1')).toEqual({
      current: undefined,
      stale: undefined,
      computing: false,
      failed: undefined,
    });
    expect(cache.state('a', 'q', 'v1').current).toBeUndefined();
    const changed = cache.state('a', 'p', 'v2');
    expect([changed.current, changed.stale?.value]).toEqual([undefined, 'A1']);
  });

  it('starts a computation once per version and remembers a failure until the next start', async () => {
    const cache = new ComputedCache<string>(10);
    let runs = 0;
    const compute = async () => {
      runs += 1;
      throw new Error('boom');
    };
    cache.start('a', 'p', 'v1', compute, now);
    cache.start('a', 'p', 'v1', compute, now);
    await cache.settled();
    expect(runs).toBe(1);
    expect(cache.state('a', 'p', 'v1').failed).toBe('boom');
    cache.start('a', 'p', 'v1', async () => 'ok', now);
    await cache.settled();
    expect(cache.state('a', 'p', 'v1')).toMatchObject({ failed: undefined, computing: false });
    expect(cache.state('a', 'p', 'v1').current?.value).toBe('ok');
  });

  it('waits after a computation before the next of the same key, and computes only the newest', async () => {
    const cache = new ComputedCache<string>(10);
    const runs: string[] = [];
    const slow = (v: string) => async () => {
      runs.push(v);
      await new Promise((r) => setTimeout(r, 50));
      return v;
    };
    cache.start('a', 'p', 'v1', slow('v1'), now);
    await cache.settled();
    const began = Date.now();
    cache.start('a', 'p', 'v2', slow('v2'), now);
    expect(cache.state('a', 'p', 'v3').stale?.value).toBe('v1');
    cache.start('a', 'p', 'v3', slow('v3'), now);
    await cache.settled();
    // Four times the ~50 ms the first took, and v2 was overtaken by v3 before its turn.
    expect(Date.now() - began).toBeGreaterThanOrEqual(4 * 45);
    expect(runs).toEqual(['v1', 'v3']);
    expect(cache.state('a', 'p', 'v3').current?.value).toBe('v3');
  });

  it('keeps at most its number of keys, the oldest dropped first', async () => {
    const cache = new ComputedCache<number>(2);
    for (const k of ['x', 'y', 'z']) cache.start('a', k, 'v', async () => 1, now);
    await cache.settled();
    expect(['x', 'y', 'z'].map((k) => cache.state('a', k, 'v').current?.value)).toEqual([undefined, 1, 1]);
  });
});
