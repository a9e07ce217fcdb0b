/**
 * Onsite popups (issue 16, item 3): a flow's `send` step on channel `popup` writes an outbox row
 * that the dispatcher leaves queued; the storefront widget asks for the due ones of its visitor
 * (`GET /t/v1/popups`), shows them by their display rules, and reports what the visitor did
 * (`POST /t/v1/popups/:id/shown|closed|clicked`). docs/widget.md, "Popups".
 *
 * The visitor is known by the widget's anonymous id only: it is a random 128-bit id that lives in
 * that browser, joined to a customer when the visitor identified (`nurture.identify`, through
 * the `anonymous` identity). A phone or e-mail sent by the page is never taken as proof of who
 * the visitor is — anyone can type a phone number, and a popup may carry a personal coupon.
 */
import { z } from 'zod';
import type { PopupFrequency, PopupShow } from '../domain/messages/content.js';
import { type Lang, renderContent, type TemplateVars } from '../domain/messages/render.js';
import { NurtureError } from '../errors.js';
import { listFlows } from '../store/flows/definitions.js';
import { type MessageEvent, recordMessageEvents } from '../store/flows/message-events.js';
import { listMessages, type MessageRecord } from '../store/flows/messages.js';
import {
  customerOfVisitor,
  findPopupMessage,
  lastValidOrderAt,
  markPopupShown,
} from '../store/flows/popups.js';
import { loadRecipients, type Recipient } from '../store/flows/recipients.js';
import { recordSitePopupEvents, type SitePopupEvent } from '../store/flows/site-popups.js';
import type { AppContext } from './context.js';
import { contentOf, loadMessageVars, renderMessage } from './flows/message-content.js';
import { cachedShopSettings } from './shop-settings.js';
import { type SitePopup, sitePopups } from './site-popups.js';

/** The widget's anonymous id (widget/src/storage.ts makes 32 hex digits). */
export const anonymousIdSchema = z.string().trim().min(8).max(100);

/** `GET /t/v1/popups` query. */
export const popupsQuerySchema = z.object({
  writeKey: z.string().max(100).optional().describe('the publishable key (pk_…)'),
  anonymousId: anonymousIdSchema.describe("the widget's anonymous id of the visitor"),
  lang: z.enum(['vi', 'en']).optional().describe("the page's language, for visitors not identified"),
});

/** A popup as the widget gets it: rendered, with its display rules. */
export const storefrontPopupSchema = z.object({
  id: z.string().describe('the message id, or `site:NAME` for a site popup'),
  title: z.string(),
  body: z.string(),
  cta: z.string().optional().describe("the button's label"),
  url: z.string().optional().describe('where the button leads (http, https or a path of the shop)'),
  show: z.object({
    on: z.enum(['load', 'exit_intent', 'delay', 'scroll']),
    delay: z.number().optional(),
    scroll: z.number().optional(),
  }),
  days: z.number().optional().describe('at most once per this many days; absent: once'),
  stop: z.boolean().describe('not shown once the visitor completed an order after `since`'),
  since: z.string().describe('when the popup was queued (ISO 8601)'),
});
export type StorefrontPopup = z.infer<typeof storefrontPopupSchema>;

export const POPUP_ACTIONS = ['shown', 'closed', 'clicked'] as const;
export type PopupAction = (typeof POPUP_ACTIONS)[number];

/** A URL the popup's button may lead to: http(s), or a path of the shop's own site. */
function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a queued popup is showable at `now`: due, not expired. */
function isDue(m: MessageRecord, now: Date): boolean {
  return (
    m.channel === 'popup' &&
    m.state === 'queued' &&
    m.dueAt.getTime() <= now.getTime() &&
    (m.expiresAt === null || m.expiresAt.getTime() > now.getTime())
  );
}

/**
 * The popups due for a storefront visitor: the queued popup messages of the customer they
 * identified as (due, not expired, of a live flow), then the shop's live site popups for the
 * visitor's audience; rendered in the customer's language (else the page's), with their display
 * rules. A popup whose rule stops it after a conversion is left out once the customer has a valid
 * order placed after it was queued (a site popup: any valid order). A popup whose template fails
 * to render is left out (the seller sees the failure in `flow preview`).
 */
