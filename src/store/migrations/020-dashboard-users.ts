import type { Migration } from './index.js';

/**
 * The dashboard's users (per shop: owner or staff) and their sign-in sessions.
 *
 * A user's password is kept as a scrypt hash (`scrypt$N$r$p$salt$hash`); a user created without
 * one gets a one-time setup code (its SHA-256 kept) to choose it at first sign-in. Sessions are
 * found by the SHA-256 of the cookie's token, across shops (the token says which shop), as API
 * keys are by their hash (012).
 */
export const dashboardUsers: Migration = {
  version: 20,
  name: 'dashboard-users',
  statements: [
    `CREATE TABLE users (
      shop_id VARCHAR NOT NULL,
      user_id VARCHAR NOT NULL,
      email VARCHAR NOT NULL,
      role VARCHAR NOT NULL,
      password_hash VARCHAR,
      setup_code_hash VARCHAR,
      setup_expires_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL,
      password_set_at TIMESTAMPTZ,
      disabled_at TIMESTAMPTZ,
      PRIMARY KEY (shop_id, user_id),
      UNIQUE (shop_id, email)
    )`,
    'CREATE INDEX users_by_email ON users (email)',
    `CREATE TABLE user_sessions (
      shop_id VARCHAR NOT NULL,
      session_hash VARCHAR NOT NULL,
      user_id VARCHAR NOT NULL,
      csrf_token VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, session_hash)
    )`,
    'CREATE INDEX user_sessions_by_hash ON user_sessions (session_hash)',
  ],
};
