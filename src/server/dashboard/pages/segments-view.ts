/**
 * What the segment pages show: the list, the live check of a query (count, positioned error with
 * its suggestion, the first members) and the member tables. The editor and the chart are in
 * segment-editor.ts.
 */

import type { CustomerListItem } from '../../../app/customers.js';
import type { QueryPreview } from '../../../app/segments.js';
import type { ShopSettings } from '../../../app/shop-settings.js';
import { customerName } from '../../../domain/names.js';
import { BUILTIN_SEGMENTS } from '../../../domain/segments/builtins.js';
import type { NurtureError } from '../../../errors.js';
import type { Formatter } from '../../../report/format.js';
import type { Segment, SegmentMember } from '../../../store/segments/index.js';
import { type Html, html } from '../html.js';
import { fill, type Lang, tr } from '../i18n.js';
import { queryErrorBox } from '../query-error.js';
import { T } from './segments-text.js';

/** How a page formats: the language, its formatter and the shop (zone, currency). */
export interface View {
  lang: Lang;
  fmt: Formatter;
  shop: ShopSettings;
}

/** The page of one segment (names may hold any character but control ones). */
export const segmentPath = (name: string) => `/segments/${encodeURIComponent(name)}`;

/** A built-in segment's vi/en label and description; undefined for the shop's own. */
export function builtinInfo(segment: Segment) {
  return segment.builtin ? BUILTIN_SEGMENTS.find((b) => b.name === segment.name) : undefined;
}

/** The name a seller reads: a built-in segment's label in the page's language, else its name. */
export function displayName(segment: Segment, lang: Lang): string {
  return builtinInfo(segment)?.label[lang] ?? segment.name;
}

/** A segment's description in the page's language (built-ins keep both, "vi / en", in the store). */
export function displayDescription(segment: Segment, lang: Lang): string | null {
  return builtinInfo(segment)?.description[lang] ?? segment.description;
}

function segmentRows(segments: readonly Segment[], view: View): Html {
  const { lang, fmt, shop } = view;
  return html`${segments.map(
    (s) => html`<tr>
<td><a href="${segmentPath(s.name)}">${displayName(s, lang)}</a>${s.builtin ? html`<br><code class="muted">${s.name}</code>` : ''}
${!s.builtin && s.description ? html`<br><span class="muted">${s.description}</span>` : ''}</td>
<td class="q"><code class="seg-query">${s.query}</code></td>
<td class="num">${fmt.count(s.members)}</td>
<td class="when">${s.refreshedAt ? fmt.dateTime(s.refreshedAt, shop.timezone) : html`<span class="muted">${tr(T.never, lang)}</span>`}</td>
</tr>`,
  )}`;
}

function segmentTable(headingId: string, segments: readonly Segment[], view: View): Html {
  const { lang } = view;
  return html`<div class="scroll"><table class="data seg-list" aria-labelledby="${headingId}">
<thead><tr><th scope="col">${tr(T.name, lang)}</th><th scope="col" class="q">${tr(T.query, lang)}</th>
<th scope="col" class="num">${tr(T.members, lang)}</th><th scope="col">${tr(T.refreshed, lang)}</th></tr></thead>
<tbody>${segmentRows(segments, view)}</tbody></table></div>`;
}

/** The list: the built-in segments with their vi/en labels, then the shop's own. */
export function segmentList(segments: readonly Segment[], view: View, notice?: string): Html {
  const { lang } = view;
  const builtins = segments.filter((s) => s.builtin);
  const own = segments.filter((s) => !s.builtin);
  return html`${notice ? html`<div class="notice" role="status">${notice}</div>` : ''}
<div class="toolbar seg-top"><a class="button" href="/segments/new">${tr(T.newSegment, lang)}</a>
<a href="#own-segments">${fill(T.ownJump, lang, { n: view.fmt.count(own.length) })}</a></div>
<h2 id="builtin-segments">${tr(T.builtinHeading, lang)}</h2>
<p class="muted">${tr(T.builtinHelp, lang)}</p>
${segmentTable('builtin-segments', builtins, view)}
<h2 id="own-segments">${tr(T.ownHeading, lang)}</h2>
${own.length === 0 ? html`<p class="muted">${tr(T.noOwn, lang)}</p>` : segmentTable('own-segments', own, view)}`;
}

/** What the live check of a query shows. */
export type QueryCheck =
  | { kind: 'empty' }
  | { kind: 'ok'; preview: QueryPreview }
  | { kind: 'error'; query: string; error: NurtureError };

