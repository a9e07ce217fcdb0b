import type { Localized } from '../analytics/types.js';
import type { EventFilterKey } from './ast.js';

/**
 * The functions of the query language: conditions on what a customer bought and did. Each counts
 * matching orders or events, optionally in a time window, and compares the count (`count >= 1`
 * when not given).
 */
export const FUNCTION_NAMES = [
  'products_purchased',
  'performed',
  'opened',
  'clicked',
  'declined',
  'replenishment_due',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The functions that count events. */
export type EventFunctionName = Exclude<FunctionName, 'products_purchased' | 'replenishment_due'>;

/**
 * Arguments of replenishment_due: the products, and when the due day falls (`within: 7d` is from
 * today to 7 days ahead; `since` and `until` name the days, e.g. `since: -3d` takes in customers
 * up to 3 days late). No count.
 */
export const REPLENISHMENT_ARGS = ['sku', 'product', 'within', 'since', 'until'] as const;

/** Arguments every function takes: the window (`since`, `until`, `within`) and `count`. */
export const WINDOW_ARGS = ['since', 'until', 'within'] as const;

export interface FunctionDoc {
  name: FunctionName;
  signature: string;
  doc: Localized;
  examples: readonly string[];
}

/** Event names of the message reactions. */
export const MESSAGE_EVENTS: Record<'opened' | 'clicked' | 'declined', string> = {
  opened: 'Message Opened',
  clicked: 'Message Clicked',
  declined: 'Message Declined',
};

/** The event-property arguments each event function accepts. */
export const EVENT_FUNCTION_FILTERS: Record<EventFunctionName, readonly EventFilterKey[]> = {
  performed: ['product', 'category', 'campaign', 'channel'],
  opened: ['campaign', 'channel', 'product', 'category'],
  clicked: ['campaign', 'channel', 'product', 'category'],
  declined: ['campaign', 'channel'],
};

/** Arguments of products_purchased besides the window and count. */
export const PURCHASE_FILTERS = ['sku', 'product', 'category'] as const;

const l = (vi: string, en: string): Localized => ({ vi, en });

export const FUNCTIONS: readonly FunctionDoc[] = [
  {
    name: 'products_purchased',
    signature:
      "products_purchased([sku: 'SKU' | ('SKU', …)] [, category: 'c' | ('c', …)] [, since: D] [, until: D] [, within: N] [, count op n])",
    doc: l(
      'Đã mua sản phẩm (theo SKU hoặc danh mục) trong các đơn hợp lệ; count đếm số đơn.',
      'Bought a product (by SKU or category) in valid orders; count counts the orders.',
    ),
    examples: [
      "products_purchased(category: 'printer', since: -7d, until: -7d)",
      "products_purchased(sku: 'PRN-01', since: -30d, count >= 2)",
    ],
  },
  {
    name: 'performed',
    signature:
      "performed('Event Name' [, product: 'SKU'] [, category: 'c'] [, campaign: 'x'] [, channel: 'x'] [, since/until/within] [, count op n])",
    doc: l(
      'Đã thực hiện một sự kiện (Product Viewed, Product Added, Checkout Started, …); count đếm số sự kiện.',
      'Performed a storefront event (Product Viewed, Product Added, Checkout Started, …); count counts the events.',
    ),
    examples: ["performed('Product Viewed', category: 'printer', within: 7d, count >= 3)"],
  },
  {
    name: 'opened',
    signature:
      "opened([campaign: 'x'] [, channel: 'email' | 'zalo' | 'sms' | …] [, since/until/within] [, count op n])",
    doc: l('Đã mở tin nhắn marketing.', 'Opened a marketing message.'),
    examples: ["opened(channel: 'zalo', within: 30d)"],
  },
  {
    name: 'clicked',
    signature: "clicked([campaign: 'x'] [, channel: 'x'] [, since/until/within] [, count op n])",
    doc: l('Đã bấm vào tin nhắn marketing.', 'Clicked a marketing message.'),
    examples: ['clicked(within: 90d, count >= 2)'],
  },
  {
    name: 'replenishment_due',
    signature: "replenishment_due([sku: 'SKU' | ('SKU', …)] [, within: N | since: D] [, until: D])",
    doc: l(
      'Sắp đến lúc mua lại sản phẩm (chu kỳ mua lại học từ đơn hàng, `nurture products replenishment`): ngày nhắc rơi vào khoảng đã cho; mặc định trong 7 ngày tới. Khách đã mua lại sau lần tính thì không còn khớp.',
      'Due to buy a product again (the reorder cycle learned from the orders, `nurture products replenishment`): the reminder day falls in the window; by default within the next 7 days. A customer who bought it again since the last recompute no longer matches.',
    ),
    examples: [
      "replenishment_due(sku: 'PAP-A6-500', within: 7d)",
      "replenishment_due(sku: ('PAP-A6-500', 'PAP-A7-1000'), since: -3d, until: +7d)",
      'replenishment_due(within: 3d)',
    ],
  },
  {
    name: 'declined',
    signature: "declined([campaign: 'x'] [, channel: 'x'] [, since/until/within] [, count op n])",
    doc: l('Đã từ chối / huỷ đăng ký tin nhắn.', 'Declined or unsubscribed from a message.'),
    examples: ['declined(within: 180d, count >= 3)'],
  },
];
