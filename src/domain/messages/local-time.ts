/**
 * Wall-clock arithmetic for the send policy: where an instant falls on the shop's clock, and the
 * first instant after another at which the clock shows a given time. Pure; offsets come from
 * src/domain/time.ts, so daylight-saving zones (Europe/Berlin, America/New_York) work: a wall
 * time that a spring-forward gap skips is reached at the gap's end, and one that a fall-back
 * overlap shows twice is reached at its first showing after the given instant.
 */
import { zoneOffsetMs } from '../time.js';

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** The wall clock of an instant as milliseconds since 1970 read as UTC. */
export function wallOf(instantMs: number, timeZone: string): number {
  return instantMs + zoneOffsetMs(instantMs, timeZone);
}

/** Milliseconds since local midnight of an instant (0 … 86 399 999). */
export function msOfDay(instantMs: number, timeZone: string): number {
  const wall = wallOf(instantMs, timeZone);
  return ((wall % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
}

/** The local calendar day of an instant as a day number (days since 1970-01-01 on the wall). */
export function dayNumberOf(instantMs: number, timeZone: string): number {
  return Math.floor(wallOf(instantMs, timeZone) / MS_PER_DAY);
}

/**
 * The earliest instant strictly after `afterMs` whose wall clock reads `wallMs`, or — when the
 * zone skips that reading (a spring-forward gap) — the instant the gap ends, the first moment
 * the clock reads later than `wallMs`. Used for "the next 08:00" and "the next midnight".
 */
export function nextInstantAtWall(wallMs: number, timeZone: string, afterMs: number): number {
  const before = zoneOffsetMs(wallMs - MS_PER_DAY, timeZone);
  const after = zoneOffsetMs(wallMs + MS_PER_DAY, timeZone);
  // The instants whose wall reads wallMs: one normally, two in an overlap, none in a gap.
  const readings = [wallMs - Math.max(before, after), wallMs - Math.min(before, after)]
    .filter((u) => u + zoneOffsetMs(u, timeZone) === wallMs && u > afterMs)
    .sort((a, b) => a - b);
  if (readings[0] !== undefined) return readings[0];
  // A gap: read with the offset before it, the instant lies past the transition; the transition
  // itself (found to the minute: zones change offset on whole minutes) is the first instant
  // showing a later wall time.
  const past = wallMs - before;
  const offsetAfter = zoneOffsetMs(past, timeZone);
  let lo = Math.floor((past - MS_PER_DAY) / MS_PER_MINUTE);
  let hi = Math.floor(past / MS_PER_MINUTE);
  if (zoneOffsetMs(lo * MS_PER_MINUTE, timeZone) === offsetAfter) return Math.max(past, afterMs + 1);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetMs(mid * MS_PER_MINUTE, timeZone) === offsetAfter) hi = mid;
    else lo = mid;
  }
  return Math.max(hi * MS_PER_MINUTE, afterMs + 1);
}

/**
 * A lower bound of the first instant after `instantMs` on another local calendar day: the next
 * midnight (or gap end), or an offset change before it (a clock set back over midnight returns
 * to the previous day; the planner re-checks whatever instant this gives).
 */
export function nextDayStart(instantMs: number, timeZone: string): number {
  const day = dayNumberOf(instantMs, timeZone);
  const midnight = nextInstantAtWall((day + 1) * MS_PER_DAY, timeZone, instantMs);
  return Math.min(midnight, offsetChangeIn(instantMs, midnight, timeZone) ?? midnight);
}

/**
 * The first whole minute in (fromMs, toMs) at which the zone's offset differs from its offset at
 * `fromMs`, if there is one (the spans asked about are about a day: at most one change).
 */
export function offsetChangeIn(fromMs: number, toMs: number, timeZone: string): number | undefined {
  const first = zoneOffsetMs(fromMs, timeZone);
  if (zoneOffsetMs(toMs, timeZone) === first) return undefined;
  let lo = Math.floor(fromMs / MS_PER_MINUTE);
  let hi = Math.ceil(toMs / MS_PER_MINUTE);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetMs(mid * MS_PER_MINUTE, timeZone) === first) lo = mid;
    else hi = mid;
  }
  const change = hi * MS_PER_MINUTE;
  return change > fromMs && change < toMs ? change : undefined;
}

/** A daily span of wall-clock time, [start, end) in ms of the day; start > end wraps midnight. */
export interface DailySpan {
  startMs: number;
  endMs: number;
}

/** True when the wall clock of the instant is inside the span (an empty span when start = end). */
export function inDailySpan(instantMs: number, span: DailySpan, timeZone: string): boolean {
  const ms = msOfDay(instantMs, timeZone);
  if (span.startMs === span.endMs) return false;
  if (span.startMs < span.endMs) return ms >= span.startMs && ms < span.endMs;
  return ms >= span.startMs || ms < span.endMs;
}

/**
 * A lower bound of the first instant after `instantMs` outside the span, for an instant inside
 * it: the instant the clock reads the span's end, or an offset change before that (a clock set
 * back may leave the span early). The planner re-checks whatever instant this gives.
 */
export function spanEndAfter(instantMs: number, span: DailySpan, timeZone: string): number {
  const wall = wallOf(instantMs, timeZone);
  const midnight = Math.floor(wall / MS_PER_DAY) * MS_PER_DAY;
  const ms = wall - midnight;
  const endsTomorrow = span.startMs > span.endMs && ms >= span.startMs;
  const endWall = midnight + span.endMs + (endsTomorrow ? MS_PER_DAY : 0);
  const end = nextInstantAtWall(endWall, timeZone, instantMs);
  return Math.min(end, offsetChangeIn(instantMs, end, timeZone) ?? end);
}

/** "HH:MM" (00:00–24:00) to milliseconds of the day. */
export function parseClock(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) return Number.NaN;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return Number.NaN;
  return (h * 60 + min) * MS_PER_MINUTE;
}
