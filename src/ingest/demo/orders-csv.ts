/**
 * Rows of the Shopify orders export: one row per line item, the order-level cells on the first
 * row only (later rows repeat Name and Email, as Shopify does, so that rows group by order).
 * Each row is one template literal handed to a RowSink in one call; cells that repeat (titles,
 * vendors, carriers, a customer's addresses) are escaped once and reused.
 */
import { csvEscape } from '../csv.js';
import type { DemoProduct } from './catalog.js';
import { shopifyDate } from './dates.js';
import { type RowSink, StringSink } from './file-writer.js';
import type { DemoCustomer, DemoOrder, PaymentMethod } from './types.js';

/** Shopify orders export columns (one row per line item). */
export const SHOPIFY_ORDER_HEADERS = [
  'Name',
  'Email',
  'Financial Status',
  'Paid at',
  'Fulfillment Status',
  'Fulfilled at',
  'Accepts Marketing',
  'Currency',
  'Subtotal',
  'Shipping',
  'Taxes',
  'Total',
  'Discount Code',
  'Discount Amount',
  'Shipping Method',
  'Created at',
  'Lineitem quantity',
  'Lineitem name',
  'Lineitem price',
  'Lineitem compare at price',
  'Lineitem sku',
  'Lineitem requires shipping',
  'Lineitem taxable',
  'Lineitem fulfillment status',
  'Billing Name',
  'Billing Street',
  'Billing Address1',
  'Billing Address2',
  'Billing Company',
  'Billing City',
  'Billing Zip',
  'Billing Province',
  'Billing Country',
  'Billing Phone',
  'Shipping Name',
  'Shipping Street',
  'Shipping Address1',
  'Shipping Address2',
  'Shipping Company',
  'Shipping City',
  'Shipping Zip',
  'Shipping Province',
  'Shipping Country',
  'Shipping Phone',
  'Notes',
  'Note Attributes',
  'Cancelled at',
  'Payment Method',
  'Payment Reference',
  'Refunded Amount',
  'Vendor',
  'Outstanding Balance',
  'Employee',
  'Location',
  'Device ID',
  'Id',
  'Tags',
  'Risk Level',
  'Source',
  'Lineitem discount',
  'Tax 1 Name',
  'Tax 1 Value',
  'Phone',
  'Receipt Number',
  'Duties',
  'Billing Province Name',
  'Shipping Province Name',
  'Payment ID',
  'Payment Terms Name',
  'Next Payment Due At',
] as const;

const PAYMENT_LABELS: Record<PaymentMethod, string> = {
  cod: 'Cash on Delivery (COD)',
  bank: 'Bank Deposit',
  momo: 'Momo',
};

