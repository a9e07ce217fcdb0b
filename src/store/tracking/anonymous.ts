import type { EventInput } from '../../domain/model/index.js';
import { writeEvents } from '../import/events.js';
import type { StagingTable } from '../staging.js';
import { stage } from '../staging.js';
import type { Store } from '../store.js';

const STAGE_ANONYMOUS: StagingTable = {
  name: 'stage_anonymous_ids',
  columns: [{ name: 'anonymous_id', type: 'text' }],
};

export interface AnonymousLinks {
  /** Visitors who said who they are (identify): their anonymous id now belongs to that customer. */
  identified: readonly { anonymousId: string; phone?: string | undefined; email?: string | undefined }[];
  /** Anonymous ids of the events just written. */
  seen: readonly string[];
  now: Date;
}

/**
 * Joins anonymous storefront visitors to customers. An identify records the anonymous id as an
 * identity of the customer holding the phone or e-mail (the first identify of an id wins: a
 * shared device does not move history between people); then every event of a known anonymous
 * id still without a customer gets that customer, the earlier ones included. Run in the
 * transaction that wrote the events.
 */
export async function linkAnonymousIds(tx: Store, shopId: string, links: AnonymousLinks): Promise<number> {
  const db = tx.engine;
  // DuckDB keeps customer_identities without its key (migration 006): every writer checks first.
  for (const who of links.identified) {
    const key = who.phone
      ? { kind: 'phone', value: who.phone }
      : who.email
        ? { kind: 'email', value: who.email }
        : undefined;
    if (!key) continue;
    await db.run(
      `INSERT INTO customer_identities (shop_id, kind, value, customer_id, created_at)
       SELECT shop_id, 'anonymous', CAST($4 AS VARCHAR), customer_id, CAST($5 AS TIMESTAMPTZ) FROM customer_identities
       WHERE shop_id = $1 AND kind = $2 AND value = $3
         AND NOT EXISTS (SELECT 1 FROM customer_identities a WHERE a.shop_id = $1 AND a.kind = 'anonymous' AND a.value = $4)`,
      [shopId, key.kind, key.value, who.anonymousId, links.now],
    );
  }
  const ids = [...new Set([...links.seen, ...links.identified.map((i) => i.anonymousId)])];
  if (ids.length === 0) return 0;
  await stage(db, STAGE_ANONYMOUS, [ids]);
  const known = await db.all<{ n: number }>(
    `SELECT COUNT(*) AS n FROM customer_identities
     WHERE shop_id = $1 AND kind = 'anonymous' AND value IN (SELECT anonymous_id FROM ${STAGE_ANONYMOUS.name})`,
    [shopId],
  );
  if (Number(known[0]?.n ?? 0) === 0) return 0;
  const updated = await db.all<{ event_id: string }>(
    `UPDATE events SET customer_id = ci.customer_id
     FROM customer_identities ci
     WHERE events.shop_id = $1 AND events.customer_id IS NULL
       AND events.anonymous_id IN (SELECT anonymous_id FROM ${STAGE_ANONYMOUS.name})
       AND ci.shop_id = $1 AND ci.kind = 'anonymous' AND ci.value = events.anonymous_id
     RETURNING events.event_id`,
    [shopId],
  );
  return updated.length;
}

/** Whether an event carries nothing that names a customer but its anonymous id. */
export function isAnonymousOnly(e: EventInput): boolean {
  return !e.userId && !e.phone && !e.email;
}

/**
 * Writes storefront events that carry only an anonymous id (most of a shop's traffic) without
 * the import's identity resolution, which has nothing to resolve for them: each gets the
 * customer its anonymous id was identified as, if any, as `linkAnonymousIds` would have given
 * it. Deduplicated by message id as imports are; `fresh`: written as new events, and a message id
 * stored before fails the statement (`isDuplicateKey`) instead. Run in a transaction; returns the
 * events kept.
 */
export async function writeAnonymousEvents(
  tx: Store,
  shopId: string,
  events: readonly EventInput[],
  options: { fresh?: boolean } = {},
): Promise<number> {
  const db = tx.engine;
  const ids = [...new Set(events.flatMap((e) => (e.anonymousId ? [e.anonymousId] : [])))];
  const owners = new Map<string, string>();
  if (ids.length > 0) {
    await stage(db, STAGE_ANONYMOUS, [ids]);
    const rows = await db.all<{ value: string; customer_id: string }>(
      `SELECT value, customer_id FROM customer_identities
       WHERE shop_id = $1 AND kind = 'anonymous' AND value IN (SELECT anonymous_id FROM ${STAGE_ANONYMOUS.name})`,
      [shopId],
    );
    for (const r of rows) owners.set(r.value, r.customer_id);
  }
  return writeEvents(db, shopId, events, (i) => owners.get(events[i]?.anonymousId ?? '') ?? null, options);
}
