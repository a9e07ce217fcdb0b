import { assertNever } from '../../errors.js';
import type {
  GroupModel,
  KpiKey,
  LifecycleGroup,
  Localized,
  RfmGroup,
  ValueGroup,
  ValueParentGroup,
} from './types.js';

/**
 * What the seller reads about each group, in Vietnamese and English: its name, what it means, the
 * goal, the KPIs to watch and the recommended actions. Seed 000 gives the lifecycle groups, seed
 * 001 (GapOne) the value groups, Shopify's published meanings the RFM groups; seed 002 adds the
 * care actions for the best customers. The CLI and the HTML report print these.
 */
export interface GroupInfo {
  label: Localized;
  definition: Localized;
  goal: Localized;
  kpis: readonly KpiKey[];
  actions: readonly Localized[];
  /** The group this one refines (the Focus sub-groups). */
  parent?: string;
}

const t = (vi: string, en: string): Localized => ({ vi, en });

/** Names of the KPIs, for reports. */
export const KPI_LABELS: Record<KpiKey, Localized> = {
  revenue: t('Doanh thu', 'Revenue'),
  orders: t('Số đơn hàng', 'Orders'),
  customers: t('Khách hàng có đơn', 'Customers with an order'),
  aov: t('Giá trị đơn hàng trung bình (AOV)', 'Average order value (AOV)'),
  repeatRate: t('Tỷ lệ mua lại', 'Repeat purchase rate'),
  returningRevenueShare: t('Tỷ trọng doanh thu từ khách cũ', 'Returning-customer revenue share'),
  purchaseFrequency: t('Tần suất mua', 'Purchase frequency'),
  avgDaysBetweenOrders: t('Số ngày trung bình giữa hai đơn', 'Average days between orders'),
  activeAtStart: t('Khách đang hoạt động đầu kỳ', 'Active customers at start'),
  retentionRate: t('Tỷ lệ giữ chân khách hàng', 'Retention rate'),
  churnRate: t('Tỷ lệ khách hàng rời bỏ', 'Churn rate'),
  churnedAtEnd: t('Khách rời bỏ cuối kỳ', 'Churned customers at end'),
  avgDaysSinceLastOrderChurned: t(
    'Khách đã rời bỏ bao lâu (ngày)',
    'Time since churned customers left (days)',
  ),
  historicalClv: t('Giá trị vòng đời khách hàng (CLV lịch sử)', 'Historical customer lifetime value (CLV)'),
  nps: t('Điểm NPS', 'Net Promoter Score (NPS)'),
  npsResponses: t('Số câu trả lời NPS', 'NPS responses'),
  visitors: t('Lượt khách truy cập', 'Visitors'),
  visitorConversion: t('Tỷ lệ chuyển đổi từ người xem sang khách hàng', 'Visitor-to-customer conversion'),
  newCustomers: t('Khách hàng mới có được', 'New customers acquired'),
  marketingCost: t('Chi phí marketing', 'Marketing cost'),
  cac: t('Chi phí cho mỗi khách hàng (CAC)', 'Cost per acquired customer (CAC)'),
  clvToCac: t('Tỷ lệ CLV : CAC', 'CLV : CAC'),
  referredCustomers: t('Khách được giới thiệu có đơn', 'Referred customers with an order'),
  revenuePerReferredCustomer: t('Doanh thu trên mỗi khách được giới thiệu', 'Revenue per referred customer'),
  repeatCustomers: t('Khách mua lại', 'Repeat customers'),
  upCrossSellRate: t('Tỷ lệ up-sell/cross-sell', 'Up-sell/cross-sell rate'),
  churnedAtStart: t('Khách đã rời bỏ đầu kỳ', 'Churned customers at start'),
  reactivatedCustomers: t('Khách quay lại', 'Reactivated customers'),
  reactivationRate: t('Tỷ lệ khách rời bỏ quay lại', 'Reactivation rate'),
  reactivationCost: t('Chi phí kích hoạt lại (coupon)', 'Reactivation cost (coupons)'),
  reactivationCostPerCustomer: t('Chi phí kích hoạt lại mỗi khách', 'Reactivation cost per customer'),
  codOrders: t('Đơn COD đã có kết quả giao', 'COD orders with a delivery outcome'),
  codFailureRate: t('Tỷ lệ giao COD thất bại (bom hàng)', 'COD failure rate'),
};

