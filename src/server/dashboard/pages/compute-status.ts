/**
 * Where a computation the server caches stands (the overview's analysis, its moves between two
 * dates), as a part of the page htmx keeps up to date: the result's age when it is current; else
 * the request that starts it (on load with htmx, a button without JavaScript), or the poll that
 * follows it and has the page reloaded when the result is there.
 */
import type { CacheState } from '../../../app/computed-cache.js';
import type { Formatter } from '../../../report/format.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';

const T = {
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
} as const satisfies Catalogue;

/** Where the part is and what its requests carry. */
export interface StatusParts {
  id: string;
  /** GET: the part again (htmx polls it). */
  statusUrl: string;
  /** POST: starts the computation. */
  refreshUrl: string;
  /** The fields the POST carries (the page's period…). */
  hidden: Record<string, string>;
}

function ago(at: Date, now: Date, lang: Lang): string {
  const minutes = Math.floor((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return tr(T.justNow, lang);
  if (minutes < 120) return fill(T.minutesAgo, lang, { n: minutes });
  return fill(T.hoursAgo, lang, { n: Math.floor(minutes / 60) });
}

/**
 * Where a cached computation stands: its age when current; else the request that starts it (on
 * load with htmx, a button without), or the poll that follows it and reloads the page when done.
 */
export function statusPanel<T>(
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
