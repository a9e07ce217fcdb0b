/**
 * SpeedSMS (speedsms.vn): one JSON POST per message with Basic auth `token:x`. SpeedSMS has no
 * idempotency key, so a send interrupted by a crash is not repeated blindly (idempotent: false):
 * the engine marks it `unknown` for the seller to check in the SpeedSMS dashboard.
 */
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { type ChannelDeps, httpOutcome, isOutcome, post, retryAfterMs, scrub } from './http.js';
import { phone84 } from './phone.js';

export interface SpeedsmsSettings {
  /** Default https://api.speedsms.vn. */
  baseUrl: string;
  /** The API access token (connect.speedsms.vn → Settings → Profile). */
  token: string;
  /** The brandname (sender) for sms_type 2/3; SpeedSMS's own for 4/5. */
  sender: string | undefined;
  /** 2 brandname customer care (CSKH, default), 3 brandname promotion, 4 random number, 5 app. */
  smsType: number;
}

export const SPEEDSMS_PATH = '/index.php/sms/send';

/** The error codes SpeedSMS documents on speedsms.vn/sms-api, and what each means here. */
export const SPEEDSMS_CODES: Readonly<
  Record<string, { kind: 'failed' | 'unreachable' | 'retry'; reason: string }>
> = {
  '007': { kind: 'failed', reason: "SpeedSMS locked this server's IP address" },
  '008': { kind: 'failed', reason: 'the SpeedSMS account is blocked' },
  '009': { kind: 'failed', reason: 'the SpeedSMS account may not call the API' },
  '101': {
    kind: 'failed',
    reason: 'SpeedSMS says a parameter is invalid or missing (check sender and sms_type)',
  },
  '105': { kind: 'unreachable', reason: 'SpeedSMS says the phone number is invalid' },
  '110': { kind: 'failed', reason: "SpeedSMS does not support the content's encoding" },
  '113': { kind: 'failed', reason: 'the SMS content is too long for SpeedSMS' },
  '300': { kind: 'failed', reason: 'the SpeedSMS balance is too low to send' },
  '500': { kind: 'retry', reason: 'SpeedSMS had an internal error' },
};

/** The SpeedSMS adapter: `sms` through SpeedSMS, not idempotent. */
export function createSpeedsmsChannel(settings: SpeedsmsSettings, deps: ChannelDeps = {}): Channel {
  const url = `${settings.baseUrl.replace(/\/$/, '')}${SPEEDSMS_PATH}`;
  const auth = `Basic ${Buffer.from(`${settings.token}:x`).toString('base64')}`;
  return {
    kind: 'sms',
    provider: 'speedsms',
    idempotent: false,
    async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
      const phone = phone84(message.to);
      if (!phone)
        return { kind: 'unreachable', code: 'invalid_phone', reason: 'not a Vietnamese phone number' };
      const body = {
        to: [phone],
        content: message.text,
        sms_type: settings.smsType,
        ...(settings.sender ? { sender: settings.sender } : {}),
      };
      const answer = await post(
        deps,
        url,
        { headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(body) },
        signal,
      );
      if (isOutcome(answer)) return answer;
      if (answer.status === 401 || answer.status === 403)
        return {
          kind: 'failed',
          code: `http_${answer.status}`,
          reason: 'SpeedSMS rejected the access token',
        };
      if (answer.status === 429) {
        const wait = retryAfterMs(answer.headers.get('x-rate-limit-reset'));
        return {
          kind: 'retry',
          code: 'http_429',
          reason: 'SpeedSMS rate limit (60 requests a minute) exceeded',
          ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        };
      }
      if (answer.status >= 300) return httpOutcome(answer.status, 'SpeedSMS');
      const reply = answer.json as
        | {
            status?: unknown;
            code?: unknown;
            message?: unknown;
            data?: { tranId?: unknown; invalidPhone?: unknown };
          }
        | undefined;
      const code = reply?.code === undefined ? undefined : String(reply.code);
      if (reply?.status === 'success' && (code === '00' || code === undefined)) {
        const invalid = reply.data?.invalidPhone;
        if (Array.isArray(invalid) && invalid.map(String).includes(phone))
          return {
            kind: 'unreachable',
            code: 'invalid_phone',
            reason: 'SpeedSMS listed the phone number as invalid',
          };
        const tranId = reply.data?.tranId;
        return {
          kind: 'sent',
          ...(tranId !== undefined && tranId !== null ? { providerMessageId: String(tranId) } : {}),
        };
      }
      const known = code === undefined ? undefined : SPEEDSMS_CODES[code];
      if (known) return { kind: known.kind, code: code ?? '', reason: known.reason };
      const said = typeof reply?.message === 'string' ? `: ${scrub(reply.message, [settings.token])}` : '';
      return {
        kind: 'retry',
        code: code ?? 'no_code',
        reason: `SpeedSMS answered an undocumented code${said}`,
      };
    },
  };
}
