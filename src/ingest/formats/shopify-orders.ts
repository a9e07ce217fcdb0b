/**
 * Shopify's orders export (Admin → Orders → Export, CSV): one row per line item; the
 * order-level fields are filled on the first row of each order only. Columns are found by
 * header name. This is the hot path of big imports, so rows are validated by hand with column
 * indexes computed once from the header (the zod schemas check the output in tests).
 *
 * Status (first match wins; see docs/import.md):
 * | Cancelled after shipping and never paid, or tagged failed_delivery | failed_delivery |
 * | Cancelled at set, or Financial Status voided / expired | cancelled |
 * | Fulfillment Status restocked                            | returned  |
 * | refunded, and fulfilled or partial                       | returned  |
 * | refunded, not fulfilled                                  | refunded  |
 * | paid / partially_refunded, fulfilled                     | delivered |
 * | paid / partially_refunded, not (fully) fulfilled         | paid      |
 * | pending / authorized / partially_paid / unpaid (COD too) | pending   |
 */

import type { OrderInput, OrderLine, OrderStatus } from '../../domain/model/index.js';
import { compileDateFormat } from '../../domain/time.js';
import type { ParsedBatch, ReadOptions } from '../records.js';
import {
  amountOf,
  type Cells,
  computedMoney,
  emailOf,
  type Header,
  money,
  moneyOr,
  type PaymentMethod,
  paymentMethodOf,
  phoneOf,
  problem,
  quantity,
  type Row,
  RowProblem,
  requireColumns,
  shown,
  tagsOf,
  text,
} from './fields.js';
import { type OrderRowsFormat, readGroupedOrders } from './grouped-orders.js';

export const FINANCIAL_STATUSES = [
  'pending',
  'authorized',
  'partially_paid',
  'paid',
  'partially_refunded',
  'refunded',
  'voided',
  'expired',
  'unpaid',
] as const;
export type FinancialStatus = (typeof FINANCIAL_STATUSES)[number];

/** Fulfilment states; the last four are Shopify's newer fulfilment-order states, read as unfulfilled. */
export const FULFILLMENT_STATUSES = [
  'fulfilled',
  'partial',
  'unfulfilled',
  'restocked',
  'pending',
  'open',
  'scheduled',
  'on_hold',
  'in_progress',
] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

export function isFinancial(s: string): s is FinancialStatus {
  return (FINANCIAL_STATUSES as readonly string[]).includes(s);
}

export function isFulfillment(s: string): s is FulfillmentStatus {
  return (FULFILLMENT_STATUSES as readonly string[]).includes(s);
}

function fulfilmentState(f: FulfillmentStatus): 'fulfilled' | 'partial' | 'none' | 'restocked' {
  switch (f) {
    case 'fulfilled':
      return 'fulfilled';
    case 'partial':
      return 'partial';
    case 'restocked':
      return 'restocked';
    case 'unfulfilled':
    case 'pending':
    case 'open':
    case 'scheduled':
    case 'on_hold':
    case 'in_progress':
      return 'none';
  }
}

/**
 * Our order status from Shopify's financial and fulfilment states. A cash-on-delivery order
 * stays `pending` until the shop marks it paid, even when it is fulfilled: cash not yet
 * collected is not revenue.
 */
export function shopifyOrderStatus(
  financial: FinancialStatus,
  fulfillment: FulfillmentStatus,
  cancelled: boolean,
  tags: readonly string[] = [],
): OrderStatus {
  const shipped = fulfilmentState(fulfillment);
  if (cancelled && (isFailedDeliveryTagged(tags) || (shipped !== 'none' && isUnpaid(financial))))
    return 'failed_delivery';
  if (cancelled) return 'cancelled';
  if (shipped === 'restocked') return 'returned';
  switch (financial) {
    case 'voided':
    case 'expired':
      return 'cancelled';
    case 'refunded':
      return shipped === 'none' ? 'refunded' : 'returned';
    case 'paid':
    case 'partially_refunded':
      return shipped === 'fulfilled' ? 'delivered' : 'paid';
    case 'pending':
    case 'authorized':
    case 'partially_paid':
    case 'unpaid':
      return 'pending';
  }
}

/**
 * Shopify has no status for a failed cash-on-delivery: the shop cancels the order after the
 * parcel comes back unpaid, and often tags it. Both signs are read.
 */
const FAILED_DELIVERY_TAGS = new Set([
  'failed_delivery',
  'failed delivery',
  'giao thất bại',
  'giao that bai',
  'boom hàng',
]);

function isFailedDeliveryTagged(tags: readonly string[]): boolean {
  return tags.some((t) => FAILED_DELIVERY_TAGS.has(t.toLowerCase()));
}

function isUnpaid(financial: FinancialStatus): boolean {
  return (
    financial === 'pending' ||
    financial === 'authorized' ||
    financial === 'unpaid' ||
    financial === 'partially_paid'
  );
}

