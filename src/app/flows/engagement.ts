import { parseEsmsCallback } from '../../channels/esms-callback.js';
import { NurtureError } from '../../errors.js';
import { recordMessageEvents } from '../../store/flows/message-events.js';
import {
  getMessage,
  type MessageRecord,
  markEngagement,
  markUndelivered,
  messageByProviderReport,
} from '../../store/flows/messages.js';
import { recordOptOut } from '../../store/flows/recipients.js';
import type { AppContext } from '../context.js';
import { type LinkKind, type LinkSigner, linkSigner } from './links.js';

/**
 * What customers' clicks, mail clients and providers report about sent messages: opens, clicks
 * (the redirect), unsubscribes (one click, RFC 8058) and SMS delivery. Each becomes an event
 * (Message Opened, Clicked, Delivered) that segments and flows read, recorded once per message.
 */

async function signed(
  ctx: AppContext,
  shopId: string,
  token: string,
  kind: LinkKind,
): Promise<{ message: MessageRecord; index: number; signer: LinkSigner } | undefined> {
  const signer = await linkSigner(ctx, shopId).catch(() => undefined);
  const found = signer?.verify(token, kind);
  if (!signer || !found) return undefined;
  const message = await getMessage(ctx.store, shopId, found.messageId);
  return message ? { message, index: found.index, signer } : undefined;
}

function event(
  ctx: AppContext,
  shopId: string,
  m: MessageRecord,
  name: string,
  what: string,
  extra: Record<string, unknown> = {},
) {
  return recordMessageEvents(ctx.store, shopId, [
    {
      eventId: ctx.newId('evt'),
      dedupeKey: `msg:${m.messageId}:${what}`,
      name,
      customerId: m.customerId,
      at: ctx.clock.now(),
      properties: {
        message_id: m.messageId,
        flow_id: m.flowId,
        step_id: m.stepId,
        channel: m.channel,
        ...extra,
      },
    },
  ]);
}

/** An open pixel was loaded. Unknown or forged tokens record nothing (the pixel is served anyway). */
export async function recordOpen(
  ctx: AppContext,
  input: { shopId: string; token: string },
): Promise<boolean> {
  const found = await signed(ctx, input.shopId, input.token, 'o');
  if (!found) return false;
  if (await markEngagement(ctx.store, input.shopId, found.message.messageId, 'opened_at', ctx.clock.now()))
    await event(ctx, input.shopId, found.message, 'Message Opened', 'opened');
  return true;
}

/** A tracked link was followed: records the click and answers where it leads. */
export async function recordClick(
  ctx: AppContext,
  input: { shopId: string; token: string },
): Promise<string> {
  const found = await signed(ctx, input.shopId, input.token, 'c');
  const url = found ? linksOf(found.message)[found.index] : undefined;
  if (!found || !url)
    throw new NurtureError('not_found', 'this link is not known (or was changed)', [
      { path: 'token', reason: 'unknown' },
    ]);
  await markEngagement(ctx.store, input.shopId, found.message.messageId, 'clicked_at', ctx.clock.now());
  await event(ctx, input.shopId, found.message, 'Message Clicked', `clicked:${found.index}`, { url });
  return url;
}

function linksOf(m: MessageRecord): string[] {
  try {
    const links = (JSON.parse(m.rendered ?? '{}') as { links?: unknown }).links;
    return Array.isArray(links) ? links.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}

/** Who an unsubscribe link is for: the channel and a masked address, to confirm before acting. */
export async function unsubscribeTarget(
  ctx: AppContext,
  input: { shopId: string; token: string },
): Promise<{ channel: string; address: string; shopName: string }> {
  const found = await signed(ctx, input.shopId, input.token, 'u');
  if (!found?.message.recipient)
    throw new NurtureError('not_found', 'this unsubscribe link is not known', [
      { path: 'token', reason: 'unknown' },
    ]);
  const shop = await ctx.store.requireShop(input.shopId);
  return { channel: found.message.channel, address: mask(found.message.recipient), shopName: shop.name };
}

/**
 * Unsubscribes the address a message went to from its channel, at once and for good (an import
 * cannot undo it). Idempotent.
 */
export async function unsubscribe(
  ctx: AppContext,
  input: { shopId: string; token: string },
): Promise<{ channel: string; address: string }> {
  const found = await signed(ctx, input.shopId, input.token, 'u');
  if (!found?.message.recipient)
    throw new NurtureError('not_found', 'this unsubscribe link is not known', [
      { path: 'token', reason: 'unknown' },
    ]);
  const m = found.message;
  await recordOptOut(ctx.store, input.shopId, {
    channel: m.channel,
    address: m.recipient!,
    customerId: m.customerId,
    source: `unsubscribe link of ${m.messageId}`,
    at: ctx.clock.now(),
  });
  return { channel: m.channel, address: mask(m.recipient!) };
}

/** `la***@example.vn`, `+8491****678`. */
function mask(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address.slice(0, Math.min(2, at))}***${address.slice(at)}`;
  return address.length > 7 ? `${address.slice(0, 5)}****${address.slice(-3)}` : '****';
}

/**
 * eSMS's delivery report (GET on the CallbackUrl): the message it names becomes delivered, or
 * keeps the reason it was not. The key in the URL proves the report is for this shop.
 */
export async function recordEsmsDelivery(
  ctx: AppContext,
  input: { shopId: string; key: string; query: Record<string, string | string[] | undefined> },
): Promise<'delivered' | 'not_delivered' | 'pending' | 'ignored'> {
  const signer = await linkSigner(ctx, input.shopId).catch(() => undefined);
  if (!signer || signer.callbackKey('esms') !== input.key) return 'ignored';
  const report = parseEsmsCallback(input.query);
  if (!report) return 'ignored';
  const m = await messageByProviderReport(ctx.store, input.shopId, {
    idempotencyKey: report.requestId,
    providerMessageId: report.smsId,
  });
  if (!m) return 'ignored';
  if (report.delivered) {
    if (await markEngagement(ctx.store, input.shopId, m.messageId, 'delivered_at', ctx.clock.now()))
      await event(ctx, input.shopId, m, 'Message Delivered', 'delivered');
    return 'delivered';
  }
  if (!report.final) return 'pending';
  await markUndelivered(
    ctx.store,
    input.shopId,
    m.messageId,
    `not delivered: ${report.reason}`,
    ctx.clock.now(),
  );
  return 'not_delivered';
}
