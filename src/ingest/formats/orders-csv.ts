/**
 * Any order export (Haravan, Shopee, Lazada, TikTok Shop, a spreadsheet) read through a mapping
 * (see mapping.ts and docs/import.md). Rows of one order sit next to each other and share the
 * order id; order fields are read from the first row, `line.*` fields from every row.
 */
import type { OrderInput, OrderLine, OrderStatus } from '../../domain/model/index.js';
import { compileDateFormat, type DateParser } from '../../domain/time.js';
import { NurtureError } from '../../errors.js';
import type { ParsedBatch, ReadOptions } from '../records.js';
import {
  type Cells,
  computedMoney,
  emailOf,
  type Header,
  money,
  type PaymentMethod,
  paymentMethodOf,
  phoneOf,
  problem,
  quantity,
  type Row,
  RowProblem,
  shown,
  tagsOf,
  text,
} from './fields.js';
import { type OrderRowsFormat, readGroupedOrders } from './grouped-orders.js';
import {
  loadMapping,
  MAPPING_FIELDS,
  type Mapping,
  type MappingField,
  StatusTable,
  valueKey,
} from './mapping.js';
import { fromCents, toCents } from './shopify-orders.js';

/** Column indexes per field, in mapping order; the first non-empty cell wins. */
type FieldColumns = Record<MappingField, number[]>;

function fieldColumns(mapping: Mapping, header: Header): FieldColumns {
  const out = Object.fromEntries(MAPPING_FIELDS.map((f) => [f, [] as number[]])) as FieldColumns;
  for (const [column, field] of Object.entries(mapping.columns)) {
    const index = header.find(column);
    if (index >= 0) out[field].push(index);
  }
  return out;
}

/** Fields the file must have a column for (the mapping may list several candidates for each). */
function checkColumns(path: string, mapping: Mapping, cols: FieldColumns): void {
  const need: MappingField[] = [
    'order.id',
    'order.createdAt',
    ...(mapping.status.fields ?? ['order.status']),
  ];
  const missing = need.filter((f) => cols[f].length === 0);
  const identity = cols['customer.id'].length + cols['customer.phone'].length + cols['customer.email'].length;
  const amounts = cols['order.total'].length + cols['line.price'].length + cols['line.total'].length;
  const lines = cols['line.title'].length + cols['line.sku'].length;
  const reasons = missing.map((f) => `no column for ${f} (${columnsOf(mapping, f)})`);
  if (identity === 0) reasons.push('no column for customer.id, customer.phone or customer.email');
  if (amounts === 0) reasons.push('no column for order.total, line.price or line.total');
  // The amounts are in the lines only, and no line can be read: every order would total 0.
  else if (cols['order.total'].length === 0 && lines === 0)
    reasons.push(
      `no column for line.title or line.sku (${columnsOf(mapping, 'line.title')}; ${columnsOf(mapping, 'line.sku')}): the lines, which hold the amounts, cannot be read`,
    );
  if (reasons.length > 0)
    throw new NurtureError(
      'invalid_file',
      `${path}: the file does not fit the mapping${mapping.name ? ` "${mapping.name}"` : ''}: ${reasons.join('; ')}`,
      reasons.map((reason) => ({ file: path, line: 1, reason })),
    );
}

function columnsOf(mapping: Mapping, field: MappingField): string {
  const names = Object.entries(mapping.columns)
    .filter(([, f]) => f === field)
    .map(([c]) => `"${c}"`);
  return names.length > 0 ? `expected ${names.join(' or ')}` : 'not mapped';
}

class MappedOrderBuilder implements OrderRowsFormat {
  readonly keyColumn: string;
  private readonly cols: FieldColumns;
  private readonly status: StatusTable;
  private readonly statusFields: readonly MappingField[];
  private readonly payments: Map<string, PaymentMethod>;
  private readonly parseDate: DateParser;
  private readonly timezone: string;
  private readonly currency: string;

