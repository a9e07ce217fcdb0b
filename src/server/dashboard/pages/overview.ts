/**
 * The overview at `/`: the KPIs of `nurture analyze` for a chosen period with their change against
 * the period before, revenue and orders over time, the groups of each model, the RFM grid, cohort
 * retention and the moves between groups between two dates.
 *
 * The analysis is slow on a large shop and writes scores, so the page never runs it: it shows what
 * the server's cache holds for the shop, the period and the shop's current data (with its age),
 * and otherwise asks for it with an htmx POST on load (a button without JavaScript), then polls a
 * small status part that reloads the page once the fresh result is there. See docs/dashboard.md.
 */
import { z } from 'zod';
import type { CacheState } from '../../../app/computed-cache.js';
import {
  type MovesData,
  movesState,
  type OverviewCaches,
  type OverviewData,
  overviewState,
  startMoves,
  startOverview,
} from '../../../app/overview.js';
import { type ChosenPeriod, PERIOD_PRESETS, type PeriodPreset } from '../../../app/period.js';
import { localDay } from '../../../domain/analytics/calendar.js';
import type { Formatter } from '../../../report/format.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { definePage, fragment, type PageSpec, page, redirect } from '../page.js';
import { CSRF_FIELD } from '../session.js';
import { movesView, reportView } from './overview-view.js';

const T = {
  title: { vi: 'Tổng quan', en: 'Overview' },
  period: { vi: 'Kỳ báo cáo', en: 'Period' },
  last30: { vi: '30 ngày', en: '30 days' },
  last90: { vi: '90 ngày', en: '90 days' },
  last12m: { vi: '12 tháng', en: '12 months' },
  from: { vi: 'Từ ngày', en: 'From' },
  to: { vi: 'Đến ngày', en: 'To' },
  show: { vi: 'Xem', en: 'Show' },
  periodLine: {
    vi: 'Kỳ {from} → {to}, so với {pfrom} → {pto} (kỳ trước cùng độ dài).',
    en: 'Period {from} → {to}, compared with {pfrom} → {pto} (the period of the same length before).',
  },
  computedAt: { vi: 'Số liệu tính lúc {at} ({ago}).', en: 'Figures computed at {at} ({ago}).' },
  staleAt: {
    vi: 'Đang tính lại vì có dữ liệu mới; số liệu dưới đây tính lúc {at} ({ago}).',
    en: 'Recomputing for new data; the figures below were computed at {at} ({ago}).',
  },
  computing: {
    vi: 'Đang tính số liệu cho kỳ này… (cửa hàng lớn cần vài giây đến một phút)',
    en: 'Computing the figures of this period… (a large shop takes a few seconds to a minute)',
  },
  computeNow: { vi: 'Tính ngay', en: 'Compute now' },
  reload: { vi: 'Tải lại trang', en: 'Reload the page' },
  failed: { vi: 'Không tính được: {message}', en: 'Could not compute: {message}' },
  retry: { vi: 'Thử lại', en: 'Try again' },
  justNow: { vi: 'vừa xong', en: 'just now' },
  minutesAgo: { vi: '{n} phút trước', en: '{n} min ago' },
  hoursAgo: { vi: '{n} giờ trước', en: '{n} h ago' },
  moves: { vi: 'Dịch chuyển giữa các nhóm', en: 'Moves between groups' },
  movesHelp: {
    vi: 'Số khách ở mỗi nhóm vào ngày thứ nhất (hàng) và nhóm của họ vào ngày thứ hai (cột).',
    en: 'Customers in each group on the first date (rows) and their group on the second date (columns).',
  },
  movesFrom: { vi: 'Ngày thứ nhất', en: 'First date' },
  movesTo: { vi: 'Ngày thứ hai', en: 'Second date' },
} as const satisfies Catalogue;

const PRESET_LABEL: Record<PeriodPreset, keyof typeof T> = {
  '30d': 'last30',
  '90d': 'last90',
  '12m': 'last12m',
};

