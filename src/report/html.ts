import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AnalysisReport, CustomerRow, GroupReport, SegmentKpis } from '../domain/analytics/types.js';
import { CLIENT_SCRIPT, chartData } from './html-charts.js';
import {
  formatCurrency,
  formatDate,
  formatKpi,
  HEADLINE_KPIS,
  type Lang,
  SEGMENT_KPIS,
  segmentCells,
  segmentLabel,
  THRESHOLD_SOURCES,
  t,
} from './labels.js';
import { rfmGridNote } from './rfm-note.js';

/**
 * The analysis as one self-contained HTML file: styles, data and ECharts are inlined, so the
 * file opens offline and can be mailed to a seller as it is.
 */
export function renderHtmlReport(report: AnalysisReport, lang: Lang): string {
  const title = `${t('title', lang)} — ${report.shop.name}`;
  const body = [
    header(report, lang),
    section('kpis', t('kpis', lang), kpiCards(report, lang)),
    section(
      'rfm',
      t('rfm', lang),
      chart('chart-rfm', 380) + rfmNote(report, lang) + groupTable(report.rfm.groups, report, lang),
    ),
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

/** Escaped text whose last word (a unit: ₫, %, ngày, days) stays on the line of the number before it. */
const unbroken = (s: string): string => esc(s).replace(/ (\S+)$/, '&nbsp;$1');

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
    return `<div class="card" data-kpi="${k.key}"><div class="v">${unbroken(value)}</div><div class="l">${esc(k.label[lang])}</div></div>`;
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
  const currency = report.shop.currency;
  const days = (n: number) => formatKpi(n, 'days', currency, lang);
  const rows: [string, string, keyof typeof th.sources][] = [
    [
      lang === 'vi' ? 'Còn hoạt động nếu mua trong' : 'Active if bought within',
      days(th.activeDays),
      'activeDays',
    ],
    [
      lang === 'vi' ? 'Giá trị cao từ (AOV)' : 'High value from (AOV)',
      formatCurrency(th.highValue, currency, lang),
      'highValue',
    ],
    [
      lang === 'vi' ? 'Thường xuyên nếu cách nhau ≤' : 'Frequent if gap ≤',
      days(th.frequentGapDays),
      'frequentGapDays',
    ],
    [lang === 'vi' ? 'Bỏ qua sau' : 'Ignore after', days(th.ignoreAfterDays), 'ignoreAfterDays'],
    [
      lang === 'vi' ? 'Từ chối liên tiếp' : 'Declines in a row',
      formatKpi(th.declineLimit, 'count', currency, lang),
      'declineLimit',
    ],
  ];
  return `<p class="thresholds"><b>${esc(t('thresholds', lang))}:</b> ${rows
    .map(
      ([l, v, key]) =>
        `${esc(l)} <b>${unbroken(v)}</b> <small>(${esc(THRESHOLD_SOURCES[th.sources[key]][lang])})</small>`,
    )
    .join(' · ')}</p>`;
}

/** Why some RFM columns are empty, when they are (a note under the grid). */
function rfmNote(report: AnalysisReport, lang: Lang): string {
  const note = rfmGridNote(report.rfm.grid, lang);
  return note ? `<p class="note">${esc(note)}</p>` : '';
}

function segmentTable(segments: readonly SegmentKpis[], report: AnalysisReport, lang: Lang): string {
  const currency = report.shop.currency;
  const head = [t('segment', lang), t('members', lang), ...SEGMENT_KPIS.map((k) => k.label[lang])]
    .map((h) => `<th>${esc(h)}</th>`)
    .join('');
  const rows = segments.map(
    (s) =>
      `<tr><td>${esc(segmentLabel(s.segment, lang))}</td>${segmentCells(s, currency, lang)
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

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;padding:24px;background:#f6f7f9;color:#1d2433}
header h1{margin:0 0 4px;font-size:24px}header p{margin:0 0 16px;color:#555}
section{background:#fff;border-radius:10px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:12px 0 6px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px}
.card{border:1px solid #e3e6eb;border-radius:8px;padding:10px 12px}.card .v{font-size:20px;font-weight:600;white-space:nowrap}.card .l{font-size:12px;color:#666}
.note{font-size:13px;color:#555;margin:4px 0 8px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid #eee;padding:5px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.chart{width:100%}details{margin:4px 0}summary{cursor:pointer}.thresholds{font-size:13px;color:#444}
@media (max-width:800px){.two{grid-template-columns:1fr}}
`;
