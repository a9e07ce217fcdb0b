/**
 * The state of one import across its batches, and the shapes a batch comes in and goes out as.
 */
import type {
  CustomerInput,
  EventInput,
  MarketingCost,
  OrderInput,
  Product,
} from '../../domain/model/index.js';
import type { OrderColumns } from '../../domain/order-columns.js';
import type { SqlEngine } from '../engine.js';

/** Records of one import batch, already validated by a format reader. */
export interface ImportBatchInput {
  customers: readonly CustomerInput[];
  /** Orders as objects, or as columns (what a parse worker sends: no object per order). */
  orders: readonly OrderInput[] | OrderColumns;
  events: readonly EventInput[];
  /** Catalogue entries (one per SKU) of a catalogue import. */
  products?: readonly Product[];
  marketingCosts?: readonly MarketingCost[];
}

/** A batch with its orders as columns: the form every step below reads. */
export interface Batch {
  customers: readonly CustomerInput[];
  orders: OrderColumns;
  events: readonly EventInput[];
}

/**
 * State carried across the batches of one import. What the store held when the import began
 * decides whether a batch must look keys and orders up at all: a first import into an empty
 * shop never has to, and keys written by earlier batches are remembered here.
 */
export interface ImportSession {
  storeHadIdentities: boolean;
  storeHadOrders: boolean;
  /** keyString → customer id for keys written by this import. */
  written: Map<string, string>;
  /** SKUs this import has already offered to the catalog: later batches skip them. */
  skus: Set<string>;
  /**
   * SKU → its catalogue category (null: none), for the SKUs this import has looked up: an order
   * line without a category of its own takes its SKU's. Only order imports write products here
   * (new SKUs only), so what was looked up stays true for the rest of the import.
   */
  catalogue: Map<string, string | null>;
  /** Whether any SKU in `catalogue` has a category (until then lines keep their own as they are). */
  catalogueHasCategories: boolean;
  /**
   * Hashes of the (source, external id) of every order this import wrote, while the store had
   * none before it: a later batch looks up only the orders whose hash is here. Hashes rather than
   * the keys themselves: at 700k orders the strings would hold tens of megabytes more.
   */
  orderHashes: Set<number>;
  /** What the store holds of the customers this import created, to skip updates that change nothing. */
  profiles: CustomerProfiles;
}

/**
 * For each customer created by the current import: which profile fields the store holds a value
 * for, and its creation time. A later order of that customer fills only empty fields (or moves
 * the creation time back), so when it brings nothing new its row is not staged at all: in a big
 * order export most buyers come back with the same details, and the update cost seconds.
 */
export class CustomerProfiles {
  private readonly slots = new Map<string, number>();
  private masks = new Uint16Array(1024);
  private created = new Float64Array(1024);

  /** Records what the store holds of `id` after a write (an insert, or an update that merges). */
  wrote(id: string, mask: number, createdMs: number, inserted: boolean): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      if (!inserted) return;
      slot = this.slots.size;
      this.slots.set(id, slot);
      this.grow(slot + 1);
      this.masks[slot] = mask;
      this.created[slot] = createdMs;
      return;
    }
    this.masks[slot]! |= mask;
    this.created[slot] = Math.min(this.created[slot]!, createdMs);
  }

  /** Whether gap-filling `id` with fields `mask` and creation time `createdMs` changes nothing. */
  unchanged(id: string, mask: number, createdMs: number): boolean {
    const slot = this.slots.get(id);
    return slot !== undefined && (mask & ~this.masks[slot]!) === 0 && createdMs >= this.created[slot]!;
  }

  private grow(size: number): void {
    if (size <= this.masks.length) return;
    const masks = new Uint16Array(this.masks.length * 2);
    masks.set(this.masks);
    this.masks = masks;
    const created = new Float64Array(this.created.length * 2);
    created.set(this.created);
    this.created = created;
  }
}

/** Starts an import: notes whether the store already holds identities and orders of the shop. */
export async function beginImportSession(db: SqlEngine, shopId: string): Promise<ImportSession> {
  const any = async (table: string) =>
    (await db.all(`SELECT 1 AS x FROM ${table} WHERE shop_id = $1 LIMIT 1`, [shopId])).length > 0;
  return {
    storeHadIdentities: await any('customer_identities'),
    storeHadOrders: await any('orders'),
    written: new Map(),
    skus: new Set(),
    catalogue: new Map(),
    catalogueHasCategories: false,
    orderHashes: new Set(),
    profiles: new CustomerProfiles(),
  };
}

/** What one import gives every batch: its session, id, clock and id generators. */
export interface ImportContext {
  session: ImportSession;
  importId: string;
  now: Date;
  newCustomerId: () => string;
  newOrderId: () => string;
  newMergeId: () => string;
  /** What catalogue entries of this import record as their `source` (the import's format). */
  catalogueSource?: string;
}

/** What a written batch reports. */
export interface BatchResult {
  newCustomers: number;
  merged: number;
  orders: number;
  events: number;
  products: number;
  marketingCosts: number;
  /** Referral references to resolve once the whole file is in (the referrer may come later). */
  referrals: { customerId: string; ref: string; source: string }[];
  /**
   * Every customer the batch touched: those its records resolved to, and both sides of each
   * merge (survivors, whose stats change, and the absorbed, whose stats go away).
   */
  customerIds: string[];
}
