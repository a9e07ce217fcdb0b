import { type AppConfig, type ConfigFlags, loadConfig } from '../config.js';
import { openStore, type Store } from '../store/store.js';

/** What commands get from the CLI edge: configuration and a way to open the store. */
export interface CliDeps {
  config(flags: ConfigFlags): AppConfig;
  /** Opens the store named by --db (or NURTURE_DB, or ./nurture.duckdb). */
  openStore(dbOption: string | undefined): Promise<Store>;
  /** Output streams, so tests can capture them. */
  out: (text: string) => void;
  err: (text: string) => void;
}

export function defaultDeps(env: Record<string, string | undefined>): CliDeps {
  const config = (flags: ConfigFlags) => loadConfig(env, flags);
  return {
    config,
    openStore: (db) => openStore({ db: config({ db }).db }),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}

/** Opens the store, runs `fn`, and always closes it. */
export async function withStore<T>(
  deps: CliDeps,
  dbOption: string | undefined,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await deps.openStore(dbOption);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
