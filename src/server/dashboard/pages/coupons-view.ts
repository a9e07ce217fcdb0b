/**
 * What the coupons page shows: the filter (state, part of a code), the list with its pager, the
 * form that makes a bulk batch, and a batch with its codes and their download. Rendering only;
 * coupons.ts reads through app/coupons.ts.
 */
import type { CouponShop, CouponView } from '../../../app/coupons.js';
import { COUPON_STATES, type CouponState } from '../../../domain/coupons/index.js';
import { COUPON_KIND_LABELS, COUPON_STATE_LABELS, couponOffer } from '../../../report/coupons.js';
import type { Formatter } from '../../../report/format.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';

export const T = {
  title: { vi: 'Mã giảm giá', en: 'Coupons' },
  intro: {
    vi: 'Mỗi mã dùng một lần. Mã được ghi nhận đã dùng khi có đơn mang mã (nhập file hoặc webhook) và được mở lại khi đơn đó bị huỷ, giao thất bại hoặc hoàn trả.',
    en: 'Each code is single use. A code is redeemed when an order carries it (an import or a webhook) and released when that order is cancelled, fails delivery or is returned.',
  },
  state: { vi: 'Trạng thái', en: 'State' },
  allStates: { vi: 'Tất cả', en: 'All' },
  search: { vi: 'Tìm theo mã', en: 'Search by code' },
  apply: { vi: 'Lọc', en: 'Filter' },
  code: { vi: 'Mã', en: 'Code' },
  offer: { vi: 'Ưu đãi', en: 'Offer' },
  customer: { vi: 'Khách hàng', en: 'Customer' },
  anyone: { vi: 'Ai cũng dùng được', en: 'Anyone' },
  batch: { vi: 'Lô', en: 'Batch' },
  expires: { vi: 'Hết hạn', en: 'Expires' },
  order: { vi: 'Đơn hàng', en: 'Order' },
  none: { vi: 'Không có mã nào khớp.', en: 'No coupons match.' },
  next: { vi: 'Trang sau', en: 'Next page' },
  results: { vi: 'Danh sách mã', en: 'Coupons' },
  newBatch: { vi: 'Tạo lô mã (cho Shopify/Haravan)', en: 'Create a batch of codes (for Shopify/Haravan)' },
  batchHint: {
    vi: 'Các mã không gắn với khách nào. Tải danh sách (mỗi dòng một mã) để dán vào mã giảm giá trên Shopify hoặc Haravan. Tạo lại cùng tên sẽ ra đúng các mã cũ.',
    en: 'Codes for anyone. Download the list (one code per line) to paste into a Shopify or Haravan discount. The same name again gives the same codes.',
  },
  batchName: { vi: 'Tên lô', en: 'Batch name' },
  count: { vi: 'Số mã', en: 'Number of codes' },
  kind: { vi: 'Loại ưu đãi', en: 'Kind' },
  value: { vi: 'Giá trị (số tiền hoặc %)', en: 'Value (amount or %)' },
  minOrder: { vi: 'Đơn tối thiểu', en: 'Minimum order' },
  expiresIn: { vi: 'Hết hạn sau (24h, 7d) hoặc ngày giờ', en: 'Expires in (24h, 7d) or a date-time' },
  create: { vi: 'Tạo lô mã', en: 'Create the batch' },
  batchTitle: { vi: 'Lô mã {batch}', en: 'Batch {batch}' },
  batchSummary: {
    vi: '{count} mã, {offer}, hết hạn {expires}. Mỗi mã dùng một lần.',
    en: '{count} codes, {offer}, expires {expires}. Each code is single use.',
  },
  download: { vi: 'Tải danh sách mã (.txt, mỗi dòng một mã)', en: 'Download the codes (.txt, one per line)' },
  backToList: { vi: 'Về danh sách mã', en: 'Back to the coupons' },
} as const satisfies Catalogue;

export interface ListState {
  state: CouponState | undefined;
  q: string;
  after: string | undefined;
}

/** The query string of a list state (the pager keeps the filter). */
export function listQuery(s: ListState, over: Partial<ListState> = {}): string {
  const v = { ...s, ...over };
  const p = new URLSearchParams();
  if (v.state) p.set('state', v.state);
  if (v.q) p.set('q', v.q);
  if (v.after) p.set('after', v.after);
  return p.toString();
}

export function filterForm(lang: Lang, s: ListState): Html {
  return html`<form method="get" action="/coupons" class="panel filters" role="search"
  hx-get="/coupons" hx-target="#coupon-results" hx-push-url="true"
  hx-trigger="submit, input changed delay:300ms from:#coupon-q, change from:#coupon-state">
  <div class="form-row">
    <label for="coupon-state">${tr(T.state, lang)}</label>
    <select id="coupon-state" name="state">
      <option value="">${tr(T.allStates, lang)}</option>
      ${COUPON_STATES.map(
        (k) =>
          html`<option value="${k}"${s.state === k ? ' selected' : ''}>${tr(COUPON_STATE_LABELS[k], lang)}</option>`,
      )}
    </select>
  </div>
  <div class="form-row">
    <label for="coupon-q">${tr(T.search, lang)}</label>
    <input type="search" id="coupon-q" name="q" value="${s.q}" autocomplete="off" spellcheck="false" class="mono">
  </div>
  <div class="toolbar"><button type="submit">${tr(T.apply, lang)}</button></div>
</form>`;
}