export async function duePopupsForVisitor(
  ctx: AppContext,
  input: { shopId: string; anonymousId: string; lang?: Lang | undefined },
): Promise<StorefrontPopup[]> {
  const { shopId } = input;
  const customerId = await customerOfVisitor(ctx.store, shopId, input.anonymousId);
  const recipient =
    customerId === undefined
      ? undefined
      : (await loadRecipients(ctx.store, shopId, [customerId])).get(customerId);
  const converted = recipient ? await lastValidOrderAt(ctx.store, shopId, recipient.customerId) : undefined;
  const own = recipient ? await customerPopups(ctx, shopId, recipient, converted) : [];
  const site = await sitePopupsFor(ctx, shopId, recipient, converted, input.lang ?? 'vi');
  return [...own, ...site];
}

/** The due popup messages of one customer, rendered. */
async function customerPopups(
  ctx: AppContext,
  shopId: string,
  recipient: Recipient,
  converted: Date | undefined,
): Promise<StorefrontPopup[]> {
  const now = ctx.clock.now();
  const { customerId } = recipient;
  const queued = (await listMessages(ctx.store, shopId, { customerId, state: 'queued', limit: 200 })).filter(
    (m) => isDue(m, now),
  );
  if (queued.length === 0) return [];
  const live = new Set((await listFlows(ctx.store, shopId, ['live'])).map((f) => f.flowId));
  const candidates = queued.filter((m) => m.flowId !== null && live.has(m.flowId));
  if (candidates.length === 0) return [];
  const vars = await loadMessageVars(ctx, shopId, candidates, new Map([[customerId, recipient]]));
  const { timezone } = await cachedShopSettings(ctx, shopId);
  const out: StorefrontPopup[] = [];
  // Oldest first: the widget shows the first whose rule fires.
  for (const m of [...candidates].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())) {
    const version = vars.versions.get(`${m.flowId}:${m.version}`);
    const content = version && m.stepId ? contentOf(version, m.stepId, 'popup') : undefined;
    if (content?.channel !== 'popup') continue;
    const stop = content.frequency.stopAfterConversion;
    if (stop && converted !== undefined && converted.getTime() >= m.createdAt.getTime()) continue;
    const rendered = renderMessage(m, 'popup', recipient, vars, timezone);
    if (!rendered.ok || rendered.message.channel !== 'popup') continue;
    out.push(toStorefront(m.messageId, rendered.message, content.show, content.frequency, m.createdAt));
  }
  return out;
}

/**
 * The shop's live site popups for a visitor: `new` ones only for a visitor not known to have
 * ordered; one that stops after a conversion not for a customer with a valid order.
 */
async function sitePopupsFor(
  ctx: AppContext,
  shopId: string,
  recipient: Recipient | undefined,
  converted: Date | undefined,
  pageLang: Lang,
): Promise<StorefrontPopup[]> {
  const popups = (await sitePopups(ctx, { shopId, liveOnly: true })).filter(
    (p) => converted === undefined || (p.audience === 'all' && !p.content.frequency.stopAfterConversion),
  );
  if (popups.length === 0) return [];
  const shop = await ctx.store.requireShop(shopId);
  const { timezone, url } = await cachedShopSettings(ctx, shopId);
  const lang: Lang = recipient ? (recipient.attributes['lang'] === 'en' ? 'en' : 'vi') : pageLang;
  const name = recipient ? [recipient.lastName, recipient.firstName].filter(Boolean).join(' ') : '';
  const vars: TemplateVars = {
    shop: { name: shop.name, ...(url ? { url } : {}) },
    ...(recipient
      ? {
          customer: {
            id: recipient.customerId,
            ...(recipient.firstName ? { first_name: recipient.firstName } : {}),
            ...(recipient.lastName ? { last_name: recipient.lastName } : {}),
            ...(name ? { name } : {}),
          },
        }
      : {}),
  };
  const out: StorefrontPopup[] = [];
  for (const p of popups) {
    const rendered = renderContent(p.content, vars, { lang, timeZone: timezone, currency: shop.currency });
    if (!rendered.ok || rendered.message.channel !== 'popup') continue;
    // Any conversion in the browser stops it (since the beginning of time).
    out.push(toStorefront(siteId(p), rendered.message, p.content.show, p.content.frequency, new Date(0)));
  }
  return out;
}

const SITE = 'site:';
const siteId = (p: SitePopup) => `${SITE}${p.name}`;

