import { z } from 'zod';
import type { Localized } from '../domain/analytics/types.js';
import { shopSchema } from '../domain/model/shop.js';
import { DEFAULT_TIME_ZONE } from '../domain/time.js';
import { NurtureError } from '../errors.js';
import { readShopSettings, updateShopColumn, writeShopSetting } from '../store/settings/index.js';
import type { AppContext } from './context.js';

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone (e.g. Asia/Ho_Chi_Minh)');

/** `https://shop.example.vn, http://localhost:3000`: origins only (scheme, host, port). */
const origins = z.string().transform((text, issue) => {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(o);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== o.replace(/\/$/, '') || !/^https?:$/.test(parsed.protocol)) {
      issue.addIssue({ code: 'custom', message: `not an origin: "${o}" (like https://shop.example.vn)` });
      return z.NEVER;
    }
  }
  return list.map((o) => o.replace(/\/$/, '')).join(',');
});

interface SettingSpec {
  schema: z.ZodType<string, string>;
  /** Never printed back, in any output or log. */
  secret: boolean;
  /** Lives in the shops table rather than shop_settings. */
  column?: 'name' | 'currency' | 'timezone';
  /** What the setting is, for `nurture shop show` (the API's `about` is the English text). */
  about: Localized;
}

/** Every setting a shop has, with its validation. `nurture shop set` and the API take these keys. */
export const SHOP_SETTINGS = {
  name: {
    schema: z.string().trim().min(1).max(200),
    secret: false,
    column: 'name',
    about: { vi: 'tên shop', en: "the shop's name" },
  },
  timezone: {
    schema: timeZone,
    secret: false,
    column: 'timezone',
    about: {
      vi: 'múi giờ IANA của ngày giờ và lịch chạy',
      en: 'IANA time zone of dates and schedules',
    },
  },
  currency: {
    schema: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code like VND'),
    secret: false,
    column: 'currency',
    about: { vi: 'tiền tệ ISO 4217', en: 'ISO 4217 currency' },
  },
  url: {
    schema: z.url({ error: 'a web address like https://shop.example.vn' }),
    secret: false,
    about: {
      vi: 'địa chỉ cửa hàng online (liên kết trong tin nhắn: {{ shop.url }})',
      en: "the storefront's address (the link in messages: {{ shop.url }})",
    },
  },
  public_url: {
    schema: z.url({ error: 'a web address like https://nurture.shop.example.vn' }),
    secret: false,
    about: {
      vi: 'địa chỉ Nurture mà khách truy cập được: liên kết theo dõi nhấp chuột, pixel mở thư, hủy đăng ký, báo cáo giao SMS',
      en: "Nurture's address as customers reach it: click links, the open pixel, unsubscribe, SMS delivery reports",
    },
  },
  'shopify.webhook_secret': {
    schema: z.string().min(8, 'at least 8 characters'),
    secret: true,
    about: {
      vi: 'khóa bí mật (client secret) của ứng dụng dùng để ký webhook Shopify',
      en: "the app's client secret that signs Shopify webhooks",
    },
  },
  'haravan.webhook_secret': {
    schema: z.string().min(8, 'at least 8 characters'),
    secret: true,
    about: { vi: 'khóa bí mật dùng để ký webhook Haravan', en: 'the secret that signs Haravan webhooks' },
  },
  'haravan.verify_token': {
    schema: z.string().min(8, 'at least 8 characters'),
    secret: true,
    about: {
      vi: 'mã Haravan gửi khi kiểm tra đăng ký webhook (hub.verify_token)',
      en: "the token Haravan's subscription check sends (hub.verify_token)",
    },
  },
  'tracking.allowed_origins': {
    schema: origins,
    secret: false,
    about: {
      vi: 'các origin (cách nhau bằng dấu phẩy) mà trang của chúng được gửi sự kiện cửa hàng',
      en: 'comma-separated origins whose pages may send storefront events',
    },
  },
  'tracking.consent_required': {
    schema: z.enum(['true', 'false'], 'true or false'),
    secret: false,
    about: {
      vi: 'true: widget cửa hàng không lưu và không gửi gì cho đến khi trang gọi nurture.consent(true); mặc định false',
      en: 'true: the storefront widget stores and sends nothing until the page calls nurture.consent(true); default false',
    },
  },
  'jobs.nightly_hour': {
    schema: z.string().regex(/^([01]?\d|2[0-3])$/, 'an hour 0–23'),
    secret: false,
    about: {
      vi: 'giờ (theo giờ shop) chạy analyze + predict + làm mới phân khúc hằng đêm; mặc định 3',
      en: 'hour (shop time) of the nightly analyze + predict + segment refresh; default 3',
    },
  },
  'widget.customer_secret': {
    schema: z.string().min(16, 'at least 16 characters'),
    secret: true,
    about: {
      vi: 'khóa bí mật shop dùng để ký mã khách hàng (customer token) cho widget: khảo sát, điểm thưởng',
      en: "the secret the shop's server signs customer tokens with for the widget (survey, loyalty)",
    },
  },
  'referrals.return_window_days': {
    schema: z
      .string()
      .regex(/^\d{1,3}$/, 'days 0–365')
      .refine((v) => Number(v) <= 365, 'days 0–365'),
    secret: false,
    about: {
      vi: 'số ngày sau khi giao đơn đầu tiên của người được giới thiệu mà đơn còn có thể bị trả lại; phần thưởng chờ hết thời hạn này; mặc định 7',
      en: "days after the referred friend's first order is delivered during which a return still cancels the referral; the reward waits for them; default 7",
    },
  },
  'referrals.cap_per_referrer': {
    schema: z.string().regex(/^\d{1,5}$/, 'a whole number (0: no cap)'),
    secret: false,
    about: {
      vi: 'số lượt giới thiệu tối đa của một người giới thiệu (0: không giới hạn); mặc định 20',
      en: 'referrals a referrer may have at most (0: no cap); default 20',
    },
  },
} as const satisfies Record<string, SettingSpec>;

