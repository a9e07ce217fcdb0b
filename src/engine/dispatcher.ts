import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RetryPolicy } from '../domain/jobs/index.js';
import {
  claimJobs,
  completeJobs,
  extendLeases,
  type FailOutcome,
  failJob,
  type Job,
} from '../store/jobs/index.js';
import type { Store } from '../store/store.js';
import { type Clock, systemClock } from './clock.js';
import { type JobContext, type JobRegistry, type Log, silentLog } from './handlers.js';

export interface DispatcherOptions<C extends JobContext = JobContext> {
  store: Store;
  registry: JobRegistry<C>;
  /** Adds a feature's fields to the base context (default: the base context as it is). */
  context?: (base: JobContext) => C;
  clock?: Clock;
  log?: Log;
  /** This worker's lease owner id (default host:pid:random). */
  owner?: string;
  /** Jobs run at once (default 4). */
  concurrency?: number;
  /** At most this many jobs per claim (default: the concurrency). */
  batchSize?: number;
  /** How long to wait when no job is due before looking again (default 1 s). */
  pollMs?: number;
  /**
   * A claimed job is this worker's for this long (default 60 s). The dispatcher extends the
   * leases of running jobs when a third of it is left, so a long job keeps its lease while its
   * worker lives; a dead worker's jobs are claimed again once it runs out.
   */
  leaseMs?: number;
  /** The random source of the retry jitter (tests fix it). */
  random?: () => number;
  retryPolicy?: RetryPolicy;
}

export interface DispatcherStats {
  claimed: number;
  done: number;
  /** Failed attempts queued to run again. */
  retried: number;
  /** Jobs failed for good. */
  failed: number;
  /** Finished jobs whose lease another worker had taken over (their outcome was not recorded). */
  lost: number;
}

interface Failure {
  job: Job;
  error: unknown;
  permanent: boolean;
}

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * The worker: claims due jobs in batches, runs them with limited concurrency through the
 * handlers of their kinds, and records the outcomes in batches (one completion statement for
 * all the jobs finished since the last look, on both engines; DuckDB wants few, larger writes).
 *
 * On DuckDB, run one dispatcher per process (the only process that holds the file); its claims
 * never race, as the engine runs statements one at a time. On PostgreSQL run any number, in any
 * number of processes.
 *
 * `start()` runs until `stop()`; `stop()` claims nothing more, lets the running jobs finish,
 * records them, and resolves. `drain()` runs until no job is due and none is running.
 */
export class Dispatcher<C extends JobContext = JobContext> {
  readonly owner: string;
  readonly stats: DispatcherStats = { claimed: 0, done: 0, retried: 0, failed: 0, lost: 0 };
  private readonly store: Store;
  private readonly registry: JobRegistry<C>;
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly ctx: C;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly random: () => number;
  private readonly retryPolicy: RetryPolicy | undefined;

  private readonly running = new Map<string, Promise<void>>();
  /** When each running job's lease ends, as this worker last set it. */
  private readonly leaseEnds = new Map<string, number>();
  private finished: string[] = [];
  private failures: Failure[] = [];
  private loop: Promise<void> | null = null;
  private stopping = false;
  private draining = false;
  private wakeUp = new AbortController();

  constructor(options: DispatcherOptions<C>) {
    this.store = options.store;
    this.registry = options.registry;
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
    this.owner = options.owner ?? defaultOwner();
    this.concurrency = positive(options.concurrency ?? 4, 'concurrency');
    this.batchSize = positive(options.batchSize ?? this.concurrency, 'batchSize');
    this.pollMs = positive(options.pollMs ?? 1000, 'pollMs');
    this.leaseMs = positive(options.leaseMs ?? 60_000, 'leaseMs');
    this.random = options.random ?? Math.random;
    this.retryPolicy = options.retryPolicy;
    const base: JobContext = { store: this.store, clock: this.clock, log: this.log, owner: this.owner };
    this.ctx = options.context ? options.context(base) : (base as C);
  }

