import type { CustomerRow } from '../domain/analytics/types.js';
import { customerName } from '../domain/names.js';
import { spreadsheetCell } from '../domain/spreadsheet.js';
import { assertNever } from '../errors.js';
import { csvLine } from '../ingest/csv.js';
import type { CustomerListItem } from '../store/customers/directory.js';

/** The columns of `analyze --customers-out`, one row per customer. */
export const CUSTOMER_CSV_COLUMNS = [
  'customer_id',
  'name',
  'phone',
  'email',
  'orders',
  'revenue',
  'first_order_at',
  'last_order_at',
  'recency_days',
  'r',
  'f',
  'm',
  'rfm_group',
  'lifecycle',
  'value_group',
] as const;

/**
 * The customers CSV: who each customer is (name, phone, e-mail beside the id), then their stats,
 * scores and groups. It is opened in spreadsheets, so the text a customer or a shop typed cannot
 * become a formula (spreadsheet.ts, as the segment exports).
 */
export function customersCsv(rows: readonly CustomerRow[]): string {
  const iso = (d: Date | null) => (d ? d.toISOString() : '');
  const lines = rows.map((c) =>
    csvLine([
      c.customerId,
      spreadsheetCell(c.name ?? ''),
      spreadsheetCell(c.phone ?? ''),
      spreadsheetCell(c.email ?? ''),
      c.orders,
      c.revenue,
      iso(c.firstOrderAt),
      iso(c.lastOrderAt),
      c.recencyDays,
      c.r,
      c.f,
      c.m,
      c.rfmGroup,
      c.lifecycle,
      c.valueGroup,
    ]),
  );
  return csvLine([...CUSTOMER_CSV_COLUMNS]) + lines.join('');
}

/** The columns a seller may choose on the customers' list, in the order they are shown. */
export const LIST_COLUMNS = [
  'phone',
  'email',
  'city',
  'orders',
  'revenue',
  'aov',
  'first_order_at',
  'last_order_at',
  'lifecycle',
  'value_group',
  'rfm_group',
  'predicted_clv',
  'p_alive',
] as const;
export type ListColumn = (typeof LIST_COLUMNS)[number];

/** What the list shows before a seller chooses. */
export const DEFAULT_LIST_COLUMNS: readonly ListColumn[] = [
  'phone',
  'email',
  'orders',
  'revenue',
  'last_order_at',
  'lifecycle',
  'value_group',
];

/** A customer's name as Vietnamese names read, family name first ('' when it has none). */
export function fullName(c: { firstName: string | null; lastName: string | null }): string {
  return customerName(c.firstName, c.lastName) ?? '';
}

/** One cell of a list row in the CSV (numbers as numbers, instants in ISO, text safe for spreadsheets). */
function listCell(c: CustomerListItem, column: ListColumn): string | number {
  const iso = (d: Date | null) => (d ? d.toISOString() : '');
  const num = (v: number | null) => (v === null ? '' : v);
  switch (column) {
    case 'phone':
      return spreadsheetCell(c.phone ?? '');
    case 'email':
      return spreadsheetCell(c.email ?? '');
    case 'city':
      return spreadsheetCell(c.city ?? '');
    case 'orders':
      return c.orders;
    case 'revenue':
      return c.revenue;
    case 'aov':
      return num(c.aov);
    case 'first_order_at':
      return iso(c.firstOrderAt);
    case 'last_order_at':
      return iso(c.lastOrderAt);
    case 'lifecycle':
      return c.lifecycle ?? '';
    case 'value_group':
      return c.valueGroup ?? '';
    case 'rfm_group':
      return c.rfmGroup ?? '';
    case 'predicted_clv':
      return num(c.predictedClv);
    case 'p_alive':
      return num(c.pAlive);
    default:
      return assertNever(column, 'list column');
  }
}

/** The header line of the customers' list CSV: id, name, then the chosen columns. */
export function customerListCsvHeader(columns: readonly ListColumn[]): string {
  return csvLine(['customer_id', 'name', ...columns]);
}

/** Lines of the customers' list CSV, with the columns the list shows (same names as `customersCsv`). */
export function customerListCsvLines(
  rows: readonly CustomerListItem[],
  columns: readonly ListColumn[],
): string {
  return rows
    .map((c) => csvLine([c.customerId, spreadsheetCell(fullName(c)), ...columns.map((k) => listCell(c, k))]))
    .join('');
}

/** The columns of the best customers of a period (the dashboard's CSV download). */
export const BEST_CUSTOMERS_CSV_COLUMNS = [
  'rank',
  'customer_id',
  'name',
  'phone',
  'email',
  'orders',
  'revenue',
  'last_order_at',
] as const;

/** The best customers of a period as CSV, in their rank order (text made safe for spreadsheets). */
export function bestCustomersCsv(
  rows: readonly {
    customerId: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    orders: number;
    revenue: number;
    lastOrderAt: Date;
  }[],
): string {
  const lines = rows.map((c, i) =>
    csvLine([
      i + 1,
      c.customerId,
      spreadsheetCell(c.name ?? ''),
      spreadsheetCell(c.phone ?? ''),
      spreadsheetCell(c.email ?? ''),
      c.orders,
      c.revenue,
      c.lastOrderAt.toISOString(),
    ]),
  );
  return csvLine([...BEST_CUSTOMERS_CSV_COLUMNS]) + lines.join('');
}
