import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type {
  AnalysisReport,
  CustomerRow,
  GroupReport,
  SegmentKpis,
  TransitionMatrix,
} from '../domain/analytics/types.js';
import {
  formatCurrency,
  formatDate,
  formatKpi,
  HEADLINE_KPIS,
  type Lang,
  SEGMENT_KPIS,
  segmentCells,
  t,
} from './labels.js';

/**
 * The analysis as one self-contained HTML file: styles, data and ECharts are inlined, so the
 * file opens offline and can be mailed to a seller as it is.
 */
export function renderHtmlReport(report: AnalysisReport, lang: Lang): string {
  const title = `${t('title', lang)} — ${report.shop.name}`;
  const body = [
    header(report, lang),
    section('kpis', t('kpis', lang), kpiCards(report, lang)),
    section('rfm', t('rfm', lang), chart('chart-rfm', 380) + groupTable(report.rfm.groups, report, lang)),
    section(
      'lifecycle',
      t('lifecycle', lang),
      chart('chart-lifecycle', 320) +
        groupTable(report.lifecycle.groups, report, lang) +
        groupAdvice(report.lifecycle.groups, lang),
    ),
    section(
      'value',
      t('valueGroups', lang),
      chart('chart-value', 320) +
        thresholdList(report, lang) +
        groupTable(report.valueGroups.groups, report, lang) +
        groupAdvice(report.valueGroups.groups, lang),
    ),
    section(
      'cohorts',
      t('cohorts', lang),
      chart('chart-cohorts', Math.max(260, 40 + 26 * report.cohorts.rows.length)),
    ),
    section(
      'transitions',
      t('transitions', lang),
      `<h3>${esc(t('lifecycle', lang))}</h3>${chart('chart-trans-lifecycle', 460)}<h3>${esc(t('valueGroups', lang))}</h3>${chart('chart-trans-value', 520)}`,
    ),
    report.segments
      ? section('segments', t('segments', lang), segmentTable(report.segments, report, lang))
      : '',
    section('best', t('best', lang), bestCustomers(report, lang)),
  ]
    .filter((part) => part !== '')
    .join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${echartsSource()}</script>
<script type="application/json" id="report-data">${jsonForScript(chartData(report, lang))}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

let echartsCache: string | undefined;

export function echartsSource(): string {
  if (echartsCache === undefined) {
    const require = createRequire(import.meta.url);
    echartsCache = readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8').replace(
      /<\/script/gi,
      '<\\/script',
    );
  }
  return echartsCache;
}

function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const section = (id: string, title: string, content: string): string =>
  `<section id="${id}"><h2>${esc(title)}</h2>${content}</section>`;

const chart = (id: string, height: number): string =>
  `<div class="chart" id="${id}" style="height:${height}px"></div>`;

function header(report: AnalysisReport, lang: Lang): string {
  const tz = report.shop.timezone;
  return `<header><h1>${esc(t('title', lang))} — ${esc(report.shop.name)}</h1>
<p>${esc(t('asOf', lang))}: <b>${formatDate(report.asOf, tz)}</b> · ${esc(t('period', lang))}:
${formatDate(report.period.from, tz)} → ${formatDate(new Date(report.period.to.getTime() - 1), tz)} · ${esc(tz)}</p></header>`;
}

function kpiCards(report: AnalysisReport, lang: Lang): string {
  const cards = HEADLINE_KPIS.map((k) => {
    const value = formatKpi(report.kpis[k.key] as number | null, k.kind, report.shop.currency, lang);
    return `<div class="card" data-kpi="${k.key}"><div class="v">${esc(value)}</div><div class="l">${esc(k.label[lang])}</div></div>`;
  });
  return `<div class="cards">${cards.join('')}</div>`;
}