  constructor(
    private readonly mapping: Mapping,
    private readonly header: Header,
    options: ReadOptions,
    path: string,
  ) {
    this.cols = fieldColumns(mapping, header);
    checkColumns(path, mapping, this.cols);
    this.keyColumn = header.name(this.cols['order.id'][0]!);
    this.status = new StatusTable(mapping.status.values);
    this.statusFields = mapping.status.fields ?? ['order.status'];
    this.payments = new Map(Object.entries(mapping.paymentMethods ?? {}).map(([k, v]) => [valueKey(k), v]));
    this.parseDate = compileDateFormat(mapping.dateFormat);
    this.timezone = mapping.timezone ?? options.timezone;
    this.currency = mapping.currency ?? options.currency;
  }

  get keyColumns(): readonly number[] {
    return this.cols['order.id'];
  }

  keyOf(row: Cells): string {
    return this.value(row, 'order.id')?.trim() ?? '';
  }

  build(rows: readonly Row[]): OrderInput {
    const first = rows[0]!;
    const lines = this.linesOf(rows);
    const subtotal =
      this.amount(first, 'order.subtotal') ??
      computedMoney(sumLineAmounts(lines), this.columnName('order.subtotal'), 'the lines');
    const shipping = this.amount(first, 'order.shipping') ?? '0';
    const taxes = this.amount(first, 'order.taxes') ?? '0';
    const discount = this.amount(first, 'order.discount') ?? '0';
    const total =
      this.amount(first, 'order.total') ??
      computedMoney(
        fromCents(toCents(subtotal) + toCents(shipping) + toCents(taxes) - toCents(discount)),
        this.columnName('order.total'),
        'subtotal, shipping and taxes',
      );
    const status = this.statusOf(first);
    const refunded = this.amount(first, 'order.refunded') ?? (status === 'refunded' ? total : '0');
    return {
      source: this.mapping.source,
      externalId: this.keyOf(first),
      name: text(this.value(first, 'order.name')),
      customer: this.customerOf(first),
      status,
      financialStatus: text(this.value(first, 'order.financialStatus')),
      fulfillmentStatus: text(this.value(first, 'order.fulfillmentStatus')),
      paymentMethod: this.paymentOf(first),
      currency: this.currencyOf(first),
      subtotal,
      shipping,
      taxes,
      discount,
      total: total.startsWith('-')
        ? problem(this.columnName('order.total'), 'the order total comes out negative')
        : total,
      refunded,
      couponCode: text(this.value(first, 'order.coupon')),
      createdAt:
        this.date(first, 'order.createdAt') ??
        problem(this.columnName('order.createdAt'), 'order date is empty'),
      paidAt: this.date(first, 'order.paidAt'),
      cancelledAt: this.date(first, 'order.cancelledAt'),
      tags: tagsOf(this.value(first, 'order.tags')),
      lines,
    };
  }

  /** The first non-empty cell of the field's columns, or undefined. */
  private value(row: Cells, field: MappingField): string | undefined {
    for (const index of this.cols[field]) {
      const v = row.get(index);
      if (v !== '' && v.trim() !== '') return v;
    }
    return undefined;
  }

  /** Header of the column that fed a field in this row (for rejects). */
  private columnName(field: MappingField, row?: Row): string {
    const cols = this.cols[field];
    const index = (row && cols.find((i) => row.get(i).trim() !== '')) ?? cols[0];
    return index === undefined ? field : this.header.name(index);
  }

  private amount(row: Row, field: MappingField): string | undefined {
    const raw = this.value(row, field);
    return raw === undefined ? undefined : money(raw.trim(), this.columnName(field, row));
  }

  private date(row: Row, field: MappingField): Date | undefined {
    const raw = this.value(row, field);
    if (raw === undefined) return undefined;
    const d = this.parseDate(raw, this.timezone);
    const expected = this.mapping.dateFormat ?? 'ISO 8601, e.g. 2024-03-05 14:03:11';
    return d ?? problem(this.columnName(field, row), `bad date ${shown(raw)} (expected ${expected})`);
  }

  private statusOf(row: Row): OrderStatus {
    const parts = this.statusFields.map((f) => this.value(row, f) ?? '');
    const hit = this.status.lookup(parts);
    if (hit !== undefined) return hit;
    if (this.mapping.status.default !== undefined) return this.mapping.status.default;
    const shownValue = parts.filter((p) => p.trim() !== '').join(' / ');
    return problem(
      this.columnName(this.statusFields[0]!, row),
      shownValue === ''
        ? 'status is empty'
        : `unknown status ${shown(shownValue)} (add it to status.values in the mapping)`,
    );
  }

