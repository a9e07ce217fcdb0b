/**
 * CPU time of processes from Linux's /proc (user + system, seconds): for benchmarks whose work
 * is spread over several processes (a server, workers, PostgreSQL's backends), so that a rate can
 * be set beside what it cost and beside what the machine's cores allow.
 */
import { readFileSync } from 'node:fs';

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
