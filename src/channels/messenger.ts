/**
 * Facebook Messenger Send API: a text to a Page-scoped id (PSID). Only within 24 h of the
 * customer's last message (RESPONSE/UPDATE), or with a tag for non-promotional updates; outside
 * it Facebook answers (#10) subcode 2018278, which is an outcome (`unreachable`), never a throw.
 * No idempotency key exists, so an interrupted send is not repeated blindly (idempotent: false).
 */
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { type ChannelDeps, isOutcome, post, scrub } from './http.js';

export interface MessengerSettings {
  /** Default https://graph.facebook.com. */
  baseUrl: string;
  pageId: string;
  /** The Page access token (never printed). */
  pageToken: string;
}

export const GRAPH_VERSION = 'v21.0';

interface GraphError {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_subcode?: unknown;
}

/** A Graph error as an outcome; the codes are those the Send API documents for sending. */
export function messengerErrorOutcome(error: GraphError, secrets: readonly string[]): SendOutcome {
  const code =
    typeof error.code === 'number' || typeof error.code === 'string' ? String(error.code) : 'unknown';
  const sub = error.error_subcode === undefined ? undefined : String(error.error_subcode);
  const full = sub ? `${code}/${sub}` : code;
  if (code === '10' && sub === '2018278')
    return {
      kind: 'unreachable',
      code: full,
      reason: 'outside the 24-hour window: the customer has not written to the page in the last 24 hours',
    };
  if (code === '10' || code === '200' || code === '230')
    return { kind: 'failed', code: full, reason: 'the page lacks the permission to send this message' };
  if (code === '190')
    return {
      kind: 'failed',
      code: full,
      reason: 'Facebook rejected the page access token (expired or revoked)',
    };
  if (code === '100' || code === '551')
    return {
      kind: 'unreachable',
      code: full,
      reason: 'Facebook cannot deliver to this recipient (unknown or unavailable PSID)',
    };
  if (code === '613' || code === '4' || code === '32')
    return { kind: 'retry', code: full, reason: 'Facebook rate limit reached', retryAfterMs: 60_000 };
  if (code === '1' || code === '2')
    return { kind: 'retry', code: full, reason: 'Facebook had a temporary error' };
  const said = typeof error.message === 'string' ? `: ${scrub(error.message, secrets)}` : '';
  return { kind: 'failed', code: full, reason: `Facebook refused the message${said}` };
}

/** The Messenger adapter: `messenger`, not idempotent. */
export function createMessengerChannel(settings: MessengerSettings, deps: ChannelDeps = {}): Channel {
  const base = settings.baseUrl.replace(/\/$/, '');
  const url = `${base}/${GRAPH_VERSION}/${encodeURIComponent(settings.pageId)}/messages?access_token=${encodeURIComponent(settings.pageToken)}`;
  const secrets = [settings.pageToken];
  return {
    kind: 'messenger',
    provider: 'messenger',
    idempotent: false,
    async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
      const how = message.messenger ?? { messagingType: 'RESPONSE' as const };
      if (how.messagingType === 'MESSAGE_TAG' && !how.tag)
        return { kind: 'failed', code: 'no_tag', reason: 'a MESSAGE_TAG message needs a tag' };
      const body = {
        recipient: { id: message.to },
        messaging_type: how.messagingType,
        ...(how.messagingType === 'MESSAGE_TAG' ? { tag: how.tag } : {}),
        message: { text: message.text },
      };
      const answer = await post(
        deps,
        url,
        { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
        signal,
      );
      if (isOutcome(answer)) return answer;
      const reply = answer.json as { message_id?: unknown; error?: GraphError } | undefined;
      if (answer.status < 300 && typeof reply?.message_id === 'string')
        return { kind: 'sent', providerMessageId: reply.message_id };
      if (reply?.error) return messengerErrorOutcome(reply.error, secrets);
      if (answer.status >= 500)
        return {
          kind: 'retry',
          code: `http_${answer.status}`,
          reason: `Facebook answered HTTP ${answer.status}`,
        };
      return {
        kind: 'failed',
        code: `http_${answer.status}`,
        reason: `Facebook gave an unexpected answer (HTTP ${answer.status})`,
      };
    },
  };
}
