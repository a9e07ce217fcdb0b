/**
 * The evidence of the reorder cycles in SQL, from the histories of histories-sql.ts: per product
 * (or per category) the figures the domain's `evidenceOf` and `distributionOf` compute from every
 * purchase (src/domain/replenish/cycles.ts), so that JavaScript reads one row per product. The
 * formulas are the domain's, term for term (the same quantile interpolation, the same order
 * statistics, doubles throughout), so the results agree to rounding.
 */
import {
  type CycleEvidence,
  histogramBins,
  histogramLayout,
  type IntervalDistribution,
} from '../../domain/replenish/cycles.js';
import {
  MAX_SHAPE,
  MIN_SHAPE,
  modelShape,
  priorFromMoments,
  wheatMorrisonFromSquares,
} from '../../domain/replenish/model.js';
import { sqlNumber } from '../analytics/sql.js';
import type { SqlEngine } from '../engine.js';

const d = sqlNumber;
const dbl = (expr: string) => `CAST(${expr} AS DOUBLE PRECISION)`;

/** What evidence is grouped by: the SKU, or its category (`rc_kc`: si → category). */
export type EvidenceKey = 'sku' | 'category';

/**
 * Per history (customer and SKU) of the group: n purchases, m intervals kept, their sum s, the
 * last two kept intervals a and b, and whether the first purchase is old enough (elig). Without
 * a horizon every interval counts (rc_hist has it); with one, `rc_cut` has them (`cutSql`).
 */
function historiesSql(key: EvidenceKey, horizon: boolean): string {
  const g = key === 'sku' ? 'h.si' : 'c.category';
  if (!horizon) {
    const cat = key === 'category' ? 'JOIN rc_kc c ON c.si = h.si' : '';
    return `SELECT ${g} AS g, h.n, h.m, h.s, h.a, h.b, 1 AS elig FROM rc_hist h ${cat}`;
  }
  const x = key === 'sku' ? 'sku' : 'cat';
  return `SELECT ${key === 'sku' ? 'si' : 'category'} AS g, n, m_${x} AS m, s_${x} AS s,
      a_${x} AS a, b_${x} AS b, elig_${x} AS elig
    FROM rc_cut WHERE hz_${x} IS NOT NULL`;
}

/**
 * rc_hz: per SKU with a horizon of its own (rc_hz_sku) or its category's (rc_hz_cat), both, so
 * that the pass over every purchase joins one table of a few thousand rows by an integer key.
 */
const HORIZONS_SQL = `CREATE TEMPORARY TABLE rc_hz AS
  SELECT k.si, c.category, zs.hz AS hz_sku, zc.hz AS hz_cat
  FROM rc_sku k
    LEFT JOIN rc_kc c ON c.si = k.si
    LEFT JOIN rc_hz_sku zs ON zs.g = k.sku
    LEFT JOIN rc_hz_cat zc ON zc.g = c.category
  WHERE zs.hz IS NOT NULL OR zc.hz IS NOT NULL`;

/**
 * rc_cut: per history, what `historiesSql` needs under its SKU's horizon and its category's
 * (rc_hz), in one pass over the purchases. An interval counts while it and every
 * earlier one started hz × quantity days before the as-of moment, as the domain's
 * `evidenceWithin`: while hz ≤ lmin (histories-sql.ts), so the kept intervals are a prefix and
 * the last two are found by the next rows' limits l1 and l2.
 */
