/**
 * A send step's content ↔ the editor's form fields. Each field is named by its channel and its
 * path in the content (`c.sms.text.vi`, `c.email.subject.en`, `c.zalo.data.name.vi`), the same
 * path parseContent names in an error, so a Liquid error lands next to its field. Texts are
 * always saved as {vi, en} pairs (what the seller sees is what is stored).
 */
import type { ChannelKind } from '../../../channels/channel.js';
import { type LocalisedText, pick } from '../../../domain/messages/content.js';
import { assertNever } from '../../../errors.js';

export type FormValues = Record<string, string>;

export interface FieldSpec {
  name: string;
  channel: ChannelKind;
  /** The path in the content (`text.vi`). */
  path: string;
  label: { vi: string; en: string };
  lang?: 'vi' | 'en';
  kind: 'line' | 'text' | 'long' | 'checkbox';
  /** Left out of the content when empty. */
  optional?: boolean;
}

const L = {
  subject: { vi: 'Tiêu đề', en: 'Subject' },
  text: { vi: 'Nội dung', en: 'Text' },
  html: { vi: 'HTML', en: 'HTML' },
  plain: { vi: 'Phần chữ (để trống: lấy từ HTML)', en: 'Text part (empty: made from the HTML)' },
  ascii: { vi: 'Gửi không dấu (GSM-7, 160 ký tự/tin)', en: 'Send without tone marks (GSM-7, 160 a segment)' },
  templateId: { vi: 'Mã mẫu ZNS', en: 'ZNS template id' },
  title: { vi: 'Tiêu đề', en: 'Title' },
  body: { vi: 'Nội dung', en: 'Body' },
  cta: { vi: 'Nút bấm', en: 'Button' },
  url: { vi: 'Liên kết của nút', en: 'Button link' },
  payload: { vi: 'Nội dung JSON (để trống: nội dung chuẩn)', en: 'JSON body (empty: the standard one)' },
} as const;

const field = (
  channel: ChannelKind,
  path: string,
  over: Omit<FieldSpec, 'name' | 'channel' | 'path'>,
): FieldSpec => ({
  name: `c.${channel}.${path}`,
  channel,
  path,
  ...over,
});

const pair = (
  channel: ChannelKind,
  path: string,
  label: { vi: string; en: string },
  kind: FieldSpec['kind'],
  optional = false,
): FieldSpec[] =>
  (['vi', 'en'] as const).map((lang) => field(channel, `${path}.${lang}`, { label, lang, kind, optional }));

/** The fields of one channel's content (`raw`: the saved content, for Zalo's parameter names). */
export function channelFields(channel: ChannelKind, raw: unknown): FieldSpec[] {
  const o = (raw ?? {}) as Record<string, unknown>;
  switch (channel) {
    case 'email':
      return [
        ...pair(channel, 'subject', L.subject, 'line'),
        ...pair(channel, 'html', L.html, 'long', true),
        ...pair(channel, 'text', L.plain, 'long', true),
      ];
    case 'sms':
      return [
        ...pair(channel, 'text', L.text, 'text'),
        field(channel, 'ascii', { label: L.ascii, kind: 'checkbox' }),
      ];
    case 'zalo':
      return [
        field(channel, 'templateId', { label: L.templateId, kind: 'line' }),
        ...Object.keys((o['data'] ?? {}) as Record<string, unknown>).flatMap((key) =>
          pair(channel, `data.${key}`, { vi: key, en: key }, 'line'),
        ),
      ];
    case 'messenger':
      return pair(channel, 'text', L.text, 'text');
    case 'popup':
      return [
        ...pair(channel, 'title', L.title, 'line'),
        ...pair(channel, 'body', L.body, 'text'),
        ...pair(channel, 'cta', L.cta, 'line', true),
        field(channel, 'url', { label: L.url, kind: 'line', optional: true }),
      ];
    case 'webhook':
      return [field(channel, 'payload', { label: L.payload, kind: 'long', optional: true })];
    default:
      return assertNever(channel, 'channel');
  }
}

export const fieldsOf = (fields: readonly FieldSpec[], channel: ChannelKind) =>
  fields.filter((f) => f.channel === channel);

/** An HTML id for a field name. */
export const inputId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function at(o: unknown, path: string): unknown {
  let cur = o;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The form's values from the saved content. */
export function valuesOf(fields: readonly FieldSpec[], content: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const raw = content[f.channel];
    if (f.kind === 'checkbox') {
      if (at(raw, f.path) === true) out[f.name] = 'on';
      continue;
    }
    if (f.channel === 'webhook') {
      const payload = at(raw, 'payload');
      out[f.name] = payload === undefined ? '' : JSON.stringify(payload, null, 2);
      continue;
    }
    const base = f.lang ? f.path.slice(0, -3) : f.path;
    const value = at(raw, base);
    out[f.name] =
      value === undefined
        ? ''
        : f.lang && (typeof value === 'string' || (typeof value === 'object' && value !== null))
          ? pick(value as LocalisedText, f.lang)
          : String(value);
  }
  return out;
}

/** Sets `value` at a dotted path of an object. */
function put(o: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = o;
  for (const part of parts.slice(0, -1)) {
    cur[part] ??= {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/**
 * One channel's content from the form, on top of the saved one (so settings the form does not
 * show, like an SMS's maxSegments, stay). A bad JSON payload is reported at its field.
 */
export function contentFromForm(
  channel: ChannelKind,
  fields: readonly FieldSpec[],
  values: FormValues,
  saved: unknown,
): { content: Record<string, unknown> } | { field: string; reason: string } {
  const content: Record<string, unknown> = { ...((saved ?? {}) as Record<string, unknown>) };
  delete content['channel'];
  const mine = fieldsOf(fields, channel);
  for (const f of mine) {
    const v = values[f.name] ?? '';
    if (f.kind === 'checkbox') content[f.path] = v === 'on';
    else if (f.channel === 'webhook') {
      if (v.trim() === '') delete content['payload'];
      else
        try {
          content['payload'] = JSON.parse(v) as unknown;
        } catch (error) {
          return { field: f.name, reason: error instanceof Error ? error.message : String(error) };
        }
    } else if (!f.lang) {
      if (f.optional && v.trim() === '') delete content[f.path];
      else content[f.path] = v;
    }
  }
  // Localised texts: both languages together; an optional one left empty in both is removed.
  for (const f of mine.filter((x) => x.lang === 'vi')) {
    const base = f.path.slice(0, -3);
    const vi = values[f.name] ?? '';
    const en = values[`c.${channel}.${base}.en`] ?? '';
    if (f.optional && vi.trim() === '' && en.trim() === '') {
      if (base.includes('.')) put(content, base, undefined);
      else delete content[base];
    } else put(content, base, { vi, en });
  }
  return { content };
}

/**
 * The field a content path belongs to (`text.vi` → `c.sms.text.vi`; `payload.items[0]` → the
 * payload), or undefined.
 */
export function fieldOfPath(
  fields: readonly FieldSpec[],
  channel: ChannelKind,
  path: string,
): string | undefined {
  const mine = fieldsOf(fields, channel);
  return (
    mine.find((f) => f.path === path)?.name ??
    mine
      .filter((f) => path.startsWith(`${f.path}.`) || path.startsWith(`${f.path}[`))
      .sort((a, b) => b.path.length - a.path.length)[0]?.name ??
    // A text saved as one string for both languages is named without .vi/.en.
    mine.find((f) => f.lang && f.path === `${path}.vi`)?.name
  );
}