function groupTable<G extends string>(
  groups: readonly GroupReport<G>[],
  report: AnalysisReport,
  lang: Lang,
): string {
  const pct = (x: number | null) => formatKpi(x, 'rate', report.shop.currency, lang);
  const rows = groups.map(
    (g) =>
      `<tr><td>${esc(g.label[lang])}</td><td class="n">${g.customers}</td><td class="n">${pct(g.customerShare)}</td>` +
      `<td class="n">${esc(formatCurrency(g.revenue, report.shop.currency, lang))}</td><td class="n">${pct(g.revenueShare)}</td></tr>`,
  );
  return `<table><thead><tr><th>${esc(t('group', lang))}</th><th>${esc(t('customers', lang))}</th><th>%</th>
<th>${esc(t('revenue', lang))}</th><th>${esc(t('revenueShare', lang))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function groupAdvice<G extends string>(groups: readonly GroupReport<G>[], lang: Lang): string {
  const items = groups.map(
    (g) => `<details><summary><b>${esc(g.label[lang])}</b> — ${esc(g.definition[lang])}</summary>
<p><b>${esc(t('goal', lang))}:</b> ${esc(g.goal[lang])}</p>
<p><b>${esc(t('watch', lang))}:</b> ${g.kpis.map((k) => esc(k.label[lang])).join(', ')}</p>
<p><b>${esc(t('actions', lang))}:</b></p><ul>${g.actions.map((a) => `<li>${esc(a[lang])}</li>`).join('')}</ul></details>`,
  );
  return `<div class="advice">${items.join('')}</div>`;
}

function thresholdList(report: AnalysisReport, lang: Lang): string {
  const th = report.thresholds;
  const money = formatCurrency(th.highValue, report.shop.currency, lang);
  const rows: [string, string, string][] = [
    [
      lang === 'vi' ? 'Còn hoạt động nếu mua trong' : 'Active if bought within',
      `${th.activeDays} d`,
      th.sources.activeDays,
    ],
    [lang === 'vi' ? 'Giá trị cao từ (AOV)' : 'High value from (AOV)', money, th.sources.highValue],
    [
      lang === 'vi' ? 'Thường xuyên nếu cách nhau ≤' : 'Frequent if gap ≤',
      `${th.frequentGapDays} d`,
      th.sources.frequentGapDays,
    ],
    [lang === 'vi' ? 'Bỏ qua sau' : 'Ignore after', `${th.ignoreAfterDays} d`, th.sources.ignoreAfterDays],
    [
      lang === 'vi' ? 'Từ chối liên tiếp' : 'Declines in a row',
      String(th.declineLimit),
      th.sources.declineLimit,
    ],
  ];
  return `<p class="thresholds"><b>${esc(t('thresholds', lang))}:</b> ${rows
    .map(([l, v, s]) => `${esc(l)} <b>${esc(v)}</b> <small>(${esc(s)})</small>`)
    .join(' · ')}</p>`;
}

function segmentTable(segments: readonly SegmentKpis[], report: AnalysisReport, lang: Lang): string {
  const currency = report.shop.currency;
  const head = [t('segment', lang), t('members', lang), ...SEGMENT_KPIS.map((k) => k.label[lang])]
    .map((h) => `<th>${esc(h)}</th>`)
    .join('');
  const rows = segments.map(
    (s) =>
      `<tr><td>${esc(s.segment)}</td>${segmentCells(s, currency, lang)
        .map((c) => `<td class="n">${esc(c)}</td>`)
        .join('')}</tr>`,
  );
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function bestCustomers(report: AnalysisReport, lang: Lang): string {
  const table = (rows: readonly CustomerRow[], caption: string) =>
    `<div><h3>${esc(caption)}</h3><table><thead><tr><th>#</th><th>${esc(t('customer', lang))}</th><th>${esc(t('orders', lang))}</th>
<th>${esc(t('revenue', lang))}</th><th>${esc(t('lastOrder', lang))}</th></tr></thead><tbody>${rows
      .map(
        (c, i) =>
          `<tr><td>${i + 1}</td><td>${esc(c.name ?? c.phone ?? c.email ?? c.customerId)}</td><td class="n">${c.orders}</td>` +
          `<td class="n">${esc(formatCurrency(c.revenue, report.shop.currency, lang))}</td><td>${formatDate(c.lastOrderAt, report.shop.timezone)}</td></tr>`,
      )
      .join('')}</tbody></table></div>`;
  return `<div class="two">${table(report.bestCustomers.byRevenue, t('byRevenue', lang))}${table(report.bestCustomers.byOrders, t('byOrders', lang))}</div>`;
}

/** What the client script needs to draw the charts: plain arrays, labels resolved. */
function chartData(report: AnalysisReport, lang: Lang) {
  const groupBars = <G extends string>(groups: readonly GroupReport<G>[]) => ({
    labels: groups.map((g) => g.label[lang]),
    customers: groups.map((g) => g.customers),
    revenue: groups.map((g) => Math.round(g.revenue)),
  });
  const transitions = <G extends string>(m: TransitionMatrix<G>, labelOf: (g: G) => string) => ({
    from: [...m.groups.map(labelOf), t('newCustomer', lang)],
    to: m.groups.map(labelOf),
    cells: m.matrix.flatMap((row, i) => row.map((v, j) => [j, i, v])),
    title: `${formatDate(m.fromDate, report.shop.timezone)} → ${formatDate(m.toDate, report.shop.timezone)}`,
  });
  const lifecycleLabel = new Map(report.lifecycle.groups.map((g) => [g.id as string, g.label[lang]]));
  const valueLabel = new Map(report.valueGroups.groups.map((g) => [g.id as string, g.label[lang]]));
  return {
    lang,
    labels: {
      customers: t('customers', lang),
      revenue: t('revenue', lang),
      from: t('from', lang),
      to: t('to', lang),
      months: t('month', lang),
    },
    rfm: report.rfm.grid.cells.map((c) => [c.f - 1, c.r - 1, c.customers]),
    lifecycle: groupBars(report.lifecycle.groups),
    value: groupBars(report.valueGroups.groups),
    cohorts: {
      rows: report.cohorts.rows.map((r) => `${r.cohort} (${r.size})`),
      months: report.cohorts.months,
      cells: report.cohorts.rows.flatMap((r, i) =>
        r.rates.map((rate, k) => [k, i, Math.round(rate * 1000) / 10]),
      ),
    },
    transLifecycle: transitions(report.lifecycle.transitions, (g) => lifecycleLabel.get(g) ?? g),
    transValue: transitions(report.valueGroups.transitions, (g) => valueLabel.get(g) ?? g),
  };
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;padding:24px;background:#f6f7f9;color:#1d2433}
header h1{margin:0 0 4px;font-size:24px}header p{margin:0 0 16px;color:#555}
section{background:#fff;border-radius:10px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:12px 0 6px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{border:1px solid #e3e6eb;border-radius:8px;padding:10px 12px}.card .v{font-size:20px;font-weight:600}.card .l{font-size:12px;color:#666}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid #eee;padding:5px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.chart{width:100%}details{margin:4px 0}summary{cursor:pointer}.thresholds{font-size:13px;color:#444}
@media (max-width:800px){.two{grid-template-columns:1fr}}
`;

/** Runs in the page: draws every chart and marks it rendered (tests wait for data-rendered). */
const CLIENT_SCRIPT = `
(function(){
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];
  function draw(id, option){
    var el = document.getElementById(id); if(!el) return;
    var c = echarts.init(el, null, {renderer:'canvas'});
    // A static report: no animation, so every chart is drawn by the time setOption returns.
    option.animation = false;
    c.setOption(option);
    c.getZr().flush();
    if (el.querySelector('canvas')) el.setAttribute('data-rendered','1');
    charts.push(c);
  }
  function heat(id, x, y, cells, max, fmt, names){
    names = names || {};
    draw(id, {tooltip:{position:'top'}, grid:{left:220,right:90,top:names.x?110:10,bottom:names.y?20:45},
      xAxis:{type:'category',data:x,name:names.x||'',nameLocation:'middle',nameGap:names.y?40:30,position:names.x?'top':'bottom',
        splitArea:{show:true},axisLabel:{interval:0,rotate:x.length>6?20:0}},
      yAxis:{type:'category',data:y,inverse:!!names.y,name:names.y||'',nameLocation:'start',nameGap:names.x?60:15,
        nameTextStyle:{align:'right'},splitArea:{show:true}},
      visualMap:{min:0,max:Math.max(1,max),calculable:true,orient:'vertical',right:0,top:'middle',itemHeight:120},
      series:[{type:'heatmap',data:cells,label:{show:true,formatter:fmt||'{@[2]}'}}]});
  }
  function maxOf(cells){ var m=0; cells.forEach(function(c){ if(c[2]>m) m=c[2]; }); return m; }
  function bars(id, g){
    draw(id, {tooltip:{trigger:'axis'}, legend:{top:0,data:[d.labels.customers,d.labels.revenue]},
      grid:{left:60,right:90,top:50,bottom:80},
      xAxis:{type:'category',data:g.labels,axisLabel:{interval:0,rotate:20}},
      yAxis:[{type:'value',name:d.labels.customers},{type:'value',name:d.labels.revenue}],
      series:[{name:d.labels.customers,type:'bar',data:g.customers},{name:d.labels.revenue,type:'line',yAxisIndex:1,data:g.revenue}]});
  }
  heat('chart-rfm', ['F1','F2','F3','F4','F5'], ['R1','R2','R3','R4','R5'], d.rfm, maxOf(d.rfm));
  bars('chart-lifecycle', d.lifecycle);
  bars('chart-value', d.value);
  var months=[]; for(var k=0;k<d.cohorts.months;k++) months.push('+'+k);
  heat('chart-cohorts', months, d.cohorts.rows, d.cohorts.cells, 100, '{@[2]}%');
  var moves = {x: d.labels.to + ' ' + d.transLifecycle.title.split(' → ')[1], y: d.labels.from + ' ' + d.transLifecycle.title.split(' → ')[0]};
  heat('chart-trans-lifecycle', d.transLifecycle.to, d.transLifecycle.from, d.transLifecycle.cells, maxOf(d.transLifecycle.cells), null, moves);
  heat('chart-trans-value', d.transValue.to, d.transValue.from, d.transValue.cells, maxOf(d.transValue.cells), null, moves);
  window.addEventListener('resize', function(){ charts.forEach(function(c){ c.resize(); }); });
})();
`;
