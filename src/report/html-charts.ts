import type { AnalysisReport, GroupReport, TransitionMatrix } from '../domain/analytics/types.js';
import { countSpec, formatDate, type Lang, moneySpec, t } from './labels.js';

/**
 * The charts of the HTML analysis report: the data they are drawn from (plain arrays, labels and
 * number formats resolved on the server) and the script that draws them in the page with ECharts.
 */

/** A model's groups as chart series: their labels, sizes and period revenue (rounded). */
export function groupBarsData<G extends string>(groups: readonly GroupReport<G>[], lang: Lang) {
  return {
    labels: groups.map((g) => g.label[lang]),
    customers: groups.map((g) => g.customers),
    revenue: groups.map((g) => Math.round(g.revenue)),
  };
}

/**
 * A transition matrix as heat-map cells [to, from, customers]: the rows are the groups of the
 * first date and "not yet a customer", the columns those of the second.
 */
export function transitionsData<G extends string>(
  m: TransitionMatrix<G>,
  labelOf: (g: G) => string,
  lang: Lang,
  timeZone: string,
) {
  return {
    from: [...m.groups.map(labelOf), t('newCustomer', lang)],
    to: m.groups.map(labelOf),
    cells: m.matrix.flatMap((row, i) => row.map((v, j) => [j, i, v] as [number, number, number])),
    title: `${formatDate(m.fromDate, timeZone)} → ${formatDate(m.toDate, timeZone)}`,
  };
}

/** Cohort retention as heat-map cells [month offset, cohort row, percent with one decimal]. */
export function cohortsData(report: Pick<AnalysisReport, 'cohorts'>) {
  return {
    rows: report.cohorts.rows.map((r) => `${r.cohort} (${r.size})`),
    months: report.cohorts.months,
    cells: report.cohorts.rows.flatMap((r, i) =>
      r.rates.map((rate, k) => [k, i, Math.round(rate * 1000) / 10] as [number, number, number]),
    ),
  };
}

/** The RFM grid as heat-map cells [F - 1, R - 1, customers]. */
export function rfmCellsData(report: Pick<AnalysisReport, 'rfm'>): [number, number, number][] {
  return report.rfm.grid.cells.map((c) => [c.f - 1, c.r - 1, c.customers]);
}

/** What the client script needs to draw the charts. */
export function chartData(report: AnalysisReport, lang: Lang) {
  const groupBars = <G extends string>(groups: readonly GroupReport<G>[]) => groupBarsData(groups, lang);
  const transitions = <G extends string>(m: TransitionMatrix<G>, labelOf: (g: G) => string) =>
    transitionsData(m, labelOf, lang, report.shop.timezone);
  const lifecycleLabel = new Map(report.lifecycle.groups.map((g) => [g.id as string, g.label[lang]]));
  const valueLabel = new Map(report.valueGroups.groups.map((g) => [g.id as string, g.label[lang]]));
  return {
    lang,
    // Axes format numbers in the page: with the tables' own grouping and affixes.
    format: { money: moneySpec(report.shop.currency, lang), count: countSpec(lang) },
    labels: {
      customers: t('customers', lang),
      revenue: t('revenue', lang),
      from: t('from', lang),
      to: t('to', lang),
      months: t('month', lang),
    },
    rfm: rfmCellsData(report),
    lifecycle: groupBars(report.lifecycle.groups),
    value: groupBars(report.valueGroups.groups),
    cohorts: cohortsData(report),
    transLifecycle: transitions(report.lifecycle.transitions, (g) => lifecycleLabel.get(g) ?? g),
    transValue: transitions(report.valueGroups.transitions, (g) => valueLabel.get(g) ?? g),
  };
}

/**
 * Runs in the page: draws every chart and marks it rendered (tests wait for data-rendered).
 * Category labels are never rotated: each wraps within its own band, so a long group name neither
 * runs into its neighbours nor out of the chart, and every chart is laid out again on resize.
 */
