import type { Command } from 'commander';
import { z } from 'zod';
import { startServer } from '../../server/run.js';
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
});

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
    .action(async (raw: unknown) => {
      const o = parseOptions(optionsSchema, raw);
      const config = deps.config({ db: o.db });
      const running = await startServer({ config, host: o.host, port: o.port });
      deps.err(`nurture: serving on ${running.url} (API docs: ${running.url}/api/docs); Ctrl-C stops\n`);
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
