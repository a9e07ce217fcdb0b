/**
 * Dates as sellers' exports write them, read into instants. Pure: no clock, no I/O. A date
 * written without an offset is wall-clock time in a given IANA zone (the shop's, by default
 * Asia/Ho_Chi_Minh); the zone's offset at that moment comes from Intl, so DST zones work too.
 *
 * Formats (`format` argument):
 * - `undefined` or `'iso'`: ISO 8601 and the forms close to it — `2024-03-05`,
 *   `2024-03-05T14:03:11Z`, `2024-03-05T14:03:11.250+07:00`, Shopify's `2024-03-05 14:03:11 +0700`,
 *   `2024/03/05 14:03`.
 * - `'unix'` (seconds) and `'unix-ms'` (milliseconds since 1970).
 * - a pattern: `yyyy` `yy` `MMM` (Jan…Dec) `MM` `M` `dd` `d` `HH` `H` `hh` `h` (with `a`: AM/PM,
 *   SA/CH) `mm` `m` `ss` `s` `SSS` (fraction) `Z` or `XXX` (offset: Z, +07, +0700, +07:00);
 *   text in single quotes is literal (`'T'`); a space matches any run of spaces; other characters
 *   match themselves. Two-letter numeric fields take one or two digits unless another number
 *   follows directly (`yyyyMMdd`). Time fields left off the end of the text mean midnight, so
 *   `dd/MM/yyyy HH:mm` also reads `05/03/2024`.
 */

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const MIN_YEAR = 1900;
const MAX_YEAR = 2199;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** A parser compiled from a format: text and zone in, instant out (undefined when not a date). */
export type DateParser = (text: string, timeZone: string) => Date | undefined;

/** Parses one date; see the module comment for formats. Throws only for an unknown zone. */
export function parseDateTime(text: string, format: string | undefined, timeZone: string): Date | undefined {
  return compileDateFormat(format)(text, timeZone);
}

const compiled = new Map<string, DateParser>();

/** Compiles a format once, for loops over many rows. Throws on a pattern it cannot read. */
export function compileDateFormat(format: string | undefined): DateParser {
  const key = format ?? 'iso';
  let parser = compiled.get(key);
  if (parser === undefined) {
    parser = buildParser(key);
    compiled.set(key, parser);
  }
  return parser;
}

function buildParser(format: string): DateParser {
  switch (format) {
    case 'iso':
      return parseIsoLike;
    case 'unix':
      return (text) => parseEpoch(text, 1000);
    case 'unix-ms':
      return (text) => parseEpoch(text, 1);
    default:
      return patternParser(tokenize(format));
  }
}

/** Wall-clock fields of a date; `offsetMinutes` undefined means "in the given zone". */
interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  offsetMinutes: number | undefined;
}

function newFields(): Fields {
  return { year: -1, month: -1, day: -1, hour: 0, minute: 0, second: 0, ms: 0, offsetMinutes: undefined };
}

function toInstant(f: Fields, timeZone: string): Date | undefined {
  if (f.year < MIN_YEAR || f.year > MAX_YEAR || f.month < 1 || f.month > 12) return undefined;
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) return undefined;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms);
  if (f.offsetMinutes !== undefined) return new Date(wall - f.offsetMinutes * MS_PER_MINUTE);
  return new Date(wallTimeToInstant(wall, timeZone));
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1]!;
}

// ---------------------------------------------------------------------------------------------
// ISO-like dates, read with a charCode scanner (the hot path of the Shopify importers).

const C0 = 48;
const C9 = 57;
const PLUS = 43;
const MINUS = 45;
const COLON = 58;
const SPACE = 32;
const DOT = 46;
const COMMA = 44;
const SLASH = 47;

function isDigit(c: number): boolean {
  return c >= C0 && c <= C9;
}

/** Reads exactly `n` digits at `i`; -1 when they are not there. */
function digitsAt(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k);
    if (c < C0 || c > C9) return -1;
    v = v * 10 + (c - C0);
  }
  return v;
}

