/** The worker: job dispatch (docs/jobs.md) and the flows' worker (docs/flows.md). */

export { type AppJobContext, appJobContext, applicationJobs } from './app-jobs.js';
export { type Clock, systemClock } from './clock.js';
export { Dispatcher, type DispatcherOptions, type DispatcherStats, defaultOwner } from './dispatcher.js';
export { FlowWorker, type FlowWorkerOptions } from './flow-worker.js';
export {
  type JobContext,
  type JobHandler,
  JobRegistry,
  type Log,
  type LogLevel,
  silentLog,
} from './handlers.js';
