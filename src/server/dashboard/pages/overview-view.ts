/**
 * The overview's report, rendered: KPI cards with their change against the previous period and
 * their definition on hover or focus, revenue and orders over time, the groups of each model
 * (size, revenue share, goal and recommended actions), the RFM grid and cohort retention.
 */
import type { OverviewData } from '../../../app/overview.js';
import { groupInfo } from '../../../domain/analytics/groups-catalog.js';
import type {
  GroupReport,
  Kpis,
  LifecycleStage,
  TransitionMatrix,
  ValueGroup,
} from '../../../domain/analytics/types.js';
import type { Formatter } from '../../../report/format.js';
import { KPI_DEFINITIONS, LOWER_IS_BETTER } from '../../../report/kpi-definitions.js';
import { formatKpi, HEADLINE_KPIS, type KpiFormat, t } from '../../../report/labels.js';
import { rfmGridNote } from '../../../report/rfm-note.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import {
  cohortChart,
  cohortChartWidth,
  groupsChart,
  MOVES_WIDTH,
  movesChart,
  rfmChart,
  scrolling,
  seriesChart,
  whenAny,
} from './overview-charts.js';

export const VIEW_T = {
  kpis: { vi: 'Chỉ số chính', en: 'Key figures' },
  previous: { vi: 'Kỳ trước ({from} → {to}): {value}', en: 'Previous period ({from} → {to}): {value}' },
  better: { vi: 'tốt hơn', en: 'better' },
  worse: { vi: 'kém hơn', en: 'worse' },
  unchanged: { vi: 'không đổi', en: 'unchanged' },
  noPrevious: { vi: 'kỳ trước chưa có số liệu', en: 'no figure for the previous period' },
  overTime: { vi: 'Doanh thu và đơn hàng theo thời gian', en: 'Revenue and orders over time' },
  lifecycle: { vi: 'Vòng đời khách hàng', en: 'Customer lifecycle' },
  value: { vi: 'Nhóm giá trị × tần suất × hoạt động', en: 'Value × frequency × activity groups' },
  rfmGroups: { vi: 'Nhóm RFM', en: 'RFM groups' },
  rfmGrid: { vi: 'Lưới RFM', en: 'RFM grid' },
  cohorts: { vi: 'Giữ chân theo tháng mua đầu', en: 'Cohort retention' },
  group: { vi: 'Nhóm', en: 'Group' },
  customers: { vi: 'Khách hàng', en: 'Customers' },
  customerShare: { vi: '% khách', en: '% of customers' },
  revenue: { vi: 'Doanh thu trong kỳ', en: 'Revenue in the period' },
  revenueShare: { vi: '% doanh thu', en: '% of revenue' },
  goal: { vi: 'Mục tiêu', en: 'Goal' },
  actions: { vi: 'Hành động đề xuất', en: 'Recommended actions' },
  advice: { vi: 'Mục tiêu và hành động đề xuất cho từng nhóm', en: 'Goal and recommended actions per group' },
  noOrders: { vi: 'Chưa có đơn hàng hợp lệ trong kỳ này.', en: 'No valid orders in this period.' },
  noCohorts: { vi: 'Chưa có khách mua lần đầu trong kỳ này.', en: 'No first purchases in this period.' },
  helpCard: {
    vi: 'Di chuột hoặc chọn một ô để xem định nghĩa.',
    en: 'Hover over or focus a card to read its definition.',
  },
} as const satisfies Catalogue;

/** The cached part of the page: everything but the picker, the status and the moves. */
export function reportView(data: OverviewData, fmt: Formatter, lang: Lang): Html {
  const { report } = data;
  return html`<section aria-labelledby="h-kpis"><h2 id="h-kpis">${tr(VIEW_T.kpis, lang)}</h2>
<p class="muted">${tr(VIEW_T.helpCard, lang)}</p>
<div class="cards kpis">${HEADLINE_KPIS.map((k) => kpiCard(k, data, fmt, lang))}</div></section>
<section aria-labelledby="h-time"><h2 id="h-time">${tr(VIEW_T.overTime, lang)}</h2>
${whenAny(report.kpis.orders, () => scrolling(seriesChart(data.series, fmt, lang), 680), tr(VIEW_T.noOrders, lang))}</section>
${groupSection('lifecycle', tr(VIEW_T.lifecycle, lang), report.lifecycle.groups, data, fmt, lang)}
${groupSection('value', tr(VIEW_T.value, lang), report.valueGroups.groups, data, fmt, lang)}
${groupSection('rfm', tr(VIEW_T.rfmGroups, lang), report.rfm.groups, data, fmt, lang)}
<section aria-labelledby="h-rfmgrid"><h2 id="h-rfmgrid">${tr(VIEW_T.rfmGrid, lang)}</h2>
<div class="rfm-grid">${scrolling(rfmChart(report, fmt, lang), 480)}</div>
${rfmNote(data, lang)}</section>
<section aria-labelledby="h-cohorts"><h2 id="h-cohorts">${tr(VIEW_T.cohorts, lang)}</h2>
${whenAny(
  report.cohorts.rows.length,
  () =>
    scrolling(
      cohortChart(report, fmt, lang),
      cohortChartWidth(report.cohorts.months),
      Math.round(cohortChartWidth(report.cohorts.months) * 1.25),
    ),
  tr(VIEW_T.noCohorts, lang),
)}</section>`;
}

