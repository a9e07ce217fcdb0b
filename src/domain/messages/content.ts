/**
 * What a flow's message says, per channel: a document stored with the flow, every text a Liquid
 * template, each either one string or a {vi, en} pair. `parseContent` validates the shape and
 * compiles every template when the flow is created, so a syntax error or an unknown filter is
 * reported to the seller then, with the field and the line/column — never discovered at send
 * time. Rendering is in render.ts.
 */
import { z } from 'zod';
import type { ChannelKind } from '../../channels/channel.js';
import { assertNever, type ErrorDetail, NurtureError } from '../../errors.js';
import { checkTemplate, describeLiquidError, type Lang } from './liquid.js';

/** A text in both languages, or one string for both. */
export const LocalisedText = z.union([z.string(), z.object({ vi: z.string(), en: z.string() }).strict()]);
export type LocalisedText = z.infer<typeof LocalisedText>;

/** The text of a language. */
export function pick(text: LocalisedText, lang: Lang): string {
  return typeof text === 'string' ? text : text[lang];
}

const EmailContent = z
  .object({
    channel: z.literal('email'),
    subject: LocalisedText,
    /** The HTML part; outputs are HTML-escaped (`| raw` to opt out). */
    html: LocalisedText.optional(),
    /** The text part; derived from the HTML when absent. */
    text: LocalisedText.optional(),
  })
  .strict()
  .refine((c) => c.html !== undefined || c.text !== undefined, {
    message: 'an e-mail needs html or text',
    path: ['text'],
  });

const SmsContent = z
  .object({
    channel: z.literal('sms'),
    text: LocalisedText,
    /** Send without Vietnamese tone marks (GSM-7: 160 characters a segment instead of 70). */
    ascii: z.boolean().default(false),
    /** Warn the seller when the rendered text needs more segments than this. */
    maxSegments: z.number().int().min(1).max(10).default(3),
  })
  .strict();

const ZaloContent = z
  .object({
    channel: z.literal('zalo'),
    /** The ZNS template approved by Zalo. */
    templateId: z.string().min(1),
    /** The template's parameters, each a Liquid text. */
    data: z.record(z.string(), LocalisedText),
  })
  .strict();

const MessengerContent = z.object({ channel: z.literal('messenger'), text: LocalisedText }).strict();

/** A JSON value whose strings are Liquid templates. */
type JsonTemplate = string | number | boolean | null | JsonTemplate[] | { [key: string]: JsonTemplate };
const JsonTemplate: z.ZodType<JsonTemplate> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonTemplate),
    z.record(z.string(), JsonTemplate),
  ]),
);

const WebhookContent = z
  .object({
    channel: z.literal('webhook'),
    /** The JSON body; without it the engine posts its standard body (customer, flow, message). */
    payload: JsonTemplate.optional(),
  })
  .strict();

/**
 * When the storefront widget shows a popup (docs/widget.md, "Popups"): `load` at once;
 * `exit_intent` when the pointer leaves the top of the window on a desktop (never on a link click
 * or a navigation), and on phones, which have no pointer, after `delay` seconds or at `scroll`
 * percent when given (else not on phones); `delay` after that many seconds; `scroll` once the
 * visitor has scrolled that far down the page.
 */
export const PopupShow = z
  .object({
    on: z.enum(['load', 'exit_intent', 'delay', 'scroll']).default('load'),
    /** Seconds (`on: delay`, default 10; with `exit_intent`, the phones' trigger). */
    delay: z.number().int().min(0).max(3600).optional(),
    /** Percent of the page (`on: scroll`, default 50; with `exit_intent`, the phones' trigger). */
    scroll: z.number().int().min(1).max(100).optional(),
  })
  .strict();
export type PopupShow = z.infer<typeof PopupShow>;

/** How often one visitor may see a popup: once (no `days`), or at most once per `days` days. */
export const PopupFrequency = z
  .object({
    days: z.number().int().min(1).max(3650).optional(),
    /** Not shown again once the visitor has completed an order (since the popup was queued). */
    stopAfterConversion: z.boolean().default(true),
  })
  .strict();
export type PopupFrequency = z.infer<typeof PopupFrequency>;

const PopupContent = z
  .object({
    channel: z.literal('popup'),
    title: LocalisedText,
    body: LocalisedText,
    /** The button's label. */
    cta: LocalisedText.optional(),
    /** Where the button leads. */
    url: z.string().optional(),
    show: PopupShow.default({ on: 'load' }),
    frequency: PopupFrequency.default({ stopAfterConversion: true }),
  })
  .strict();

