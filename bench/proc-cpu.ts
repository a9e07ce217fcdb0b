/**
 * CPU time of processes from Linux's /proc (user + system, seconds): for benchmarks whose work
 * is spread over several processes (a server, workers, PostgreSQL's backends), so that a rate can
 * be set beside what it cost and beside what the machine's cores allow.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on every Linux Node runs on). */
const TICKS_PER_SECOND = 100;

/** One process's CPU time so far (seconds); NaN when it is gone or there is no /proc. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    return cpuOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/**
 * The CPU time so far of every live process whose command name is `comm` (for example every
 * `postgres` backend), summed. Processes that exit between two readings take their time with
 * them, so read it while the connections are open.
 */
export function cpuSecondsOfCommand(comm: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return Number.NaN;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name === comm) total += cpuOfStat(stat);
    } catch {
      // The process ended while the list was read.
    }
  }
  return total;
}

/** utime and stime: the 12th and 13th fields after the command's closing parenthesis. */
function cpuOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** This process's own CPU time so far (seconds). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