function rfmNote(data: OverviewData, lang: Lang): Html {
  const note = rfmGridNote(data.report.rfm.grid, lang);
  return note ? html`<p class="muted">${note}</p>` : html``;
}

/** One KPI: value, change against the previous period (arrow, percent, good or bad), definition. */
function kpiCard(k: KpiFormat, data: OverviewData, fmt: Formatter, lang: Lang): Html {
  const { report } = data;
  const currency = report.shop.currency;
  const value = report.kpis[k.key] as number | null;
  const before = data.previous[k.key] as number | null;
  const definition = KPI_DEFINITIONS[k.key]?.[lang] ?? '';
  const zone = report.shop.timezone;
  const previousText = fill(VIEW_T.previous, lang, {
    from: fmt.date(data.previousPeriod.from, zone),
    to: fmt.date(new Date(data.previousPeriod.to.getTime() - 1), zone),
    value: formatKpi(before, k.kind, currency, lang),
  });
  const id = `kpi-${k.key}`;
  return html`<div class="card kpi" data-kpi="${k.key}" tabindex="0" title="${definition}" aria-describedby="${id}-tip">
<div class="label">${k.label[lang]}</div>
<div class="value">${formatKpi(value, k.kind, currency, lang)}</div>
${delta(k.key, value, before, fmt, lang)}
<div class="tip" id="${id}-tip" role="tooltip">${definition} ${previousText}</div>
</div>`;
}

function delta(
  key: keyof Kpis,
  value: number | null,
  before: number | null,
  fmt: Formatter,
  lang: Lang,
): Html {
  if (
    value === null ||
    before === null ||
    !Number.isFinite(value) ||
    !Number.isFinite(before) ||
    before === 0
  )
    return html`<div class="delta flat">– <span class="visually-hidden">${tr(VIEW_T.noPrevious, lang)}</span></div>`;
  const change = (value - before) / Math.abs(before);
  if (Math.abs(change) < 0.0005)
    return html`<div class="delta flat">= 0 % <span class="visually-hidden">${tr(VIEW_T.unchanged, lang)}</span></div>`;
  const up = change > 0;
  const good = up !== LOWER_IS_BETTER.has(key);
  return html`<div class="delta ${good ? 'good' : 'bad'}">${up ? '▲' : '▼'} ${up ? '+' : '−'}${fmt.percent(Math.abs(change), 1)} <span class="visually-hidden">${tr(good ? VIEW_T.better : VIEW_T.worse, lang)}</span></div>`;
}

/** A model's groups: the shares chart, the table, and each group's goal and actions. */
function groupSection<G extends string>(
  id: string,
  title: string,
  groups: readonly GroupReport<G>[],
  data: OverviewData,
  fmt: Formatter,
  lang: Lang,
): Html {
  const currency = data.report.shop.currency;
  const pct = (v: number | null) => (v === null ? '–' : fmt.percent(v, 1));
  return html`<section aria-labelledby="h-${id}"><h2 id="h-${id}">${title}</h2>
<div class="grid2"><div>${scrolling(groupsChart(groups, fmt, lang), 480)}</div>
<div class="scroll"><table class="data groups" data-model="${id}"><thead><tr><th scope="col">${tr(VIEW_T.group, lang)}</th>
<th scope="col" class="num">${tr(VIEW_T.customers, lang)}</th><th scope="col" class="num">${tr(VIEW_T.customerShare, lang)}</th>
<th scope="col" class="num">${tr(VIEW_T.revenue, lang)}</th><th scope="col" class="num">${tr(VIEW_T.revenueShare, lang)}</th></tr></thead>
<tbody>${groups.map(
    (
      g,
    ) => html`<tr data-group="${g.id}"><th scope="row"><span title="${g.definition[lang]}">${g.label[lang]}</span></th>
<td class="num">${fmt.count(g.customers)}</td><td class="num">${pct(g.customerShare)}</td>
<td class="num">${fmt.money(g.revenue, currency)}</td><td class="num">${pct(g.revenueShare)}</td></tr>`,
  )}</tbody></table></div></div>
<details class="advice"><summary>${tr(VIEW_T.advice, lang)}</summary>
${groups.map(
  (g) => html`<div class="group-advice"><h3>${g.label[lang]}</h3><p class="muted">${g.definition[lang]}</p>
<p><b>${tr(VIEW_T.goal, lang)}:</b> ${g.goal[lang]}</p>
<p><b>${tr(VIEW_T.actions, lang)}:</b></p><ul>${g.actions.map((a) => html`<li>${a[lang]}</li>`)}</ul></div>`,
)}</details></section>`;
}

/** The moves between groups of both models between two dates. */
export function movesView(
  moves: { lifecycle: TransitionMatrix<LifecycleStage>; value: TransitionMatrix<ValueGroup> },
  fmt: Formatter,
  lang: Lang,
  timeZone: string,
): Html {
  const lifecycleLabel = (g: LifecycleStage) => groupInfo('lifecycle', g).label[lang];
  const valueLabel = (g: ValueGroup) => groupInfo('value', g).label[lang];
  return html`<h3>${t('lifecycle', lang)}</h3>
${scrolling(movesChart(moves.lifecycle, lifecycleLabel, fmt, lang, timeZone), MOVES_WIDTH)}
<h3>${t('valueGroups', lang)}</h3>
${scrolling(movesChart(moves.value, valueLabel, fmt, lang, timeZone), MOVES_WIDTH)}`;
}
