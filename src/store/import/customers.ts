/** Customer rows and tags of an import batch. */
import type { CustomerInput } from '../../domain/model/index.js';
import type { SqlEngine, SqlValue } from '../engine.js';
import { STAGE_CUSTOMERS, STAGE_TAGS, stage } from '../staging.js';
import type { Batch, CustomerProfiles, ImportContext } from './session.js';
import { columnIndex, columns, ms, push } from './staged-columns.js';

const CUSTOMER_ID = columnIndex(STAGE_CUSTOMERS, 'customer_id');
const AUTHORITATIVE = columnIndex(STAGE_CUSTOMERS, 'authoritative');
const CREATED = columnIndex(STAGE_CUSTOMERS, 'created_ms');
const IS_NEW = columnIndex(STAGE_CUSTOMERS, 'is_new');

/**
 * The customer rows of one batch, one per customer: records of the same customer fold together,
 * later non-empty values winning as they would had they arrived one by one, and the earliest
 * creation time kept.
 */
class StagedCustomers {
  readonly cols = columns(STAGE_CUSTOMERS);
  private readonly rowOf = new Map<string, number>();

  rowOfCustomer(id: string): number | undefined {
    return this.rowOf.get(id);
  }

  get size(): number {
    return this.rowOf.size;
  }

  /** `values` are STAGE_CUSTOMERS' columns after customer_id and before created_ms. */
  put(id: string, isNew: boolean, createdMs: number, values: readonly SqlValue[]): void {
    const cols = this.cols;
    let r = this.rowOf.get(id);
    if (r === undefined) {
      r = this.rowOf.size;
      this.rowOf.set(id, r);
      for (const col of cols) col.push(null);
      cols[CUSTOMER_ID]![r] = id;
      cols[CREATED]![r] = createdMs;
      cols[IS_NEW]![r] = isNew;
    } else cols[CREATED]![r] = Math.min(Number(cols[CREATED]![r]), createdMs);
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (v !== null && v !== undefined) cols[k + 1]![r] = v;
    }
  }

  /** Staged rows of customers the store already has, with the given authoritative flag. */
  existing(authoritative: boolean): number {
    let n = 0;
    const isNew = this.cols[IS_NEW]!;
    const auth = this.cols[AUTHORITATIVE]!;
    for (let r = 0; r < isNew.length; r++) if (isNew[r] === false && auth[r] === authoritative) n++;
    return n;
  }

  /**
   * The columns to stage: every row but the gap-filling ones that would change nothing in the
   * store (see CustomerProfiles), which learns what the kept rows write. Call once, last.
   */
  changes(profiles: CustomerProfiles): SqlValue[][] {
    const cols = this.cols;
    const keep: number[] = [];
    for (let r = 0; r < this.size; r++) {
      const id = cols[CUSTOMER_ID]![r] as string;
      const mask = profileMask(cols, r);
      const created = Number(cols[CREATED]![r]);
      const isNew = cols[IS_NEW]![r] === true;
      if (!isNew && cols[AUTHORITATIVE]![r] === false && profiles.unchanged(id, mask, created)) continue;
      profiles.wrote(id, mask, created, isNew);
      keep.push(r);
    }
    if (keep.length === this.size) return cols;
    this.cols.splice(0, cols.length, ...cols.map((col) => keep.map((r) => col[r] ?? null)));
    return this.cols;
  }
}

const NO_CONSENT_OR_NOTES: readonly null[] = [null, null, null, null, null, null];

/** The profile fields an import writes and an update fills. */
const PROFILE_FIELD_NAMES = [
  'first_name',
  'last_name',
  'phone',
  'email',
  'city',
  'province',
  'country',
  'accepts_email',
  'accepts_sms',
  'accepts_zalo',
  'accepts_messenger',
  'attributes',
  'note',
];
/** PROFILE_FIELD_NAMES as STAGE_CUSTOMERS column indexes. */
const PROFILE_FIELDS = PROFILE_FIELD_NAMES.map((f) => columnIndex(STAGE_CUSTOMERS, f));

/** Bit k set when staged row `r` has a value for PROFILE_FIELDS[k]. */
function profileMask(cols: readonly SqlValue[][], r: number): number {
  let mask = 0;
  for (let k = 0; k < PROFILE_FIELDS.length; k++) {
    const v = cols[PROFILE_FIELDS[k]!]![r];
    if (v !== null && v !== undefined) mask |= 1 << k;
  }
  return mask;
}

/**
 * Writes the batch's customer rows: inserts the customers it created, and updates the known ones
 * (a customers export overwrites profile fields, an order or event only fills empty ones).
 */