function parseIsoLike(raw: string, timeZone: string): Date | undefined {
  const s = raw.trim();
  const f = newFields();
  f.year = digitsAt(s, 0, 4);
  const sep = s.charCodeAt(4);
  if (f.year < 0 || (sep !== MINUS && sep !== SLASH) || s.charCodeAt(7) !== sep) return undefined;
  f.month = digitsAt(s, 5, 2);
  f.day = digitsAt(s, 8, 2);
  if (f.month < 0 || f.day < 0) return undefined;
  let i = 10;
  if (i < s.length) {
    const t = s.charCodeAt(i);
    if (t !== 84 && t !== 116 && t !== SPACE) return undefined; // 'T', 't' or a space
    i = readIsoTime(s, i + 1, f);
    if (i < 0) return undefined;
    i = readOffset(s, i, f);
    if (i !== s.length) return undefined;
  }
  return toInstant(f, timeZone);
}

/** HH:mm[:ss[.fff]] at `i`; returns the index after it, or -1. */
function readIsoTime(s: string, start: number, f: Fields): number {
  f.hour = digitsAt(s, start, 2);
  if (f.hour < 0 || s.charCodeAt(start + 2) !== COLON) return -1;
  f.minute = digitsAt(s, start + 3, 2);
  if (f.minute < 0) return -1;
  let i = start + 5;
  if (s.charCodeAt(i) === COLON) {
    f.second = digitsAt(s, i + 1, 2);
    if (f.second < 0) return -1;
    i += 3;
    const c = s.charCodeAt(i);
    if (c === DOT || c === COMMA) {
      const end = readFraction(s, i + 1, f);
      if (end < 0) return -1;
      i = end;
    }
  }
  return i;
}

/** Fraction digits at `i` into milliseconds; returns the index after them, or -1. */
function readFraction(s: string, start: number, f: Fields): number {
  let i = start;
  let ms = 0;
  let scale = 100;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    ms += (s.charCodeAt(i) - C0) * scale;
    scale /= 10;
    i++;
  }
  if (i === start || i - start > 9) return -1;
  f.ms = Math.floor(ms);
  return i;
}

/** An optional offset at `i` (after optional spaces): Z, ±HH, ±HHMM, ±HH:MM. */
function readOffset(s: string, start: number, f: Fields): number {
  let i = start;
  while (s.charCodeAt(i) === SPACE) i++;
  if (i >= s.length) return i === start ? i : -1;
  const c = s.charCodeAt(i);
  if (c === 90 || c === 122) {
    f.offsetMinutes = 0;
    return i + 1;
  }
  if (c !== PLUS && c !== MINUS) return -1;
  const hours = digitsAt(s, i + 1, 2);
  if (hours < 0 || hours > 14) return -1;
  i += 3;
  if (s.charCodeAt(i) === COLON) i++;
  let minutes = 0;
  if (i < s.length) {
    minutes = digitsAt(s, i, 2);
    if (minutes < 0 || minutes > 59) return -1;
    i += 2;
  }
  const total = hours * 60 + minutes;
  f.offsetMinutes = c === MINUS ? -total : total;
  return i;
}

function parseEpoch(raw: string, unitMs: number): Date | undefined {
  const s = raw.trim();
  if (s === '' || !/^-?\d+(\.\d+)?$/.test(s)) return undefined;
  const ms = Number(s) * unitMs;
  const d = new Date(Math.round(ms));
  const year = d.getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR ? d : undefined;
}

// ---------------------------------------------------------------------------------------------
// Patterns.

type FieldName = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second';

type Token =
  | { kind: 'number'; field: FieldName; min: number; max: number }
  | { kind: 'monthName' }
  | { kind: 'fraction' }
  | { kind: 'ampm' }
  | { kind: 'offset' }
  | { kind: 'space' }
  | { kind: 'literal'; text: string };

const NUMBER_TOKENS: Record<string, { field: FieldName; width: number }> = {
  yyyy: { field: 'year', width: 4 },
  yy: { field: 'year2', width: 2 },
  MM: { field: 'month', width: 2 },
  M: { field: 'month', width: 1 },
  dd: { field: 'day', width: 2 },
  d: { field: 'day', width: 1 },
  HH: { field: 'hour', width: 2 },
  H: { field: 'hour', width: 1 },
  hh: { field: 'hour12', width: 2 },
  h: { field: 'hour12', width: 1 },
  mm: { field: 'minute', width: 2 },
  m: { field: 'minute', width: 1 },
  ss: { field: 'second', width: 2 },
  s: { field: 'second', width: 1 },
};

