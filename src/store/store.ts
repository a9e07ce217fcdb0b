import { type IdSource, makeIdGenerator, systemIdSource } from '../domain/ids.js';
import {
  DEFAULT_SHOP_ID,
  type MarketingCost,
  type Product,
  type Shop,
  shopSchema,
} from '../domain/model/index.js';
import { NurtureError } from '../errors.js';
import { DuckDbEngine } from './duckdb/engine.js';
import type { Row, SqlEngine } from './engine.js';
import {
  type BatchResult,
  beginImportSession,
  type ImportBatchInput,
  type ImportSession,
  writeImportBatch,
} from './import/index.js';
import { migrate } from './migrations/index.js';
import { STAGE_REFERRALS, stage } from './staging.js';

export interface OpenStoreOptions {
  /** A DuckDB file path, ':memory:', or a postgres:// URL. */
  db: string;
  /** PostgreSQL schema (tests isolate themselves with one each). */
  pgSchema?: string;
  /** Clock and randomness for ids (tests and the demo pass fixed ones). */
  ids?: IdSource;
}

export const DEFAULT_DB_PATH = './nurture.duckdb';

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

export interface StoreSummary {
  customers: number;
  buyers: number;
  orders: number;
  orderLines: number;
  revenue: number;
  products: number;
  events: number;
  feedback: number;
  merges: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  ordersByStatus: Record<string, number>;
}

export interface ImportRunRecord {
  importId: string;
  format: string;
  file: string;
  rowsRead: number;
  customers: number;
  orders: number;
  events: number;
  merged: number;
  rejected: number;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * The store: every read and write the application makes, in SQL that runs unchanged on
 * DuckDB and PostgreSQL. Transports and the engine call these functions, never SQL.
 */
export class Store {
  readonly newId: ReturnType<typeof makeIdGenerator>;

  constructor(
    readonly engine: SqlEngine,
    readonly ids: IdSource = systemIdSource,
  ) {
    this.newId = makeIdGenerator(ids);
  }

