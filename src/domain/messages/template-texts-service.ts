/**
 * Ready texts for service around an order: the VIP gift task (seed 002: a small gift and a
 * handwritten note for the most loyal), the NPS question after delivery (seed 000: NPS per
 * group), abandoned-checkout reminders, and the transactional order confirmation and COD
 * delivery updates (SMS and Zalo ZNS; these bypass the cap and quiet hours).
 *
 * Transactional SMS address the customer as "quý khách", as Vietnamese shops and carriers do.
 */
import type { StaffTaskText, TemplateMessage } from './template-texts.js';

const HI_VI = 'Chào {{ customer.first_name | default: "bạn" }},';
const HI_EN = 'Hi {{ customer.first_name | default: "there" }},';
const FOOTER_VI =
  '<p style="color:#888;font-size:12px">{{ shop.name }} · <a href="{{ shop.url }}">{{ shop.url }}</a> · <a href="{{ unsubscribe_url }}">Hủy nhận e-mail</a></p>';
const FOOTER_EN =
  '<p style="color:#888;font-size:12px">{{ shop.name }} · <a href="{{ shop.url }}">{{ shop.url }}</a> · <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>';

/** The staff task of the vip-gift flow: what to send and why, with what the shop knows. */
export const VIP_GIFT_TASK: StaffTaskText = {
  title: {
    vi: 'Gửi quà tri ân và thiệp viết tay cho {{ customer.name | default: customer.first_name }}',
    en: 'Send a thank-you gift and a handwritten note to {{ customer.name | default: customer.first_name }}',
  },
  body: {
    vi: '{{ customer.name | default: customer.first_name }} là khách hàng thân thiết của shop{% if customer.orders_count %} ({{ customer.orders_count }} đơn{% if customer.total_spent %}, tổng {{ customer.total_spent | vnd }}{% endif %}){% endif %}.\nViệc cần làm:\n1. Chọn một món quà nhỏ phù hợp (mẫu mới, phụ kiện hoặc sản phẩm khách hay mua{% if order.lines.first.title %}, ví dụ liên quan đến "{{ order.lines.first.title }}"{% endif %}).\n2. Viết tay một tấm thiệp ngắn: gọi tên khách, cảm ơn vì đã đồng hành cùng shop, ký tên người viết.\n3. Gửi kèm đơn hàng tiếp theo{% if order.name %} ({{ order.name }}){% endif %} hoặc gửi riêng tới địa chỉ giao hàng gần nhất.\n4. Đánh dấu hoàn thành và ghi lại món quà đã gửi.\nĐiện thoại: {{ customer.phone | default: "—" }} · E-mail: {{ customer.email | default: "—" }}',
    en: '{{ customer.name | default: customer.first_name }} is one of the shop\'s most loyal customers{% if customer.orders_count %} ({{ customer.orders_count }} orders{% if customer.total_spent %}, {{ customer.total_spent | vnd }} in total{% endif %}){% endif %}.\nTo do:\n1. Pick a small gift that suits them (a new design, an accessory, or something they often buy{% if order.lines.first.title %}, e.g. related to "{{ order.lines.first.title }}"{% endif %}).\n2. Handwrite a short note: use their name, thank them for staying with the shop, sign with your own name.\n3. Put it in their next parcel{% if order.name %} ({{ order.name }}){% endif %} or send it to their latest delivery address.\n4. Mark the task done and note which gift was sent.\nPhone: {{ customer.phone | default: "—" }} · E-mail: {{ customer.email | default: "—" }}',
  },
};

/** The 0–10 scale as eleven links; `nps_url` gets `score=N` appended. */
const SCALE =
  '{% assign sep = "?" %}{% if nps_url contains "?" %}{% assign sep = "&" %}{% endif %}<p>{% for i in (0..10) %}<a href="{{ nps_url }}{{ sep }}score={{ i }}" style="display:inline-block;width:28px;padding:6px 0;margin:2px;border:1px solid #ccc;border-radius:4px;text-align:center;text-decoration:none">{{ i }}</a>{% endfor %}</p>';

