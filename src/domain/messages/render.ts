/**
 * Rendering a message's content for one customer. A render never throws for what a template or
 * the data does: it returns `{ ok: false, error }`, which the engine records on the message (and
 * shows the seller) instead of crashing the send. Only a bug throws.
 */
import { assertNever } from '../../errors.js';
import { type LocalisedText, type MessageContent, pick } from './content.js';
import { htmlToText } from './html-text.js';
import { describeLiquidError, type RenderOptions, renderTemplate } from './liquid.js';
import { type SmsEncoding, smsLength, stripDiacritics, withAdvertisingPrefix } from './sms.js';

export type { Lang, RenderOptions } from './liquid.js';

/** The variables a template sees (docs/messages.md lists them). Any further key is passed through. */
export interface TemplateVars {
  customer?: {
    id?: string;
    first_name?: string;
    last_name?: string;
    /** The full name as the shop writes it. */
    name?: string;
    phone?: string;
    email?: string;
    /** The customer's groups (segments) by name. */
    groups?: string[];
    tags?: string[];
    attributes?: Record<string, unknown>;
    [key: string]: unknown;
  };
  order?: {
    name?: string;
    total?: number | string;
    created_at?: Date | string;
    status_url?: string;
    lines?: Array<{ title?: string; sku?: string; quantity?: number; price?: number | string }>;
    [key: string]: unknown;
  };
  /** Recommended products. */
  products?: Array<{
    title?: string;
    url?: string;
    price?: number | string;
    image?: string;
    [key: string]: unknown;
  }>;
  /**
   * The customer's personal recommendations (docs/recommend.md, "Output"), best first, each with
   * its reason in the customer's language.
   */
  recommendations?: Array<{
    sku: string;
    title: string;
    price?: number;
    image?: string;
    category?: string;
    reason: string;
    [key: string]: unknown;
  }>;
  coupon?: {
    code?: string;
    kind?: 'fixed' | 'percent' | 'free_shipping';
    value?: number | string;
    min_order?: number | string;
    expires_at?: Date | string;
  };
  shop?: { name?: string; url?: string; phone?: string; [key: string]: unknown };
  unsubscribe_url?: string;
  [key: string]: unknown;
}

/** Render-time options beyond language, zone and currency. */
export interface ContentRenderOptions extends RenderOptions {
  /** Promotional SMS get the Decree 91 prefix. */
  promotional?: boolean;
  /** The prefix (the policy's `vietnamSms.prefix`); default "[QC] ". */
  smsPrefix?: string;
}

/** A message rendered for one customer, by channel. */
export type RenderedMessage =
  | { channel: 'email'; subject: string; html?: string; text: string }
  | { channel: 'sms'; text: string; encoding: SmsEncoding; segments: number }
  | { channel: 'zalo'; templateId: string; data: Record<string, string> }
  | { channel: 'messenger'; text: string }
  | { channel: 'webhook'; payload?: unknown }
  | { channel: 'popup'; title: string; body: string; cta?: string; url?: string };

/** Something the seller should know about a rendered message that still goes. */
export interface RenderWarning {
  code: 'sms_segments' | 'sms_unicode' | 'no_unsubscribe_link';
  message: { vi: string; en: string };
}

/** Why a message could not be rendered: the field, and where in its template. */
export interface RenderFailure {
  code: 'render_failed';
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export type RenderResult =
  | { ok: true; message: RenderedMessage; warnings: RenderWarning[] }
  | { ok: false; error: RenderFailure };

class FieldError extends Error {
  constructor(readonly failure: RenderFailure) {
    super(failure.message);
  }
}

/**
 * Renders every text of a content for a customer in a language. `vars` are the template
 * variables; `lang` is added to them. Never throws for a template's or the data's fault.
 */
export function renderContent(
  content: MessageContent,
  vars: TemplateVars,
  options: ContentRenderOptions,
): RenderResult {
  const scope = { ...vars, lang: options.lang };
  const warnings: RenderWarning[] = [];
  const field = (path: string, source: string, html = false): string => {
    try {
      return renderTemplate(source, scope, options, html);
    } catch (error) {
      const { message, position } = describeLiquidError(error);
      throw new FieldError({ code: 'render_failed', path, message, ...position });
    }
  };
  const text = (path: string, value: Parameters<typeof pick>[0], html = false) =>
    field(typeof value === 'string' ? path : `${path}.${options.lang}`, pick(value, options.lang), html);
  try {
    return { ok: true, message: renderByChannel(content, options, text, field, warnings), warnings };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.failure };
    throw error;
  }
}

/**
 * Renders one localised text outside a message (a staff task's title or body, a preview), with
 * the same variables and filters; `path` names it in an error.
 */
