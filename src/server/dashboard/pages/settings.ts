/**
 * Settings (the owner's): the shop (name, time zone, currency, nightly hour, tracking origins),
 * the storefront snippet, the webhook URLs to paste into Shopify and Haravan and their secrets,
 * API keys and users. A key or a setup code is shown once, on the answer to the form that made it.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createApiKey, listShopApiKeys, revokeShopApiKey } from '../../../app/api-keys.js';
import type { AppContext } from '../../../app/context.js';
import { SHOP_SETTINGS, setShopSetting, showShopSettings } from '../../../app/shop-settings.js';
import { createUser, listShopUsers, resetUserSetupCode, type SessionRecord } from '../../../app/users.js';
import { httpStatusOf, NurtureError } from '../../../errors.js';
import type { Formatter } from '../../../report/format.js';
import { COMMON, type Lang } from '../i18n.js';
import { definePage, type PageResult, type PageSpec, page, redirect } from '../page.js';
import { type SettingsModel, settingsBody } from './settings-view.js';

/** The browser's view of this server: the Host it asked for, behind a TLS proxy if it says so. */
export function publicOrigin(request: FastifyRequest): string {
  const https = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
  return `${https ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}`;
}

interface Frame {
  ctx: AppContext;
  session: SessionRecord | undefined;
  lang: Lang;
  fmt: Formatter;
  shop: { timezone: string };
  request: FastifyRequest;
}

type Extra = Pick<SettingsModel, 'newKey' | 'setup' | 'saved' | 'error'>;

async function settingsPage(f: Frame, extra: Extra, status?: number): Promise<PageResult> {
  const session = f.session as SessionRecord;
  const shopId = session.shopId;
  const [settings, keys, users] = await Promise.all([
    showShopSettings(f.ctx, { shopId }),
    listShopApiKeys(f.ctx, { shopId }),
    listShopUsers(f.ctx, { shopId }),
  ]);
  const body = settingsBody({
    lang: f.lang,
    fmt: f.fmt,
    timezone: f.shop.timezone,
    session,
    origin: publicOrigin(f.request),
    settings,
    keys,
    users,
    ...extra,
  });
  return page(COMMON.settings, 'settings', body, status);
}

/** Runs a form's use case; a failure re-renders the page with the error in that section. */
async function attempt(
  f: Frame,
  section: NonNullable<Extra['error']>['section'],
  fn: () => Promise<PageResult>,
): Promise<PageResult> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof NurtureError)) throw error;
    return settingsPage(f, { error: { section, error } }, httpStatusOf(error));
  }
}

/** The non-secret settings the shop form sends (every key of SHOP_SETTINGS that is not secret). */
const PLAIN_KEYS = Object.entries(SHOP_SETTINGS)
  .filter(([, spec]) => !spec.secret)
  .map(([key]) => key);

export function settingsPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/settings',
      access: 'owner',
      query: z.object({ saved: z.string().optional() }),
      handler: async (call) => settingsPage(call, call.query.saved ? { saved: true } : {}),
    }),
    definePage({
      method: 'POST',
      url: '/settings/shop',
      access: 'owner',
      form: z.record(z.string(), z.string()),
      handler: async (call) =>
        attempt(call, 'shop', async () => {
          const current = new Map(
            (await showShopSettings(call.ctx, { shopId: call.shopId })).map((s) => [s.key, s.value ?? '']),
          );
          // Check every field before writing any: a bad value changes nothing.
          const changes = PLAIN_KEYS.filter(
            (key) => key in call.form && normalised(call.form[key]) !== normalised(current.get(key as never)),
          );
          for (const key of changes) validateSetting(key, call.form[key] ?? '');
          for (const key of changes)
            await setShopSetting(call.ctx, { shopId: call.shopId, key, value: call.form[key] ?? '' });
          return redirect('/settings?saved=1#shop');
        }),
    }),
    definePage({
      method: 'POST',
      url: '/settings/secret',
      access: 'owner',
      form: z.object({ key: z.string().max(100), value: z.string().max(1000) }),
      handler: async (call) =>
        attempt(call, 'secrets', async () => {
          const spec = (SHOP_SETTINGS as Record<string, { secret: boolean }>)[call.form.key];
          if (!spec?.secret)
            throw new NurtureError('invalid_input', `${call.form.key} is not a secret setting`);
          await setShopSetting(call.ctx, { shopId: call.shopId, key: call.form.key, value: call.form.value });
          return redirect('/settings?saved=1#webhooks');
        }),
    }),
    definePage({
      method: 'POST',
      url: '/settings/keys',
      access: 'owner',
      form: z.object({ kind: z.enum(['publishable', 'secret']), label: z.string().max(100).default('') }),
      handler: async (call) =>
        attempt(call, 'keys', async () => {
          const { key } = await createApiKey(call.ctx, {
            shopId: call.shopId,
            kind: call.form.kind,
            ...(call.form.label.trim() ? { label: call.form.label.trim() } : {}),
          });
          return settingsPage(call, { newKey: key }, 201);
        }),
    }),
    definePage({
      method: 'POST',
      url: '/settings/keys/:keyId/revoke',
      access: 'owner',
      params: z.object({ keyId: z.string().max(100) }),
      handler: async (call) =>
        attempt(call, 'keys', async () => {
          await revokeShopApiKey(call.ctx, { shopId: call.shopId, keyId: call.params.keyId });
          return redirect('/settings?saved=1#keys');
        }),
    }),
    definePage({
      method: 'POST',
      url: '/settings/users',
      access: 'owner',
      form: z.object({ email: z.string().max(300), role: z.enum(['staff', 'owner']) }),
      handler: async (call) =>
        attempt(call, 'users', async () => {
          const created = await createUser(call.ctx, {
            shopId: call.shopId,
            email: call.form.email,
            role: call.form.role,
          });
          return settingsPage(
            call,
            { setup: setupOf(call.request, created.user.email, created), saved: true },
            201,
          );
        }),
    }),
    definePage({
      method: 'POST',
      url: '/settings/users/reset',
      access: 'owner',
      form: z.object({ email: z.string().max(300) }),
      handler: async (call) =>
        attempt(call, 'users', async () => {
          const made = await resetUserSetupCode(call.ctx, { shopId: call.shopId, email: call.form.email });
          return settingsPage(call, { setup: setupOf(call.request, call.form.email, made) });
        }),
    }),
  ];
}

const normalised = (v: string | undefined | null) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .join(',');

function validateSetting(key: string, value: string): void {
  const spec = (SHOP_SETTINGS as Record<string, { schema: z.ZodType }>)[key];
  const parsed = spec?.schema.safeParse(value);
  if (parsed && !parsed.success) {
    const reason = parsed.error.issues.map((i) => i.message).join('; ');
    throw new NurtureError('invalid_input', `${key}: ${reason}`, [{ path: key, reason }]);
  }
}

function setupOf(
  request: FastifyRequest,
  email: string,
  made: { setupCode?: string; setupExpiresAt?: Date },
): SettingsModel['setup'] {
  if (!made.setupCode || !made.setupExpiresAt) return undefined;
  const link = `${publicOrigin(request)}/setup?email=${encodeURIComponent(email)}&code=${encodeURIComponent(made.setupCode)}`;
  return { email, link, until: made.setupExpiresAt };
}
