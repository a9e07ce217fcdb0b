/**
 * The dashboard's stylesheet. Mobile first (many sellers run their shop from a phone): one column,
 * the menu a scrolling row; wider screens get grids. Text colours keep a contrast of at least
 * 4.5:1 on their backgrounds (WCAG AA), which the browser tests check.
 *
 * Classes pages use: .cards/.card (KPI cards: .label .value .delta.up|.down), .data (tables; wrap
 * in .scroll on narrow screens), .chart (an SVG chart), .grid2, .form-row, .error (role=alert),
 * .muted, .badge, .toolbar, .pager, .inline (an inline form), .link (a button that looks like a link),
 * .visually-hidden (read by screen readers, not shown).
 */
export const DASHBOARD_CSS = `
:root{--fg:#1f2328;--muted:#57606a;--bg:#f6f8fa;--panel:#fff;--line:#d0d7de;--accent:#0b5cad;--accent-bg:#e7f0fb;
--good:#116329;--bad:#a40e26;--warn:#7d4e00;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:var(--bg);font-size:15px;line-height:1.45}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem;z-index:10}
.skip:focus{left:.5rem}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;background:#0d2a4a;color:#fff;padding:.5rem .75rem}
.top a{color:#fff}
.brand{font-weight:700;text-decoration:none;margin-right:.5rem}
.brand .shop{font-weight:400;opacity:.9;margin-left:.25rem}
.top nav{order:3;width:100%;position:relative}
.top nav ul{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0;white-space:nowrap}
.top nav a,.nav-group>summary{display:block;padding:.4rem .6rem;border-radius:6px;text-decoration:none}
.top nav a[aria-current=page]{background:#fff;color:#0d2a4a;font-weight:600}
/* The menu's groups: a disclosure whose list drops below the row (on a phone, the menu's whole width). */
.nav-group>summary{cursor:pointer;list-style:none}
.nav-group>summary::-webkit-details-marker{display:none}
.nav-group>summary::after{content:"";display:inline-block;margin-left:.4rem;vertical-align:.2em;border:.3em solid transparent;border-top-color:currentColor;border-bottom:0}
.nav-group[open]>summary::after{border-top:0;border-bottom:.3em solid currentColor;vertical-align:.25em}
.nav-group[data-current]>summary{box-shadow:inset 0 -3px 0 #fff;font-weight:600}
.nav-group[open]>summary{background:rgba(255,255,255,.15)}
.top nav .nav-group ul{position:absolute;z-index:20;left:0;right:0;top:100%;margin-top:.25rem;display:block;padding:.25rem;background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 6px 18px rgba(13,42,74,.18)}
.top nav .nav-group a{color:var(--fg);padding:.55rem .75rem}
.top nav .nav-group a:hover{background:var(--accent-bg)}
.top nav .nav-group a[aria-current=page]{background:#0d2a4a;color:#fff}
.tools{margin-left:auto;display:flex;gap:.75rem;align-items:center}
.tools .link,.top .link{color:#fff}
main{padding:1rem .75rem;max-width:1200px;margin:0 auto}
main:focus{outline:none}
h1{font-size:1.4rem;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.panel>h2:first-child{margin-top:.25rem}
.foot{color:var(--muted);font-size:.85rem;text-align:center;padding:1rem}
.muted{color:var(--muted)}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin-bottom:1rem}
.cards{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.5rem;margin-bottom:1rem}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.6rem .75rem}
.card .label{color:var(--muted);font-size:.85rem}
.card .value{font-size:1.25rem;font-weight:650;font-variant-numeric:tabular-nums}
.delta{font-size:.85rem;font-variant-numeric:tabular-nums}
.delta.up{color:var(--good)}.delta.down{color:var(--bad)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table.data{border-collapse:collapse;width:100%;background:var(--panel);font-size:.92rem}
.data th,.data td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
.data th{background:#eef1f4;font-weight:600}
.data td.num,.data th.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{width:100%;overflow:hidden;margin:0}
.chart svg{width:100%;height:auto;display:block}
.grid2{display:grid;gap:1rem}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
input[type=text],input[type=email],input[type=password],input[type=search],input[type=date],input[type=number],input[type=url],select,textarea{
width:100%;max-width:100%;padding:.5rem .6rem;border:1px solid #8c959f;border-radius:6px;font:inherit;background:#fff;color:var(--fg)}
textarea{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;min-height:5rem}
button,.button{display:inline-block;padding:.5rem .9rem;border-radius:6px;border:1px solid #0a4f95;background:#0b5cad;color:#fff;font:inherit;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#0b5cad}
button.danger{background:#a40e26;border-color:#8a0b20}
button.link{background:none;border:none;padding:0;color:var(--accent);text-decoration:underline}
.inline{display:inline}
.form-row{margin-bottom:.75rem}
.toolbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin-bottom:.75rem}
.toolbar>*{flex:1 1 12rem}
.toolbar>button,.toolbar>.button{flex:0 0 auto}
.error{background:#ffebe9;border:1px solid #ff8182;color:#82071e;border-radius:6px;padding:.5rem .75rem;margin:.5rem 0}
.notice{background:#dafbe1;border:1px solid #4ac26b;color:#0f5323;border-radius:6px;padding:.5rem .75rem;margin:.5rem 0}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;background:var(--accent-bg);color:#0a4a8c;font-size:.8rem;margin:0 .2rem .2rem 0}
.pager{display:flex;gap:.75rem;align-items:center;margin:.75rem 0}
.signin{max-width:24rem;margin:2rem auto}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
pre{background:#eef1f4;padding:.6rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
[title]{text-decoration-style:dotted}
.htmx-indicator{opacity:0;transition:opacity .2s}.htmx-request .htmx-indicator,.htmx-request.htmx-indicator{opacity:1}
/* ---- overview and best customers (pages/overview*.ts, pages/best.ts) ---- */
.presets{display:flex;flex-wrap:wrap;gap:.4rem;margin-bottom:.25rem}
.period-picker .toolbar{margin:0}
.kpi{position:relative;cursor:help}
.kpi .value{white-space:nowrap;font-size:clamp(1rem,4vw,1.25rem)}
.kpi .tip{display:none;position:absolute;z-index:5;left:0;right:0;top:100%;margin-top:2px;background:#fff;color:var(--fg);border:1px solid #8c959f;border-radius:6px;padding:.4rem .5rem;font-size:.85rem;box-shadow:0 2px 6px rgba(0,0,0,.15)}
.kpi:hover .tip,.kpi:focus .tip{display:block}
.kpi:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.delta.good{color:var(--good)}.delta.bad{color:var(--bad)}.delta.flat{color:var(--muted)}
.status p{margin:.25rem 0}
.spinner{display:inline-block;width:.9em;height:.9em;border:2px solid #4ac26b;border-top-color:transparent;border-radius:50%;animation:spin 1s linear infinite;vertical-align:-.1em}
@keyframes spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.spinner{animation:none}}
figure.chart{margin:0 0 .5rem}
.grid2>*{min-width:0}
.rfm-grid{max-width:640px}
table.groups td.num{white-space:nowrap}
table.groups th[scope=row]{min-width:8.5rem}
table.best td.num{white-space:nowrap}
table.best td.name{min-width:7.5rem}
.advice{margin:.5rem 0 1rem}.advice summary{cursor:pointer;font-weight:600}
.group-advice h3{font-size:1rem;margin:.75rem 0 .2rem}.group-advice p{margin:.2rem 0}
.tabs{display:flex;gap:.25rem;border-bottom:2px solid var(--line);margin:.5rem 0 .75rem}
.tabs a{padding:.45rem .8rem;border-radius:6px 6px 0 0;text-decoration:none;color:var(--accent)}
.tabs a.on{background:var(--panel);border:2px solid var(--line);border-bottom-color:var(--panel);margin-bottom:-2px;font-weight:600;color:var(--fg)}
table.data caption{text-align:left}
/* ---- end overview and best customers ---- */
/* segments (pages/segments.ts) */
.seg-list code.seg-query{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85em}
.seg-list td:first-child{min-width:9rem;overflow-wrap:anywhere}
.seg-list td.num,.seg-list td.when{white-space:nowrap}
.seg-list .q{display:none}
table.tasks tr.overdue td{background:#fff1f0}table.tasks tr.overdue td:first-child{box-shadow:inset 4px 0 0 #a40e26}
table.referrals tr.refused td{color:var(--muted)}
.task-close input{max-width:14rem}
@media (min-width:760px){.seg-list .q{display:table-cell}}
.seg-check{margin:.5rem 0 1rem}
.seg-check h3{font-size:1rem;margin:.75rem 0 .4rem}
.query-error pre.caret{background:#fff;color:#1f2328;white-space:pre;overflow-x:auto;word-break:normal;margin:.4rem 0 0;padding:.4rem .5rem;border:1px solid #ff8182}
.query-error mark{background:#ffd8b5;color:#1f2328;outline:1px solid #82071e}
.query-error .suggestion{margin:.3rem 0}
.seg-people td{white-space:nowrap}
.seg-examples{margin:.3rem 0;padding-left:1.2rem}
.seg-actions form,.seg-top>a{flex:0 0 auto}
.seg-top{align-items:center}
.toolbar>.seg-period{flex:0 1 20rem}
.seg-chart-wide{display:none}
@media (min-width:760px){.seg-chart-wide{display:block}.seg-chart-narrow{display:none}}
/* end segments */
/* customers (list and profile) */
.small{font-size:.85rem}
.mono,input.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.filters .form-row p{margin:.2rem 0 0}
.columns-chooser summary{cursor:pointer;font-weight:600;padding:.25rem 0}
.columns-chooser fieldset{border:0;margin:0;padding:.25rem 0;display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.1rem .75rem}
label.check{display:flex;gap:.4rem;align-items:center;font-weight:400;margin:.15rem 0}
.list-tools{align-items:center;justify-content:space-between}
.list-tools p{margin:0;flex:1 1 auto}
.badge.yes{background:#dafbe1;color:#0f5323}.badge.no{background:#ffebe9;color:#82071e}
ul.groups{padding-left:1.1rem;margin:.25rem 0}
table.data.customers td.num,table.data.customers td.nowrap,table.data.customers td:first-child,table.data.timeline td,table.data.segments td{white-space:nowrap}
table.data.predictions th{width:45%;font-weight:600}
table.data.predictions .note{display:block;white-space:normal;text-align:left;margin-top:.15rem}
/* end customers */
/* live visitors (pages/live.ts) */
.small{font-size:.85rem}
.visitors{list-style:none;margin:0;padding:0;display:grid;gap:.5rem}
.visitor{background:var(--panel);border:1px solid var(--line);border-left:4px solid #8c959f;border-radius:8px;padding:.6rem .75rem;min-width:0}
.visitor.known{border-left-color:var(--accent)}
.visitor .who{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap}
.visitor .who time{color:var(--muted);font-size:.85rem;white-space:nowrap}
.visitor p{margin:.3rem 0}
.visitor .views{margin:.2rem 0 0;padding:0;list-style:none;overflow-wrap:anywhere}
.visitor .views li{padding:.1rem 0}
.visitor .views .kind{display:inline-block;min-width:4.5rem;color:var(--muted);font-size:.85rem}
/* end live visitors */
/* imports (pages/imports-view.ts) */
.check{display:flex;gap:.5rem;align-items:flex-start}
.check input{margin-top:.25rem;width:1.1rem;height:1.1rem;flex:none}
.check label{margin:0;font-weight:400}
input[type=file]{max-width:100%;font:inherit}
progress{width:100%;height:1.1rem;display:block;margin:.3rem 0}
progress[hidden]{display:none}
.state{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.85rem;font-weight:600;background:#eef1f4;color:var(--fg)}
.state.done{background:#dafbe1;color:#0f5323}.state.failed,.state.refused{background:#ffebe9;color:#82071e}.state.running{background:var(--accent-bg);color:#0a4a8c}
#import-history{min-width:46rem}
#import-history td.file{overflow-wrap:anywhere;max-width:16rem}
.panel>h2:first-child{margin-top:.25rem}
.panel>p:first-child{margin-top:0}
/* end imports */
/* flows and messages (pages/flows*.ts, flow-*.ts, messages*.ts) */
.flow-list{list-style:none;margin:0;padding:0}
.flow-item h2{margin:.1rem 0 .3rem;overflow-wrap:anywhere}
.flow-item p{margin:.3rem 0}
.state.flow-live{background:#dafbe1;color:#0f5323}.state.flow-paused{background:#fff1c2;color:#6b4200}
.state.flow-draft{background:#eef1f4;color:var(--fg)}.state.flow-archived{background:#eef1f4;color:var(--muted)}
.version-notes{margin:.3rem 0;padding:.4rem .6rem .4rem 1.6rem;background:#fff8e1;border:1px solid #d4a72c;border-radius:6px;color:#4d3200}
dl.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:.4rem;margin:.5rem 0}
dl.figures div{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:.3rem .5rem}
dl.figures dt{color:var(--muted);font-size:.8rem}dl.figures dd{margin:0;font-weight:650;font-variant-numeric:tabular-nums}
.flow-actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.flow-graph-box{margin:0 0 1rem;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.25rem}
.flow-graph-box svg{display:block;max-width:none}
.flow-graph .node rect{fill:#fff;stroke:#8c959f;stroke-width:1.5}
.flow-graph .node-send rect{stroke:#0b5cad;fill:#f3f8fe}.flow-graph .node-wait rect{stroke:#57606a;fill:#f6f8fa}
.flow-graph .node-branch rect{stroke:#9a6700;fill:#fff8e1}.flow-graph .node-trigger rect{stroke:#0d2a4a;fill:#e7f0fb;stroke-width:2}
.flow-graph text{fill:#1f2328}.flow-graph text.muted{fill:#57606a}.flow-graph text.figures{fill:#0f5323}
.flow-graph text.label{fill:#6b4200;font-weight:600}
.flow-graph .edge{stroke:#57606a;stroke-width:1.5;fill:none}
.flow-outline summary{cursor:pointer;font-weight:600}.flow-outline ol,.flow-outline ul{padding-left:1.2rem;margin:.2rem 0}.flow-outline li{margin:.15rem 0}
.send-steps{padding-left:1.1rem}.send-steps li{margin:.3rem 0}
.template .start{border:0;padding:0;margin:.5rem 0}.template .start legend{font-weight:600;padding:0}
.field-error{color:#82071e;margin:.2rem 0 0;font-size:.9rem}.field-error:empty{display:none}
[aria-invalid=true]{border-color:#a40e26!important;outline:1px solid #a40e26}
.editor-grid{display:grid;gap:1rem}.editor-grid>*{min-width:0}
.editor fieldset.channel legend{font-weight:700;padding:0 .3rem}
.editor-preview{align-self:start}
.pv{border-top:1px solid var(--line);padding-top:.5rem;margin-top:.5rem}.pv h3{font-size:1rem;margin:.2rem 0 .4rem}
.pv-html{width:100%;height:14rem;border:1px solid var(--line);border-radius:6px;background:#fff}
.sms-info{font-size:.9rem;color:var(--muted);margin:.2rem 0}
.pv-data div{display:flex;gap:.5rem}.pv-data dt{min-width:6rem}.pv-data dd{margin:0}
.pv-popup{border:1px solid var(--line);border-radius:8px;padding:.5rem .75rem;box-shadow:0 2px 6px rgba(0,0,0,.12)}
table.data.messages td.why{min-width:16rem}table.data.messages td.who{overflow-wrap:anywhere}
@media (max-width:759px){table.data.messages thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.data.messages tr{display:block;border-bottom:1px solid var(--line);padding:.35rem 0}
 table.data.messages td{display:inline-block;border:0;padding:.1rem .5rem}table.data.messages td.why{display:block;min-width:0}}table.data.messages td.why .line{display:block}
.state.msg-sent,.state.msg-delivered{background:#dafbe1;color:#0f5323}
.state.msg-expired,.state.msg-failed,.state.msg-unknown,.state.msg-unreachable,.state.msg-declined{background:#ffebe9;color:#82071e}
.state.msg-queued,.state.msg-sending{background:var(--accent-bg);color:#0a4a8c}
.nowrap{white-space:nowrap}
@media (min-width:960px){.editor-grid{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}.editor-preview{position:sticky;top:.5rem}}
/* end flows and messages */
/* The menu beside the shop's name once the row has room for it (the Vietnamese labels need ~1,150 px); below, its own row. */
@media (min-width:1180px){.top nav{order:0;width:auto}}
@media (min-width:760px){
 .visitors{grid-template-columns:repeat(auto-fill,minmax(22rem,1fr))}
 body{font-size:15px}
 .nav-group{position:relative}
 .top nav{position:static}
 .top nav .nav-group ul{right:auto;min-width:13rem}
 main{padding:1.25rem 1.5rem}
 .cards{grid-template-columns:repeat(4,minmax(0,1fr))}
 .grid2{grid-template-columns:1fr 1fr}
}
`;