export function renderText(
  text: LocalisedText,
  vars: TemplateVars,
  options: RenderOptions,
  path = 'text',
): { ok: true; text: string } | { ok: false; error: RenderFailure } {
  try {
    return {
      ok: true,
      text: renderTemplate(pick(text, options.lang), { ...vars, lang: options.lang }, options, false),
    };
  } catch (error) {
    const { message, position } = describeLiquidError(error);
    const where = typeof text === 'string' ? path : `${path}.${options.lang}`;
    return { ok: false, error: { code: 'render_failed', path: where, message, ...position } };
  }
}

type TextRenderer = (path: string, value: Parameters<typeof pick>[0], html?: boolean) => string;
type FieldRenderer = (path: string, source: string, html?: boolean) => string;

function renderByChannel(
  content: MessageContent,
  options: ContentRenderOptions,
  text: TextRenderer,
  field: FieldRenderer,
  warnings: RenderWarning[],
): RenderedMessage {
  switch (content.channel) {
    case 'email': {
      const subject = text('subject', content.subject).replace(/\s+/g, ' ').trim();
      const html = content.html === undefined ? undefined : text('html', content.html, true);
      const plain = content.text === undefined ? htmlToText(html ?? '') : text('text', content.text).trim();
      if (options.promotional && !mentionsUnsubscribe(content)) warnings.push(NO_UNSUBSCRIBE);
      return { channel: 'email', subject, ...(html === undefined ? {} : { html }), text: plain };
    }
    case 'sms': {
      let body = text('text', content.text).trim();
      if (content.ascii) body = stripDiacritics(body);
      if (options.promotional) body = withAdvertisingPrefix(body, options.smsPrefix ?? '[QC] ');
      const length = smsLength(body);
      if (length.segments > content.maxSegments)
        warnings.push(segmentsWarning(length.segments, content.maxSegments));
      if (length.encoding === 'ucs2' && content.ascii)
        warnings.push(unicodeWarning(length.unicodeCharacters));
      return { channel: 'sms', text: body, encoding: length.encoding, segments: length.segments };
    }
    case 'zalo': {
      const data: Record<string, string> = {};
      for (const [key, value] of Object.entries(content.data)) data[key] = text(`data.${key}`, value).trim();
      return { channel: 'zalo', templateId: content.templateId, data };
    }
    case 'messenger':
      return { channel: 'messenger', text: text('text', content.text).trim() };
    case 'webhook':
      return content.payload === undefined
        ? { channel: 'webhook' }
        : { channel: 'webhook', payload: renderJson('payload', content.payload, field) };
    case 'popup':
      return {
        channel: 'popup',
        title: text('title', content.title).trim(),
        body: text('body', content.body).trim(),
        ...(content.cta === undefined ? {} : { cta: text('cta', content.cta).trim() }),
        ...(content.url === undefined ? {} : { url: field('url', content.url).trim() }),
      };
    default:
      return assertNever(content, 'message content');
  }
}

function renderJson(path: string, value: unknown, field: FieldRenderer): unknown {
  if (typeof value === 'string') return field(path, value);
  if (Array.isArray(value)) return value.map((v, i) => renderJson(`${path}[${i}]`, v, field));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderJson(`${path}.${k}`, v, field)]),
    );
  return value;
}

function mentionsUnsubscribe(content: MessageContent & { channel: 'email' }): boolean {
  const all = [content.html, content.text].flatMap((t) =>
    t === undefined ? [] : typeof t === 'string' ? [t] : [t.vi, t.en],
  );
  return all.some((t) => t.includes('unsubscribe_url'));
}

const NO_UNSUBSCRIBE: RenderWarning = {
  code: 'no_unsubscribe_link',
  message: {
    vi: 'E-mail quảng cáo chưa có liên kết hủy đăng ký ({{ unsubscribe_url }}) trong nội dung.',
    en: 'The promotional e-mail has no unsubscribe link ({{ unsubscribe_url }}) in its body.',
  },
};

function segmentsWarning(segments: number, max: number): RenderWarning {
  return {
    code: 'sms_segments',
    message: {
      vi: `Tin nhắn dài ${segments} phần SMS (quá ${max}); mỗi phần tính phí riêng.`,
      en: `The message takes ${segments} SMS segments (more than ${max}); each is billed.`,
    },
  };
}

function unicodeWarning(chars: string[]): RenderWarning {
  const list = chars.join(' ');
  return {
    code: 'sms_unicode',
    message: {
      vi: `Vẫn còn ký tự Unicode sau khi bỏ dấu: ${list}`,
      en: `Unicode characters remain after removing tone marks: ${list}`,
    },
  };
}
