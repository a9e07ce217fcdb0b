import type { KpiKey, Localized } from '../domain/analytics/types.js';

/**
 * What each headline KPI means, in the seller's words (vi/en): the dashboard shows it on hover,
 * the same definitions as docs/analytics.md. "Valid order" is always the analysis' rule: paid or
 * delivered, net of refunds (a COD parcel refused at the door is not revenue).
 */
export const KPI_DEFINITIONS: Partial<Record<KpiKey, Localized>> = {
  revenue: {
    vi: 'Tổng giá trị các đơn hợp lệ (đã thanh toán hoặc đã giao, trừ tiền hoàn) tạo trong kỳ.',
    en: 'Total value of valid orders (paid or delivered, net of refunds) placed in the period.',
  },
  orders: {
    vi: 'Số đơn hợp lệ tạo trong kỳ; đơn COD bị bom, trả hàng hay huỷ không tính.',
    en: 'Valid orders placed in the period; failed, returned or cancelled COD orders do not count.',
  },
  customers: {
    vi: 'Số khách có ít nhất một đơn hợp lệ trong kỳ.',
    en: 'Customers with at least one valid order in the period.',
  },
  aov: {
    vi: 'Doanh thu chia cho số đơn trong kỳ.',
    en: 'Revenue divided by the number of orders in the period.',
  },
  repeatRate: {
    vi: 'Trong số khách mua trong kỳ, tỉ lệ khách có từ 2 đơn hợp lệ trở lên trong kỳ.',
    en: 'Of the customers who bought in the period, the share with two or more valid orders in it.',
  },
  returningRevenueShare: {
    vi: 'Phần doanh thu trong kỳ đến từ các đơn không phải đơn đầu tiên của khách.',
    en: "Share of the period's revenue from orders that are not the customer's first.",
  },
  purchaseFrequency: {
    vi: 'Số đơn trung bình của mỗi khách mua trong kỳ (đơn ÷ khách).',
    en: 'Average orders per buying customer in the period (orders ÷ customers).',
  },
  avgDaysBetweenOrders: {
    vi: 'Số ngày trung bình từ một đơn mua lại trong kỳ đến đơn trước đó của cùng khách.',
    en: "Average days from a repeat order in the period back to the customer's previous order.",
  },
  retentionRate: {
    vi: 'Trong số khách còn hoạt động đầu kỳ, tỉ lệ khách mua lại trong kỳ.',
    en: 'Of the customers active at the start of the period, the share who bought again in it.',
  },
  churnRate: {
    vi: 'Trong số khách còn hoạt động đầu kỳ, tỉ lệ khách không mua lại trong kỳ (1 − giữ chân). Càng thấp càng tốt.',
    en: 'Of the customers active at the start of the period, the share who did not buy again (1 − retention). Lower is better.',
  },
  historicalClv: {
    vi: 'Doanh thu trọn đời trung bình (đến cuối kỳ) của mỗi khách đã có đơn.',
    en: 'Average lifetime revenue (up to the end of the period) per customer with an order.',
  },
  nps: {
    vi: 'Điểm NPS: % khách chấm 9–10 trừ % khách chấm 0–6, trong các câu trả lời của kỳ.',
    en: 'Net Promoter Score: % of answers 9–10 minus % of answers 0–6, among the answers of the period.',
  },
  visitorConversion: {
    vi: 'Tỉ lệ khách truy cập cửa hàng trong kỳ có đặt đơn hợp lệ.',
    en: 'Share of the storefront visitors of the period who placed a valid order.',
  },
  cac: {
    vi: 'Chi phí marketing của các tháng trong kỳ chia cho số khách mới (đơn đầu tiên trong kỳ). Càng thấp càng tốt.',
    en: 'Marketing costs of the months of the period divided by the new customers (first order in the period). Lower is better.',
  },
  clvToCac: {
    vi: 'CLV lịch sử chia cho CAC: mỗi đồng bỏ ra để có khách mang về bao nhiêu.',
    en: 'Historical CLV divided by CAC: what each amount spent on acquiring a customer brings back.',
  },
  revenuePerReferredCustomer: {
    vi: 'Doanh thu trong kỳ của khách được giới thiệu, chia cho số khách đó có đơn trong kỳ.',
    en: 'Period revenue of referred customers divided by the referred customers who bought in it.',
  },
  upCrossSellRate: {
    vi: 'Trong số khách mua lại trong kỳ, tỉ lệ có đơn lớn hơn đơn đầu hoặc mua thêm ngành hàng mới.',
    en: 'Of the customers with a repeat order in the period, the share whose order was larger than their first or added a category.',
  },
  reactivationRate: {
    vi: 'Trong số khách đã rời bỏ đầu kỳ, tỉ lệ quay lại mua trong kỳ.',
    en: 'Of the customers churned at the start of the period, the share who bought again in it.',
  },
  reactivationCost: {
    vi: 'Tổng giảm giá (mã coupon) trên đơn đầu tiên trong kỳ của khách được kích hoạt lại.',
    en: 'Coupon discounts on the first order in the period of each reactivated customer.',
  },
  codFailureRate: {
    vi: 'Trong số đơn COD trong kỳ đã có kết quả, tỉ lệ giao thất bại (khách bom hàng). Càng thấp càng tốt.',
    en: 'Of the COD orders of the period that reached an outcome, the share whose delivery failed. Lower is better.',
  },
};

/** KPIs where a fall is good news (shown green when they go down). */
export const LOWER_IS_BETTER: ReadonlySet<KpiKey> = new Set<KpiKey>([
  'churnRate',
  'codFailureRate',
  'cac',
  'avgDaysBetweenOrders',
  'reactivationCost',
]);
