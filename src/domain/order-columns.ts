/**
 * Orders as columns (a struct of arrays) instead of one object per order: the form in which a
 * parse worker hands a batch to the writer (see src/ingest/batch-wire.ts) and in which the writer
 * stages orders. At a million rows an object per order, per customer and per line costs more in
 * allocation and garbage collection than the values themselves.
 */
import type { OrderInput } from './model/index.js';

/** An optional text value; absent is undefined, never ''. */
export type OptText = string | undefined;

export interface OrderColumns {
  length: number;
  source: string[];
  externalId: string[];
  name: OptText[];
  customerExternalId: OptText[];
  phone: OptText[];
  email: OptText[];
  firstName: OptText[];
  lastName: OptText[];
  city: OptText[];
  province: OptText[];
  country: OptText[];
  status: string[];
  financialStatus: OptText[];
  fulfillmentStatus: OptText[];
  paymentMethod: OptText[];
  currency: string[];
  subtotal: string[];
  shipping: string[];
  taxes: string[];
  discount: string[];
  total: string[];
  refunded: string[];
  couponCode: OptText[];
  /** Tags joined with ', ', as stored; undefined when there are none. */
  tags: OptText[];
  /** Epoch milliseconds; NaN when absent. */
  createdMs: Float64Array;
  paidMs: Float64Array;
  cancelledMs: Float64Array;
  /** The lines of order i are lineStart[i] … lineStart[i + 1] - 1 (length + 1 entries). */
  lineStart: Int32Array;
  lineSku: OptText[];
  lineTitle: string[];
  lineCategory: OptText[];
  lineQuantity: Float64Array;
  linePrice: string[];
}

/** The text columns, by whether every order (or line) has a value: for codecs and builders. */
export const REQUIRED_TEXT_KEYS = [
  'source',
  'externalId',
  'status',
  'currency',
  'subtotal',
  'shipping',
  'taxes',
  'discount',
  'total',
  'refunded',
  'lineTitle',
  'linePrice',
] as const satisfies readonly (keyof OrderColumns)[];

export const OPTIONAL_TEXT_KEYS = [
  'name',
  'customerExternalId',
  'phone',
  'email',
  'firstName',
  'lastName',
  'city',
  'province',
  'country',
  'financialStatus',
  'fulfillmentStatus',
  'paymentMethod',
  'couponCode',
  'tags',
  'lineSku',
  'lineCategory',
] as const satisfies readonly (keyof OrderColumns)[];

export type RequiredTextKey = (typeof REQUIRED_TEXT_KEYS)[number];
export type OptionalTextKey = (typeof OPTIONAL_TEXT_KEYS)[number];

/** Builds OrderColumns order by order (typed arrays grow as needed). */
export class OrderColumnsBuilder {
  private readonly req = textColumns<RequiredTextKey, string>(REQUIRED_TEXT_KEYS);
  private readonly opt = textColumns<OptionalTextKey, OptText>(OPTIONAL_TEXT_KEYS);
  private created = new Float64Array(1024);
  private paid = new Float64Array(1024);
  private cancelled = new Float64Array(1024);
  private lineStart = new Int32Array(1025);
  private quantity = new Float64Array(1024);
  private orders = 0;
  private lines = 0;

  get length(): number {
    return this.orders;
  }

  push(o: OrderInput): void {
    const { req, opt } = this;
    const i = this.orders;
    if (i + 1 >= this.created.length) this.growOrders();
    req.source.push(o.source);
    req.externalId.push(o.externalId);
    opt.name.push(o.name);
    const c = o.customer;
    opt.customerExternalId.push(c.externalId);
    opt.phone.push(c.phone);
    opt.email.push(c.email);
    opt.firstName.push(c.firstName);
    opt.lastName.push(c.lastName);
    opt.city.push(c.city);
    opt.province.push(c.province);
    opt.country.push(c.country);
    req.status.push(o.status);
    opt.financialStatus.push(o.financialStatus);
    opt.fulfillmentStatus.push(o.fulfillmentStatus);
    opt.paymentMethod.push(o.paymentMethod);
    req.currency.push(o.currency);
    req.subtotal.push(o.subtotal);
    req.shipping.push(o.shipping);
    req.taxes.push(o.taxes);
    req.discount.push(o.discount);
    req.total.push(o.total);
    req.refunded.push(o.refunded);
    opt.couponCode.push(o.couponCode);
    opt.tags.push(o.tags.length > 0 ? o.tags.join(', ') : undefined);
    this.created[i] = o.createdAt.getTime();
    this.paid[i] = o.paidAt ? o.paidAt.getTime() : Number.NaN;
    this.cancelled[i] = o.cancelledAt ? o.cancelledAt.getTime() : Number.NaN;
    for (const l of o.lines) {
      if (this.lines >= this.quantity.length) this.quantity = grown(this.quantity, this.quantity.length * 2);
      opt.lineSku.push(l.sku);
      req.lineTitle.push(l.title);
      opt.lineCategory.push(l.category);
      req.linePrice.push(l.price);
      this.quantity[this.lines++] = l.quantity;
    }
    this.orders = i + 1;
    this.lineStart[i + 1] = this.lines;
  }

  private growOrders(): void {
    const n = this.created.length * 2;
    this.created = grown(this.created, n);
    this.paid = grown(this.paid, n);
    this.cancelled = grown(this.cancelled, n);
    this.lineStart = grown(this.lineStart, n + 1);
  }

  build(): OrderColumns {
    return {
      ...this.req,
      ...this.opt,
      length: this.orders,
      createdMs: this.created.slice(0, this.orders),
      paidMs: this.paid.slice(0, this.orders),
      cancelledMs: this.cancelled.slice(0, this.orders),
      lineStart: this.lineStart.slice(0, this.orders + 1),
      lineQuantity: this.quantity.slice(0, this.lines),
    };
  }
}

function textColumns<K extends string, V>(keys: readonly K[]): Record<K, V[]> {
  const out: Partial<Record<K, V[]>> = {};
  for (const k of keys) out[k] = [];
  return out as Record<K, V[]>;
}

function grown<T extends Float64Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/** The columns of some orders. */
export function orderColumnsOf(orders: readonly OrderInput[]): OrderColumns {
  const b = new OrderColumnsBuilder();
  for (const o of orders) b.push(o);
  return b.build();
}

/** Tells OrderColumns from an array of orders. */
export function isOrderColumns(orders: readonly OrderInput[] | OrderColumns): orders is OrderColumns {
  return !Array.isArray(orders);
}

/** Byte order of UTF-8 text: how both engines sort text (PostgreSQL told so by COLLATE "C"). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Each order's `orders.line_categories` (migration 008): its lines' distinct categories in byte
 * order, each between separators (`|beauty|coffee|`), or null when no line has one.
 */
export function orderLineCategories(orders: OrderColumns): (string | null)[] {
  const out: (string | null)[] = [];
  for (let i = 0; i < orders.length; i++) {
    const set = new Set<string>();
    for (let l = orders.lineStart[i]!; l < orders.lineStart[i + 1]!; l++) {
      const category = orders.lineCategory[l];
      if (category !== undefined) set.add(category);
    }
    out.push(set.size === 0 ? null : `|${[...set].sort(compareUtf8).join('|')}|`);
  }
  return out;
}