const RFM_CATALOG: Record<RfmGroup, GroupInfo> = {
  champions: {
    label: t('Khách hàng xuất sắc', 'Champions'),
    definition: t(
      'Mua rất gần đây, mua nhiều lần và chi tiêu nhiều nhất.',
      'Very recent purchases, many orders and the most spend.',
    ),
    goal: t(
      'Giữ chân và biến họ thành người giới thiệu thương hiệu.',
      'Keep them and turn them into advocates.',
    ),
    kpis: ['historicalClv', 'nps', 'purchaseFrequency'],
    actions: [
      t(
        'Tặng quà bất ngờ và gửi thư cảm ơn viết tay.',
        'Send surprise gifts and handwritten thank-you notes.',
      ),
      t('Mời tham gia chương trình giới thiệu bạn bè.', 'Invite them to the referral programme.'),
      t('Cho dùng thử sớm sản phẩm mới.', 'Give early access to new products.'),
    ],
  },
  loyal: {
    label: t('Khách hàng trung thành', 'Loyal'),
    definition: t('Mua gần đây, nhiều đơn và chi tiêu cao.', 'Recent purchases, many orders and high spend.'),
    goal: t('Nâng họ lên nhóm xuất sắc.', 'Move them up to Champions.'),
    kpis: ['historicalClv', 'purchaseFrequency', 'nps'],
    actions: [
      t(
        'Tích điểm và thưởng khi vượt ngưỡng chi tiêu.',
        'Loyalty points and rewards past a spend threshold.',
      ),
      t('Ưu đãi riêng, không đại trà.', 'Exclusive offers rather than mass promotions.'),
    ],
  },
  active: {
    label: t('Đang hoạt động', 'Active'),
    definition: t(
      'Mua gần đây, một vài đơn, chi tiêu vừa phải.',
      'Recent purchases, some orders and moderate spend.',
    ),
    goal: t('Tăng tần suất mua và giá trị đơn.', 'Raise purchase frequency and order value.'),
    kpis: ['aov', 'purchaseFrequency', 'upCrossSellRate'],
    actions: [
      t('Gợi ý combo và sản phẩm mua kèm.', 'Suggest combos and complementary products.'),
      t('Thưởng cho đơn hàng tiếp theo.', 'Reward the next order.'),
    ],
  },
  new: {
    label: t('Khách hàng mới', 'New'),
    definition: t(
      'Mua rất gần đây, ít đơn, chi tiêu thấp.',
      'Very recent purchases, few orders and low spend.',
    ),
    goal: t('Có được đơn hàng thứ hai.', 'Win the second order.'),
    kpis: ['repeatRate', 'aov'],
    actions: [
      t(
        'Chuỗi tin chào mừng; mời tạo tài khoản sau đơn đầu tiên.',
        'Welcome flow; offer an account after the first order.',
      ),
      t('Phần thưởng cho đơn hàng thứ hai.', 'A reward on the second order.'),
    ],
  },
  promising: {
    label: t('Tiềm năng', 'Promising'),
    definition: t('Mua gần đây, ít đơn, chi tiêu thấp.', 'Recent purchases, few orders and low spend.'),
    goal: t('Tạo thói quen mua lại.', 'Build the habit of buying again.'),
    kpis: ['repeatRate', 'purchaseFrequency'],
    actions: [
      t('Gợi ý sản phẩm theo những gì khách đã xem.', 'Recommend products from what they viewed.'),
      t('Voucher có thời hạn ngắn.', 'A short-lived voucher.'),
    ],
  },
  needs_attention: {
    label: t('Cần chú ý', 'Needs attention'),
    definition: t(
      'Một vài đơn, chi tiêu vừa phải, đã một thời gian chưa mua.',
      'Some orders and moderate spend, but not bought for a while.',
    ),
    goal: t('Kéo họ quay lại trước khi rời bỏ.', 'Bring them back before they lapse.'),
    kpis: ['retentionRate', 'churnRate'],
    actions: [
      t('Nhắc nhở cá nhân hoá kèm ưu đãi có hạn.', 'A personal reminder with a limited-time offer.'),
      t('Khảo sát nhanh về trải nghiệm.', 'A quick survey about their experience.'),
    ],
  },
  at_risk: {
    label: t('Có nguy cơ rời bỏ', 'At risk'),
    definition: t(
      'Lâu chưa mua nhưng từng mua nhiều và chi tiêu cao.',
      'No recent purchases, but a strong history of orders and spend.',
    ),
    goal: t('Lôi kéo họ quay lại.', 'Win them back.'),
    kpis: ['reactivationRate', 'reactivationCost'],
    actions: [
      t('Tin nhắn cá nhân kèm coupon giá trị cao.', 'A personal message with a high-value coupon.'),
      t('Hỏi lý do họ không còn mua.', 'Ask why they stopped buying.'),
    ],
  },
  previously_loyal: {
    label: t('Từng trung thành', 'Previously loyal'),
    definition: t(
      'Lâu chưa mua nhưng từng là khách hàng rất tốt.',
      'No recent purchases, but a very strong history of orders and spend.',
    ),
    goal: t('Kích hoạt lại mối quan hệ.', 'Reactivate the relationship.'),
    kpis: ['reactivationRate', 'reactivationCost'],
    actions: [
      t('Gọi điện hoặc nhắn Zalo trực tiếp.', 'Call them or message them on Zalo directly.'),
      t('Ưu đãi VIP và giới thiệu sản phẩm mới.', 'A VIP offer and the new products.'),
    ],
  },
  almost_lost: {
    label: t('Sắp mất', 'Almost lost'),
    definition: t(
      'Lâu chưa mua, ít đơn, chi tiêu thấp.',
      'No recent purchases, fewer orders and lower spend.',
    ),
    goal: t('Một lần cuối để kích hoạt lại.', 'One last attempt to reactivate.'),
    kpis: ['reactivationRate', 'reactivationCost'],
    actions: [
      t('Ưu đãi mạnh cho sản phẩm bán chạy.', 'A strong offer on best sellers.'),
      t('Dừng gửi nếu không phản hồi.', 'Stop messaging if there is no response.'),
    ],
  },
  dormant: {
    label: t('Ngủ đông', 'Dormant'),
    definition: t(
      'Rất lâu chưa mua, ít đơn, chi tiêu thấp.',
      'No recent orders, infrequent orders and low spend.',
    ),
    goal: t('Tái nhận diện thương hiệu với chi phí thấp.', 'Re-introduce the brand at low cost.'),
    kpis: ['reactivationRate', 'visitorConversion'],
    actions: [
      t('Chăm sóc như khách hàng mới.', 'Treat them as new customers.'),
      t('Chỉ dùng kênh chi phí thấp.', 'Use low-cost channels only.'),
    ],
  },
  prospects: {
    label: t('Chưa mua hàng', 'Prospects'),
    definition: t('Chưa có đơn hàng nào.', 'No orders yet.'),
    goal: t('Có được đơn hàng đầu tiên.', 'Win the first order.'),
    kpis: ['visitorConversion', 'cac'],
    actions: [
      t('Popup chào mừng và popup khi rời trang.', 'Welcome and exit-intent popups.'),
      t('Coupon cho đơn đầu tiên.', 'A first-order coupon.'),
    ],
  },
};

