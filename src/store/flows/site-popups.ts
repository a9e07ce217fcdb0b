/**
 * Site popups (migration 025): a shop's popups for every storefront visitor, outside flows, and
 * the events of what anonymous visitors did with them.
 */
import type { Store } from '../store.js';

export const SITE_POPUP_AUDIENCES = ['new', 'all'] as const;
export type SitePopupAudience = (typeof SITE_POPUP_AUDIENCES)[number];
export const SITE_POPUP_STATES = ['live', 'paused'] as const;
export type SitePopupState = (typeof SITE_POPUP_STATES)[number];

export interface SitePopupRecord {
  name: string;
  /** The popup's content document (JSON text). */
  content: string;
  audience: SitePopupAudience;
  state: SitePopupState;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  name: string;
  content: string;
  audience: string;
  state: string;
  created_at: Date;
  updated_at: Date;
};

const toRecord = (r: Row): SitePopupRecord => ({
  name: r.name,
  content: r.content,
  audience: r.audience as SitePopupAudience,
  state: r.state as SitePopupState,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Creates or replaces a site popup (by name); its creation time is kept. */
export async function upsertSitePopup(
  store: Store,
  shopId: string,
  popup: Omit<SitePopupRecord, 'createdAt' | 'updatedAt'>,
  now: Date,
): Promise<SitePopupRecord> {
  const rows = await store.engine.all<Row>(
    `INSERT INTO site_popups (shop_id, name, content, audience, state, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (shop_id, name) DO UPDATE SET content = EXCLUDED.content, audience = EXCLUDED.audience,
       state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
     RETURNING name, content, audience, state, created_at, updated_at`,
    [shopId, popup.name, popup.content, popup.audience, popup.state, now],
  );
  return toRecord(rows[0]!);
}

/** The shop's site popups by name; only the live ones with `liveOnly`. */
export async function listSitePopups(
  store: Store,
  shopId: string,
  liveOnly = false,
): Promise<SitePopupRecord[]> {
  const rows = await store.engine.all<Row>(
    `SELECT name, content, audience, state, created_at, updated_at FROM site_popups
     WHERE shop_id = $1 ${liveOnly ? "AND state = 'live'" : ''} ORDER BY name`,
    [shopId],
  );
  return rows.map(toRecord);
}

/** Deletes a site popup; false when there was none of that name. */
export async function deleteSitePopup(store: Store, shopId: string, name: string): Promise<boolean> {
  const rows = await store.engine.all<{ name: string }>(
    'DELETE FROM site_popups WHERE shop_id = $1 AND name = $2 RETURNING name',
    [shopId, name],
  );
  return rows.length > 0;
}

/** An event of a visitor with a site popup (Message Delivered, Opened, Clicked). */
export interface SitePopupEvent {
  eventId: string;
  /** One per popup, visitor, kind and day. */
  dedupeKey: string;
  name: string;
  customerId: string | null;
  anonymousId: string;
  at: Date;
  properties: Record<string, unknown>;
}

/**
 * Records site popup events with the visitor's anonymous id (and customer, when known), so that
 * they join the customer on a later identify as the visitor's other events do.
 */
export async function recordSitePopupEvents(
  store: Store,
  shopId: string,
  events: readonly SitePopupEvent[],
): Promise<void> {
  for (const e of events)
    await store.engine.run(
      `INSERT INTO events (shop_id, event_id, dedupe_key, name, customer_id, anonymous_id, occurred_at, properties)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [
        shopId,
        e.eventId,
        e.dedupeKey,
        e.name,
        e.customerId,
        e.anonymousId,
        e.at,
        JSON.stringify(e.properties),
      ],
    );
}
