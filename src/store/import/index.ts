/**
 * The import writer: writes the batches of an import into the store, one set-based statement per
 * table and batch. Each step lives beside its entity in this folder.
 */
import { keyString, resolveIdentities } from '../../domain/identity.js';
import { isOrderColumns, orderColumnsOf } from '../../domain/order-columns.js';
import type { SqlEngine } from '../engine.js';
import { writeCatalogue, writeMarketingCosts } from './catalogue.js';
import { writeCustomers, writeTags } from './customers.js';
import { writeEvents } from './events.js';
import {
  ANY_EXTERNAL,
  customerKeys,
  eventIdentityKeys,
  lookupKnownKeys,
  orderKeys,
  rememberKeys,
  writeIdentities,
} from './identities.js';
import { absorbCustomers, writeMerges } from './merges.js';
import { writeOrders } from './orders.js';
import type { Batch, BatchResult, ImportBatchInput, ImportContext } from './session.js';

export { eventIdentity } from './events.js';
export {
  type BatchResult,
  beginImportSession,
  CustomerProfiles,
  type ImportBatchInput,
  type ImportContext,
  type ImportSession,
} from './session.js';

/**
 * Writes one batch: resolves identities against the store, then upserts customers, identities,
 * tags, orders, lines, products and events with one set-based statement each. Must run inside a
 * transaction (staging tables live on the transaction's connection).
 */
export async function writeImportBatch(
  db: SqlEngine,
  shopId: string,
  input: ImportBatchInput,
  ctx: ImportContext,
): Promise<BatchResult> {
  const batch: Batch = {
    customers: input.customers,
    orders: isOrderColumns(input.orders) ? input.orders : orderColumnsOf(input.orders),
    events: input.events,
  };
  const customerKeyLists = batch.customers.map(customerKeys);
  const orderKeyLists = orderKeys(batch.orders);
  const eventKeys = batch.events.map(eventIdentityKeys);
  const records = [
    ...customerKeyLists,
    ...orderKeyLists,
    ...eventKeys.map((k) => k.filter((key) => key.kind !== ANY_EXTERNAL)),
  ];
  const known = ctx.session.storeHadIdentities
    ? await lookupKnownKeys(db, shopId, records, eventKeys)
    : new Map<string, string>();
  for (const keys of records)
    for (const k of keys) {
      const ks = keyString(k);
      const owner = ctx.session.written.get(ks);
      if (owner !== undefined && !known.has(ks)) known.set(ks, owner);
    }
  for (const keys of eventKeys)
    for (const k of keys) {
      const owner =
        k.kind === ANY_EXTERNAL ? ctx.session.written.get(`${ANY_EXTERNAL}\u0000${k.value}`) : undefined;
      if (owner !== undefined) known.set(keyString(k), owner);
    }
  // An event whose userId is not known must not invent a customer from it.
  const eventRecords = eventKeys.map((keys) =>
    keys.filter((k) => k.kind !== ANY_EXTERNAL || known.has(keyString(k))),
  );
  const identityRecords = [...customerKeyLists, ...orderKeyLists, ...eventRecords].map((keys) => ({ keys }));
  // Events without any identity stay anonymous: the resolver gives them no customer.
  const resolution = resolveIdentities(identityRecords, known, ctx.newCustomerId);
  const nc = batch.customers.length;
  const no = batch.orders.length;
  const customerOf = (i: number): string => resolution.customerOf[i]!;
  const eventCustomer = (i: number): string | null => resolution.customerOf[nc + no + i] ?? null;

  rememberKeys(ctx.session, identityRecords, resolution.customerOf, resolution.absorbed);
  await writeCustomers(db, shopId, batch, resolution.newCustomers, customerOf, eventCustomer, ctx);
  await writeIdentities(db, shopId, identityRecords, known, customerOf, ctx.now);
  await absorbCustomers(db, shopId, resolution.absorbed, ctx.now);
  await writeMerges(db, shopId, resolution.merges, identityRecords.length, batch, ctx);
  await writeTags(db, shopId, batch.customers, customerOf);
  const previousOwners = await writeOrders(db, shopId, batch.orders, (i) => customerOf(nc + i), ctx);
  const events = await writeEvents(db, shopId, batch.events, eventCustomer);
  const catalogue = await writeCatalogue(
    db,
    shopId,
    input.products ?? [],
    ctx.catalogueSource ?? 'catalogue',
    ctx.now,
  );
  const marketingCosts = await writeMarketingCosts(db, shopId, input.marketingCosts ?? []);

  const referrals = batch.customers.flatMap((c, i) =>
    c.referredBy ? [{ customerId: customerOf(i), ref: c.referredBy, source: c.source }] : [],
  );
  return {
    newCustomers: resolution.newCustomers.size,
    merged: resolution.merges.length,
    orders: batch.orders.length,
    events,
    products: catalogue.products,
    marketingCosts,
    referrals,
    customerIds: touchedCustomers(resolution.customerOf, resolution.absorbed, [
      ...previousOwners,
      ...catalogue.customerIds,
    ]),
  };
}

/**
 * The customers whose stats the batch may have changed: those its records resolved to, both sides
 * of each merge, and the previous owners of re-imported orders that now belong to someone else.
 */
function touchedCustomers(
  customerOf: readonly (string | undefined)[],
  absorbed: ReadonlyMap<string, string>,
  previousOwners: readonly string[],
): string[] {
  const ids = new Set<string>(previousOwners);
  for (const id of customerOf) if (id !== undefined) ids.add(id);
  for (const [loser, survivor] of absorbed) ids.add(loser).add(survivor);
  return [...ids];
}
