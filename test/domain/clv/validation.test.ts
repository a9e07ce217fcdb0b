import { describe, expect, it } from 'vitest';
import {
  calibrationHoldoutSplit,
  epochDay,
  fitBgNbd,
  validationReport,
} from '../../../src/domain/clv/index.js';
import { readTransactionsFile } from '../../../src/ingest/transactions-file.js';
import { elogPath, loadCuTracking } from './cdnow-data.js';

describe('calibration/holdout validation on CDNOW', async () => {
  const file = await readTransactionsFile({
    path: elogPath(),
    customerColumn: 'sampleid',
    dateColumn: 'date',
    dateFormat: 'yyyyMMdd',
  });
  const options = {
    calibrationEnd: epochDay(1997, 9, 30),
    observationEnd: epochDay(1998, 6, 30),
    unit: 'week' as const,
    period: 'day' as const,
  };
  const split = calibrationHoldoutSplit(file.log, options);
  const fit = fitBgNbd(split.calibration);
  const report = validationReport(file.log, split, fit, options);

  it('groups holdout purchases by calibration frequency like the BTYD walkthrough', () => {
    expect(report.customers).toBe(2357);
    expect(report.totals.actualHoldout).toBe(1882);
    expect(report.byFrequency.map((g) => g.customers)).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);
    const actual = [0.2367116, 0.6970387, 1.392523, 1.56, 2.532258, 2.947368, 3.862069, 6.359375];
    // bgnbd.PlotFreqVsConditionalExpectedFrequency in the BTYD vignette.
    const expected = [0.2250893, 0.5231364, 1.044126, 1.520193, 2.163795, 2.653861, 3.503959, 6.157279];
    report.byFrequency.forEach((g, i) => {
      expect(g.actual).toBeCloseTo(actual[i] as number, 6);
      expect(Math.abs(g.expected / (expected[i] as number) - 1)).toBeLessThan(1e-3);
    });
    expect(report.byFrequency[7]?.frequency).toBe('7+');
  });

  it('tracks weekly cumulative repeat purchases exactly as BTYD counts them', () => {
    const btyd = loadCuTracking();
    expect(report.tracking.length).toBe(78);
    expect(report.tracking.map((w) => w.actualCumulative)).toEqual(btyd);
    expect(report.tracking[0]?.end).toBe('1997-01-07');
    expect(report.tracking[77]?.end).toBe('1998-06-30');
  });

  it('expects about what happened during calibration, and rises monotonically', () => {
    const w39 = report.tracking[38];
    expect(w39).toBeDefined();
    if (!w39) return;
    expect(Math.abs(w39.expectedCumulative / w39.actualCumulative - 1)).toBeLessThan(0.05);
    for (let i = 1; i < report.tracking.length; i++) {
      expect(report.tracking[i]?.expectedCumulative).toBeGreaterThanOrEqual(
        report.tracking[i - 1]?.expectedCumulative as number,
      );
    }
    expect(report.holdoutDuration).toBeCloseTo(39, 12);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
