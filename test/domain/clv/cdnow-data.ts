import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where the CDNOW files live: NURTURE_CDNOW_DIR, the repository's data/cdnow, or the shared
 * data directory next to the repository. Tests fail (not skip) when none exists, so that a
 * missing data set can never pass silently.
 */
export function cdnowDir(): string {
  const candidates = [
    process.env['NURTURE_CDNOW_DIR'],
    resolve('data/cdnow'),
    resolve('../shared/data/cdnow'),
    '/work/shared/data/cdnow',
  ].filter((d): d is string => d !== undefined);
  const found = candidates.find((d) => existsSync(resolve(d, 'btyd/cdnowElog.csv')));
  if (!found)
    throw new Error(`CDNOW data not found (set NURTURE_CDNOW_DIR); looked in ${candidates.join(', ')}`);
  return found;
}

export interface CbsRow {
  x: number;
  tx: number;
  T: number;
  xStar: number;
  mx: number;
}

/** BTYD's customer-by-sufficient-statistic matrix (unrounded, weeks), in customer order. */
export function loadCbs(): CbsRow[] {
  const text = readFileSync(resolve(cdnowDir(), 'btyd/cdnowSummary_cbs.csv'), 'utf8');
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const f = line.split(',').map((v) => Number(v.replace(/"/g, '')));
      return {
        x: f[1] as number,
        tx: f[2] as number,
        T: f[3] as number,
        xStar: f[4] as number,
        mx: f[5] as number,
      };
    });
}

/** BTYD's weekly cumulative repeat transactions (78 weeks from 1997-01-01). */
export function loadCuTracking(): number[] {
  const text = readFileSync(resolve(cdnowDir(), 'btyd/cdnowSummary_cu_tracking.csv'), 'utf8');
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => Number(line.split(',')[1]));
}

export const elogPath = (): string => resolve(cdnowDir(), 'btyd/cdnowElog.csv');
export const samplePath = (): string => resolve(cdnowDir(), 'CDNOW_sample.txt');
