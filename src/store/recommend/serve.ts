/**
 * One customer's recommendations as the API serves them, in ONE statement: whether the customer
 * exists, the live run (when, small shop), their personal and cross-shop lists (the popular fill
 * of a short list is a second read, rarely needed). Four or five round trips were most of a request's
 * time; on DuckDB the list rows are found by lookup_hash, which the recompute writes in order,
 * so the scan skips all but one row group.
 */
import type { Store } from '../store.js';
import { byCustomer, type ItemRow, itemOf, type StoredItem } from './read.js';

/** What a customer's read returns; undefined when the customer does not exist. */
export interface CustomerLists {
  /** The live run's time (undefined: never computed) and whether the shop counts as small. */
  run: { computedAt: Date; small: boolean } | undefined;
  personal: StoredItem[];
  crossShop: StoredItem[];
}

type Part = 'customer' | 'personal' | 'cross_shop';

interface Row extends ItemRow {
  part: Part;
  computed_at: Date | string | null;
  small: boolean | null;
}

/** The product aliased p is in stock and on sale (read.ts's AVAILABLE without the exclusions, joined here). */
const AVAILABLE_NOW = `(p.inventory_qty IS NULL OR p.inventory_qty > 0) AND (p.status IS NULL OR p.status = 'active')
  AND (p.published IS NULL OR p.published)`;

const CONSENT = `(COALESCE(c.accepts_email, FALSE) OR COALESCE(c.accepts_sms, FALSE) OR COALESCE(c.accepts_zalo, FALSE)
  OR COALESCE(c.accepts_messenger, FALSE))`;

/** The customer's lists (each best first, products available now) with the run. */
export async function customerLists(
  store: Store,
  shopId: string,
  customerId: string,
): Promise<CustomerLists | undefined> {
  const db = store.engine;
  const rows = await db.all<Row>(
    `SELECT 'customer' AS part, CAST(NULL AS INTEGER) AS rank, CAST(NULL AS VARCHAR) AS sku,
       CAST(NULL AS VARCHAR) AS title, CAST(NULL AS VARCHAR) AS category, CAST(NULL AS DECIMAL(18,2)) AS price,
       CAST(NULL AS VARCHAR) AS image_url, CAST(NULL AS DOUBLE PRECISION) AS score, CAST(NULL AS VARCHAR) AS reason,
       CAST(NULL AS VARCHAR) AS reason_sku, CAST(NULL AS VARCHAR) AS reason_title,
       CAST(NULL AS DOUBLE PRECISION) AS reason_days, CAST(NULL AS VARCHAR) AS reason_category,
       CAST(NULL AS VARCHAR) AS partner_shop_id, rr.computed_at, rr.small
     FROM customers cu LEFT JOIN rec_runs rr ON rr.shop_id = cu.shop_id AND rr.scope = 'live'
     WHERE cu.shop_id = $1 AND cu.customer_id = $2
     UNION ALL
     SELECT r.list, r.rank, r.sku, p.title, p.category, p.price, p.image_url, r.score, r.reason, r.reason_sku,
       q.title, r.reason_days, r.reason_category, r.partner_shop_id, NULL, NULL
     FROM rec_personal r
     JOIN products p ON p.shop_id = CASE WHEN r.list = 'cross_shop' THEN r.partner_shop_id ELSE r.shop_id END
       AND p.sku = r.sku
     LEFT JOIN products q ON q.shop_id = r.shop_id AND q.sku = r.reason_sku
     LEFT JOIN rec_exclusions x ON x.shop_id = p.shop_id AND x.sku = p.sku
     LEFT JOIN shop_links sl ON sl.shop_id = r.shop_id AND sl.partner_shop_id = r.partner_shop_id
     LEFT JOIN customers c ON r.list = 'cross_shop' AND c.shop_id = r.shop_id AND c.customer_id = r.customer_id
     WHERE r.shop_id = $1 AND r.scope = 'live' AND ${byCustomer(db, '$2')} AND ${AVAILABLE_NOW} AND x.sku IS NULL
       AND (r.list = 'personal' OR (sl.shop_id IS NOT NULL AND ${CONSENT}))`,
    [shopId, customerId],
  );
  const head = rows.find((r) => r.part === 'customer');
  if (head === undefined) return undefined;
  const part = (p: Part) =>
    rows
      .filter((r) => r.part === p)
      .sort((a, b) => Number(a.rank) - Number(b.rank))
      .map(itemOf);
  return {
    run:
      head.computed_at === null
        ? undefined
        : { computedAt: new Date(head.computed_at), small: head.small === true },
    personal: part('personal'),
    crossShop: part('cross_shop'),
  };
}
