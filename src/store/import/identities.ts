/**
 * Identity keys of an import batch: which keys each record brings, which of them the store
 * already knows, and the new ones it must learn.
 */
import { type IdentityKey, identityKey, keyString } from '../../domain/identity.js';
import type { CustomerInput, EventInput } from '../../domain/model/index.js';
import type { OrderColumns } from '../../domain/order-columns.js';
import type { SqlEngine } from '../engine.js';
import { STAGE_IDENTITIES, STAGE_KEYS, stage } from '../staging.js';
import type { ImportSession } from './session.js';
import { columns, push } from './staged-columns.js';

/** Keys that point at customers not created from a record of their own (events' userId). */
export const ANY_EXTERNAL = 'external:*';

/** Remembers which customer each key of the batch now names, for the import's later batches. */
export function rememberKeys(
  session: ImportSession,
  records: readonly { keys: readonly IdentityKey[] }[],
  customerOf: readonly (string | undefined)[],
  absorbed: ReadonlyMap<string, string>,
): void {
  records.forEach((r, i) => {
    const id = customerOf[i];
    if (id === undefined) return;
    for (const k of r.keys) {
      if (k.kind === ANY_EXTERNAL) continue;
      session.written.set(keyString(k), id);
      // An event's userId may name this customer by any external id.
      if (k.kind.startsWith('external:')) session.written.set(`${ANY_EXTERNAL}\u0000${k.value}`, id);
    }
  });
  if (absorbed.size > 0)
    for (const [ks, id] of session.written) {
      const survivor = absorbed.get(id);
      if (survivor !== undefined) session.written.set(ks, survivor);
    }
}

/** The identity keys of a customer record. */
export function customerKeys(c: CustomerInput): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (c.externalId) keys.push(identityKey(`external:${c.source}`, c.externalId));
  if (c.phone) keys.push(identityKey('phone', c.phone));
  if (c.email) keys.push(identityKey('email', c.email));
  return keys;
}

/** The buyer's keys of every order. */
export function orderKeys(orders: OrderColumns): IdentityKey[][] {
  const out: IdentityKey[][] = [];
  for (let i = 0; i < orders.length; i++) {
    const keys: IdentityKey[] = [];
    const externalId = orders.customerExternalId[i];
    const phone = orders.phone[i];
    const email = orders.email[i];
    if (externalId) keys.push(identityKey(`external:${orders.source[i]}`, externalId));
    if (phone) keys.push(identityKey('phone', phone));
    if (email) keys.push(identityKey('email', email));
    out.push(keys);
  }
  return out;
}

/** The identity keys of an event; its userId may be any external id, or our customer id. */
export function eventIdentityKeys(e: EventInput): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (e.userId) keys.push(identityKey(ANY_EXTERNAL, e.userId));
  if (e.phone) keys.push(identityKey('phone', e.phone));
  if (e.email) keys.push(identityKey('email', e.email));
  return keys;
}

/** Loads the batch's keys into staging and returns those the store already knows. */
export async function lookupKnownKeys(
  db: SqlEngine,
  shopId: string,
  records: readonly IdentityKey[][],
  eventKeys: readonly IdentityKey[][],
): Promise<Map<string, string>> {
  const seen = new Set<string>();
  const kinds: string[] = [];
  const values: string[] = [];
  for (const keys of records)
    for (const k of keys) {
      const ks = keyString(k);
      if (seen.has(ks)) continue;
      seen.add(ks);
      kinds.push(k.kind);
      values.push(k.value);
    }
  const userIds = [...new Set(eventKeys.flatMap((keys) => keys.filter((k) => k.kind === ANY_EXTERNAL)))];
  for (const k of userIds) {
    kinds.push(ANY_EXTERNAL);
    values.push(k.value);
  }
  const known = new Map<string, string>();
  if (kinds.length === 0) return known;
  await stage(db, STAGE_KEYS, [kinds, values]);
  const exact = await db.all<{ kind: string; value: string; customer_id: string }>(
    `SELECT i.kind, i.value, i.customer_id FROM customer_identities i
     JOIN stage_keys s ON s.kind = i.kind AND s.value = i.value
     WHERE i.shop_id = $1`,
    [shopId],
  );
  for (const r of exact) known.set(keyString(r), r.customer_id);
  // An event's userId is our customer id or an external id in any source.
  const byUserId = await db.all<{ value: string; customer_id: string }>(
    `SELECT s.value, MIN(COALESCE(i.customer_id, c.customer_id)) AS customer_id
     FROM stage_keys s
     LEFT JOIN customer_identities i ON i.shop_id = $1 AND i.kind LIKE 'external:%' AND i.value = s.value
     LEFT JOIN customers c ON c.shop_id = $1 AND c.customer_id = s.value
     WHERE s.kind = $2 AND (i.customer_id IS NOT NULL OR c.customer_id IS NOT NULL)
     GROUP BY s.value`,
    [shopId, ANY_EXTERNAL],
  );
  for (const r of byUserId) known.set(keyString({ kind: ANY_EXTERNAL, value: r.value }), r.customer_id);
  return known;
}

/** Adds the keys the store did not know; known keys of absorbed customers move in absorbCustomers. */
export async function writeIdentities(
  db: SqlEngine,
  shopId: string,
  records: readonly { keys: readonly IdentityKey[] }[],
  known: ReadonlyMap<string, string>,
  customerOf: (i: number) => string,
  now: Date,
): Promise<void> {
  const cols = columns(STAGE_IDENTITIES);
  const seen = new Set<string>();
  records.forEach((r, i) => {
    for (const k of r.keys) {
      if (k.kind === ANY_EXTERNAL) continue;
      const ks = keyString(k);
      if (seen.has(ks) || known.has(ks)) continue;
      seen.add(ks);
      push(cols, [k.kind, k.value, customerOf(i)]);
    }
  });
  if (cols[0]!.length === 0) return;
  await stage(db, STAGE_IDENTITIES, cols);
  await db.run(
    `INSERT INTO customer_identities (shop_id, kind, value, customer_id, created_at)
     SELECT $1, kind, value, customer_id, $2 FROM stage_identities`,
    [shopId, now],
  );
}
