import { describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import { groupInfo, KPI_LABELS } from '../../src/domain/analytics/groups-catalog.js';
import { classifyLifecycle } from '../../src/domain/analytics/lifecycle.js';
import { classify, holds, when } from '../../src/domain/analytics/rules.js';
import { fitThresholds, percentileCont } from '../../src/domain/analytics/thresholds.js';
import {
  type CustomerFeatures,
  LIFECYCLE_GROUPS,
  RFM_GROUPS,
  type Thresholds,
  VALUE_GROUPS,
} from '../../src/domain/analytics/types.js';
import { isValidOrder, orderValue } from '../../src/domain/analytics/valid-orders.js';
import { classifyValueGroup, valueParentOf } from '../../src/domain/analytics/value-groups.js';
import { conditionSql, lifecycleCaseSql } from '../../src/store/analytics/model-sql.js';

/** Fixed thresholds: active ≤ 60 days, high value ≥ 500.000 ₫, frequent gap ≤ 20 days. */
const T: Thresholds = {
  activeDays: 60,
  highValue: 500_000,
  frequentGapDays: 20,
  ignoreAfterDays: 365,
  declineLimit: 3,
  sources: {
    activeDays: 'configured',
    highValue: 'configured',
    frequentGapDays: 'configured',
    ignoreAfterDays: 'configured',
    declineLimit: 'configured',
  },
  sample: { buyers: 0, repeatBuyers: 0 },
};

/** A one-order customer who bought 10 days ago for 100.000 ₫. */
function buyer(over: Partial<CustomerFeatures> = {}): CustomerFeatures {
  return {
    orders: 1,
    revenue: 100_000,
    aov: 100_000,
    recencyDays: 10,
    avgGapDays: null,
    firstOrderValue: 100_000,
    maxOrderValue: 100_000,
    categoryCount: 1,
    referrals: 0,
    declineStreak: 0,
    r: 3,
    f: 1,
    m: 2,
    fm: 2,
    referred: false,
    upsold: false,
    rfmGroup: 'needs_attention',
    ...over,
  };
}

const prospect = buyer({
  orders: 0,
  revenue: 0,
  aov: null,
  recencyDays: null,
  firstOrderValue: null,
  maxOrderValue: null,
  categoryCount: 0,
  r: null,
  f: null,
  m: null,
  fm: null,
  rfmGroup: 'prospects',
});

describe('lifecycle model (seed 000)', () => {
  const stage = (x: CustomerFeatures) => classifyLifecycle(x, T).stage;

  it('prospect: no valid order', () => {
    expect(stage(prospect)).toBe('prospect');
  });

  it('churned: silent longer than activeDays, before loyal and premium', () => {
    expect(stage(buyer({ orders: 5, recencyDays: 61, rfmGroup: 'champions', upsold: true }))).toBe('churned');
    expect(stage(buyer({ recencyDays: 60 }))).toBe('new'); // 60 is still active
  });

  it('loyal: RFM champions or loyal, or a repeat buyer who referred someone', () => {
    expect(stage(buyer({ orders: 4, rfmGroup: 'champions' }))).toBe('loyal');
    expect(stage(buyer({ orders: 3, rfmGroup: 'loyal', upsold: true }))).toBe('loyal');
    expect(stage(buyer({ orders: 2, referrals: 1, rfmGroup: 'active' }))).toBe('loyal');
    expect(stage(buyer({ orders: 1, referrals: 2, rfmGroup: 'new' }))).toBe('new');
  });

  it('premium: up-/cross-sold, or a first order at or above highValue', () => {
    expect(stage(buyer({ orders: 2, upsold: true, rfmGroup: 'active' }))).toBe('premium');
    expect(stage(buyer({ firstOrderValue: 500_000, aov: 500_000 }))).toBe('premium');
    expect(stage(buyer({ firstOrderValue: 499_999 }))).toBe('new');
  });

  it('standard: two or more orders; new: one order', () => {
    expect(stage(buyer({ orders: 2, revenue: 200_000, avgGapDays: 30, rfmGroup: 'active' }))).toBe(
      'standard',
    );
    expect(stage(buyer())).toBe('new');
  });

  it('referred is an overlay on the stage', () => {
    expect(classifyLifecycle(buyer({ referred: true }), T)).toEqual({ stage: 'new', referred: true });
    expect(classifyLifecycle({ ...prospect, referred: true }, T)).toEqual({
      stage: 'prospect',
      referred: true,
    });
  });
});

describe('value × frequency × activity groups (seed 001)', () => {
  const group = (x: CustomerFeatures) => classifyValueGroup(x, T);

  it('ignore: no purchase', () => {
    expect(group(prospect)).toBe('ignore');
  });

  it('ignore: one purchase and inactive for over a year, whatever its value', () => {
    expect(group(buyer({ recencyDays: 366, aov: 900_000 }))).toBe('ignore');
    expect(group(buyer({ recencyDays: 365, aov: 900_000 }))).toBe('win_back');
  });

  it('ignore: declined or ignored N messages in a row while inactive; active buyers stay in Focus', () => {
    expect(group(buyer({ orders: 3, recencyDays: 61, aov: 900_000, declineStreak: 3 }))).toBe('ignore');
    expect(group(buyer({ orders: 3, recencyDays: 61, aov: 900_000, declineStreak: 2 }))).toBe('win_back');
    expect(group(buyer({ recencyDays: 5, declineStreak: 9 }))).toBe('focus_low_value');
  });

  it('focus: four sub-groups of active customers', () => {
    const active = { orders: 3, recencyDays: 5 };
    expect(group(buyer({ ...active, aov: 500_000, avgGapDays: 20 }))).toBe('focus_high_value_frequent');
    expect(group(buyer({ ...active, aov: 100_000, avgGapDays: 10 }))).toBe('focus_frequent');
    expect(group(buyer({ ...active, aov: 600_000, avgGapDays: 40 }))).toBe('focus_high_value_infrequent');
    expect(group(buyer({ aov: 600_000 }))).toBe('focus_high_value_infrequent'); // one order: not frequent
    expect(group(buyer({ ...active, aov: 100_000, avgGapDays: 21 }))).toBe('focus_low_value');
  });

  it('win back: inactive, used to buy often or for a lot', () => {
    expect(group(buyer({ orders: 4, recencyDays: 100, avgGapDays: 15 }))).toBe('win_back');
    expect(group(buyer({ orders: 2, recencyDays: 100, avgGapDays: 45, aov: 700_000 }))).toBe('win_back');
    expect(group(buyer({ recencyDays: 200, aov: 600_000 }))).toBe('win_back');
  });

  it('needs attention: inactive, infrequent and low value', () => {
    expect(group(buyer({ orders: 3, recencyDays: 100, avgGapDays: 45 }))).toBe('needs_attention');
    expect(group(buyer({ recencyDays: 200 }))).toBe('needs_attention');
  });

  it('knows the Focus sub-groups belong to Focus', () => {
    expect(VALUE_GROUPS.map(valueParentOf)).toEqual([null, null, null, 'focus', 'focus', 'focus', 'focus']);
  });
});

describe('rules language', () => {
  it('treats a comparison with a missing value as false, also under NOT, in memory and in SQL', () => {
    const c = when.not(when.cmp('avgGapDays', '<=', when.t('frequentGapDays')));
    expect(holds(c, buyer({ avgGapDays: null }), T)).toBe(true);
    expect(holds(c, buyer({ avgGapDays: 3 }), T)).toBe(false);
    expect(conditionSql(c, T)).toBe("(NOT COALESCE(avg_gap_days <= CAST('20' AS DOUBLE PRECISION), FALSE))");
  });

  it('compiles a model to one CASE with the thresholds inlined', () => {
    const sql = lifecycleCaseSql(T);
    expect(sql.startsWith('CASE WHEN')).toBe(true);
    expect(sql).toContain("rfm_group IN ('champions', 'loyal')");
    expect(sql).toContain("CAST('60' AS DOUBLE PRECISION)");
    expect(sql.endsWith("ELSE 'new' END")).toBe(true);
  });

  it('falls back to `otherwise` and handles empty all/any', () => {
    const model = { rules: [{ group: 'b', when: when.any() }], otherwise: 'a' };
    expect(classify(model, buyer(), T)).toBe('a');
    expect(classify({ rules: [{ group: 'b', when: when.all() }], otherwise: 'a' }, buyer(), T)).toBe('b');
  });
});

describe('thresholds fitted to the shop', () => {
  const sample = { buyers: 100, repeatBuyers: 40, activeGap: 47.2, frequentGap: 12.1, highAov: 181_250.004 };

  it('fits active, high value and frequent from the percentiles', () => {
    const t = fitThresholds(sample);
    // ceil(47.2) = 48 days; cents of 181250.004 = 181250; ceil(12.1) = 13 days
    expect(t).toMatchObject({
      activeDays: 48,
      highValue: 181_250,
      frequentGapDays: 13,
      ignoreAfterDays: 365,
    });
    expect(t.sources).toMatchObject({ activeDays: 'fitted', highValue: 'fitted', frequentGapDays: 'fitted' });
  });

  it('clamps the active window to 30..365 days', () => {
    expect(fitThresholds({ ...sample, activeGap: 10 }).activeDays).toBe(30);
    expect(fitThresholds({ ...sample, activeGap: 400 }).activeDays).toBe(365);
  });

  it('falls back to 90 / 30 days with fewer than 20 repeat buyers, and to 0 without buyers', () => {
    const t = fitThresholds({
      buyers: 0,
      repeatBuyers: 0,
      activeGap: null,
      frequentGap: null,
      highAov: null,
    });
    expect(t).toMatchObject({ activeDays: 90, frequentGapDays: 30, highValue: 0 });
    expect(t.sources.activeDays).toBe('fallback');
    expect(fitThresholds({ ...sample, repeatBuyers: 19 }).activeDays).toBe(90);
  });

  it('takes configured values as they are', () => {
    const config = resolveAnalyticsConfig({
      thresholds: { activeDays: 45, highValue: 1_000_000 },
    }).thresholds;
    const t = fitThresholds(sample, config);
    expect(t).toMatchObject({ activeDays: 45, highValue: 1_000_000, frequentGapDays: 13 });
    expect(t.sources.activeDays).toBe('configured');
  });

  it('interpolates percentiles like percentile_cont', () => {
    // pos = 0.8 × 3 = 2.4 → 3 + 0.4 × (4 - 3) = 3.4
    expect(percentileCont([4, 1, 3, 2], 0.8)).toBeCloseTo(3.4, 12);
    expect(percentileCont([5], 0.5)).toBe(5);
    expect(percentileCont([], 0.5)).toBeNull();
  });
});

describe('valid orders (cash on delivery aware)', () => {
  it('counts paid and delivered orders net of refunds', () => {
    expect(isValidOrder({ status: 'paid', total: 100, refunded: 30 })).toBe(true);
    expect(orderValue({ status: 'paid', total: 100, refunded: 30 })).toBe(70);
    expect(isValidOrder({ status: 'delivered', total: 100, refunded: 0 })).toBe(true);
    for (const status of ['pending', 'failed_delivery', 'returned', 'refunded', 'cancelled'] as const)
      expect(isValidOrder({ status, total: 100, refunded: 0 }), status).toBe(false);
  });

  it('drops an order refunded in full, keeps a zero-total order', () => {
    expect(isValidOrder({ status: 'paid', total: 100, refunded: 100 })).toBe(false);
    expect(isValidOrder({ status: 'paid', total: 0, refunded: 0 })).toBe(true);
  });

  it('is configurable', () => {
    const rule = {
      statuses: ['paid' as const, 'pending' as const],
      netOfRefunds: false,
      excludeFullyRefunded: false,
    };
    expect(isValidOrder({ status: 'pending', total: 100, refunded: 100 }, rule)).toBe(true);
    expect(orderValue({ status: 'paid', total: 100, refunded: 40 }, rule)).toBe(100);
  });
});

describe('configuration and catalog', () => {
  it('merges partial settings over the defaults and rejects bad ones with the path', () => {
    const c = resolveAnalyticsConfig({ thresholds: { fit: { minSample: 5 } }, bestCustomers: 3 });
    expect(c.thresholds.fit.minSample).toBe(5);
    expect(c.thresholds.fit.activeQuantile).toBe(0.8);
    expect(c.bestCustomers).toBe(3);
    expect(() => resolveAnalyticsConfig({ validOrders: { statuses: ['shipped' as never] } })).toThrow(
      /validOrders\.statuses/,
    );
    expect(() => resolveAnalyticsConfig({ lifecycle: { otherwise: 'vip' as never } })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('has labels, a goal, KPIs and actions in both languages for every group of every model', () => {
    const all = [
      ...RFM_GROUPS.map((g) => groupInfo('rfm', g)),
      ...LIFECYCLE_GROUPS.map((g) => groupInfo('lifecycle', g)),
      ...VALUE_GROUPS.map((g) => groupInfo('value', g)),
      groupInfo('value', 'focus'),
    ];
    for (const info of all) {
      for (const text of [info.label, info.definition, info.goal, ...info.actions]) {
        expect(text.vi.length).toBeGreaterThan(0);
        expect(text.en.length).toBeGreaterThan(0);
      }
      expect(info.kpis.length).toBeGreaterThan(0);
      for (const k of info.kpis) expect(KPI_LABELS[k]).toBeDefined();
    }
    expect(groupInfo('value', 'ignore').label).toEqual({ vi: 'Bỏ qua', en: 'Ignore' });
    expect(groupInfo('lifecycle', 'churned').kpis).toContain('reactivationCost');
  });
});
