/**
 * Shopify webhook bodies (REST Admin API payloads, API version 2026-04 and older) into the records
 * the CSV importers produce. An order body maps field for field as the orders export does
 * (src/ingest/formats/shopify-orders.ts), with the same status function, so an order that came
 * by webhook and the same order re-imported from the export give the same rows. See
 * docs/webhooks.md.
 */
import { z } from 'zod';
import type { CustomerInput, EventInput, OrderInput, OrderLine } from '../../domain/model/index.js';
import { emailOf, type PaymentMethod, paymentMethodOf, phoneOf, tagsOf } from '../formats/fields.js';
import {
  type FinancialStatus,
  type FulfillmentStatus,
  isFinancial,
  isFulfillment,
  shopifyOrderStatus,
  sumLines,
} from '../formats/shopify-orders.js';
import { emptyBatch, type ParsedBatch } from '../records.js';
import {
  amountSchema,
  bodyProblem,
  dateSchema,
  fullName,
  idSchema,
  minAmount,
  noteAttributesSchema,
  parseBody,
  perTimezone,
  quantitySchema,
  referralTagsOf,
  sumAmounts,
  textSchema,
  type WebhookContext,
} from './common.js';

export const SHOPIFY_ORDER_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'orders/cancelled',
] as const;
export const SHOPIFY_CUSTOMER_TOPICS = ['customers/create', 'customers/update'] as const;
export const SHOPIFY_REFUND_TOPICS = ['refunds/create'] as const;

/** A refund as the refunds/create webhook carries it: only the refund, with its order's id. */
export interface OrderRefund {
  source: 'shopify';
  refundId: string;
  /** The order's id, the `externalId` its order records carry. */
  orderExternalId: string;
  /** Money returned to the buyer by this refund (successful refund transactions). */
  amount: string;
  createdAt: Date;
  /** The lines taken back (for events and messages; the order's lines do not change). */
  lines: { sku: string | undefined; title: string | undefined; quantity: number }[];
  note: string | undefined;
}

const addressSchema = z
  .object({
    name: textSchema,
    first_name: textSchema,
    last_name: textSchema,
    phone: textSchema,
    company: textSchema,
    address1: textSchema,
    address2: textSchema,
    zip: textSchema,
    city: textSchema,
    province: textSchema,
    province_code: textSchema,
    country: textSchema,
    country_code: textSchema,
  })
  .nullish();

const consentSchema = z.object({ state: textSchema }).nullish();

const customerSchema = perTimezone((timezone: string) =>
  z.object({
    id: idSchema,
    email: textSchema,
    phone: textSchema,
    first_name: textSchema,
    last_name: textSchema,
    note: textSchema,
    tags: textSchema,
    created_at: dateSchema(timezone).nullish(),
    accepts_marketing: z.boolean().nullish(),
    email_marketing_consent: consentSchema,
    sms_marketing_consent: consentSchema,
    default_address: addressSchema,
  }),
);

const refundTransactionSchema = z.object({
  kind: textSchema,
  status: textSchema,
  amount: amountSchema,
});

const refundSchema = perTimezone((timezone: string) =>
  z.object({
    id: idSchema,
    order_id: idSchema,
    created_at: dateSchema(timezone),
    note: textSchema,
    transactions: z.array(refundTransactionSchema).nullish(),
    refund_line_items: z
      .array(
        z.object({
          quantity: quantitySchema,
          subtotal: amountSchema.nullish(),
          line_item: z.object({ sku: textSchema, name: textSchema, title: textSchema }).nullish(),
        }),
      )
      .nullish(),
  }),
);
type RefundBody = z.output<ReturnType<typeof refundSchema>>;

const lineSchema = z.object({
  name: textSchema,
  title: textSchema,
  sku: textSchema,
  quantity: quantitySchema,
  price: amountSchema,
});

const orderSchema = perTimezone((timezone: string) =>
  z.object({
    id: idSchema,
    name: textSchema,
    email: textSchema,
    contact_email: textSchema,
    phone: textSchema,
    created_at: dateSchema(timezone),
    cancelled_at: dateSchema(timezone).nullish(),
    financial_status: textSchema,
    fulfillment_status: textSchema,
    currency: textSchema,
    subtotal_price: amountSchema.nullish(),
    total_discounts: amountSchema.nullish(),
    total_tax: amountSchema.nullish(),
    total_price: amountSchema,
    total_shipping_price_set: z.object({ shop_money: z.object({ amount: amountSchema }) }).nullish(),
    shipping_lines: z.array(z.object({ price: amountSchema })).nullish(),
    discount_codes: z.array(z.object({ code: textSchema })).nullish(),
    note_attributes: noteAttributesSchema,
    payment_gateway_names: z.array(z.string()).nullish(),
    gateway: textSchema,
    tags: textSchema,
    customer: customerSchema(timezone).nullish(),
    billing_address: addressSchema,
    shipping_address: addressSchema,
    line_items: z.array(lineSchema),
    refunds: z.array(refundSchema(timezone)).nullish(),
  }),
);
type OrderBody = z.output<ReturnType<typeof orderSchema>>;

