/**
 * Recommendation sections of the dashboard: "bought together" for a product's page
 * (`boughtTogetherSection`, placed by the product page) and "recommended for" in a customer's
 * profile (`customerRecommendationsSection`). Pure views of what app/recommend.ts returns.
 */
import type { Bundle, PersonalRecommendations, TogetherItem } from '../../../app/recommend.js';
import type { RecommendedItem } from '../../../domain/recommend/model.js';
import type { Formatter } from '../../../report/format.js';
import { type Html, html } from '../html.js';
import type { Catalogue, Lang } from '../i18n.js';
import { fill, tr } from '../i18n.js';

export const R = {
  together: { vi: 'Thường được mua cùng', en: 'Bought together' },
  noTogether: {
    vi: 'Chưa có sản phẩm nào thường được mua cùng (cần thêm đơn, hoặc chưa tính gợi ý: nurture recommend recompute).',
    en: 'No product is bought with it often enough yet (more orders needed, or run nurture recommend recompute).',
  },
  product: { vi: 'Sản phẩm', en: 'Product' },
  ordersTogether: { vi: 'Số đơn cùng', en: 'Orders together' },
  confidence: { vi: 'Độ tin cậy', en: 'Confidence' },
  lift: { vi: 'Lift', en: 'Lift' },
  shrunk: { vi: 'ít đơn: dựa một phần vào danh mục', en: 'few orders: leans on the category' },
  bundle: { vi: 'Combo gợi ý: {items}, tổng {price}', en: 'Bundle: {items}, together {price}' },
  forYou: { vi: 'Gợi ý cho khách này', en: 'Recommended for this customer' },
  noRecommendations: { vi: 'Chưa có gợi ý.', en: 'No recommendations yet.' },
  reason: { vi: 'Lý do', en: 'Reason' },
  price: { vi: 'Giá', en: 'Price' },
  fallback: {
    vi: 'Cửa hàng còn ít đơn hoặc khách chưa có đơn: danh sách dựa vào danh mục và sản phẩm bán chạy.',
    en: 'Few orders in the shop, or none by this customer: the list leans on categories and best sellers.',
  },
  crossShop: { vi: 'Từ cửa hàng liên kết', en: 'From linked shops' },
  computedAt: { vi: 'Tính lúc {at}', en: 'Computed at {at}' },
} satisfies Catalogue;

export interface RecommendView {
  lang: Lang;
  fmt: Formatter;
  currency: string;
  zone: string;
}

const price = (p: number | null, v: RecommendView) => (p === null ? '–' : v.fmt.money(p, v.currency));

/** "Bought together" of one product: its pair rules and the bundle with its combined price. */
export function boughtTogetherSection(
  r: { sku: string; title: string; items: TogetherItem[]; bundle: Bundle | null },
  v: RecommendView,
): Html {
  const { lang, fmt } = v;
  return html`<section class="panel recommend-together" aria-labelledby="h-together"><h2 id="h-together">${tr(R.together, lang)}</h2>${
    r.items.length === 0
      ? html`<p class="muted">${tr(R.noTogether, lang)}</p>`
      : html`<div class="scroll"><table class="data"><thead><tr><th scope="col">${tr(R.product, lang)}</th><th scope="col" class="num">${tr(R.ordersTogether, lang)}</th><th scope="col" class="num">${tr(R.confidence, lang)}</th><th scope="col" class="num">${tr(R.lift, lang)}</th><th scope="col" class="num">${tr(R.price, lang)}</th></tr></thead><tbody>${r.items.map(
          (i) =>
            html`<tr data-sku="${i.sku}"><td>${i.title} <span class="muted small mono">${i.sku}</span>${i.shrunk ? html` <span class="note muted small">${tr(R.shrunk, lang)}</span>` : ''}</td><td class="num">${fmt.count(i.together)}</td><td class="num">${fmt.percent(i.confidence, 0)}</td><td class="num">${fmt.decimal(i.lift, 2)}</td><td class="num">${price(i.price, v)}</td></tr>`,
        )}</tbody></table></div>`
  }${
    r.bundle && r.bundle.combinedPrice !== null
      ? html`<p class="bundle">${fill(R.bundle, lang, { items: r.bundle.titles.join(' + '), price: price(r.bundle.combinedPrice, v) })}</p>`
      : ''
  }</section>`;
}

function itemRows(items: RecommendedItem[], v: RecommendView): Html {
  return html`${items.map(
    (i) =>
      html`<tr data-sku="${i.sku}"><td class="num">${String(i.rank)}</td><td>${i.title} <span class="muted small mono">${i.sku}</span></td><td>${i.reason.text}</td><td class="num">${price(i.price, v)}</td></tr>`,
  )}`;
}

/** A customer's recommendations with their reasons (and the linked shops' products, if any). */
export function customerRecommendationsSection(r: PersonalRecommendations, v: RecommendView): Html {
  const { lang, fmt } = v;
  const head = html`<thead><tr><th scope="col" class="num">#</th><th scope="col">${tr(R.product, lang)}</th><th scope="col">${tr(R.reason, lang)}</th><th scope="col" class="num">${tr(R.price, lang)}</th></tr></thead>`;
  return html`<section class="panel recommend-for-you" aria-labelledby="h-recs"><h2 id="h-recs">${tr(R.forYou, lang)}</h2>${
    r.items.length === 0
      ? html`<p class="muted">${tr(R.noRecommendations, lang)}</p>`
      : html`${r.fallback ? html`<p class="muted small">${tr(R.fallback, lang)}</p>` : ''}<div class="scroll"><table class="data recommendations">${head}<tbody>${itemRows(r.items, v)}</tbody></table></div>`
  }${
    r.crossShop.length > 0
      ? html`<h3>${tr(R.crossShop, lang)}</h3><div class="scroll"><table class="data">${head}<tbody>${itemRows(r.crossShop, v)}</tbody></table></div>`
      : ''
  }${r.computedAt ? html`<p class="muted small">${fill(R.computedAt, lang, { at: fmt.dateTime(new Date(r.computedAt), v.zone) })}</p>` : ''}</section>`;
}