export async function writeCustomers(
  db: SqlEngine,
  shopId: string,
  batch: Batch,
  created: ReadonlySet<string>,
  customerOf: (i: number) => string,
  eventCustomer: (i: number) => string | null,
  ctx: ImportContext,
): Promise<void> {
  const now = ctx.now;
  const staged = new StagedCustomers();
  batch.customers.forEach((c, i) => {
    const id = customerOf(i);
    staged.put(id, created.has(id), ms(c.createdAt) ?? now.getTime(), [
      true,
      c.firstName ?? null,
      c.lastName ?? null,
      c.phone ?? null,
      c.email ?? null,
      c.city ?? null,
      c.province ?? null,
      c.country ?? null,
      c.source,
      c.consent.email ?? null,
      c.consent.sms ?? null,
      c.consent.zalo ?? null,
      c.consent.messenger ?? null,
      Object.keys(c.attributes).length ? JSON.stringify(c.attributes) : null,
      c.note ?? null,
    ]);
  });
  // Buyers met only through orders or events: fill what the store does not know yet.
  const offset = batch.customers.length;
  const fromCustomersFile = staged.size;
  const o = batch.orders;
  for (let i = 0; i < o.length; i++) {
    const id = customerOf(offset + i);
    const row = staged.rowOfCustomer(id);
    if (row !== undefined && row < fromCustomersFile) continue;
    staged.put(id, created.has(id), o.createdMs[i]!, [
      false,
      o.firstName[i] ?? null,
      o.lastName[i] ?? null,
      o.phone[i] ?? null,
      o.email[i] ?? null,
      o.city[i] ?? null,
      o.province[i] ?? null,
      o.country[i] ?? null,
      o.source[i]!,
      ...NO_CONSENT_OR_NOTES,
    ]);
  }
  batch.events.forEach((e, i) => {
    const id = eventCustomer(i);
    if (id === null || staged.rowOfCustomer(id) !== undefined || !created.has(id)) return;
    const profile = [false, null, null, e.phone ?? null, e.email ?? null, null, null, null, 'web'];
    staged.put(id, true, e.timestamp.getTime(), profile);
  });
  const cols = staged.changes(ctx.session.profiles);
  if (cols[0]!.length === 0) return;
  await stage(db, STAGE_CUSTOMERS, cols);
  const fields = PROFILE_FIELD_NAMES;
  const list = fields.join(', ');
  if (created.size > 0)
    await db.run(
      `INSERT INTO customers (shop_id, customer_id, ${list}, source, created_at, updated_at)
       SELECT $1, customer_id, ${list}, source, to_timestamp(created_ms / 1000.0), $2
       FROM stage_customers WHERE is_new`,
      [shopId, now],
    );
  // A customers export is authoritative for profile fields; an order only fills the gaps.
  // Either way a row is written only when something changes, so a re-import writes nothing.
  // A first import finds no customer in the store, and skips both statements.
  for (const authoritative of [true, false]) {
    if (staged.existing(authoritative) === 0) continue;
    const value = (f: string) =>
      authoritative ? `COALESCE(s.${f}, customers.${f})` : `COALESCE(customers.${f}, s.${f})`;
    const changed = fields.map((f) => `customers.${f} IS DISTINCT FROM ${value(f)}`).join(' OR ');
    await db.run(
      `UPDATE customers SET ${fields.map((f) => `${f} = ${value(f)}`).join(', ')},
         created_at = LEAST(customers.created_at, to_timestamp(s.created_ms / 1000.0)), updated_at = $2
       FROM stage_customers s
       WHERE customers.shop_id = $1 AND customers.customer_id = s.customer_id AND s.authoritative = $3
         AND NOT s.is_new
         AND (${changed} OR customers.created_at > to_timestamp(s.created_ms / 1000.0))`,
      [shopId, now, authoritative],
    );
  }
}

/** Adds the tags of the batch's customer records (tags are only ever added by an import). */
export async function writeTags(
  db: SqlEngine,
  shopId: string,
  customers: readonly CustomerInput[],
  customerOf: (i: number) => string,
): Promise<void> {
  const cols = columns(STAGE_TAGS);
  customers.forEach((c, i) => {
    for (const tag of c.tags) push(cols, [customerOf(i), tag]);
  });
  if (cols[0]!.length === 0) return;
  await stage(db, STAGE_TAGS, cols);
  await db.run(
    `INSERT INTO customer_tags (shop_id, customer_id, tag) SELECT DISTINCT $1, customer_id, tag FROM stage_tags
     ON CONFLICT (shop_id, customer_id, tag) DO NOTHING`,
    [shopId],
  );
}
