import type { SqlValue } from '../engine.js';
import { stageSmall, t } from '../staging.js';
import type { Store } from '../store.js';
import { skipExisting, toColumns } from './columns.js';

/** A reaction to a message as an event (Message Sent, Delivered, Opened, Clicked, Declined). */
export interface MessageEvent {
  eventId: string;
  /** `msg:<message id>:<what>`: an event is recorded once per message and kind. */
  dedupeKey: string;
  name: string;
  customerId: string;
  at: Date;
  properties: Record<string, unknown>;
}

const STAGE = t(
  'stage_message_events',
  ['event_id', 'text'],
  ['dedupe_key', 'text'],
  ['name', 'text'],
  ['customer_id', 'text'],
  ['occurred_at', 'timestamp'],
  ['properties', 'text'],
);

/**
 * Records message events so that segments (`performed("Message Clicked")`) and flows (wait for
 * an event) see them; one per message and kind, whatever reports it twice.
 *
 * `fresh`: the caller knows these dedupe keys are new (each is the event of a state transition
 * its own transaction made, which happens once: the outbox's answers), so DuckDB skips its check
 * against the events table, an anti-join that reads the whole table's keys (its cost grows with
 * every event the shop ever had: ~5 ms a write at 80,000 events). The unique index still guards
 * (a repeat would fail the commit); PostgreSQL keeps ON CONFLICT, an index probe per row.
 */
export async function recordMessageEvents(
  store: Store,
  shopId: string,
  events: readonly MessageEvent[],
  options: { fresh?: boolean } = {},
): Promise<void> {
  if (events.length === 0) return;
  const seen = new Set<string>();
  const unique = events.filter((e) => !seen.has(e.dedupeKey) && seen.add(e.dedupeKey));
  const cols = toColumns(
    unique.map((e): SqlValue[] => [
      e.eventId,
      e.dedupeKey,
      e.name,
      e.customerId,
      e.at,
      JSON.stringify(e.properties),
    ]),
    STAGE.columns.length,
  );
  const rows = await stageSmall(store.engine, STAGE, cols, 2);
  const skip =
    options.fresh && store.dialect === 'duckdb'
      ? { where: '', onConflict: '' }
      : skipExisting(store.dialect, 'events', [['dedupe_key'], ['event_id']]);
  await store.engine.run(
    `INSERT INTO events (shop_id, event_id, dedupe_key, name, customer_id, anonymous_id, occurred_at, properties)
     SELECT $1, s.event_id, s.dedupe_key, s.name, s.customer_id, NULL, s.occurred_at, s.properties
     FROM ${rows.source} s ${skip.where} ${skip.onConflict}`,
    [shopId, ...rows.params],
  );
}
