/**
 * The shop's channel settings (keys, tokens, sender names) and the adapters built from them.
 * They live in shop_settings under `channel.<channel>.<key>`, validated per key; a secret is
 * never returned, printed or logged, only whether it is set.
 */
import { z } from 'zod';
import type { Channels } from '../channels/channel.js';
import { createEmailChannel } from '../channels/email.js';
import { createEsmsChannel } from '../channels/esms.js';
import type { ChannelDeps } from '../channels/http.js';
import { createMessengerChannel } from '../channels/messenger.js';
import { createSpeedsmsChannel } from '../channels/speedsms.js';
import { createWebhookChannel } from '../channels/webhook.js';
import { createZaloChannel } from '../channels/zalo.js';
import { shopSchema } from '../domain/model/shop.js';
import { NurtureError } from '../errors.js';
import { readShopSettings, writeShopSetting } from '../store/settings/index.js';
import {
  CHANNEL_NAMES,
  CHANNEL_SETTINGS,
  type ChannelName,
  type ChannelSettingSpec,
} from './channel-setting-keys.js';
import type { AppContext } from './context.js';

export { CHANNEL_NAMES, CHANNEL_SETTINGS, type ChannelName } from './channel-setting-keys.js';

const storeKey = (channel: ChannelName, key: string) => `channel.${channel}.${key}`;

function specsOf(channel: string): { channel: ChannelName; specs: Record<string, ChannelSettingSpec> } {
  if (channel in CHANNEL_SETTINGS)
    return { channel: channel as ChannelName, specs: CHANNEL_SETTINGS[channel as ChannelName] };
  throw new NurtureError(
    'invalid_input',
    `unknown channel "${channel}"; channels: ${CHANNEL_NAMES.join(', ')}`,
    [{ path: 'channel', reason: 'unknown channel' }],
  );
}

function specOf(channel: string, key: string): { channel: ChannelName; spec: ChannelSettingSpec } {
  const found = specsOf(channel);
  const spec = found.specs[key];
  if (!spec)
    throw new NurtureError(
      'invalid_input',
      `unknown setting "${key}" of ${found.channel}; settings: ${Object.keys(found.specs).join(', ')}`,
      [{ path: 'key', reason: 'unknown setting' }],
    );
  return { channel: found.channel, spec };
}

export const setChannelSettingInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  channel: z.string().min(1),
  key: z.string().min(1),
  value: z.string(),
});

/** One channel setting as shown: a secret says only whether it is set. */
export interface ChannelSettingView {
  channel: ChannelName;
  key: string;
  /** The value (or the default when unset); null for a secret. */
  value: string | null;
  secret: boolean;
  set: boolean;
  /** True when the value shown is the default. */
  isDefault: boolean;
  about: string;
}

/** One channel: its settings and whether it can be used. */
export interface ChannelView {
  channel: ChannelName;
  /** All required settings are set. */
  ready: boolean;
  missing: string[];
  settings: ChannelSettingView[];
}

function viewOf(channel: ChannelName, key: string, stored: string | undefined): ChannelSettingView {
  const { spec } = specOf(channel, key);
  const value = stored ?? spec.default;
  return {
    channel,
    key,
    value: spec.secret || value === undefined ? null : value,
    secret: spec.secret,
    set: stored !== undefined,
    isDefault: stored === undefined && spec.default !== undefined,
    about: spec.about.en,
  };
}

/** Sets one channel setting after validating it; the answer never holds a secret's value. */
export async function setChannelSetting(
  ctx: AppContext,
  input: z.input<typeof setChannelSettingInputSchema>,
): Promise<ChannelSettingView> {
  const { channel, spec } = specOf(input.channel, input.key);
  const parsed = spec.schema.safeParse(input.value);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => i.message).join('; ');
    throw new NurtureError('invalid_input', `${channel} ${input.key}: ${reason}`, [
      { path: 'value', reason },
    ]);
  }
  await ctx.store.requireShop(input.shopId);
  await writeShopSetting(ctx.store, input.shopId, storeKey(channel, input.key), parsed.data, ctx.clock.now());
  ctx.log.info({ shopId: input.shopId, channel, key: input.key }, 'channel setting changed');
  return viewOf(channel, input.key, parsed.data);
}

/** The shop's channels (or one), with every setting; secrets only as set / not set. */
export async function showChannelSettings(
  ctx: AppContext,
  input: { shopId: string; channel?: string | undefined },
): Promise<ChannelView[]> {
  const names = input.channel === undefined ? CHANNEL_NAMES : [specsOf(input.channel).channel];
  await ctx.store.requireShop(input.shopId);
  const stored = await readShopSettings(ctx.store, input.shopId);
  return names.map((channel) => {
    const specs: Record<string, ChannelSettingSpec> = CHANNEL_SETTINGS[channel];
    const settings = Object.keys(specs).map((key) =>
      viewOf(channel, key, stored.get(storeKey(channel, key))),
    );
    const missing = missingOf(channel, stored);
    return { channel, ready: missing.length === 0, missing, settings };
  });
}

