/**
 * RFM scores, 1 (worst) to 5 (best), by quintiles of the shop's own customers.
 *
 * Method ("share strictly worse"): among the n customers with at least one valid order,
 *
 *     score = 1 + floor(5 × w / n)
 *
 * where w is the number of customers whose value is strictly worse (for recency: more days since
 * the last order; for frequency and monetary: fewer orders, less revenue). Equal values therefore
 * always get equal scores, the worst value always scores 1, and without ties the scores are exact
 * quintiles (NTILE(5) when n is a multiple of 5). A block of ties takes the score of its lowest
 * position: when 60% of buyers have one order they all get F = 1 and the next value starts at
 * 1 + floor(5 × 0.6) = 4.
 *
 * In SQL w is counted, not ranked: the rows are grouped by value, and w of a value is the running
 * count of the values before it (`worseCountsSql`; descending for recency). That equals
 * `RANK() OVER (ORDER BY value) - 1` but sorts only the distinct values (a few hundred recencies
 * and order counts, fewer revenues than customers) instead of every customer with all its columns.
 * The division is done in double precision; floor(a / b) of integers below 2^53 is exact in IEEE
 * doubles, so SQL and `scoreValues` give the same scores.
 */

export const RFM_LEVELS = 5;

/** Which direction of a value is better. */
export type Better = 'higher' | 'lower';

/** The score of a value with `worse` customers strictly worse among `n`. */
export function quintileScore(worse: number, n: number): number {
  if (n <= 0) throw new Error('quintileScore needs at least one customer');
  return 1 + Math.floor((RFM_LEVELS * worse) / n);
}

/** Scores every value of a population (in memory, the reference for the SQL). */
export function scoreValues(values: readonly number[], better: Better): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((v) =>
    quintileScore(better === 'higher' ? lowerBound(sorted, v) : n - upperBound(sorted, v), n),
  );
}

/** Index of the first element >= v in an ascending array (= count of elements < v). */
function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > v in an ascending array (= count of elements <= v). */
function upperBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The grid's second axis. `average`: F and M averaged, halves rounded up (F 1 and M 2 give 2),
 * so a customer who buys often and spends a lot sits high; `frequency`: F alone.
 */
export type FmAxis = 'average' | 'frequency';

/** The FM axis of one customer (in memory; same as `fmScoreSql`). */
export function fmScore(f: number, m: number, axis: FmAxis): number {
  return axis === 'average' ? Math.floor((f + m + 1) / 2) : f;
}
