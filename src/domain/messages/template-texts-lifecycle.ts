/**
 * Ready texts for the lifecycle flows of the seeds: welcome (New, seed 000), post-purchase
 * thank-you and account invitation (seed 002), replenishment (seed 003: paper 7 days after a
 * printer, with a voucher valid 24 h), winback (Churned, seed 000: ask why, then a high-value
 * coupon) and needs-attention (seed 001: a gentle check-in, watching the reaction).
 *
 * Vietnamese addresses the customer as "bạn" in e-mails and popups (warm, and right whatever the
 * customer's age or sex, which the shop rarely knows) and falls back to "bạn" when the first name
 * is missing; English falls back to "there".
 */
import type { TemplateMessage } from './template-texts.js';

const HI_VI = 'Chào {{ customer.first_name | default: "bạn" }},';
const HI_EN = 'Hi {{ customer.first_name | default: "there" }},';

/** The promotional footer: who writes and how to stop (required by law and by good manners). */
const FOOTER_VI =
  '<p style="color:#888;font-size:12px">{{ shop.name }} · <a href="{{ shop.url }}">{{ shop.url }}</a><br>Bạn nhận được e-mail này vì đã mua hàng hoặc đăng ký tại {{ shop.name }}. <a href="{{ unsubscribe_url }}">Hủy nhận e-mail</a>.</p>';
const FOOTER_EN =
  '<p style="color:#888;font-size:12px">{{ shop.name }} · <a href="{{ shop.url }}">{{ shop.url }}</a><br>You receive this e-mail because you shopped or signed up at {{ shop.name }}. <a href="{{ unsubscribe_url }}">Unsubscribe</a>.</p>';

/** The coupon block: code, value, minimum order and expiry, when the flow created one. */
const COUPON_VI =
  '{% if coupon.code %}<p style="font-size:18px">Mã ưu đãi: <strong>{{ coupon.code }}</strong> — giảm {{ coupon | coupon_value }}{% if coupon.min_order %} cho đơn từ {{ coupon.min_order | vnd }}{% endif %}{% if coupon.expires_at %}, dùng đến {{ coupon.expires_at | datetime }}{% endif %}.</p>{% endif %}';
const COUPON_EN =
  '{% if coupon.code %}<p style="font-size:18px">Your code: <strong>{{ coupon.code }}</strong> — {{ coupon | coupon_value }} off{% if coupon.min_order %} orders from {{ coupon.min_order | vnd }}{% endif %}{% if coupon.expires_at %}, valid until {{ coupon.expires_at | datetime }}{% endif %}.</p>{% endif %}';

/** The product to reorder: the learned one when given, else the order's first line. */
const ITEM = '{{ products.first.title | default: order.lines.first.title }}';

