import { type Logger as PinoLogger, pino } from 'pino';
import { type AppContext, makeContext } from '../app/context.js';
import type { AppConfig } from '../config.js';
import { openStore } from '../store/store.js';
import type { RouteSpec } from './route.js';
import { buildServer, type NurtureServer } from './server.js';

export interface ServeOptions {
  config: AppConfig;
  host: string;
  port: number;
  /** The log (default: pino, JSON lines on stderr at info). */
  log?: PinoLogger;
  extraRoutes?: (ctx: AppContext) => readonly RouteSpec[];
  /** Work that runs beside the HTTP server (the job dispatcher); stopped after HTTP on shutdown. */
  background?: (ctx: AppContext) => { stop(): Promise<void> };
}

export interface RunningServer {
  server: NurtureServer;
  ctx: AppContext;
  /** The address it listens on, e.g. http://127.0.0.1:8787. */
  url: string;
  /** Graceful shutdown: stop accepting, finish in-flight requests and jobs, release the database. */
  stop(): Promise<void>;
}

/**
 * `nurture serve`: opens the store (the server owns a DuckDB file from now on), builds the HTTP
 * server and its background work, listens. `stop` is what SIGTERM/SIGINT call.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const store = await openStore({ db: options.config.db });
  let stopping = false;
  const log = options.log ?? pino({ level: 'info' }, pino.destination(2));
  const ctx = makeContext(store, { config: options.config, log });
  const server = await buildServer({
    ctx,
    logger: log,
    stopping: () => stopping,
    extraRoutes: options.extraRoutes?.(ctx) ?? [],
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const background = options.background?.(ctx);
  try {
    await server.app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await background?.stop();
    await store.close();
    throw error;
  }
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      log.info({}, 'shutting down: no new requests, finishing in-flight work');
      // Keep-alive sockets that fall idle once their request is answered are closed as they do,
      // so that the close does not wait for clients' keep-alive timeouts.
      const sweep = setInterval(() => server.app.server.closeIdleConnections(), 50);
      try {
        await server.app.close();
      } finally {
        clearInterval(sweep);
      }
      await background?.stop();
      await store.close();
      log.info({}, 'stopped; the database is released');
    })();
    return stopped;
  };
  return { server, ctx, url, stop };
}
