/**
 * The dashboard's users and sessions: create a user (with a password, or a one-time setup code to
 * choose it at first sign-in), sign in, the session of a cookie, sign out. A session belongs to
 * one shop: every page reads the shop from it and from nowhere else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { shopIdSchema } from '../domain/model/shop.js';
import { NurtureError } from '../errors.js';
import {
  countUsers,
  deleteSession,
  deleteUserSessions,
  findSession,
  findUser,
  findUsersByEmail,
  insertSession,
  insertUser,
  listUsers,
  publicUser,
  type SessionRecord,
  setUserPassword,
  setUserSetupCode,
  USER_ROLES,
  type UserCredentials,
  type UserRecord,
} from '../store/users/index.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';

export type { SessionRecord, UserRecord, UserRole } from '../store/users/index.js';

/** How long a session lasts without signing in again. */
export const SESSION_DAYS = 14;
/** How long a setup code is good for. */
export const SETUP_CODE_HOURS = 72;
export const MIN_PASSWORD_LENGTH = 10;

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'not an e-mail address' }).max(254));
const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, 'at most 1024 characters');

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const token = (bytes: number) => randomBytes(bytes).toString('base64url');

export const createUserInputSchema = z.object({
  shopId: shopIdSchema,
  email: emailSchema,
  role: z.enum(USER_ROLES, { error: 'role is owner or staff' }).default('staff'),
  /** Given: the user signs in with it. Left out: a setup code is made to choose it at first sign-in. */
  password: passwordSchema.optional(),
});
export type CreateUserInput = z.input<typeof createUserInputSchema>;

export interface CreatedUser {
  user: UserRecord;
  /** The one-time code to choose a password at first sign-in (when none was given); shown once. */
  setupCode?: string;
  setupExpiresAt?: Date;
}

/** Creates a user of a shop (the shop too, on a fresh database). An e-mail is one user per shop. */
export async function createUser(ctx: AppContext, input: CreateUserInput): Promise<CreatedUser> {
  const valid = parseInput(createUserInputSchema, input);
  await ctx.store.ensureShop({ shopId: valid.shopId });
  if (await findUser(ctx.store, valid.shopId, valid.email))
    throw new NurtureError('conflict', `shop ${valid.shopId} already has a user ${valid.email}`, [
      { path: 'email', reason: 'already a user of this shop' },
    ]);
  const now = ctx.clock.now();
  const setupCode = valid.password === undefined ? token(18) : undefined;
  const setupExpiresAt = setupCode ? new Date(now.getTime() + SETUP_CODE_HOURS * 3_600_000) : undefined;
  const user: UserCredentials = {
    shopId: valid.shopId,
    userId: ctx.newId('usr'),
    email: valid.email,
    role: valid.role,
    createdAt: now,
    passwordSetAt: valid.password === undefined ? null : now,
    disabledAt: null,
    passwordHash: valid.password === undefined ? null : await hashPassword(valid.password),
    setupCodeHash: setupCode ? sha256(setupCode) : null,
    setupExpiresAt: setupExpiresAt ?? null,
  };
  await insertUser(ctx.store, user);
  ctx.log.info({ shopId: user.shopId, userId: user.userId, role: user.role }, 'user created');
  return { user: publicUser(user), ...(setupCode && setupExpiresAt ? { setupCode, setupExpiresAt } : {}) };
}

/** How many users a shop has (none: `nurture serve` offers to create the owner). */
export function countShopUsers(ctx: AppContext, input: { shopId: string }): Promise<number> {
  return countUsers(ctx.store, input.shopId);
}

/**
 * The first owner of a shop that has no user yet (the welcome page `nurture serve` prints the
 * link of), signed in at once. Refused once the shop has a user.
 */
export async function createFirstOwner(
  ctx: AppContext,
  input: { shopId: string; email: string; password: string },
): Promise<NewSession> {
  if ((await countUsers(ctx.store, input.shopId)) > 0)
    throw new NurtureError('conflict', 'this shop has its owner already: sign in');
  const { user } = await createUser(ctx, { ...input, role: 'owner' });
  return startSession(ctx, user);
}

export function listShopUsers(ctx: AppContext, input: { shopId: string }): Promise<UserRecord[]> {
  return listUsers(ctx.store, input.shopId);
}

