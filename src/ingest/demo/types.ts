/**
 * The in-memory demo shop. Times are epoch milliseconds (numbers, not Dates) because the bench
 * path builds hundreds of thousands of orders; amounts are whole VND.
 */
import type { MarketingCost } from '../../domain/model/index.js';
import type { DemoCategory, DemoProduct } from './catalog.js';
import type { DemoParams } from './params.js';
import type { DemoAddress, Gender } from './people.js';

export type AcquisitionChannel = 'facebook' | 'zalo' | 'google' | 'tiktok' | 'organic' | 'referral';
export type PaymentMethod = 'cod' | 'bank' | 'momo';

/** A customer of the demo shop (one row of customers.csv). */
export interface DemoCustomer {
  /** Shopify customer id (13 digits). */
  id: string;
  firstName: string;
  lastName: string;
  /** Vietnamese order: "Nguyễn Thị Hương". */
  fullName: string;
  gender: Gender;
  email: string | undefined;
  /** National mobile number (0912345678); every customer has one, as COD delivery needs it. */
  mobile: string;
  /** The number as written in the customers export "Phone" column (messy form), or empty. */
  phoneField: string;
  /** The number as written in "Default Address Phone". */
  addressPhoneField: string;
  address: DemoAddress;
  acceptsEmail: boolean;
  acceptsSms: boolean;
  createdAt: number;
  channel: AcquisitionChannel;
  /** Shopify id of the customer who referred this one. */
  referredBy: string | undefined;
  /** Main interest; drives what the customer looks at and buys. */
  interest: DemoCategory;
  /** The consumable this customer restocks, when the customer is a regular buyer of one. */
  staple: DemoProduct | undefined;
  preferredPayment: PaymentMethod;
  note: string;
  tags: string[];
  /** Storefront device id, also on the customer's events. */
  anonymousId: string;
  /** Filled from the orders: amount paid minus refunds, and number of orders. */
  totalSpent: number;
  totalOrders: number;
}

/** One line item of an order. */
export interface DemoLine {
  product: DemoProduct;
  quantity: number;
  /** Unit price charged (VND). */
  price: number;
  /** List price when the item was on sale, else undefined. */
  compareAt: number | undefined;
}

/** How an order ended; the Shopify statuses below follow from it. */
export type OrderOutcome =
  | 'delivered'
  | 'in_transit'
  | 'failed_delivery'
  | 'returned'
  | 'partially_refunded'
  | 'voided';

/** An order with its Shopify statuses and totals (rows of orders.csv). */
export interface DemoOrder {
  /** Shopify order id (13 digits) and name (#1001). */
  id: string;
  name: string;
  customer: DemoCustomer;
  /** The e-mail on the order; empty for phone-only customers and some phone checkouts. */
  email: string;
  /** The phone on the order as typed at checkout (messy form). */
  phone: string;
  /** 0 for the first order of the customer, 1 for the second… */
  sequence: number;
  createdAt: number;
  paidAt: number | undefined;
  fulfilledAt: number | undefined;
  deliveredAt: number | undefined;
  cancelledAt: number | undefined;
  outcome: OrderOutcome;
  financialStatus: 'paid' | 'pending' | 'refunded' | 'partially_refunded' | 'voided';
  fulfillmentStatus: 'fulfilled' | 'unfulfilled';
  paymentMethod: PaymentMethod;
  shippingMethod: string;
  lines: DemoLine[];
  /** Sum of line prices × quantities, before the discount. */
  itemsTotal: number;
  discountCode: string;
  discountAmount: number;
  /** Shopify's subtotal: items after discounts, before shipping. */
  subtotal: number;
  shipping: number;
  total: number;
  refunded: number;
  tags: readonly string[];
  note: string;
  /** "utm_source: facebook" on a customer's first order. */
  noteAttributes: string;
}

/** JSON values that event properties hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One line of events.jsonl (Segment-style). */
export interface DemoEvent {
  messageId: string;
  event: string;
  userId?: string;
  anonymousId?: string;
  email?: string;
  phone?: string;
  timestamp: string;
  properties: Record<string, JsonValue>;
}

/**
 * What the generator drew for a buyer and kept out of the files, so that model tests can check
 * that estimates recover the population (DEMO_BGNBD_PARAMS, DEMO_GG_PARAMS) and the individuals.
 */
export interface DemoTruth {
  customerId: string;
  /** Purchase rate per day and drop-out probability (BG/NBD). */
  lambda: number;
  dropoutP: number;
  /** Mean spend per order (Gamma-Gamma p/ν), VND. */
  meanSpend: number;
  /** Observation length after the first purchase, in days (BG/NBD T). */
  horizonDays: number;
  /** Purchase times in days after the first purchase (first is 0) and the drawn spends. */
  purchaseDays: number[];
  spends: number[];
}

/** A whole demo shop in memory, as `generateShop` returns it. */
export interface DemoShop {
  seed: number;
  /** Start and end of the history (epoch ms); `until` is exclusive. */
  start: number;
  until: number;
  params: DemoParams;
  catalog: readonly DemoProduct[];
  customers: DemoCustomer[];
  /** Orders by creation time, named #1001, #1002… in that order. */
  orders: DemoOrder[];
  /** Events by timestamp. */
  events: DemoEvent[];
  marketingCosts: MarketingCost[];
  /** Buyers only, in customer order. */
  truth: DemoTruth[];
}
