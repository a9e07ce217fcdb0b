/**
 * Literals for SQL that the analytics compile from configuration (rules, thresholds, time zones).
 * Values are inlined rather than bound because the same CASE expression is reused in several
 * statements and the engines fold constants; every value passes through one of these functions.
 * The output is in the subset DuckDB and PostgreSQL both read.
 */

/** A quoted SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A DOUBLE PRECISION literal that holds exactly the JavaScript number (shortest round-trip text). */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return `CAST(${sqlString(String(value))} AS DOUBLE PRECISION)`;
}

/** An integer literal. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

/** A DATE literal from 'YYYY-MM-DD'. */
export function sqlDate(isoDay: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDay)) throw new Error(`not a date: ${isoDay}`);
  return `DATE ${sqlString(isoDay)}`;
}

/** A TIMESTAMPTZ literal of an instant (ISO 8601 in UTC, which both engines read). */
export function sqlTimestamp(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new Error('invalid date');
  return `CAST(${sqlString(instant.toISOString())} AS TIMESTAMPTZ)`;
}

/** The calendar day (in `timeZone`) of a timestamp column or expression, as SQL DATE. */
export function localDaySql(expr: string, timeZone: string): string {
  return `CAST((${expr}) AT TIME ZONE ${sqlString(timeZone)} AS DATE)`;
}