export const CLIENT_SCRIPT = `
(function(){
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];
  // The tables' formatter (labels.ts NumberSpec): grouping, decimal mark, affixes.
  function fmt(s, v){
    var parts = Math.abs(v).toFixed(s.digits).split('.');
    var whole = parts[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, s.group);
    return (v < 0 ? '-' : '') + s.prefix + whole + (parts[1] ? s.decimal + parts[1] : '') + s.suffix;
  }
  function money(v){ return fmt(d.format.money, v); }
  function count(v){ return fmt(d.format.count, v); }
  // A category axis' labels, wrapped within the band each category gets.
  function wrapped(band){ return {interval:0, rotate:0, width:Math.max(40, Math.floor(band) - 6), overflow:'break', lineHeight:14}; }
  function draw(id, build){
    var el = document.getElementById(id); if(!el) return;
    var c = echarts.init(el, null, {renderer:'canvas'});
    // A static report: no animation, so every chart is drawn by the time setOption returns.
    function layout(){ var o = build(el.clientWidth); o.animation = false; c.setOption(o, true); c.getZr().flush(); }
    layout();
    if (el.querySelector('canvas')) el.setAttribute('data-rendered','1');
    charts.push({chart: c, layout: layout});
  }
  function heat(id, x, y, cells, max, fmtCell, names){
    names = names || {};
    var left = 200, right = 90;
    draw(id, function(width){
      var band = (width - left - right) / x.length;
      return {tooltip:{position:'top'}, grid:{left:left,right:right,top:names.x?120:10,bottom:names.y?20:50,outerBoundsMode:'none'},
        xAxis:{type:'category',data:x,name:names.x||'',nameLocation:'middle',nameGap:names.x?95:30,position:names.x?'top':'bottom',
          splitArea:{show:true},axisLabel:wrapped(band)},
        yAxis:{type:'category',data:y,inverse:!!names.y,name:names.y||'',nameLocation:'start',nameGap:names.x?95:15,
          nameTextStyle:{align:'left',padding:[0,0,0,-left+10]},splitArea:{show:true},
          // Canvas text is measured narrower than it is drawn: leave a margin, or the longest
          // group names run out of the chart on the left.
          axisLabel:{width:left-40,overflow:'break',lineHeight:14}},
        visualMap:{min:0,max:Math.max(1,max),calculable:true,orient:'vertical',right:0,top:'middle',itemHeight:120,
          formatter:function(v){ return count(v); }},
        series:[{type:'heatmap',data:cells,label:{show:true,formatter:fmtCell||'{@[2]}'}}]};
    });
  }
  function maxOf(cells){ var m=0; cells.forEach(function(c){ if(c[2]>m) m=c[2]; }); return m; }
  function bars(id, g){
    var left = 70, right = 130;
    draw(id, function(width){
      return {tooltip:{trigger:'axis'}, legend:{top:0,data:[d.labels.customers,d.labels.revenue]},
        grid:{left:left,right:right,top:50,bottom:70,outerBoundsMode:'none'},
        xAxis:{type:'category',data:g.labels,axisLabel:wrapped((width - left - right) / g.labels.length)},
        yAxis:[{type:'value',name:d.labels.customers,axisLabel:{formatter:count}},
          {type:'value',name:d.labels.revenue,axisLabel:{formatter:money}}],
        series:[{name:d.labels.customers,type:'bar',data:g.customers},{name:d.labels.revenue,type:'line',yAxisIndex:1,data:g.revenue}]};
    });
  }
  heat('chart-rfm', ['F1','F2','F3','F4','F5'], ['R1','R2','R3','R4','R5'], d.rfm, maxOf(d.rfm));
  bars('chart-lifecycle', d.lifecycle);
  bars('chart-value', d.value);
  var months=[]; for(var k=0;k<d.cohorts.months;k++) months.push('+'+k);
  heat('chart-cohorts', months, d.cohorts.rows, d.cohorts.cells, 100, '{@[2]}%');
  var moves = {x: d.labels.to + ' ' + d.transLifecycle.title.split(' → ')[1], y: d.labels.from + ' ' + d.transLifecycle.title.split(' → ')[0]};
  heat('chart-trans-lifecycle', d.transLifecycle.to, d.transLifecycle.from, d.transLifecycle.cells, maxOf(d.transLifecycle.cells), null, moves);
  heat('chart-trans-value', d.transValue.to, d.transValue.from, d.transValue.cells, maxOf(d.transValue.cells), null, moves);
  window.addEventListener('resize', function(){ charts.forEach(function(c){ c.chart.resize(); c.layout(); }); });
})();
`;
