import { z } from 'zod';
import { setChannelSetting, showChannelSettings } from '../../app/channel-settings.js';
import { type RouteSpec, route } from '../route.js';

/** The key's shop's channel settings (provider keys, tokens, senders); secrets never shown back. */
export const channelRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/channels',
    auth: 'secret',
    tag: 'Channels',
    summary: "Every channel's settings and whether it is ready; a secret says only whether it is set.",
    handler: async ({ ctx, shopId }) => ({ shopId, channels: await showChannelSettings(ctx, { shopId }) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/channels/:channel',
    auth: 'secret',
    tag: 'Channels',
    summary: "One channel's settings (email, sms, esms, speedsms, zalo, messenger, webhook).",
    params: z.object({ channel: z.string().min(1).max(40) }),
    handler: async ({ ctx, shopId, params }) => {
      const [view] = await showChannelSettings(ctx, { shopId, channel: params.channel });
      return view;
    },
  }),
  route({
    method: 'PUT',
    url: '/api/v1/channels/:channel/:key',
    auth: 'secret',
    tag: 'Channels',
    summary: 'Set one channel setting (esms api_key, zalo refresh_token, sms provider …).',
    params: z.object({ channel: z.string().min(1).max(40), key: z.string().min(1).max(100) }),
    body: z.object({ value: z.string().max(10_000) }),
    handler: ({ ctx, shopId, params, body }) =>
      setChannelSetting(ctx, { shopId, channel: params.channel, key: params.key, value: body.value }),
  }),
];