function cutSql(): string {
  const lmin1 = 'LEAST(h.lmin, COALESCE(h.l1, h.lmin))';
  const lmin2 = `LEAST(${lmin1}, COALESCE(h.l2, h.lmin))`;
  const parts = (x: string, hz: string) => {
    const kept = `h.j < h.n - 1 AND h.lmin >= ${hz}`;
    const last = `${kept} AND (h.j = h.n - 2 OR ${lmin1} < ${hz})`;
    const second = `h.j < h.n - 2 AND ${lmin1} >= ${hz} AND (h.j = h.n - 3 OR ${lmin2} < ${hz})`;
    return `MAX(${hz}) AS hz_${x}, SUM(CASE WHEN ${kept} THEN 1 ELSE 0 END) AS m_${x},
      SUM(CASE WHEN ${kept} THEN h.v END) AS s_${x}, MAX(CASE WHEN ${second} THEN h.v END) AS a_${x},
      MAX(CASE WHEN ${last} THEN h.v END) AS b_${x},
      MAX(CASE WHEN h.j = 0 AND h.lmin >= ${hz} THEN 1 ELSE 0 END) AS elig_${x}`;
  };
  return `CREATE TEMPORARY TABLE rc_cut AS
    SELECT h.ci, h.si, MAX(z.category) AS category, MAX(h.n) AS n, ${parts('sku', 'z.hz_sku')},
      ${parts('cat', 'z.hz_cat')}
    FROM rc_h h JOIN rc_hz z ON z.si = h.si
    GROUP BY h.ci, h.si`;
}

/** The evidence query: one row per group with the counts, the W–M sums, order statistics and moments. */
function evidenceSql(key: EvidenceKey, horizon: boolean): string {
  // SKUs are grouped by their integer key and named at the end.
  const [name, names] = key === 'sku' ? ['k.sku', 'JOIN rc_sku k ON k.si = counts.g'] : ['counts.g', ''];
  const v = `(squares / ${dbl('2 * pairs - 1')})`;
  const big = dbl('GREATEST(1, k * m)');
  const gmf = `((${big} - ${d(1 / 3)} + ${d(0.02)} / ${big}) / ${big})`;
  const c = dbl('c');
  return `WITH hist AS (${historiesSql(key, horizon)}),
    wm AS (
      SELECT g, COUNT(*) AS pairs,
        SUM((x - ${d(0.5)}) * (x - ${d(0.5)}) + ((1 - x) - ${d(0.5)}) * ((1 - x) - ${d(0.5)})) AS squares
      FROM (SELECT g, a / (a + b) AS x FROM hist WHERE m >= 2 AND a + b > 0) p GROUP BY g),
    wmk AS (
      SELECT g, pairs, squares,
        CASE WHEN pairs < 5 THEN ${MIN_SHAPE} WHEN ${v} <= 0 THEN ${MAX_SHAPE}
          ELSE LEAST(${MAX_SHAPE}, GREATEST(${MIN_SHAPE}, (1 - 4 * ${v}) / (8 * ${v}))) END AS k
      FROM wm),
    means AS (
      SELECT hist.g, hist.m, mean, mean / ${gmf} AS cm, k
      FROM (SELECT hist.*, s / m AS mean, COALESCE(wmk.k, ${MIN_SHAPE}) AS k
            FROM hist LEFT JOIN wmk ON wmk.g = hist.g WHERE m > 0) hist),
    ranked AS (
      SELECT g, cm, ROW_NUMBER() OVER (PARTITION BY g ORDER BY cm) - 1 AS r, COUNT(*) OVER (PARTITION BY g) AS c
      FROM means),
    stats AS (
      SELECT g, MAX(c) AS means,
        MAX(CASE WHEN r = FLOOR(${dbl('c - 1')} * ${d(0.5)}) THEN cm END) AS mid_lo,
        MAX(CASE WHEN r = CEIL(${dbl('c - 1')} * ${d(0.5)}) THEN cm END) AS mid_hi,
        MAX(CASE WHEN r = GREATEST(0, FLOOR(${c} / 2 - ${d(0.98)} * SQRT(${c})) - 1) THEN cm END) AS ci_lo,
        MAX(CASE WHEN r = LEAST(c - 1, CEIL(${c} / 2 + ${d(0.98)} * SQRT(${c}))) THEN cm END) AS ci_hi
      FROM ranked GROUP BY g),
    prior AS (
      SELECT g, COUNT(*) AS customers, AVG(mean) AS mean, VAR_SAMP(mean) AS variance,
        AVG(mean * mean / (k * m)) AS noise
      FROM means WHERE m >= 2 AND mean > 0 GROUP BY g),
    counts AS (
      SELECT g, COUNT(*) AS buyers, SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeat_buyers,
        SUM(elig) AS eligible, SUM(CASE WHEN elig = 1 AND n >= 2 THEN 1 ELSE 0 END) AS eligible_repeat,
        SUM(n - 1) AS intervals
      FROM hist GROUP BY g)
    SELECT ${name} AS g, counts.buyers, counts.repeat_buyers, counts.eligible, counts.eligible_repeat,
      counts.intervals, wm.pairs, wm.squares, stats.means, stats.mid_lo, stats.mid_hi, stats.ci_lo, stats.ci_hi,
      prior.customers, prior.mean, prior.variance, prior.noise
    FROM counts ${names} LEFT JOIN wm ON wm.g = counts.g LEFT JOIN stats ON stats.g = counts.g
      LEFT JOIN prior ON prior.g = counts.g`;
}

