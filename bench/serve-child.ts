/**
 * The server under benchmark, in a process of its own (its peak RSS is its own): `nurture serve`'s
 * startServer with the storefront limits raised for one loopback client. Prints its URL, then runs
 * until SIGTERM; on stop prints its peak RSS.
 */
import { pino } from 'pino';
import { startServer } from '../src/server/run.js';

const [db, flag] = process.argv.slice(2);
if (!db) throw new Error('usage: serve-child DB [--no-jobs]');
const running = await startServer({
  config: { db, shopId: 'default', lang: 'vi' },
  host: '127.0.0.1',
  port: 0,
  log: pino({ level: 'warn' }),
  // --no-jobs: the server only receives; `nurture worker` processes beside it do the jobs.
  jobs: { concurrency: 4, pollMs: 20, enabled: flag !== '--no-jobs' },
  tracking: { perKey: { perSecond: 1e9, burst: 1e9 }, perIp: { perSecond: 1e9, burst: 1e9 } },
});
process.stdout.write(`${JSON.stringify({ url: running.url, pid: process.pid })}\n`);
process.once('SIGTERM', () => {
  void running.stop().then(() => {
    process.stdout.write(`${JSON.stringify({ peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
    process.exit(0);
  });
});
