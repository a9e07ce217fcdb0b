import type { CustomerRow } from '../domain/analytics/types.js';
import { spreadsheetCell } from '../domain/spreadsheet.js';
import { csvLine } from '../ingest/csv.js';

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
