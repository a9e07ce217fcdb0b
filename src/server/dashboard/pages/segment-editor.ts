/**
 * The segment editor (name, description, the query with its live check) and the chart of entries
 * and exits. The query box asks the server for a check 300 ms after typing stops (htmx); without
 * JavaScript, saving shows the same check.
 */
import type { MembershipFlowDay } from '../../../store/segments/flow.js';
import type { Segment } from '../../../store/segments/index.js';
import { type ChartOption, svgChart } from '../charts.js';
import { type Html, html } from '../html.js';
import { fill, type Lang, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';
import { T } from './segments-text.js';
import { builtinInfo, type CheckParts, displayDescription, segmentPath, type View } from './segments-view.js';

/** What the form holds: as saved, or as typed when a save was refused. */
export interface EditorValues {
  name: string;
  description: string;
  query: string;
}

const EXAMPLES = [
  'number_of_orders >= 2 AND lifecycle = loyal',
  "lifecycle = 'churned' AND amount_spent > 2000000",
  'last_order_date < -90d',
] as const;

/**
 * The editor form. `segment` is the saved one being changed (undefined: a new one); `check` is the
 * check region's content (the saved members, a draft's count, or the refused save's error).
 */
export function editorForm(
  view: View & { csrf: string },
  values: EditorValues,
  segment: Segment | undefined,
  check: CheckParts,
): Html {
  const { lang } = view;
  const action = segment ? segmentPath(segment.name) : '/segments/new';
  return html`<form method="post" action="${action}" class="panel seg-editor">
<input type="hidden" name="${CSRF_FIELD}" value="${view.csrf}">
<div class="form-row"><label for="seg-name">${tr(T.nameLabel, lang)}</label>
<input id="seg-name" name="name" type="text" required maxlength="120" value="${values.name}" autocomplete="off"></div>
<div class="form-row"><label for="seg-description">${tr(T.descriptionLabel, lang)}</label>
<input id="seg-description" name="description" type="text" maxlength="2000" value="${values.description}" autocomplete="off"></div>
<div class="form-row"><label for="seg-query">${tr(T.queryLabel, lang)}</label>
<textarea id="seg-query" name="query" rows="4" required spellcheck="false" autocapitalize="off" autocomplete="off"
 aria-describedby="seg-query-help query-check"
 hx-get="/segments/new/check" hx-trigger="input changed delay:300ms" hx-target="#query-check" hx-sync="this:replace">${values.query}</textarea>
<p id="seg-query-help" class="muted">${tr(T.queryHelp, lang)}</p>
<details><summary>${tr(T.examples, lang)}</summary><ul class="seg-examples">${EXAMPLES.map((e) => html`<li><code>${e}</code></li>`)}</ul></details>
</div>
<div id="query-check" class="seg-check" aria-live="polite">${check.summary}</div>
<div class="toolbar"><button type="submit">${tr(T.save, lang)}</button></div>
<div id="query-members" class="seg-members">${check.members}</div>
</form>`;
}

/** A built-in segment: its labels, description and query, read-only. */
export function builtinView(segment: Segment, lang: Lang): Html {
  const info = builtinInfo(segment);
  return html`<div class="panel">
<p><span class="badge">${tr(T.builtinBadge, lang)}</span> <code>${segment.name}</code>${info ? html` · <span lang="${lang === 'vi' ? 'en' : 'vi'}">${info.label[lang === 'vi' ? 'en' : 'vi']}</span>` : ''}</p>
<p>${displayDescription(segment, lang) ?? ''}</p>
<p class="muted">${tr(T.readOnly, lang)}</p>
<h2 id="seg-query-heading">${tr(T.query, lang)}</h2>
<pre aria-labelledby="seg-query-heading">${segment.query}</pre>
<p><a class="button secondary" href="/segments/new?query=${encodeURIComponent(segment.query)}">${tr(T.copyToNew, lang)}</a></p>
</div>`;
}

/** The refresh button and, for the owner of a shop's own segment, the delete button. */
export function segmentActions(view: View & { csrf: string; owner: boolean }, segment: Segment): Html {
  const { lang } = view;
  const path = segmentPath(segment.name);
  return html`<div class="toolbar seg-actions">
<form method="post" action="${path}/refresh" class="inline"><input type="hidden" name="${CSRF_FIELD}" value="${view.csrf}">
<button type="submit" class="secondary">${tr(T.refresh, lang)}</button></form>
${
  segment.builtin
    ? ''
    : view.owner
      ? html`<form method="post" action="${path}/delete" class="inline" onsubmit="return confirm(this.dataset.confirm)" data-confirm="${tr(T.deleteConfirm, lang)}">
<input type="hidden" name="${CSRF_FIELD}" value="${view.csrf}">
<button type="submit" class="danger">${tr(T.delete, lang)}</button></form>`
      : html`<p class="muted">${tr(T.deleteOwnerOnly, lang)}</p>`
}
</div>`;
}

/** The periods the chart offers: days shown and whether bars are days or weeks. */
export const PERIODS = { 30: 'day', 90: 'day', 365: 'week' } as const;
export type PeriodDays = keyof typeof PERIODS;

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayText = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** The Monday that starts a day's week. */
const mondayOf = (n: number) => n - ((new Date(n * DAY_MS).getUTCDay() + 6) % 7);

/** Every bucket from the first day to today, with the day's (or week's) moves; empty ones as 0. */
export function flowBuckets(
  flow: readonly MembershipFlowDay[],
  range: { firstDay: string; today: string; bucket: 'day' | 'week' },
): { label: string; entered: number; exited: number }[] {
  const key = (n: number) => (range.bucket === 'week' ? mondayOf(n) : n);
  const buckets = new Map<number, { entered: number; exited: number }>();
  for (
    let n = key(dayNumber(range.firstDay));
    n <= dayNumber(range.today);
    n += range.bucket === 'week' ? 7 : 1
  )
    buckets.set(n, { entered: 0, exited: 0 });
  for (const d of flow) {
    const b = buckets.get(key(dayNumber(d.day)));
    if (!b) continue;
    b.entered += d.entered;
    b.exited += d.exited;
  }
  return [...buckets].map(([n, b]) => ({ label: dayText(n), ...b }));
}

/** Stacked bars: entries up (green), exits down (red), one bar per bucket. */
function flowOption(
  view: View,
  buckets: readonly { label: string; entered: number; exited: number }[],
): ChartOption {
  const { lang, fmt } = view;
  return {
    legend: { top: 0, data: [tr(T.chartEntered, lang), tr(T.chartExited, lang)] },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: buckets.map((b) => b.label.slice(5)),
      axisLabel: { hideOverlap: true, fontSize: 12 },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { fontSize: 12, formatter: (v: number) => fmt.count(Math.abs(v)) },
    },
    series: [
      {
        name: tr(T.chartEntered, lang),
        type: 'bar',
        stack: 'moves',
        color: '#2da44e',
        data: buckets.map((b) => b.entered),
      },
      {
        name: tr(T.chartExited, lang),
        type: 'bar',
        stack: 'moves',
        color: '#a40e26',
        data: buckets.map((b) => -b.exited),
      },
    ],
  };
}