/** A new setup code for a user (a forgotten password): the old password stays until a new one is chosen. */
export async function resetUserSetupCode(
  ctx: AppContext,
  input: { shopId: string; email: string },
): Promise<{ setupCode: string; setupExpiresAt: Date }> {
  const email = parseInput(emailSchema, input.email);
  const user = await findUser(ctx.store, input.shopId, email);
  if (!user) throw new NurtureError('not_found', `shop ${input.shopId} has no user ${email}`);
  const setupCode = token(18);
  const setupExpiresAt = new Date(ctx.clock.now().getTime() + SETUP_CODE_HOURS * 3_600_000);
  await setUserSetupCode(ctx.store, user.shopId, user.userId, sha256(setupCode), setupExpiresAt);
  return { setupCode, setupExpiresAt };
}

export const signInInputSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, 'the password is missing').max(1024),
  /** Which shop, when the e-mail is a user of several. */
  shopId: shopIdSchema.optional(),
});

/** A signed-in session: the cookie's token (shown once, kept as its hash) and what it carries. */
export interface NewSession {
  token: string;
  session: SessionRecord;
}

const WRONG = () => new NurtureError('unauthorized', 'the e-mail or the password is wrong');

/**
 * Signs a user in with e-mail and password. A wrong e-mail and a wrong password fail alike and
 * take as long (a decoy hash is checked when no user matches). An e-mail that is a user of several
 * shops needs `shopId` (the error says so and lists nothing).
 */
export async function signIn(ctx: AppContext, input: z.input<typeof signInInputSchema>): Promise<NewSession> {
  const valid = parseInput(signInInputSchema, input);
  const users = (await findUsersByEmail(ctx.store, valid.email)).filter(
    (u) => u.disabledAt === null && (valid.shopId === undefined || u.shopId === valid.shopId),
  );
  const matching: UserCredentials[] = [];
  for (const user of users)
    if (user.passwordHash && (await verifyPassword(valid.password, user.passwordHash))) matching.push(user);
  if (users.length === 0) await verifyPassword(valid.password, await decoyHash());
  const [user, ...others] = matching;
  if (!user) throw WRONG();
  if (others.length > 0)
    throw new NurtureError('invalid_input', 'this e-mail signs in to several shops: choose the shop', [
      { path: 'shopId', reason: 'choose the shop' },
    ]);
  return startSession(ctx, user);
}

export const setupPasswordInputSchema = z.object({
  email: emailSchema,
  code: z.string().trim().min(1, 'the setup code is missing').max(200),
  password: passwordSchema,
});

/** Chooses a password with a setup code (first sign-in, or after a reset), then signs in. */
export async function setupPassword(
  ctx: AppContext,
  input: z.input<typeof setupPasswordInputSchema>,
): Promise<NewSession> {
  const valid = parseInput(setupPasswordInputSchema, input);
  const now = ctx.clock.now();
  const codeHash = sha256(valid.code);
  const user = (await findUsersByEmail(ctx.store, valid.email)).find(
    (u) =>
      u.disabledAt === null &&
      u.setupCodeHash === codeHash &&
      u.setupExpiresAt !== null &&
      u.setupExpiresAt.getTime() > now.getTime(),
  );
  if (!user) throw new NurtureError('unauthorized', 'the setup code is wrong or has expired');
  await setUserPassword(ctx.store, user.shopId, user.userId, await hashPassword(valid.password), now);
  await deleteUserSessions(ctx.store, user.shopId, user.userId);
  ctx.log.info({ shopId: user.shopId, userId: user.userId }, 'password chosen');
  return startSession(ctx, { ...user, passwordSetAt: now });
}

async function startSession(ctx: AppContext, user: UserRecord): Promise<NewSession> {
  const now = ctx.clock.now();
  const sessionToken = token(32);
  const session: SessionRecord = {
    shopId: user.shopId,
    userId: user.userId,
    email: user.email,
    role: user.role,
    csrfToken: token(24),
    expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000),
  };
  await insertSession(ctx.store, { ...session, sessionHash: sha256(sessionToken), createdAt: now });
  ctx.log.info({ shopId: user.shopId, userId: user.userId }, 'signed in');
  return { token: sessionToken, session };
}

/** The live session of a cookie's token, or undefined (unknown, expired, signed out, user disabled). */
export function findUserSession(ctx: AppContext, sessionToken: string): Promise<SessionRecord | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(sessionToken)) return Promise.resolve(undefined);
  return findSession(ctx.store, sha256(sessionToken), ctx.clock.now());
}

/** Ends a session. */
export async function signOut(ctx: AppContext, sessionToken: string): Promise<void> {
  await deleteSession(ctx.store, sha256(sessionToken));
}

/** The hash a session is kept under (for caches that must forget it on sign-out). */
export const sessionKey = sha256;
