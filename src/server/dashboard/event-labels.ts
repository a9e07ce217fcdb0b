import type { Localized } from './i18n.js';

/**
 * Storefront and message events (named after the Segment e-commerce spec) as a seller reads them,
 * on every page that lists events (the customer's timeline, the live visitors). An event without
 * an entry keeps its name.
 */
const EVENT_LABELS: Record<string, Localized> = {
  'Page Viewed': { vi: 'Xem trang', en: 'Page viewed' },
  'Product Viewed': { vi: 'Xem sản phẩm', en: 'Product viewed' },
  'Product Added': { vi: 'Thêm vào giỏ', en: 'Added to cart' },
  'Product Removed': { vi: 'Bỏ khỏi giỏ', en: 'Removed from cart' },
  'Products Searched': { vi: 'Tìm sản phẩm', en: 'Searched products' },
  'Cart Viewed': { vi: 'Xem giỏ hàng', en: 'Cart viewed' },
  'Checkout Started': { vi: 'Bắt đầu thanh toán', en: 'Checkout started' },
  'Order Completed': { vi: 'Hoàn tất đơn', en: 'Order completed' },
  'Blog Post Viewed': { vi: 'Xem bài viết', en: 'Blog post viewed' },
  'Message Opened': { vi: 'Mở tin nhắn', en: 'Opened a message' },
  'Message Clicked': { vi: 'Bấm vào tin nhắn', en: 'Clicked a message' },
  'Message Declined': { vi: 'Từ chối tin nhắn', en: 'Declined a message' },
  'Survey Answered': { vi: 'Trả lời khảo sát', en: 'Answered a survey' },
  Identified: { vi: 'Xác định khách', en: 'Identified' },
};

/** An event's name in the reader's language (its own name when it has no entry). */
export function eventLabel(name: string, lang: 'vi' | 'en'): string {
  return EVENT_LABELS[name]?.[lang] ?? name;
}
