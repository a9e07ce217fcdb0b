import { randomBytes } from 'node:crypto';
import { type Logger as PinoLogger, pino } from 'pino';
import { type AppContext, makeContext } from '../app/context.js';
import { scheduleNightly } from '../app/nightly.js';
import { TrackingWriter } from '../app/tracking.js';
import { countShopUsers } from '../app/users.js';
import { resumePendingWebhooks, WebhookIntake } from '../app/webhook-intake.js';
import type { AppConfig } from '../config.js';
import {
  type AppJobContext,
  appJobContext,
  applicationJobs,
  Dispatcher,
  defaultOwner,
  FlowWorker,
  type Log,
} from '../engine/index.js';
import { openStore } from '../store/store.js';
import { isDuckDbFile, type OwnerRecord, removeOwnerFile, writeOwnerFile } from './owner-file.js';
import { RateLimiter } from './rate-limit.js';
import { ReadPool } from './read-pool.js';
import { type CliRunner, cliRoutes } from './routes/cli.js';
import { loyaltyStorefrontRoutes } from './routes/loyalty.js';
import { surveyRoutes } from './routes/loyalty-feedback.js';
import { popupRoutes, sitePopupRoutes } from './routes/popups.js';
import { storefrontRecommendationRoutes } from './routes/recommend.js';
import { trackingRoutes } from './routes/tracking.js';
import { webhookRoutes } from './routes/webhooks.js';
import { widgetRoutes } from './routes/widget.js';
import { buildServer, type NurtureServer } from './server.js';

/**
 * Connections for the API's reads (DuckDB): a few, so that requests run beside each other on
 * both cores of a small machine; more only add memory.
 */
const READ_CONNECTIONS = 3;

export interface ServeOptions {
  config: AppConfig;
  host: string;
  port: number;
  /** The log (default: pino, JSON lines on stderr at info). */
  log?: PinoLogger;
  /** Jobs: how many at once and how often to look for due ones (default 4, 500 ms). */
  jobs?: { concurrency?: number; pollMs?: number; enabled?: boolean };
  /** Flows: how often the worker looks for due runs and messages (default 1 s); off with enabled false. */
  flows?: { pollMs?: number; enabled?: boolean };
  /**
   * Runs CLI commands handed over by `nurture` while this server owns a DuckDB file (the owner
   * file beside it says where the server is). Without it, no owner file is written.
   */
  cli?: CliRunner;
  /** Storefront limits per publishable key and per address (requests per second, burst). */
  tracking?: { perKey?: { perSecond: number; burst: number }; perIp?: { perSecond: number; burst: number } };
}

export interface RunningServer {
  server: NurtureServer;
  ctx: AppContext;
  /** The address it listens on, e.g. http://127.0.0.1:8787. */
  url: string;
  /** The link that creates the shop's first dashboard user, while it has none. */
  welcomeUrl: string | undefined;
  dispatcher: Dispatcher<AppJobContext> | undefined;
  flowWorker: FlowWorker | undefined;
  /** Graceful shutdown: stop accepting, finish in-flight requests and jobs, release the database. */
  stop(): Promise<void>;
}

/** The engine's function-shaped log onto pino. */
function engineLog(log: PinoLogger): Log {
  return (level, message, fields) => log[level](fields ?? {}, message);
}

/**
 * `nurture serve`: opens the store (the server owns a DuckDB file from now on) and runs, in one
 * process, the JSON API, the store webhooks, storefront tracking and its widget (`/widget.js`) and
 * the job dispatcher (webhook processing, the nightly recompute). `stop` is what SIGTERM/SIGINT call.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const store = await openStore({ db: options.config.db });
  let stopping = false;
  const log = options.log ?? pino({ level: 'info' }, pino.destination(2));
  const ctx = makeContext(store, { config: options.config, log });
  // Connections of their own (DuckDB; PostgreSQL's pool is concurrent already): the API's reads
  // and the intake of webhooks and storefront events do not queue behind the jobs' writes.
  const readers: AppContext[] = [];
  for (let i = 0; i < READ_CONNECTIONS; i++)
    readers.push(makeContext(await store.separateConnection(), { config: options.config, log }));
  const intakeCtx = makeContext(await store.separateConnection(), { config: options.config, log });
  const intake = new WebhookIntake(intakeCtx);
  const writer = new TrackingWriter(intakeCtx);
  const limits = {
    perKey: new RateLimiter(options.tracking?.perKey ?? { perSecond: 200, burst: 400 }),
    perIp: new RateLimiter(options.tracking?.perIp ?? { perSecond: 50, burst: 100 }),
  };
  const dispatcher =
    options.jobs?.enabled === false
      ? undefined
      : new Dispatcher<AppJobContext>({
          store,
          registry: applicationJobs(),
          context: appJobContext(options.config, log),
          log: engineLog(log),
          concurrency: options.jobs?.concurrency ?? 4,
          pollMs: options.jobs?.pollMs ?? 500,
        });
  const flowWorker =
    options.flows?.enabled === false
      ? undefined
      : new FlowWorker({
          ctx,
          owner: dispatcher?.owner ?? defaultOwner(),
          log: engineLog(log),
          pollMs: options.flows?.pollMs ?? 1000,
        });
  let server: NurtureServer;
  let owner: OwnerRecord | undefined;
  const firstOwner =
    (await countShopUsers(ctx, { shopId: options.config.shopId })) === 0
      ? { shopId: options.config.shopId, code: randomBytes(18).toString('base64url') }
      : undefined;
  try {
    server = await buildServer({
      ctx,
      readPool: new ReadPool(readers),
      logger: log,
      stopping: () => stopping,
      ...(firstOwner ? { firstOwner } : {}),
      extraRoutes: [
        ...webhookRoutes(intake),
        ...trackingRoutes(intakeCtx, writer, limits),
        ...popupRoutes(intakeCtx, limits),
        ...loyaltyStorefrontRoutes(limits),
        ...surveyRoutes(intakeCtx, limits),
        ...storefrontRecommendationRoutes(intakeCtx, limits),
        ...sitePopupRoutes(),
        ...widgetRoutes(),
        ...(options.cli ? cliRoutes(() => owner?.token, options.cli) : []),
      ],
    });
    await scheduleNightly(ctx);
    await resumePendingWebhooks(ctx);
    dispatcher?.start();
    flowWorker?.start();
    await server.app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await dispatcher?.stop();
    await flowWorker?.stop();
    await store.close();
    throw error;
  }
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  if (options.cli && isDuckDbFile(options.config.db)) owner = writeOwnerFile(options.config.db, url);
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
      await intake.flush();
      await writer.flush();
      await dispatcher?.stop();
      await flowWorker?.stop();
      if (owner) removeOwnerFile(options.config.db, owner);
      await store.close();
      log.info({}, 'stopped; the database is released');
    })();
    return stopped;
  };
  const welcomeUrl = firstOwner ? `${url}/welcome?code=${firstOwner.code}` : undefined;
  return { server, ctx, url, welcomeUrl, dispatcher, flowWorker, stop };
}
