/**
 * The overview's charts as ECharts options, drawn on the server (charts.ts). The data come shaped
 * as the HTML report shapes them (report/html-charts.ts); axes and tooltips format numbers with
 * the reader's formatter.
 */
import type { SeriesPoint } from '../../../domain/analytics/series.js';
import type { AnalysisReport, GroupReport, TransitionMatrix } from '../../../domain/analytics/types.js';
import type { Formatter } from '../../../report/format.js';
import { cohortsData, rfmCellsData, transitionsData } from '../../../report/html-charts.js';
import { svgChart } from '../charts.js';
import { type Html, html } from '../html.js';
import { type Catalogue, type Lang, tr } from '../i18n.js';

export const CHART_T = {
  revenue: { vi: 'Doanh thu', en: 'Revenue' },
  orders: { vi: 'Đơn hàng', en: 'Orders' },
  customerShare: { vi: '% khách hàng', en: 'Share of customers' },
  revenueShare: { vi: '% doanh thu', en: 'Share of revenue' },
  overTime: { vi: 'Doanh thu và đơn hàng theo {unit}', en: 'Revenue and orders per {unit}' },
  day: { vi: 'ngày', en: 'day' },
  month: { vi: 'tháng', en: 'month' },
  rfmChart: {
    vi: 'Lưới RFM: số khách theo điểm R (gần đây) và F (tần suất)',
    en: 'RFM grid: customers by R (recency) and F (frequency) score',
  },
  cohortChart: {
    vi: 'Tỉ lệ giữ chân theo tháng mua đầu (%)',
    en: 'Retention by month of first purchase (%)',
  },
  movesChart: {
    vi: 'Số khách chuyển từ nhóm (hàng) sang nhóm (cột)',
    en: 'Customers moving from group (row) to group (column)',
  },
  groupsChart: {
    vi: 'Tỉ trọng khách hàng và doanh thu theo nhóm',
    en: 'Share of customers and revenue per group',
  },
  monthsAfter: { vi: 'Tháng thứ', en: 'Month' },
} as const satisfies Catalogue;

const AXIS_FONT = 12;

/**
 * A chart that keeps at least `minWidth` pixels: on a phone its box scrolls sideways rather than
 * shrinking the text below reading size; on a desktop it scales to the column.
 */
export function scrolling(chart: Html, minWidth: number, maxWidth?: number): Html {
  const style = `min-width:${minWidth}px${maxWidth ? `;max-width:${maxWidth}px` : ''}`;
  return html`<div class="scroll"><div class="chart-box" style="${style}">${chart}</div></div>`;
}

/** Revenue (bars) and valid orders (line) per day or month. */
export function seriesChart(
  series: { unit: 'day' | 'month'; points: SeriesPoint[] },
  fmt: Formatter,
  lang: Lang,
): Html {
  const label = tr(series.unit === 'day' ? CHART_T.day : CHART_T.month, lang);
  const title = tr(CHART_T.overTime, lang).replace('{unit}', label);
  const compact = (v: number) => compactNumber(v, fmt);
  const font = 15;
  return svgChart(
    {
      legend: {
        top: 0,
        data: [tr(CHART_T.revenue, lang), tr(CHART_T.orders, lang)],
        textStyle: { fontSize: font },
      },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: series.points.map((p) => (series.unit === 'day' ? p.bucket.slice(5) : p.bucket)),
        axisLabel: { fontSize: font },
      },
      yAxis: [
        { type: 'value', axisLabel: { formatter: compact, fontSize: font } },
        {
          type: 'value',
          splitLine: { show: false },
          axisLabel: { formatter: (v: number) => fmt.count(v), fontSize: font },
        },
      ],
      series: [
        {
          name: tr(CHART_T.revenue, lang),
          type: 'bar',
          data: series.points.map((p) => Math.round(p.revenue)),
        },
        {
          name: tr(CHART_T.orders, lang),
          type: 'line',
          yAxisIndex: 1,
          symbol: 'none',
          data: series.points.map((p) => p.orders),
        },
      ],
    },
    { label: title, width: 1000, height: 340 },
  );
}

/** Share of customers and of period revenue per group of a model (horizontal bars). */
export function groupsChart<G extends string>(
  groups: readonly GroupReport<G>[],
  fmt: Formatter,
  lang: Lang,
): Html {
  const pct = (v: number | null) => Math.round((v ?? 0) * 1000) / 10;
  const shown = [...groups].reverse();
  return svgChart(
    {
      legend: { top: 0, data: [tr(CHART_T.customerShare, lang), tr(CHART_T.revenueShare, lang)] },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => `${fmt.upTo(v, 1)} %`, fontSize: AXIS_FONT },
      },
      yAxis: {
        type: 'category',
        data: shown.map((g) => g.label[lang]),
        axisLabel: { fontSize: AXIS_FONT, width: 170, overflow: 'truncate' },
      },
      series: [
        { name: tr(CHART_T.customerShare, lang), type: 'bar', data: shown.map((g) => pct(g.customerShare)) },
        { name: tr(CHART_T.revenueShare, lang), type: 'bar', data: shown.map((g) => pct(g.revenueShare)) },
      ],
    },
    { label: tr(CHART_T.groupsChart, lang), width: 560, height: Math.max(220, 60 + shown.length * 34) },
  );
}

