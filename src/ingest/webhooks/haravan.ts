/**
 * Haravan webhook bodies into the records the CSV importers produce. Haravan sends its Order
 * object unwrapped (the one its Orders API documents); the fields follow Shopify's, plus
 * `cancelled_status`, `gateway` and, on each fulfilment, the carrier's delivery state.
 *
 * The order maps as the built-in `haravan` mapping of orders-csv reads the Haravan export
 * (src/ingest/formats/mappings/haravan.ts): the same id (the order code "#100020", which the export
 * calls Mã đơn hàng), the same fields, and the status from that mapping's own status table. See
 * docs/webhooks.md.
 */
import { z } from 'zod';
import type { CustomerInput, OrderInput, OrderLine, OrderStatus } from '../../domain/model/index.js';
import { emailOf, type PaymentMethod, paymentMethodOf, phoneOf, tagsOf } from '../formats/fields.js';
import { StatusTable } from '../formats/mapping.js';
import { haravanMapping } from '../formats/mappings/haravan.js';
import { fromCents, sumLines, toCents } from '../formats/shopify-orders.js';
import { emptyBatch, type ParsedBatch } from '../records.js';
import {
  absAmount,
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
  signedAmountSchema,
  sumAmounts,
  textSchema,
  type WebhookContext,
} from './common.js';
import { currencyOf } from './shopify.js';

export const HARAVAN_ORDER_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'orders/cancelled',
] as const;
export const HARAVAN_CUSTOMER_TOPICS = ['customers/create', 'customers/update'] as const;

const addressSchema = z
  .object({
    name: textSchema,
    first_name: textSchema,
    last_name: textSchema,
    phone: textSchema,
    city: textSchema,
    district: textSchema,
    ward: textSchema,
    province: textSchema,
    country_code: textSchema,
  })
  .nullish();
type Address = z.output<typeof addressSchema>;

const customerSchema = perTimezone((timezone: string) =>
  z.object({
    id: idSchema,
    email: textSchema,
    phone: textSchema,
    first_name: textSchema,
    last_name: textSchema,
    note: textSchema,
    tags: textSchema,
    accepts_marketing: z.boolean().nullish(),
    created_at: dateSchema(timezone).nullish(),
    default_address: addressSchema,
  }),
);

const transactionSchema = z.object({ kind: textSchema, status: textSchema, amount: signedAmountSchema });

const orderSchema = perTimezone((timezone: string) =>
  z.object({
    id: idSchema,
    name: textSchema,
    order_number: textSchema,
    email: textSchema,
    contact_email: textSchema,
    phone: textSchema,
    created_at: dateSchema(timezone),
    cancelled_at: dateSchema(timezone).nullish(),
    cancelled_status: textSchema,
    financial_status: textSchema,
    fulfillment_status: textSchema,
    fulfillments: z.array(z.object({ carrier_status_code: textSchema })).nullish(),
    gateway: textSchema,
    gateway_code: textSchema,
    currency: textSchema,
    subtotal_price: amountSchema.nullish(),
    total_discounts: amountSchema.nullish(),
    total_tax: amountSchema.nullish(),
    total_price: amountSchema.nullish(),
    shipping_lines: z.array(z.object({ price: amountSchema.nullish() })).nullish(),
    discount_codes: z.array(z.object({ code: textSchema })).nullish(),
    note_attributes: noteAttributesSchema,
    tags: textSchema,
    customer: customerSchema(timezone).nullish(),
    billing_address: addressSchema,
    shipping_address: addressSchema,
    line_items: z.array(
      z.object({
        title: textSchema,
        name: textSchema,
        sku: textSchema,
        quantity: quantitySchema,
        price: amountSchema,
      }),
    ),
    refunds: z.array(z.object({ transactions: z.array(transactionSchema).nullish() })).nullish(),
  }),
);
type OrderBody = z.output<ReturnType<typeof orderSchema>>;

