import { z } from 'zod';
import { createApiKey, listShopApiKeys, revokeShopApiKey } from '../../app/api-keys.js';
import { setShopSetting, showShopSettings } from '../../app/shop-settings.js';
import { API_KEY_KINDS } from '../../store/api-keys/index.js';
import { type RouteSpec, route } from '../route.js';

/** The key's shop: settings (secrets never shown back) and API keys. */
export const shopRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/shop',
    auth: 'secret',
    tag: 'Shop',
    summary: "The shop's settings; a secret setting says only whether it is set.",
    handler: async ({ ctx, shopId }) => ({ shopId, settings: await showShopSettings(ctx, { shopId }) }),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/shop/settings/:key',
    auth: 'secret',
    tag: 'Shop',
    summary: 'Set one setting (timezone, currency, shopify.webhook_secret, tracking.allowed_origins …).',
    params: z.object({ key: z.string().min(1).max(100) }),
    body: z.object({ value: z.string().max(10_000) }),
    handler: ({ ctx, shopId, params, body }) =>
      setShopSetting(ctx, { shopId, key: params.key, value: body.value }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/api-keys',
    auth: 'secret',
    tag: 'Shop',
    summary: "The shop's API keys (never the keys themselves).",
    handler: async ({ ctx, shopId }) => ({ keys: await listShopApiKeys(ctx, { shopId }) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/api-keys',
    auth: 'secret',
    tag: 'Shop',
    summary: 'Create a key; the answer is the only place the key is ever shown.',
    status: 201,
    body: z.object({ kind: z.enum(API_KEY_KINDS), label: z.string().min(1).max(100).optional() }),
    handler: async ({ ctx, shopId, body }) => {
      const { key, record } = await createApiKey(ctx, {
        shopId,
        kind: body.kind,
        ...(body.label ? { label: body.label } : {}),
      });
      return { key, ...record };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/api-keys/:id',
    auth: 'secret',
    tag: 'Shop',
    summary: 'Revoke a key.',
    params: z.object({ id: z.string().min(1).max(100) }),
    handler: ({ ctx, shopId, params }) => revokeShopApiKey(ctx, { shopId, keyId: params.id }),
  }),
];
