/**
 * Zalo ZNS (Zalo Notification Service, "tin ZNS"): an approved template sent to a phone number,
 * deduplicated by our `tracking_id`. The OA access token lives about 25 hours; when ZNS answers
 * -124 the adapter refreshes it once with the refresh token, persists BOTH the new access token
 * and the rotated refresh token (the old refresh token no longer works), and sends again.
 */
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { type ChannelDeps, httpOutcome, isOutcome, post, scrub } from './http.js';
import { phone84 } from './phone.js';

export interface ZaloSettings {
  /** Default https://business.openapi.zalo.me. */
  baseUrl: string;
  /** Default https://oauth.zaloapp.com. */
  oauthUrl: string;
  appId: string;
  /** The app's secret key (Zalo for Developers → app → Settings). */
  secretKey: string;
  accessToken: string;
  refreshToken: string;
}

export interface ZaloDeps extends ChannelDeps {
  /** Stores a refreshed pair; the lead wires it to `saveZaloTokens` (the settings store). */
  saveTokens(accessToken: string, refreshToken: string): Promise<void>;
  /**
   * The stored pair, read before refreshing: another adapter (another worker or process) may have
   * refreshed already, and refreshing again with the old, rotated-away refresh token would fail.
   */
  loadTokens?(): Promise<{ accessToken: string; refreshToken: string } | undefined>;
}

/** ZNS's documented error codes (zalo.cloud, "handle error code") and what each means here. */
export const ZALO_CODES: Readonly<
  Record<string, { kind: 'failed' | 'unreachable' | 'declined' | 'retry'; reason: string }>
> = {
  '-100': { kind: 'retry', reason: 'Zalo had an unknown error' },
  '-101': { kind: 'failed', reason: 'Zalo says the app id is invalid' },
  '-102': { kind: 'failed', reason: 'Zalo says the app does not exist' },
  '-103': { kind: 'failed', reason: 'Zalo says the app is not activated' },
  '-104': { kind: 'failed', reason: 'Zalo says the app secret key is invalid' },
  '-105': { kind: 'failed', reason: 'Zalo says the app is not linked to the Official Account' },
  '-108': { kind: 'unreachable', reason: 'Zalo says the phone number is invalid' },
  '-109': { kind: 'failed', reason: 'Zalo says the ZNS template id is invalid' },
  '-111': { kind: 'failed', reason: 'Zalo says the template data is empty' },
  '-114': {
    kind: 'declined',
    reason: 'the Zalo user is inactive, refuses ZNS messages, or uses an outdated Zalo version',
  },
  '-118': { kind: 'unreachable', reason: 'no Zalo account has this phone number' },
  '-124': { kind: 'failed', reason: 'Zalo rejected the access token, and refreshing it did not help' },
};

export const ZNS_PATH = '/message/template';
export const ZALO_TOKEN_PATH = '/v4/oa/access_token';

type Refreshed = { ok: true } | { ok: false; outcome: SendOutcome };

