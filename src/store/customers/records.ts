/**
 * Customer records as the import wrote them: one customer with its tags and identity keys, the
 * ids of a shop's customers, and the log of merges.
 */
import type { Row, SqlValue } from '../engine.js';
import { shopRowsSql } from '../segments/scope.js';
import type { Store } from '../store.js';

/** A customer as stored: profile, consent, tags and identity keys. */
export interface CustomerRecord {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  source: string;
  consent: { email: boolean | null; sms: boolean | null; zalo: boolean | null; messenger: boolean | null };
  referredBy: string | null;
  mergedInto: string | null;
  tags: string[];
  identities: { kind: string; value: string }[];
  createdAt: Date;
}

/** One merge: which record joined which customers, and by which key. */
export interface MergeRecord {
  mergeId: string;
  survivorId: string;
  mergedCustomerId: string | null;
  recordSource: string | null;
  recordRef: string | null;
  matchedKind: string;
  matchedValue: string;
  reason: string;
  importId: string | null;
  mergedAt: Date;
}

/** One customer (merged-away ones too) with its tags and identity keys. */
export async function getCustomer(
  store: Store,
  shopId: string,
  customerId: string,
): Promise<CustomerRecord | undefined> {
  // At once, the row with its tags and keys: on the server's read connections they run side by
  // side (see FanoutReads), and a page waits for one round of reads instead of two.
  const [rows, tags, identities] = await Promise.all([
    customerRows(store, shopId, customerId, 'customers', CUSTOMER_COLUMNS),
    customerRows<{ tag: string }>(store, shopId, customerId, 'customer_tags', 'tag', 'tag'),
    customerRows<{ kind: string; value: string }>(
      store,
      shopId,
      customerId,
      'customer_identities',
      'kind, value',
      'kind, value',
    ),
  ]);
  const row = rows[0];
  if (!row) return undefined;
  return toCustomerRecord(
    row,
    tags.map((t) => t.tag),
    identities,
  );
}

/**
 * One customer's rows of a table, read the way each engine finds them by index rather than by
 * scanning the shop (see `shopRowsSql`): on DuckDB a shop-wide scan costs 2–10 ms a table at
 * 100,000 customers, ten times that at a million.
 */
export function customerRows<T extends Row = Row>(
  store: Store,
  shopId: string,
  customerId: string,
  table: string,
  columns: string,
  orderBy?: string,
): Promise<T[]> {
  const params: SqlValue[] = [shopId];
  // The keys travel with the rows for the comparisons outside the lookup (see shopRowsSql), once.
  const others = columns
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== 'shop_id' && c !== 'customer_id');
  const inner = columns === '*' ? '*' : ['shop_id', 'customer_id', ...others].join(', ');
  const one = { kind: 'inline', ids: [customerId] } as const;
  const rows = shopRowsSql(store.dialect, table, inner, 'customer_id', one, params);
  const order = orderBy ? ` ORDER BY ${orderBy}` : '';
  return store.engine.all<T>(`SELECT ${columns} FROM ${rows} one${order}`, params);
}

/** The live (not merged-away) customer that holds a key. */
export async function findCustomerByKey(
  store: Store,
  shopId: string,
  kind: string,
  value: string,
): Promise<CustomerRecord | undefined> {
  const rows = await store.engine.all<{ customer_id: string }>(
    'SELECT customer_id FROM customer_identities WHERE shop_id = $1 AND kind = $2 AND value = $3',
    [shopId, kind, value],
  );
  const id = rows[0]?.customer_id;
  return id === undefined ? undefined : getCustomer(store, shopId, id);
}

/** Ids of a shop's customers in id order; merged-away ones only when asked for. */
export async function listCustomerIds(
  store: Store,
  shopId: string,
  options: { includeMerged?: boolean } = {},
): Promise<string[]> {
  const rows = await store.engine.all<{ customer_id: string }>(
    `SELECT customer_id FROM customers WHERE shop_id = $1 ${options.includeMerged ? '' : 'AND merged_into IS NULL'}
     ORDER BY customer_id`,
    [shopId],
  );
  return rows.map((r) => r.customer_id);
}

/** The merge log of a shop, oldest first. */
export async function listMerges(store: Store, shopId: string): Promise<MergeRecord[]> {
  const rows = await store.engine.all<{
    merge_id: string;
    survivor_id: string;
    merged_customer_id: string | null;
    record_source: string | null;
    record_ref: string | null;
    matched_kind: string;
    matched_value: string;
    reason: string;
    import_id: string | null;
    merged_at: Date;
  }>('SELECT * FROM customer_merges WHERE shop_id = $1 ORDER BY merge_id', [shopId]);
  return rows.map((r) => ({
    mergeId: r.merge_id,
    survivorId: r.survivor_id,
    mergedCustomerId: r.merged_customer_id,
    recordSource: r.record_source,
    recordRef: r.record_ref,
    matchedKind: r.matched_kind,
    matchedValue: r.matched_value,
    reason: r.reason,
    importId: r.import_id,
    mergedAt: r.merged_at,
  }));
}

/**
 * The columns a CustomerRecord is made of: not `*`, as DuckDB fetches every column of the row it
 * finds (the wide `attributes` and `note` too), at about twice the cost of a narrow lookup.
 */
const CUSTOMER_COLUMNS = `customer_id, first_name, last_name, phone, email, city, source, accepts_email, accepts_sms,
  accepts_zalo, accepts_messenger, referred_by, merged_into, created_at`;

function toCustomerRecord(
  row: Row,
  tags: string[],
  identities: { kind: string; value: string }[],
): CustomerRecord {
  const s = (k: string) => (row[k] as string | null) ?? null;
  const b = (k: string) => (row[k] as boolean | null) ?? null;
  return {
    customerId: row['customer_id'] as string,
    firstName: s('first_name'),
    lastName: s('last_name'),
    phone: s('phone'),
    email: s('email'),
    city: s('city'),
    source: row['source'] as string,
    consent: {
      email: b('accepts_email'),
      sms: b('accepts_sms'),
      zalo: b('accepts_zalo'),
      messenger: b('accepts_messenger'),
    },
    referredBy: s('referred_by'),
    mergedInto: s('merged_into'),
    tags,
    identities,
    createdAt: row['created_at'] as Date,
  };
}
