import { z } from 'zod';

export const SOURCES = [
  'shopify',
  'haravan',
  'shopee',
  'lazada',
  'tiktok',
  'web',
  'pos',
  'manual',
  'demo',
] as const;
export const sourceSchema = z.enum(SOURCES);
export type Source = z.infer<typeof sourceSchema>;

export const CHANNELS = ['email', 'sms', 'zalo', 'messenger'] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

/** Order life cycle; only some statuses are revenue (see metrics). */
export const ORDER_STATUSES = [
  'pending',
  'paid',
  'delivered',
  'failed_delivery',
  'returned',
  'refunded',
  'cancelled',
] as const;
export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** Event names follow the Segment e-commerce spec, plus our message reactions and referral landings. */
export const EVENT_NAMES = [
  'Page Viewed',
  'Products Searched',
  'Product List Viewed',
  'Product Viewed',
  'Product Clicked',
  'Product Added',
  'Product Removed',
  'Cart Viewed',
  'Checkout Started',
  'Checkout Step Completed',
  'Payment Info Entered',
  'Order Completed',
  'Order Refunded',
  'Order Cancelled',
  'Coupon Applied',
  'Product Reviewed',
  'Signed Up',
  'Blog Post Viewed',
  'Message Sent',
  'Message Delivered',
  'Message Opened',
  'Message Clicked',
  'Message Declined',
  'Survey Answered',
  // A storefront visitor landed with ?ref=CODE (the widget sends it at once; see referral-code.ts).
  'Referral Link Opened',
  // A referred friend's first order was delivered and kept past the return window (customer: the referrer).
  'Referral Converted',
] as const;
export const eventNameSchema = z.enum(EVENT_NAMES);
export type EventName = z.infer<typeof eventNameSchema>;
