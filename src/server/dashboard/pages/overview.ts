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
import type { z } from 'zod';
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
import { localDay } from '../../../domain/analytics/calendar.js';
import type { Formatter } from '../../../report/format.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { definePage, fragment, type PageSpec, page, redirect } from '../page.js';
import { statusPanel } from './compute-status.js';
import { movesView, reportView } from './overview-view.js';
import {
  dayField,
  optionalField,
  type PeriodQuery,
  periodInput,
  periodParams,
  periodPicker,
  periodQuery,
} from './period-picker.js';

const T = {
  title: { vi: 'Tổng quan', en: 'Overview' },
  periodLine: {
    vi: 'Kỳ {from} → {to}, so với {pfrom} → {pto} (kỳ trước cùng độ dài).',
    en: 'Period {from} → {to}, compared with {pfrom} → {pto} (the period of the same length before).',
  },
  moves: { vi: 'Dịch chuyển giữa các nhóm', en: 'Moves between groups' },
  movesHelp: {
    vi: 'Số khách ở mỗi nhóm vào ngày thứ nhất (hàng) và nhóm của họ vào ngày thứ hai (cột).',
    en: 'Customers in each group on the first date (rows) and their group on the second date (columns).',
  },
  movesFrom: { vi: 'Ngày thứ nhất', en: 'First date' },
  movesTo: { vi: 'Ngày thứ hai', en: 'Second date' },
  show: { vi: 'Xem', en: 'Show' },
} as const satisfies Catalogue;

const pageQuery = periodQuery.extend({ mfrom: optionalField(dayField), mto: optionalField(dayField) });
type PageQuery = z.output<typeof pageQuery>;

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
        const { period, state } = await overviewState(ctx, caches, { shopId, ...periodInput(query) });
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
          html`${periodPicker({ path: '/', query, period, lang, id: 'period' })}
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
        const { state } = await overviewState(ctx, caches, { shopId, ...periodInput(query) });
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
        const { state } = await startOverview(ctx, caches, { shopId, ...periodInput(form) });
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

function periodLine(data: OverviewData, fmt: Formatter, lang: Lang, zone: string): Html {
  const last = (d: Date) => fmt.date(new Date(d.getTime() - 1), zone);
  return html`<p class="muted period-line">${fill(T.periodLine, lang, {
    from: fmt.date(data.report.period.from, zone),
    to: last(data.report.period.to),
    pfrom: fmt.date(data.previousPeriod.from, zone),
    pto: last(data.previousPeriod.to),
  })}</p>`;
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
