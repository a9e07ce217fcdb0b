import type { Migration } from './index.js';

/**
 * Flows (docs/flows.md): the documents and their versions, the runs, the journal of executed
 * steps, the message outbox and staff tasks.
 *
 * - `flows.scanned_until`: the trigger scan's watermark; what happened after it may start runs.
 * - `flow_runs.entry_key`: unique per flow, so a retried webhook, a re-imported order or a
 *   recomputed segment never starts a second run (DESIGN §4). A run due to act has
 *   `state = 'active'` and its `wake_at`; `step_id` is the next step to run. Runs need no lease:
 *   a worker advances a batch inside one transaction that holds their rows (PostgreSQL: FOR
 *   UPDATE SKIP LOCKED), so a crash rolls the whole batch back.
 * - `flow_journal`: one row per executed step, keyed by the run's step sequence number; the
 *   step's effects and its journal row commit in one transaction, so a step runs once.
 * - `opt_outs`: who must never get a channel again, by address.
 * - `messages`: the outbox. A row is written before its provider is called; `idempotency_key`
 *   is the provider's own (eSMS RequestId, ZNS tracking_id, the e-mail's Message-ID);
 *   `source_key` makes the step that wrote it idempotent. `delivered_at`, `opened_at` and
 *   `clicked_at` are the first report of each (the events table keeps them all).
 *
 * Only the key columns are indexed on DuckDB (its ART indexes serve point lookups; the due scans
 * are ranges over zone maps, as for jobs in 011). PostgreSQL gets the due and per-customer indexes.
 */
export const flowsSchema: Migration = {
  version: 24,
  name: 'flows',
  statements: [
    `CREATE TABLE flows (
      shop_id VARCHAR NOT NULL,
      flow_id VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      state VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      live_version INTEGER,
      live_since TIMESTAMPTZ,
      scanned_until TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, flow_id),
      UNIQUE (shop_id, name)
    )`,
    `CREATE TABLE flow_versions (
      shop_id VARCHAR NOT NULL,
      flow_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      document VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, flow_id, version)
    )`,
    `CREATE TABLE flow_runs (
      shop_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      flow_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      customer_id VARCHAR NOT NULL,
      entry_key VARCHAR NOT NULL,
      state VARCHAR NOT NULL,
      control BOOLEAN NOT NULL,
      step_id VARCHAR,
      seq INTEGER NOT NULL,
      wake_at TIMESTAMPTZ,
      waiting_event VARCHAR,
      wait_since TIMESTAMPTZ,
      context VARCHAR NOT NULL,
      entered_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      ended_at TIMESTAMPTZ,
      end_reason VARCHAR,
      PRIMARY KEY (shop_id, run_id),
      UNIQUE (shop_id, flow_id, entry_key)
    )`,
    { only: 'postgres', sql: "CREATE INDEX flow_runs_due ON flow_runs (wake_at) WHERE state = 'active'" },
    { only: 'postgres', sql: 'CREATE INDEX flow_runs_by_customer ON flow_runs (shop_id, customer_id)' },
    `CREATE TABLE flow_journal (
      shop_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      seq INTEGER NOT NULL,
      flow_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      step_id VARCHAR NOT NULL,
      outcome VARCHAR NOT NULL,
      detail VARCHAR,
      ran_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, run_id, seq)
    )`,
    {
      only: 'postgres',
      sql: 'CREATE INDEX flow_journal_by_flow ON flow_journal (shop_id, flow_id, step_id)',
    },
    `CREATE TABLE messages (
      shop_id VARCHAR NOT NULL,
      message_id VARCHAR NOT NULL,
      source_key VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      flow_id VARCHAR,
      version INTEGER,
      run_id VARCHAR,
      step_id VARCHAR,
      channels VARCHAR NOT NULL,
      channel_index INTEGER NOT NULL,
      channel VARCHAR NOT NULL,
      promotional BOOLEAN NOT NULL,
      state VARCHAR NOT NULL,
      due_at TIMESTAMPTZ NOT NULL,
      planned BOOLEAN NOT NULL,
      expires_at TIMESTAMPTZ,
      idempotency_key VARCHAR NOT NULL,
      provider VARCHAR,
      provider_message_id VARCHAR,
      recipient VARCHAR,
      rendered VARCHAR,
      reason VARCHAR,
      deferred VARCHAR,
      attempts INTEGER NOT NULL,
      lease_owner VARCHAR,
      lease_until TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      sent_at TIMESTAMPTZ,
      delivered_at TIMESTAMPTZ,
      opened_at TIMESTAMPTZ,
      clicked_at TIMESTAMPTZ,
      PRIMARY KEY (shop_id, message_id),
      UNIQUE (shop_id, source_key)
    )`,
    {
      only: 'postgres',
      sql: "CREATE INDEX messages_due ON messages (due_at) WHERE state IN ('queued', 'sending')",
    },
    { only: 'postgres', sql: 'CREATE INDEX messages_by_customer ON messages (shop_id, customer_id, due_at)' },
    { only: 'postgres', sql: 'CREATE INDEX messages_by_key ON messages (shop_id, idempotency_key)' },
    {
      only: 'postgres',
      sql: 'CREATE INDEX messages_by_provider_id ON messages (shop_id, provider_message_id)',
    },
    // Opt-outs by channel and address (an e-mail, a phone, a PSID): recorded at once from an
    // unsubscribe link, an SMS STOP or a Zalo refusal, and never overwritten by an import.
    `CREATE TABLE opt_outs (
      shop_id VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      address VARCHAR NOT NULL,
      customer_id VARCHAR,
      source VARCHAR NOT NULL,
      opted_out_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, channel, address)
    )`,
    `CREATE TABLE staff_tasks (
      shop_id VARCHAR NOT NULL,
      task_id VARCHAR NOT NULL,
      source_key VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      flow_id VARCHAR,
      run_id VARCHAR,
      title VARCHAR NOT NULL,
      note VARCHAR,
      due_at TIMESTAMPTZ,
      state VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      done_at TIMESTAMPTZ,
      PRIMARY KEY (shop_id, task_id),
      UNIQUE (shop_id, source_key)
    )`,
  ],
};
