/**
 * Settings → Channels (/settings/channels): the providers' keys and tokens per channel. Staff read
 * the state; the owner changes it, one channel's form at a time (checked whole: a bad value changes
 * nothing), and can send a test through a ready channel. Secrets are never sent back to the browser.
 */
import { z } from 'zod';
import { CHANNEL_SETTINGS } from '../../../app/channel-setting-keys.js';
import { CHANNEL_NAMES, type ChannelName, showChannelSettings } from '../../../app/channel-settings.js';
import {
  sendChannelTest,
  setChannelSettings,
  TESTABLE_CHANNELS,
} from '../../../app/channel-settings-form.js';
import type { SessionRecord } from '../../../app/users.js';
import { httpStatusOf, NurtureError } from '../../../errors.js';
import { definePage, type PageCall, type PageResult, type PageSpec, page, redirect } from '../page.js';
import { CSRF_FIELD } from '../session.js';
import { type ChannelsModel, channelsBody, T } from './channels-settings-view.js';

type Call = Pick<PageCall<unknown, unknown, unknown>, 'ctx' | 'session' | 'lang'>;
type Extra = Pick<ChannelsModel, 'saved' | 'error' | 'test'>;

async function channelsPage(call: Call, extra: Extra, status?: number): Promise<PageResult> {
  const session = call.session as SessionRecord;
  const channels = await showChannelSettings(call.ctx, { shopId: session.shopId });
  const body = channelsBody({
    lang: call.lang,
    csrf: session.csrfToken,
    owner: session.role === 'owner',
    channels,
    ...extra,
  });
  return page(T.title, 'settings', body, status);
}

/** The plain values a refused form keeps (a secret typed in is dropped, never echoed). */
function plainTyped(channel: ChannelName, form: Record<string, string>): Record<string, string> {
  const specs: Record<string, { secret: boolean }> = CHANNEL_SETTINGS[channel];
  return Object.fromEntries(Object.entries(form).filter(([key]) => specs[key] && !specs[key].secret));
}

export function channelSettingsPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/settings/channels',
      access: 'staff',
      query: z.object({ saved: z.enum(CHANNEL_NAMES as [ChannelName, ...ChannelName[]]).optional() }),
      handler: async (call) => channelsPage(call, call.query.saved ? { saved: call.query.saved } : {}),
    }),
    definePage({
      method: 'POST',
      url: '/settings/channels/:channel',
      access: 'owner',
      params: z.object({ channel: z.enum(CHANNEL_NAMES as [ChannelName, ...ChannelName[]]) }),
      form: z.record(z.string(), z.string().max(4000)),
      handler: async (call) => {
        const { channel } = call.params;
        const values = Object.fromEntries(Object.entries(call.form).filter(([key]) => key !== CSRF_FIELD));
        try {
          await setChannelSettings(call.ctx, { shopId: call.shopId, channel, values });
        } catch (error) {
          if (!(error instanceof NurtureError)) throw error;
          return channelsPage(
            call,
            { error: { channel, error, typed: plainTyped(channel, values) } },
            httpStatusOf(error),
          );
        }
        return redirect(`/settings/channels?saved=${channel}#ch-${channel}`);
      },
    }),
    definePage({
      method: 'POST',
      url: '/settings/channels/:channel/test',
      access: 'owner',
      params: z.object({ channel: z.enum(TESTABLE_CHANNELS) }),
      form: z.object({ to: z.string().max(300).default('') }),
      handler: async (call) => {
        const { channel } = call.params;
        const to = call.form.to.trim();
        try {
          const result = await sendChannelTest(call.ctx, {
            shopId: call.shopId,
            channel,
            to,
            lang: call.lang,
          });
          return channelsPage(call, { test: { channel, to, result } });
        } catch (error) {
          if (!(error instanceof NurtureError)) throw error;
          return channelsPage(call, { test: { channel, to, error } }, httpStatusOf(error));
        }
      },
    }),
  ];
}