  /** Starts the poll loop (once). */
  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.run();
  }

  /** Claims nothing more, waits for the running jobs, records their outcomes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
  }

  /** Runs until no job is due and none is running, then stops. */
  async drain(): Promise<DispatcherStats> {
    this.draining = true;
    this.start();
    this.wake();
    await this.loop;
    return this.stats;
  }

  /** How many jobs are running now. */
  get inFlight(): number {
    return this.running.size;
  }

  private wake(): void {
    this.wakeUp.abort();
  }

  private async run(): Promise<void> {
    this.log('info', 'worker started', {
      owner: this.owner,
      concurrency: this.concurrency,
      pollMs: this.pollMs,
      leaseMs: this.leaseMs,
      kinds: this.registry.kinds(),
    });
    while (!this.stopping) {
      let claimed = 0;
      let free = 0;
      let looked = false;
      try {
        await this.record();
        await this.heartbeat();
        free = this.concurrency - this.running.size;
        if (free > 0) claimed = await this.claim(Math.min(free, this.batchSize));
        looked = true;
      } catch (error) {
        this.log('error', 'worker loop failed; trying again after the poll interval', {
          error: message(error),
        });
      }
      if (this.draining && looked && claimed === 0 && this.running.size === 0 && this.idleRecorded()) break;
      // A full batch with room left: more may be due at once.
      if (claimed === this.batchSize && claimed < free) continue;
      await this.idle();
    }
    await Promise.allSettled(this.running.values());
    await this.recordUntilDone();
    this.log('info', 'worker stopped', { owner: this.owner, ...this.stats });
  }

  /** Waits for the poll interval, a finished job, or stop; no longer than a lease heartbeat. */
  private async idle(): Promise<void> {
    if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
    else {
      const wait = Math.min(this.pollMs, this.leaseMs / 3);
      await this.clock.sleep(wait, this.wakeUp.signal);
    }
    if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
  }

  private async claim(limit: number): Promise<number> {
    const jobs = await claimJobs(this.store, {
      owner: this.owner,
      limit,
      leaseMs: this.leaseMs,
      now: this.clock.now(),
    });
    this.stats.claimed += jobs.length;
    for (const job of jobs) this.launch(job);
    return jobs.length;
  }

  private launch(job: Job): void {
    this.leaseEnds.set(job.jobId, job.leaseExpiresAt?.getTime() ?? 0);
    const handler = this.registry.get(job.kind);
    // Started on the next microtask, so that it is in `running` before it can leave it.
    const task = Promise.resolve().then(async () => {
      try {
        if (!handler) {
          const known = this.registry.kinds();
          this.failures.push({
            job,
            error: new Error(
              `no handler for job kind '${job.kind}' in this worker (known kinds: ${known.length > 0 ? known.join(', ') : 'none'})`,
            ),
            permanent: true,
          });
          return;
        }
        await handler(this.ctx, job);
        this.finished.push(job.jobId);
      } catch (error) {
        this.failures.push({ job, error, permanent: false });
      } finally {
        this.running.delete(job.jobId);
        this.leaseEnds.delete(job.jobId);
        this.wake();
      }
    });
    this.running.set(job.jobId, task);
  }

  private idleRecorded(): boolean {
    return this.finished.length === 0 && this.failures.length === 0;
  }

  /** Records finished and failed jobs: all completions in one statement, failures one by one. */
  private async record(): Promise<void> {
    if (this.finished.length > 0) {
      const ids = this.finished;
      this.finished = [];
      try {
        const done = await completeJobs(this.store, this.owner, ids, this.clock.now());
        this.stats.done += done;
        if (done < ids.length) this.lostLeases(ids.length - done);
      } catch (error) {
        this.finished.push(...ids);
        throw error;
      }
    }
    while (this.failures.length > 0) {
      const f = this.failures[0]!;
      const outcome = await failJob(this.store, this.owner, f.job.jobId, f.error, this.clock.now(), {
        permanent: f.permanent,
        random: this.random,
        ...(this.retryPolicy ? { policy: this.retryPolicy } : {}),
      });
      this.failures.shift();
      this.logFailure(f, outcome);
    }
  }

  /** At stop: records what is left, trying a few times if the store fails. */
  private async recordUntilDone(): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await this.record();
        return;
      } catch (error) {
        if (tries >= 3) {
          this.log('error', 'could not record the last outcomes; their jobs will run again after the lease', {
            error: message(error),
          });
          return;
        }
        await this.clock.sleep(this.pollMs);
      }
    }
  }

  private logFailure(f: Failure, outcome: FailOutcome | undefined): void {
    const fields = { jobId: f.job.jobId, kind: f.job.kind, error: message(f.error) };
    if (!outcome) this.lostLeases(1);
    else if (outcome.state === 'queued') {
      this.stats.retried++;
      this.log('warn', 'job failed; it will run again', {
        ...fields,
        attempt: outcome.attempts,
        runAt: outcome.runAt?.toISOString(),
      });
    } else {
      this.stats.failed++;
      this.log('error', 'job failed for good', { ...fields, attempts: outcome.attempts });
    }
  }

  private lostLeases(n: number): void {
    this.stats.lost += n;
    this.log('warn', 'finished jobs whose lease another worker had taken over', { count: n });
  }

  /** Extends the leases of running jobs when a third of a lease or less is left. */
  private async heartbeat(): Promise<void> {
    if (this.leaseEnds.size === 0) return;
    const now = this.clock.now().getTime();
    const soonest = Math.min(...this.leaseEnds.values());
    if (soonest - now > this.leaseMs / 3) return;
    const ids = [...this.leaseEnds.keys()];
    const held = await extendLeases(this.store, this.owner, ids, this.leaseMs, new Date(now));
    for (const id of ids) if (this.leaseEnds.has(id)) this.leaseEnds.set(id, now + this.leaseMs);
    if (held < ids.length)
      this.log('warn', 'some running jobs lost their lease (this worker stalled)', {
        lost: ids.length - held,
      });
  }
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new Error(`${name} must be a positive number, not ${value}`);
  return value;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
