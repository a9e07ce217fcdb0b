/**
 * Ready texts of the loyalty flow templates (docs/loyalty.md): the reminder before points expire
 * (event `Points Expiring`: `event.properties.points`, `.expiresOn`, `.days`) and the greeting
 * of a member who reached a higher tier (event `Tier Changed`: `.toName.vi` / `.toName.en`).
 */
import type { TemplateMessage } from './template-texts.js';

export const POINTS_EXPIRING = {
  sms: {
    channel: 'sms',
    promotional: false,
    content: {
      channel: 'sms',
      ascii: true,
      maxSegments: 2,
      text: {
        vi: '{{ shop.name }}: {{ event.properties.points }} diem cua quy khach se het han ngay {{ event.properties.expiresOn }}. Dung diem doi qua tai {{ shop.url }}',
        en: '{{ shop.name }}: your {{ event.properties.points }} points expire on {{ event.properties.expiresOn }}. Redeem them at {{ shop.url }}',
      },
    },
  },
  email: {
    channel: 'email',
    promotional: false,
    content: {
      channel: 'email',
      subject: {
        vi: '{{ event.properties.points }} điểm của bạn sắp hết hạn',
        en: 'Your {{ event.properties.points }} points expire soon',
      },
      html: {
        vi: '<p>Chào {{ customer.first_name | default: "bạn" }},</p><p>{{ event.properties.points }} điểm tích lũy của bạn tại {{ shop.name }} sẽ hết hạn vào ngày {{ event.properties.expiresOn }}. Đổi điểm lấy ưu đãi trước khi quá muộn nhé!</p><p><a href="{{ shop.url }}">Đổi điểm ngay</a></p>',
        en: '<p>Hi {{ customer.first_name | default: "there" }},</p><p>Your {{ event.properties.points }} points at {{ shop.name }} expire on {{ event.properties.expiresOn }}. Redeem them for a reward before they are gone!</p><p><a href="{{ shop.url }}">Redeem now</a></p>',
      },
    },
  },
} as const satisfies Record<string, TemplateMessage>;