/** The required settings a channel lacks; for `sms`, what its provider lacks (as `esms.api_key`). */
function missingOf(channel: ChannelName, stored: ReadonlyMap<string, string>): string[] {
  if (channel === 'sms') {
    const chosen = stored.get(storeKey('sms', 'provider'));
    if (chosen === 'esms' || chosen === 'speedsms')
      return missingOf(chosen, stored).map((k) => `${chosen}.${k}`);
    const esms = missingOf('esms', stored);
    const speedsms = missingOf('speedsms', stored);
    if (esms.length === 0 || speedsms.length === 0) return [];
    return esms.map((k) => `esms.${k}`);
  }
  const specs: Record<string, ChannelSettingSpec> = CHANNEL_SETTINGS[channel];
  const missing = Object.keys(specs).filter(
    (key) => specs[key]?.required && !stored.has(storeKey(channel, key)),
  );
  // A brandname message type needs the brandname.
  if (channel === 'speedsms' && !stored.has(storeKey('speedsms', 'sender'))) {
    const type = stored.get(storeKey('speedsms', 'sms_type')) ?? '2';
    if (type === '2' || type === '3') missing.push('sender');
  }
  return missing;
}

/** What a channel setting is, in the reader's language. */
export function channelSettingAbout(channel: ChannelName, key: string, lang: 'vi' | 'en'): string {
  return specOf(channel, key).spec.about[lang];
}

/**
 * Stores a refreshed Zalo token pair in one transaction: the access token and the ROTATED refresh
 * token (the previous refresh token stops working the moment Zalo issues the new one).
 */
export async function saveZaloTokens(
  ctx: AppContext,
  shopId: string,
  accessToken: string,
  refreshToken: string,
): Promise<void> {
  const at = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    await writeShopSetting(tx, shopId, storeKey('zalo', 'access_token'), accessToken, at);
    await writeShopSetting(tx, shopId, storeKey('zalo', 'refresh_token'), refreshToken, at);
  });
  ctx.log.info({ shopId }, 'zalo tokens refreshed');
}

/**
 * The adapters of every channel the shop has configured (all required settings set). `sms` is
 * the `sms provider` setting's adapter, else eSMS when configured, else SpeedSMS.
 */
export async function loadChannels(
  ctx: AppContext,
  shopId: string,
  deps: ChannelDeps = {},
): Promise<Channels> {
  await ctx.store.requireShop(shopId);
  const stored = await readShopSettings(ctx.store, shopId);
  const ready = new Set(CHANNEL_NAMES.filter((channel) => missingOf(channel, stored).length === 0));
  const get = (channel: ChannelName, key: string): string => {
    const spec = specOf(channel, key).spec;
    return stored.get(storeKey(channel, key)) ?? spec.default ?? '';
  };
  const channels: Channels = {};
  if (ready.has('email'))
    channels.email = createEmailChannel(
      {
        smtpUrl: get('email', 'smtp_url'),
        from: get('email', 'from'),
        connections: Number(get('email', 'connections')),
      },
      deps,
    );
  const esms = ready.has('esms')
    ? createEsmsChannel(
        {
          baseUrl: get('esms', 'base_url'),
          apiKey: get('esms', 'api_key'),
          secretKey: get('esms', 'secret_key'),
          brandname: get('esms', 'brandname'),
          smsType: get('esms', 'sms_type'),
        },
        deps,
      )
    : undefined;
  const speedsms = ready.has('speedsms')
    ? createSpeedsmsChannel(
        {
          baseUrl: get('speedsms', 'base_url'),
          token: get('speedsms', 'token'),
          sender: stored.get(storeKey('speedsms', 'sender')),
          smsType: Number(get('speedsms', 'sms_type')),
        },
        deps,
      )
    : undefined;
  const provider = stored.get(storeKey('sms', 'provider'));
  const sms = provider === 'esms' ? esms : provider === 'speedsms' ? speedsms : (esms ?? speedsms);
  if (sms) channels.sms = sms;
  if (ready.has('zalo'))
    channels.zalo = createZaloChannel(
      {
        baseUrl: get('zalo', 'base_url'),
        oauthUrl: get('zalo', 'oauth_url'),
        appId: get('zalo', 'app_id'),
        secretKey: get('zalo', 'secret_key'),
        accessToken: get('zalo', 'access_token'),
        refreshToken: get('zalo', 'refresh_token'),
      },
      {
        ...deps,
        saveTokens: (access, refresh) => saveZaloTokens(ctx, shopId, access, refresh),
        loadTokens: async () => {
          const now = await readShopSettings(ctx.store, shopId);
          const access = now.get(storeKey('zalo', 'access_token'));
          const refresh = now.get(storeKey('zalo', 'refresh_token'));
          return access && refresh ? { accessToken: access, refreshToken: refresh } : undefined;
        },
      },
    );
  if (ready.has('messenger'))
    channels.messenger = createMessengerChannel(
      {
        baseUrl: get('messenger', 'base_url'),
        pageId: get('messenger', 'page_id'),
        pageToken: get('messenger', 'page_token'),
      },
      deps,
    );
  if (ready.has('webhook'))
    channels.webhook = createWebhookChannel(
      { url: get('webhook', 'url'), secret: get('webhook', 'secret') },
      deps,
    );
  return channels;
}