function tokenize(format: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      if (end < 0) throw new RangeError(`date format "${format}": unterminated quote`);
      tokens.push({ kind: 'literal', text: format.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < format.length && format[j] === ch) j++;
    tokens.push(letterToken(format, ch, j - i));
    i = j;
  }
  return fixWidths(tokens);
}

function letterToken(format: string, ch: string, count: number): Token {
  const run = ch.repeat(count);
  if (/[a-zA-Z]/.test(ch)) {
    const numeric = NUMBER_TOKENS[run];
    if (numeric) return { kind: 'number', field: numeric.field, min: numeric.width, max: numeric.width };
    if (run === 'MMM') return { kind: 'monthName' };
    if (ch === 'S') return { kind: 'fraction' };
    if (run === 'a') return { kind: 'ampm' };
    if (run === 'Z' || run === 'ZZ' || run === 'X' || run === 'XX' || run === 'XXX')
      return { kind: 'offset' };
    throw new RangeError(`date format "${format}": unknown field "${run}"`);
  }
  if (ch === ' ') return { kind: 'space' };
  return { kind: 'literal', text: run };
}

/** Two-letter and one-letter fields take 1–2 digits unless a number follows directly. */
function fixWidths(tokens: Token[]): Token[] {
  return tokens.map((t, k) => {
    if (t.kind !== 'number' || t.field === 'year' || t.field === 'year2') return t;
    const next = tokens[k + 1];
    const packed = next !== undefined && (next.kind === 'number' || next.kind === 'fraction');
    return packed ? { ...t, min: 2, max: 2 } : { ...t, min: 1, max: 2 };
  });
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface PatternState {
  f: Fields;
  pm: boolean | undefined;
  hour12: number;
}

function patternParser(tokens: Token[]): DateParser {
  return (raw, timeZone) => {
    const s = raw.trim();
    const st: PatternState = { f: newFields(), pm: undefined, hour12: -1 };
    let i = 0;
    for (const token of tokens) {
      if (i >= s.length) break; // trailing time fields may be left off
      i = readToken(s, i, token, st);
      if (i < 0) return undefined;
    }
    if (i !== s.length) return undefined;
    return finishPattern(st, timeZone);
  };
}

function finishPattern(st: PatternState, timeZone: string): Date | undefined {
  const f = st.f;
  if (st.hour12 >= 0) {
    if (st.hour12 < 1 || st.hour12 > 12) return undefined;
    f.hour = (st.hour12 % 12) + (st.pm ? 12 : 0);
  } else if (st.pm === true && f.hour < 12) f.hour += 12;
  return toInstant(f, timeZone);
}

function readToken(s: string, i: number, token: Token, st: PatternState): number {
  switch (token.kind) {
    case 'number':
      return readNumber(s, i, token.field, token.min, token.max, st);
    case 'monthName': {
      const m = MONTHS.indexOf(s.slice(i, i + 3).toLowerCase());
      if (m < 0) return -1;
      st.f.month = m + 1;
      let j = i + 3;
      while (j < s.length && /[a-zA-Z.]/.test(s[j]!)) j++; // "March", "Sept."
      return j;
    }
    case 'fraction':
      return readFraction(s, i, st.f);
    case 'ampm':
      return readAmPm(s, i, st);
    case 'offset':
      return readOffset(s, i, st.f);
    case 'space': {
      let j = i;
      while (j < s.length && (s.charCodeAt(j) === SPACE || s.charCodeAt(j) === 9)) j++;
      return j > i ? j : -1;
    }
    case 'literal':
      return s.startsWith(token.text, i) ? i + token.text.length : -1;
  }
}

function readNumber(
  s: string,
  i: number,
  field: FieldName,
  min: number,
  max: number,
  st: PatternState,
): number {
  let j = i;
  let v = 0;
  while (j < s.length && j - i < max && isDigit(s.charCodeAt(j))) {
    v = v * 10 + (s.charCodeAt(j) - C0);
    j++;
  }
  if (j - i < min) return -1;
  setField(st, field, v);
  return j;
}

function setField(st: PatternState, field: FieldName, v: number): void {
  const f = st.f;
  switch (field) {
    case 'year':
      f.year = v;
      return;
    case 'year2':
      f.year = 2000 + v;
      return;
    case 'month':
      f.month = v;
      return;
    case 'day':
      f.day = v;
      return;
    case 'hour':
      f.hour = v;
      return;
    case 'hour12':
      st.hour12 = v;
      return;
    case 'minute':
      f.minute = v;
      return;
    case 'second':
      f.second = v;
      return;
  }
}

/** AM/PM, also the Vietnamese SA (sáng) / CH (chiều). */
function readAmPm(s: string, i: number, st: PatternState): number {
  const two = s.slice(i, i + 2).toUpperCase();
  if (two === 'AM' || two === 'SA') st.pm = false;
  else if (two === 'PM' || two === 'CH') st.pm = true;
  else return -1;
  return i + 2;
}

// ---------------------------------------------------------------------------------------------
// Time zones.

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();
/** Offsets are cached per quarter hour: every zone changes offset on a quarter-hour instant. */
const BUCKET_MS = 15 * MS_PER_MINUTE;

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let fmt = zoneFormatters.get(timeZone);
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    zoneFormatters.set(timeZone, fmt);
  }
  return fmt;
}

