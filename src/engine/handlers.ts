import type { Job } from '../store/jobs/index.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A logger as a function: a level, a message, and fields worth keeping. */
export type Log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export const silentLog: Log = () => {};

/**
 * What a handler gets besides its job. Kept small; features that need more (channels, config,
 * the app's use cases) extend it: `interface FlowContext extends JobContext { … }`, with a
 * dispatcher built with a `context` function that adds those fields.
 */
export interface JobContext {
  store: Store;
  clock: Clock;
  log: Log;
  /** The worker running the job, which holds its lease. */
  owner: string;
}

/**
 * Runs one job. Resolving completes it; throwing fails the attempt (retried with backoff until
 * the job's max_attempts). A job may run more than once (a worker can die after the work and
 * before the completion is recorded), so handlers are idempotent: they key what they write by
 * the job id or by the payload's own key.
 */
export type JobHandler<C extends JobContext = JobContext> = (ctx: C, job: Job) => Promise<void>;

/** Handlers by job kind. */
export class JobRegistry<C extends JobContext = JobContext> {
  private readonly byKind = new Map<string, JobHandler<C>>();

  register(kind: string, handler: JobHandler<C>): this {
    if (kind === '') throw new Error('a job kind is a non-empty name');
    if (this.byKind.has(kind)) throw new Error(`job kind '${kind}' is registered twice`);
    this.byKind.set(kind, handler);
    return this;
  }

  get(kind: string): JobHandler<C> | undefined {
    return this.byKind.get(kind);
  }

  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }
}