/** An empty field of a GET form is no value. */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const periodQuery = z.object({
  preset: optional(z.enum(PERIOD_PRESETS)),
  from: optional(day),
  to: optional(day),
});
const pageQuery = periodQuery.extend({ mfrom: optional(day), mto: optional(day) });
type PeriodQuery = z.output<typeof periodQuery>;
type PageQuery = z.output<typeof pageQuery>;

/** The period part of a query, as a query string (for links, polls and forms that keep it). */
function periodParams(q: PeriodQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.preset) p.set('preset', q.preset);
  if (q.from) p.set('from', q.from);
  if (q.to) p.set('to', q.to);
  return p;
}

const periodOf = (q: PeriodQuery) => ({
  ...(q.preset ? { preset: q.preset } : {}),
  ...(q.from ? { from: q.from } : {}),
  ...(q.to ? { to: q.to } : {}),
});

/**
 * Parts rendered once per computed result and language (drawing the charts takes most of a
 * page's time): kept as long as the result is in the cache.
 */
const rendered = new WeakMap<object, Partial<Record<Lang, Html>>>();
function once(key: object, lang: Lang, render: () => Html): Html {
  const byLang = rendered.get(key) ?? {};
  rendered.set(key, byLang);
  byLang[lang] ??= render();
  return byLang[lang];
}
const cachedReportView = (data: OverviewData, fmt: Formatter, lang: Lang) =>
  once(data, lang, () => reportView(data, fmt, lang));
/** The moves of the report itself (keyed by its transitions), or of two chosen dates. */
const cachedMovesView = (moves: MovesData, fmt: Formatter, lang: Lang, zone: string) =>
  once(moves.lifecycle, lang, () => movesView(moves, fmt, lang, zone));