  private paymentOf(row: Row): PaymentMethod | undefined {
    const raw = this.value(row, 'order.paymentMethod');
    if (raw === undefined) return undefined;
    return this.payments.get(valueKey(raw)) ?? paymentMethodOf(raw);
  }

  private currencyOf(row: Row): string {
    const raw = this.value(row, 'order.currency')?.trim();
    if (raw === undefined) return this.currency;
    const v = raw.toUpperCase();
    return /^[A-Z]{3}$/.test(v)
      ? v
      : problem(this.columnName('order.currency', row), `not a currency code: ${shown(raw)}`);
  }

  private customerOf(row: Row): OrderInput['customer'] {
    const externalId = text(this.value(row, 'customer.id'));
    const phone = phoneOf(this.value(row, 'customer.phone'));
    const email = emailOf(this.value(row, 'customer.email'));
    if (externalId === undefined && phone === undefined && email === undefined)
      return problem(
        this.columnName('customer.phone', row),
        'no customer identity (no customer id, valid phone or email)',
      );
    const fullName = text(this.value(row, 'customer.name'));
    return {
      externalId,
      phone,
      email,
      firstName: text(this.value(row, 'customer.firstName')) ?? fullName,
      lastName: text(this.value(row, 'customer.lastName')),
      city: text(this.value(row, 'customer.city')),
      province: text(this.value(row, 'customer.province')),
      country: text(this.value(row, 'customer.country')),
    };
  }

  private linesOf(rows: readonly Row[]): OrderLine[] {
    const hasLines = this.cols['line.title'].length + this.cols['line.sku'].length > 0;
    if (!hasLines) return [];
    const lines: OrderLine[] = [];
    for (const row of rows) {
      try {
        const line = this.lineOf(row);
        if (line !== undefined) lines.push(line);
      } catch (error) {
        if (error instanceof RowProblem && error.line === undefined)
          throw new RowProblem(error.column, error.reason, row.line);
        throw error;
      }
    }
    return lines;
  }

  /** One line; a line with quantity 0 is left out. */
  private lineOf(row: Row): OrderLine | undefined {
    const sku = text(this.value(row, 'line.sku'));
    const title = text(this.value(row, 'line.title')) ?? sku;
    if (title === undefined)
      return problem(this.columnName('line.title', row), 'line has no product name or SKU');
    const qtyRaw = this.value(row, 'line.quantity');
    const qty = qtyRaw === undefined ? 1 : quantity(qtyRaw.trim(), this.columnName('line.quantity', row));
    if (qty === 0) return undefined;
    const price = this.amount(row, 'line.price') ?? this.unitPrice(row, qty);
    return { sku, title, category: text(this.value(row, 'line.category')), quantity: qty, price };
  }

  /** Unit price from a line total; a total that does not divide evenly is rounded to cents. */
  private unitPrice(row: Row, qty: number): string {
    const total = this.amount(row, 'line.total');
    if (total === undefined) return problem(this.columnName('line.price', row), 'line has no price');
    const cents = toCents(total);
    return fromCents((cents + BigInt(qty) / 2n) / BigInt(qty));
  }
}

function sumLineAmounts(lines: readonly OrderLine[]): string {
  let cents = 0n;
  for (const l of lines) cents += toCents(l.price) * BigInt(l.quantity);
  return fromCents(cents);
}

export async function* readOrdersCsv(path: string, options: ReadOptions): AsyncGenerator<ParsedBatch> {
  if (options.mappingFile === undefined)
    throw new NurtureError(
      'invalid_input',
      'orders-csv needs --mapping (haravan, shopee, lazada, tiktok, or a .json/.yaml mapping file)',
    );
  const mapping = await loadMapping(options.mappingFile);
  yield* readGroupedOrders(path, { delimiter: mapping.delimiter, batchSize: options.batchSize }, (header) => {
    return new MappedOrderBuilder(mapping, header, options, path);
  });
}
