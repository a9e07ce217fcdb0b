import type { Localized } from '../analytics/types.js';
import { TEMPLATE_TASKS, TEMPLATE_TEXTS, type TemplateMessage } from '../messages/template-texts.js';
import type { FlowDocumentInput } from './schema.js';

/**
 * The seeds' ready flows (`nurture flow templates`, `nurture flow enable-template NAME`). Each
 * builds an ordinary flow document from its parameters and the ready vi/en texts
 * (domain/messages/template-texts.ts); once enabled, every part of it is the seller's to edit
 * with `flow update`, like any flow.
 */
export interface FlowTemplate {
  about: Localized;
  /** Parameters with their defaults (all text, as typed on a command line). */
  params: Record<string, { default: string; about: string }>;
  build(params: Readonly<Record<string, string>>): FlowDocumentInput;
}

/** A send step from a ready message: its channel, promotional flag, expiry and content. */
function send(id: string, message: TemplateMessage, over: Record<string, unknown> = {}) {
  return {
    kind: 'send' as const,
    id,
    channels: [message.channel],
    promotional: message.promotional,
    ...(message.expiresInHours ? { expiresAfter: `${message.expiresInHours}h` } : {}),
    content: { [message.channel]: message.content },
    ...over,
  };
}

/** A send step trying channels in order (Zalo first, SMS when the customer has no Zalo account). */
function sendPreferring(id: string, messages: readonly TemplateMessage[]) {
  const first = messages[0]!;
  return {
    kind: 'send' as const,
    id,
    channels: messages.map((m) => m.channel),
    promotional: first.promotional,
    ...(first.expiresInHours ? { expiresAfter: `${first.expiresInHours}h` } : {}),
    content: Object.fromEntries(messages.map((m) => [m.channel, m.content])),
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const T = TEMPLATE_TEXTS;

/** A task's text in the shop's first language (tasks are read by Vietnamese staff). */
const viOf = (t: string | { vi: string; en: string }) => (typeof t === 'string' ? t : t.vi);

/** The trigger of the closed loop: an NPS answer with a score in [min, max]. */
const npsAnswered = (min: number, max: number) => ({
  kind: 'event' as const,
  event: 'Survey Answered',
  where: { kind: 'nps', score: { min, max } },
});

export const FLOW_TEMPLATES: Record<string, FlowTemplate> = {
  welcome: {
    about: {
      vi: 'Khách mới (seed 000): e-mail chào mừng kèm mã giảm giá và popup chào mừng trên website',
      en: 'New customers (seed 000): a welcome e-mail with a coupon and an onsite welcome popup',
    },
    params: {
      segment: { default: 'lifecycle:new', about: 'the segment whose new members are welcomed' },
      coupon_percent: { default: '10', about: 'the welcome coupon, percent off' },
      coupon_days: { default: '14', about: 'days the coupon is valid' },
    },
    build: (p) => ({
      name: 'welcome',
      title: { vi: 'Chào mừng khách mới', en: 'Welcome new customers' },
      trigger: { kind: 'segment_entered', segment: p['segment']! },
      steps: [
        {
          kind: 'coupon',
          id: 'coupon',
          coupon: { kind: 'percent', value: Number(p['coupon_percent']), validFor: `${p['coupon_days']}d` },
        },
        send('welcome-email', T.welcome.email),
        send('welcome-popup', T.welcome.popup),
      ],
    }),
  },
  'post-purchase': {
    about: {
      vi: 'Sau mua hàng (seed 002): cảm ơn, rồi mời tạo tài khoản',
      en: 'After a purchase (seed 002): a thank-you, then an account invitation',
    },
    params: { invite_after: { default: '2d', about: 'wait before the account invitation' } },
    build: (p) => ({
      name: 'post-purchase',
      title: { vi: 'Cảm ơn sau mua hàng', en: 'Post-purchase thank-you' },
      trigger: { kind: 'order', status: 'placed' },
      entry: { policy: 'every', key: 'order' },
      steps: [
        send('thank-you', T['post-purchase'].thankYou),
        { kind: 'wait', id: 'wait', duration: p['invite_after']! },
        send('account-invite', T['post-purchase'].accountInvite),
      ],
    }),
  },
  replenishment: {
    about: {
      vi: 'Nhắc mua lại hàng tiêu hao (seed 003): theo chu kỳ mua lại của sản phẩm (hoặc sau N ngày) lúc 09:00, kèm voucher 24 giờ, Zalo rồi SMS',
      en: "Consumables (seed 003): at the product's reorder cycle (or N days) at 09:00, with a 24 h voucher, Zalo then SMS",
    },
    params: {
      days: {
        default: 'catalogue',
        about:
          "days after the order (7, 15, 30), or 'catalogue': the products' reorder cycle (the seller's, nurture products set; else the learned one, nurture products replenishment; else the catalogue file's)",
      },
      fallback_days: {
        default: '7',
        about: "with 'catalogue': days after an order whose products have no cycle",
      },
      lead_days: {
        default: '1',
        about: "with 'catalogue': remind this many days before the product runs out",
      },
      categories: { default: '', about: 'comma-separated categories of consumables (empty: any order)' },
      skus: { default: '', about: 'comma-separated SKUs (empty: any)' },
      voucher_percent: { default: '10', about: 'the 24 h voucher, percent off' },
    },
    build: (p) => {
      const categories = list(p['categories'] ?? '');
      const skus = list(p['skus'] ?? '');
      return {
        name: 'replenishment',
        title: { vi: 'Nhắc mua lại', en: 'Replenishment reminder' },
        trigger: {
          kind: 'order',
          status: 'placed',
          ...(categories.length > 0 ? { categories } : {}),
          ...(skus.length > 0 ? { skus } : {}),
        },
        entry: { policy: 'every', key: 'order' },
        exitWhen: [{ kind: 'placed_order' }],
        steps: [
          p['days'] === 'catalogue'
            ? {
                kind: 'wait_until_date',
                id: 'wait',
                property: 'reorder_due',
                offsetDays: -Number(p['lead_days']),
                at: '09:00',
                otherwise: `${p['fallback_days']}d`,
              }
            : { kind: 'wait', id: 'wait', duration: `${p['days']}d`, at: '09:00' },
          {
            kind: 'tag',
            id: 'tag',
            add: [p['days'] === 'catalogue' ? 'reorder-due' : `reorder-${p['days']}d`],
          },
          {
            kind: 'coupon',
            id: 'voucher',
            coupon: { kind: 'percent', value: Number(p['voucher_percent']), validFor: '24h' },
          },
          sendPreferring('reminder', [T.replenishment.zalo, T.replenishment.sms]),
        ],
      };
    },
  },
  winback: {
    about: {
      vi: 'Khách đã rời bỏ (seed 000): hỏi lý do, rồi tặng mã giảm giá giá trị cao',
      en: 'Churned customers (seed 000): ask why, then a high-value coupon',
    },
    params: {
      segment: { default: 'lifecycle:churned', about: 'the segment of churned customers' },
      coupon_amount: { default: '100000', about: 'the coupon, VND off' },
      min_order: { default: '300000', about: 'the coupon’s minimum order, VND' },
    },
    build: (p) => ({
      name: 'winback',
      title: { vi: 'Kéo khách quay lại', en: 'Win-back' },
      trigger: { kind: 'segment_entered', segment: p['segment']! },
      exitWhen: [{ kind: 'placed_order' }],
      steps: [
        send('survey', T.winback.survey),
        { kind: 'wait', id: 'wait', duration: '7d', at: '10:00' },
        {
          kind: 'coupon',
          id: 'coupon',
          coupon: {
            kind: 'fixed_amount',
            value: Number(p['coupon_amount']),
            minOrder: Number(p['min_order']),
            validFor: '14d',
          },
        },
        send('coupon-email', T.winback.coupon),
      ],
    }),
  },
  'needs-attention': {
    about: {
      vi: 'Khách cần quan tâm (seed 001): hỏi thăm nhẹ nhàng và theo dõi phản ứng; không phản hồi thì gắn thẻ',
      en: 'Needs attention (seed 001): a gentle check-in, watching the reaction; no reaction gets a tag',
    },
    params: {
      segment: { default: 'value:needs_attention', about: 'the segment to nurture' },
      watch: { default: '7d', about: 'how long to wait for a click' },
    },
    build: (p) => ({
      name: 'needs-attention',
      title: { vi: 'Chăm sóc khách cần quan tâm', en: 'Nurture customers who need attention' },
      trigger: { kind: 'segment_entered', segment: p['segment']! },
      entry: { policy: 'once_per', days: 30 },
      steps: [
        send('check-in', T['needs-attention'].checkIn),
        {
          kind: 'wait_for_event',
          id: 'reaction',
          event: 'Message Clicked',
          timeout: p['watch']!,
          onEvent: [{ kind: 'tag', id: 'engaged', add: ['nurture-engaged'], remove: ['nurture-ignored'] }],
          onTimeout: [{ kind: 'tag', id: 'ignored', add: ['nurture-ignored'] }],
        },
      ],
    }),
  },
  'vip-gift': {
    about: {
      vi: 'Khách thân thiết (seed 002): việc cho nhân viên gửi quà và thiệp viết tay',
      en: 'Loyal customers (seed 002): a staff task to send a gift and a handwritten note',
    },
    params: { segment: { default: 'lifecycle:loyal', about: 'the segment of loyal customers' } },
    build: (p) => ({
      name: 'vip-gift',
      title: { vi: 'Quà tri ân khách thân thiết', en: 'VIP gift' },
      trigger: { kind: 'segment_entered', segment: p['segment']! },
      entry: { policy: 'once_per', days: 365 },
      steps: [
        {
          kind: 'task',
          id: 'gift',
          title:
            typeof TEMPLATE_TASKS['vip-gift'].title === 'string'
              ? TEMPLATE_TASKS['vip-gift'].title
              : TEMPLATE_TASKS['vip-gift'].title.vi,
          note:
            typeof TEMPLATE_TASKS['vip-gift'].body === 'string'
              ? TEMPLATE_TASKS['vip-gift'].body
              : TEMPLATE_TASKS['vip-gift'].body.vi,
          dueIn: '3d',
        },
      ],
    }),
  },
  'nps-after-delivery': {
    about: {
      vi: 'NPS sau giao hàng (seed 000): hỏi điểm 0–10 sau khi đơn được giao',
      en: 'NPS after delivery (seed 000): the 0–10 question once an order is delivered',
    },
    params: {
      after: { default: '2d', about: 'wait after the delivery' },
      nps_url: { default: '', about: 'the page that records the answer (score=N is appended)' },
    },
    build: (p) => ({
      name: 'nps-after-delivery',
      title: { vi: 'Khảo sát NPS sau giao hàng', en: 'NPS after delivery' },
      trigger: { kind: 'order', status: 'delivered' },
      entry: { policy: 'every', key: 'order' },
      ...(p['nps_url'] ? { vars: { nps_url: p['nps_url'] } } : {}),
      steps: [
        { kind: 'wait', id: 'wait', duration: p['after']!, at: '10:00' },
        sendPreferring('nps', [T['nps-after-delivery'].email, T['nps-after-delivery'].sms]),
      ],
    }),
  },
  'nps-detractor': {
    about: {
      vi: 'Khách chấm NPS 0–6: việc cho nhân viên gọi trong ngày và tin nhắn xin lỗi',
      en: 'NPS detractors (0–6): a staff task to call within a day and an apology',
    },
    params: { due: { default: '1d', about: 'when the call is due' } },
    build: (p) => ({
      name: 'nps-detractor',
      title: { vi: 'Khách không hài lòng (NPS 0–6)', en: 'NPS detractors' },
      trigger: npsAnswered(0, 6),
      entry: { policy: 'every', key: 'occurrence' },
      steps: [
        {
          kind: 'task',
          id: 'call',
          title: viOf(TEMPLATE_TASKS['nps-detractor'].title),
          note: viOf(TEMPLATE_TASKS['nps-detractor'].body),
          dueIn: p['due']!,
        },
        sendPreferring('apology', [T['nps-loop'].apologySms, T['nps-loop'].apologyEmail]),
      ],
    }),
  },
  'nps-passive': {
    about: {
      vi: 'Khách chấm NPS 7–8: hỏi shop có thể làm gì tốt hơn',
      en: 'NPS passives (7–8): a question about what to improve',
    },
    params: {},
    build: () => ({
      name: 'nps-passive',
      title: { vi: 'Khách trung lập (NPS 7–8)', en: 'NPS passives' },
      trigger: npsAnswered(7, 8),
      entry: { policy: 'every', key: 'occurrence' },
      steps: [sendPreferring('improve', [T['nps-loop'].improveEmail, T['nps-loop'].improveSms])],
    }),
  },
  'nps-promoter': {
    about: {
      vi: 'Khách chấm NPS 9–10: mời giới thiệu bạn bè bằng mã/đường dẫn riêng và để lại đánh giá công khai',
      en: 'NPS promoters (9–10): an invitation to refer friends with their own code/link and to leave a public review',
    },
    params: {
      review_url: { default: '', about: 'where customers leave a public review (Google, Facebook, Shopee)' },
    },
    build: (p) => ({
      name: 'nps-promoter',
      title: { vi: 'Khách yêu thích (NPS 9–10)', en: 'NPS promoters' },
      trigger: npsAnswered(9, 10),
      entry: { policy: 'every', key: 'occurrence' },
      ...(p['review_url'] ? { vars: { review_url: p['review_url'] } } : {}),
      steps: [sendPreferring('invite', [T['nps-loop'].inviteSms, T['nps-loop'].inviteEmail])],
    }),
  },
  'referral-thanks': {
    about: {
      vi: 'Khi lượt giới thiệu được ghi nhận (đơn đầu của bạn bè đã giao, hết hạn đổi trả): tặng người giới thiệu một mã giảm giá',
      en: "When a referral converts (the friend's first order delivered and kept): a coupon for the referrer",
    },
    params: {
      amount: { default: '50000', about: 'the coupon, an amount off in the shop currency' },
      days: { default: '30', about: 'days the coupon is valid' },
    },
    build: (p) => ({
      name: 'referral-thanks',
      title: { vi: 'Cảm ơn người giới thiệu', en: 'Thank the referrer' },
      trigger: { kind: 'event', event: 'Referral Converted' },
      entry: { policy: 'every', key: 'occurrence' },
      steps: [
        {
          kind: 'coupon',
          id: 'coupon',
          coupon: { kind: 'fixed_amount', value: Number(p['amount']), validFor: `${p['days']}d` },
        },
        send('thanks', T['nps-loop'].referralThanksSms),
      ],
    }),
  },
  'abandoned-checkout': {
    about: {
      vi: 'Bỏ quên giỏ hàng: nhắc khi không có đơn trong 1 giờ sau khi bắt đầu thanh toán',
      en: 'Abandoned checkout: a reminder when no order follows within an hour of starting checkout',
    },
    params: { within: { default: '1h', about: 'how long to wait for the order' } },
    build: (p) => ({
      name: 'abandoned-checkout',
      title: { vi: 'Nhắc giỏ hàng', en: 'Abandoned checkout' },
      trigger: {
        kind: 'event',
        event: 'Checkout Started',
        unless: { event: 'Order Completed', within: p['within']! },
      },
      entry: { policy: 'every', key: 'occurrence' },
      exitWhen: [{ kind: 'placed_order' }],
      steps: [sendPreferring('reminder', [T['abandoned-checkout'].email, T['abandoned-checkout'].sms])],
    }),
  },
  'standard-fewer-promos': {
    about: {
      vi: 'Khách Standard (seed 000): ít khuyến mãi hơn — tối đa 1 tin khuyến mãi mỗi tuần, một bản tin mỗi tháng',
      en: 'Standard customers (seed 000): fewer promotions — at most 1 promotional message a week, one monthly newsletter',
    },
    params: {
      segment: { default: 'lifecycle:standard', about: 'the segment of Standard customers' },
      per_week: { default: '1', about: 'promotional messages a week at most for this flow' },
    },
    build: (p) => ({
      name: 'standard-fewer-promos',
      title: { vi: 'Ít khuyến mãi cho khách Standard', en: 'Fewer promotions for Standard customers' },
      trigger: { kind: 'schedule', cron: '0 10 1 * *', segment: p['segment']! },
      entry: { policy: 'every', key: 'occurrence' },
      cap: { perDay: 1, perWeek: Number(p['per_week']) },
      steps: [send('newsletter', T['needs-attention'].checkIn)],
    }),
  },
  'order-confirmation': {
    about: {
      vi: 'Xác nhận đơn hàng (giao dịch): Zalo ZNS, SMS khi khách không dùng Zalo',
      en: 'Order confirmation (transactional): Zalo ZNS, SMS when the customer has no Zalo',
    },
    params: {},
    build: () => ({
      name: 'order-confirmation',
      title: { vi: 'Xác nhận đơn hàng', en: 'Order confirmation' },
      trigger: { kind: 'order', status: 'placed' },
      entry: { policy: 'every', key: 'order' },
      steps: [sendPreferring('confirm', [T['order-confirmation'].zalo, T['order-confirmation'].sms])],
    }),
  },
  'points-expiring': {
    about: {
      vi: 'Điểm sắp hết hạn (loyalty): nhắc khách đổi điểm trước khi hết hạn — e-mail, SMS khi không có e-mail',
      en: 'Points expiring (loyalty): remind the customer to redeem before the points expire — e-mail, SMS without one',
    },
    params: {},
    build: () => ({
      name: 'points-expiring',
      title: { vi: 'Nhắc điểm sắp hết hạn', en: 'Points expiring reminder' },
      trigger: { kind: 'event', event: 'Points Expiring' },
      entry: { policy: 'every', key: 'occurrence' },
      steps: [sendPreferring('remind', [T['points-expiring'].email, T['points-expiring'].sms])],
    }),
  },
};

export const FLOW_TEMPLATE_NAMES = Object.keys(FLOW_TEMPLATES);