/** An orders/* body: the order, and an 'Order Refunded' event per refund it lists. */
export function parseShopifyOrder(body: unknown, ctx: WebhookContext): ParsedBatch {
  const o = parseBody(orderSchema(ctx.timezone), body, 'Shopify order');
  const order = shopifyOrderOf(o, ctx);
  const batch = emptyBatch(1);
  batch.orders.push({ line: 0, value: order });
  for (const r of o.refunds ?? []) batch.events.push({ line: 0, value: refundEvent(order, refundOf(r)) });
  return batch;
}

function shopifyOrderOf(o: OrderBody, ctx: WebhookContext): OrderInput {
  const financial = financialOf(o.financial_status);
  const fulfillment = fulfillmentOf(o.fulfillment_status);
  const tags = tagsOf(o.tags);
  const lines = linesOf(o);
  const total = o.total_price;
  const refundedSum = sumAmounts((o.refunds ?? []).map((r) => refundOf(r).amount));
  const refunded =
    refundedSum === '0' ? (financial === 'refunded' ? total : '0') : minAmount(refundedSum, total);
  const codes = (o.discount_codes ?? []).flatMap((d) => (d.code ? [d.code] : []));
  return {
    source: 'shopify',
    externalId: o.id,
    name: o.name,
    customer: customerOfOrder(o),
    status: shopifyOrderStatus(financial, fulfillment, o.cancelled_at != null, tags),
    financialStatus: financial,
    fulfillmentStatus: fulfillment,
    paymentMethod: paymentOf(o),
    currency: currencyOf(o.currency, ctx),
    subtotal: o.subtotal_price ?? sumLines(lines),
    shipping:
      o.total_shipping_price_set?.shop_money.amount ??
      sumAmounts((o.shipping_lines ?? []).map((s) => s.price)),
    taxes: o.total_tax ?? '0',
    discount: o.total_discounts ?? '0',
    total,
    refunded,
    couponCode: codes.length > 0 ? codes.join(', ') : undefined,
    createdAt: o.created_at,
    // The REST order has no paid time (the export's "Paid at" comes from its transactions).
    paidAt: undefined,
    cancelledAt: o.cancelled_at ?? undefined,
    // A referral code typed into the checkout's note attributes travels as a `ref:CODE` tag.
    tags: [...tags, ...referralTagsOf(o.note_attributes)],
    lines,
  };
}

function financialOf(raw: string | undefined): FinancialStatus {
  const v = raw?.toLowerCase();
  if (v === undefined) return bodyProblem('Shopify order', 'financial_status', 'financial_status is missing');
  return isFinancial(v)
    ? v
    : bodyProblem('Shopify order', 'financial_status', `unknown financial status ${JSON.stringify(raw)}`);
}

/** null (nothing shipped yet) reads as unfulfilled, as an empty cell of the export does. */
function fulfillmentOf(raw: string | undefined): FulfillmentStatus {
  const v = raw?.toLowerCase();
  if (v === undefined || v === 'null') return 'unfulfilled';
  return isFulfillment(v)
    ? v
    : bodyProblem('Shopify order', 'fulfillment_status', `unknown fulfillment status ${JSON.stringify(raw)}`);
}

/**
 * The payment method: API 2026-04 lists gateways in payment_gateway_names ("Cash on Delivery
 * (COD)", "shopify_payments"); older payloads have `gateway`.
 */
function paymentOf(o: OrderBody): PaymentMethod | undefined {
  for (const name of o.payment_gateway_names ?? []) {
    const m = paymentMethodOf(name);
    if (m !== undefined) return m;
  }
  return paymentMethodOf(o.gateway);
}

export function currencyOf(raw: string | undefined, ctx: WebhookContext): string {
  if (raw === undefined) return ctx.currency;
  const v = raw.toUpperCase();
  return /^[A-Z]{3}$/.test(v)
    ? v
    : bodyProblem('order', 'currency', `not a currency code: ${JSON.stringify(raw)}`);
}

/** The buyer: as the export reads it (e-mail, phone, billing name whole, shipping place), plus the customer id. */
function customerOfOrder(o: OrderBody): OrderInput['customer'] {
  const c = o.customer ?? undefined;
  const bill = o.billing_address ?? undefined;
  const ship = o.shipping_address ?? undefined;
  const email = emailOf(o.email) ?? emailOf(o.contact_email) ?? emailOf(c?.email);
  const phone = phoneOf(o.phone) ?? phoneOf(c?.phone) ?? phoneOf(bill?.phone) ?? phoneOf(ship?.phone);
  const externalId = c?.id;
  if (email === undefined && phone === undefined && externalId === undefined)
    return bodyProblem(
      'Shopify order',
      'customer',
      'no customer identity (no customer id, valid email or phone)',
    );
  return {
    externalId,
    email,
    phone,
    // As the export: the full name is kept whole in firstName.
    firstName: bill?.name ?? ship?.name ?? fullName(c?.first_name, c?.last_name),
    lastName: undefined,
    city: ship?.city ?? bill?.city,
    province: ship?.province ?? bill?.province,
    country: ship?.country_code ?? bill?.country_code,
  };
}

