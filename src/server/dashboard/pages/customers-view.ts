/**
 * How the customers' list is drawn: the filter form (search, segment query with its live count,
 * column chooser), the table of the chosen columns, the pager and the export link. The page specs
 * are in customers.ts.
 */
import { groupInfo } from '../../../domain/analytics/groups-catalog.js';
import type { NurtureError } from '../../../errors.js';
import { fullName, LIST_COLUMNS, type ListColumn } from '../../../report/customers-csv.js';
import type { Formatter } from '../../../report/format.js';
import type { CustomerListItem } from '../../../store/customers/directory.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, type Localized, tr } from '../i18n.js';
import { queryErrorBox } from '../query-error.js';

export const T = {
  title: { vi: 'Khách hàng', en: 'Customers' },
  search: { vi: 'Tìm theo tên, số điện thoại hoặc e-mail', en: 'Search by name, phone or e-mail' },
  searchHint: {
    vi: 'Số điện thoại viết kiểu nào cũng được: 0912 345 678, +84 912…',
    en: 'Phones in any form: 0912 345 678, +84 912…',
  },
  segment: { vi: 'Lọc theo điều kiện phân khúc', en: 'Filter by a segment query' },
  segmentHint: {
    vi: "Ví dụ: lifecycle = 'churned' AND amount_spent > 2000000 (xem docs/segments.md)",
    en: "For example: lifecycle = 'churned' AND amount_spent > 2000000 (see docs/segments.md)",
  },
  matching: { vi: '{n} khách khớp điều kiện', en: '{n} customers match' },
  columns: { vi: 'Chọn cột', en: 'Columns' },
  apply: { vi: 'Lọc', en: 'Apply' },
  clear: { vi: 'Xoá bộ lọc', en: 'Clear' },
  export: { vi: 'Tải CSV (bộ lọc và cột đang chọn)', en: 'Download CSV (this filter and columns)' },
  name: { vi: 'Tên', en: 'Name' },
  noName: { vi: '(chưa có tên)', en: '(no name)' },
  results: { vi: 'Danh sách khách hàng', en: 'Customer list' },
  none: { vi: 'Không có khách nào khớp.', en: 'No customer matches.' },
  next: { vi: 'Trang sau →', en: 'Next page →' },
  first: { vi: '← Trang đầu', en: '← First page' },
  shown: { vi: 'Hiện {n} khách', en: 'Showing {n} customers' },
} as const satisfies Catalogue;

export const COLUMN_LABELS: Record<ListColumn, Localized> = {
  phone: { vi: 'Số điện thoại', en: 'Phone' },
  email: { vi: 'E-mail', en: 'E-mail' },
  city: { vi: 'Tỉnh/thành', en: 'City' },
  orders: { vi: 'Số đơn', en: 'Orders' },
  revenue: { vi: 'Doanh thu', en: 'Revenue' },
  aov: { vi: 'Giá trị đơn TB', en: 'Average order' },
  first_order_at: { vi: 'Đơn đầu tiên', en: 'First order' },
  last_order_at: { vi: 'Đơn gần nhất', en: 'Last order' },
  lifecycle: { vi: 'Nhóm vòng đời', en: 'Lifecycle group' },
  value_group: { vi: 'Nhóm giá trị', en: 'Value group' },
  rfm_group: { vi: 'Nhóm RFM', en: 'RFM group' },
  predicted_clv: { vi: 'CLV dự đoán', en: 'Predicted CLV' },
  p_alive: { vi: 'Khả năng còn mua (P(alive))', en: 'P(alive)' },
};

const NUMERIC: ReadonlySet<ListColumn> = new Set(['orders', 'revenue', 'aov', 'predicted_clv', 'p_alive']);
/** Cells kept on one line (a phone or a day cut in two reads wrong); group names may wrap. */
const ONE_LINE: ReadonlySet<ListColumn> = new Set(['phone', 'first_order_at', 'last_order_at']);

const cellClass = (k: ListColumn) =>
  NUMERIC.has(k) ? html` class="num"` : ONE_LINE.has(k) ? html` class="nowrap"` : '';

/** What the list's URL says: the search, the segment query, the columns, the page. */
export interface ListState {
  q: string;
  segment: string;
  columns: readonly ListColumn[];
  after: string | undefined;
}

/** The query string of a list state (links, the export, the pager keep every part of it). */
export function listQuery(state: ListState, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.segment) params.set('segment', state.segment);
  params.set('cols', state.columns.join(','));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** A group's label in the reader's language (the raw name for one the catalogue lacks). */
export function groupLabel(model: 'lifecycle' | 'value' | 'rfm', group: string | null, lang: Lang): string {
  if (!group) return '–';
  try {
    return groupInfo(model, group).label[lang];
  } catch {
    return group;
  }
}

/** One cell of the list, formatted for the reader. */
function cell(
  c: CustomerListItem,
  column: ListColumn,
  fmt: Formatter,
  currency: string,
  zone: string,
  lang: Lang,
) {
  const money = (v: number | null) => (v === null ? '–' : fmt.money(v, currency));
  const day = (d: Date | null) => (d ? fmt.date(d, zone) : '–');
  switch (column) {
    case 'phone':
      return c.phone ?? '';
    case 'email':
      return c.email ?? '';
    case 'city':
      return c.city ?? '';
    case 'orders':
      return fmt.count(c.orders);
    case 'revenue':
      return money(c.revenue);
    case 'aov':
      return money(c.aov);
    case 'first_order_at':
      return day(c.firstOrderAt);
    case 'last_order_at':
      return day(c.lastOrderAt);
    case 'lifecycle':
      return groupLabel('lifecycle', c.lifecycle, lang);
    case 'value_group':
      return groupLabel('value', c.valueGroup, lang);
    case 'rfm_group':
      return groupLabel('rfm', c.rfmGroup, lang);
    case 'predicted_clv':
      return money(c.predictedClv);
    case 'p_alive':
      return c.pAlive === null ? '–' : fmt.percent(c.pAlive, 0);
  }
}