export type ShopSettingKey = keyof typeof SHOP_SETTINGS;
export const SHOP_SETTING_KEYS = Object.keys(SHOP_SETTINGS) as ShopSettingKey[];

function specOf(key: string): { key: ShopSettingKey; spec: SettingSpec } {
  if (key in SHOP_SETTINGS) return { key: key as ShopSettingKey, spec: SHOP_SETTINGS[key as ShopSettingKey] };
  throw new NurtureError(
    'invalid_input',
    `unknown setting "${key}"; settings: ${SHOP_SETTING_KEYS.join(', ')}`,
    [{ path: 'key', reason: 'unknown setting' }],
  );
}

export const setShopSettingInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  key: z.string().min(1),
  value: z.string(),
});

/** A shop's settings, typed, secrets included: for the server's own use, never to print. */
export interface ShopSettings {
  name: string;
  timezone: string;
  currency: string;
  shopifyWebhookSecret: string | undefined;
  haravanWebhookSecret: string | undefined;
  haravanVerifyToken: string | undefined;
  trackingAllowedOrigins: string[];
  /** The widget waits for the visitor's consent (`nurture.consent(true)`) before storing or sending. */
  trackingConsentRequired: boolean;
  nightlyHour: number;
  /** The storefront's address, for links in messages. */
  url: string | undefined;
  /** Where customers reach Nurture (tracked links, the open pixel, unsubscribe); none: no tracking. */
  publicUrl: string | undefined;
}

/** Settings read in the last few seconds, per store: every webhook and storefront call needs them. */
const recent = new WeakMap<object, Map<string, { settings: Promise<ShopSettings>; until: number }>>();
const RECENT_MS = 5000;

/**
 * A shop's settings as `loadShopSettings` reads them, kept for a few seconds. A change through
 * this process is seen at once; one through another process within five seconds.
 */
