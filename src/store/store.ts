import { type IdSource, makeIdGenerator, systemIdSource } from '../domain/ids.js';
import type { MarketingCost, Product, Shop } from '../domain/model/index.js';
import { upsertMarketingCosts } from './analytics/marketing-costs.js';
import {
  type CustomerRecord,
  findCustomerByKey,
  getCustomer,
  listCustomerIds,
  listMerges,
  type MergeRecord,
} from './customers/records.js';
import { DuckDbEngine } from './duckdb/engine.js';
import type { Row, SqlEngine } from './engine.js';
import {
  type BatchResult,
  beginImportSession,
  type ImportBatchInput,
  type ImportSession,
  writeImportBatch,
} from './import/index.js';
import { type ImportRunRecord, recordImportRun, resolveReferrals } from './import/runs.js';
import { migrate } from './migrations/index.js';
import { listOrders, type OrderListItem } from './orders/list.js';
import { listProducts, upsertProducts } from './products/index.js';
import { ensureShop, getShop, requireShop } from './shops/index.js';
import { type StoreSummary, shopSnapshot, shopSummary } from './shops/summary.js';

// Record types moved beside their SQL; importers of store.ts keep finding them here.
export type { CustomerRecord, MergeRecord } from './customers/records.js';
export type { ImportRunRecord } from './import/runs.js';
export type { OrderListItem } from './orders/list.js';
export type { StoreSummary } from './shops/summary.js';

export interface OpenStoreOptions {
  /** A DuckDB file path, ':memory:', or a postgres:// URL. */
  db: string;
  /** PostgreSQL schema (tests isolate themselves with one each). */
  pgSchema?: string;
  /** Clock and randomness for ids (tests and the demo pass fixed ones). */
  ids?: IdSource;
}

export const DEFAULT_DB_PATH = './nurture.duckdb';

/** What `Store.scratch` throws to roll its transaction back, carrying the result out. */
class Scratch extends Error {
  constructor(readonly result: unknown) {
    super('scratch transaction rolled back');
  }
}

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

/** Opens the store on DuckDB or PostgreSQL and applies pending migrations. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  let engine: SqlEngine;
  if (isPostgresUrl(options.db)) {
    const { PostgresEngine } = await import('./postgres/engine.js');
    engine = await PostgresEngine.open({
      url: options.db,
      ...(options.pgSchema ? { schema: options.pgSchema } : {}),
    });
  } else {
    engine = await DuckDbEngine.open(options.db);
  }
  await migrate(engine);
  return new Store(engine, options.ids ?? systemIdSource);
}

/**
 * The store: every read and write the application makes, in SQL that runs unchanged on
 * DuckDB and PostgreSQL. Transports and the engine call these functions, never SQL. The class
 * holds the engine and the id source; its methods delegate to the per-entity modules beside it
 * (shops/, customers/, orders/, products/, import/), which hold the SQL.
 */
export class Store {
  readonly newId: ReturnType<typeof makeIdGenerator>;

  constructor(
    readonly engine: SqlEngine,
    readonly ids: IdSource = systemIdSource,
  ) {
    this.newId = makeIdGenerator(ids);
  }

  /** Which SQL engine the store runs on. */
  get dialect(): SqlEngine['dialect'] {
    return this.engine.dialect;
  }

  /** Closes the engine (and its connections). */
  close(): Promise<void> {
    return this.engine.close();
  }

  /**
   * The same store on a connection of its own where the engine has them (DuckDB), so that what
   * runs on it (the API's reads, the intake of webhooks and events) does not queue behind long
   * writes on this one; on PostgreSQL, whose pool is concurrent already, this store itself. The
   * connection closes with this store.
   */
  async separateConnection(): Promise<Store> {
    if (!this.engine.connect) return this;
    const other = new Store(await this.engine.connect(), this.ids);
    return Object.assign(other, { newId: this.newId });
  }

  /** The same store over another engine (a view of the same database, e.g. `FanoutReads`). */
  onEngine(engine: SqlEngine): Store {
    return Object.assign(new Store(engine, this.ids), { newId: this.newId });
  }