/** The overview page and its status parts and compute requests. */
export function overviewPages(caches: OverviewCaches): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/',
      access: 'staff',
      query: pageQuery,
      handler: async ({ ctx, shopId, lang, fmt, shop, query, session }) => {
        const { period, state } = await overviewState(ctx, caches, { shopId, ...periodOf(query) });
        const data = (state.current ?? state.stale)?.value;
        const now = ctx.clock.now();
        const moves =
          query.mfrom && query.mto
            ? await movesState(ctx, caches, { shopId, from: query.mfrom, to: query.mto })
            : undefined;
        const csrf = session?.csrfToken ?? '';
        return page(
          T.title,
          'overview',
          html`${picker(query, period, lang)}
${data ? periodLine(data, fmt, lang, shop.timezone) : ''}
${overviewStatus(state, query, fmt, lang, shop.timezone, now, csrf)}
${data ? cachedReportView(data, fmt, lang) : ''}
${data ? movesSection(data, query, moves, fmt, lang, shop.timezone, now, csrf) : ''}`,
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/overview/status',
      access: 'staff',
      query: periodQuery,
      handler: async ({ ctx, shopId, lang, fmt, shop, query, reply, session }) => {
        const { state } = await overviewState(ctx, caches, { shopId, ...periodOf(query) });
        if (state.current) {
          // Fresh figures are there: drawn now, so that the page htmx reloads next is quick.
          const data = state.current.value;
          cachedReportView(data, fmt, lang);
          cachedMovesView(
            { lifecycle: data.report.lifecycle.transitions, value: data.report.valueGroups.transitions },
            fmt,
            lang,
            shop.timezone,
          );
          reply.header('hx-refresh', 'true');
        }
        return fragment(
          overviewStatus(state, query, fmt, lang, shop.timezone, ctx.clock.now(), session?.csrfToken ?? ''),
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/overview/refresh',
      access: 'staff',
      form: periodQuery,
      handler: async ({ ctx, shopId, lang, fmt, shop, form, request, session }) => {
        const { state } = await startOverview(ctx, caches, { shopId, ...periodOf(form) });
        if (request.headers['hx-request'] === 'true')
          return fragment(
            overviewStatus(state, form, fmt, lang, shop.timezone, ctx.clock.now(), session?.csrfToken ?? ''),
          );
        return redirect(`/?${periodParams(form)}`);
      },
    }),
    definePage({
      method: 'GET',
      url: '/overview/moves/status',
      access: 'staff',
      query: pageQuery,
      handler: async ({ ctx, shopId, lang, fmt, shop, query, reply, session }) => {
        if (!query.mfrom || !query.mto) return fragment(html``);
        const moves = await movesState(ctx, caches, { shopId, from: query.mfrom, to: query.mto });
        if (moves.state.current) {
          cachedMovesView(moves.state.current.value, fmt, lang, shop.timezone);
          reply.header('hx-refresh', 'true');
        }
        return fragment(
          movesStatus(
            moves.state,
            query,
            fmt,
            lang,
            shop.timezone,
            ctx.clock.now(),
            session?.csrfToken ?? '',
          ),
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/overview/moves/refresh',
      access: 'staff',
      form: pageQuery,
      handler: async ({ ctx, shopId, lang, fmt, shop, form, request, session }) => {
        if (!form.mfrom || !form.mto) return redirect(`/?${periodParams(form)}`);
        const moves = await startMoves(ctx, caches, { shopId, from: form.mfrom, to: form.mto });
        if (request.headers['hx-request'] === 'true')
          return fragment(
            movesStatus(
              moves.state,
              form,
              fmt,
              lang,
              shop.timezone,
              ctx.clock.now(),
              session?.csrfToken ?? '',
            ),
          );
        return redirect(`/?${pageParams(form)}`);
      },
    }),
  ];
}

function pageParams(q: PageQuery): URLSearchParams {
  const p = periodParams(q);
  if (q.mfrom) p.set('mfrom', q.mfrom);
  if (q.mto) p.set('mto', q.mto);
  return p;
}

/** Presets as links, two dates as a GET form. */
function picker(query: PeriodQuery, period: ChosenPeriod, lang: Lang): Html {
  return html`<div class="panel period-picker">
<nav aria-label="${tr(T.period, lang)}" class="presets">${PERIOD_PRESETS.map(
    (p) =>
      html`<a class="button${period.preset === p ? '' : ' secondary'}" href="/?preset=${p}"${period.preset === p ? html` aria-current="true"` : ''}>${tr(T[PRESET_LABEL[p]], lang)}</a>`,
  )}</nav>
<form method="get" action="/" class="toolbar">
<div><label for="period-from">${tr(T.from, lang)}</label><input id="period-from" name="from" type="date" value="${query.from ?? period.firstDay}"></div>
<div><label for="period-to">${tr(T.to, lang)}</label><input id="period-to" name="to" type="date" value="${query.to ?? period.lastDay}"></div>
<button type="submit">${tr(T.show, lang)}</button>
</form></div>`;
}

function periodLine(data: OverviewData, fmt: Formatter, lang: Lang, zone: string): Html {
  const last = (d: Date) => fmt.date(new Date(d.getTime() - 1), zone);
  return html`<p class="muted period-line">${fill(T.periodLine, lang, {
    from: fmt.date(data.report.period.from, zone),
    to: last(data.report.period.to),
    pfrom: fmt.date(data.previousPeriod.from, zone),
    pto: last(data.previousPeriod.to),
  })}</p>`;
}

function ago(at: Date, now: Date, lang: Lang): string {
  const minutes = Math.floor((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return tr(T.justNow, lang);
  if (minutes < 120) return fill(T.minutesAgo, lang, { n: minutes });
  return fill(T.hoursAgo, lang, { n: Math.floor(minutes / 60) });
}

interface StatusParts {
  id: string;
  statusUrl: string;
  refreshUrl: string;
  hidden: Record<string, string>;
}

/**
 * Where a cached computation stands: its age when current; else the request that starts it (on
 * load with htmx, a button without), or the poll that follows it and reloads the page when done.
 */
function statusPanel<T>(
  state: CacheState<T>,
  parts: StatusParts,
  fmt: Formatter,
  lang: Lang,
  zone: string,
  now: Date,
  csrf: string,
): Html {
  const { current, stale } = state;
  if (current)
    return html`<p id="${parts.id}" class="muted status">${fill(T.computedAt, lang, { at: fmt.dateTime(current.computedAt, zone), ago: ago(current.computedAt, now, lang) })}</p>`;
  const staleLine = stale
    ? html`<p>${fill(T.staleAt, lang, { at: fmt.dateTime(stale.computedAt, zone), ago: ago(stale.computedAt, now, lang) })}</p>`
    : '';
  const form = (label: string) => html`<form method="post" action="${parts.refreshUrl}" class="inline">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">${Object.entries(parts.hidden).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit" class="secondary">${label}</button></form>`;
  if (state.failed)
    return html`<div id="${parts.id}" class="error status" role="alert">${fill(T.failed, lang, { message: state.failed })} ${form(tr(T.retry, lang))}</div>`;
  if (state.computing)
    return html`<div id="${parts.id}" class="notice status" role="status" aria-live="polite" hx-get="${parts.statusUrl}" hx-trigger="every 1s" hx-swap="outerHTML">
${staleLine}<p><span class="spinner" aria-hidden="true"></span> ${tr(T.computing, lang)}</p>
<noscript><a href="">${tr(T.reload, lang)}</a></noscript></div>`;
  return html`<div id="${parts.id}" class="notice status" role="status" aria-live="polite" hx-post="${parts.refreshUrl}" hx-trigger="load" hx-vals="${JSON.stringify(parts.hidden)}" hx-swap="outerHTML">
${staleLine}<p>${tr(T.computing, lang)}</p>${form(tr(T.computeNow, lang))}</div>`;
}

function overviewStatus(
  state: CacheState<OverviewData>,
  query: PeriodQuery,
  fmt: Formatter,
  lang: Lang,
  zone: string,
  now: Date,
  csrf: string,
): Html {
  const params = periodParams(query);
  return statusPanel(
    state,
    {
      id: 'overview-status',
      statusUrl: `/overview/status?${params}`,
      refreshUrl: '/overview/refresh',
      hidden: Object.fromEntries(params),
    },
    fmt,
    lang,
    zone,
    now,
    csrf,
  );
}

function movesStatus(
  state: CacheState<MovesData>,
  query: PageQuery,
  fmt: Formatter,
  lang: Lang,
  zone: string,
  now: Date,
  csrf: string,
): Html {
  const params = pageParams(query);
  return statusPanel(
    state,
    {
      id: 'moves-status',
      statusUrl: `/overview/moves/status?${params}`,
      refreshUrl: '/overview/moves/refresh',
      hidden: Object.fromEntries(params),
    },
    fmt,
    lang,
    zone,
    now,
    csrf,
  );
}

/** The moves between two dates: the report's own (its last 90 days) unless two dates are chosen. */
function movesSection(
  data: OverviewData,
  query: PageQuery,
  moves: { state: CacheState<MovesData> } | undefined,
  fmt: Formatter,
  lang: Lang,
  zone: string,
  now: Date,
  csrf: string,
): Html {
  const report = data.report;
  const shown = moves
    ? (moves.state.current ?? moves.state.stale)?.value
    : { lifecycle: report.lifecycle.transitions, value: report.valueGroups.transitions };
  const fromDay = query.mfrom ?? localDay(report.lifecycle.transitions.fromDate, zone);
  const toDay = query.mto ?? localDay(report.lifecycle.transitions.toDate, zone);
  return html`<section aria-labelledby="h-moves"><h2 id="h-moves">${tr(T.moves, lang)}</h2>
<p class="muted">${tr(T.movesHelp, lang)}</p>
<form method="get" action="/" class="toolbar">${[...periodParams(query)].map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<div><label for="moves-from">${tr(T.movesFrom, lang)}</label><input id="moves-from" name="mfrom" type="date" value="${fromDay}"></div>
<div><label for="moves-to">${tr(T.movesTo, lang)}</label><input id="moves-to" name="mto" type="date" value="${toDay}"></div>
<button type="submit">${tr(T.show, lang)}</button></form>
${moves ? movesStatus(moves.state, query, fmt, lang, zone, now, csrf) : ''}
${shown ? cachedMovesView(shown, fmt, lang, zone) : ''}</section>`;
}
