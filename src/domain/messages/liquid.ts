/**
 * The Liquid engine of message templates (liquidjs) with Nurture's filters. Templates come from
 * sellers, so the engine is locked down: no file-system tags (include, render, layout), own
 * properties only, limits on parse size, render time and memory. Unknown filters are errors at
 * parse time; unknown variables render empty (a customer without a first name still gets the
 * message).
 *
 * Filters (see docs/messages.md): `vnd`, `money`, `date`, `datetime`, `coupon_value`.
 */
import { Liquid, LiquidError, type Template } from 'liquidjs';
import { formatMoney, formatVnd } from '../money.js';
import { parseDateTime, zoneOffsetMs } from '../time.js';

export type Lang = 'vi' | 'en';

/** How a message is rendered: the reader's language, the shop's zone and currency. */
export interface RenderOptions {
  lang: Lang;
  /** The shop's IANA time zone: dates print on its clock. */
  timeZone: string;
  /** The shop's currency for `money` (default VND). */
  currency?: string;
}

/** Where in a template a problem is, 1-based. */
export interface TemplatePosition {
  line?: number;
  column?: number;
}

/** A Liquid error read into a message without liquidjs' position suffix, and its position. */
export function describeLiquidError(error: unknown): { message: string; position: TemplatePosition } {
  if (error instanceof LiquidError) {
    const [line, column] = error.token?.getPosition() ?? [];
    const first = (error.message.split('\n')[0] ?? '').replace(/, line:\d+, col:\d+$/, '');
    return { message: first, position: { ...(line ? { line } : {}), ...(column ? { column } : {}) } };
  }
  return { message: error instanceof Error ? error.message : String(error), position: {} };
}

interface Engine {
  liquid: Liquid;
  templates: Map<string, Template[]>;
}

const MAX_ENGINES = 64;
const MAX_TEMPLATES = 2_000;
const engines = new Map<string, Engine>();

/**
 * The engine for a language, zone and currency; `html` escapes every output (the e-mail HTML
 * part: a customer named `<script>` prints as text), `| raw` opts out.
 */
function engineFor(options: RenderOptions, html: boolean): Engine {
  const currency = options.currency ?? 'VND';
  const key = `${options.lang}|${options.timeZone}|${currency}|${html ? 'html' : 'text'}`;
  let engine = engines.get(key);
  if (engine === undefined) {
    if (engines.size >= MAX_ENGINES) engines.clear();
    engine = { liquid: makeLiquid({ ...options, currency }, html), templates: new Map() };
    engines.set(key, engine);
  }
  return engine;
}

/** Parses (once per engine) a template; throws the LiquidError of a syntax error. */
function compile(engine: Engine, source: string): Template[] {
  let tpl = engine.templates.get(source);
  if (tpl === undefined) {
    tpl = engine.liquid.parse(source);
    if (engine.templates.size >= MAX_TEMPLATES) engine.templates.clear();
    engine.templates.set(source, tpl);
  }
  return tpl;
}

const CHECK_OPTIONS: RenderOptions = { lang: 'vi', timeZone: 'Asia/Ho_Chi_Minh' };

/** Checks a template's syntax and filters; throws the LiquidError. */
export function checkTemplate(source: string): void {
  compile(engineFor(CHECK_OPTIONS, false), source);
}

/** Renders a template; throws a LiquidError on failure (the caller turns it into a result). */
export function renderTemplate(source: string, scope: object, options: RenderOptions, html: boolean): string {
  const engine = engineFor(options, html);
  return String(engine.liquid.renderSync(compile(engine, source), scope));
}

function makeLiquid(options: Required<RenderOptions>, html: boolean): Liquid {
  const liquid = new Liquid({
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    templates: {},
    timezoneOffset: options.timeZone,
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
    ...(html ? { outputEscape: 'escape' as const } : {}),
  });
  for (const tag of ['include', 'render', 'layout', 'block']) delete liquid.tags[tag];
  const builtinDate = liquid.filters['date'];
  const { lang, timeZone, currency } = options;
  liquid.registerFilter('vnd', (value: unknown) => (isAmount(value) ? formatVnd(Number(value)) : ''));
  liquid.registerFilter('money', (value: unknown) =>
    isAmount(value) ? formatMoney(Number(value), currency, lang) : '',
  );
  liquid.registerFilter('date', function (this: unknown, value: unknown, format?: unknown) {
    // With a strftime format, Liquid's own filter (in the shop's zone); without, the reader's style.
    if (format !== undefined && typeof builtinDate === 'function')
      return builtinDate.call(this as never, toDate(value, timeZone) ?? value, format);
    const at = toDate(value, timeZone);
    return at === undefined ? value : formatDate(at, timeZone, lang, false);
  });
  liquid.registerFilter('datetime', (value: unknown) => {
    const at = toDate(value, timeZone);
    return at === undefined ? value : formatDate(at, timeZone, lang, true);
  });
  liquid.registerFilter('coupon_value', (coupon: unknown) => couponValue(coupon, lang, currency));
  return liquid;
}

function isAmount(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  return Number.isFinite(Number(value));
}

function toDate(value: unknown, timeZone: string): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string' && value !== '') return parseDateTime(value, undefined, timeZone);
  return undefined;
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** vi: 07/12/2026 (09:30); en: 7 Dec 2026 (, 09:30) — on the shop's clock. */
export function formatDate(at: Date, timeZone: string, lang: Lang, withTime: boolean): string {
  const local = new Date(at.getTime() + zoneOffsetMs(at.getTime(), timeZone));
  const d = local.getUTCDate();
  const m = local.getUTCMonth();
  const y = local.getUTCFullYear();
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  if (lang === 'vi') return `${pad(d)}/${pad(m + 1)}/${y}${withTime ? ` ${time}` : ''}`;
  return `${d} ${EN_MONTHS[m]} ${y}${withTime ? `, ${time}` : ''}`;
}

/** 50.000 ₫ / 10 % / miễn phí vận chuyển (free shipping). */
export function couponValue(coupon: unknown, lang: Lang, currency = 'VND'): string {
  if (coupon === null || typeof coupon !== 'object') return '';
  const { kind, value } = coupon as { kind?: unknown; value?: unknown };
  switch (kind) {
    case 'fixed':
      return isAmount(value) ? formatMoney(Number(value), currency, lang) : '';
    case 'percent':
      return isAmount(value) ? `${String(Number(value)).replace('.', lang === 'vi' ? ',' : '.')} %` : '';
    case 'free_shipping':
      return lang === 'vi' ? 'miễn phí vận chuyển' : 'free shipping';
    default:
      return '';
  }
}
