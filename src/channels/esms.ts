/**
 * eSMS.vn brandname customer-care SMS (tin nhắn CSKH): one JSON POST per message, deduplicated by
 * eSMS on our `RequestId` (answer 124 on a repeat), so a send interrupted by a crash may be sent
 * again safely. `100` means accepted; delivery arrives later on the CallbackUrl (esms-callback.ts).
 */
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { type ChannelDeps, httpOutcome, isOutcome, post, scrub } from './http.js';
import { phone84 } from './phone.js';

export interface EsmsSettings {
  /** Default https://rest.esms.vn. */
  baseUrl: string;
  apiKey: string;
  secretKey: string;
  /** The registered brandname (tên thương hiệu), e.g. `SHOPABC`. */
  brandname: string;
  /** `2` customer care (CSKH, the default); `1` promotion is not sent one by one. */
  smsType: string;
}

export const ESMS_PATH = '/MainService.svc/json/SendMultipleMessage_V4_post_json/';

/**
 * eSMS's CodeResult, as its error table documents it, and what each means for the engine.
 * Codes not listed are a `retry` (an unknown answer may be a passing fault on their side).
 */
export const ESMS_CODES: Readonly<Record<string, { kind: 'failed' | 'unreachable'; reason: string }>> = {
  '99': {
    kind: 'unreachable',
    reason: 'eSMS refuses this phone number (blocked in their system) or the request is invalid',
  },
  '101': { kind: 'failed', reason: 'eSMS rejected the ApiKey or SecretKey' },
  '102': { kind: 'failed', reason: 'eSMS has no price list for this account' },
  '103': { kind: 'failed', reason: 'the eSMS balance is too low to send' },
  '104': { kind: 'failed', reason: 'the brandname is not registered with eSMS' },
  '108': { kind: 'unreachable', reason: 'eSMS says the phone number is not in a valid format' },
  '140': { kind: 'failed', reason: "this server's IP address is not whitelisted at eSMS" },
  '146': { kind: 'failed', reason: 'the content matches no registered customer-care template' },
  '177': { kind: 'unreachable', reason: "the brandname is not registered on this customer's network" },
  '300': { kind: 'failed', reason: 'eSMS says the message type (SmsType) is missing' },
};

/** Any non-ASCII character makes the SMS Unicode (Vietnamese with accents). */
const hasNonAscii = (text: string) => [...text].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f);

/** The eSMS adapter: `sms` through eSMS, idempotent by RequestId. */
export function createEsmsChannel(settings: EsmsSettings, deps: ChannelDeps = {}): Channel {
  const secrets = [settings.apiKey, settings.secretKey];
  const url = `${settings.baseUrl.replace(/\/$/, '')}${ESMS_PATH}`;
  return {
    kind: 'sms',
    provider: 'esms',
    idempotent: true,
    async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
      const phone = phone84(message.to);
      if (!phone)
        return { kind: 'unreachable', code: 'invalid_phone', reason: 'not a Vietnamese phone number' };
      const body = {
        ApiKey: settings.apiKey,
        SecretKey: settings.secretKey,
        Phone: phone,
        Content: message.text,
        Brandname: settings.brandname,
        SmsType: settings.smsType,
        IsUnicode: hasNonAscii(message.text) ? '1' : '0',
        RequestId: message.idempotencyKey,
        ...(message.callbackUrl ? { CallbackUrl: message.callbackUrl } : {}),
      };
      const answer = await post(
        deps,
        url,
        { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
        signal,
      );
      if (isOutcome(answer)) return answer;
      if (answer.status >= 300) return httpOutcome(answer.status, 'eSMS');
      const reply = answer.json as
        | { CodeResult?: unknown; SMSID?: unknown; ErrorMessage?: unknown }
        | undefined;
      const code = reply?.CodeResult === undefined ? undefined : String(reply.CodeResult);
      const smsId = typeof reply?.SMSID === 'string' && reply.SMSID ? reply.SMSID : undefined;
      if (code === '100') return { kind: 'sent', ...(smsId ? { providerMessageId: smsId } : {}) };
      if (code === '124') return { kind: 'duplicate', ...(smsId ? { providerMessageId: smsId } : {}) };
      const known = code === undefined ? undefined : ESMS_CODES[code];
      if (known) return { kind: known.kind, code: code ?? '', reason: known.reason };
      const said = typeof reply?.ErrorMessage === 'string' ? `: ${scrub(reply.ErrorMessage, secrets)}` : '';
      return {
        kind: 'retry',
        code: code ?? 'no_code',
        reason: `eSMS answered an undocumented code ${code ?? '(none)'}${said}`,
      };
    },
  };
}
