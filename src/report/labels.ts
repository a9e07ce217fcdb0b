import type { Kpis, Localized, SegmentKpis, ThresholdSource } from '../domain/analytics/types.js';
import { builtinSegmentLabel } from '../domain/segments/builtins.js';

import { assertNever } from '../errors.js';
import { formatterFor, type Lang, SEPARATORS } from './format.js';

export type { Lang };

/** How a KPI is shown: its label and the kind of number it is. */
export interface KpiFormat {
  key: keyof Kpis;
  label: Localized;
  kind: 'money' | 'count' | 'rate' | 'days' | 'ratio' | 'score';
}

/** The KPIs shown as cards and in the terminal table, in that order. */
export const HEADLINE_KPIS: readonly KpiFormat[] = [
  { key: 'revenue', label: { vi: 'Doanh thu', en: 'Revenue' }, kind: 'money' },
  { key: 'orders', label: { vi: 'Đơn hàng', en: 'Orders' }, kind: 'count' },
  { key: 'customers', label: { vi: 'Khách hàng mua', en: 'Buying customers' }, kind: 'count' },
  { key: 'aov', label: { vi: 'Giá trị đơn TB (AOV)', en: 'Average order value' }, kind: 'money' },
  { key: 'repeatRate', label: { vi: 'Tỉ lệ mua lại', en: 'Repeat purchase rate' }, kind: 'rate' },
  {
    key: 'returningRevenueShare',
    label: { vi: 'Doanh thu từ khách quay lại', en: 'Returning-customer revenue' },
    kind: 'rate',
  },
  { key: 'purchaseFrequency', label: { vi: 'Tần suất mua', en: 'Purchase frequency' }, kind: 'ratio' },
  {
    key: 'avgDaysBetweenOrders',
    label: { vi: 'Số ngày giữa 2 đơn', en: 'Days between orders' },
    kind: 'days',
  },
  { key: 'retentionRate', label: { vi: 'Tỉ lệ giữ chân', en: 'Retention rate' }, kind: 'rate' },
  { key: 'churnRate', label: { vi: 'Tỉ lệ rời bỏ', en: 'Churn rate' }, kind: 'rate' },
  { key: 'historicalClv', label: { vi: 'CLV lịch sử', en: 'Historical CLV' }, kind: 'money' },
  { key: 'nps', label: { vi: 'NPS', en: 'NPS' }, kind: 'score' },
  {
    key: 'visitorConversion',
    label: { vi: 'Chuyển đổi khách truy cập', en: 'Visitor conversion' },
    kind: 'rate',
  },
  { key: 'cac', label: { vi: 'Chi phí có 1 khách (CAC)', en: 'Cost per acquired customer' }, kind: 'money' },
  { key: 'clvToCac', label: { vi: 'CLV : CAC', en: 'CLV : CAC' }, kind: 'ratio' },
  {
    key: 'revenuePerReferredCustomer',
    label: { vi: 'Doanh thu / khách được giới thiệu', en: 'Revenue per referred customer' },
    kind: 'money',
  },
  {
    key: 'upCrossSellRate',
    label: { vi: 'Tỉ lệ bán thêm / bán chéo', en: 'Up-/cross-sell rate' },
    kind: 'rate',
  },
  { key: 'reactivationRate', label: { vi: 'Tỉ lệ kích hoạt lại', en: 'Reactivation rate' }, kind: 'rate' },
  { key: 'reactivationCost', label: { vi: 'Chi phí kích hoạt lại', en: 'Reactivation cost' }, kind: 'money' },
  { key: 'codFailureRate', label: { vi: 'Tỉ lệ COD thất bại', en: 'COD failure rate' }, kind: 'rate' },
];

/** The KPIs shown per segment (`nurture analyze --segments`), in the headline order. */
export const SEGMENT_KPIS: readonly KpiFormat[] = HEADLINE_KPIS.filter((k) =>
  (['revenue', 'orders', 'customers', 'aov', 'repeatRate'] as const).some((key) => key === k.key),
);

/** A segment's cells after its name: members, then SEGMENT_KPIS, formatted. */
export function segmentCells(s: SegmentKpis, currency: string, lang: Lang): string[] {
  return [
    formatKpi(s.members, 'count', currency, lang),
    ...SEGMENT_KPIS.map((k) => formatKpi(s.kpis[k.key] as number | null, k.kind, currency, lang)),
  ];
}

