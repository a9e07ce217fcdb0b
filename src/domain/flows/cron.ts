import { wallTimeToInstant } from '../time.js';
import { wallOf } from './clock-time.js';

/**
 * Five-field cron (`minute hour day-of-month month day-of-week`) read in the shop's time zone:
 * `0 9 * * 1` is every Monday at 09:00 shop time. Fields take `*`, numbers, ranges `a-b`, lists
 * `a,b` and steps `*\/n` or `a-b/n`; day-of-week 0 or 7 is Sunday. As in Vixie cron, when both
 * day fields are restricted a day matching either runs.
 */
export interface Cron {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** Parses a cron expression; a string saying what is wrong when it does not parse. */
export function parseCron(text: string): Cron | string {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5)
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}`;
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const field = FIELDS[i]!;
    const set = parseField(parts[i]!, field.min, field.max);
    if (typeof set === 'string') return `${field.name} "${parts[i]}": ${set}`;
    sets.push(set);
  }
  const dow = sets[4]!;
  if (dow.delete(7)) dow.add(0);
  return {
    minutes: sets[0]!,
    hours: sets[1]!,
    daysOfMonth: sets[2]!,
    months: sets[3]!,
    daysOfWeek: dow,
    domRestricted: parts[2] !== '*',
    dowRestricted: parts[4] !== '*',
  };
}

function parseField(text: string, min: number, max: number): Set<number> | string {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) return 'expected *, a number, a range a-b, a list or a step /n';
    const step = m[4] === undefined ? 1 : Number(m[4]);
    let lo = min;
    let hi = max;
    if (m[1] !== '*') {
      lo = Number(m[2]);
      hi = m[3] === undefined ? (m[4] === undefined ? lo : max) : Number(m[3]);
    }
    if (lo < min || hi > max || lo > hi || step < 1) return `values must lie in ${min}–${max}`;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

const MS_PER_DAY = 86_400_000;
/** How far ahead a time is looked for (a `0 0 29 2 *` schedule waits for a leap year). */
const MAX_DAYS = 366 * 8;

/** The first instant strictly after `after` that the cron names, in `timeZone`; undefined if none within 8 years. */
export function nextCronTime(cron: Cron, after: Date, timeZone: string): Date | undefined {
  const startWall = wallOf(after.getTime(), timeZone);
  const firstDay = Math.floor(startWall / MS_PER_DAY) * MS_PER_DAY;
  const hours = [...cron.hours].sort((a, b) => a - b);
  const minutes = [...cron.minutes].sort((a, b) => a - b);
  for (let d = 0; d < MAX_DAYS; d++) {
    const day = firstDay + d * MS_PER_DAY;
    const date = new Date(day);
    if (!cron.months.has(date.getUTCMonth() + 1)) continue;
    const dom = cron.daysOfMonth.has(date.getUTCDate());
    const dow = cron.daysOfWeek.has(date.getUTCDay());
    const dayMatches =
      cron.domRestricted && cron.dowRestricted
        ? dom || dow
        : cron.domRestricted
          ? dom
          : cron.dowRestricted
            ? dow
            : true;
    if (!dayMatches) continue;
    for (const h of hours)
      for (const m of minutes) {
        const at = wallTimeToInstant(day + (h * 60 + m) * 60_000, timeZone);
        if (at > after.getTime()) return new Date(at);
      }
  }
  return undefined;
}
