import { resolveAnalyticsConfig } from '../domain/analytics/config.js';
import type { AnalysisReport, SegmentKpis } from '../domain/analytics/types.js';
import { NurtureError } from '../errors.js';
import { writeOutputFile } from '../output-file.js';
import { customersCsv } from '../report/customers-csv.js';
import { renderHtmlReport } from '../report/html.js';
import type { Lang } from '../report/labels.js';
import { analyzeShop, listCustomerRows, segmentKpis } from '../store/analytics/index.js';
import { rewindForReport } from '../store/analytics/rewind.js';
import { type RefreshMembershipResult, refreshAllSegments } from '../store/segments/index.js';
import { openStore, type Store } from '../store/store.js';
import { endOfShopDay, isLive, resolveAsOf } from './as-of.js';
import { type AppContext, makeContext } from './context.js';
import { importFile } from './imports.js';

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
  | { kind: 'file'; path: string; format: 'shopify-orders' | 'orders-csv'; mapping?: string }
  | { kind: 'store'; ctx: AppContext };

export interface AnalysisRequest {
  shopId: string;
  /** A date ('YYYY-MM-DD', the whole day counts) or an instant; default: see `resolveAsOf`. */
  asOf?: string;
  /**
   * The KPI period (the dashboard's period picker): from an instant, or the last `days` before the
   * as-of instant; default the last `periodDays` (365), as `nurture analyze` reports.
   */
  period?: { from: Date } | { days: number };
  lang: Lang;
  htmlPath?: string;
  customersOutPath?: string;
  /**
   * Also the KPIs per saved segment, refreshed in full as of the analysis (a store's segments are
   * refreshed anyway; a file's throw-away store gets its built-ins for this).
   */
  segments?: boolean;
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
  if (source.kind === 'store') return analyzeStore(source.ctx, request);
  const ctx = makeContext(await openStore({ db: ':memory:' }));
  try {
    await importFile(ctx, {
      shopId: request.shopId,
      format: source.format,
      path: source.path,
      ...(source.mapping ? { mapping: source.mapping } : {}),
    });
    return await analyzeStore(ctx, request, true);
  } finally {
    await ctx.store.close();
  }
}

async function analyzeStore(
  ctx: AppContext,
  request: AnalysisRequest,
  fromFile = false,
): Promise<AnalysisOutcome> {
  const shop = await ctx.store.requireShop(request.shopId);
  // One reading of the clock: "now" resolved to an instant must still count as now a moment later.
  const now = ctx.clock.now();
  const asOf = await analysisAsOf(ctx, request, shop.timezone, fromFile, now);
  // Only an analysis as of now rewrites live state (scores, groups, segment members and their
  // history: the campaign triggers). A past date is a report of the shop as it was then, computed
  // by the same SQL in a transaction that is rolled back; a file's store is thrown away anyway.
  if (fromFile || isLive(asOf, now)) return analyzeLive(ctx.store, request, asOf, fromFile);
  return ctx.store.scratch((tx) => analyzePast(tx, request, asOf));
}

/** The analysis as of now: scores and groups are written, and the segments follow them. */
async function analyzeLive(
  store: Store,
  request: AnalysisRequest,
  asOf: Date,
  fromFile: boolean,
): Promise<AnalysisOutcome> {
  const report = await analyzeShop(store, request.shopId, { asOf, ...periodStart(request) });
  // The scores just moved customers between groups: a store's segments follow them at once, so
  // that the built-ins and their entries and exits (campaign triggers) agree with the report.
  const membership =
    !fromFile || request.segments ? await refreshAllSegments(store, request.shopId, asOf) : undefined;
  if (request.segments) report.segments = await segmentsOf(store, request.shopId, report);
  return { ...(await writeOutputs(store, request, report)), ...(membership ? { membership } : {}) };
}

/**
 * The analysis as of a past date, in a scratch transaction: stats from the orders there were
 * then, and segment members as of then when their figures are asked for (the shop's tables
 * rewound to the date). Everything it writes or deletes is rolled back with the transaction; the
 * outputs are written before, from what it saw.
 */
async function analyzePast(tx: Store, request: AnalysisRequest, asOf: Date): Promise<AnalysisOutcome> {
  const report = await analyzeShop(tx, request.shopId, {
    asOf,
    refreshStats: 'as-of',
    ...periodStart(request),
  });
  if (request.segments) {
    // Segment queries read orders, events and customers as they are: rewind them to the date.
    await rewindForReport(tx.engine, request.shopId, asOf);
    await refreshAllSegments(tx, request.shopId, asOf);
    report.segments = await segmentsOf(tx, request.shopId, report);
  }
  return writeOutputs(tx, request, report);
}

/** The KPI period's options of analyzeShop (none: its default, the last `periodDays`). */
function periodStart(request: AnalysisRequest): { from?: Date; config?: { periodDays: number } } {
  const period = request.period;
  if (!period) return {};
  return 'from' in period ? { from: period.from } : { config: { periodDays: period.days } };
}

async function writeOutputs(
  store: Store,
  request: AnalysisRequest,
  report: AnalysisReport,
): Promise<AnalysisOutcome> {
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
  return { report, customers, files };
}

/**
 * The as-of instant: as given (a date counts the whole day), else a store is analysed as of now
 * and a file as of the end of its last order's day — an export from last year should not make
 * every customer look churned.
 */
async function analysisAsOf(
  ctx: AppContext,
  request: AnalysisRequest,
  timeZone: string,
  fromFile: boolean,
  now: Date,
): Promise<Date> {
  if (request.asOf !== undefined || !fromFile) return resolveAsOf(request.asOf, { timeZone, now });
  const last = (await ctx.store.summary(request.shopId)).lastOrderAt;
  if (!last) throw new NurtureError('not_enough_data', 'the file has no orders to analyse');
  return endOfShopDay(last, timeZone);
}
