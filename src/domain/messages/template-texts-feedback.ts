/**
 * The closed loop after an NPS answer (issue 17, item 6): an apology and a staff call for a
 * detractor (0–6), a question about what to improve for a passive (7–8), and for a promoter
 * (9–10) an invitation to refer friends with their own link and to leave a public review.
 * Answers to these are transactional replies to the customer's own answer, not promotions.
 */
import type { StaffTaskText, TemplateMessage } from './template-texts.js';

const HI_VI = 'Chào {{ customer.first_name | default: "bạn" }},';
const HI_EN = 'Hi {{ customer.first_name | default: "there" }},';

/**
 * The detractor call. Plain text: a task's title and note are stored as written (the task queue
 * shows the customer, their answer and orders beside it).
 */
export const DETRACTOR_CALL_TASK: StaffTaskText = {
  title: {
    vi: 'Gọi cho khách chấm NPS thấp trong vòng một ngày',
    en: 'Call the customer who gave a low NPS score within a day',
  },
  body: {
    vi: 'Khách không hài lòng (NPS 0–6). Gọi để xin lỗi, hỏi chuyện gì đã xảy ra và đề nghị cách khắc phục; ghi lại kết quả khi hoàn thành.',
    en: 'An unhappy customer (NPS 0–6). Call to apologise, ask what went wrong and offer a fix; note the outcome when done.',
  },
};