export const UI: Record<string, Localized> = {
  title: { vi: 'Báo cáo khách hàng', en: 'Customer report' },
  asOf: { vi: 'Tính đến', en: 'As of' },
  period: { vi: 'Kỳ', en: 'Period' },
  kpis: { vi: 'Chỉ số chính', en: 'Key figures' },
  rfm: { vi: 'Lưới RFM (Recency × Frequency)', en: 'RFM grid (Recency × Frequency)' },
  rfmGroups: { vi: 'Nhóm RFM', en: 'RFM groups' },
  lifecycle: { vi: 'Vòng đời khách hàng', en: 'Customer lifecycle' },
  valueGroups: { vi: 'Giá trị × tần suất × hoạt động', en: 'Value × frequency × activity' },
  cohorts: { vi: 'Giữ chân theo nhóm tháng đầu', en: 'Monthly cohort retention' },
  transitions: { vi: 'Dịch chuyển giữa các nhóm', en: 'Moves between groups' },
  best: { vi: 'Khách hàng tốt nhất', en: 'Best customers' },
  byRevenue: { vi: 'Theo doanh thu', en: 'By revenue' },
  byOrders: { vi: 'Theo số đơn', en: 'By number of orders' },
  group: { vi: 'Nhóm', en: 'Group' },
  customers: { vi: 'Khách hàng', en: 'Customers' },
  revenue: { vi: 'Doanh thu', en: 'Revenue' },
  revenueShare: { vi: '% doanh thu', en: 'Revenue share' },
  goal: { vi: 'Mục tiêu', en: 'Goal' },
  actions: { vi: 'Hành động đề xuất', en: 'Recommended actions' },
  watch: { vi: 'Chỉ số cần theo dõi', en: 'KPIs to watch' },
  orders: { vi: 'Đơn', en: 'Orders' },
  customer: { vi: 'Khách hàng', en: 'Customer' },
  lastOrder: { vi: 'Đơn gần nhất', en: 'Last order' },
  newCustomer: { vi: '(chưa là khách)', en: '(not yet a customer)' },
  thresholds: { vi: 'Ngưỡng áp dụng', en: 'Thresholds used' },
  cohort: { vi: 'Tháng đầu', en: 'First month' },
  size: { vi: 'Số khách', en: 'Size' },
  month: { vi: 'Tháng', en: 'Month' },
  from: { vi: 'Từ', en: 'From' },
  to: { vi: 'Đến', en: 'To' },
  segments: { vi: 'Chỉ số theo phân khúc', en: 'Key figures by segment' },
  segment: { vi: 'Phân khúc', en: 'Segment' },
  members: { vi: 'Thành viên', en: 'Members' },
};

export function t(key: keyof typeof UI, lang: Lang): string {
  return UI[key]?.[lang] ?? String(key);
}

/** Formats a number as its KPI kind, the Vietnamese way for `vi` (1.250.000 ₫, 36,0 %). */
export function formatKpi(
  value: number | null,
  kind: KpiFormat['kind'],
  currency: string,
  lang: Lang,
): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const f = formatterFor(lang);
  switch (kind) {
    case 'money':
      return f.money(value, currency);
    case 'count':
      return f.count(value);
    case 'rate':
      return f.percent(value, 1);
    case 'days':
      return `${f.upTo(value, 1)} ${lang === 'vi' ? 'ngày' : 'days'}`;
    case 'ratio':
      return f.upTo(value, 2);
    case 'score':
      return f.upTo(value, 1);
    default:
      return assertNever(kind, 'KPI kind');
  }
}

/** An amount in the language's format (see report/format.ts). */
export function formatCurrency(value: number, currency: string, lang: Lang): string {
  return formatterFor(lang).money(value, currency);
}

/** The day of an instant in the shop's time zone. */
export function formatDate(d: Date | null, timeZone: string): string {
  if (!d) return '–';
  return formatterFor('en').date(d, timeZone);
}

/**
 * How the report writes a kind of number, for code that formats numbers in the page (chart axes):
 * the same grouping, decimal mark, affixes and digits as `formatCurrency` and `formatKpi`, so an
 * axis reads 400.000.000 ₫ where the tables do (test/report/html-report.test.ts checks they agree).
 */
export interface NumberSpec {
  group: string;
  decimal: string;
  prefix: string;
  suffix: string;
  digits: number;
}

/** Amounts as `formatCurrency` writes them. */
export function moneySpec(currency: string, lang: Lang): NumberSpec {
  if (currency === 'VND') return { ...SEPARATORS[lang], prefix: '', suffix: ' ₫', digits: 0 };
  return specOf(new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency }));
}

/** Counts as `formatKpi(…, 'count')` writes them. */
export function countSpec(lang: Lang): NumberSpec {
  return { ...SEPARATORS[lang], prefix: '', suffix: '', digits: 0 };
}

function localeOf(lang: Lang): string {
  return lang === 'vi' ? 'vi-VN' : 'en-US';
}

/** The parts Intl writes a large number with, read back as a spec. */
function specOf(format: Intl.NumberFormat): NumberSpec {
  const spec: NumberSpec = { group: '', decimal: '.', prefix: '', suffix: '', digits: 0 };
  let inNumber = false;
  for (const part of format.formatToParts(1234567.891)) {
    if (part.type === 'integer') inNumber = true;
    else if (part.type === 'group') spec.group = part.value;
    else if (part.type === 'decimal') spec.decimal = part.value;
    else if (part.type === 'fraction') spec.digits = part.value.length;
    else if (inNumber) spec.suffix += part.value;
    else spec.prefix += part.value;
  }
  return spec;
}

/** Where a threshold came from, as the report says it. */
export const THRESHOLD_SOURCES: Record<ThresholdSource, Localized> = {
  fitted: { vi: 'ước lượng từ dữ liệu', en: 'fitted to the data' },
  configured: { vi: 'theo cấu hình', en: 'configured' },
  fallback: { vi: 'mặc định, chưa đủ dữ liệu', en: 'default, too little data' },
};

/** A segment's name as a seller reads it: a built-in one by its group's label, others as named. */
export function segmentLabel(name: string, lang: Lang): string {
  return builtinSegmentLabel(name)?.[lang] ?? name;
}