const LIFECYCLE_CATALOG: Record<LifecycleGroup, GroupInfo> = {
  prospect: {
    label: t('Chưa mua hàng', 'Prospect'),
    definition: t(
      'Đã để lại thông tin (tài khoản, sự kiện) nhưng chưa có đơn hàng hợp lệ.',
      'Known to the shop (an account, events) but without a valid order yet.',
    ),
    goal: t('Chuyển đổi thành khách hàng.', 'Convert to a first purchase.'),
    kpis: ['visitorConversion', 'cac'],
    actions: [
      t('Dùng Welcome Popup và Exit intent Popup.', 'Use welcome and exit-intent popups.'),
      t(
        'Tăng độ tin cậy trên trang sản phẩm, giỏ hàng, thanh toán.',
        'Build trust on product, cart and checkout pages.',
      ),
    ],
  },
  new: {
    label: t('Khách hàng mới', 'New customer'),
    definition: t(
      'Những người mua hàng lần đầu tại cửa hàng.',
      'People who made their first purchase at the shop.',
    ),
    goal: t('Duy trì và nuôi dưỡng khách hàng.', 'Keep and nurture the customer.'),
    kpis: ['visitorConversion', 'cac'],
    actions: [
      t(
        'Tăng mức độ tin tưởng trên trang sản phẩm, giỏ hàng, thanh toán bằng các badge; tối ưu nội dung.',
        'Build trust on product, cart and checkout pages with badges; optimise the content.',
      ),
      t('Sử dụng Welcome Popup và Exit intent Popup.', 'Use welcome and exit-intent popups.'),
      t(
        'Chuẩn hoá các trang Size chart, FAQs, About Us, chính sách.',
        'Complete the size chart, FAQ, About us and policy pages.',
      ),
      t('Mời tạo tài khoản sau đơn hàng đầu tiên.', 'Offer an account after the first order.'),
    ],
  },
  standard: {
    label: t('Khách hàng quen', 'Standard customer'),
    definition: t(
      'Đã mua nhiều lần và quen thuộc với cửa hàng.',
      'Has bought more than once and knows the shop.',
    ),
    goal: t('Nuôi dưỡng để họ trở thành khách hàng trung thành.', 'Nurture them into loyal customers.'),
    kpis: ['retentionRate', 'churnRate'],
    actions: [
      t('Nội dung riêng mang lại nhiều giá trị hơn.', 'Dedicated content that gives them more value.'),
      t('Hạn chế spam email, SMS khuyến mãi.', 'Send fewer promotional e-mails and SMS.'),
      t('Tổ chức contest review, tặng coupon.', 'Run review contests and give coupons.'),
      t(
        'Chương trình giới thiệu (referral) để mời thêm khách mới.',
        'A referral programme to bring new customers.',
      ),
    ],
  },
  premium: {
    label: t('Khách hàng cao cấp', 'Premium customer'),
    definition: t(
      'Đã up-sell/cross-sell thành công, hoặc đơn đầu tiên có giá trị cao.',
      'Successfully up-sold or cross-sold, or a high-value first order.',
    ),
    goal: t('Biến họ thành khách hàng trung thành.', 'Turn them into loyal customers.'),
    kpis: ['nps', 'upCrossSellRate'],
    actions: [
      t('Xem lại cách kết hợp combo sản phẩm.', 'Review how products are combined into combos.'),
      t(
        'Khuyến mãi đặc biệt, chăm sóc và tư vấn tận tình theo từng khách.',
        'Special promotions and personal care and advice.',
      ),
    ],
  },
  loyal: {
    label: t('Khách hàng trung thành', 'Loyal customer'),
    definition: t(
      'Mua đều, chi tiêu cao (theo RFM) và sẵn sàng giới thiệu cửa hàng cho người khác.',
      'Buys regularly with high spend (by RFM) and recommends the shop to others.',
    ),
    goal: t(
      'Duy trì và thúc đẩy họ chia sẻ tới càng nhiều người càng tốt.',
      'Keep them and encourage them to share with as many people as possible.',
    ),
    kpis: ['nps'],
    actions: [
      t('Contest vinh danh, quà tặng riêng.', 'Honour contests and personal gifts.'),
      t('Chương trình khách hàng thân thiết.', 'A loyalty programme.'),
      t('Quà bất ngờ và thư cảm ơn viết tay.', 'Surprise gifts and handwritten thank-you notes.'),
    ],
  },
  churned: {
    label: t('Khách hàng rời bỏ', 'Churned customer'),
    definition: t(
      'Đã rời bỏ cửa hàng sau một số lần mua (không mua trong khoảng thời gian hoạt động).',
      'Left the shop after some purchases (no order within the active window).',
    ),
    goal: t('Đưa khách hàng quay trở lại.', 'Bring the customer back.'),
    kpis: ['churnRate', 'avgDaysSinceLastOrderChurned', 'reactivationRate', 'reactivationCost'],
    actions: [
      t(
        'Flow email cho khách rời bỏ; hỏi lý do họ rời đi.',
        'An e-mail flow for churned customers; ask why they left.',
      ),
      t('Coupon giá trị cao để thu hút quay lại.', 'High-value coupons to bring them back.'),
      t('Đa dạng và cập nhật sản phẩm, mẫu mã.', 'Broaden and refresh the products.'),
      t('Chương trình dành cho khách quay lại.', 'A returning-customer programme.'),
    ],
  },
  referred: {
    label: t('Khách hàng được giới thiệu', 'Referred customer'),
    definition: t(
      'Đến từ lời giới thiệu của khách hàng khác hoặc chương trình referral.',
      'Came through a referral by another customer or a referral programme.',
    ),
    goal: t(
      'Duy trì và thúc đẩy thành khách hàng trung thành.',
      'Keep them and grow them into loyal customers.',
    ),
    kpis: ['nps', 'revenuePerReferredCustomer'],
    actions: [
      t('Tập trung chăm sóc và hỗ trợ.', 'Focus on care and support.'),
      t('Giới thiệu những sản phẩm chất lượng nhất.', 'Introduce the best-quality products.'),
    ],
  },
};