function linesOf(o: OrderBody): OrderLine[] {
  const lines: OrderLine[] = [];
  o.line_items.forEach((l, i) => {
    const title =
      l.name ??
      l.title ??
      l.sku ??
      bodyProblem('Shopify order', `line_items[${i}].name`, 'line item has no name');
    // A line edited down to 0 (removed from the order) is left out, as in the export.
    if (l.quantity > 0)
      lines.push({ sku: l.sku, title, category: undefined, quantity: l.quantity, price: l.price });
  });
  return lines;
}

/** A refunds/create body. */
export function parseShopifyRefund(body: unknown, ctx: WebhookContext): OrderRefund {
  return refundOf(parseBody(refundSchema(ctx.timezone), body, 'Shopify refund'));
}

/**
 * The money a refund returned: its successful refund transactions; a refund without transactions
 * (a restock-only refund, or a payload that leaves them out) counts its lines' subtotals.
 */
function refundOf(r: RefundBody): OrderRefund {
  const transactions = (r.transactions ?? []).filter(
    (t) =>
      (t.kind ?? 'refund').toLowerCase() === 'refund' && (t.status ?? 'success').toLowerCase() === 'success',
  );
  const amount =
    r.transactions != null && r.transactions.length > 0
      ? sumAmounts(transactions.map((t) => t.amount))
      : sumAmounts((r.refund_line_items ?? []).map((l) => l.subtotal ?? '0'));
  return {
    source: 'shopify',
    refundId: r.id,
    orderExternalId: r.order_id,
    amount,
    createdAt: r.created_at,
    lines: (r.refund_line_items ?? []).map((l) => ({
      sku: l.line_item?.sku,
      title: l.line_item?.name ?? l.line_item?.title,
      quantity: l.quantity,
    })),
    note: r.note,
  };
}

/** The dedupe key of a refund: the same refund seen in an order body and in refunds/create. */
export function refundMessageId(refund: Pick<OrderRefund, 'source' | 'refundId'>): string {
  return `${refund.source}:refund:${refund.refundId}`;
}

/** The 'Order Refunded' event of a refund, for the buyer of `order`. */
export function refundEvent(
  order: Pick<OrderInput, 'customer' | 'externalId' | 'name'>,
  refund: OrderRefund,
): EventInput {
  const c = order.customer;
  return {
    messageId: refundMessageId(refund),
    event: 'Order Refunded',
    ...(c.externalId && !c.phone && !c.email ? { userId: c.externalId } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
    ...(c.email ? { email: c.email } : {}),
    timestamp: refund.createdAt,
    properties: refundProperties(refund, order.name),
  };
}

export function refundProperties(refund: OrderRefund, orderName?: string): Record<string, unknown> {
  return {
    source: refund.source,
    order_id: refund.orderExternalId,
    ...(orderName ? { order_name: orderName } : {}),
    refund_id: refund.refundId,
    amount: refund.amount,
  };
}

/** A customers/create or customers/update body, read as the customers export is. */
export function parseShopifyCustomer(body: unknown, ctx: WebhookContext): ParsedBatch {
  const c = parseBody(customerSchema(ctx.timezone), body, 'Shopify customer');
  const a = c.default_address ?? undefined;
  const consent: CustomerInput['consent'] = {};
  const email = consentOf(c.email_marketing_consent?.state) ?? c.accepts_marketing ?? undefined;
  const sms = consentOf(c.sms_marketing_consent?.state);
  if (email !== undefined) consent.email = email;
  if (sms !== undefined) consent.sms = sms;
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of [
    ['company', a?.company],
    ['address1', a?.address1],
    ['address2', a?.address2],
    ['zip', a?.zip],
  ] as const)
    if (value !== undefined) attributes[key] = value;
  const customer: CustomerInput = {
    source: 'shopify',
    externalId: c.id,
    firstName: c.first_name,
    lastName: c.last_name,
    phone: phoneOf(c.phone) ?? phoneOf(a?.phone),
    email: emailOf(c.email),
    city: a?.city,
    province: a?.province_code ?? a?.province,
    country: a?.country_code ?? a?.country,
    consent,
    tags: tagsOf(c.tags),
    attributes,
    referredBy: undefined,
    note: c.note,
    createdAt: c.created_at ?? undefined,
  };
  const batch = emptyBatch(1);
  batch.customers.push({ line: 0, value: customer });
  return batch;
}

/** Shopify's marketing consent states. */
function consentOf(state: string | undefined): boolean | undefined {
  switch (state?.toLowerCase()) {
    case 'subscribed':
      return true;
    case 'not_subscribed':
    case 'unsubscribed':
    case 'pending':
    case 'invalid':
    case 'redacted':
      return false;
    default:
      return undefined;
  }
}
