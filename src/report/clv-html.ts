/**
 * The CLV validation report as one self-contained HTML page (`nurture predict --validate --html`):
 * the two checks of Fader, Hardie & Lee (2005) — holdout purchases, actual vs expected, by
 * calibration frequency 0 … 7+, and weekly cumulative repeat purchases across calibration and
 * holdout — drawn with ECharts, inlined like the analysis report so the file opens offline.
 */
import type { ValidationReport } from '../domain/clv/index.js';
import { echartsSource } from './html.js';
import type { Lang } from './labels.js';

const TEXT = {
  title: { vi: 'Kiểm định mô hình CLV', en: 'CLV model validation' },
  model: { vi: 'Mô hình', en: 'Model' },
  calibration: { vi: 'Giai đoạn học (calibration) đến hết', en: 'Calibration period up to' },
  holdout: { vi: 'Giai đoạn kiểm tra (holdout) đến hết', en: 'Holdout period up to' },
  customers: { vi: 'Khách hàng', en: 'Customers' },
  actual: { vi: 'Thực tế', en: 'Actual' },
  expected: { vi: 'Mô hình dự đoán', en: 'Expected' },
  actualHoldout: { vi: 'Số lần mua thực tế (holdout)', en: 'Actual holdout purchases' },
  expectedHoldout: { vi: 'Số lần mua dự đoán (holdout)', en: 'Expected holdout purchases' },
  error: { vi: 'Sai lệch tổng', en: 'Total error' },
  byFrequency: {
    vi: 'Số lần mua trung bình trong giai đoạn kiểm tra, theo số lần mua lặp lại trong giai đoạn học',
    en: 'Mean holdout purchases by calibration frequency (repeat purchases)',
  },
  byFrequencyNote: {
    vi: 'Mỗi cột là một nhóm khách có cùng số lần mua lặp lại trước ngày cắt; hai cột gần nhau là mô hình dự đoán đúng hành vi của nhóm đó.',
    en: 'Each group holds the customers with the same number of repeat purchases before the cut-off; bars of similar height mean the model predicts that group well.',
  },
  frequency: { vi: 'Số lần mua lặp lại (giai đoạn học)', en: 'Calibration frequency' },
  perCustomer: { vi: 'Lần mua / khách', en: 'Purchases per customer' },
  tracking: { vi: 'Số lần mua lặp lại cộng dồn theo tuần', en: 'Weekly cumulative repeat purchases' },
  trackingNote: {
    vi: 'Đường dọc là ngày cắt: bên trái mô hình đã thấy dữ liệu, bên phải là dự đoán thật sự.',
    en: 'The vertical line is the cut-off: the model saw the data on its left; the right is a true forecast.',
  },
  week: { vi: 'Tuần kết thúc', en: 'Week ending' },
  cumulative: { vi: 'Lần mua cộng dồn', en: 'Cumulative purchases' },
  cutoff: { vi: 'Ngày cắt', en: 'Cut-off' },
} as const;

type TextKey = keyof typeof TEXT;

const t = (key: TextKey, lang: Lang): string => TEXT[key][lang];

const MODEL_NAMES: Record<ValidationReport['model'], string> = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  pnbd: 'Pareto/NBD',
  nbd: 'NBD',
};

export interface ClvValidationPageOptions {
  shopName: string;
  lang: Lang;
}

