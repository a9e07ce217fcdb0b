import { describe, expect, it } from 'vitest';
import { fmScore, quintileScore, scoreValues } from '../../src/domain/analytics/rfm.js';
import { DEFAULT_RFM_MAP, rfmConfigSchema, rfmGroupOf } from '../../src/domain/analytics/rfm-groups.js';
import { RFM_GROUPS } from '../../src/domain/analytics/types.js';

describe('RFM scores: 1 + floor(5 × strictly-worse / n)', () => {
  it('gives exact quintiles without ties', () => {
    // n = 5: worse = 0..4 → 1 + floor(5w/5) = 1..5
    expect(scoreValues([10, 20, 30, 40, 50], 'higher')).toEqual([1, 2, 3, 4, 5]);
    // n = 10: two customers per score
    expect(scoreValues([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'higher')).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('gives equal values equal scores (ties take their lowest position)', () => {
    // n = 10; value → customers strictly lower → score
    // 10 → 0 → 1; 20 → 1 → 1+floor(0.5)=1; 30 → 3 → 1+floor(1.5)=2; 40 → 4 → 1+2=3;
    // 50 → 5 → 1+floor(2.5)=3; 60 → 8 → 1+4=5; 70 → 9 → 1+floor(4.5)=5
    expect(scoreValues([10, 20, 20, 30, 40, 50, 50, 50, 60, 70], 'higher')).toEqual([
      1, 1, 1, 2, 3, 3, 3, 3, 5, 5,
    ]);
  });

  it('scores a big block of one-order customers 1 and the next value high', () => {
    // six of ten have 1 order: all F = 1; 2 orders → 6 lower → 1+floor(3)=4; 3 → 8 → 5; 5 → 9 → 5
    expect(scoreValues([1, 1, 1, 1, 1, 1, 2, 2, 3, 5], 'higher')).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
  });

  it('scores recency with fewer days as better', () => {
    // n = 5, worse = customers with strictly more days: 0 days → 3 worse → 1+floor(3)=4 (a tie at the top
    // takes its lowest position, so nobody gets 5 here); 5 → 2 → 3; 10 → 1 → 2; 30 → 0 → 1
    expect(scoreValues([0, 0, 5, 10, 30], 'lower')).toEqual([4, 4, 3, 2, 1]);
  });

  it('gives one customer a 1, and everyone equal a 1', () => {
    expect(scoreValues([7], 'higher')).toEqual([1]);
    expect(scoreValues([3, 3, 3], 'lower')).toEqual([1, 1, 1]);
    expect(quintileScore(0, 1)).toBe(1);
    expect(() => quintileScore(0, 0)).toThrow();
  });

  it('averages F and M with halves rounded up for the grid axis', () => {
    expect(fmScore(1, 2, 'average')).toBe(2); // (1+2)/2 = 1.5 → 2
    expect(fmScore(2, 1, 'average')).toBe(2);
    expect(fmScore(1, 1, 'average')).toBe(1);
    expect(fmScore(3, 4, 'average')).toBe(4); // 3.5 → 4
    expect(fmScore(5, 4, 'average')).toBe(5); // 4.5 → 5
    expect(fmScore(2, 5, 'frequency')).toBe(2);
  });
});

describe("Shopify's 11 RFM groups: the default map", () => {
  // Rows R = 5..1, columns FM = 1..5, exactly as docs/analytics.md shows it.
  const grid: Record<number, string[]> = {
    5: ['new', 'new', 'active', 'champions', 'champions'],
    4: ['promising', 'promising', 'active', 'loyal', 'loyal'],
    3: ['needs_attention', 'needs_attention', 'needs_attention', 'loyal', 'loyal'],
    2: ['almost_lost', 'almost_lost', 'almost_lost', 'at_risk', 'previously_loyal'],
    1: ['dormant', 'dormant', 'dormant', 'at_risk', 'previously_loyal'],
  };

  it('maps every cell of the grid as documented', () => {
    for (let r = 1; r <= 5; r++)
      for (let fm = 1; fm <= 5; fm++) expect(rfmGroupOf(r, fm), `R${r} FM${fm}`).toBe(grid[r]![fm - 1]);
  });

  it('puts customers without scores in prospects, and uses all eleven groups', () => {
    expect(rfmGroupOf(null, null)).toBe('prospects');
    const used = new Set(Object.values(grid).flat());
    used.add('prospects');
    expect([...used].sort()).toEqual([...RFM_GROUPS].sort());
  });

  it('accepts a custom map and rejects one that leaves a cell out', () => {
    const custom = [
      { group: 'loyal' as const, r: [1, 5] as [number, number], fm: [1, 5] as [number, number] },
    ];
    expect(rfmConfigSchema.safeParse({ axis: 'frequency', map: custom }).success).toBe(true);
    expect(rfmGroupOf(2, 3, custom)).toBe('loyal');
    const holed = DEFAULT_RFM_MAP.filter((c) => c.group !== 'dormant');
    expect(rfmConfigSchema.safeParse({ axis: 'average', map: holed }).success).toBe(false);
  });
});
