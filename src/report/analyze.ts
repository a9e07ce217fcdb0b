import { resolveAnalyticsConfig } from '../domain/analytics/config.js';
import type { AnalysisReport, CustomerRow, SegmentKpis } from '../domain/analytics/types.js';
import { parseDateTime } from '../domain/time.js';
import { NurtureError } from '../errors.js';
import { csvLine } from '../ingest/csv.js';
import { importFile } from '../ingest/import-file.js';
import { writeOutputFile } from '../output-file.js';
import { analyzeShop, listCustomerRows, segmentKpis } from '../store/analytics/index.js';
import { type RefreshMembershipResult, refreshAllSegments } from '../store/segments/index.js';
import { openStore, type Store } from '../store/store.js';
import { renderHtmlReport } from './html.js';
import type { Lang } from './labels.js';

const DAY_MS = 86_400_000;

/** The KPIs of every segment (refreshed as of the report) for the report's period. */
function segmentsOf(store: Store, shopId: string, report: AnalysisReport): Promise<SegmentKpis[]> {
  return segmentKpis(
    store.engine,
    shopId,
    { ...report.period, asOf: report.asOf, thresholds: report.thresholds },
    resolveAnalyticsConfig(),
  );
}

/** Where the data to analyse comes from: a file analysed in a throw-away store, or a store. */
export type AnalysisSource =
  | { kind: 'file'; path: string; format: 'shopify-orders' | 'orders-csv'; mappingFile?: string }
  | { kind: 'store'; store: Store };

export interface AnalysisRequest {
  shopId: string;
  /** A date ('YYYY-MM-DD', the whole day counts) or an instant; default: see `resolveAsOf`. */
  asOf?: string;
  lang: Lang;
  htmlPath?: string;
  customersOutPath?: string;
  /**
   * Also the KPIs per saved segment, refreshed in full as of the analysis (a store's segments are
   * refreshed anyway; a file's throw-away store gets its built-ins for this).
   */
  segments?: boolean;
  /** The machine clock, read at the edge (the domain never reads it). */
  now: Date;
}

export interface AnalysisOutcome {
  report: AnalysisReport;
  customers: number;
  files: string[];
  /**
   * The full refresh of the shop's segments that followed the new scores (a store always; a file
   * only with `segments`, in its throw-away store).
   */
  membership?: RefreshMembershipResult;
}

/**
 * `nurture analyze`: analyses a file (imported into an in-memory store that is thrown away) or
 * the store, and writes the HTML report and the customers CSV when asked.
 */
export async function runAnalysis(
  source: AnalysisSource,
  request: AnalysisRequest,
): Promise<AnalysisOutcome> {
  if (source.kind === 'store') return analyzeStore(source.store, request);
  const store = await openStore({ db: ':memory:' });
  try {
    await importFile(store, {
      shopId: request.shopId,
      format: source.format,
      path: source.path,
      ...(source.mappingFile ? { mappingFile: source.mappingFile } : {}),
    });
    return await analyzeStore(store, request, true);
  } finally {
    await store.close();
  }
}

async function analyzeStore(
  store: Store,
  request: AnalysisRequest,
  fromFile = false,
): Promise<AnalysisOutcome> {
  const shop = await store.requireShop(request.shopId);
  const asOf = await resolveAsOf(store, request, shop.timezone, fromFile);
  const report = await analyzeShop(store, request.shopId, { asOf });
  // The scores just moved customers between groups: a store's segments follow them at once, so
  // that the built-ins and their entries and exits (campaign triggers) agree with the report.
  const membership =
    !fromFile || request.segments ? await refreshAllSegments(store, request.shopId, asOf) : undefined;
  if (request.segments) report.segments = await segmentsOf(store, request.shopId, report);
  const files: string[] = [];
  let customers = 0;
  if (request.htmlPath) {
    await writeOutputFile(request.htmlPath, renderHtmlReport(report, request.lang));
    files.push(request.htmlPath);
  }
  if (request.customersOutPath) {
    const rows = await listCustomerRows(store.engine, request.shopId, { orderBy: 'customer' });
    await writeOutputFile(request.customersOutPath, customersCsv(rows));
    customers = rows.length;
    files.push(request.customersOutPath);
  }
  return { report, customers, files, ...(membership ? { membership } : {}) };
}

/**
 * The as-of instant. A date alone means the end of that day in the shop's time zone. Without
 * one, a store is analysed as of now and a file as of the end of its last order's day — an
 * export from last year should not make every customer look churned.
 */
async function resolveAsOf(
  store: Store,
  request: AnalysisRequest,
  timeZone: string,
  fromFile: boolean,
): Promise<Date> {
  if (request.asOf !== undefined) {
    const text = request.asOf.trim();
    const parsed = parseDateTime(text, undefined, timeZone);
    if (!parsed)
      throw new NurtureError('invalid_input', `--as-of: not a date: "${request.asOf}" (use YYYY-MM-DD)`);
    return /^\d{4}-\d{2}-\d{2}$/.test(text) ? lastInstantOfDay(parsed) : parsed;
  }
  if (!fromFile) return request.now;
  const last = (await store.summary(request.shopId)).lastOrderAt;
  if (!last) throw new NurtureError('not_enough_data', 'the file has no orders to analyse');
  return endOfShopDay(last, timeZone);
}

function endOfShopDay(instant: Date, timeZone: string): Date {
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
  return lastInstantOfDay(parseDateTime(day, undefined, timeZone) ?? instant);
}

/** The last millisecond of the day that starts at `dayStart`: still that day in the shop's calendar. */
const lastInstantOfDay = (dayStart: Date): Date => new Date(dayStart.getTime() + DAY_MS - 1);

export const CUSTOMER_CSV_COLUMNS = [
  'customer_id',
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

export function customersCsv(rows: readonly CustomerRow[]): string {
  const iso = (d: Date | null) => (d ? d.toISOString() : '');
  const lines = rows.map((c) =>
    csvLine([
      c.customerId,
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
