import type { Store } from '../store.js';

/** An owner manages the shop (settings, keys, users); staff work with its customers and data. */
export const USER_ROLES = ['owner', 'staff'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface UserRecord {
  shopId: string;
  userId: string;
  email: string;
  role: UserRole;
  createdAt: Date;
  /** When a password was last chosen; null while the user still has to choose one. */
  passwordSetAt: Date | null;
  disabledAt: Date | null;
}

/** A user with what signing in checks, which only the sign-in use case reads. */
export interface UserCredentials extends UserRecord {
  passwordHash: string | null;
  setupCodeHash: string | null;
  setupExpiresAt: Date | null;
}

export interface SessionRecord {
  shopId: string;
  userId: string;
  email: string;
  role: UserRole;
  csrfToken: string;
  expiresAt: Date;
}

type UserRow = {
  shop_id: string;
  user_id: string;
  email: string;
  role: UserRole;
  password_hash: string | null;
  setup_code_hash: string | null;
  setup_expires_at: Date | null;
  created_at: Date;
  password_set_at: Date | null;
  disabled_at: Date | null;
};

const USER_COLUMNS =
  'shop_id, user_id, email, role, password_hash, setup_code_hash, setup_expires_at, created_at, password_set_at, disabled_at';

const toCredentials = (r: UserRow): UserCredentials => ({
  shopId: r.shop_id,
  userId: r.user_id,
  email: r.email,
  role: r.role,
  createdAt: r.created_at,
  passwordSetAt: r.password_set_at,
  disabledAt: r.disabled_at,
  passwordHash: r.password_hash,
  setupCodeHash: r.setup_code_hash,
  setupExpiresAt: r.setup_expires_at,
});

/** The public part of a user (no hashes). */
export function publicUser(u: UserCredentials): UserRecord {
  return {
    shopId: u.shopId,
    userId: u.userId,
    email: u.email,
    role: u.role,
    createdAt: u.createdAt,
    passwordSetAt: u.passwordSetAt,
    disabledAt: u.disabledAt,
  };
}

export async function insertUser(store: Store, user: UserCredentials): Promise<void> {
  await store.engine.run(
    `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      user.shopId,
      user.userId,
      user.email,
      user.role,
      user.passwordHash,
      user.setupCodeHash,
      user.setupExpiresAt,
      user.createdAt,
      user.passwordSetAt,
      user.disabledAt,
    ],
  );
}

/** Every user with this e-mail, in any shop (sign-in is by e-mail), oldest first. */
export async function findUsersByEmail(store: Store, email: string): Promise<UserCredentials[]> {
  const rows = await store.engine.all<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE email = $1 ORDER BY shop_id, created_at`,
    [email],
  );
  return rows.map(toCredentials);
}

export async function findUser(
  store: Store,
  shopId: string,
  email: string,
): Promise<UserCredentials | undefined> {
  const rows = await store.engine.all<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE shop_id = $1 AND email = $2`,
    [shopId, email],
  );
  const row = rows[0];
  return row && toCredentials(row);
}

export async function listUsers(store: Store, shopId: string): Promise<UserRecord[]> {
  const rows = await store.engine.all<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE shop_id = $1 ORDER BY created_at, email`,
    [shopId],
  );
  return rows.map((r) => publicUser(toCredentials(r)));
}

export async function countUsers(store: Store, shopId: string): Promise<number> {
  const rows = await store.engine.all<{ n: number | bigint }>(
    'SELECT count(*) AS n FROM users WHERE shop_id = $1',
    [shopId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Sets a user's password (and spends the setup code). */
export async function setUserPassword(
  store: Store,
  shopId: string,
  userId: string,
  passwordHash: string,
  at: Date,
): Promise<void> {
  await store.engine.run(
    `UPDATE users SET password_hash = $3, password_set_at = $4, setup_code_hash = NULL, setup_expires_at = NULL
     WHERE shop_id = $1 AND user_id = $2`,
    [shopId, userId, passwordHash, at],
  );
}

/** Gives a user a new setup code (a password reset by the owner or the CLI). */
export async function setUserSetupCode(
  store: Store,
  shopId: string,
  userId: string,
  codeHash: string,
  expiresAt: Date,
): Promise<void> {
  await store.engine.run(
    'UPDATE users SET setup_code_hash = $3, setup_expires_at = $4 WHERE shop_id = $1 AND user_id = $2',
    [shopId, userId, codeHash, expiresAt],
  );
}

export async function insertSession(
  store: Store,
  session: SessionRecord & { sessionHash: string; createdAt: Date },
): Promise<void> {
  await store.engine.run(
    `INSERT INTO user_sessions (shop_id, session_hash, user_id, csrf_token, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      session.shopId,
      session.sessionHash,
      session.userId,
      session.csrfToken,
      session.createdAt,
      session.expiresAt,
    ],
  );
}

/** The live session with this hash and its user (not disabled), or undefined. */
export async function findSession(
  store: Store,
  sessionHash: string,
  now: Date,
): Promise<SessionRecord | undefined> {
  const rows = await store.engine.all<{
    shop_id: string;
    user_id: string;
    email: string;
    role: UserRole;
    csrf_token: string;
    expires_at: Date;
  }>(
    `SELECT s.shop_id, s.user_id, u.email, u.role, s.csrf_token, s.expires_at
     FROM user_sessions s JOIN users u ON u.shop_id = s.shop_id AND u.user_id = s.user_id
     WHERE s.session_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL`,
    [sessionHash, now],
  );
  const r = rows[0];
  return (
    r && {
      shopId: r.shop_id,
      userId: r.user_id,
      email: r.email,
      role: r.role,
      csrfToken: r.csrf_token,
      expiresAt: r.expires_at,
    }
  );
}

export async function deleteSession(store: Store, sessionHash: string): Promise<void> {
  await store.engine.run('DELETE FROM user_sessions WHERE session_hash = $1', [sessionHash]);
}

/** Ends every session of a user (a password change, a disabled user). */
export async function deleteUserSessions(store: Store, shopId: string, userId: string): Promise<void> {
  await store.engine.run('DELETE FROM user_sessions WHERE shop_id = $1 AND user_id = $2', [shopId, userId]);
}

/** Removes expired sessions (the nightly retention). */
export async function pruneSessions(store: Store, now: Date): Promise<number> {
  const rows = await store.engine.all<{ n: number | bigint }>(
    'SELECT count(*) AS n FROM user_sessions WHERE expires_at <= $1',
    [now],
  );
  await store.engine.run('DELETE FROM user_sessions WHERE expires_at <= $1', [now]);
  return Number(rows[0]?.n ?? 0);
}