/** The status table of the Haravan CSV mapping: webhook and export statuses cannot drift apart. */
const STATUS = new StatusTable(haravanMapping.status.values);

/**
 * The carrier's delivery state of Haravan's fulfilments (readytopick, picking, delivering,
 * delivered, notmeetcustomer, waitingforreturn, return, cancel), as the export's delivery column
 * writes it: a failed delivery and a parcel sent back are what the CSV status table knows them by.
 */
function deliveryOf(o: OrderBody): 'Giao hàng thất bại' | 'Đã chuyển hoàn' | undefined {
  const codes = (o.fulfillments ?? []).map((f) => f.carrier_status_code?.toLowerCase());
  const last = codes.findLast((c) => c !== undefined);
  if (last === 'notmeetcustomer' || last === 'waitingforreturn') return 'Giao hàng thất bại';
  if (last === 'return' || last === 'returned') return 'Đã chuyển hoàn';
  return undefined;
}

const PAID_STATES = new Set(['paid', 'partially_refunded', 'refunded']);

/**
 * Our status. A cancelled order is cancelled (the mapping's `Đã hủy / *`), unless the carrier
 * failed to deliver or sent it back unpaid: that is a failed cash-on-delivery, as for Shopify. A
 * failed or returned delivery is looked up with the export's words for it; everything else by
 * financial / fulfilment status in the mapping's English rows.
 */
export function haravanOrderStatus(o: OrderBody): OrderStatus {
  const financial = o.financial_status?.toLowerCase();
  if (financial === undefined)
    return bodyProblem('Haravan order', 'financial_status', 'financial_status is missing');
  const delivery = deliveryOf(o);
  const paid = PAID_STATES.has(financial);
  const cancelled = o.cancelled_status?.toLowerCase() === 'cancelled' || o.cancelled_at != null;
  if (cancelled) return delivery !== undefined && !paid ? 'failed_delivery' : 'cancelled';
  const fulfillment = o.fulfillment_status?.toLowerCase() ?? 'notfulfilled';
  const parts =
    delivery !== undefined
      ? [paid ? 'Đã thanh toán' : 'Chưa thanh toán', delivery]
      : [financial, fulfillment];
  return (
    STATUS.lookup(parts) ??
    bodyProblem(
      'Haravan order',
      'financial_status',
      `unknown financial status ${JSON.stringify(o.financial_status)}`,
    )
  );
}

/** An orders/* body. */
export function parseHaravanOrder(body: unknown, ctx: WebhookContext): ParsedBatch {
  const o = parseBody(orderSchema(ctx.timezone), body, 'Haravan order');
  const batch = emptyBatch(1);
  batch.orders.push({ line: 0, value: haravanOrderOf(o, ctx) });
  return batch;
}

function haravanOrderOf(o: OrderBody, ctx: WebhookContext): OrderInput {
  const status = haravanOrderStatus(o);
  const lines = linesOf(o);
  const subtotal = o.subtotal_price ?? sumLines(lines);
  const shipping = sumAmounts((o.shipping_lines ?? []).map((s) => s.price ?? '0'));
  const taxes = o.total_tax ?? '0';
  const discount = o.total_discounts ?? '0';
  const total =
    o.total_price ?? fromCents(toCents(subtotal) + toCents(shipping) + toCents(taxes) - toCents(discount));
  const refundedSum = sumAmounts(
    (o.refunds ?? []).flatMap((r) =>
      (r.transactions ?? [])
        .filter(
          (t) => (t.kind ?? 'refund').toLowerCase() === 'refund' && (t.status ?? 'success') === 'success',
        )
        .map((t) => absAmount(t.amount)),
    ),
  );
  // As the mapping: a refunded order without an amount refunds its total.
  const refunded = refundedSum !== '0' ? minAmount(refundedSum, total) : status === 'refunded' ? total : '0';
  const codes = (o.discount_codes ?? []).flatMap((d) => (d.code ? [d.code] : []));
  // The export's Mã đơn hàng is the order code (#100020), which is `name` here.
  const externalId = o.name ?? o.order_number ?? o.id;
  return {
    source: 'haravan',
    externalId,
    // The export has no separate name column; the code is the id.
    name: undefined,
    customer: customerOfOrder(o),
    status,
    financialStatus: o.financial_status,
    fulfillmentStatus: o.fulfillment_status,
    paymentMethod: paymentOf(o),
    currency: currencyOf(o.currency, ctx),
    subtotal,
    shipping,
    taxes,
    discount,
    total: total.startsWith('-')
      ? bodyProblem('Haravan order', 'total_price', 'the order total comes out negative')
      : total,
    refunded,
    couponCode: codes.length > 0 ? codes.join(', ') : undefined,
    createdAt: o.created_at,
    paidAt: undefined,
    cancelledAt: o.cancelled_at ?? undefined,
    tags: [...tagsOf(o.tags), ...referralTagsOf(o.note_attributes)],
    lines,
  };
}