export const NPS_LOOP = {
  apologySms: {
    channel: 'sms',
    promotional: false,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 2,
      text: {
        vi: '{{ shop.name }}: Xin loi quy khach vi trai nghiem chua tot. Nhan vien cua shop se goi lai cho quy khach trong hom nay de ho tro.',
        en: '{{ shop.name }}: We are sorry your experience fell short. Our staff will call you today to make it right.',
      },
    },
  },
  apologyEmail: {
    channel: 'email',
    promotional: false,
    content: {
      channel: 'email',
      subject: { vi: '{{ shop.name }} xin lỗi bạn', en: '{{ shop.name }} is sorry' },
      html: {
        vi: `<p>${HI_VI}</p><p>Cảm ơn bạn đã thẳng thắn cho điểm. Chúng tôi rất tiếc vì trải nghiệm chưa tốt. Nhân viên của shop sẽ gọi cho bạn trong hôm nay để lắng nghe và hỗ trợ.</p><p>{{ shop.name }}</p>`,
        en: `<p>${HI_EN}</p><p>Thank you for your honest score. We are sorry your experience fell short. Our staff will call you today to listen and help.</p><p>{{ shop.name }}</p>`,
      },
      text: {
        vi: `${HI_VI}\n\nCảm ơn bạn đã thẳng thắn cho điểm. Chúng tôi rất tiếc vì trải nghiệm chưa tốt. Nhân viên của shop sẽ gọi cho bạn trong hôm nay để lắng nghe và hỗ trợ.\n\n{{ shop.name }}`,
        en: `${HI_EN}\n\nThank you for your honest score. We are sorry your experience fell short. Our staff will call you today to listen and help.\n\n{{ shop.name }}`,
      },
    },
  },
  improveSms: {
    channel: 'sms',
    promotional: false,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 2,
      text: {
        vi: '{{ shop.name }}: Cam on quy khach da cham diem! Shop can lam gi de quy khach cham 10? Quy khach vui long tra loi tin nhan nay.',
        en: '{{ shop.name }}: Thanks for your score! What could we do to earn a 10? Just reply to this message.',
      },
    },
  },
  improveEmail: {
    channel: 'email',
    promotional: false,
    content: {
      channel: 'email',
      subject: { vi: 'Shop có thể làm gì tốt hơn?', en: 'What could we do better?' },
      html: {
        vi: `<p>${HI_VI}</p><p>Cảm ơn bạn đã chấm điểm {{ shop.name }}. Chúng tôi có thể làm gì để bạn hài lòng hơn? Chỉ cần trả lời e-mail này, mỗi góp ý đều được đọc.</p><p>{{ shop.name }}</p>`,
        en: `<p>${HI_EN}</p><p>Thanks for rating {{ shop.name }}. What could we do to make you happier? Just reply to this e-mail; we read every answer.</p><p>{{ shop.name }}</p>`,
      },
      text: {
        vi: `${HI_VI}\n\nCảm ơn bạn đã chấm điểm {{ shop.name }}. Chúng tôi có thể làm gì để bạn hài lòng hơn? Chỉ cần trả lời e-mail này, mỗi góp ý đều được đọc.\n\n{{ shop.name }}`,
        en: `${HI_EN}\n\nThanks for rating {{ shop.name }}. What could we do to make you happier? Just reply to this e-mail; we read every answer.\n\n{{ shop.name }}`,
      },
    },
  },
  inviteSms: {
    channel: 'sms',
    promotional: false,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 3,
      text: {
        vi: '{{ shop.name }}: Cam on quy khach! Gioi thieu ban be bang ma {{ referral_code }}{% if referral_url %} ({{ referral_url }}){% endif %}. Danh gia shop tai: {{ review_url }}',
        en: '{{ shop.name }}: Thank you! Invite friends with code {{ referral_code }}{% if referral_url %} ({{ referral_url }}){% endif %}. Review us: {{ review_url }}',
      },
    },
  },
  inviteEmail: {
    channel: 'email',
    promotional: false,
    content: {
      channel: 'email',
      subject: {
        vi: 'Cảm ơn bạn đã yêu thích {{ shop.name }}!',
        en: 'Thank you for loving {{ shop.name }}!',
      },
      html: {
        vi: `<p>${HI_VI}</p><p>Cảm ơn bạn đã chấm điểm cao! Nếu bạn muốn giới thiệu shop cho bạn bè, hãy gửi họ mã <strong>{{ referral_code }}</strong>{% if referral_url %} hoặc đường dẫn <a href="{{ referral_url }}">{{ referral_url }}</a>{% endif %}: khi đơn đầu tiên của bạn bè được giao, bạn sẽ nhận quà cảm ơn.</p>{% if review_url %}<p>Bạn cũng có thể để lại đánh giá công khai <a href="{{ review_url }}">tại đây</a>.</p>{% endif %}<p>{{ shop.name }}</p>`,
        en: `<p>${HI_EN}</p><p>Thank you for the great score! If you'd like to recommend us to friends, send them code <strong>{{ referral_code }}</strong>{% if referral_url %} or the link <a href="{{ referral_url }}">{{ referral_url }}</a>{% endif %}: once a friend's first order is delivered, a thank-you gift is yours.</p>{% if review_url %}<p>You can also leave a public review <a href="{{ review_url }}">here</a>.</p>{% endif %}<p>{{ shop.name }}</p>`,
      },
      text: {
        vi: `${HI_VI}\n\nCảm ơn bạn đã chấm điểm cao! Nếu bạn muốn giới thiệu shop cho bạn bè, hãy gửi họ mã {{ referral_code }}{% if referral_url %} hoặc đường dẫn {{ referral_url }}{% endif %}: khi đơn đầu tiên của bạn bè được giao, bạn sẽ nhận quà cảm ơn.\n\nBạn cũng có thể để lại đánh giá công khai tại: {{ review_url }}\n\n{{ shop.name }}`,
        en: `${HI_EN}\n\nThank you for the great score! If you'd like to recommend us to friends, send them code {{ referral_code }}{% if referral_url %} or the link {{ referral_url }}{% endif %}: once a friend's first order is delivered, a thank-you gift is yours.\n\nYou can also leave a public review at: {{ review_url }}\n\n{{ shop.name }}`,
      },
    },
  },
  referralThanksSms: {
    channel: 'sms',
    promotional: false,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 2,
      text: {
        vi: '{{ shop.name }}: Cam on quy khach da gioi thieu ban be! Tang quy khach ma {{ coupon.code }} cho don tiep theo.',
        en: '{{ shop.name }}: Thank you for referring a friend! Here is {{ coupon.code }} for your next order.',
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;