/** The ZNS adapter: `zalo`, idempotent by tracking_id. */
export function createZaloChannel(settings: ZaloSettings, deps: ZaloDeps): Channel {
  let accessToken = settings.accessToken;
  let refreshToken = settings.refreshToken;
  /** One refresh at a time: the refresh token rotates, so a second concurrent one would fail. */
  let refreshing: Promise<Refreshed> | undefined;
  const secrets = () => [
    settings.secretKey,
    accessToken,
    refreshToken,
    settings.accessToken,
    settings.refreshToken,
  ];
  const sendUrl = `${settings.baseUrl.replace(/\/$/, '')}${ZNS_PATH}`;
  const tokenUrl = `${settings.oauthUrl.replace(/\/$/, '')}${ZALO_TOKEN_PATH}`;

  async function refresh(signal: AbortSignal | undefined): Promise<Refreshed> {
    const form = new URLSearchParams({
      app_id: settings.appId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    const answer = await post(
      deps,
      tokenUrl,
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: settings.secretKey },
        body: form.toString(),
      },
      signal,
    );
    if (isOutcome(answer)) return { ok: false, outcome: answer };
    if (answer.status >= 300) return { ok: false, outcome: httpOutcome(answer.status, 'Zalo OAuth') };
    const reply = answer.json as
      | { access_token?: unknown; refresh_token?: unknown; error?: unknown; error_name?: unknown }
      | undefined;
    if (typeof reply?.access_token !== 'string' || typeof reply.refresh_token !== 'string') {
      const code = reply?.error === undefined ? 'refresh_failed' : String(reply.error);
      return {
        ok: false,
        outcome: {
          kind: 'failed',
          code,
          reason:
            'Zalo refused to refresh the access token (the refresh token is expired or already used): ' +
            'connect the Official Account again and set zalo access_token and refresh_token',
        },
      };
    }
    // Persist before use: if the process dies now, the stored pair is the one Zalo knows.
    await deps.saveTokens(reply.access_token, reply.refresh_token);
    accessToken = reply.access_token;
    refreshToken = reply.refresh_token;
    return { ok: true };
  }

  /** Adopts a newer stored pair if another adapter refreshed, else refreshes. */
  async function refreshUnlessStored(signal: AbortSignal | undefined): Promise<Refreshed> {
    const stored = await deps.loadTokens?.();
    if (stored && stored.accessToken !== accessToken) {
      accessToken = stored.accessToken;
      refreshToken = stored.refreshToken;
      return { ok: true };
    }
    return refresh(signal);
  }

  async function attempt(
    message: OutgoingMessage,
    phone: string,
    signal: AbortSignal | undefined,
  ): Promise<{ outcome: SendOutcome; tokenUsed: string }> {
    const tokenUsed = accessToken;
    const zalo = message.zalo;
    const body = {
      phone,
      template_id: zalo?.templateId,
      template_data: zalo?.templateData,
      tracking_id: message.idempotencyKey,
    };
    const answer = await post(
      deps,
      sendUrl,
      {
        headers: { 'content-type': 'application/json', access_token: tokenUsed },
        body: JSON.stringify(body),
      },
      signal,
    );
    if (isOutcome(answer)) return { outcome: answer, tokenUsed };
    if (answer.status >= 300) return { outcome: httpOutcome(answer.status, 'Zalo'), tokenUsed };
    const reply = answer.json as
      | { error?: unknown; message?: unknown; data?: { msg_id?: unknown } }
      | undefined;
    const code = reply?.error === undefined ? undefined : String(reply.error);
    if (code === '0') {
      const id = reply?.data?.msg_id;
      return {
        outcome: { kind: 'sent', ...(typeof id === 'string' ? { providerMessageId: id } : {}) },
        tokenUsed,
      };
    }
    const known = code === undefined ? undefined : ZALO_CODES[code];
    if (known) return { outcome: { kind: known.kind, code: code ?? '', reason: known.reason }, tokenUsed };
    const said = typeof reply?.message === 'string' ? `: ${scrub(reply.message, secrets())}` : '';
    return {
      outcome: {
        kind: 'retry',
        code: code ?? 'no_code',
        reason: `Zalo answered an undocumented code${said}`,
      },
      tokenUsed,
    };
  }

  return {
    kind: 'zalo',
    provider: 'zalo',
    idempotent: true,
    async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
      const phone = phone84(message.to);
      if (!phone)
        return { kind: 'unreachable', code: 'invalid_phone', reason: 'not a Vietnamese phone number' };
      if (!message.zalo)
        return { kind: 'failed', code: 'no_template', reason: 'a ZNS message needs an approved template id' };
      const first = await attempt(message, phone, signal);
      if (first.outcome.kind !== 'failed' || first.outcome.code !== '-124') return first.outcome;
      // Another send may have refreshed meanwhile: then only the retry is needed.
      if (first.tokenUsed === accessToken) {
        refreshing ??= refreshUnlessStored(signal).finally(() => {
          refreshing = undefined;
        });
        const refreshed = await refreshing;
        if (!refreshed.ok) return refreshed.outcome;
      }
      return (await attempt(message, phone, signal)).outcome;
    },
  };
}