/** Column indexes, computed once from the header (-1: absent). */
interface Columns {
  name: number;
  id: number;
  email: number;
  phone: number;
  financial: number;
  fulfillment: number;
  paidAt: number;
  cancelledAt: number;
  createdAt: number;
  currency: number;
  subtotal: number;
  shipping: number;
  taxes: number;
  total: number;
  discountCode: number;
  discountAmount: number;
  refunded: number;
  paymentMethod: number;
  gateway: number;
  tags: number;
  qty: number;
  lineName: number;
  linePrice: number;
  lineSku: number;
  billingName: number;
  billingPhone: number;
  billingCity: number;
  billingProvince: number;
  billingCountry: number;
  shippingName: number;
  shippingPhone: number;
  shippingCity: number;
  shippingProvince: number;
  shippingCountry: number;
}

const REQUIRED: ReadonlyArray<readonly string[]> = [
  ['Name'],
  ['Created at'],
  ['Financial Status'],
  ['Total'],
  ['Lineitem quantity'],
  ['Lineitem name'],
  ['Lineitem price'],
];

function columnsOf(h: Header): Columns {
  return {
    name: h.find('Name'),
    id: h.find('Id'),
    email: h.find('Email'),
    phone: h.find('Phone'),
    financial: h.find('Financial Status'),
    fulfillment: h.find('Fulfillment Status'),
    paidAt: h.find('Paid at'),
    cancelledAt: h.find('Cancelled at'),
    createdAt: h.find('Created at'),
    currency: h.find('Currency'),
    subtotal: h.find('Subtotal'),
    shipping: h.find('Shipping'),
    taxes: h.find('Taxes'),
    total: h.find('Total'),
    discountCode: h.find('Discount Code'),
    discountAmount: h.find('Discount Amount'),
    refunded: h.find('Refunded Amount'),
    paymentMethod: h.find('Payment Method'),
    gateway: h.find('Payment Gateway', 'Gateway'),
    tags: h.find('Tags'),
    qty: h.find('Lineitem quantity'),
    lineName: h.find('Lineitem name'),
    linePrice: h.find('Lineitem price'),
    lineSku: h.find('Lineitem sku'),
    billingName: h.find('Billing Name'),
    billingPhone: h.find('Billing Phone'),
    billingCity: h.find('Billing City'),
    billingProvince: h.find('Billing Province Name', 'Billing Province'),
    billingCountry: h.find('Billing Country'),
    shippingName: h.find('Shipping Name'),
    shippingPhone: h.find('Shipping Phone'),
    shippingCity: h.find('Shipping City'),
    shippingProvince: h.find('Shipping Province Name', 'Shipping Province'),
    shippingCountry: h.find('Shipping Country'),
  };
}

const parseDate = compileDateFormat(undefined);

class ShopifyOrderBuilder implements OrderRowsFormat {
  readonly keyColumn = 'Name';
  private readonly c: Columns;

  constructor(
    private readonly header: Header,
    private readonly options: ReadOptions,
  ) {
    this.c = columnsOf(header);
  }

  get keyColumns(): readonly number[] {
    return [this.c.name];
  }

  keyOf(f: Cells): string {
    const v = f.get(this.c.name);
    return v.length > 0 && v.charCodeAt(0) !== 32 && v.charCodeAt(v.length - 1) !== 32 ? v : v.trim();
  }

  build(rows: readonly Row[]): OrderInput {
    const f = rows[0]!;
    const c = this.c;
    const financial = this.financialOf(f);
    const fulfillment = this.fulfillmentOf(f);
    const cancelledAt = this.dateOf(f, c.cancelledAt, false);
    const total = money(f.get(c.total), 'Total');
    const refundedRaw = f.get(c.refunded);
    const refunded =
      refundedRaw === '' ? (financial === 'refunded' ? total : '0') : money(refundedRaw, 'Refunded Amount');
    const method = this.paymentOf(f);
    const lines = this.linesOf(rows);
    const tags = tagsOf(f.get(c.tags));
    return {
      source: 'shopify',
      externalId: text(f.get(c.id)) ?? this.keyOf(f),
      name: this.keyOf(f),
      customer: this.customerOf(f),
      status: shopifyOrderStatus(financial, fulfillment, cancelledAt !== undefined, tags),
      financialStatus: financial,
      fulfillmentStatus: fulfillment,
      paymentMethod: method,
      currency: this.currencyOf(f),
      subtotal:
        f.get(c.subtotal) === ''
          ? computedMoney(sumLines(lines), 'Subtotal', 'the lines')
          : money(f.get(c.subtotal), 'Subtotal'),
      shipping: moneyOr(f.get(c.shipping), 'Shipping', '0'),
      taxes: moneyOr(f.get(c.taxes), 'Taxes', '0'),
      discount: moneyOr(f.get(c.discountAmount), 'Discount Amount', '0'),
      total,
      refunded,
      couponCode: text(f.get(c.discountCode)),
      createdAt: this.dateOf(f, c.createdAt, true)!,
      paidAt: this.dateOf(f, c.paidAt, false),
      cancelledAt,
      tags,
      lines,
    };
  }

