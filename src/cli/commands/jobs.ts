/**
 * `nurture jobs list|retry` (the seller's view of the job table) and `nurture worker` (runs the
 * dispatcher until SIGTERM/SIGINT, or with --drain until no job is due). Thin: options through
 * zod, one call, formatting.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { type AppContext, makeContext } from '../../app/context.js';
import { listShopJobs, retryShopJob } from '../../app/jobs.js';
import { shopTimeZone } from '../../app/shop-settings.js';
import type { Localized } from '../../domain/analytics/types.js';
import type { JobState } from '../../domain/jobs/index.js';
import { JOB_STATES } from '../../domain/jobs/index.js';
import {
  type AppJobContext,
  appJobContext,
  applicationJobs,
  Dispatcher,
  FlowWorker,
  type JobRegistry,
  type Log,
} from '../../engine/index.js';
import { NurtureError } from '../../errors.js';
import { type Formatter, formatterFor, type Lang } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import { table } from '../../report/text.js';
import type { Job } from '../../store/jobs/index.js';
import { type CliDeps, withContext, withStore } from '../context.js';
import { common, parseOptions, withCommon } from '../options.js';

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
    lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional(),
  }),
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** What `jobs` and `worker` print, in both languages; `--json` and the worker's log stay English. */
const T = {
  job: { vi: 'việc', en: 'job' },
  kind: { vi: 'loại', en: 'kind' },
  state: { vi: 'trạng thái', en: 'state' },
  attempts: { vi: 'số lần chạy', en: 'attempts' },
  runAt: { vi: 'chạy lúc ({zone})', en: 'run at ({zone})' },
  lastError: { vi: 'lỗi gần nhất', en: 'last error' },
  none: { vi: 'chưa có việc nào', en: 'no jobs' },
  requeued: {
    vi: 'việc {id} ({kind}) đã vào hàng đợi lại, {attempts} lần thử',
    en: 'job {id} ({kind}) queued again, {attempts} attempts',
  },
  lastFailed: { vi: '; lần trước lỗi: {error}', en: '; it last failed with: {error}' },
  noneDue: { vi: 'không có việc nào đến hạn', en: 'no job due' },
  worked: {
    vi: '{done} xong, {retried} sẽ chạy lại, {failed} lỗi',
    en: '{done} done, {retried} to retry, {failed} failed',
  },
  lost: { vi: ', {lost} do worker khác nhận', en: ', {lost} taken over by another worker' },
  stopping: {
    vi: '{signal}: không nhận thêm việc, đang hoàn tất {n} việc đang chạy',
    en: '{signal}: claiming nothing more, finishing {n} running job(s)',
  },
} as const satisfies Catalogue;

/** Job states as the seller reads them (`--state` takes the English names). */
const STATES: Record<JobState, Localized> = {
  queued: { vi: 'đang chờ', en: 'queued' },
  running: { vi: 'đang chạy', en: 'running' },
  done: { vi: 'xong', en: 'done' },
  failed: { vi: 'lỗi', en: 'failed' },
};

/** The language's formatter and the shop's time zone, for the job list's times. */
interface View {
  f: Formatter;
  zone: string;
}

async function viewOf(ctx: AppContext, shopId: string, lang: Lang): Promise<View> {
  return { f: formatterFor(lang), zone: await shopTimeZone(ctx, shopId) };
}
const firstLine = (text: string | null, max = 60) => {
  const line = (text ?? '').split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

function jobsTable(jobs: readonly Job[], v: View): string {
  const lang = v.f.lang;
  return table(
    [
      ...[T.job, T.kind, T.state, T.attempts].map((h) => tr(h, lang)),
      fill(T.runAt, lang, { zone: v.zone }),
      tr(T.lastError, lang),
    ],
    jobs.map((j) => [
      j.jobId,
      j.kind,
      tr(STATES[j.state], lang),
      `${j.attempts}/${j.maxAttempts}`,
      j.runAt ? v.f.dateTime(j.runAt, v.zone) : '',
      firstLine(j.lastError),
    ]),
    [false, false, false, true, false, false],
  );
}

export function registerJobsCommands(program: Command, deps: CliDeps): void {
  const jobs = program.command('jobs').description('durable background jobs: list them, retry failed ones');
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
      const { shopId, lang } = deps.config({ db: o.db, shop: o.shop, lang: o.lang });
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
          const v = await viewOf(ctx, shopId, lang);
          deps.out(list.length > 0 ? `${jobsTable(list, v)}\n` : `${tr(T.none, lang)}\n`);
          deps.out(`${JOB_STATES.map((s) => `${tr(STATES[s], lang)} ${v.f.count(counts[s])}`).join(', ')}\n`);
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
    const { shopId, lang } = deps.config({ db: o.db, shop: o.shop, lang: o.lang });
    await withContext(
      deps,
      { db: o.db, shop: o.shop },
      async (ctx) => {
        const job = await retryShopJob(ctx, { shopId, jobId });
        deps.out(
          o.json
            ? json(job)
            : fill(T.requeued, lang, { id: job.jobId, kind: job.kind, attempts: job.maxAttempts }) +
                `${job.lastError ? fill(T.lastFailed, lang, { error: firstLine(job.lastError, 200) }) : ''}\n`,
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
      "how long a claimed job (or a message being sent) stays this worker's without a heartbeat (default 60000)",
    )
    .option('--batch <n>', 'at most this many jobs per claim (default: the concurrency)')
    .option('--handlers <module>', 'an ES module whose `handlers` export adds job kinds ({ kind: handler })')
    .option('--drain', 'stop once no job is due and none is running')
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)')
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.worker, raw);
      const f = formatterFor(deps.config({ db: o.db, lang: o.lang }).lang);
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
          const flows = new FlowWorker({
            ctx: makeContext(store, { config: deps.config({ db: o.db }) }),
            owner: dispatcher.owner,
            log: lineLog(deps.err),
            pollMs: o.pollMs,
            leaseMs: o.leaseMs,
          });
          if (o.drain) {
            await dispatcher.drain();
            try {
              await flows.tick();
            } finally {
              await flows.stop(); // closes the SMTP connections the pass kept open
            }
          } else {
            flows.start();
            try {
              await runUntilSignalled(dispatcher, deps, f.lang);
            } finally {
              await flows.stop();
            }
          }
          const s = dispatcher.stats;
          const n = { done: f.count(s.done), retried: f.count(s.retried), failed: f.count(s.failed) };
          deps.out(
            o.drain && s.claimed === 0
              ? `${tr(T.noneDue, f.lang)}\n`
              : `${fill(T.worked, f.lang, n)}${s.lost > 0 ? fill(T.lost, f.lang, { lost: f.count(s.lost) }) : ''}\n`,
          );
        },
        'existing',
      );
    });
}

/** Starts the dispatcher and stops it gracefully on the first SIGTERM or SIGINT. */
async function runUntilSignalled(
  dispatcher: Dispatcher<AppJobContext>,
  deps: CliDeps,
  lang: Lang,
): Promise<void> {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<void>((done) => {
    onSignal = (signal) => {
      deps.err(`${fill(T.stopping, lang, { signal, n: dispatcher.inFlight })}\n`);
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