/** A message's content, by channel. */
export const MessageContent = z.discriminatedUnion('channel', [
  EmailContent,
  SmsContent,
  ZaloContent,
  MessengerContent,
  WebhookContent,
  PopupContent,
]);
export type MessageContent = z.infer<typeof MessageContent>;
/** The content as written (defaults not yet filled in). */
export type MessageContentInput = z.input<typeof MessageContent>;

// Every channel has content and no content is for a channel that does not exist.
type Missing = Exclude<ChannelKind, MessageContent['channel']>;
type Extra = Exclude<MessageContent['channel'], ChannelKind>;
const exhaustive: [Missing, Extra] extends [never, never] ? true : false = true;
void exhaustive;

/** One Liquid text of a content: its path ("subject.vi"), its source, and whether it is HTML. */
export interface TemplateField {
  path: string;
  source: string;
  html: boolean;
}

/** Every Liquid text of a content, with its path. */
export function templateFields(content: MessageContent): TemplateField[] {
  const out: TemplateField[] = [];
  const text = (path: string, value: LocalisedText | undefined, html = false) => {
    if (value === undefined) return;
    if (typeof value === 'string') out.push({ path, source: value, html });
    else
      for (const lang of ['vi', 'en'] as const)
        out.push({ path: `${path}.${lang}`, source: value[lang], html });
  };
  const json = (path: string, value: JsonTemplate) => {
    if (typeof value === 'string') out.push({ path, source: value, html: false });
    else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) json(`${path}[${i}]`, v);
    } else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) json(`${path}.${k}`, v);
  };
  switch (content.channel) {
    case 'email':
      text('subject', content.subject);
      text('html', content.html, true);
      text('text', content.text);
      break;
    case 'sms':
    case 'messenger':
      text('text', content.text);
      break;
    case 'zalo':
      for (const [key, value] of Object.entries(content.data)) text(`data.${key}`, value);
      break;
    case 'webhook':
      if (content.payload !== undefined) json('payload', content.payload);
      break;
    case 'popup':
      text('title', content.title);
      text('body', content.body);
      text('cta', content.cta);
      if (content.url !== undefined) text('url', content.url);
      break;
    default:
      return assertNever(content, 'message content');
  }
  return out;
}

/**
 * Validates a message content and compiles every template in it. Throws
 * NurtureError('invalid_input') listing every problem: the field path (`subject.vi`), and for a
 * template its line and column within that field.
 */
export function parseContent(raw: unknown, pathPrefix = ''): MessageContent {
  const parsed = MessageContent.safeParse(raw);
  const at = (path: string) => (pathPrefix === '' ? path : `${pathPrefix}.${path}`);
  if (!parsed.success) {
    const details: ErrorDetail[] = parsed.error.issues.map((issue) => ({
      path: at(issue.path.map(String).join('.') || 'channel'),
      reason: issue.message,
    }));
    throw new NurtureError('invalid_input', 'the message content is not valid', details);
  }
  const details = templateFields(parsed.data).flatMap((field) =>
    templateProblems(field.source, at(field.path)),
  );
  throwIfProblems(details);
  return parsed.data;
}

/** A template's syntax or filter error, with its path and line/column; none when it compiles. */
function templateProblems(source: string, path: string): ErrorDetail[] {
  try {
    checkTemplate(source);
    return [];
  } catch (error) {
    const { message, position } = describeLiquidError(error);
    return [{ path, reason: message, ...position }];
  }
}

/**
 * Checks a localised text used outside a message (a staff task's title or body) the way
 * parseContent checks a message: throws NurtureError('invalid_input') with path and position.
 */
export function checkLocalisedText(text: LocalisedText, path: string): void {
  const fields =
    typeof text === 'string'
      ? [{ path, source: text }]
      : (['vi', 'en'] as const).map((lang) => ({ path: `${path}.${lang}`, source: text[lang] }));
  throwIfProblems(fields.flatMap((f) => templateProblems(f.source, f.path)));
}

function throwIfProblems(details: ErrorDetail[]): void {
  if (details.length > 0) {
    const first = details[0]!;
    const where = first.line === undefined ? '' : ` (line ${first.line}, column ${first.column})`;
    throw new NurtureError(
      'invalid_input',
      `template error in ${first.path}${where}: ${first.reason}`,
      details,
    );
  }
}
