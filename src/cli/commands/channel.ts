/**
 * `nurture channel show [CHANNEL]` and `nurture channel set CHANNEL KEY VALUE`: the providers'
 * keys and tokens. A secret is never printed back, only "set" / "not set".
 */
import type { Command } from 'commander';
import {
  CHANNEL_NAMES,
  type ChannelView,
  channelSettingAbout,
  setChannelSetting,
  showChannelSettings,
} from '../../app/channel-settings.js';
import type { Lang } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { common, parseOptions, withCommon } from '../options.js';

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** What `channel` prints, in both languages; `--json` keeps its English keys. */
const T = {
  channel: { vi: 'kênh', en: 'channel' },
  setting: { vi: 'thiết lập', en: 'setting' },
  value: { vi: 'giá trị', en: 'value' },
  about: { vi: 'ý nghĩa', en: 'about' },
  isSet: { vi: '(đã đặt)', en: '(set)' },
  notSet: { vi: '(chưa đặt)', en: '(not set)' },
  byDefault: { vi: '{value} (mặc định)', en: '{value} (default)' },
  ready: { vi: '{channel}: sẵn sàng', en: '{channel}: ready' },
  missing: { vi: '{channel}: còn thiếu {keys}', en: '{channel}: missing {keys}' },
} as const satisfies Catalogue;

/** The settings of some channels as a table, each channel's status line above it. */
function channelsText(views: ChannelView[], lang: Lang): string {
  const status = views.map((v) =>
    v.ready
      ? fill(T.ready, lang, { channel: v.channel })
      : fill(T.missing, lang, { channel: v.channel, keys: v.missing.join(', ') }),
  );
  const rows = views.flatMap((v) =>
    v.settings.map((s) => [
      s.channel,
      s.key,
      s.secret
        ? tr(s.set ? T.isSet : T.notSet, lang)
        : s.value === null
          ? tr(T.notSet, lang)
          : s.isDefault
            ? fill(T.byDefault, lang, { value: s.value })
            : s.value,
      channelSettingAbout(s.channel, s.key, lang),
    ]),
  );
  return `${status.join('\n')}\n\n${table(
    [T.channel, T.setting, T.value, T.about].map((h) => tr(h, lang)),
    rows,
    [false, false, false, false],
  )}\n`;
}

export function registerChannelCommands(program: Command, deps: CliDeps): void {
  const channel = program
    .command('channel')
    .description('message channels (e-mail, SMS, Zalo ZNS, Messenger, webhook): show, set');
  withCommon(
    channel
      .command('show')
      .description('the channels\' settings (secrets say only "set")')
      .argument('[channel]', CHANNEL_NAMES.join(' | ')),
  ).action(async (name: string | undefined, raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const { shopId, lang } = deps.config(flags);
    const views = await withContext(
      deps,
      flags,
      (ctx) => showChannelSettings(ctx, { shopId, channel: name }),
      'existing',
    );
    deps.out(o.json ? json(views) : channelsText(views, lang));
  });
  withCommon(
    channel
      .command('set')
      .description('set one setting (see `nurture channel show` for the keys)')
      .argument('<channel>', CHANNEL_NAMES.join(' | '))
      .argument('<key>', 'api_key, token, smtp_url, refresh_token, … (see `nurture channel show`)')
      .argument('<value>', 'the value'),
  ).action(async (name: string, key: string, value: string, raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const { shopId, lang } = deps.config(flags);
    const view = await withContext(
      deps,
      flags,
      (ctx) => setChannelSetting(ctx, { shopId, channel: name, key, value }),
      'existing',
    );
    deps.out(
      o.json ? json(view) : `${view.channel} ${view.key} = ${view.secret ? tr(T.isSet, lang) : view.value}\n`,
    );
  });
}