interface EvidenceRow extends Record<string, unknown> {
  g: string;
  buyers: number;
  repeat_buyers: number;
  eligible: number;
  eligible_repeat: number;
  intervals: number;
  pairs: number | null;
  squares: number | null;
  means: number | null;
  mid_lo: number | null;
  mid_hi: number | null;
  ci_lo: number | null;
  ci_hi: number | null;
  customers: number | null;
  mean: number | null;
  variance: number | null;
  noise: number | null;
}

function evidenceOfRow(r: EvidenceRow): CycleEvidence {
  const shape = wheatMorrisonFromSquares(Number(r.pairs ?? 0), Number(r.squares ?? 0));
  const n = Number(r.means ?? 0);
  // quantileSorted(…, 0.5) from the two order statistics around the middle.
  const pos = (n - 1) * 0.5;
  const cycle =
    n > 0 && r.mid_lo !== null && r.mid_hi !== null
      ? r.mid_lo + (r.mid_hi - r.mid_lo) * (pos - Math.floor(pos))
      : null;
  return {
    buyers: Number(r.buyers),
    repeatBuyers: Number(r.repeat_buyers),
    eligibleBuyers: Number(r.eligible),
    eligibleRepeatBuyers: Number(r.eligible_repeat),
    intervals: Number(r.intervals),
    cycle,
    cycleInterval: n >= 5 && r.ci_lo !== null && r.ci_hi !== null ? [r.ci_lo, r.ci_hi] : null,
    shape,
    priorIntervals: priorFromMoments(
      {
        customers: Number(r.customers ?? 0),
        mean: r.mean ?? 0,
        variance: r.variance ?? 0,
        noise: r.noise ?? 0,
      },
      modelShape(shape),
    ),
  };
}

/**
 * The evidence per SKU and per category, as the domain's `evidenceOf`: every interval first,
 * then only those that had three first-estimate cycles' time to finish. `stageHorizons` makes
 * the relations rc_hz_sku and rc_hz_cat of (g, hz) the second pass joins.
 */
export async function evidenceBySkuAndCategory(
  engine: SqlEngine,
  stageHorizons: (sku: HorizonRow[], category: HorizonRow[]) => Promise<void>,
): Promise<{ sku: Map<string, CycleEvidence>; category: Map<string, CycleEvidence> }> {
  const pass = async (key: EvidenceKey, horizon: boolean) =>
    (await engine.all<EvidenceRow>(evidenceSql(key, horizon))).map((r) => [r.g, evidenceOfRow(r)] as const);
  const sku = new Map(await pass('sku', false));
  const category = new Map(await pass('category', false));
  const horizons = (m: Map<string, CycleEvidence>) =>
    [...m].flatMap(([g, e]) => (e.cycle === null ? [] : [{ g, hz: 3 * e.cycle }]));
  const [hzSku, hzCategory] = [horizons(sku), horizons(category)];
  if (hzSku.length + hzCategory.length === 0) return { sku, category };
  await stageHorizons(hzSku, hzCategory);
  await engine.run('DROP TABLE IF EXISTS rc_cut');
  await engine.run('DROP TABLE IF EXISTS rc_hz');
  await engine.run(HORIZONS_SQL);
  await engine.run(cutSql());
  for (const [g, e] of await pass('sku', true)) sku.set(g, e);
  for (const [g, e] of await pass('category', true)) category.set(g, e);
  await engine.run('DROP TABLE rc_cut');
  await engine.run('DROP TABLE rc_hz');
  return { sku, category };
}