export function resultsView(v: {
  lang: Lang;
  fmt: Formatter;
  shop: CouponShop;
  state: ListState;
  coupons: readonly CouponView[];
  nextCursor: string | null;
}): Html {
  const { lang, fmt, shop } = v;
  if (v.coupons.length === 0)
    return html`<div id="coupon-results"><p class="muted">${tr(T.none, lang)}</p></div>`;
  return html`<div id="coupon-results">
<div class="scroll"><table class="data coupons"><caption class="visually-hidden">${tr(T.results, lang)}</caption>
<thead><tr><th scope="col">${tr(T.code, lang)}</th><th scope="col">${tr(T.offer, lang)}</th><th scope="col">${tr(T.customer, lang)}</th><th scope="col">${tr(T.expires, lang)}</th><th scope="col">${tr(T.state, lang)}</th></tr></thead>
<tbody>${v.coupons.map(
    (c) =>
      html`<tr data-code="${c.code}"><td class="mono">${c.code}</td><td>${couponOffer(c, shop.currency, lang, fmt)}</td><td>${
        c.customerId
          ? html`<a href="/customers/${encodeURIComponent(c.customerId)}">${c.customerId}</a>`
          : c.batchId
            ? html`<a href="/coupons/batches/${encodeURIComponent(c.batchId)}">${tr(T.batch, lang)} ${c.batchId}</a>`
            : tr(T.anyone, lang)
      }</td><td>${fmt.dateTime(c.expiresAt, shop.timezone)}</td><td><span class="state state-${c.state}">${tr(COUPON_STATE_LABELS[c.state], lang)}</span></td></tr>`,
  )}</tbody></table></div>
<nav class="pager" aria-label="${tr(T.results, lang)}">
  ${v.nextCursor ? html`<a href="/coupons?${listQuery(v.state, { after: v.nextCursor })}" rel="next">${tr(T.next, lang)}</a>` : ''}
</nav>
</div>`;
}

export interface BatchFormValues {
  batch: string;
  count: string;
  kind: string;
  value: string;
  minOrder: string;
  expires: string;
}

export const EMPTY_BATCH_FORM: BatchFormValues = {
  batch: '',
  count: '100',
  kind: 'percent',
  value: '',
  minOrder: '',
  expires: '7d',
};

export function batchForm(lang: Lang, csrfToken: string, v: BatchFormValues): Html {
  const field = (id: keyof BatchFormValues, label: string, type: string, extra = '') =>
    html`<div class="form-row"><label for="batch-${id}">${label}</label><input type="${type}" id="batch-${id}" name="${id}" value="${v[id]}"${extra ? html` ${extra}` : ''}></div>`;
  return html`<form method="post" action="/coupons/batches" class="panel" id="batch-form">
<h2>${tr(T.newBatch, lang)}</h2>
<p class="muted small">${tr(T.batchHint, lang)}</p>
<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
${field('batch', tr(T.batchName, lang), 'text')}
${field('count', tr(T.count, lang), 'number')}
<div class="form-row"><label for="batch-kind">${tr(T.kind, lang)}</label><select id="batch-kind" name="kind">${(
    ['fixed_amount', 'percent', 'free_shipping'] as const
  ).map(
    (k) =>
      html`<option value="${k}"${v.kind === k ? ' selected' : ''}>${tr(COUPON_KIND_LABELS[k], lang)}</option>`,
  )}</select></div>
${field('value', tr(T.value, lang), 'text')}
${field('minOrder', tr(T.minOrder, lang), 'text')}
${field('expires', tr(T.expiresIn, lang), 'text')}
<div class="toolbar"><button type="submit">${tr(T.create, lang)}</button></div>
</form>`;
}

export function batchView(v: {
  lang: Lang;
  fmt: Formatter;
  shop: CouponShop;
  batch: string;
  coupons: readonly CouponView[];
}): Html {
  const { lang, fmt, shop } = v;
  const first = v.coupons[0];
  return html`${
    first
      ? html`<p id="batch-summary">${fill(T.batchSummary, lang, {
          count: fmt.count(v.coupons.length),
          offer: couponOffer(first, shop.currency, lang, fmt),
          expires: fmt.zonedDateTime(first.expiresAt, shop.timezone),
        })}</p>`
      : ''
  }
<p><a class="button" href="/coupons/batches/${encodeURIComponent(v.batch)}/codes.txt" download>${tr(T.download, lang)}</a>
<a class="button secondary" href="/coupons">${tr(T.backToList, lang)}</a></p>
${resultsView({ lang, fmt, shop, state: { state: undefined, q: '', after: undefined }, coupons: v.coupons, nextCursor: null })}`;
}
