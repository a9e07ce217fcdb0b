/**
 * The dashboard's channel forms: several settings of one channel at once, checked whole before any
 * is written, and a test message through a channel's adapter. Secrets are never returned or logged.
 */
import { z } from 'zod';
import type { ChannelKind, SendOutcome } from '../channels/channel.js';
import type { ChannelDeps } from '../channels/http.js';
import { normalizePhone } from '../domain/identity-keys.js';
import { shopSchema } from '../domain/model/shop.js';
import { assertNever, NurtureError } from '../errors.js';
import { CHANNEL_SETTINGS, type ChannelSettingSpec } from './channel-setting-keys.js';
import { loadChannels, setChannelSetting, showChannelSettings } from './channel-settings.js';
import type { AppContext } from './context.js';

export const setChannelSettingsInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  channel: z.string().min(1),
  /** Key → typed value. An empty value leaves the setting as it is (a secret is never shown to keep). */
  values: z.record(z.string(), z.string()),
});

/**
 * Sets the settings of one channel that the form changed. Every changed value is validated first;
 * one bad value changes nothing and the error names each bad key (`details[].path` is the key).
 * Returns the keys written.
 */
export async function setChannelSettings(
  ctx: AppContext,
  input: z.input<typeof setChannelSettingsInputSchema>,
): Promise<string[]> {
  const { shopId, channel, values } = setChannelSettingsInputSchema.parse(input);
  const [view] = await showChannelSettings(ctx, { shopId, channel });
  if (!view) throw new NurtureError('not_found', `no channel ${channel}`);
  const specs: Record<string, ChannelSettingSpec> = CHANNEL_SETTINGS[view.channel];
  const changes: Array<[string, string]> = [];
  const details: Array<{ path: string; reason: string }> = [];
  for (const [key, value] of Object.entries(values)) {
    const spec = specs[key];
    if (!spec) {
      details.push({ path: key, reason: `not a setting of ${view.channel}` });
      continue;
    }
    const shown = view.settings.find((s) => s.key === key);
    // A blank field keeps the setting; a plain value shown unchanged is not written again.
    if (value.trim() === '' || (!spec.secret && shown?.value === value)) continue;
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) changes.push([key, value]);
    else details.push({ path: key, reason: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  if (details.length > 0)
    throw new NurtureError(
      'invalid_input',
      `${view.channel}: ${details.map((d) => `${d.path}: ${d.reason}`).join('; ')}`,
      details,
    );
  for (const [key, value] of changes) await setChannelSetting(ctx, { shopId, channel, key, value });
  return changes.map(([key]) => key);
}

/** The channels a test message can be sent through from the dashboard (ZNS needs an approved template). */
export const TESTABLE_CHANNELS = ['email', 'sms', 'messenger', 'webhook'] as const;
export type TestableChannel = (typeof TESTABLE_CHANNELS)[number];

export const sendChannelTestInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  channel: z.enum(TESTABLE_CHANNELS),
  /** An e-mail address, a phone, a Messenger PSID; for the webhook, blank (its `url` setting). */
  to: z.string().trim().max(300),
  lang: z.enum(['vi', 'en']).default('vi'),
});

const TEST_TEXT = {
  vi: 'Tin nhắn thử từ Nurture: kênh đã sẵn sàng.',
  en: 'A test message from Nurture: the channel works.',
} as const;

/** The recipient as the adapter takes it, or a typed error naming `to`. */
function recipientOf(channel: TestableChannel, to: string): string {
  const bad = (reason: string) =>
    new NurtureError('invalid_input', `to: ${reason}`, [{ path: 'to', reason }]);
  switch (channel) {
    case 'email':
      if (!/^[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+$/.test(to)) throw bad('an e-mail address like lan@example.vn');
      return to;
    case 'sms': {
      const phone = normalizePhone(to);
      if (!phone) throw bad('a phone number like 0912345678 or +84912345678');
      return phone;
    }
    case 'messenger':
      if (!/^\d{5,30}$/.test(to)) throw bad("the customer's page-scoped id (PSID), digits");
      return to;
    case 'webhook':
      // Only the configured URL: the form does not post to an address typed in.
      return '';
    default:
      return assertNever(channel, 'channel');
  }
}

/**
 * Sends one transactional test message through the shop's adapter of `channel` (the SMS provider
 * in use for `sms`) and answers the provider's outcome as is. Not written to the outbox: it is
 * not a customer's message and is not counted anywhere.
 */
export async function sendChannelTest(
  ctx: AppContext,
  input: z.input<typeof sendChannelTestInputSchema>,
  deps: ChannelDeps = {},
): Promise<{ provider: string; outcome: SendOutcome }> {
  const { shopId, channel, to, lang } = sendChannelTestInputSchema.parse(input);
  const recipient = recipientOf(channel, to);
  const [view] = await showChannelSettings(ctx, { shopId, channel });
  const adapter = (await loadChannels(ctx, shopId, deps))[channel as ChannelKind];
  if (!adapter)
    throw new NurtureError(
      'invalid_input',
      `${channel} is not ready: missing ${view?.missing.join(', ') || 'settings'}`,
      [{ path: 'channel', reason: 'not ready' }],
    );
  const messageId = ctx.newId('msg');
  const text = TEST_TEXT[lang];
  const outcome = await adapter.send({
    messageId,
    idempotencyKey: `test-${messageId}`,
    channel: channel as ChannelKind,
    to: recipient,
    promotional: false,
    subject: text,
    text,
    ...(channel === 'messenger' ? { messenger: { messagingType: 'RESPONSE' as const } } : {}),
    ...(channel === 'webhook' ? { payload: { test: true, messageId, text } } : {}),
  });
  ctx.log.info({ shopId, channel, outcome: outcome.kind }, 'channel test sent');
  return { provider: adapter.provider, outcome };
}