  get dialect(): SqlEngine['dialect'] {
    return this.engine.dialect;
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  /** Runs `fn` against a store bound to one transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.engine.transaction((engine) => {
      const tx = new Store(engine, this.ids);
      return fn(Object.assign(tx, { newId: this.newId }));
    });
  }

  async ensureShop(input: Partial<Shop> & { shopId?: string } = {}): Promise<Shop> {
    const parsed = shopSchema.safeParse({
      shopId: input.shopId ?? DEFAULT_SHOP_ID,
      name: input.name ?? input.shopId ?? 'My shop',
      ...(input.currency ? { currency: input.currency } : {}),
      ...(input.timezone ? { timezone: input.timezone } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.map(String).join('.');
      throw new NurtureError('invalid_input', `shop ${field}: ${issue.message}`, [
        { path: field, reason: issue.message },
      ]);
    }
    const shop = parsed.data;
    const existing = await this.getShop(shop.shopId);
    if (existing) return existing;
    await this.engine.run(
      `INSERT INTO shops (shop_id, name, currency, timezone, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (shop_id) DO NOTHING`,
      [shop.shopId, shop.name, shop.currency, shop.timezone, new Date(this.ids.now())],
    );
    return shop;
  }

  async getShop(shopId: string): Promise<Shop | undefined> {
    const rows = await this.engine.all<{ shop_id: string; name: string; currency: string; timezone: string }>(
      'SELECT shop_id, name, currency, timezone FROM shops WHERE shop_id = $1',
      [shopId],
    );
    const r = rows[0];
    return r && { shopId: r.shop_id, name: r.name, currency: r.currency, timezone: r.timezone };
  }

  async requireShop(shopId: string): Promise<Shop> {
    const shop = await this.getShop(shopId);
    if (!shop) throw new NurtureError('not_found', `no shop '${shopId}' in this database`);
    return shop;
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
  ): Promise<BatchResult> {
    return writeImportBatch(this.engine, shopId, batch, {
      session: session ?? (await this.beginImport(shopId)),
      importId,
      now,
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

  /**
   * Resolves referral references (the referrer's external id in the same source, e-mail or
   * phone) to customer ids. Returns how many were resolved.
   */
  async resolveReferrals(shopId: string, refs: readonly BatchResult['referrals'][number][]): Promise<number> {
    if (refs.length === 0) return 0;
    await stage(this.engine, STAGE_REFERRALS, [
      refs.map((r) => r.customerId),
      refs.map((r) => r.ref),
      refs.map((r) => r.source),
    ]);
    const resolved = await this.engine.all<{ customer_id: string; referrer: string }>(
      `SELECT r.customer_id, MIN(i.customer_id) AS referrer FROM stage_referrals r
       JOIN customer_identities i ON i.shop_id = $1 AND i.value = r.ref
         AND (i.kind = 'external:' || r.source OR i.kind IN ('email', 'phone'))
       WHERE i.customer_id <> r.customer_id
       GROUP BY r.customer_id`,
      [shopId],
    );
    for (const r of resolved)
      await this.engine.run(
        `UPDATE customers SET referred_by = $3 WHERE shop_id = $1 AND customer_id = $2
         AND referred_by IS DISTINCT FROM $3`,
        [shopId, r.customer_id, r.referrer],
      );
    return resolved.length;
  }

  async recordImportRun(shopId: string, run: ImportRunRecord): Promise<void> {
    await this.engine.run(
      `INSERT INTO import_runs (shop_id, import_id, format, file, rows_read, customers, orders, events, merged,
         rejected, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        shopId,
        run.importId,
        run.format,
        run.file,
        run.rowsRead,
        run.customers,
        run.orders,
        run.events,
        run.merged,
        run.rejected,
        run.startedAt,
        run.finishedAt,
      ],
    );
  }

  async upsertProducts(shopId: string, products: readonly Product[]): Promise<void> {
    await this.transaction(async (tx) => {
      for (const p of products)
        await tx.engine.run(
          `INSERT INTO products (shop_id, sku, title, category, price, consumable, reorder_cycle_days)
           VALUES ($1, $2, $3, $4, CAST($5 AS DECIMAL(18,2)), $6, $7)
           ON CONFLICT (shop_id, sku) DO UPDATE SET title = excluded.title, category = excluded.category,
             price = excluded.price, consumable = excluded.consumable,
             reorder_cycle_days = excluded.reorder_cycle_days`,
          [
            shopId,
            p.sku,
            p.title,
            p.category ?? null,
            p.price ?? null,
            p.consumable,
            p.reorderCycleDays ?? null,
          ],
        );
    });
  }

  async listProducts(shopId: string): Promise<Product[]> {
    const rows = await this.engine.all<{
      sku: string;
      title: string;
      category: string | null;
      price: number | null;
      consumable: boolean;
      reorder_cycle_days: number | null;
    }>('SELECT * FROM products WHERE shop_id = $1 ORDER BY sku', [shopId]);
    return rows.map((r) => ({
      sku: r.sku,
      title: r.title,
      consumable: r.consumable,
      ...(r.category !== null ? { category: r.category } : {}),
      ...(r.price !== null ? { price: String(r.price) } : {}),
      ...(r.reorder_cycle_days !== null ? { reorderCycleDays: r.reorder_cycle_days } : {}),
    }));
  }

  async upsertMarketingCosts(shopId: string, costs: readonly MarketingCost[]): Promise<void> {
    await this.transaction(async (tx) => {
      for (const c of costs)
        await tx.engine.run(
          `INSERT INTO marketing_costs (shop_id, channel, month, amount) VALUES ($1, $2, $3, CAST($4 AS DECIMAL(18,2)))
           ON CONFLICT (shop_id, channel, month) DO UPDATE SET amount = excluded.amount`,
          [shopId, c.channel, c.month, c.amount],
        );
    });
  }

  async getCustomer(shopId: string, customerId: string): Promise<CustomerRecord | undefined> {
    const rows = await this.engine.all('SELECT * FROM customers WHERE shop_id = $1 AND customer_id = $2', [
      shopId,
      customerId,
    ]);
    const row = rows[0];
    if (!row) return undefined;
    const tags = await this.engine.all<{ tag: string }>(
      'SELECT tag FROM customer_tags WHERE shop_id = $1 AND customer_id = $2 ORDER BY tag',
      [shopId, customerId],
    );
    const identities = await this.engine.all<{ kind: string; value: string }>(
      'SELECT kind, value FROM customer_identities WHERE shop_id = $1 AND customer_id = $2 ORDER BY kind, value',
      [shopId, customerId],
    );
    return toCustomerRecord(
      row,
      tags.map((t) => t.tag),
      identities,
    );
  }

  /** The live (not merged-away) customer that holds a key. */
  async findCustomerByKey(shopId: string, kind: string, value: string): Promise<CustomerRecord | undefined> {
    const rows = await this.engine.all<{ customer_id: string }>(
      'SELECT customer_id FROM customer_identities WHERE shop_id = $1 AND kind = $2 AND value = $3',
      [shopId, kind, value],
    );
    const id = rows[0]?.customer_id;
    return id === undefined ? undefined : this.getCustomer(shopId, id);
  }

  async listCustomerIds(shopId: string, options: { includeMerged?: boolean } = {}): Promise<string[]> {
    const rows = await this.engine.all<{ customer_id: string }>(
      `SELECT customer_id FROM customers WHERE shop_id = $1 ${options.includeMerged ? '' : 'AND merged_into IS NULL'}
       ORDER BY customer_id`,
      [shopId],
    );
    return rows.map((r) => r.customer_id);
  }

  async listMerges(shopId: string): Promise<MergeRecord[]> {
    const rows = await this.engine.all<{
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

  async listOrders(
    shopId: string,
    filter: { customerId?: string } = {},
  ): Promise<
    {
      orderId: string;
      source: string;
      externalId: string;
      customerId: string;
      status: string;
      total: number;
      refunded: number;
      createdAt: Date;
      lines: number;
    }[]
  > {
    const rows = await this.engine.all<{
      order_id: string;
      source: string;
      external_id: string;
      customer_id: string;
      status: string;
      total: number;
      refunded: number;
      created_at: Date;
      lines: number;
    }>(
      `SELECT o.order_id, o.source, o.external_id, o.customer_id, o.status, o.total, o.refunded, o.created_at,
         (SELECT COUNT(*) FROM order_lines l WHERE l.shop_id = o.shop_id AND l.order_id = o.order_id) AS lines
       FROM orders o WHERE o.shop_id = $1 AND ($2 = '' OR o.customer_id = $2)
       ORDER BY o.created_at, o.external_id`,
      [shopId, filter.customerId ?? ''],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      source: r.source,
      externalId: r.external_id,
      customerId: r.customer_id,
      status: r.status,
      total: Number(r.total),
      refunded: Number(r.refunded),
      createdAt: r.created_at,
      lines: Number(r.lines),
    }));
  }

  async summary(shopId: string): Promise<StoreSummary> {
    const [c] = await this.engine.all<{ customers: number }>(
      'SELECT COUNT(*) AS customers FROM customers WHERE shop_id = $1 AND merged_into IS NULL',
      [shopId],
    );
    const [o] = await this.engine.all<{
      orders: number;
      buyers: number;
      revenue: number | null;
      first_at: Date | null;
      last_at: Date | null;
    }>(
      `SELECT COUNT(*) AS orders, COUNT(DISTINCT customer_id) AS buyers,
         SUM(CASE WHEN status IN ('paid', 'delivered') THEN total - refunded ELSE 0 END) AS revenue,
         MIN(created_at) AS first_at, MAX(created_at) AS last_at
       FROM orders WHERE shop_id = $1`,
      [shopId],
    );
    const count = async (table: string) =>
      (
        await this.engine.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE shop_id = $1`, [
          shopId,
        ])
      )[0]?.n ?? 0;
    const statuses = await this.engine.all<{ status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM orders WHERE shop_id = $1 GROUP BY status ORDER BY status',
      [shopId],
    );
    return {
      customers: Number(c?.customers ?? 0),
      buyers: Number(o?.buyers ?? 0),
      orders: Number(o?.orders ?? 0),
      orderLines: Number(await count('order_lines')),
      revenue: Number(o?.revenue ?? 0),
      products: Number(await count('products')),
      events: Number(await count('events')),
      feedback: Number(await count('feedback')),
      merges: Number(await count('customer_merges')),
      firstOrderAt: o?.first_at ?? null,
      lastOrderAt: o?.last_at ?? null,
      ordersByStatus: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
    };
  }

  /** A consistent dump of a shop's tables (tests use it to prove a re-import changed nothing). */
  async snapshot(shopId: string): Promise<Record<string, Row[]>> {
    const tables: Record<string, string> = {
      customers: 'customer_id',
      customer_identities: 'kind, value',
      customer_tags: 'customer_id, tag',
      customer_merges: 'merge_id',
      products: 'sku',
      orders: 'order_id',
      order_lines: 'order_id, line_no',
      events: 'event_id',
      feedback: 'feedback_id',
    };
    const out: Record<string, Row[]> = {};
    for (const [table, order] of Object.entries(tables))
      out[table] = await this.engine.all(`SELECT * FROM ${table} WHERE shop_id = $1 ORDER BY ${order}`, [
        shopId,
      ]);
    return out;
  }
}

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