const VALUE_CATALOG: Record<ValueGroup | ValueParentGroup, GroupInfo> = {
  ignore: {
    label: t('Bỏ qua', 'Ignore'),
    definition: t(
      'Chưa từng mua, hoặc mua một lần rồi không quay lại hơn một năm, hoặc liên tục từ chối tin nhắn.',
      'Never bought, or bought once and inactive for over a year, or declined messages repeatedly.',
    ),
    goal: t(
      'Tái nhận diện thương hiệu như với khách hàng mới.',
      'Re-introduce the brand as to a new customer.',
    ),
    kpis: ['visitorConversion', 'reactivationRate'],
    actions: [
      t('Chăm sóc như khách hàng mới.', 'Care for them as for new customers.'),
      t(
        'Không áp dụng chiến dịch dành cho khách hàng cũ.',
        'Leave them out of campaigns for past customers.',
      ),
    ],
  },
  needs_attention: {
    label: t('Cần được chú ý', 'Needs attention'),
    definition: t(
      'Mua nhiều hơn một lần nhưng tần suất thấp hoặc giá trị đơn thấp, hiện không còn mua.',
      'More than one purchase but low frequency or low order value, and no longer buying.',
    ),
    goal: t(
      'Giữ hình ảnh thương hiệu trong tâm trí và lọc ra khách có khả năng quay lại.',
      'Keep the brand in mind and find those likely to come back.',
    ),
    kpis: ['reactivationRate', 'repeatRate'],
    actions: [
      t(
        'Gửi tin về sản phẩm/blog mà khách quan tâm.',
        'Send the products and posts they showed interest in.',
      ),
      t(
        'Theo dõi phản ứng: quan tâm/thêm vào giỏ thì tiếp tục; từ chối nhiều lần thì chuyển sang Bỏ qua.',
        'Watch reactions: interested or added to cart, keep going; declined many times, move to Ignore.',
      ),
    ],
  },
  win_back: {
    label: t('Cần lôi kéo', 'Win back'),
    definition: t(
      'Từng mua thường xuyên hoặc đơn giá trị cao nhưng hiện không còn mua.',
      'Used to buy often or for a lot, but no longer buying.',
    ),
    goal: t(
      'Lôi kéo quay lại, tăng tần suất và giá trị đơn hàng.',
      'Bring them back and raise frequency and order value.',
    ),
    kpis: ['reactivationRate', 'reactivationCost', 'upCrossSellRate'],
    actions: [
      t(
        'Email mời quay lại và tin khuyến mãi theo nhu cầu.',
        'Win-back e-mails and offers matched to their needs.',
      ),
      t('Thúc đẩy up-sell, cross-sell.', 'Up-sell and cross-sell.'),
    ],
  },
  focus: {
    label: t('Tập trung', 'Focus'),
    definition: t('Khách hàng đang hoạt động, đang tạo ra giá trị.', 'Active customers creating value now.'),
    goal: t('Dồn nguồn lực marketing để tăng AOV và CLV.', 'Put marketing effort here to raise AOV and CLV.'),
    kpis: ['aov', 'historicalClv'],
    actions: [
      t('Chiến dịch đa kênh tự động, cá nhân hoá.', 'Automated, personalised multichannel campaigns.'),
    ],
  },
  focus_low_value: {
    parent: 'focus',
    label: t('Tập trung – giá trị thấp', 'Focus – low value'),
    definition: t(
      'Đang hoạt động nhưng giá trị mỗi đơn không cao.',
      'Active, but each order is of low value.',
    ),
    goal: t('Tăng giá trị đơn hàng.', 'Raise order value.'),
    kpis: ['aov', 'upCrossSellRate'],
    actions: [
      t('Combo và ngưỡng miễn phí vận chuyển.', 'Combos and a free-shipping threshold.'),
      t('Gợi ý sản phẩm mua kèm.', 'Suggest complementary products.'),
    ],
  },
  focus_high_value_infrequent: {
    parent: 'focus',
    label: t('Tập trung – giá trị cao, ít mua', 'Focus – high value, infrequent'),
    definition: t(
      'Đang hoạt động, giá trị đơn cao nhưng không mua thường xuyên.',
      'Active, high order value but infrequent purchases.',
    ),
    goal: t('Tăng tần suất mua.', 'Raise purchase frequency.'),
    kpis: ['purchaseFrequency', 'avgDaysBetweenOrders'],
    actions: [
      t('Nhắc mua lại đúng chu kỳ sử dụng sản phẩm.', 'Reorder reminders on the product’s cycle.'),
      t('Thưởng điểm cho đơn tiếp theo.', 'Loyalty points on the next order.'),
    ],
  },
  focus_frequent: {
    parent: 'focus',
    label: t('Tập trung – mua thường xuyên', 'Focus – frequent'),
    definition: t('Đang hoạt động và mua hàng thường xuyên.', 'Active and buying frequently.'),
    goal: t('Tăng giá trị mỗi đơn.', 'Raise the value of each order.'),
    kpis: ['aov', 'upCrossSellRate'],
    actions: [
      t('Up-sell dòng sản phẩm cao hơn.', 'Up-sell the higher product lines.'),
      t('Gói sản phẩm (bundle) tiết kiệm.', 'Money-saving bundles.'),
    ],
  },
  focus_high_value_frequent: {
    parent: 'focus',
    label: t('Tập trung – giá trị cao, thường xuyên', 'Focus – high value, frequent'),
    definition: t(
      'Đang hoạt động, giá trị mỗi đơn cao và mua thường xuyên.',
      'Active, high order value and frequent purchases.',
    ),
    goal: t('Giữ chân và tri ân.', 'Keep and reward them.'),
    kpis: ['historicalClv', 'nps'],
    actions: [
      t('Chăm sóc VIP, quà tặng, thư cảm ơn viết tay.', 'VIP care, gifts and handwritten thank-you notes.'),
      t('Mời tham gia chương trình giới thiệu.', 'Invite them to the referral programme.'),
    ],
  },
};

/** The catalog entry of a group of a model. */
export function groupInfo(model: 'rfm', group: RfmGroup): GroupInfo;
export function groupInfo(model: 'lifecycle', group: LifecycleGroup): GroupInfo;
export function groupInfo(model: 'value', group: ValueGroup | ValueParentGroup): GroupInfo;
export function groupInfo(model: GroupModel, group: string): GroupInfo;
export function groupInfo(model: GroupModel, group: string): GroupInfo {
  const catalog = catalogOf(model) as Record<string, GroupInfo>;
  const info = catalog[group];
  if (!info) throw new Error(`no ${model} group '${group}' in the catalog`);
  return info;
}

function catalogOf(model: GroupModel): Record<string, GroupInfo> {
  switch (model) {
    case 'rfm':
      return RFM_CATALOG;
    case 'lifecycle':
      return LIFECYCLE_CATALOG;
    case 'value':
      return VALUE_CATALOG;
    default:
      return assertNever(model, 'group model');
  }
}
