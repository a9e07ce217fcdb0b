/**
 * Coupons' SQL (table `coupons`, migration 023), in the subset DuckDB and PostgreSQL both run.
 * Inserts never fail on a taken code or source key: they are ignored (`ON CONFLICT DO NOTHING`)
 * and the caller looks at what is there, so a collision is retried with a fresh code and a
 * repeated source key finds the coupon made the first time.
 */
import type { Coupon, CouponKind, CouponState } from '../../domain/coupons/index.js';
import { assertNever } from '../../errors.js';
import type { SqlValue } from '../engine.js';
import { stage, t } from '../staging.js';
import type { Store } from '../store.js';

export type { Coupon };

/** A coupon to insert (its redemption columns start empty). */
export interface NewCoupon {
  couponId: string;
  code: string;
  kind: CouponKind;
  value: number | null;
  minOrder: number | null;
  customerId: string | null;
  expiresAt: Date;
  createdAt: Date;
  sourceKey: string | null;
  batchId: string | null;
}

const COLUMNS = `code, coupon_id, kind, value, min_order, customer_id, expires_at, created_at, source_key,
  batch_id, redeemed_order_id, redeemed_at, released_at, release_reason`;

interface CouponRow {
  code: string;
  coupon_id: string;
  kind: string;
  value: number | string | null;
  min_order: number | string | null;
  customer_id: string | null;
  expires_at: Date | string;
  created_at: Date | string;
  source_key: string | null;
  batch_id: string | null;
  redeemed_order_id: string | null;
  redeemed_at: Date | string | null;
  released_at: Date | string | null;
  release_reason: string | null;
  [key: string]: unknown;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));
const date = (v: Date | string | null) => (v === null ? null : new Date(v));

function toCoupon(shopId: string, r: CouponRow): Coupon {
  return {
    couponId: r.coupon_id,
    shopId,
    code: r.code,
    kind: r.kind as CouponKind,
    value: num(r.value),
    minOrder: num(r.min_order),
    customerId: r.customer_id,
    expiresAt: new Date(r.expires_at),
    createdAt: new Date(r.created_at),
    sourceKey: r.source_key,
    batchId: r.batch_id,
    redeemedOrderId: r.redeemed_order_id,
    redeemedAt: date(r.redeemed_at),
    releasedAt: date(r.released_at),
    releaseReason: r.release_reason,
  };
}

/**
 * Inserts a coupon unless its code or its source key is taken (then nothing happens). Returns
 * whether this row went in.
 */
export async function insertCoupon(store: Store, shopId: string, c: NewCoupon): Promise<boolean> {
  await store.engine.run(
    `INSERT INTO coupons (shop_id, code, coupon_id, kind, value, min_order, customer_id, expires_at, created_at, source_key, batch_id)
     VALUES ($1, $2, $3, $4, CAST($5 AS DECIMAL(18,2)), CAST($6 AS DECIMAL(18,2)), $7, $8, $9, $10, $11)
     ON CONFLICT DO NOTHING`,
    [
      shopId,
      c.code,
      c.couponId,
      c.kind,
      c.value === null ? null : String(c.value),
      c.minOrder === null ? null : String(c.minOrder),
      c.customerId,
      c.expiresAt,
      c.createdAt,
      c.sourceKey,
      c.batchId,
    ],
  );
  const [row] = await store.engine.all<{ coupon_id: string }>(
    'SELECT coupon_id FROM coupons WHERE shop_id = $1 AND code = $2',
    [shopId, c.code],
  );
  return row?.coupon_id === c.couponId;
}

const STAGE_NEW_COUPONS = t(
  'stage_new_coupons',
  ['code', 'text'],
  ['coupon_id', 'text'],
  ['source_key', 'text'],
);

/**
 * Inserts many coupons of the same terms at once (a bulk batch): codes, ids and source keys
 * vary, the rest is `shared`. Rows whose code or source key is taken are left out; returns the
 * coupon ids that went in.
 */