export const WELCOME = {
  email: {
    channel: 'email',
    promotional: true,
    content: {
      channel: 'email',
      subject: {
        vi: 'Chào mừng {{ customer.first_name | default: "bạn" }} đến với {{ shop.name }}',
        en: 'Welcome to {{ shop.name }}, {{ customer.first_name | default: "friend" }}',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>Cảm ơn bạn đã ghé {{ shop.name }}. Chúng tôi rất vui được đồng hành cùng bạn!</p><p>Nếu cần chọn size, hỏi về giao hàng hay đổi trả, bạn chỉ cần trả lời e-mail này — đội ngũ của shop sẽ phản hồi sớm nhất.</p>${COUPON_VI}<p><a href="{{ shop.url }}">Khám phá cửa hàng</a></p><p>Thân mến,<br>{{ shop.name }}</p>${FOOTER_VI}`,
        en: `<p>${HI_EN}</p><p>Thank you for visiting {{ shop.name }} — we are glad to have you with us!</p><p>If you have a question about sizes, delivery or returns, just reply to this e-mail and our team will get back to you shortly.</p>${COUPON_EN}<p><a href="{{ shop.url }}">Explore the shop</a></p><p>Warm regards,<br>{{ shop.name }}</p>${FOOTER_EN}`,
      },
    },
  },
  popup: {
    channel: 'popup',
    promotional: true,
    content: {
      channel: 'popup',
      title: { vi: 'Chào mừng bạn đến với {{ shop.name }}!', en: 'Welcome to {{ shop.name }}!' },
      body: {
        vi: '{% if coupon.code %}Nhận ngay ưu đãi {{ coupon | coupon_value }} cho đơn hàng đầu tiên với mã {{ coupon.code }}.{% else %}Đăng ký để nhận ưu đãi và tin sản phẩm mới sớm nhất.{% endif %}',
        en: '{% if coupon.code %}Get {{ coupon | coupon_value }} off your first order with code {{ coupon.code }}.{% else %}Sign up to hear first about offers and new arrivals.{% endif %}',
      },
      cta: { vi: 'Mua sắm ngay', en: 'Shop now' },
      url: '{{ shop.url }}',
    },
  },
} as const satisfies Record<string, TemplateMessage>;

export const POST_PURCHASE = {
  thankYou: {
    channel: 'email',
    promotional: false,
    content: {
      channel: 'email',
      subject: {
        vi: 'Cảm ơn {{ customer.first_name | default: "bạn" }} đã đặt hàng {{ order.name }}',
        en: 'Thank you for your order {{ order.name }}',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>{{ shop.name }} đã nhận đơn hàng <strong>{{ order.name }}</strong> ngày {{ order.created_at | date }}. Cảm ơn bạn đã tin tưởng chúng tôi!</p><ul>{% for line in order.lines %}<li>{{ line.quantity }} × {{ line.title }} — {{ line.price | vnd }}</li>{% endfor %}</ul><p>Tổng cộng: <strong>{{ order.total | vnd }}</strong></p>{% if order.status_url %}<p><a href="{{ order.status_url }}">Theo dõi đơn hàng</a></p>{% endif %}<p>Có điều gì chưa ổn, bạn cứ trả lời e-mail này nhé.</p><p>Thân mến,<br>{{ shop.name }}</p>`,
        en: `<p>${HI_EN}</p><p>{{ shop.name }} has received your order <strong>{{ order.name }}</strong> of {{ order.created_at | date }}. Thank you for shopping with us!</p><ul>{% for line in order.lines %}<li>{{ line.quantity }} × {{ line.title }} — {{ line.price | vnd }}</li>{% endfor %}</ul><p>Total: <strong>{{ order.total | vnd }}</strong></p>{% if order.status_url %}<p><a href="{{ order.status_url }}">Track your order</a></p>{% endif %}<p>If anything is not right, just reply to this e-mail.</p><p>Warm regards,<br>{{ shop.name }}</p>`,
      },
    },
  },
  /** Seed 002: the account offered after the first order, not before it. */
  accountInvite: {
    channel: 'email',
    promotional: false,
    content: {
      channel: 'email',
      subject: {
        vi: 'Lần sau đặt hàng nhanh hơn với tài khoản {{ shop.name }}',
        en: 'Order faster next time with a {{ shop.name }} account',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>Cảm ơn bạn đã mua hàng tại {{ shop.name }}. Bạn có muốn tạo tài khoản để lần sau không phải nhập lại địa chỉ, xem lại các đơn đã mua và tích điểm cho những lần mua tiếp theo?</p><p>Chỉ mất một phút — thông tin từ đơn hàng {{ order.name }} đã được điền sẵn.</p><p><a href="{{ account_url | default: shop.url }}">Kích hoạt tài khoản</a></p><p>Nếu bạn thích đặt hàng không cần tài khoản, cứ bỏ qua e-mail này nhé.</p><p>Thân mến,<br>{{ shop.name }}</p>`,
        en: `<p>${HI_EN}</p><p>Thank you for shopping at {{ shop.name }}. Would you like an account, so that next time your address is filled in, your past orders are one click away and every purchase earns points?</p><p>It takes a minute — the details of order {{ order.name }} are already filled in.</p><p><a href="{{ account_url | default: shop.url }}">Activate your account</a></p><p>If you prefer to check out as a guest, simply ignore this e-mail.</p><p>Warm regards,<br>{{ shop.name }}</p>`,
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;

/** Seed 003: "your paper must be running low — a 50K voucher if you reorder within 24 h". */
export const REPLENISHMENT = {
  sms: {
    channel: 'sms',
    promotional: true,
    expiresInHours: 24,
    content: {
      channel: 'sms',
      // Sent without tone marks (written with them, stripped at render): one GSM-7 segment
      // instead of two or three Unicode ones.
      ascii: true,
      maxSegments: 2,
      text: {
        vi: `{{ shop.name }}: Chào {{ customer.first_name | default: "bạn" }}, ${ITEM} của bạn chắc sắp hết. Tặng mã {{ coupon.code }} giảm {{ coupon | coupon_value }} nếu đặt trong 24h: {{ shop.url }}`,
        en: `{{ shop.name }}: Hi {{ customer.first_name | default: "there" }}, running low on ${ITEM}? Code {{ coupon.code }} gives {{ coupon | coupon_value }} off if you reorder within 24h: {{ shop.url }}`,
      },
    },
  },
  zalo: {
    channel: 'zalo',
    promotional: true,
    expiresInHours: 24,
    content: {
      channel: 'zalo',
      // ZNS texts are fixed by the template Zalo approved; only its parameters are ours.
      templateId: 'zns-template-id',
      data: {
        customer_name: '{{ customer.name | default: customer.first_name }}',
        product_name: ITEM,
        voucher_code: '{{ coupon.code }}',
        voucher_value: '{{ coupon | coupon_value }}',
        // ZNS date parameters are written dd/MM/yyyy whatever the reader's language.
        expiry: '{{ coupon.expires_at | date: "%H:%M %d/%m/%Y" }}',
      },
    },
  },
  email: {
    channel: 'email',
    promotional: true,
    expiresInHours: 24,
    content: {
      channel: 'email',
      subject: {
        vi: `{{ customer.first_name | default: "Bạn" }} ơi, ${ITEM} sắp hết chưa?`,
        en: `Running low on ${ITEM}?`,
      },
      html: {
        vi: `<p>${HI_VI}</p><p>Lần trước bạn đã mua <strong>${ITEM}</strong> tại {{ shop.name }}, chắc giờ cũng sắp hết rồi. Để bạn không bị gián đoạn, shop gửi tặng bạn ưu đãi cho lần đặt tiếp theo trong 24 giờ tới:</p>${COUPON_VI}<p><a href="{{ products.first.url | default: shop.url }}">Đặt thêm ngay</a></p><p>Cảm ơn bạn đã luôn ủng hộ {{ shop.name }}!</p>${FOOTER_VI}`,
        en: `<p>${HI_EN}</p><p>You bought <strong>${ITEM}</strong> at {{ shop.name }} a while ago, so it may be running low. To keep you going, here is an offer for a reorder within the next 24 hours:</p>${COUPON_EN}<p><a href="{{ products.first.url | default: shop.url }}">Reorder now</a></p><p>Thank you for staying with {{ shop.name }}!</p>${FOOTER_EN}`,
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;

/** Seed 000: ask churned customers why they left; then a high-value coupon to come back. */
export const WINBACK = {
  survey: {
    channel: 'email',
    promotional: true,
    content: {
      channel: 'email',
      subject: {
        vi: '{{ shop.name }} nhớ bạn — bạn có thể cho chúng tôi biết lý do?',
        en: 'We miss you at {{ shop.name }} — may we ask why?',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>Đã lâu rồi {{ shop.name }} không được phục vụ bạn. Nếu có điều gì chưa làm bạn hài lòng — sản phẩm, giá, giao hàng hay cách chúng tôi chăm sóc — chúng tôi thật lòng muốn được biết để làm tốt hơn.</p><p><a href="{{ survey_url | default: shop.url }}">Trả lời 3 câu hỏi ngắn — chỉ mất 1 phút</a></p><p>Mọi góp ý, dù nhỏ, đều được đọc và trả lời. Cảm ơn bạn rất nhiều!</p><p>Thân mến,<br>{{ shop.name }}</p>${FOOTER_VI}`,
        en: `<p>${HI_EN}</p><p>It has been a while since {{ shop.name }} last had the pleasure of serving you. If something let you down — the products, the prices, the delivery or our service — we would sincerely like to know, so we can do better.</p><p><a href="{{ survey_url | default: shop.url }}">Answer 3 short questions — it takes a minute</a></p><p>Every reply, however short, is read and answered. Thank you very much!</p><p>Warm regards,<br>{{ shop.name }}</p>${FOOTER_EN}`,
      },
    },
  },
  coupon: {
    channel: 'email',
    promotional: true,
    content: {
      channel: 'email',
      subject: {
        vi: 'Quà dành riêng cho {{ customer.first_name | default: "bạn" }}: giảm {{ coupon | coupon_value }}',
        en: 'A gift for you, {{ customer.first_name | default: "friend" }}: {{ coupon | coupon_value }} off',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>{{ shop.name }} đã có nhiều sản phẩm mới và cải tiến kể từ lần cuối bạn ghé. Để chào đón bạn quay lại, chúng tôi gửi tặng bạn một ưu đãi đặc biệt:</p>${COUPON_VI}{% if products.size > 0 %}<p>Có thể bạn sẽ thích:</p><ul>{% for p in products limit: 3 %}<li><a href="{{ p.url }}">{{ p.title }}</a>{% if p.price %} — {{ p.price | vnd }}{% endif %}</li>{% endfor %}</ul>{% endif %}<p><a href="{{ shop.url }}">Ghé {{ shop.name }}</a></p>${FOOTER_VI}`,
        en: `<p>${HI_EN}</p><p>{{ shop.name }} has many new and improved products since your last visit. To welcome you back, here is a special offer just for you:</p>${COUPON_EN}{% if products.size > 0 %}<p>You might like:</p><ul>{% for p in products limit: 3 %}<li><a href="{{ p.url }}">{{ p.title }}</a>{% if p.price %} — {{ p.price | vnd }}{% endif %}</li>{% endfor %}</ul>{% endif %}<p><a href="{{ shop.url }}">Visit {{ shop.name }}</a></p>${FOOTER_EN}`,
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;

/** Seed 001: a gentle check-in; the flow watches whether it is opened, clicked or declined. */
export const NEEDS_ATTENTION = {
  checkIn: {
    channel: 'email',
    promotional: true,
    content: {
      channel: 'email',
      subject: {
        vi: '{{ customer.first_name | default: "Bạn" }} dạo này thế nào?',
        en: 'How have you been, {{ customer.first_name | default: "friend" }}?',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>{{ shop.name }} chỉ muốn hỏi thăm: những sản phẩm bạn mua lần trước dùng có ổn không? Nếu cần tư vấn thêm hay có gì chưa vừa ý, bạn cứ trả lời e-mail này, chúng tôi luôn sẵn lòng hỗ trợ.</p>{% if products.size > 0 %}<p>Một vài gợi ý bạn có thể quan tâm:</p><ul>{% for p in products limit: 3 %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endif %}<p>Chúc bạn một ngày tốt lành!<br>{{ shop.name }}</p>${FOOTER_VI}`,
        en: `<p>${HI_EN}</p><p>{{ shop.name }} just wanted to check in: are the products you bought last time working well for you? If you need advice or something is not quite right, just reply to this e-mail — we are always happy to help.</p>{% if products.size > 0 %}<p>A few things you might like:</p><ul>{% for p in products limit: 3 %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endif %}<p>Have a lovely day!<br>{{ shop.name }}</p>${FOOTER_EN}`,
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;
