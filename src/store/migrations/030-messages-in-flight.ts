import type { Migration } from './index.js';

/**
 * The messages a worker is sending (`sending`, or `finalizing`: an e-mail held before its final
 * dot, committed just before the dot is written), by lease end: every flow pass looks for the
 * ones a dead worker left (`lockOrphanedSends`). PostgreSQL only, like the other partial indexes
 * of the outbox (024); DuckDB scans.
 */
export const messagesInFlightSchema: Migration = {
  version: 30,
  name: 'messages-in-flight',
  statements: [
    {
      only: 'postgres',
      sql: "CREATE INDEX messages_in_flight ON messages (shop_id, lease_until) WHERE state IN ('sending', 'finalizing')",
    },
  ],
};