export interface ListView {
  lang: Lang;
  fmt: Formatter;
  currency: string;
  timezone: string;
  state: ListState;
  customers: CustomerListItem[];
  nextCursor: string | null;
  matching: number | undefined;
}

/** The results region (replaced by htmx as the seller types): export link, table, pager. */
export function resultsView(v: ListView): Html {
  const { lang, fmt, state } = v;
  return html`<div class="toolbar list-tools">
  <p class="muted" aria-live="polite">${fill(T.shown, lang, { n: fmt.count(v.customers.length) })}${
    v.matching !== undefined ? html` · ${fill(T.matching, lang, { n: fmt.count(v.matching) })}` : ''
  }</p>
  <a class="button secondary" href="/customers/export.csv?${listQuery(state)}" download>${tr(T.export, lang)}</a>
</div>
${
  v.customers.length === 0
    ? html`<p class="panel">${tr(T.none, lang)}</p>`
    : html`<div class="scroll"><table class="data customers">
<caption class="visually-hidden">${tr(T.results, lang)}</caption>
<thead><tr><th scope="col">${tr(T.name, lang)}</th>${state.columns.map(
        (k) =>
          html`<th scope="col"${NUMERIC.has(k) ? html` class="num"` : ''}>${tr(COLUMN_LABELS[k], lang)}</th>`,
      )}</tr></thead>
<tbody>${v.customers.map(
        (c) =>
          html`<tr><td><a href="/customers/${encodeURIComponent(c.customerId)}">${fullName(c) || tr(T.noName, lang)}</a></td>${state.columns.map(
            (k) => html`<td${cellClass(k)}>${cell(c, k, fmt, v.currency, v.timezone, lang)}</td>`,
          )}</tr>`,
      )}</tbody></table></div>`
}
<nav class="pager" aria-label="${tr(T.results, lang)}">
  ${state.after ? html`<a href="/customers?${listQuery(state)}">${tr(T.first, lang)}</a>` : ''}
  ${v.nextCursor ? html`<a href="/customers?${listQuery(state, { after: v.nextCursor })}" rel="next">${tr(T.next, lang)}</a>` : ''}
</nav>`;
}

/** A segment query that did not compile: the query as typed and the error (with its place). */
export interface QueryProblem {
  query: string;
  error: NurtureError;
}

/** The live count of a segment query, or its error with the place marked (under the input). */
export function countView(
  lang: Lang,
  fmt: Formatter,
  outcome: { count: number } | QueryProblem | undefined,
): Html {
  if (outcome === undefined) return html``;
  if ('error' in outcome) return queryErrorBox(outcome.query, outcome.error, lang);
  return html`<p class="count"><strong>${fill(T.matching, lang, { n: fmt.count(outcome.count) })}</strong></p>`;
}

/**
 * The filter form: a GET form (works without script); with htmx, typing in the search box
 * replaces the results, typing a segment query updates its count, and the URL follows.
 */
export function filterForm(lang: Lang, state: ListState, countPart: Html): Html {
  return html`<form method="get" action="/customers" class="panel filters" role="search"
  hx-get="/customers" hx-target="#results" hx-push-url="true"
  hx-trigger="submit, input changed delay:300ms from:#q, change from:.col-choice">
  <div class="form-row">
    <label for="q">${tr(T.search, lang)}</label>
    <input type="search" id="q" name="q" value="${state.q}" autocomplete="off" aria-describedby="q-hint">
    <p class="muted small" id="q-hint">${tr(T.searchHint, lang)}</p>
  </div>
  <div class="form-row">
    <label for="segment">${tr(T.segment, lang)}</label>
    <input type="text" id="segment" name="segment" value="${state.segment}" autocomplete="off" spellcheck="false"
      class="mono" aria-describedby="segment-hint segment-count"
      hx-get="/customers/count" hx-trigger="input changed delay:300ms" hx-target="#segment-count" hx-sync="this:replace">
    <p class="muted small" id="segment-hint">${tr(T.segmentHint, lang)}</p>
    <div id="segment-count" aria-live="polite">${countPart}</div>
  </div>
  <details class="form-row columns-chooser">
    <summary>${tr(T.columns, lang)}</summary>
    <input type="hidden" name="cols" value="">
    <fieldset><legend class="visually-hidden">${tr(T.columns, lang)}</legend>
    ${LIST_COLUMNS.map(
      (k) =>
        html`<label class="check"><input type="checkbox" class="col-choice" name="cols" value="${k}"${
          state.columns.includes(k) ? ' checked' : ''
        }> ${tr(COLUMN_LABELS[k], lang)}</label>`,
    )}
    </fieldset>
  </details>
  <div class="toolbar">
    <button type="submit">${tr(T.apply, lang)}</button>
    <a class="button secondary" href="/customers">${tr(T.clear, lang)}</a>
  </div>
</form>`;
}
