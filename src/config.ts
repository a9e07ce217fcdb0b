import { z } from 'zod';
import { DEFAULT_SHOP_ID, shopIdSchema } from './domain/model/shop.js';
import { NurtureError } from './errors.js';
import { DEFAULT_DB_PATH } from './store/store.js';

/**
 * Configuration, parsed once at the edge from the environment and command-line flags.
 * Nothing below the transports reads process.env.
 */
const envSchema = z.object({
  NURTURE_DB: z.string().min(1).optional(),
  NURTURE_SHOP: z.string().min(1).optional(),
  NURTURE_LANG: z.enum(['vi', 'en']).optional(),
});

/** Settings that may hold credentials: never print them as they are. */
export const SECRET_SETTINGS = ['NURTURE_DB'] as const;

export interface AppConfig {
  /** DuckDB file, ':memory:' or postgres:// URL. */
  db: string;
  shopId: string;
  lang: 'vi' | 'en';
}

export interface ConfigFlags {
  db?: string | undefined;
  shop?: string | undefined;
  lang?: string | undefined;
}

/**
 * The settings from the flags, else the environment, else the defaults. A bad value is invalid
 * input naming the flag or the variable it came from (`--shop: "A" is not a shop id …`).
 */
export function loadConfig(env: Record<string, string | undefined>, flags: ConfigFlags = {}): AppConfig {
  const parsed = envSchema.safeParse({
    NURTURE_DB: env['NURTURE_DB'] || undefined,
    NURTURE_SHOP: env['NURTURE_SHOP'] || undefined,
    NURTURE_LANG: env['NURTURE_LANG'] || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidSetting(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  const lang = flags.lang ?? e.NURTURE_LANG ?? 'vi';
  if (lang !== 'vi' && lang !== 'en')
    throw invalidSetting(flags.lang === undefined ? 'NURTURE_LANG' : '--lang', `use vi or en, not "${lang}"`);
  const shopId = flags.shop ?? e.NURTURE_SHOP ?? DEFAULT_SHOP_ID;
  const shop = shopIdSchema.safeParse(shopId);
  if (!shop.success)
    throw invalidSetting(
      flags.shop === undefined ? 'NURTURE_SHOP' : '--shop',
      `${JSON.stringify(shopId)} is not a shop id (${shop.error.issues[0]?.message ?? 'invalid'})`,
    );
  return { db: flags.db ?? e.NURTURE_DB ?? DEFAULT_DB_PATH, shopId, lang };
}

function invalidSetting(name: string, reason: string): NurtureError {
  return new NurtureError('invalid_input', `${name}: ${reason}`, [{ path: name, reason }]);
}

/** The database setting with any password hidden, for logs and messages. */
export function redactDb(db: string): string {
  return db.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
