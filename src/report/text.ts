import type { AnalysisReport, CustomerRow, GroupReport, SegmentKpis } from '../domain/analytics/types.js';
import {
  formatCurrency,
  formatDate,
  formatKpi,
  HEADLINE_KPIS,
  type Lang,
  SEGMENT_KPIS,
  segmentCells,
  segmentLabel,
  t,
} from './labels.js';

/** The analysis as terminal text: KPI table, each model's groups with advice, best customers. */
export function renderTextReport(report: AnalysisReport, lang: Lang): string {
  const tz = report.shop.timezone;
  const out: string[] = [];
  out.push(`${t('title', lang)} — ${report.shop.name}`);
  out.push(
    `${t('asOf', lang)}: ${formatDate(report.asOf, tz)} · ${t('period', lang)}: ${formatDate(report.period.from, tz)} → ${formatDate(new Date(report.period.to.getTime() - 1), tz)}`,
  );
  out.push('', heading(t('kpis', lang)));
  out.push(
    table(
      ['', ''],
      HEADLINE_KPIS.map((k) => [
        k.label[lang],
        formatKpi(report.kpis[k.key] as number | null, k.kind, report.shop.currency, lang),
      ]),
      [false, true],
    ),
  );
  for (const [title, groups] of [
    [t('lifecycle', lang), report.lifecycle.groups],
    [t('valueGroups', lang), report.valueGroups.groups],
    [t('rfmGroups', lang), report.rfm.groups],
  ] as const) {
    out.push('', heading(title), groupTable(groups as readonly GroupReport<string>[], report, lang));
    if (groups !== report.rfm.groups) out.push(groupAdvice(groups as readonly GroupReport<string>[], lang));
  }
  if (report.segments)
    out.push('', heading(t('segments', lang)), segmentTable(report.segments, report, lang));
  out.push(
    '',
    heading(`${t('best', lang)} — ${t('byRevenue', lang)}`),
    customerTable(report.bestCustomers.byRevenue, report, lang),
  );
  out.push(
    '',
    heading(`${t('best', lang)} — ${t('byOrders', lang)}`),
    customerTable(report.bestCustomers.byOrders, report, lang),
  );
  return `${out.join('\n')}\n`;
}

const heading = (s: string): string => `== ${s}`;

function groupTable(groups: readonly GroupReport<string>[], report: AnalysisReport, lang: Lang): string {
  const pct = (x: number | null) => formatKpi(x, 'rate', report.shop.currency, lang);
  return table(
    [t('group', lang), t('customers', lang), '%', t('revenue', lang), t('revenueShare', lang)],
    groups.map((g) => [
      g.label[lang],
      formatKpi(g.customers, 'count', report.shop.currency, lang),
      pct(g.customerShare),
      formatCurrency(g.revenue, report.shop.currency, lang),
      pct(g.revenueShare),
    ]),
    [false, true, true, true, true],
  );
}

/** Each segment's members and the headline KPIs of their period (buyers, revenue, orders, AOV, repeat rate). */
function segmentTable(segments: readonly SegmentKpis[], report: AnalysisReport, lang: Lang): string {
  const currency = report.shop.currency;
  return table(
    [t('segment', lang), t('members', lang), ...SEGMENT_KPIS.map((k) => k.label[lang])],
    segments.map((s) => [segmentLabel(s.segment, lang), ...segmentCells(s, currency, lang)]),
    [false, true, ...SEGMENT_KPIS.map(() => true)],
  );
}

function groupAdvice(groups: readonly GroupReport<string>[], lang: Lang): string {
  return groups
    .filter((g) => g.customers > 0)
    .map(
      (g) =>
        `  ${g.label[lang]}: ${t('goal', lang)} — ${g.goal[lang]}\n${g.actions.map((a) => `    • ${a[lang]}`).join('\n')}`,
    )
    .join('\n');
}

function customerTable(rows: readonly CustomerRow[], report: AnalysisReport, lang: Lang): string {
  return table(
    ['#', t('customer', lang), t('orders', lang), t('revenue', lang), t('lastOrder', lang)],
    rows.map((c, i) => [
      String(i + 1),
      c.name ?? c.phone ?? c.email ?? c.customerId,
      formatKpi(c.orders, 'count', report.shop.currency, lang),
      formatCurrency(c.revenue, report.shop.currency, lang),
      formatDate(c.lastOrderAt, report.shop.timezone),
    ]),
    [true, false, true, true, false],
  );
}

/** A plain text table; `right` says which columns align right (numbers). */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[],
): string {
  const width = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(width[i] ?? 0) : c.padEnd(width[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const head = headers.some((h) => h !== '')
    ? [line(headers), width.map((w) => '-'.repeat(w)).join('  ')]
    : [];
  return [...head, ...rows.map(line)].join('\n');
}

/** A column of `listTable`: its header, its cell for a row, and whether it aligns right. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  right?: boolean;
}

/** Rows as a plain text table, a column a spec (no final newline, like `table`). */
export function columnsTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return table(
    columns.map((c) => c.header),
    rows.map((row) => columns.map((c) => c.cell(row))),
    columns.map((c) => c.right === true),
  );
}

/**
 * A list printed as a table with a line a row, or `empty` when there is none (the CLI's lists:
 * coupons, referrals, tasks). Ends with a newline.
 */
export function listTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): string {
  return rows.length === 0 ? `${empty}\n` : `${columnsTable(rows, columns)}\n`;
}