export async function cachedShopSettings(ctx: AppContext, shopId: string): Promise<ShopSettings> {
  const key = cacheKey(ctx);
  let byShop = recent.get(key);
  if (!byShop) {
    byShop = new Map();
    recent.set(key, byShop);
  }
  const hit = byShop.get(shopId);
  if (hit && hit.until > Date.now()) return hit.settings;
  // One read for every request that missed at once (a burst of webhooks after the expiry).
  const settings = loadShopSettings(ctx, shopId);
  byShop.set(shopId, { settings, until: Date.now() + RECENT_MS });
  try {
    return await settings;
  } catch (error) {
    byShop.delete(shopId);
    throw error;
  }
}

/** The cache's key: the database (all connections of one DuckDB file share it), else the engine. */
function cacheKey(ctx: AppContext): object {
  return ctx.store.engine.database ?? ctx.store.engine;
}

export async function loadShopSettings(ctx: AppContext, shopId: string): Promise<ShopSettings> {
  const shop = await ctx.store.requireShop(shopId);
  const stored = await readShopSettings(ctx.store, shopId);
  return {
    name: shop.name,
    timezone: shop.timezone,
    currency: shop.currency,
    shopifyWebhookSecret: stored.get('shopify.webhook_secret'),
    haravanWebhookSecret: stored.get('haravan.webhook_secret'),
    haravanVerifyToken: stored.get('haravan.verify_token'),
    trackingAllowedOrigins: (stored.get('tracking.allowed_origins') ?? '').split(',').filter(Boolean),
    trackingConsentRequired: stored.get('tracking.consent_required') === 'true',
    nightlyHour: Number(stored.get('jobs.nightly_hour') ?? 3),
    url: stored.get('url'),
    publicUrl: stored.get('public_url')?.replace(/\/+$/, ''),
  };
}

/** One setting as shown: a secret says only whether it is set. */
export interface SettingView {
  key: ShopSettingKey;
  value: string | null;
  secret: boolean;
  set: boolean;
  about: string;
}

/** Sets one setting after validating it; the answer never holds a secret's value. */
export async function setShopSetting(
  ctx: AppContext,
  input: z.input<typeof setShopSettingInputSchema>,
): Promise<SettingView> {
  const { key, spec } = specOf(input.key);
  const parsed = spec.schema.safeParse(input.value);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => i.message).join('; ');
    throw new NurtureError('invalid_input', `${key}: ${reason}`, [{ path: 'value', reason }]);
  }
  await ctx.store.requireShop(input.shopId);
  recent.get(cacheKey(ctx))?.delete(input.shopId);
  if (spec.column) await updateShopColumn(ctx.store, input.shopId, spec.column, parsed.data);
  else await writeShopSetting(ctx.store, input.shopId, key, parsed.data, ctx.clock.now());
  ctx.log.info({ shopId: input.shopId, key }, 'shop setting changed');
  return viewOf(key, parsed.data);
}

export async function showShopSettings(ctx: AppContext, input: { shopId: string }): Promise<SettingView[]> {
  const shop = await ctx.store.requireShop(input.shopId);
  const stored = await readShopSettings(ctx.store, input.shopId);
  return SHOP_SETTING_KEYS.map((key) => {
    const spec: SettingSpec = SHOP_SETTINGS[key];
    const value = spec.column ? shop[spec.column] : stored.get(key);
    return viewOf(key, value);
  });
}

/**
 * The time zone a shop's times are shown in: its setting, or the default zone for a shop that has
 * no row yet (jobs queued for it before its first import).
 */
export async function shopTimeZone(ctx: AppContext, shopId: string): Promise<string> {
  return (await ctx.store.getShop(shopId))?.timezone ?? DEFAULT_TIME_ZONE;
}

/** What a setting is, in the reader's language. */
export function settingAbout(key: ShopSettingKey, lang: 'vi' | 'en'): string {
  const spec: SettingSpec = SHOP_SETTINGS[key];
  return spec.about[lang];
}

function viewOf(key: ShopSettingKey, value: string | undefined): SettingView {
  const spec: SettingSpec = SHOP_SETTINGS[key];
  return {
    key,
    value: spec.secret || value === undefined ? null : value,
    secret: spec.secret,
    set: value !== undefined,
    about: spec.about.en,
  };
}
