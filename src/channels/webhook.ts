/**
 * Outgoing webhook: the message as signed JSON to the seller's own URL (their CRM, a Zapier-like
 * tool, their own SMS gateway). The receiver verifies `X-Nurture-Signature` (hex HMAC-SHA256 of
 * the raw body keyed by the shared secret; `X-Nurture-Timestamp` travels alongside so it can refuse
 * stale deliveries) and dedupes by `Idempotency-Key`, so a repeat after a crash is safe.
 * 2xx sent; 410 unreachable; 408/429 and 5xx retry (a busy receiver); any other 4xx failed.
 */
import { createHmac } from 'node:crypto';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { type ChannelDeps, isOutcome, post, retryAfterMs } from './http.js';

export interface WebhookSettings {
  /** Where messages go, unless a message names its own URL in `to`. */
  url: string;
  /** The shared secret that signs the body. */
  secret: string;
}

/** `sha256=<hex>`: the signature of a raw body, as the receiver recomputes it. */
export function webhookSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** The body posted: the message's own payload, else its addressing and text. */
export function webhookBody(message: OutgoingMessage): unknown {
  if (message.payload !== undefined) return message.payload;
  return {
    messageId: message.messageId,
    channel: message.channel,
    to: message.to,
    promotional: message.promotional,
    text: message.text,
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.unsubscribeUrl !== undefined ? { unsubscribeUrl: message.unsubscribeUrl } : {}),
  };
}

/** The webhook adapter: `webhook`, idempotent by the Idempotency-Key header. */
export function createWebhookChannel(settings: WebhookSettings, deps: ChannelDeps = {}): Channel {
  return {
    kind: 'webhook',
    provider: 'webhook',
    idempotent: true,
    async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
      const url = /^https?:\/\//.test(message.to) ? message.to : settings.url;
      const raw = JSON.stringify(webhookBody(message));
      const now = (deps.now ?? (() => new Date()))();
      const answer = await post(
        deps,
        url,
        {
          headers: {
            'content-type': 'application/json',
            'x-nurture-signature': webhookSignature(settings.secret, raw),
            'x-nurture-timestamp': String(Math.floor(now.getTime() / 1000)),
            'idempotency-key': message.idempotencyKey,
          },
          body: raw,
        },
        signal,
      );
      if (isOutcome(answer)) return answer;
      const s = answer.status;
      if (s >= 200 && s < 300) return { kind: 'sent' };
      if (s === 410)
        return {
          kind: 'unreachable',
          code: '410',
          reason: 'the receiver says this recipient is gone (HTTP 410)',
        };
      if (s === 429 || s === 408) {
        const wait = retryAfterMs(answer.headers.get('retry-after'));
        return {
          kind: 'retry',
          code: String(s),
          reason: `the receiver asked to try later (HTTP ${s})`,
          ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        };
      }
      if (s >= 500) return { kind: 'retry', code: String(s), reason: `the receiver failed (HTTP ${s})` };
      return { kind: 'failed', code: String(s), reason: `the receiver refused the message (HTTP ${s})` };
    },
  };
}
