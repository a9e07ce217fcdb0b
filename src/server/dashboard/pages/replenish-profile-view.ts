/**
 * The customer profile's "buys again" section: each replenishable product the customer buys, their
 * rhythm beside the product's cycle, the predicted next purchase and an overdue / due badge. A pure
 * view of what app/replenishment-profile.ts returns.
 */
import type { ReplenishmentProfile, ReplenishStatus } from '../../../app/replenishment-profile.js';
import { assertNever } from '../../../errors.js';
import type { Formatter } from '../../../report/format.js';
import { type Html, html } from '../html.js';
import type { Catalogue, Lang } from '../i18n.js';
import { fill, tr } from '../i18n.js';

export const RP = {
  title: { vi: 'Mua lại định kỳ', en: 'Replenishment' },
  intro: {
    vi: 'Sản phẩm khách mua lại theo chu kỳ: nhịp riêng của khách (kéo về chu kỳ của sản phẩm khi khách mới mua ít lần), ngày dự đoán khách mua lại và ngày nên nhắc.',
    en: 'Products this customer buys again: their own rhythm (drawn toward the product’s cycle while they have bought it only a few times), the day they are predicted to buy again and the day to remind them.',
  },
  empty: {
    vi: 'Khách chưa mua sản phẩm nào cần mua lại định kỳ.',
    en: 'No replenishable products bought yet.',
  },
  never: {
    vi: 'Chưa tính chu kỳ mua lại (nurture products replenishment --recompute, hoặc đợi lần tính đêm nay).',
    en: 'Reorder cycles not computed yet (nurture products replenishment --recompute, or wait for tonight’s run).',
  },
  product: { vi: 'Sản phẩm', en: 'Product' },
  purchases: { vi: 'Số lần mua', en: 'Purchases' },
  rhythm: { vi: 'Nhịp của khách (ngày / đơn vị)', en: 'Their rhythm (days / unit)' },
  cycle: { vi: 'Chu kỳ sản phẩm (ngày / đơn vị)', en: 'Product cycle (days / unit)' },
  last: { vi: 'Lần mua gần nhất', en: 'Last bought' },
  lastValue: { vi: '{day} · {qty} đơn vị', en: '{day} · {qty} units' },
  predicted: { vi: 'Dự đoán mua lại', en: 'Predicted next purchase' },
  remind: { vi: 'nhắc từ {day}', en: 'remind from {day}' },
  status: { vi: 'Trạng thái', en: 'Status' },
  overdue: { vi: 'Quá hạn {days} ngày', en: 'Overdue by {days} days' },
  due: { vi: 'Sắp hết', en: 'Due soon' },
  later: { vi: 'Còn {days} ngày', en: 'In {days} days' },
  computedAt: { vi: 'Chu kỳ tính lúc {at}', en: 'Cycles computed at {at}' },
} satisfies Catalogue;

export interface ReplenishProfileView {
  lang: Lang;
  fmt: Formatter;
  zone: string;
}

function statusBadge(status: ReplenishStatus, days: number, lang: Lang): Html {
  switch (status) {
    case 'overdue':
      return html`<span class="badge no" data-status="overdue">${fill(RP.overdue, lang, { days: -days })}</span>`;
    case 'due':
      return html`<span class="badge" data-status="due">${tr(RP.due, lang)}</span>`;
    case 'later':
      return html`<span class="muted" data-status="later">${fill(RP.later, lang, { days })}</span>`;
    default:
      return assertNever(status);
  }
}

/** The customer's replenishable products, overdue first; an empty state when there is none. */
export function customerReplenishmentSection(r: ReplenishmentProfile, v: ReplenishProfileView): Html {
  const { lang, fmt } = v;
  const days = (d: number | null) => (d === null ? '—' : fmt.upTo(d, 1));
  const cycle = (i: ReplenishmentProfile['items'][number]) =>
    i.cycleDays === null
      ? '—'
      : i.cycleLowDays !== null && i.cycleHighDays !== null
        ? html`${days(i.cycleDays)} <span class="muted small">[${days(i.cycleLowDays)}–${days(i.cycleHighDays)}]</span>`
        : days(i.cycleDays);
  const shopDay = (day: string) => fmt.date(new Date(`${day}T12:00:00Z`), 'UTC');
  const body =
    r.items.length === 0
      ? html`<p class="muted">${tr(r.computedAt === null ? RP.never : RP.empty, lang)}</p>`
      : html`<p class="muted small">${tr(RP.intro, lang)}</p><div class="scroll"><table class="data replenishment"><thead><tr><th scope="col">${tr(RP.product, lang)}</th><th scope="col" class="num">${tr(RP.purchases, lang)}</th><th scope="col" class="num">${tr(RP.rhythm, lang)}</th><th scope="col" class="num">${tr(RP.cycle, lang)}</th><th scope="col">${tr(RP.last, lang)}</th><th scope="col">${tr(RP.predicted, lang)}</th><th scope="col">${tr(RP.status, lang)}</th></tr></thead><tbody>${r.items.map(
          (i) =>
            html`<tr data-sku="${i.sku}"><td><a href="/products/${encodeURIComponent(i.sku)}">${i.title ?? i.sku}</a> <span class="muted small mono">${i.sku}</span></td><td class="num">${fmt.count(i.purchases)}</td><td class="num">${days(i.customerIntervalDays)}</td><td class="num">${cycle(i)}</td><td>${fill(RP.lastValue, lang, { day: fmt.date(i.lastPurchaseAt, v.zone), qty: fmt.count(i.lastQuantity) })}</td><td>${shopDay(i.predictedDay)} <span class="muted small">${fill(RP.remind, lang, { day: shopDay(i.dueDay) })}</span></td><td>${statusBadge(i.status, i.daysToPredicted, lang)}</td></tr>`,
        )}</tbody></table></div>`;
  return html`<section class="panel replenishment" aria-labelledby="h-replenish"><h2 id="h-replenish">${tr(RP.title, lang)}</h2>${body}${
    r.computedAt
      ? html`<p class="muted small">${fill(RP.computedAt, lang, { at: fmt.dateTime(r.computedAt, v.zone) })}</p>`
      : ''
  }</section>`;
}
