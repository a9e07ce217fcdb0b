/**
 * One interface for every way a message leaves Nurture. A provider adapter (src/channels/<name>)
 * turns an `OutgoingMessage` into its provider's request and the provider's answer into a
 * `SendOutcome`; it never throws for an answer the provider documents (an error code is an
 * outcome, not a crash — Botpress restarted on Messenger's (#10)). It throws only for a bug.
 *
 * Every provider's base URL is a setting, so tests point it at a local fake server.
 */

/** How a message reaches the customer. `sms` goes through the shop's SMS provider (eSMS or SpeedSMS). */
export const CHANNEL_KINDS = ['email', 'sms', 'zalo', 'messenger', 'webhook', 'popup'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** A message ready to go: rendered, addressed, with the key the provider dedupes by. */
export interface OutgoingMessage {
  /** Our message id (the outbox row). */
  messageId: string;
  /**
   * The provider's own idempotency key, derived from the message id and stable across retries:
   * eSMS `RequestId`, ZNS `tracking_id`, the e-mail's `Message-ID`, the webhook's
   * `Idempotency-Key` header. Sending twice with the same key must not reach the customer twice
   * where the provider honours it.
   */
  idempotencyKey: string;
  channel: ChannelKind;
  /** E-mail address, E.164 phone (`+84912345678`), Messenger PSID, or webhook URL (else the setting's). */
  to: string;
  /** Promotional (counts against the cap, `[QC]` on SMS) or transactional. */
  promotional: boolean;
  /** E-mail subject. */
  subject?: string;
  /** The text: SMS content, Messenger text, e-mail text part. */
  text: string;
  /** E-mail HTML part. */
  html?: string;
  /** One-click unsubscribe (RFC 8058) for e-mail's List-Unsubscribe; the link in SMS/e-mail bodies. */
  unsubscribeUrl?: string;
  /** Zalo ZNS: the approved template and its data. */
  zalo?: { templateId: string; templateData: Record<string, string> };
  /** Messenger: how the message is allowed outside a reply (see docs/channels.md). */
  messenger?: { messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG'; tag?: string };
  /** Webhook: the JSON body to post (signed). */
  payload?: unknown;
  /** Where the provider reports delivery (eSMS CallbackUrl). */
  callbackUrl?: string;
}

/**
 * What a send came to. The engine's next move follows from the kind alone:
 * - `sent`: the provider accepted it (eSMS 100 means accepted, not delivered; delivery comes later);
 * - `duplicate`: the provider already holds a message with this idempotency key (eSMS 124): it was
 *   sent before a crash, so it counts as sent and is not sent again;
 * - `declined`: the customer refuses this channel (ZNS -114): recorded as a Declined event, no fallback;
 * - `unreachable`: this channel cannot reach this customer (ZNS -118 no Zalo account, Messenger
 *   10/2018278 outside the 24 h window, an invalid phone): the next channel of the preference is tried;
 * - `retry`: a passing failure (provider -100, HTTP 5xx, rate limit 613, network): try again later;
 * - `failed`: the shop's configuration is wrong (auth, balance, brandname, template): no retry
 *   until the seller fixes it; shown to the seller.
 */
export type SendOutcome =
  | {
      kind: 'sent';
      providerMessageId?: string;
      /** Counted as sent without the provider's word (SMTP: the connection dropped after the final dot). */
      unconfirmed?: string;
    }
  | { kind: 'duplicate'; providerMessageId?: string }
  | { kind: 'declined'; code: string; reason: string }
  | { kind: 'unreachable'; code: string; reason: string }
  | { kind: 'retry'; code: string; reason: string; retryAfterMs?: number }
  | { kind: 'failed'; code: string; reason: string };

export interface Channel {
  readonly kind: ChannelKind;
  /** The provider behind it: `smtp`, `esms`, `speedsms`, `zalo`, `messenger`, `webhook`, `widget`. */
  readonly provider: string;
  /**
   * A message whose send was interrupted by a crash may be sent again: the provider dedupes by
   * our idempotency key (eSMS, ZNS, the webhook), or the channel holds its messages before the
   * last step (`holding`, SMTP) and a message left `sending` never got there. False (SpeedSMS,
   * Messenger): such a message is marked `unknown` and shown to the seller, never sent again
   * blindly.
   */
  readonly idempotent: boolean;
  send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome>;
  /**
   * Two-step sending (SMTP), for a provider that cannot dedupe a repeat but discards a message
   * whose last step never came: `hold` takes a message to its provider up to that step (the
   * whole e-mail but its final dot) and keeps it there; the outbox commits the held messages
   * `finalizing`, then calls `finish`. A crash before that commit leaves them `sending`: the
   * provider discarded them, so they are sent again. At most `capacity` are held at once, and
   * one group at a time: `group` runs a group's holds, commit and finishes alone, so that two
   * groups never each hold part of the connections while waiting for the rest.
   */
  readonly holding?: {
    capacity: number;
    hold(message: OutgoingMessage): Promise<Held>;
    group<T>(run: () => Promise<T>): Promise<T>;
  };
}

/**
 * A message held before its provider's last step (`finish` takes that step and says what came of
 * it; `drop` abandons it, and the provider discards it), or the provider's answer when it
 * refused the message before (a recipient refused, the login wrong).
 */
export type Held =
  | { kind: 'held'; finish(): Promise<SendOutcome>; drop(): void }
  | { kind: 'answered'; outcome: SendOutcome };

/** The channels a shop has configured, by kind (a kind with no settings is absent). */
export type Channels = Partial<Record<ChannelKind, Channel>>;