/** The page; `report` is exactly what `nurture predict --validate --json` prints under `validation`. */
export function renderClvValidationHtml(report: ValidationReport, options: ClvValidationPageOptions): string {
  const { lang } = options;
  const title = `${t('title', lang)} — ${options.shopName}`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${esc(title)}</h1>${facts(report, lang)}</header>
<section id="totals">${cards(report, lang)}</section>
<section id="frequency"><h2>${esc(t('byFrequency', lang))}</h2><p class="note">${esc(t('byFrequencyNote', lang))}</p>
<div class="chart" id="chart-frequency" style="height:360px"></div>${frequencyTable(report, lang)}</section>
<section id="tracking"><h2>${esc(t('tracking', lang))}</h2><p class="note">${esc(t('trackingNote', lang))}</p>
<div class="chart" id="chart-tracking" style="height:380px"></div></section>
<script>${echartsSource()}</script>
<script type="application/json" id="validation-data">${jsonForScript(chartData(report, lang))}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

function number(value: number, lang: Lang, digits: number): string {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

function facts(r: ValidationReport, lang: Lang): string {
  return `<p>${esc(t('model', lang))}: <b>${MODEL_NAMES[r.model]}</b> · ${esc(t('calibration', lang))}
<b>${r.calibrationEnd}</b> · ${esc(t('holdout', lang))} <b>${r.observationEnd}</b> · ${esc(t('customers', lang))}:
<b>${number(r.customers, lang, 0)}</b></p>`;
}

function cards(r: ValidationReport, lang: Lang): string {
  const { actualHoldout, expectedHoldout } = r.totals;
  const error = actualHoldout > 0 ? (expectedHoldout / actualHoldout - 1) * 100 : 0;
  const card = (id: string, value: string, label: TextKey) =>
    `<div class="card" data-total="${id}"><div class="v">${esc(value)}</div><div class="l">${esc(t(label, lang))}</div></div>`;
  return `<div class="cards">${card('actual', number(actualHoldout, lang, 0), 'actualHoldout')}${card(
    'expected',
    number(expectedHoldout, lang, 1),
    'expectedHoldout',
  )}${card('error', `${error >= 0 ? '+' : ''}${number(error, lang, 1)} %`, 'error')}</div>`;
}

function frequencyTable(r: ValidationReport, lang: Lang): string {
  const rows = r.byFrequency.map(
    (g) =>
      `<tr><td>${esc(g.frequency)}</td><td class="n">${number(g.customers, lang, 0)}</td>` +
      `<td class="n">${number(g.actual, lang, 3)}</td><td class="n">${number(g.expected, lang, 3)}</td></tr>`,
  );
  return `<table><thead><tr><th>${esc(t('frequency', lang))}</th><th>${esc(t('customers', lang))}</th>
<th>${esc(t('actual', lang))}</th><th>${esc(t('expected', lang))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** What the client script draws: plain arrays, labels resolved. */
function chartData(r: ValidationReport, lang: Lang) {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const cutoff = r.tracking.findIndex((w) => w.end >= r.calibrationEnd);
  return {
    labels: {
      actual: t('actual', lang),
      expected: t('expected', lang),
      frequency: t('frequency', lang),
      perCustomer: t('perCustomer', lang),
      week: t('week', lang),
      cumulative: t('cumulative', lang),
      cutoff: t('cutoff', lang),
    },
    frequency: {
      groups: r.byFrequency.map((g) => g.frequency),
      actual: r.byFrequency.map((g) => round(g.actual)),
      expected: r.byFrequency.map((g) => round(g.expected)),
    },
    tracking: {
      weeks: r.tracking.map((w) => w.end),
      // What happened is known up to the last data date: after it the line stops instead of
      // running flat as if nobody bought (the model's line goes on: it is a forecast).
      lastData: r.lastDataDate,
      actual: r.tracking.map((w, i) => (knownAt(r, i) ? w.actualCumulative : null)),
      expected: r.tracking.map((w) => round(w.expectedCumulative)),
      cutoff: cutoff < 0 ? null : (r.tracking[cutoff]?.end ?? null),
    },
  };
}

/** Whether week `i` of the tracking began by the last data date (it holds data). */
function knownAt(r: ValidationReport, i: number): boolean {
  if (r.lastDataDate === null) return false;
  const previousEnd = i === 0 ? '' : (r.tracking[i - 1]?.end ?? '');
  return previousEnd < r.lastDataDate;
}

function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;padding:24px;background:#f6f7f9;color:#1d2433}
header h1{margin:0 0 4px;font-size:24px}header p{margin:0 0 16px;color:#555}
section{background:#fff;border-radius:10px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:18px;margin:0 0 8px}.note{margin:0 0 8px;color:#555;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px}
.card{border:1px solid #e3e6eb;border-radius:8px;padding:10px 12px}.card .v{font-size:20px;font-weight:600}.card .l{font-size:12px;color:#666}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid #eee;padding:5px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.chart{width:100%}
`;

/** Runs in the page: draws both charts and marks each rendered (tests wait for data-rendered). */
const CLIENT_SCRIPT = `
(function(){
  var d = JSON.parse(document.getElementById('validation-data').textContent);
  var charts = [];
  function draw(id, option){
    var el = document.getElementById(id); if(!el) return;
    var c = echarts.init(el, null, {renderer:'canvas'});
    c.on('finished', function(){ el.setAttribute('data-rendered','1'); });
    c.setOption(option); charts.push(c);
  }
  var L = d.labels;
  draw('chart-frequency', {tooltip:{trigger:'axis'}, legend:{top:0,data:[L.actual,L.expected]},
    grid:{left:60,right:30,top:40,bottom:50},
    xAxis:{type:'category',data:d.frequency.groups,name:L.frequency,nameLocation:'middle',nameGap:30},
    yAxis:{type:'value',name:L.perCustomer},
    series:[{name:L.actual,type:'bar',data:d.frequency.actual},{name:L.expected,type:'bar',data:d.frequency.expected}]});
  var mark = d.tracking.cutoff === null ? undefined :
    {symbol:'none',label:{formatter:L.cutoff},lineStyle:{type:'dashed',color:'#888'},data:[{xAxis:d.tracking.cutoff}]};
  draw('chart-tracking', {tooltip:{trigger:'axis'}, legend:{top:0,data:[L.actual,L.expected]},
    grid:{left:70,right:30,top:40,bottom:70},
    xAxis:{type:'category',data:d.tracking.weeks,name:L.week,nameLocation:'middle',nameGap:50,axisLabel:{rotate:30,hideOverlap:true}},
    yAxis:{type:'value',name:L.cumulative},
    series:[{name:L.actual,type:'line',showSymbol:false,data:d.tracking.actual,markLine:mark},
      {name:L.expected,type:'line',showSymbol:false,lineStyle:{type:'dashed'},data:d.tracking.expected}]});
  window.addEventListener('resize', function(){ charts.forEach(function(c){ c.resize(); }); });
})();
`;
