/**
 * Loyalty words in Vietnamese and English, shared by the CLI, the dashboard and the widget's
 * answers: why an entry was written, what kind it is, why points are pending.
 */
import type { EntryReason, LedgerKind } from '../domain/loyalty/ledger.js';
import type { Localized } from './i18n.js';

export const ENTRY_REASON_TEXT: Record<EntryReason, Localized> = {
  order_placed: { vi: 'Đặt đơn hàng', en: 'Order placed' },
  order_delivered: { vi: 'Đơn đã giao', en: 'Order delivered' },
  order_paid: { vi: 'Đơn đã thanh toán', en: 'Order paid' },
  order_failed_delivery: { vi: 'Giao hàng thất bại', en: 'Delivery failed' },
  order_cancelled: { vi: 'Đơn bị hủy', en: 'Order cancelled' },
  order_returned: { vi: 'Đơn bị trả lại', en: 'Order returned' },
  order_refunded: { vi: 'Đơn được hoàn tiền', en: 'Order refunded' },
  partial_refund: { vi: 'Hoàn tiền một phần', en: 'Partial refund' },
  order_restored: { vi: 'Đơn giao lại thành công', en: 'Order delivered after all' },
  signed_up: { vi: 'Tạo tài khoản', en: 'Account created' },
  second_order: { vi: 'Đơn hàng thứ hai', en: 'Second order' },
  spend_threshold: { vi: 'Đạt mức chi tiêu', en: 'Spend threshold reached' },
  bonus_reversed: { vi: 'Thu hồi thưởng (đơn bị trả lại)', en: 'Bonus taken back (order returned)' },
  birthday: { vi: 'Sinh nhật', en: 'Birthday' },
  review: { vi: 'Đánh giá', en: 'Review or rating' },
  nps: { vi: 'Trả lời NPS', en: 'NPS answer' },
  referral: { vi: 'Giới thiệu bạn bè', en: 'Referral converted' },
  custom_event: { vi: 'Hoạt động', en: 'Activity' },
  tier_entry: { vi: 'Lên hạng', en: 'Tier reached' },
  reward_redeemed: { vi: 'Đổi quà', en: 'Reward redeemed' },
  inactivity: { vi: 'Hết hạn do không hoạt động', en: 'Expired after inactivity' },
  staff_adjustment: { vi: 'Điều chỉnh bởi nhân viên', en: 'Staff adjustment' },
};

export const LEDGER_KIND_TEXT: Record<LedgerKind, Localized> = {
  earn: { vi: 'tích', en: 'earn' },
  approve: { vi: 'duyệt', en: 'approve' },
  reverse: { vi: 'thu hồi', en: 'reverse' },
  redeem: { vi: 'đổi', en: 'redeem' },
  expire: { vi: 'hết hạn', en: 'expire' },
  adjust: { vi: 'điều chỉnh', en: 'adjust' },
};

export const PENDING_WHY_TEXT: Record<'awaiting_delivery' | 'awaiting_payment', Localized> = {
  awaiting_delivery: { vi: 'chờ giao hàng thành công', en: 'waiting for delivery' },
  awaiting_payment: { vi: 'chờ thanh toán', en: 'waiting for payment' },
};
