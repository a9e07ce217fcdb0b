/**
 * RFM summaries from transactions, exactly as the `lifetimes` library defines them
 * (summary_data_from_transaction_data / calibration_and_holdout_data): transactions are floored
 * to a period (a day by default); per customer frequency = distinct purchase periods - 1,
 * recency = first to last purchase period, T = first purchase period to the end of observation,
 * monetary_value = mean value of the repeat purchase periods (0 when there are none).
 * Durations are expressed in the model time unit: days, or weeks of seven days (days / 7, the
 * convention of Fader, Hardie & Lee and of BTYD for CDNOW).
 */
import { NurtureError } from '../../errors.js';

/** Time unit of recency, T and of the rate parameters of a model. */
export type TimeUnit = 'day' | 'week';
/** Granularity purchases are floored to before they are counted. */
export type Period = 'day' | 'week';

/** Days in one time unit. */
export const UNIT_DAYS: Readonly<Record<TimeUnit, number>> = { day: 1, week: 7 };

const MS_PER_DAY = 86_400_000;

/** Calendar date (proleptic Gregorian, no time zone) to days since 1970-01-01. */
export function epochDay(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** Days since 1970-01-01 to `YYYY-MM-DD`. */
export function formatEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Transactions in columnar form (one entry per transaction in each array), so that a million
 * customers fit in a few typed arrays. Customer identities are dense indices; the caller keeps
 * the mapping to its own ids.
 */
export interface TransactionLog {
  /** Customer index of each transaction, 0 … customerCount - 1. */
  customer: Int32Array;
  /** Calendar day of each transaction, as days since 1970-01-01. */
  day: Int32Array;
  /** Value of each transaction; without it monetary values are 0. */
  amount?: Float64Array;
  customerCount: number;
}

export interface SummaryOptions {
  /** Last day of the observation (inclusive), days since 1970-01-01. */
  until: number;
  unit?: TimeUnit;
  period?: Period;
}

/** Per-customer RFM statistics, one row per customer with a purchase on or before `until`. */
export interface RfmSummary {
  unit: TimeUnit;
  period: Period;
  until: number;
  /** Customer index (into the transaction log) of each row. */
  customer: Int32Array;
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue: Float64Array;
  /** First purchase, as days since 1970-01-01 (start of its period). */
  firstDay: Int32Array;
}

/** Days in one flooring period. */
export function periodDays(period: Period): number {
  return period === 'day' ? 1 : 7;
}

/** Period index of a day; weeks start on Monday (1970-01-01 was a Thursday). */
export function periodOf(day: number, period: Period): number {
  return period === 'day' ? day : Math.floor((day + 3) / 7);
}

/** First day of a period index. */
export function periodStartDay(p: number, period: Period): number {
  return period === 'day' ? p : p * 7 - 3;
}

/**
 * Distinct purchase periods per customer in compressed-row form: the periods of customer c are
 * periods[offsets[c] … offsets[c + 1]), ascending, and value holds the summed amount of each.
 */
export interface CustomerPeriods {
  offsets: Int32Array;
  periods: Int32Array;
  value: Float64Array;
}

/**
 * Groups the transactions with fromDay <= day <= toDay by customer and distinct period: a
 * stable counting sort by customer (skipped when the rows already come grouped), then each
 * customer's few rows sorted by period (skipped when already in order, which is the case for
 * files sorted by date). Linear in the number of rows for any input order.
 */
export function customerPeriods(
  log: TransactionLog,
  period: Period,
  toDay: number,
  fromDay = Number.NEGATIVE_INFINITY,
): CustomerPeriods {
  validateLog(log);
  const n = log.day.length;
  const days = log.day;
  const customers = log.customer;
  // Selected rows, their customer and their period, in file order.
  const rowsAll = new Int32Array(n);
  const custAll = new Int32Array(n);
  const perAll = new Int32Array(n);
  let m = 0;
  let grouped = true;
  let lastC = -1;
  let lastP = -2147483648;
  for (let i = 0; i < n; i++) {
    const d = days[i] as number;
    if (!(d >= fromDay && d <= toDay)) continue;
    const c = customers[i] as number;
    if (!(c >= 0 && c < log.customerCount)) {
      throw new NurtureError('invalid_input', `transaction ${i + 1}: customer index ${c} is out of range`);
    }
    const p = period === 'day' ? d : Math.floor((d + 3) / 7);
    if (c < lastC || (c === lastC && p < lastP)) grouped = false;
    lastC = c;
    lastP = p;
    rowsAll[m] = i;
    custAll[m] = c;
    perAll[m] = p;
    m++;
  }
  const rows = rowsAll.subarray(0, m);
  const cust = custAll.subarray(0, m);
  const per = perAll.subarray(0, m);
  const order = grouped ? null : groupByCustomer(cust, per, log.customerCount);
  return collapse(log, rows, per, cust, order);
}

function validateLog(log: TransactionLog): void {
  const n = log.customer.length;
  if (log.day.length !== n || (log.amount !== undefined && log.amount.length !== n)) {
    throw new NurtureError('invalid_input', 'transaction columns have different lengths');
  }
}

/** Row order grouped by customer (stable counting sort), each group ascending by period. */
function groupByCustomer(cust: Int32Array, per: Int32Array, customerCount: number): Int32Array {
  const m = cust.length;
  const start = new Int32Array(customerCount + 1);
  for (let i = 0; i < m; i++) {
    const c = (cust[i] as number) + 1;
    start[c] = (start[c] as number) + 1;
  }
  for (let c = 0; c < customerCount; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const next = start.slice(0, customerCount);
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const c = cust[i] as number;
    order[next[c] as number] = i;
    next[c] = (next[c] as number) + 1;
  }
  for (let c = 0; c < customerCount; c++) sortSegment(order, per, start[c] as number, start[c + 1] as number);
  return order;
}

/** Sorts order[lo, hi) by per[order[k]]: insertion sort for the usual handful of rows. */
function sortSegment(order: Int32Array, per: Int32Array, lo: number, hi: number): void {
  let sorted = true;
  for (let k = lo + 1; k < hi; k++) {
    if ((per[order[k] as number] as number) < (per[order[k - 1] as number] as number)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  if (hi - lo <= 32) {
    for (let k = lo + 1; k < hi; k++) {
      const o = order[k] as number;
      const key = per[o] as number;
      let j = k - 1;
      while (j >= lo && (per[order[j] as number] as number) > key) {
        order[j + 1] = order[j] as number;
        j--;
      }
      order[j + 1] = o;
    }
    return;
  }
  const seg = Array.from(order.subarray(lo, hi)).sort(
    (a, b) => (per[a] as number) - (per[b] as number) || a - b,
  );
  order.set(seg, lo);
}

/** Walks the rows in (customer, period) order and keeps one entry per distinct period. */
function collapse(
  log: TransactionLog,
  rows: Int32Array,
  per: Int32Array,
  cust: Int32Array,
  order: Int32Array | null,
): CustomerPeriods {
  const m = rows.length;
  const offsets = new Int32Array(log.customerCount + 1);
  const periods = new Int32Array(m);
  const value = new Float64Array(m);
  const amount = log.amount;
  let k = -1;
  let lastC = -1;
  let lastP = 0;
  for (let i = 0; i < m; i++) {
    const o = order === null ? i : (order[i] as number);
    const c = cust[o] as number;
    const p = per[o] as number;
    if (c !== lastC || p !== lastP) {
      k++;
      periods[k] = p;
      offsets[c + 1] = (offsets[c + 1] as number) + 1;
      lastC = c;
      lastP = p;
    }
    if (amount !== undefined) value[k] = (value[k] as number) + (amount[rows[o] as number] as number);
  }
  for (let c = 0; c < log.customerCount; c++)
    offsets[c + 1] = (offsets[c + 1] as number) + (offsets[c] as number);
  return { offsets, periods: periods.slice(0, k + 1), value: value.slice(0, k + 1) };
}

/**
 * lifetimes' summary_data_from_transaction_data: one row per customer with at least one
 * purchase on or before `until`; later transactions are ignored.
 */
export function summarizeTransactions(log: TransactionLog, options: SummaryOptions): RfmSummary {
  const unit = options.unit ?? 'day';
  const period = options.period ?? 'day';
  if (!Number.isInteger(options.until)) throw new NurtureError('invalid_input', 'until must be a whole day');
  return (
    summarizeInOnePass(log, options.until, unit, period) ?? summarizeGrouped(log, options.until, unit, period)
  );
}

/**
 * The common case — every customer's rows in date order, as in an export sorted by date or by
 * customer then date — needs no grouping at all: one pass keeps, per customer, the first and
 * last period, the number of distinct periods and the value of the later periods. Returns null
 * as soon as a customer's dates go backwards, and the caller takes the general path.
 */
function summarizeInOnePass(
  log: TransactionLog,
  until: number,
  unit: TimeUnit,
  period: Period,
): RfmSummary | null {
  validateLog(log);
  const nc = log.customerCount;
  const first = new Int32Array(nc).fill(-2147483648);
  const last = new Int32Array(nc);
  const distinct = new Int32Array(nc);
  const repeatValue = new Float64Array(nc);
  const { day, customer, amount } = log;
  for (let i = 0; i < day.length; i++) {
    const d = day[i] as number;
    if (d > until) continue;
    const c = customer[i] as number;
    if (!(c >= 0 && c < nc))
      throw new NurtureError('invalid_input', `transaction ${i + 1}: customer index ${c} is out of range`);
    const p = period === 'day' ? d : Math.floor((d + 3) / 7);
    const v = amount === undefined ? 0 : (amount[i] as number);
    if (distinct[c] === 0) {
      first[c] = p;
      last[c] = p;
      distinct[c] = 1;
    } else if (p > (last[c] as number)) {
      last[c] = p;
      distinct[c] = (distinct[c] as number) + 1;
    } else if (p !== last[c]) return null;
    // Repeat value summed on its own (not total − first), so equal repeat spends stay equal.
    if (p !== first[c]) repeatValue[c] = (repeatValue[c] as number) + v;
  }
  const scale = periodDays(period) / UNIT_DAYS[unit];
  const endP = periodOf(until, period);
  let rows = 0;
  for (let c = 0; c < nc; c++) if ((distinct[c] as number) > 0) rows++;
  const out = emptySummary(rows, unit, period, until);
  for (let c = 0, row = 0; c < nc; c++) {
    const k = distinct[c] as number;
    if (k === 0) continue;
    const f = first[c] as number;
    out.customer[row] = c;
    out.frequency[row] = k - 1;
    out.recency[row] = ((last[c] as number) - f) * scale;
    out.T[row] = (endP - f) * scale;
    out.monetaryValue[row] = k > 1 ? (repeatValue[c] as number) / (k - 1) : 0;
    out.firstDay[row] = periodStartDay(f, period);
    row++;
  }
  return out;
}

function emptySummary(rows: number, unit: TimeUnit, period: Period, until: number): RfmSummary {
  return {
    unit,
    period,
    until,
    customer: new Int32Array(rows),
    frequency: new Float64Array(rows),
    recency: new Float64Array(rows),
    T: new Float64Array(rows),
    monetaryValue: new Float64Array(rows),
    firstDay: new Int32Array(rows),
  };
}

/** Any row order: group by customer and period first. */
function summarizeGrouped(log: TransactionLog, until: number, unit: TimeUnit, period: Period): RfmSummary {
  const options = { until };
  const cp = customerPeriods(log, period, options.until);
  const scale = periodDays(period) / UNIT_DAYS[unit];
  const endP = periodOf(options.until, period);
  let rowsCount = 0;
  for (let c = 0; c < log.customerCount; c++)
    if ((cp.offsets[c + 1] as number) > (cp.offsets[c] as number)) rowsCount++;
  const out = emptySummary(rowsCount, unit, period, options.until);
  let row = 0;
  for (let c = 0; c < log.customerCount; c++) {
    const s = cp.offsets[c] as number;
    const e = cp.offsets[c + 1] as number;
    if (e === s) continue;
    const first = cp.periods[s] as number;
    const last = cp.periods[e - 1] as number;
    let repeatValue = 0;
    for (let k = s + 1; k < e; k++) repeatValue += cp.value[k] as number;
    out.customer[row] = c;
    out.frequency[row] = e - s - 1;
    out.recency[row] = (last - first) * scale;
    out.T[row] = (endP - first) * scale;
    out.monetaryValue[row] = e - s > 1 ? repeatValue / (e - s - 1) : 0;
    out.firstDay[row] = periodStartDay(first, period);
    row++;
  }
  return out;
}

export interface CalibrationHoldoutOptions {
  /** Last day of the calibration period (inclusive). */
  calibrationEnd: number;
  /** Last day of the holdout period (inclusive). */
  observationEnd: number;
  unit?: TimeUnit;
  period?: Period;
}

/** Holdout statistics aligned row by row with the calibration summary. */
export interface HoldoutData {
  /** Distinct purchase periods after the calibration end, up to the observation end. */
  frequency: Float64Array;
  /** Mean value of those periods (0 when there are none). */
  monetaryValue: Float64Array;
  /** Length of the holdout in the model unit. */
  duration: number;
}

export interface CalibrationHoldout {
  calibration: RfmSummary;
  holdout: HoldoutData;
}

/**
 * lifetimes' calibration_and_holdout_data: customers who bought during calibration, their
 * calibration summary, and what they did in the holdout.
 */
export function calibrationHoldoutSplit(
  log: TransactionLog,
  options: CalibrationHoldoutOptions,
): CalibrationHoldout {
  const unit = options.unit ?? 'day';
  const period = options.period ?? 'day';
  if (!(options.observationEnd > options.calibrationEnd)) {
    throw new NurtureError('invalid_input', 'the holdout must end after the calibration period');
  }
  const calibration = summarizeTransactions(log, { until: options.calibrationEnd, unit, period });
  const later = customerPeriods(log, period, options.observationEnd, options.calibrationEnd + 1);
  const n = calibration.customer.length;
  const frequency = new Float64Array(n);
  const monetaryValue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = calibration.customer[i] as number;
    const s = later.offsets[c] as number;
    const e = later.offsets[c + 1] as number;
    let v = 0;
    for (let k = s; k < e; k++) v += later.value[k] as number;
    frequency[i] = e - s;
    monetaryValue[i] = e > s ? v / (e - s) : 0;
  }
  const scale = periodDays(period) / UNIT_DAYS[unit];
  const duration =
    (periodOf(options.observationEnd, period) - periodOf(options.calibrationEnd, period)) * scale;
  return { calibration, holdout: { frequency, monetaryValue, duration } };
}