const nameOf = (first: string | null, last: string | null, lang: Lang) =>
  customerName(first, last) ?? tr(T.noName, lang);

function previewTable(members: readonly CustomerListItem[], view: View): Html {
  const { lang, fmt, shop } = view;
  if (members.length === 0) return html`<p class="muted">${tr(T.nobody, lang)}</p>`;
  return html`<div class="scroll"><table class="data seg-people">
<thead><tr><th scope="col">${tr(T.customer, lang)}</th><th scope="col">${tr(T.phone, lang)}</th>
<th scope="col" class="num">${tr(T.orders, lang)}</th><th scope="col" class="num">${tr(T.spent, lang)}</th>
<th scope="col">${tr(T.lastOrder, lang)}</th></tr></thead>
<tbody>${members.map(
    (
      m,
    ) => html`<tr><td><a href="/customers/${encodeURIComponent(m.customerId)}">${nameOf(m.firstName, m.lastName, lang)}</a></td>
<td>${m.phone ?? ''}</td><td class="num">${fmt.count(m.orders)}</td>
<td class="num">${fmt.money(m.revenue, shop.currency)}</td>
<td>${m.lastOrderAt ? fmt.date(m.lastOrderAt, shop.timezone) : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

/** The check's two places: under the query (count or error) and below the save button (members). */
export interface CheckParts {
  summary: Html;
  members: Html;
}

/** The live check: the count and the first members, or the positioned error, or a hint. */
export function checkParts(check: QueryCheck, view: View): CheckParts {
  const { lang, fmt, shop } = view;
  if (check.kind === 'empty')
    return { summary: html`<p class="muted">${tr(T.emptyQuery, lang)}</p>`, members: html`` };
  if (check.kind === 'error')
    return { summary: queryErrorBox(check.query, check.error, lang), members: html`` };
  const { preview } = check;
  return {
    summary: html`<p class="seg-count"><strong data-count="${preview.count}">${fill(T.matches, lang, { n: fmt.count(preview.count) })}</strong>
<span class="muted">(${fill(T.asOf, lang, { at: fmt.dateTime(preview.asOf, shop.timezone) })})</span></p>`,
    members: html`${preview.count > 0 ? html`<h3>${fill(T.previewHeading, lang, { n: fmt.count(preview.members.length) })}</h3>` : ''}
${previewTable(preview.members, view)}`,
  };
}

/**
 * The check as htmx swaps it in: the summary into `#query-check`, the members out of band into
 * `#query-members` (below the save button, which stays near the query).
 */
export function checkFragment(check: QueryCheck, view: View): Html {
  const parts = checkParts(check, view);
  return html`${parts.summary}<div id="query-members" class="seg-members" hx-swap-oob="true">${parts.members}</div>`;
}

/** A saved segment's size and members as of its last refresh. */
export function savedMembers(segment: Segment, members: readonly SegmentMember[], view: View): CheckParts {
  const { lang, fmt, shop } = view;
  const refreshed = segment.refreshedAt
    ? fmt.dateTime(segment.refreshedAt, shop.timezone)
    : tr(T.never, lang);
  const rows = members.map(
    (
      m,
    ) => html`<tr><td><a href="/customers/${encodeURIComponent(m.customerId)}">${nameOf(m.firstName, m.lastName, lang)}</a></td>
<td>${m.phone ?? ''}</td><td class="num">${fmt.count(m.orders)}</td>
<td class="num">${fmt.money(m.amountSpent, shop.currency)}</td>
<td>${fmt.dateTime(m.enteredAt, shop.timezone)}</td></tr>`,
  );
  const table =
    members.length === 0
      ? html`<p class="muted">${tr(T.nobody, lang)}</p>`
      : html`<div class="scroll"><table class="data seg-people">
<thead><tr><th scope="col">${tr(T.customer, lang)}</th><th scope="col">${tr(T.phone, lang)}</th>
<th scope="col" class="num">${tr(T.orders, lang)}</th><th scope="col" class="num">${tr(T.spent, lang)}</th>
<th scope="col">${tr(T.entered, lang)}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
  return {
    summary: html`<p class="seg-count"><strong data-count="${segment.members}">${fill(T.matches, lang, { n: fmt.count(segment.members) })}</strong>
<span class="muted">(${fill(T.asOf, lang, { at: refreshed })})</span></p>`,
    members: html`<h3>${fill(T.savedMembersHeading, lang, { n: fmt.count(members.length) })}</h3>${table}`,
  };
}
