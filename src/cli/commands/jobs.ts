/**
 * `nurture jobs list|retry` (the seller's view of the job table) and `nurture worker` (runs the
 * dispatcher until SIGTERM/SIGINT, or with --drain until no job is due). Thin: options through
 * zod, one call, formatting.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { listShopJobs, retryShopJob } from '../../app/jobs.js';
import { JOB_STATES } from '../../domain/jobs/index.js';
import {
  type AppJobContext,
  appJobContext,
  applicationJobs,
  Dispatcher,
  type JobRegistry,
  type Log,
} from '../../engine/index.js';
import { NurtureError } from '../../errors.js';
import { table } from '../../report/text.js';
import type { Job } from '../../store/jobs/index.js';
import { type CliDeps, withContext, withStore } from '../context.js';
import { parseOptions } from '../options.js';

const common = z.object({
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

const count = (name: string, max: number) =>
  z.coerce
    .number({ error: `--${name} must be a number` })
    .int(`--${name} must be a whole number`)
    .min(1, `--${name} must be 1 or more`)
    .max(max, `--${name} must be at most ${max}`);

const schemas = {
  list: common.extend({
    state: z.enum(JOB_STATES, { error: `--state is one of ${JOB_STATES.join(', ')}` }).optional(),
    failed: z.boolean().optional(),
    kind: z.string().min(1).optional(),
    limit: count('limit', 100_000).default(50),
  }),
  retry: common,
  worker: z.object({
    db: z.string().min(1).optional(),
    concurrency: count('concurrency', 1000).default(4),
    pollMs: count('poll-ms', 3_600_000).default(1000),
    leaseMs: count('lease-ms', 86_400_000).default(60_000),
    batch: count('batch', 10_000).optional(),
    handlers: z.string().min(1).optional(),
    drain: z.boolean().optional(),
  }),
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const instant = (at: Date | null) => (at ? `${at.toISOString().slice(0, 19).replace('T', ' ')}` : '');
const firstLine = (text: string | null, max = 60) => {
  const line = (text ?? '').split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

function jobsTable(jobs: readonly Job[]): string {
  return table(
    ['job', 'kind', 'state', 'attempts', 'run at (UTC)', 'last error'],
    jobs.map((j) => [
      j.jobId,
      j.kind,
      j.state,
      `${j.attempts}/${j.maxAttempts}`,
      instant(j.runAt),
      firstLine(j.lastError),
    ]),
    [false, false, false, true, false, false],
  );
}

export function registerJobsCommands(program: Command, deps: CliDeps): void {
  const jobs = program.command('jobs').description('durable background jobs: list them, retry failed ones');
  const withCommon = (cmd: Command) =>
    cmd
      .option(
        '--db <path>',
        'DuckDB file, :memory: or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)',
      )
      .option('--shop <id>', 'shop id (default: NURTURE_SHOP or "default")')
      .option('--json', 'print JSON');

  withCommon(
    jobs.command('list').description("the shop's jobs, the latest first, and how many are in each state"),
  )
    .option('--state <state>', `only jobs in this state: ${JOB_STATES.join(' | ')}`)
    .option('--failed', 'only failed jobs (--state failed)')
    .option('--kind <kind>', 'only jobs of this kind')
    .option('--limit <n>', 'at most this many (default 50)')
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.list, raw);
      if (o.failed && o.state !== undefined && o.state !== 'failed')
        throw new NurtureError('invalid_input', `--failed and --state ${o.state} contradict each other`);
      const state = o.failed ? 'failed' : o.state;
      const { shopId } = deps.config({ db: o.db, shop: o.shop });
      await withContext(
        deps,
        { db: o.db, shop: o.shop },
        async (ctx) => {
          const { jobs: list, counts } = await listShopJobs(ctx, {
            shopId,
            limit: o.limit,
            state,
            kind: o.kind,
          });
          if (o.json) {
            deps.out(json({ counts, jobs: list }));
            return;
          }
          deps.out(list.length > 0 ? `${jobsTable(list)}\n` : 'no jobs\n');
          deps.out(`${JOB_STATES.map((s) => `${s} ${counts[s]}`).join(', ')}\n`);
        },
        'existing',
      );
    });

  withCommon(
    jobs
      .command('retry')
      .description('put a failed job back in the queue, due now, with a fresh set of attempts')
      .argument('<job-id>'),
  ).action(async (jobId: string, raw: unknown) => {
    const o = parseOptions(schemas.retry, raw);
    const { shopId } = deps.config({ db: o.db, shop: o.shop });
    await withContext(
      deps,
      { db: o.db, shop: o.shop },
      async (ctx) => {
        const job = await retryShopJob(ctx, { shopId, jobId });
        deps.out(
          o.json
            ? json(job)
            : `job ${job.jobId} (${job.kind}) queued again, ${job.maxAttempts} attempts` +
                `${job.lastError ? `; it last failed with: ${firstLine(job.lastError, 200)}` : ''}\n`,
        );
      },
      'existing',
    );
  });

  registerWorkerCommand(program, deps);
}

function registerWorkerCommand(program: Command, deps: CliDeps): void {
  program
    .command('worker')
    .description('run due jobs until SIGTERM or SIGINT (then finish the running ones and stop)')
    .option('--db <path>', 'DuckDB file or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)')
    .option('--concurrency <n>', 'jobs run at once (default 4)')
    .option('--poll-ms <n>', 'how often to look for due jobs when there are none (default 1000)')
    .option(
      '--lease-ms <n>',
      "how long a claimed job stays this worker's without a heartbeat (default 60000)",
    )
    .option('--batch <n>', 'at most this many jobs per claim (default: the concurrency)')
    .option('--handlers <module>', 'an ES module whose `handlers` export adds job kinds ({ kind: handler })')
    .option('--drain', 'stop once no job is due and none is running')
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.worker, raw);
      const registry = applicationJobs();
      if (o.handlers) await addHandlers(registry, o.handlers);
      await withStore(
        deps,
        o.db,
        async (store) => {
          const dispatcher = new Dispatcher({
            store,
            registry,
            context: appJobContext(deps.config({ db: o.db })),
            log: lineLog(deps.err),
            concurrency: o.concurrency,
            pollMs: o.pollMs,
            leaseMs: o.leaseMs,
            ...(o.batch ? { batchSize: o.batch } : {}),
          });
          if (o.drain) await dispatcher.drain();
          else await runUntilSignalled(dispatcher, deps);
          const s = dispatcher.stats;
          deps.out(
            o.drain && s.claimed === 0
              ? 'no job due\n'
              : `${s.done} done, ${s.retried} to retry, ${s.failed} failed` +
                  `${s.lost > 0 ? `, ${s.lost} taken over by another worker` : ''}\n`,
          );
        },
        'existing',
      );
    });
}

/** Starts the dispatcher and stops it gracefully on the first SIGTERM or SIGINT. */
async function runUntilSignalled(dispatcher: Dispatcher<AppJobContext>, deps: CliDeps): Promise<void> {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<void>((done) => {
    onSignal = (signal) => {
      deps.err(`${signal}: claiming nothing more, finishing ${dispatcher.inFlight} running job(s)\n`);
      done();
    };
  });
  for (const s of signals) process.once(s, onSignal);
  try {
    dispatcher.start();
    await signalled;
    await dispatcher.stop();
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
  }
}

/** Adds the handlers a module exports as `handlers` (an object of kind → function). */
async function addHandlers(registry: JobRegistry<AppJobContext>, file: string): Promise<void> {
  let module: { handlers?: unknown };
  try {
    module = (await import(pathToFileURL(resolve(file)).href)) as { handlers?: unknown };
  } catch (error) {
    throw new NurtureError(
      'invalid_input',
      `--handlers: cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const handlers = module.handlers;
  if (typeof handlers !== 'object' || handlers === null)
    throw new NurtureError('invalid_input', `--handlers: ${file} exports no \`handlers\` object`);
  for (const [kind, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function')
      throw new NurtureError(
        'invalid_input',
        `--handlers: the handler of '${kind}' in ${file} is not a function`,
      );
    if (registry.get(kind))
      throw new NurtureError('invalid_input', `--handlers: job kind '${kind}' in ${file} is already handled`);
    registry.register(kind, handler as Parameters<JobRegistry['register']>[1]);
  }
}

/** One line per event on stderr: time, level, message, fields as JSON. */
function lineLog(write: (text: string) => void): Log {
  return (level, message, fields) => {
    if (level === 'debug') return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(`${new Date().toISOString()} ${level} ${message}${extra}\n`);
  };
}