const NEEDS_QUOTES = /[",\r\n]/;

/** csvEscape that returns the cell itself in the common case, without building a new string. */
export function esc(s: string): string {
  return s !== '' && (NEEDS_QUOTES.test(s) || s.charCodeAt(0) === 32) ? csvEscape(s) : s;
}

/** Per-product cells, escaped once (titles have commas and quotes). */
const productCellCache = new Map<DemoProduct, { title: string; vendor: string }>();
function productCells(p: DemoProduct): { title: string; vendor: string } {
  let c = productCellCache.get(p);
  if (!c) {
    c = { title: esc(p.title), vendor: esc(p.vendor) };
    productCellCache.set(p, c);
  }
  return c;
}

/** Escaped text of a few distinct values (carriers, provinces), computed once each. */
const escapedCache = new Map<string, string>();
function escOnce(s: string): string {
  let e = escapedCache.get(s);
  if (e === undefined) {
    e = esc(s);
    escapedCache.set(s, e);
  }
  return e;
}

/** Cells that depend only on the customer, escaped once per customer. */
interface CustomerCells {
  /** Billing Name … Billing Phone, Shipping Name … Shipping Country, and the comma before Shipping Phone. */
  addresses: string;
  /** Billing Province Name, Shipping Province Name. */
  provinces: string;
  acceptsMarketing: string;
}

/**
 * The last customer's cells. A customer's orders usually come one after another (always from
 * `generateOrdersForRows`), and one remembered entry costs the garbage collector nothing,
 * where a WeakMap over hundreds of thousands of customers costs seconds.
 */
let lastCustomer: DemoCustomer | undefined;
let lastCells: CustomerCells | undefined;

function customerCells(c: DemoCustomer): CustomerCells {
  if (c === lastCustomer && lastCells) return lastCells;
  const a = c.address;
  const street = a.address2 ? `${a.address1}, ${a.address2}` : a.address1;
  const address = `${esc(c.fullName)},${esc(street)},${esc(a.address1)},${esc(a.address2)},,${esc(a.city.city)},${a.zip},${a.city.provinceCode},VN`;
  lastCells = {
    addresses: `${address},${esc(c.addressPhoneField)},${address},`,
    provinces: `${escOnce(a.city.province)},${escOnce(a.city.province)}`,
    acceptsMarketing: c.acceptsEmail ? 'yes' : 'no',
  };
  lastCustomer = c;
  return lastCells;
}

const orderCol = (name: (typeof SHOPIFY_ORDER_HEADERS)[number]): number =>
  SHOPIFY_ORDER_HEADERS.indexOf(name);
const COLUMNS = SHOPIFY_ORDER_HEADERS.length;
// Rows after the first of an order carry the name, e-mail and line-item cells only.
const GAP_AFTER_EMAIL = ','.repeat(orderCol('Lineitem quantity') - 1);
const GAP_TO_VENDOR = ','.repeat(orderCol('Vendor') - orderCol('Lineitem fulfillment status'));
const GAP_TO_LINE_DISCOUNT = ','.repeat(orderCol('Lineitem discount') - orderCol('Vendor'));
const GAP_TO_END = ','.repeat(COLUMNS - 1 - orderCol('Lineitem discount'));

/** Lineitem quantity … Lineitem fulfillment status of line `i`. */
function lineCells(o: DemoOrder, i: number): string {
  const l = o.lines[i]!;
  const compare = l.compareAt === undefined ? '' : `${l.compareAt}.00`;
  const status = o.fulfillmentStatus === 'fulfilled' ? 'fulfilled' : 'pending';
  return `${l.quantity},${productCells(l.product).title},${l.price}.00,${compare},${l.product.sku},true,false,${status}`;
}

/**
 * The first row of an order: every order-level cell and its first line item, in header order
 * (see SHOPIFY_ORDER_HEADERS). Statuses, dates, amounts, ids, e-mails and phones (digits, spaces,
 * + - .) never need quoting.
 */
function firstRow(o: DemoOrder): string {
  const c = customerCells(o.customer);
  // COD not yet collected is outstanding; a cancelled order owes nothing.
  const outstanding = o.financialStatus === 'pending' && o.cancelledAt === undefined ? o.total : 0;
  const ref = o.paidAt !== undefined && o.paymentMethod !== 'cod' ? `c${o.id}.1` : '';
  const tags = o.tags.length === 0 ? '' : esc(o.tags.join(', '));
  return (
    `${o.name},${o.email},${o.financialStatus},${shopifyDate(o.paidAt)},${o.fulfillmentStatus},` +
    `${shopifyDate(o.fulfilledAt)},${c.acceptsMarketing},VND,${o.subtotal}.00,${o.shipping}.00,0.00,` +
    `${o.total}.00,${o.discountCode},${o.discountAmount}.00,${escOnce(o.shippingMethod)},` +
    `${shopifyDate(o.createdAt)},${lineCells(o, 0)},${c.addresses}${o.phone},${esc(o.note)},` +
    `${esc(o.noteAttributes)},${shopifyDate(o.cancelledAt)},${PAYMENT_LABELS[o.paymentMethod]},${ref},` +
    `${o.refunded}.00,${productCells(o.lines[0]!.product).vendor},${outstanding}.00,,,,${o.id},${tags},` +
    `Low,web,0.00,,,${o.phone},,,${c.provinces},${ref},,\n`
  );
}

/** A further line item of an order. */
function nextRow(o: DemoOrder, i: number): string {
  const vendor = productCells(o.lines[i]!.product).vendor;
  return `${o.name},${o.email}${GAP_AFTER_EMAIL}${lineCells(o, i)}${GAP_TO_VENDOR}${vendor}${GAP_TO_LINE_DISCOUNT}0.00${GAP_TO_END}\n`;
}

/** Writes the CSV rows of one order (one per line item). */
export function writeOrderRows(out: RowSink, order: DemoOrder): void {
  out.text(firstRow(order));
  for (let i = 1; i < order.lines.length; i++) out.text(nextRow(order, i));
}

/** The CSV rows of one order as a string. */
export function shopifyOrderRows(order: DemoOrder): string {
  const sink = new StringSink();
  writeOrderRows(sink, order);
  return sink.out;
}