export interface HorizonRow {
  g: string;
  hz: number;
}

interface DistributionRow extends Record<string, unknown> {
  sku: string;
  c: number;
  med: number | null;
  p25: number | null;
  p75: number | null;
  top_lo: number;
  top_hi: number;
  longest: number;
  bins: string;
}

/**
 * Every SKU's own interval distribution (all its intervals, each customer's weighing 1/m), as the
 * domain's `distributionOf`: the weighted quartiles (the first interval whose cumulative weight in
 * sorted order reaches q of the total) and the histogram, binned in SQL with the domain's layout.
 */
export async function distributionsBySku(engine: SqlEngine): Promise<Map<string, IntervalDistribution>> {
  const pos = `${dbl('c - 1')} * ${d(0.95)}`;
  const top = `(top_lo + (top_hi - top_lo) * (${pos} - FLOOR(${pos})))`;
  const width = `GREATEST(1, CEIL(${top} / 12))`;
  const quantile = (q: number) =>
    `COALESCE(MIN(CASE WHEN a.acc >= ${d(q)} * t.total - ${d(1e-12)} THEN a.v END), MAX(a.v))`;
  const rows = await engine.all<DistributionRow>(
    `WITH acc AS (
       SELECT si, v, SUM(w) OVER (PARTITION BY si ORDER BY v ROWS UNBOUNDED PRECEDING) AS acc,
         ROW_NUMBER() OVER (PARTITION BY si ORDER BY v) - 1 AS r, COUNT(*) OVER (PARTITION BY si) AS c
       FROM (SELECT si, v, 1 / ${dbl('n - 1')} AS w FROM rc_h WHERE j < n - 1) i),
     tot AS (
       SELECT si, MAX(acc) AS total, MAX(c) AS c, MAX(v) AS longest,
         MAX(CASE WHEN r = FLOOR(${pos}) THEN v END) AS top_lo,
         MAX(CASE WHEN r = CEIL(${pos}) THEN v END) AS top_hi
       FROM acc GROUP BY si),
     layout AS (
       SELECT si, ${width} AS width, GREATEST(1, CEIL((${top} + ${d(1e-9)}) / ${width})) AS bins FROM tot),
     binned AS (
       SELECT si, STRING_AGG(CAST(bin AS VARCHAR) || ':' || CAST(n AS VARCHAR), ',') AS bins
       FROM (SELECT a.si, LEAST(l.bins - 1, FLOOR(a.v / l.width)) AS bin, COUNT(*) AS n
             FROM acc a JOIN layout l ON l.si = a.si GROUP BY a.si, LEAST(l.bins - 1, FLOOR(a.v / l.width))) b
       GROUP BY si),
     quantiles AS (
       SELECT a.si, ${quantile(0.5)} AS med, ${quantile(0.25)} AS p25, ${quantile(0.75)} AS p75
       FROM acc a JOIN tot t ON t.si = a.si GROUP BY a.si)
     SELECT k.sku, t.c, q.med, q.p25, q.p75, t.top_lo, t.top_hi, t.longest, b.bins
     FROM tot t JOIN rc_sku k ON k.si = t.si JOIN quantiles q ON q.si = t.si JOIN binned b ON b.si = t.si`,
  );
  const out = new Map<string, IntervalDistribution>();
  for (const r of rows) {
    const p = (Number(r.c) - 1) * 0.95;
    const layout = histogramLayout(r.top_lo + (r.top_hi - r.top_lo) * (p - Math.floor(p)));
    const counts = new Array<number>(layout.bins).fill(0);
    for (const part of r.bins.split(',')) {
      const [bin, n] = part.split(':');
      counts[Number(bin)] = Number(n);
    }
    out.set(r.sku, {
      median: r.med,
      p25: r.p25,
      p75: r.p75,
      histogram: histogramBins(layout, counts, r.longest),
    });
  }
  return out;
}