export async function insertCoupons(
  store: Store,
  shopId: string,
  shared: Omit<NewCoupon, 'couponId' | 'code' | 'sourceKey'>,
  rows: readonly { couponId: string; code: string; sourceKey: string }[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  // The staged rows live on one connection: stage and insert in one transaction.
  return store.engine.transaction(async (db) => {
    await stage(db, STAGE_NEW_COUPONS, [
      rows.map((r) => r.code),
      rows.map((r) => r.couponId),
      rows.map((r) => r.sourceKey),
    ]);
    await db.run(
      `INSERT INTO coupons (shop_id, code, coupon_id, kind, value, min_order, customer_id, expires_at, created_at, source_key, batch_id)
     SELECT CAST($1 AS VARCHAR), s.code, s.coupon_id, CAST($2 AS VARCHAR), CAST($3 AS DECIMAL(18,2)),
       CAST($4 AS DECIMAL(18,2)), CAST($5 AS VARCHAR), CAST($6 AS TIMESTAMPTZ), CAST($7 AS TIMESTAMPTZ),
       s.source_key, CAST($8 AS VARCHAR)
     FROM ${STAGE_NEW_COUPONS.name} s
     WHERE NOT EXISTS (SELECT 1 FROM coupons c WHERE c.shop_id = $1 AND c.code = s.code)
       AND NOT EXISTS (SELECT 1 FROM coupons c WHERE c.shop_id = $1 AND c.source_key = s.source_key)
     ON CONFLICT DO NOTHING`,
      [
        shopId,
        shared.kind,
        shared.value === null ? null : String(shared.value),
        shared.minOrder === null ? null : String(shared.minOrder),
        shared.customerId,
        shared.expiresAt,
        shared.createdAt,
        shared.batchId,
      ],
    );
    const inserted = await db.all<{ coupon_id: string }>(
      `SELECT c.coupon_id FROM coupons c JOIN ${STAGE_NEW_COUPONS.name} s ON c.code = s.code AND c.coupon_id = s.coupon_id
     WHERE c.shop_id = $1`,
      [shopId],
    );
    return new Set(inserted.map((r) => r.coupon_id));
  });
}

/** The coupon with this code (normalised upper case), if any. */
export async function findCouponByCode(
  store: Store,
  shopId: string,
  code: string,
): Promise<Coupon | undefined> {
  const [row] = await store.engine.all<CouponRow>(
    `SELECT ${COLUMNS} FROM coupons WHERE shop_id = $1 AND code = $2`,
    [shopId, code],
  );
  return row ? toCoupon(shopId, row) : undefined;
}

/** The coupon created under this source key, if any. */
export async function findCouponBySource(
  store: Store,
  shopId: string,
  sourceKey: string,
): Promise<Coupon | undefined> {
  const [row] = await store.engine.all<CouponRow>(
    `SELECT ${COLUMNS} FROM coupons WHERE shop_id = $1 AND source_key = $2`,
    [shopId, sourceKey],
  );
  return row ? toCoupon(shopId, row) : undefined;
}

/** The coupons of a batch, in the order they were drawn (their source keys' numbers). */
export async function findBatchCoupons(store: Store, shopId: string, batchId: string): Promise<Coupon[]> {
  const rows = await store.engine.all<CouponRow>(
    `SELECT ${COLUMNS} FROM coupons WHERE shop_id = $1 AND batch_id = $2 ORDER BY created_at, coupon_id`,
    [shopId, batchId],
  );
  return rows.map((r) => toCoupon(shopId, r));
}

/** SQL: the coupons of a state at `$asOf` (see `couponState`). */
function stateSql(state: CouponState, at: () => string): string {
  const asOf = () => `CAST(${at()} AS TIMESTAMPTZ)`;
  switch (state) {
    case 'redeemed':
      return 'redeemed_order_id IS NOT NULL AND released_at IS NULL';
    case 'expired':
      return `(redeemed_order_id IS NULL OR released_at IS NOT NULL) AND expires_at <= ${asOf()}`;
    case 'released':
      return `released_at IS NOT NULL AND expires_at > ${asOf()}`;
    case 'active':
      return `redeemed_order_id IS NULL AND expires_at > ${asOf()}`;
    default:
      return assertNever(state, 'coupon state');
  }
}

export interface CouponFilter {
  state?: CouponState | undefined;
  customerId?: string | undefined;
  batchId?: string | undefined;
  /** Codes that contain this text (upper case). */
  search?: string | undefined;
}

/** Where a page of coupons continues: after this (created_at, code), newest first. */
export interface CouponCursor {
  createdAt: Date;
  code: string;
}

/** Coupons newest first, filtered, `limit` after `cursor`. */
export async function listCouponRows(
  store: Store,
  shopId: string,
  filter: CouponFilter,
  asOf: Date,
  page: { limit: number; after?: CouponCursor | undefined },
): Promise<Coupon[]> {
  const params: SqlValue[] = [shopId];
  const p = (v: SqlValue) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['shop_id = $1'];
  if (filter.state) where.push(stateSql(filter.state, () => p(asOf)));
  if (filter.customerId !== undefined) where.push(`customer_id = ${p(filter.customerId)}`);
  if (filter.batchId !== undefined) where.push(`batch_id = ${p(filter.batchId)}`);
  if (filter.search) where.push(`POSITION(${p(filter.search)} IN code) > 0`);
  if (page.after) {
    const t = `CAST(${p(page.after.createdAt)} AS TIMESTAMPTZ)`;
    where.push(`(created_at < ${t} OR (created_at = ${t} AND code < ${p(page.after.code)}))`);
  }
  const rows = await store.engine.all<CouponRow>(
    `SELECT ${COLUMNS} FROM coupons WHERE ${where.join(' AND ')}
     ORDER BY created_at DESC, code DESC LIMIT ${Math.max(1, Math.floor(page.limit))}`,
    params,
  );
  return rows.map((r) => toCoupon(shopId, r));
}

/** Whether the shop has any coupon (the redemption pass costs nothing for shops without). */
export async function shopHasCoupons(store: Store, shopId: string): Promise<boolean> {
  const rows = await store.engine.all('SELECT 1 AS one FROM coupons WHERE shop_id = $1 LIMIT 1', [shopId]);
  return rows.length > 0;
}