export const NPS_AFTER_DELIVERY = {
  email: {
    channel: 'email',
    promotional: false,
    content: {
      channel: 'email',
      subject: {
        vi: 'Bạn có hài lòng với đơn hàng {{ order.name }}?',
        en: 'How was your order {{ order.name }}?',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>Đơn hàng {{ order.name }} đã đến tay bạn. {{ shop.name }} rất mong nhận được một câu trả lời ngắn:</p><p><strong>Bạn có sẵn lòng giới thiệu {{ shop.name }} cho bạn bè hoặc người thân không?</strong> (0 = chắc chắn không, 10 = chắc chắn có)</p>${SCALE}<p>Chỉ cần bấm một số. Cảm ơn bạn đã giúp chúng tôi phục vụ tốt hơn!</p><p>Thân mến,<br>{{ shop.name }}</p>${FOOTER_VI}`,
        en: `<p>${HI_EN}</p><p>Your order {{ order.name }} has arrived. {{ shop.name }} would love one quick answer:</p><p><strong>How likely are you to recommend {{ shop.name }} to a friend or family member?</strong> (0 = not at all, 10 = extremely likely)</p>${SCALE}<p>Just click a number. Thank you for helping us serve you better!</p><p>Warm regards,<br>{{ shop.name }}</p>${FOOTER_EN}`,
      },
      // The eleven links read badly as text: the text part links the answer page once.
      text: {
        vi: `${HI_VI}\n\nĐơn hàng {{ order.name }} đã đến tay bạn. Bạn có sẵn lòng giới thiệu {{ shop.name }} cho bạn bè hoặc người thân không? Hãy chấm điểm từ 0 (chắc chắn không) đến 10 (chắc chắn có) tại:\n{{ nps_url }}\n\nCảm ơn bạn!\n{{ shop.name }}\n\nHủy nhận e-mail: {{ unsubscribe_url }}`,
        en: `${HI_EN}\n\nYour order {{ order.name }} has arrived. How likely are you to recommend {{ shop.name }} to a friend or family member? Rate us from 0 (not at all) to 10 (extremely likely) here:\n{{ nps_url }}\n\nThank you!\n{{ shop.name }}\n\nUnsubscribe: {{ unsubscribe_url }}`,
      },
    },
  },
  sms: {
    channel: 'sms',
    promotional: false,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 2,
      text: {
        vi: '{{ shop.name }}: Đơn {{ order.name }} đã giao thành công, cảm ơn quý khách! Quý khách vui lòng chấm điểm 0-10 mức độ sẵn lòng giới thiệu shop: {{ nps_url }}',
        en: '{{ shop.name }}: Order {{ order.name }} has been delivered, thank you! How likely are you to recommend us, 0-10? {{ nps_url }}',
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;

export const ABANDONED_CHECKOUT = {
  email: {
    channel: 'email',
    promotional: true,
    content: {
      channel: 'email',
      subject: {
        vi: '{{ customer.first_name | default: "Bạn" }} ơi, giỏ hàng của bạn vẫn đang chờ',
        en: 'Your cart is still waiting for you',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>Bạn đã chọn những sản phẩm này tại {{ shop.name }} nhưng chưa hoàn tất đặt hàng:</p><ul>{% for line in order.lines %}<li>{{ line.quantity }} × {{ line.title }}{% if line.price %} — {{ line.price | vnd }}{% endif %}</li>{% endfor %}</ul>{% if order.total %}<p>Tổng: <strong>{{ order.total | vnd }}</strong></p>{% endif %}{% if coupon.code %}<p>Hoàn tất trong hôm nay với mã <strong>{{ coupon.code }}</strong> để được giảm {{ coupon | coupon_value }}.</p>{% endif %}<p><a href="{{ checkout_url | default: shop.url }}">Tiếp tục đặt hàng</a></p><p>Nếu bạn gặp khó khăn khi thanh toán hay cần tư vấn thêm, chỉ cần trả lời e-mail này nhé.</p>${FOOTER_VI}`,
        en: `<p>${HI_EN}</p><p>You picked these at {{ shop.name }} but did not finish your order:</p><ul>{% for line in order.lines %}<li>{{ line.quantity }} × {{ line.title }}{% if line.price %} — {{ line.price | vnd }}{% endif %}</li>{% endfor %}</ul>{% if order.total %}<p>Total: <strong>{{ order.total | vnd }}</strong></p>{% endif %}{% if coupon.code %}<p>Complete it today with code <strong>{{ coupon.code }}</strong> for {{ coupon | coupon_value }} off.</p>{% endif %}<p><a href="{{ checkout_url | default: shop.url }}">Complete my order</a></p><p>If something went wrong at checkout or you have a question, just reply to this e-mail.</p>${FOOTER_EN}`,
      },
    },
  },
  sms: {
    channel: 'sms',
    promotional: true,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 2,
      text: {
        vi: '{{ shop.name }}: {{ customer.first_name | default: "Bạn" }} ơi, giỏ hàng của bạn vẫn đang chờ{% if coupon.code %}, nhập mã {{ coupon.code }} giảm {{ coupon | coupon_value }}{% endif %}. Hoàn tất tại: {{ checkout_url | default: shop.url }}',
        en: '{{ shop.name }}: Hi {{ customer.first_name | default: "there" }}, your cart is still waiting{% if coupon.code %} - code {{ coupon.code }} gives {{ coupon | coupon_value }} off{% endif %}. Complete it: {{ checkout_url | default: shop.url }}',
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;

export const ORDER_CONFIRMATION = {
  sms: {
    channel: 'sms',
    promotional: false,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 2,
      text: {
        vi: '{{ shop.name }} xác nhận đơn {{ order.name }} trị giá {{ order.total | vnd }}. Cảm ơn quý khách! Hỗ trợ: {{ shop.phone | default: shop.url }}',
        en: '{{ shop.name }} confirms order {{ order.name }}, total {{ order.total | vnd }}. Thank you! Help: {{ shop.phone | default: shop.url }}',
      },
    },
  },
  zalo: {
    channel: 'zalo',
    promotional: false,
    content: {
      channel: 'zalo',
      templateId: 'zns-template-id',
      data: {
        customer_name: '{{ customer.name | default: customer.first_name }}',
        order_code: '{{ order.name }}',
        order_date: '{{ order.created_at | date: "%d/%m/%Y" }}',
        total: '{{ order.total | vnd }}',
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;

/** Cash on delivery: the parcel is on its way, have the amount ready (fewer failed deliveries). */
export const COD_DELIVERY_UPDATE = {
  sms: {
    channel: 'sms',
    promotional: false,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 2,
      text: {
        vi: '{{ shop.name }}: Đơn {{ order.name }} đang được giao đến quý khách{% if delivery.date %} ngày {{ delivery.date | date }}{% endif %}. Vui lòng chuẩn bị {{ order.total | vnd }} khi nhận hàng. Cảm ơn quý khách!',
        en: '{{ shop.name }}: Order {{ order.name }} is on its way{% if delivery.date %} for {{ delivery.date | date }}{% endif %}. Please have {{ order.total | vnd }} ready on delivery (COD). Thank you!',
      },
    },
  },
  zalo: {
    channel: 'zalo',
    promotional: false,
    content: {
      channel: 'zalo',
      templateId: 'zns-template-id',
      data: {
        customer_name: '{{ customer.name | default: customer.first_name }}',
        order_code: '{{ order.name }}',
        cod_amount: '{{ order.total | vnd }}',
        delivery_date: '{{ delivery.date | date: "%d/%m/%Y" }}',
        carrier: '{{ delivery.carrier }}',
        tracking_code: '{{ delivery.tracking_code }}',
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;
