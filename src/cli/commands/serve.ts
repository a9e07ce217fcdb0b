import type { Command } from 'commander';
import { z } from 'zod';
import { type AppConfig, loadConfig } from '../../config.js';
import { NurtureError } from '../../errors.js';
import { type Catalogue, fill } from '../../report/i18n.js';
import type { ForwardedCommand } from '../../server/routes/cli.js';
import { startServer } from '../../server/run.js';
import type { Store } from '../../store/store.js';
import type { CliDeps } from '../context.js';
import { parseOptions } from '../options.js';

const optionsSchema = z.object({
  db: z.string().min(1).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce
    .number({ error: '--port must be a number' })
    .int('--port must be a whole number')
    .min(0, '--port must be 0–65535')
    .max(65_535, '--port must be 0–65535')
    .default(8787),
  worker: z.boolean().default(true),
  lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional(),
});

/** What `serve` says on stderr when it starts; the URLs stay where a script finds them. */
const T = {
  serving: {
    vi: 'nurture: đang chạy tại {url} (bảng điều khiển: {url}/, tài liệu API: {url}/api/docs); Ctrl-C để dừng',
    en: 'nurture: serving on {url} (dashboard: {url}/, API docs: {url}/api/docs); Ctrl-C stops',
  },
  welcome: {
    vi: 'nurture: shop {shop} chưa có người dùng bảng điều khiển: mở {link} để tạo chủ shop (hoặc: nurture user create --email E --role owner)',
    en: 'nurture: shop {shop} has no dashboard user yet: open {link} to create its owner (or: nurture user create --email E --role owner)',
  },
} as const satisfies Catalogue;

/**
 * `nurture serve`: the API, store webhooks, storefront tracking and the jobs in one process that
 * owns the database. Runs until SIGTERM or SIGINT, then shuts down gracefully.
 */
export function registerServeCommand(program: Command, deps: CliDeps): void {
  program
    .command('serve')
    .description('run the server: JSON API, store webhooks, storefront tracking, jobs')
    .option('--db <path>', 'DuckDB file or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8787')
    .option(
      '--no-worker',
      'run no jobs and no flows in this process (PostgreSQL: leave them to `nurture worker` processes)',
    )
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)')
    .action(async (raw: unknown) => {
      const o = parseOptions(optionsSchema, raw);
      const config = deps.config({ db: o.db });
      const lang = deps.config({ db: o.db, lang: o.lang }).lang;
      let store: Store | undefined;
      const running = await startServer({
        config,
        host: o.host,
        port: o.port,
        jobs: { enabled: o.worker },
        flows: { enabled: o.worker },
        cli: (command) => runForwarded(command, config, () => store),
      });
      store = running.ctx.store;
      deps.err(`${fill(T.serving, lang, { url: running.url })}\n`);
      if (running.welcomeUrl)
        deps.err(`${fill(T.welcome, lang, { shop: config.shopId, link: running.welcomeUrl })}\n`);
      await new Promise<void>((resolve) => {
        const onSignal = () => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          running.stop().then(resolve, resolve);
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
      });
    });
}

/**
 * Carries out a command that `nurture` handed over: the same program, with this server's store
 * (not closed after the command), the caller's working directory for relative paths, and its
 * output captured. Commands run one at a time (the route queues them), so changing directory
 * for the duration of one is safe: nothing else in the server reads relative paths.
 */
async function runForwarded(
  command: ForwardedCommand,
  config: AppConfig,
  store: () => Store | undefined,
): Promise<{ code: number; out: string; err: string }> {
  const { runCli } = await import('../program.js');
  const owned = store();
  if (!owned) throw new NurtureError('store_unavailable', 'the server is starting');
  let out = '';
  let err = '';
  const env = { NURTURE_DB: config.db, NURTURE_SHOP: command.shop, NURTURE_LANG: command.lang };
  const deps: CliDeps = {
    config: (flags) => loadConfig(env, { ...flags, db: config.db }),
    // The server's own store, lent: the command's `close` does not close it.
    openStore: async () => Object.create(owned, { close: { value: async () => {} } }) as Store,
    ownsDatabase: true,
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readStdin: async () => command.stdin ?? '',
  };
  const previous = process.cwd();
  process.chdir(command.cwd);
  try {
    return { code: await runCli(command.argv, deps), out, err };
  } finally {
    process.chdir(previous);
  }
}