/** The chart of entries (up) and exits (down) per day or week, with the period picker. */
export function flowChart(
  view: View,
  segment: Segment,
  flow: { days: readonly MembershipFlowDay[]; since: Date; now: Date },
  period: PeriodDays,
): Html {
  const { lang, fmt, shop } = view;
  const bucket = PERIODS[period];
  const buckets = flowBuckets(flow.days, {
    firstDay: fmt.date(new Date(flow.since.getTime() + DAY_MS), shop.timezone),
    today: fmt.date(flow.now, shop.timezone),
    bucket,
  });
  const entered = buckets.reduce((s, b) => s + b.entered, 0);
  const exited = buckets.reduce((s, b) => s + b.exited, 0);
  const label = fill(T.chartLabel, lang, { bucket: tr(bucket === 'week' ? T.week : T.day, lang) });
  const option = flowOption(view, buckets);
  // Drawn twice, for a phone and for a wide screen (CSS shows one): an SVG scaled down to a phone
  // would shrink its labels below reading size.
  const chart =
    entered + exited === 0
      ? html`<p class="muted">${tr(T.noMoves, lang)}</p>`
      : html`<div class="seg-chart-narrow">${svgChart(option, { label, width: 380, height: 260 })}</div>
<div class="seg-chart-wide">${svgChart(option, { label, width: 960, height: 300 })}</div>`;
  return html`<section aria-labelledby="seg-chart-heading">
<h2 id="seg-chart-heading">${tr(T.chartHeading, lang)}</h2>
<form method="get" action="${segmentPath(segment.name)}" class="toolbar" data-autosubmit>
<div class="seg-period"><label for="seg-period">${tr(T.period, lang)}</label>
<select id="seg-period" name="days">${([30, 90, 365] as const).map(
    (d) =>
      html`<option value="${d}"${d === period ? ' selected' : ''}>${tr(d === 30 ? T.last30 : d === 90 ? T.last90 : T.last365, lang)}</option>`,
  )}</select></div>
<button type="submit" class="secondary">${tr(T.show, lang)}</button>
</form>
<p class="muted">${fill(T.totals, lang, { n: fmt.count(entered), m: fmt.count(exited) })}</p>
${chart}
</section>`;
}
