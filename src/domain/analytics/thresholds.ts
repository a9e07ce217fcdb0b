import { z } from 'zod';
import type { ThresholdName, ThresholdSource, Thresholds } from './types.js';

/**
 * "Active", "high value" and "frequent" fitted to the shop's own customers, the way Omnisend fits
 * its 40/90/180-day lifecycle stages to each store's purchase cycle instead of using one number
 * for every shop. Each can be overridden with a fixed number.
 *
 * - activeDays: the `activeQuantile` (default 80th) percentile of repeat buyers' average gap
 *   between orders, rounded up to whole days and clamped to [activeDaysMin, activeDaysMax]
 *   (30-365). Four in five repeat purchases come within that many days of the previous one, so a
 *   customer silent for longer has probably lapsed. Fewer than `minSample` repeat buyers: the
 *   fallback, 90 days (Omnisend's middle stage).
 * - highValue: the `highValueQuantile` (default 75th) percentile of buyers' AOV (revenue / orders),
 *   rounded to cents: the top quarter of the shop's customers by order value. No buyers: 0.
 * - frequentGapDays: the `frequentQuantile` (default 50th) percentile of repeat buyers' average gap,
 *   rounded up: the faster half of repeat buyers. Fewer than `minSample` repeat buyers: 30 days.
 * - ignoreAfterDays (365, seed 001's "one year") and declineLimit (3) are fixed settings.
 *
 * Percentiles are continuous (`percentile_cont`, linear interpolation), the same in SQL and in
 * `percentileCont` below.
 */

const fitOrNumber = z.union([z.literal('fit'), z.number().finite().nonnegative()]);

/** Threshold settings: 'fit' or a fixed number each, and how the fit is done. */
export const thresholdConfigSchema = z.object({
  activeDays: fitOrNumber,
  highValue: fitOrNumber,
  frequentGapDays: fitOrNumber,
  ignoreAfterDays: z.number().int().positive(),
  declineLimit: z.number().int().positive(),
  fit: z.object({
    activeQuantile: z.number().min(0).max(1),
    highValueQuantile: z.number().min(0).max(1),
    frequentQuantile: z.number().min(0).max(1),
    /** Repeat buyers needed before gaps are fitted. */
    minSample: z.number().int().positive(),
    activeDaysMin: z.number().int().positive(),
    activeDaysMax: z.number().int().positive(),
    fallbackActiveDays: z.number().int().positive(),
    fallbackFrequentGapDays: z.number().int().positive(),
  }),
});
/** Threshold settings. */
export type ThresholdConfig = z.infer<typeof thresholdConfigSchema>;

/** Fit everything to the shop, with the quantiles and fallbacks described above. */
export const DEFAULT_THRESHOLD_CONFIG: ThresholdConfig = {
  activeDays: 'fit',
  highValue: 'fit',
  frequentGapDays: 'fit',
  ignoreAfterDays: 365,
  declineLimit: 3,
  fit: {
    activeQuantile: 0.8,
    highValueQuantile: 0.75,
    frequentQuantile: 0.5,
    minSample: 20,
    activeDaysMin: 30,
    activeDaysMax: 365,
    fallbackActiveDays: 90,
    fallbackFrequentGapDays: 30,
  },
};

/** What the fit needs from the shop's data (SQL computes it in one query; see `fitSampleSql`). */
export interface ThresholdSample {
  buyers: number;
  /** Buyers with an average gap, i.e. two or more valid orders. */
  repeatBuyers: number;
  /** Percentile of repeat buyers' average gap at `activeQuantile`. */
  activeGap: number | null;
  /** Percentile of repeat buyers' average gap at `frequentQuantile`. */
  frequentGap: number | null;
  /** Percentile of buyers' AOV at `highValueQuantile`. */
  highAov: number | null;
}

/** The thresholds for a shop from its sample and the configuration (pure). */
export function fitThresholds(
  sample: ThresholdSample,
  config: ThresholdConfig = DEFAULT_THRESHOLD_CONFIG,
): Thresholds {
  const sources = {} as Record<ThresholdName, ThresholdSource>;
  const enoughGaps = sample.repeatBuyers >= config.fit.minSample;
  const pick = (name: ThresholdName, configured: number | 'fit', fitted: number | null, fallback: number) => {
    if (configured !== 'fit') {
      sources[name] = 'configured';
      return configured;
    }
    sources[name] = fitted === null ? 'fallback' : 'fitted';
    return fitted ?? fallback;
  };
  const { fit } = config;
  const activeDays = pick(
    'activeDays',
    config.activeDays,
    enoughGaps && sample.activeGap !== null
      ? clamp(Math.ceil(sample.activeGap), fit.activeDaysMin, fit.activeDaysMax)
      : null,
    fit.fallbackActiveDays,
  );
  const highValue = pick(
    'highValue',
    config.highValue,
    sample.highAov === null ? null : roundCents(sample.highAov),
    0,
  );
  const frequentGapDays = pick(
    'frequentGapDays',
    config.frequentGapDays,
    enoughGaps && sample.frequentGap !== null ? Math.ceil(sample.frequentGap) : null,
    fit.fallbackFrequentGapDays,
  );
  sources.ignoreAfterDays = 'configured';
  sources.declineLimit = 'configured';
  return {
    activeDays,
    highValue,
    frequentGapDays,
    ignoreAfterDays: config.ignoreAfterDays,
    declineLimit: config.declineLimit,
    sources,
    sample: { buyers: sample.buyers, repeatBuyers: sample.repeatBuyers },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Rounds half away from zero to two decimals; tiny floating noise of the percentile goes away. */
function roundCents(v: number): number {
  return Math.round((v + Number.EPSILON * Math.abs(v)) * 100) / 100;
}

/** Continuous percentile with linear interpolation (what SQL's percentile_cont computes). */
export function percentileCont(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}
