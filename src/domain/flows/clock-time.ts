import { wallTimeToInstant, zoneOffsetMs } from '../time.js';
import { minutesOfDay } from './duration.js';

const MS_PER_DAY = 86_400_000;

/** An instant's wall-clock time in a zone, encoded as if UTC (so `getUTCHours` reads the local hour). */
export function wallOf(instant: number, timeZone: string): number {
  return instant + zoneOffsetMs(instant, timeZone);
}

/**
 * The first instant at or after `from` when clocks in `timeZone` show `time` (`HH:MM`): today's
 * if it has not passed, else tomorrow's. "Wait until 09:00" in the shop's (or the customer's) zone,
 * never UTC (Mautic #837).
 */
export function nextTimeOfDay(from: Date, time: string, timeZone: string): Date {
  const wall = wallOf(from.getTime(), timeZone);
  const dayStart = Math.floor(wall / MS_PER_DAY) * MS_PER_DAY;
  const minutes = minutesOfDay(time) * 60_000;
  for (let day = 0; day < 3; day++) {
    const at = wallTimeToInstant(dayStart + day * MS_PER_DAY + minutes, timeZone);
    if (at >= from.getTime()) return new Date(at);
  }
  throw new Error('unreachable: a time of day comes within two days');
}

/** The instant of `time` on a local calendar day (`YYYY-MM-DD`) in `timeZone`. */
export function instantOnDay(day: string, time: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const wall = Date.UTC(y!, m! - 1, d!) + minutesOfDay(time) * 60_000;
  return new Date(wallTimeToInstant(wall, timeZone));
}
