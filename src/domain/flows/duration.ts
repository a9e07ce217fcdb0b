import { z } from 'zod';

/** Milliseconds per duration unit: minutes, hours, days, weeks. */
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/**
 * A duration as sellers write it in a flow: `30m`, `1h`, `24h`, `7d`, `2w`, or several parts
 * (`1d12h`). Days here are 24 h; "the same time N days later in the shop's calendar" is
 * `wait` followed by `wait_until_time`.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+[mhdw])+$/.test(trimmed)) return undefined;
  let ms = 0;
  for (const [, n, unit] of trimmed.matchAll(/(\d+)([mhdw])/g))
    ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms > 0 ? ms : undefined;
}

/** The schema of a duration field: the text kept as written, checked to parse. */
export const durationSchema = z
  .string()
  .refine((t) => parseDuration(t) !== undefined, 'a duration like 30m, 1h, 24h, 7d or 2w');

/** `HH:MM` on a 24-hour clock. */
export const timeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day like 09:00 (24-hour clock)');

/** Minutes after midnight of a `HH:MM` time. */
export function minutesOfDay(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

/** A duration known to parse (the schema checked it). */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`unchecked duration "${text}"`);
  return ms;
}