  /** Runs `fn` against a store bound to one transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.engine.transaction((engine) => {
      const tx = new Store(engine, this.ids);
      return fn(Object.assign(tx, { newId: this.newId }));
    });
  }

  /**
   * Runs `fn` against a store bound to one transaction that is always rolled back: `fn` sees its
   * own writes, nobody else ever does. For reports that compute through the tables the live
   * pipeline writes (scores, groups, segment members) without changing them. Not for use inside
   * another transaction (a nested call joins it, and its rollback would undo the caller's work).
   */
  async scratch<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    try {
      await this.transaction(async (tx) => {
        throw new Scratch(await fn(tx));
      });
    } catch (error) {
      if (error instanceof Scratch) return error.result as T;
      throw error;
    }
    throw new Error('unreachable: a scratch transaction always rolls back');
  }

  /** The shop `input` names (the default shop when none), created when it does not exist yet. */
  ensureShop(input: Partial<Shop> & { shopId?: string } = {}): Promise<Shop> {
    return ensureShop(this, input);
  }

  /** The shop, or undefined when this database has none of that id. */
  getShop(shopId: string): Promise<Shop | undefined> {
    return getShop(this, shopId);
  }

  /** The shop; a not_found error when this database has none of that id. */
  requireShop(shopId: string): Promise<Shop> {
    return requireShop(this, shopId);
  }

  /** Starts an import: the session carries what the batches of one import share. */
  beginImport(shopId: string): Promise<ImportSession> {
    return beginImportSession(this.engine, shopId);
  }

  /** Writes one validated import batch; call inside `transaction`, with one session per import. */
  async importBatch(
    shopId: string,
    batch: ImportBatchInput,
    importId: string,
    now: Date,
    session?: ImportSession,
    catalogueSource?: string,
  ): Promise<BatchResult> {
    return writeImportBatch(this.engine, shopId, batch, {
      session: session ?? (await this.beginImport(shopId)),
      importId,
      now,
      ...(catalogueSource !== undefined ? { catalogueSource } : {}),
      newCustomerId: () => this.newId('cus'),
      newOrderId: () => this.newId('ord'),
      newMergeId: () => this.newId('mrg'),
    });
  }

  /**
   * After a bulk write in a transaction. PostgreSQL plans the statements that follow with the
   * statistics from before it (a shop of a dozen rows), picks nested loops over what are now
   * hundreds of thousands of rows, and a 20,000-row import then spent minutes in the customer
   * stats refresh. ANALYZE samples the tables as this transaction sees them. DuckDB keeps its
   * statistics current by itself.
   */
  async refreshPlannerStatistics(): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await this.engine.run('ANALYZE customers, customer_identities, orders, order_lines');
  }

  /** Resolves referral references to customer ids (see import/runs.ts); returns how many resolved. */
  resolveReferrals(shopId: string, refs: readonly BatchResult['referrals'][number][]): Promise<number> {
    return resolveReferrals(this, shopId, refs);
  }

  /** Records a finished import run. */
  recordImportRun(shopId: string, run: ImportRunRecord): Promise<void> {
    return recordImportRun(this, shopId, run);
  }

  /** Adds the products, or overwrites what the store holds of them. */
  upsertProducts(shopId: string, products: readonly Product[]): Promise<void> {
    return upsertProducts(this, shopId, products);
  }

  /** A shop's products in SKU order. */
  listProducts(shopId: string): Promise<Product[]> {
    return listProducts(this, shopId);
  }

  /** Sets the cost of each (channel, month). */
  upsertMarketingCosts(shopId: string, costs: readonly MarketingCost[]): Promise<void> {
    return upsertMarketingCosts(this, shopId, costs);
  }

  /** One customer (merged-away ones too) with its tags and identity keys. */
  getCustomer(shopId: string, customerId: string): Promise<CustomerRecord | undefined> {
    return getCustomer(this, shopId, customerId);
  }

  /** The live (not merged-away) customer that holds a key. */
  findCustomerByKey(shopId: string, kind: string, value: string): Promise<CustomerRecord | undefined> {
    return findCustomerByKey(this, shopId, kind, value);
  }

  /** Ids of a shop's customers in id order; merged-away ones only when asked for. */
  listCustomerIds(shopId: string, options: { includeMerged?: boolean } = {}): Promise<string[]> {
    return listCustomerIds(this, shopId, options);
  }

  /** The merge log of a shop, oldest first. */
  listMerges(shopId: string): Promise<MergeRecord[]> {
    return listMerges(this, shopId);
  }

  /** A shop's orders (one customer's when given), oldest first, with their line counts. */
  listOrders(shopId: string, filter: { customerId?: string } = {}): Promise<OrderListItem[]> {
    return listOrders(this, shopId, filter);
  }

  /** Counts of what a shop holds. */
  summary(shopId: string): Promise<StoreSummary> {
    return shopSummary(this, shopId);
  }

  /** A consistent dump of a shop's tables (tests use it to prove a re-import changed nothing). */
  snapshot(shopId: string): Promise<Record<string, Row[]>> {
    return shopSnapshot(this, shopId);
  }
}