function paymentOf(o: OrderBody): PaymentMethod | undefined {
  return paymentMethodOf(o.gateway) ?? paymentMethodOf(o.gateway_code);
}

/**
 * The buyer, as the mapping reads the export: e-mail, phone (the customer's, else the billing
 * then shipping address's), the billing name whole, the district as city (Quận/Huyện), the
 * province; plus the Haravan customer id.
 */
function customerOfOrder(o: OrderBody): OrderInput['customer'] {
  const c = o.customer ?? undefined;
  const bill = o.billing_address ?? undefined;
  const ship = o.shipping_address ?? undefined;
  const email = emailOf(o.email) ?? emailOf(o.contact_email) ?? emailOf(c?.email);
  const phone = phoneOf(o.phone) ?? phoneOf(c?.phone) ?? phoneOf(bill?.phone) ?? phoneOf(ship?.phone);
  const externalId = c?.id;
  if (email === undefined && phone === undefined && externalId === undefined)
    return bodyProblem(
      'Haravan order',
      'customer',
      'no customer identity (no customer id, valid email or phone)',
    );
  const place: Address = bill ?? ship;
  return {
    externalId,
    phone,
    email,
    firstName: bill?.name ?? ship?.name ?? fullName(c?.first_name, c?.last_name),
    lastName: undefined,
    city: place?.district ?? place?.city,
    province: place?.province,
    country: undefined,
  };
}

function linesOf(o: OrderBody): OrderLine[] {
  const lines: OrderLine[] = [];
  o.line_items.forEach((l, i) => {
    const title =
      l.title ??
      l.name ??
      l.sku ??
      bodyProblem('Haravan order', `line_items[${i}].title`, 'line item has no title');
    if (l.quantity > 0)
      lines.push({ sku: l.sku, title, category: undefined, quantity: l.quantity, price: l.price });
  });
  return lines;
}

/** customers/create, customers/update. */
export function parseHaravanCustomer(body: unknown, ctx: WebhookContext): ParsedBatch {
  const c = parseBody(customerSchema(ctx.timezone), body, 'Haravan customer');
  const a = c.default_address ?? undefined;
  const customer: CustomerInput = {
    source: 'haravan',
    externalId: c.id,
    firstName: c.first_name,
    lastName: c.last_name,
    phone: phoneOf(c.phone) ?? phoneOf(a?.phone),
    email: emailOf(c.email),
    city: a?.district ?? a?.city,
    province: a?.province,
    country: a?.country_code?.toUpperCase(),
    consent: c.accepts_marketing == null ? {} : { email: c.accepts_marketing },
    tags: tagsOf(c.tags),
    attributes: {},
    referredBy: undefined,
    note: c.note,
    createdAt: c.created_at ?? undefined,
  };
  const batch = emptyBatch(1);
  batch.customers.push({ line: 0, value: customer });
  return batch;
}
