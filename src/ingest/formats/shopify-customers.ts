/**
 * Shopify's customers export (Admin → Customers → Export, CSV), one customer per row. Columns
 * are found by header name; both the current export ("Customer ID", "Default Address City",
 * "Accepts Email Marketing") and the older one ("City", "Accepts Marketing") are read. Columns
 * Nurture has no field for go into `attributes` under their header name.
 */
import type { Channel, CustomerInput } from '../../domain/model/index.js';
import { readCsvRows } from '../csv.js';
import { emptyBatch, type ParsedBatch, type ReadOptions } from '../records.js';
import {
  amountOf,
  boolOf,
  csvReject,
  emailOf,
  emptyFile,
  Header,
  phoneOf,
  problem,
  Row,
  referenceOf,
  rejectOf,
  shown,
  tagsOf,
  text,
  widthProblem,
} from './fields.js';

/** Where each field comes from: the first header present wins. */
const COLUMNS = {
  id: ['Customer ID', 'Id'],
  firstName: ['First Name'],
  lastName: ['Last Name'],
  email: ['Email'],
  acceptsEmail: ['Accepts Email Marketing', 'Accepts Marketing'],
  acceptsSms: ['Accepts SMS Marketing'],
  phone: ['Phone'],
  addressPhone: ['Default Address Phone'],
  city: ['Default Address City', 'City'],
  province: ['Default Address Province Code', 'Province', 'Province Code'],
  country: ['Default Address Country Code', 'Country Code', 'Country'],
  company: ['Default Address Company', 'Company'],
  address1: ['Default Address Address1', 'Address1'],
  address2: ['Default Address Address2', 'Address2'],
  zip: ['Default Address Zip', 'Zip'],
  totalSpent: ['Total Spent'],
  totalOrders: ['Total Orders'],
  note: ['Note'],
  taxExempt: ['Tax Exempt'],
  tags: ['Tags'],
  referredBy: ['Referred By'],
} as const;

type Field = keyof typeof COLUMNS;
type Columns = Record<Field, number>;

/** Tag that names the referrer: `referred-by:<email, phone or customer id>`. */
const REFERRAL_TAG = 'referred-by:';

class CustomerReader {
  private readonly c: Columns;
  /** Columns Nurture has no field for: kept as attributes under their header. */
  private readonly extras: number[];

  constructor(private readonly header: Header) {
    const c = {} as Columns;
    for (const field of Object.keys(COLUMNS) as Field[]) c[field] = header.find(...COLUMNS[field]);
    this.c = c;
    const known = new Set(Object.values(c));
    this.extras = header.names.map((_, i) => i).filter((i) => !known.has(i));
  }

  read(row: Row): CustomerInput {
    const c = this.c;
    const tags = tagsOf(row.get(c.tags));
    const email = emailOf(row.get(c.email));
    const phone = phoneOf(row.get(c.phone)) ?? phoneOf(row.get(c.addressPhone));
    const externalId = text(row.get(c.id));
    if (email === undefined && phone === undefined && externalId === undefined)
      return problem('Email', 'no customer identity (no customer id, valid email or phone)');
    return {
      source: 'shopify',
      externalId,
      firstName: text(row.get(c.firstName)),
      lastName: text(row.get(c.lastName)),
      phone,
      email,
      city: text(row.get(c.city)),
      province: text(row.get(c.province)),
      country: text(row.get(c.country)),
      consent: this.consentOf(row),
      tags,
      attributes: this.attributesOf(row),
      referredBy: referenceOf(row.get(c.referredBy)) ?? referralFromTags(tags),
      note: text(row.get(c.note)),
      createdAt: undefined,
    };
  }

  private consentOf(row: Row): Partial<Record<Channel, boolean>> {
    const consent: Partial<Record<Channel, boolean>> = {};
    const email = boolOf(row.get(this.c.acceptsEmail), this.header.name(this.c.acceptsEmail));
    const sms = boolOf(row.get(this.c.acceptsSms), this.header.name(this.c.acceptsSms));
    if (email !== undefined) consent.email = email;
    if (sms !== undefined) consent.sms = sms;
    return consent;
  }

  private attributesOf(row: Row): Record<string, unknown> {
    const c = this.c;
    const attributes: Record<string, unknown> = {};
    const put = (key: string, value: unknown) => {
      if (value !== undefined) attributes[key] = value;
    };
    put('company', text(row.get(c.company)));
    put('address1', text(row.get(c.address1)));
    put('address2', text(row.get(c.address2)));
    put('zip', text(row.get(c.zip)));
    put('totalSpent', this.amount(row, c.totalSpent));
    put('totalOrders', this.count(row, c.totalOrders));
    put('taxExempt', boolOf(row.get(c.taxExempt), 'Tax Exempt'));
    for (const i of this.extras) put(this.header.name(i), text(row.get(i)));
    return attributes;
  }

  private amount(row: Row, index: number): string | undefined {
    const raw = row.get(index).trim();
    if (raw === '') return undefined;
    return amountOf(raw) ?? problem(this.header.name(index), `not an amount: ${shown(raw)}`);
  }

  private count(row: Row, index: number): number | undefined {
    const raw = row.get(index).trim();
    if (raw === '') return undefined;
    const n = Number(raw);
    return Number.isInteger(n) && n >= 0 ? n : problem(this.header.name(index), `not a count: ${shown(raw)}`);
  }
}

function referralFromTags(tags: readonly string[]): string | undefined {
  const tag = tags.find((t) => t.toLowerCase().startsWith(REFERRAL_TAG));
  return tag === undefined ? undefined : referenceOf(tag.slice(REFERRAL_TAG.length));
}

export async function* readShopifyCustomers(path: string, options: ReadOptions): AsyncGenerator<ParsedBatch> {
  const batchSize = options.batchSize ?? 4096;
  let reader: CustomerReader | undefined;
  let header: Header | undefined;
  let batch = emptyBatch();
  for await (const chunk of readCsvRows(path, { header: true })) {
    const { rows, problems } = chunk;
    // Unreadable records in file order with the rows, so that those of the first chunk are
    // named by the header read just before them.
    let p = 0;
    const unreadable = (before: number) => {
      for (; p < problems.length && problems[p]!.line < before; p++) {
        batch.rejects.push(csvReject(problems[p]!, header));
        batch.rowsRead++;
      }
    };
    for (let r = 0; r < rows.length; r++) {
      unreadable(rows.line(r));
      const row = new Row(rows, r, rows.line(r));
      if (header === undefined || reader === undefined) {
        header = new Header(rows.fields(r));
        reader = new CustomerReader(header);
        continue;
      }
      batch.rowsRead++;
      try {
        const width = widthProblem(row.width, header);
        if (width !== undefined) throw width;
        batch.customers.push({ line: row.line, value: reader.read(row) });
      } catch (error) {
        batch.rejects.push(rejectOf(error, row.line));
      }
    }
    unreadable(Number.POSITIVE_INFINITY);
    batch.bytesRead = chunk.bytesRead;
    if (batch.customers.length >= batchSize || batch.rejects.length > 0) {
      const rowsRead = batch.rowsRead;
      batch.rejects.sort((a, b) => a.line - b.line);
      yield batch;
      batch = emptyBatch(rowsRead, chunk.bytesRead);
    }
  }
  if (header === undefined) throw emptyFile(path);
  batch.rejects.sort((a, b) => a.line - b.line);
  yield batch;
}