/** True when Intl knows the IANA zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (+07:00 → 25 200 000). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  let cache = offsetCache.get(timeZone);
  if (cache === undefined) {
    cache = new Map();
    offsetCache.set(timeZone, cache);
  }
  const bucket = Math.floor(utcMs / BUCKET_MS);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    offset = computeOffset(bucket * BUCKET_MS, timeZone);
    cache.set(bucket, offset);
  }
  return offset;
}

function computeOffset(utcMs: number, timeZone: string): number {
  const parts = formatterOf(timeZone).formatToParts(new Date(utcMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' ? 1 - get('year') : get('year');
  const wall = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - utcMs; // utcMs is a bucket start: whole seconds
}

/**
 * The instant at which the zone's clocks show `wallMs` (wall time encoded as if UTC). A time
 * that happens twice (clocks turned back) is the earlier instant; a time skipped when clocks
 * jump forward moves forward by the jump (02:30 in a 02:00→03:00 gap is 03:30), as Temporal's
 * "compatible" rule does.
 */
export function wallTimeToInstant(wallMs: number, timeZone: string): number {
  const before = zoneOffsetMs(wallMs - MS_PER_DAY, timeZone);
  const after = zoneOffsetMs(wallMs + MS_PER_DAY, timeZone);
  const early = wallMs - Math.max(before, after);
  const late = wallMs - Math.min(before, after);
  const earlyOk = early + zoneOffsetMs(early, timeZone) === wallMs;
  const lateOk = late + zoneOffsetMs(late, timeZone) === wallMs;
  if (earlyOk) return early;
  if (lateOk) return late;
  return wallMs - before; // in a gap: read with the offset in force before it
}

/** The calendar day ('YYYY-MM-DD') of an instant in a zone. */
export function zonedDayOf(date: Date, timeZone: string): string {
  const local = new Date(date.getTime() + zoneOffsetMs(date.getTime(), timeZone));
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  const d = local.getUTCDate();
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** The offset is probed daily over the orders' time span (offset changes last months, not hours). */
const OFFSET_PROBE_MS = 86_400_000;
/** Spans needing more probes than this (a century) take the general path. */
const MAX_OFFSET_PROBES = 36_600;

/**
 * The zone's UTC offset in seconds if it is the same throughout [fromMs, toMs] (Asia/Ho_Chi_Minh
 * has been +07:00 since 1975), else null (a zone with daylight saving time).
 */
export function fixedOffsetSeconds(timeZone: string, fromMs: number, toMs: number): number | null {
  const start = fromMs - 86_400_000;
  const end = toMs + 86_400_000;
  if ((end - start) / OFFSET_PROBE_MS > MAX_OFFSET_PROBES) return null;
  const offset = zoneOffsetMs(start, timeZone);
  for (let t = start + OFFSET_PROBE_MS; t < end + OFFSET_PROBE_MS; t += OFFSET_PROBE_MS) {
    if (zoneOffsetMs(Math.min(t, end), timeZone) !== offset) return null;
  }
  return offset / 1000;
}
