/**
 * The one formatter per language for everything a seller reads: counts, decimals, money, percents,
 * dates and times in the shop's time zone. Vietnamese groups thousands with "." and writes the
 * decimal mark as "," (1.250.000 ₫, 0,85); English the other way round (1,250,000 ₫, 0.85).
 * Every text output (CLI, reports) goes through here; JSON outputs keep plain numbers.
 */
import { zoneOffsetMs } from '../domain/time.js';
import { assertNever } from '../errors.js';

export type Lang = 'vi' | 'en';

/** How one language writes numbers, amounts and instants. */
export interface Formatter {
  readonly lang: Lang;
  /** A whole number, grouped: 1.692 (vi), 1,692 (en). Rounds a fraction away. */
  count(value: number): string;
  /** A number with exactly `digits` decimals: 0,851 (vi), 0.851 (en). */
  decimal(value: number, digits: number): string;
  /** A number with at most `digits` decimals (trailing zeros dropped): 2,5 (vi). */
  upTo(value: number, digits: number): string;
  /** An amount in the shop's currency: 1.250.000 ₫ (vi), 1,250,000 ₫ (en). */
  money(amount: number | string, currency: string): string;
  /** A ratio as a percent with `digits` decimals: 36,0 % (vi), 36.0 % (en). */
  percent(ratio: number, digits?: number): string;
  /** The day of an instant in a time zone, YYYY-MM-DD (unambiguous in both languages). */
  date(at: Date, timeZone: string): string;
  /** The wall time of an instant in a time zone, to the minute: 2026-12-07 07:24. */
  dateTime(at: Date, timeZone: string): string;
  /** The same with the zone named, for a value read on its own: 2026-12-07 07:24 (Asia/Ho_Chi_Minh). */
  zonedDateTime(at: Date, timeZone: string): string;
}

const LOCALES: Record<Lang, string> = { vi: 'vi-VN', en: 'en-US' };

/**
 * Separators are fixed per language rather than left to the runtime's locale data: a Node built
 * with small ICU writes vi-VN as en-US, and the seller must read the same figures everywhere.
 */
export const SEPARATORS: Record<Lang, { group: string; decimal: string }> = {
  vi: { group: '.', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

function grouped(digits: string, group: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, group);
}

/** `value` with `digits` decimals in a language's separators; "-0" reads as "0". */
function fixed(value: number, digits: number, lang: Lang): string {
  if (!Number.isFinite(value)) return '–';
  const { group, decimal } = SEPARATORS[lang];
  const text = Math.abs(value).toFixed(digits);
  const [int = '0', frac] = text.split('.');
  const body = `${grouped(int, group)}${frac === undefined ? '' : `${decimal}${frac}`}`;
  return value < 0 && /[1-9]/.test(text) ? `-${body}` : body;
}

function makeFormatter(lang: Lang): Formatter {
  const f: Formatter = {
    lang,
    count: (value) => fixed(value, 0, lang),
    decimal: (value, digits) => fixed(value, digits, lang),
    upTo: (value, digits) => {
      const text = fixed(value, digits, lang);
      const { decimal } = SEPARATORS[lang];
      return text.includes(decimal) ? text.replace(/0+$/, '').replace(new RegExp(`\\${decimal}$`), '') : text;
    },
    money: (amount, currency) => {
      const n = Number(amount);
      // VND has no minor unit and is written after the number in both languages.
      if (currency === 'VND') return `${fixed(Math.round(n), 0, lang)} ₫`;
      return new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency }).format(n);
    },
    percent: (ratio, digits = 1) => `${fixed(ratio * 100, digits, lang)} %`,
    date: (at, timeZone) => wall(at, timeZone).slice(0, 10),
    dateTime: (at, timeZone) => wall(at, timeZone).slice(0, 16).replace('T', ' '),
    zonedDateTime: (at, timeZone) => `${f.dateTime(at, timeZone)} (${timeZone})`,
  };
  return f;
}

/** The instant as the zone's clocks show it, as an ISO text without offset. */
function wall(at: Date, timeZone: string): string {
  const ms = at.getTime();
  return new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString();
}

const FORMATTERS: Record<Lang, Formatter> = { vi: makeFormatter('vi'), en: makeFormatter('en') };

/** The formatter of a language. */
export function formatterFor(lang: Lang): Formatter {
  switch (lang) {
    case 'vi':
    case 'en':
      return FORMATTERS[lang];
    default:
      return assertNever(lang, 'language');
  }
}