/** A heat map of [x, y, value] cells with its value in each cell. */
function heatMap(
  x: readonly string[],
  y: readonly string[],
  cells: readonly [number, number, number][],
  options: {
    label: string;
    width: number;
    height: number;
    max: number;
    cellText: (v: number) => string;
    leftWidth?: number;
  },
): Html {
  const left = options.leftWidth ?? 150;
  // Each column's label wraps within its own band, so neighbours never run into each other.
  const band = Math.floor((options.width - left - 40) / Math.max(1, x.length));
  return svgChart(
    {
      grid: { left: 20, right: 8, top: 8, bottom: 56, containLabel: true },
      xAxis: {
        type: 'category',
        data: [...x],
        splitArea: { show: true },
        axisLabel: { fontSize: AXIS_FONT, interval: 0, width: Math.max(24, band - 6), overflow: 'break' },
      },
      yAxis: {
        type: 'category',
        data: [...y],
        inverse: true,
        splitArea: { show: true },
        axisLabel: { fontSize: AXIS_FONT, width: left, overflow: 'truncate' },
      },
      visualMap: {
        min: 0,
        max: Math.max(1, options.max),
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 160,
        itemWidth: 12,
        text: [options.cellText(options.max) || String(options.max), '0'],
        inRange: { color: ['#f3f7fc', '#0b5cad'] },
        textStyle: { fontSize: AXIS_FONT },
      },
      series: [
        {
          type: 'heatmap',
          data: cells.map((c) => [...c]),
          label: {
            show: true,
            fontSize: AXIS_FONT,
            formatter: (p: { value: [number, number, number] }) => options.cellText(p.value[2]),
          },
        },
      ],
    },
    { label: options.label, width: options.width, height: options.height },
  );
}

const maxOf = (cells: readonly [number, number, number][]) => cells.reduce((m, c) => Math.max(m, c[2]), 0);

/** Customers per R × F cell, R5 (most recent) on top. */
export function rfmChart(report: AnalysisReport, fmt: Formatter, lang: Lang): Html {
  // rfmCellsData gives [F - 1, R - 1, n]; R5 goes on the first (top) row.
  const cells = rfmCellsData(report).map(([f, r, n]) => [f, 4 - r, n] as [number, number, number]);
  return heatMap(['F1', 'F2', 'F3', 'F4', 'F5'], ['R5', 'R4', 'R3', 'R2', 'R1'], cells, {
    label: tr(CHART_T.rfmChart, lang),
    width: 560,
    height: 320,
    max: maxOf(cells),
    cellText: (v) => fmt.count(v),
    leftWidth: 40,
  });
}

/** Cohort retention in percent: a row per month of first purchase, a column per month after it. */
export function cohortChart(report: AnalysisReport, fmt: Formatter, lang: Lang): Html {
  const data = cohortsData(report);
  const months = Array.from({ length: data.months }, (_, k) => `+${k}`);
  return heatMap(months, data.rows, data.cells, {
    label: tr(CHART_T.cohortChart, lang),
    width: cohortChartWidth(data.months),
    height: Math.max(220, 90 + 22 * data.rows.length),
    max: 100,
    cellText: (v) => (v === 0 ? '' : fmt.upTo(v, 0)),
    leftWidth: 130,
  });
}

/** How many customers moved between the groups of a model from one date to another. */
export function movesChart<G extends string>(
  matrix: TransitionMatrix<G>,
  labelOf: (g: G) => string,
  fmt: Formatter,
  lang: Lang,
  timeZone: string,
): Html {
  const data = transitionsData(matrix, labelOf, lang, timeZone);
  return heatMap(data.to, data.from, data.cells, {
    label: `${tr(CHART_T.movesChart, lang)} ${data.title}`,
    width: MOVES_WIDTH,
    height: Math.max(260, 110 + 34 * data.from.length),
    max: maxOf(data.cells),
    cellText: (v) => (v === 0 ? '' : fmt.count(v)),
  });
}

/** The cohort chart's width: room for every month's column. */
export const cohortChartWidth = (months: number) => Math.max(560, 170 + 44 * months);

/** The moves charts' width: seven groups' names side by side. */
export const MOVES_WIDTH = 900;

/** 1.250.000.000 → "1,3 tỷ" / "1.3B": axis labels short enough for a phone. */
function compactNumber(v: number, fmt: Formatter): string {
  const vi = fmt.lang === 'vi';
  const steps: [number, string][] = vi
    ? [
        [1e9, ' tỷ'],
        [1e6, ' tr'],
        [1e3, ' k'],
      ]
    : [
        [1e9, 'B'],
        [1e6, 'M'],
        [1e3, 'k'],
      ];
  for (const [size, suffix] of steps) if (Math.abs(v) >= size) return `${fmt.upTo(v / size, 1)}${suffix}`;
  return fmt.count(v);
}

/** Renders nothing when there is nothing to draw (a shop without orders in the period). */
export const whenAny = (n: number, chart: () => Html, empty: string): Html =>
  n > 0 ? chart() : html`<p class="muted">${empty}</p>`;
