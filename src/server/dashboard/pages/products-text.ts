/** Words of the products pages (`/products`, `/products/:sku`), in Vietnamese and English. */
import type { Catalogue } from '../i18n.js';

export const PRODUCTS_T = {
  title: { vi: 'Sản phẩm & chu kỳ mua lại', en: 'Products & reorder cycles' },
  intro: {
    vi: 'Chu kỳ mua lại của từng sản phẩm, học từ các đơn hợp lệ (đã thanh toán hoặc đã giao): bao lâu thì khách mua lại một đơn vị, và sản phẩm có đủ bằng chứng để nhắc mua lại không. Tính lại mỗi đêm, hoặc bằng lệnh nurture products replenishment --recompute.',
    en: 'Each product’s reorder cycle, learned from the valid orders (paid or delivered): how long one unit lasts a customer, and whether the evidence is enough to remind them. Recomputed every night, or with nurture products replenishment --recompute.',
  },
  never: {
    vi: 'Chưa tính chu kỳ nào. Chạy nurture products replenishment (hoặc đợi lần tính đêm nay).',
    en: 'No cycles computed yet. Run nurture products replenishment (or wait for tonight’s recompute).',
  },
  computed: { vi: 'Tính lúc {at}', en: 'Computed {at}' },
  sku: { vi: 'SKU', en: 'SKU' },
  product: { vi: 'Sản phẩm', en: 'Product' },
  buyers: { vi: 'Người mua', en: 'Buyers' },
  repeatBuyers: { vi: 'Khách mua từ hai lần', en: 'Bought it twice or more' },
  repeat: { vi: 'Tỉ lệ mua lại', en: 'Repeat rate' },
  cycle: { vi: 'Chu kỳ (ngày / đơn vị)', en: 'Cycle (days / unit)' },
  interval: { vi: 'Khoảng tin cậy 95 %', en: '95 % interval' },
  pattern: { vi: 'Kiểu mua', en: 'Pattern' },
  source: { vi: 'Nguồn chu kỳ', en: 'Cycle from' },
  verdict: { vi: 'Nhắc mua lại', en: 'Replenishable' },
  yes: { vi: 'Có', en: 'Yes' },
  no: { vi: 'Không', en: 'No' },
  caption: { vi: 'Chu kỳ mua lại theo sản phẩm', en: 'Reorder cycles by product' },
  evidence: { vi: 'Bằng chứng', en: 'Evidence' },
  intervals: { vi: 'Số khoảng cách giữa hai lần mua', en: 'Intervals between purchases' },
  quartiles: { vi: 'Trung vị (tứ phân vị 25–75 %)', en: 'Median (25–75 % quartiles)' },
  regularity: { vi: 'Độ đều đặn (Wheat–Morrison k)', en: 'Regularity (Wheat–Morrison k)' },
  prior: { vi: 'Độ mạnh tiên nghiệm (khoảng giả định)', en: 'Prior strength (pseudo-intervals)' },
  category: { vi: 'Danh mục', en: 'Category' },
  histogram: {
    vi: 'Phân bố khoảng cách giữa hai lần mua (ngày / đơn vị)',
    en: 'Intervals between purchases (days / unit)',
  },
  days: { vi: 'ngày', en: 'days' },
  count: { vi: 'Số khoảng', en: 'Intervals' },
  noHistogram: {
    vi: 'Chưa có khách nào mua sản phẩm này hai lần.',
    en: 'No customer has bought it twice yet.',
  },
  notComputed: {
    vi: 'Sản phẩm chưa có chu kỳ (chưa tính, hoặc chưa ai mua).',
    en: 'No cycle for this product (not computed yet, or never ordered).',
  },
  back: { vi: 'Tất cả sản phẩm', en: 'All products' },
  why: { vi: 'Lý do', en: 'Why not' },
  thresholds: {
    vi: 'Một sản phẩm được nhắc mua lại khi có ít nhất {buyers} người mua (hoặc danh mục của nó), {repeat} khách mua từ hai lần (hoặc danh mục), và tỉ lệ mua lại từ {share}.',
    en: 'A product is replenishable with at least {buyers} buyers (or its category), {repeat} customers who bought it twice (or its category), and a repeat rate of {share} or more.',
  },
} as const satisfies Catalogue;
