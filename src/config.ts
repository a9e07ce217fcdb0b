import { z } from 'zod';
import { DEFAULT_SHOP_ID } from './domain/model/shop.js';
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

export function loadConfig(env: Record<string, string | undefined>, flags: ConfigFlags = {}): AppConfig {
  const e = envSchema.parse({
    NURTURE_DB: env['NURTURE_DB'] || undefined,
    NURTURE_SHOP: env['NURTURE_SHOP'] || undefined,
    NURTURE_LANG: env['NURTURE_LANG'] || undefined,
  });
  const lang = z.enum(['vi', 'en']).parse(flags.lang ?? e.NURTURE_LANG ?? 'vi');
  return {
    db: flags.db ?? e.NURTURE_DB ?? DEFAULT_DB_PATH,
    shopId: flags.shop ?? e.NURTURE_SHOP ?? DEFAULT_SHOP_ID,
    lang,
  };
}

/** The database setting with any password hidden, for logs and messages. */
export function redactDb(db: string): string {
  return db.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
