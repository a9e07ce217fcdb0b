import { existsSync, rmSync } from 'node:fs';
import { type AppContext, makeContext } from '../app/context.js';
import { type AppConfig, type ConfigFlags, loadConfig } from '../config.js';
import { NurtureError } from '../errors.js';
import { isPostgresUrl, openStore, type Store } from '../store/store.js';

/** What commands get from the CLI edge: configuration and a way to open the store. */
export interface CliDeps {
  config(flags: ConfigFlags): AppConfig;
  /**
   * Opens the store named by --db (or NURTURE_DB, or ./nurture.duckdb). 'existing' refuses a DuckDB
   * file that is not there instead of creating an empty one (commands that only read a shop).
   */
  openStore(dbOption: string | undefined, mode?: StoreMode): Promise<Store>;
  /**
   * Set in the server that carries out forwarded commands: this process owns the database, so a
   * command is never handed over again (see cli/forward.ts).
   */
  ownsDatabase?: boolean;
  /** Output streams, so tests can capture them. */
  out: (text: string) => void;
  err: (text: string) => void;
  /** All of standard input (a password given with --password-stdin); '' when there is none. */
  readStdin?: () => Promise<string>;
}

/** Whether a command may create the store ('create': import, demo) or needs one ('existing'). */
export type StoreMode = 'create' | 'existing';

export function defaultDeps(env: Record<string, string | undefined>): CliDeps {
  const config = (flags: ConfigFlags) => loadConfig(env, flags);
  return {
    config,
    openStore: async (db, mode = 'create') => {
      const path = config({ db }).db;
      if (mode === 'existing' && !isPostgresUrl(path) && path !== ':memory:' && !existsSync(path))
        throw new NurtureError(
          'not_found',
          `no database at ${path}: import a file or run \`nurture demo\` first, or name one with --db`,
        );
      return openStore({ db: path });
    },
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    readStdin: async () => {
      if (process.stdin.isTTY) return '';
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/**
 * Opens the store, runs `fn`, and always closes it. A command that fails leaves no new database
 * behind: a DuckDB file it created (with its write-ahead log) is removed again.
 */
export async function withStore<T>(
  deps: CliDeps,
  dbOption: string | undefined,
  fn: (store: Store) => Promise<T>,
  mode: StoreMode = 'create',
): Promise<T> {
  const path = deps.config({ db: dbOption }).db;
  const created = mode === 'create' && !isPostgresUrl(path) && path !== ':memory:' && !existsSync(path);
  let failed = true;
  try {
    const store = await deps.openStore(dbOption, mode);
    try {
      const result = await fn(store);
      failed = false;
      return result;
    } finally {
      await store.close();
    }
  } finally {
    if (failed && created) for (const file of [path, `${path}.wal`]) rmSync(file, { force: true });
  }
}

/** Opens the store, runs a use case with a context over it (config from the same flags), closes it. */
export function withContext<T>(
  deps: CliDeps,
  flags: ConfigFlags,
  fn: (ctx: AppContext) => Promise<T>,
  mode: StoreMode = 'create',
): Promise<T> {
  const config = deps.config(flags);
  return withStore(deps, flags.db, (store) => fn(makeContext(store, { config })), mode);
}
