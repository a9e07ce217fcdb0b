/**
 * Reads a per-customer summary table (one row per customer, or per group of identical customers
 * with a weight column) as lifetimes and BTYD take it: frequency, recency, and either the
 * observation length T (continuous-time models) or the number of transaction opportunities
 * (the discrete BG/BB), optionally a monetary value and a weight. A spend-only fit needs neither
 * recency nor T: frequency and the monetary value suffice.
 *
 * Same text formats as the transaction reader (delimiter detection, quoting, header or given
 * column names). The statistics are plain numbers with a dot decimal (`30.4285714`, `1e3`):
 * unlike order amounts, `1.250` here is one and a quarter. Every error names the file, the line
 * and the column.
 */
import { NurtureError } from '../errors.js';
import { type Delimiter, findColumn, type RawRecord, streamRecords } from './transactions-file.js';

export interface SummaryFileOptions {
  path: string;
  frequencyColumn: string;
  /** With exactly one of `tColumn` and `periodsColumn`, or none of the three (spend only). */
  recencyColumn?: string;
  tColumn?: string;
  periodsColumn?: string;
  monetaryColumn?: string;
  weightsColumn?: string;
  delimiter?: Delimiter | 'auto';
  /** Column names of a file without a header row. */
  columns?: readonly string[];
}

export interface SummaryFile {
  frequency: Float64Array;
  /** Absent for a spend-only table. */
  recency?: Float64Array;
  /** T or periods, whichever was read. */
  T?: Float64Array;
  periods?: Float64Array;
  monetaryValue?: Float64Array;
  weight?: Float64Array;
  rows: number;
}

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Growable column of doubles. */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Streams a summary table into columns, checking each row as it goes: frequency a whole number
 * >= 0, 0 <= recency <= T (or periods), recency 0 without repeat purchases, and for periods whole
 * numbers with frequency <= recency; weights and monetary values >= 0.
 * @throws NurtureError invalid_file naming the file, line and column
 */
export async function readSummaryFile(options: SummaryFileOptions): Promise<SummaryFile> {
  const file = options.path;
  const timing = options.recencyColumn !== undefined;
  const lengths = (options.tColumn === undefined ? 0 : 1) + (options.periodsColumn === undefined ? 0 : 1);
  if (timing ? lengths !== 1 : lengths !== 0) {
    throw new NurtureError(
      'invalid_input',
      'give --recency with exactly one of --t (observation length) and --periods, or none of them (spend only)',
    );
  }
  const discrete = options.periodsColumn !== undefined;
  // Slots: frequency, then recency and T/periods (timing), then monetary value, then weights.
  const spec: [string, string][] = [['--frequency', options.frequencyColumn]];
  if (timing) {
    spec.push(['--recency', options.recencyColumn as string]);
    spec.push(discrete ? ['--periods', options.periodsColumn as string] : ['--t', options.tColumn as string]);
  }
  if (options.monetaryColumn !== undefined) spec.push(['--amount', options.monetaryColumn]);
  if (options.weightsColumn !== undefined) spec.push(['--weights', options.weightsColumn]);
  const values = spec.map(() => new Column());
  let names: readonly string[] | null = options.columns ?? null;
  let idx: number[] | null = null;

  const fail = (line: number, column: string, reason: string): never => {
    throw new NurtureError('invalid_file', `${file}, line ${line}, column ${column}: ${reason}`, [
      { file, line, column, reason },
    ]);
  };
  const onRecord = (r: RawRecord): void => {
    if (names === null) {
      names = r.fields.map((f) => f.trim());
      return;
    }
    const header = names;
    idx ??= spec.map(([option, name]) => findColumn(header, name, file, option));
    const need = Math.max(...idx);
    if (r.fields.length <= need) {
      fail(
        r.line,
        header[need] ?? String(need + 1),
        `the row has ${r.fields.length} fields, ${header.length} expected`,
      );
    }
    const row = idx.map((col, j) => {
      const raw = (r.fields[col] as string).trim();
      const v = PLAIN_NUMBER.test(raw) ? Number(raw) : Number.NaN;
      const name = (spec[j] as [string, string])[1];
      if (!Number.isFinite(v)) fail(r.line, name, `cannot read "${raw}" as a number`);
      if (v < 0) fail(r.line, name, `${raw} is negative`);
      return v;
    });
    const x = row[0] as number;
    const col = (j: number): string => (spec[j] as [string, string])[1];
    if (!Number.isInteger(x)) fail(r.line, col(0), `frequency ${x} is not a whole number`);
    const tx = timing ? (row[1] as number) : 0;
    const T = timing ? (row[2] as number) : 0;
    if (tx > T) fail(r.line, col(1), `recency ${tx} is after the end of observation (${T})`);
    if (x === 0 && tx !== 0) fail(r.line, col(1), `recency must be 0 when frequency is 0 (found ${tx})`);
    if (discrete) {
      if (!Number.isInteger(T)) fail(r.line, col(2), `periods ${T} is not a whole number`);
      if (!Number.isInteger(tx)) fail(r.line, col(1), `recency ${tx} is not a whole number of periods`);
      if (x > tx) fail(r.line, col(0), `frequency ${x} exceeds recency ${tx} (one transaction per period)`);
    }
    for (let j = 0; j < row.length; j++) (values[j] as Column).push(row[j] as number);
  };
  await streamRecords(file, options.delimiter, onRecord);
  if (names === null)
    throw new NurtureError('invalid_file', `${file}: the file is empty`, [{ file, reason: 'empty' }]);
  const out = values.map((c) => c.trimmed());
  let k = timing ? 3 : 1;
  const monetaryValue = options.monetaryColumn !== undefined ? out[k++] : undefined;
  const weight = options.weightsColumn !== undefined ? out[k++] : undefined;
  return {
    frequency: out[0] as Float64Array,
    ...(timing ? { recency: out[1] as Float64Array } : {}),
    ...(!timing ? {} : discrete ? { periods: out[2] as Float64Array } : { T: out[2] as Float64Array }),
    ...(monetaryValue ? { monetaryValue } : {}),
    ...(weight ? { weight } : {}),
    rows: (out[0] as Float64Array).length,
  };
}