  private financialOf(f: Row): FinancialStatus {
    const raw = f.get(this.c.financial);
    const v = raw.trim().toLowerCase();
    if (isFinancial(v)) return v;
    return v === ''
      ? problem('Financial Status', 'Financial Status is empty on the first row of the order')
      : problem('Financial Status', `unknown financial status ${shown(raw)}`);
  }

  private fulfillmentOf(f: Row): FulfillmentStatus {
    const raw = f.get(this.c.fulfillment);
    const v = raw.trim().toLowerCase();
    if (v === '') return 'unfulfilled';
    if (isFulfillment(v)) return v;
    return problem('Fulfillment Status', `unknown fulfillment status ${shown(raw)}`);
  }

  private dateOf(f: Row, index: number, required: boolean): Date | undefined {
    const raw = f.get(index);
    const column = this.header.name(index);
    if (raw === '') return required ? problem(column, `${column} is empty`) : undefined;
    const d = parseDate(raw, this.options.timezone);
    return d ?? problem(column, `bad date ${shown(raw)} (expected like 2024-03-05 14:03:11 +0700)`);
  }

  private paymentOf(f: Row): PaymentMethod | undefined {
    return paymentMethodOf(f.get(this.c.paymentMethod)) ?? paymentMethodOf(f.get(this.c.gateway));
  }

  private currencyOf(f: Row): string {
    const raw = f.get(this.c.currency).trim();
    if (raw === '') return this.options.currency;
    const v = raw.toUpperCase();
    return /^[A-Z]{3}$/.test(v) ? v : problem('Currency', `not a currency code: ${shown(raw)}`);
  }

  private customerOf(f: Row): OrderInput['customer'] {
    const c = this.c;
    const email = emailOf(f.get(c.email));
    const phone =
      phoneOf(f.get(c.phone)) ?? phoneOf(f.get(c.billingPhone)) ?? phoneOf(f.get(c.shippingPhone));
    if (email === undefined && phone === undefined)
      return problem('Email', 'no customer identity (no valid email or phone on the order)');
    return {
      externalId: undefined,
      email,
      phone,
      // An order export does not say which word is the given name: the full name is kept whole.
      firstName: text(f.get(c.billingName)) ?? text(f.get(c.shippingName)),
      lastName: undefined,
      // Where the goods went first, else the billing address.
      city: text(f.get(c.shippingCity)) ?? text(f.get(c.billingCity)),
      province: text(f.get(c.shippingProvince)) ?? text(f.get(c.billingProvince)),
      country: text(f.get(c.shippingCountry)) ?? text(f.get(c.billingCountry)),
    };
  }

  private linesOf(rows: readonly Row[]): OrderLine[] {
    const c = this.c;
    const lines: OrderLine[] = [];
    for (const row of rows) {
      const f = row;
      try {
        const qty = quantity(f.get(c.qty), 'Lineitem quantity');
        const title = text(f.get(c.lineName)) ?? problem('Lineitem name', 'line item has no name');
        const price = money(f.get(c.linePrice), 'Lineitem price');
        // A line edited down to 0 (removed from the order) is left out.
        if (qty > 0)
          lines.push({ sku: text(f.get(c.lineSku)), title, category: undefined, quantity: qty, price });
      } catch (error) {
        if (error instanceof RowProblem && error.line === undefined)
          throw new RowProblem(error.column, error.reason, row.line);
        throw error;
      }
    }
    return lines;
  }
}

/** Sum of price × quantity, exact (cents as integers). */
export function sumLines(lines: readonly OrderLine[]): string {
  let cents = 0n;
  for (const l of lines) cents += toCents(l.price) * BigInt(l.quantity);
  return fromCents(cents);
}

export function toCents(amount: string): bigint {
  const canonical = amountOf(amount) ?? '0';
  const [int = '0', frac = ''] = canonical.replace('-', '').split('.');
  const v = BigInt(int) * 100n + BigInt(frac.padEnd(2, '0') || '0');
  return canonical.startsWith('-') ? -v : v;
}

export function fromCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const int = abs / 100n;
  const frac = abs % 100n;
  const body = frac === 0n ? `${int}` : `${int}.${frac.toString().padStart(2, '0')}`;
  return neg ? `-${body}` : body;
}

export function readShopifyOrders(path: string, options: ReadOptions): AsyncGenerator<ParsedBatch> {
  return readGroupedOrders(path, { batchSize: options.batchSize }, (header) => {
    requireColumns(path, header, REQUIRED);
    return new ShopifyOrderBuilder(header, options);
  });
}