function toStorefront(
  id: string,
  message: { title: string; body: string; cta?: string; url?: string },
  show: PopupShow,
  frequency: PopupFrequency,
  since: Date,
): StorefrontPopup {
  const url = safeUrl(message.url);
  return {
    id,
    title: message.title,
    body: message.body,
    ...(message.cta ? { cta: message.cta } : {}),
    ...(url ? { url } : {}),
    show: {
      on: show.on,
      ...(show.delay === undefined ? {} : { delay: show.delay }),
      ...(show.scroll === undefined ? {} : { scroll: show.scroll }),
    },
    ...(frequency.days === undefined ? {} : { days: frequency.days }),
    stop: frequency.stopAfterConversion,
    since: since.toISOString(),
  };
}

/**
 * Records what the visitor did with a popup. `shown`: the message becomes `sent` (with
 * `sent_at`) and Message Sent, Delivered and Opened are recorded (a popup on screen was seen,
 * unlike an e-mail "open"); `clicked`: Message Clicked (and the shown ones, if the widget's
 * `shown` was lost); `closed`: the shown ones. Each event once per message, whatever repeats.
 * Only the visitor the popup was for may report it: another visitor's report, or another shop's
 * message, is `not_found`. A site popup (`site:NAME`) records the same events on the visitor's
 * anonymous id (and customer, when known), once per visitor and day.
 */
export async function recordPopupAction(
  ctx: AppContext,
  input: { shopId: string; anonymousId: string; messageId: string; action: PopupAction },
): Promise<{ recorded: boolean }> {
  if (input.messageId.startsWith(SITE)) return recordSitePopupAction(ctx, input);
  const { shopId, messageId } = input;
  const message = await findPopupMessage(ctx.store, shopId, messageId);
  const customerId = message ? await customerOfVisitor(ctx.store, shopId, input.anonymousId) : undefined;
  if (!message || customerId === undefined || customerId !== message.customerId)
    throw new NurtureError('not_found', `no popup ${messageId} for this visitor`);
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const changed = await markPopupShown(tx, shopId, messageId, now);
    if (!changed && message.state !== 'sent' && message.state !== 'delivered')
      // Not due, expired, suppressed…: it should not have been on screen; nothing to record.
      return { recorded: false };
    const shownAt = changed ? now : (message.sentAt ?? now);
    const event = (name: string, what: string, at: Date): MessageEvent => ({
      eventId: ctx.newId('evt'),
      dedupeKey: `msg:${messageId}:${what}`,
      name,
      customerId: message.customerId,
      at,
      properties: {
        message_id: messageId,
        flow_id: message.flowId,
        step_id: message.stepId,
        channel: 'popup',
      },
    });
    const events = [
      event('Message Sent', 'sent', shownAt),
      event('Message Delivered', 'delivered', shownAt),
      event('Message Opened', 'opened', shownAt),
    ];
    if (input.action === 'clicked') events.push(event('Message Clicked', 'clicked', now));
    await recordMessageEvents(tx, shopId, events);
    return { recorded: true };
  });
}

async function recordSitePopupAction(
  ctx: AppContext,
  input: { shopId: string; anonymousId: string; messageId: string; action: PopupAction },
): Promise<{ recorded: boolean }> {
  const { shopId, anonymousId } = input;
  const name = input.messageId.slice(SITE.length);
  const popup = (await sitePopups(ctx, { shopId })).find((p) => p.name === name);
  if (!popup) throw new NurtureError('not_found', `no site popup ${name}`);
  const customerId = (await customerOfVisitor(ctx.store, shopId, anonymousId)) ?? null;
  const now = ctx.clock.now();
  const day = now.toISOString().slice(0, 10);
  const event = (eventName: string, what: string): SitePopupEvent => ({
    eventId: ctx.newId('evt'),
    dedupeKey: `${input.messageId}:${anonymousId}:${what}:${day}`,
    name: eventName,
    customerId,
    anonymousId,
    at: now,
    properties: { site_popup: name, channel: 'popup' },
  });
  const events = [
    event('Message Sent', 'sent'),
    event('Message Delivered', 'delivered'),
    event('Message Opened', 'opened'),
  ];
  if (input.action === 'clicked') events.push(event('Message Clicked', 'clicked'));
  await ctx.store.transaction((tx) => recordSitePopupEvents(tx, shopId, events));
  return { recorded: true };
}
