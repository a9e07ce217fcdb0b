/**
 * Sufficient-statistic compression. The models' likelihoods depend on a customer only through
 * (frequency, recency, T) — or (frequency, monetary value) for spend — so customers with equal
 * statistics are fitted once with a weight. Fitting cost then grows with distinct tuples, not
 * customers. An open-addressing hash on the raw bits of the doubles keeps this linear.
 */

/** Distinct rows of a set of numeric columns, with multiplicities. */
export interface CompressedColumns {
  /** Distinct values, one array per input column, `count` long. */
  columns: Float64Array[];
  /** Summed weight of each distinct row. */
  weight: Float64Array;
  count: number;
  /** Index of the distinct row for each input row. */
  rowToTuple: Int32Array;
}

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** Hash step for one double: small integers (the common case: days, counts) skip the bit view. */
function mix(h: number, v: number): number {
  let lo: number;
  let hi: number;
  if (v === (v | 0)) {
    // Also maps -0 to the hash of +0, as equality requires.
    lo = v | 0;
    hi = 0x7ff80001;
  } else {
    bits[0] = v;
    lo = words[0] as number;
    hi = words[1] as number;
  }
  let x = Math.imul(h ^ lo, 0x9e3779b1);
  x = Math.imul(x ^ hi, 0x85ebca77);
  return x ^ (x >>> 15);
}

/**
 * Groups equal rows of the given equally long columns (exact equality of the doubles), summing
 * the optional per-row weights (default 1).
 */
export function compressColumns(
  columns: readonly ArrayLike<number>[],
  weight?: ArrayLike<number>,
): CompressedColumns {
  const cols = columns.map((c) => (c instanceof Float64Array ? c : Float64Array.from(c)));
  const w =
    weight === undefined ? undefined : weight instanceof Float64Array ? weight : Float64Array.from(weight);
  return compressFloat64(cols, w);
}

function compressFloat64(cols: Float64Array[], weight: Float64Array | undefined): CompressedColumns {
  const n = cols[0]?.length ?? 0;
  const k = cols.length;
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const firstRow = new Int32Array(n);
  const outW = new Float64Array(n);
  const rowToTuple = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let h = 0x12345;
    for (let c = 0; c < k; c++) h = mix(h, (cols[c] as Float64Array)[i] as number);
    let slot = h & mask;
    const wi = weight === undefined ? 1 : (weight[i] as number);
    for (;;) {
      const t = table[slot] as number;
      if (t === -1) {
        table[slot] = count;
        firstRow[count] = i;
        rowToTuple[i] = count;
        outW[count] = wi;
        count++;
        break;
      }
      if (sameRow(cols, i, firstRow[t] as number)) {
        rowToTuple[i] = t;
        outW[t] = (outW[t] as number) + wi;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const out = cols.map(() => new Float64Array(count));
  for (let c = 0; c < k; c++) {
    const src = cols[c] as Float64Array;
    const dst = out[c] as Float64Array;
    for (let t = 0; t < count; t++) dst[t] = src[firstRow[t] as number] as number;
  }
  return { columns: out, weight: outW.slice(0, count), count, rowToTuple };
}

function sameRow(cols: Float64Array[], i: number, j: number): boolean {
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c] as Float64Array;
    if (col[i] !== col[j]) return false;
  }
  return true;
}

/** Distinct values of one column, and the index of each row's value among them. */
export function indexValues(values: ArrayLike<number>): { values: Float64Array; index: Int32Array } {
  const n = values.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v !== Math.floor(v)) {
      integral = false;
      break;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (integral && n > 0 && max - min < 4_000_000) return indexIntegers(values, min, max);
  // Otherwise a Map: few distinct values (days, counts) in many rows.
  const seen = new Map<number, number>();
  const index = new Int32Array(n);
  const distinct: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = (values[i] as number) + 0; // -0 and +0 are one value
    let j = seen.get(v);
    if (j === undefined) {
      j = distinct.length;
      seen.set(v, j);
      distinct.push(v);
    }
    index[i] = j;
  }
  return { values: Float64Array.from(distinct), index };
}

/** Whole numbers in a modest range (days, counts): a direct lookup table. */
function indexIntegers(
  values: ArrayLike<number>,
  min: number,
  max: number,
): { values: Float64Array; index: Int32Array } {
  const slot = new Int32Array(max - min + 1).fill(-1);
  const index = new Int32Array(values.length);
  const distinct: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const k = (values[i] as number) - min;
    let j = slot[k] as number;
    if (j === -1) {
      j = distinct.length;
      slot[k] = j;
      distinct.push(k + min);
    }
    index[i] = j;
  }
  return { values: Float64Array.from(distinct), index };
}

/**
 * Distinct rows of small non-negative integer codes (for example indices into tables of
 * distinct values), with summed weights: one integer hash per row, no floating-point keys.
 */
export function compressCodes(
  codes: readonly Int32Array[],
  weight?: Float64Array,
): { first: Int32Array; weight: Float64Array; count: number; rowToTuple: Int32Array } {
  const n = codes[0]?.length ?? 0;
  const k = codes.length;
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const first = new Int32Array(n);
  const outW = new Float64Array(n);
  const rowToTuple = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let h = 0x2545f491;
    for (let c = 0; c < k; c++)
      h = Math.imul(h ^ ((codes[c] as Int32Array)[i] as number), 0x9e3779b1) ^ (h >>> 13);
    let slot = (h ^ (h >>> 16)) & mask;
    const wi = weight === undefined ? 1 : (weight[i] as number);
    for (;;) {
      const t = table[slot] as number;
      if (t === -1) {
        table[slot] = count;
        first[count] = i;
        outW[count] = wi;
        rowToTuple[i] = count;
        count++;
        break;
      }
      const j = first[t] as number;
      let same = true;
      for (let c = 0; c < k; c++) {
        const col = codes[c] as Int32Array;
        if (col[i] !== col[j]) {
          same = false;
          break;
        }
      }
      if (same) {
        outW[t] = (outW[t] as number) + wi;
        rowToTuple[i] = t;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { first: first.slice(0, count), weight: outW.slice(0, count), count, rowToTuple };
}

/** Rows sampled to decide whether deduplication pays. */
const PROBE_ROWS = 20_000;

/**
 * Whether deduplicating these rows is worth its hashing: rows spread over the data are probed,
 * and compression is kept when they already hold 20 % repeats. Used for spend means, which are
 * continuous and rarely repeat in large data (in small data, where they do, the probe is the
 * whole data).
 */
export function compressionPays(columns: readonly ArrayLike<number>[]): boolean {
  const n = columns[0]?.length ?? 0;
  if (n <= PROBE_ROWS) return true;
  const step = n / PROBE_ROWS;
  const probe = columns.map((c) =>
    Float64Array.from({ length: PROBE_ROWS }, (_, i) => c[Math.floor(i * step)] as number),
  );
  return compressColumns(probe).count <= 0.8 * PROBE_ROWS;
}
