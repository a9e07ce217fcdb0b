import type { AppConfig } from '../config.js';
import type { IdPrefix } from '../domain/ids.js';
import { DEFAULT_SHOP_ID } from '../domain/model/shop.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { type Logger, silentLogger } from './logger.js';

/**
 * What every use case gets: the store, the clock, id generation, configuration and a logger.
 * A use case is `(ctx, input) => result`; the CLI, the HTTP routes and the jobs build one context
 * each and call the same functions.
 */
export interface AppContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly newId: (prefix: IdPrefix) => string;
  readonly config: AppConfig;
  readonly log: Logger;
}

export interface ContextOptions {
  config?: AppConfig;
  clock?: Clock;
  log?: Logger;
}

/** The configuration of a context made without one (tests, benchmarks, a throw-away store). */
const DEFAULT_CONFIG: AppConfig = { db: ':memory:', shopId: DEFAULT_SHOP_ID, lang: 'vi' };

/**
 * A context over an open store. The clock defaults to the store's id clock, so a store opened
 * with fixed ids (tests, the demo) and the use cases agree on what "now" is.
 */
export function makeContext(store: Store, options: ContextOptions = {}): AppContext {
  return {
    store,
    clock: options.clock ?? { now: () => new Date(store.ids.now()) },
    newId: store.newId,
    config: options.config ?? DEFAULT_CONFIG,
    log: options.log ?? silentLogger,
  };
}

/** The same context bound to a store in a transaction. */
export function withStore(ctx: AppContext, store: Store): AppContext {
  return { ...ctx, store };
}
