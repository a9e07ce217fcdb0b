/**
 * `nurture apikey …` and `nurture shop …`: API keys and shop settings. A key is printed once, when
 * it is created; secret settings are never printed back.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { createApiKey, listShopApiKeys, revokeShopApiKey } from '../../app/api-keys.js';
import type { AppContext } from '../../app/context.js';
import { setShopSetting, settingAbout, shopTimeZone, showShopSettings } from '../../app/shop-settings.js';
import { type Formatter, formatterFor } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { common, parseOptions, withCommon } from '../options.js';

const createSchema = common.extend({
  kind: z.enum(['secret', 'publishable'], { error: '--kind is secret or publishable' }),
  label: z.string().min(1).optional(),
});

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** What `apikey` and `shop` print, in both languages; `--json` keeps its English keys. */
const T = {
  created: {
    vi: '(khóa {kind} {id} của shop {shop}: chỉ hiện một lần này, Nurture chỉ giữ mã băm của nó)',
    en: '({kind} key {id} of shop {shop}: shown this once, only its hash is kept)',
  },
  secret: { vi: 'bí mật', en: 'secret' },
  publishable: { vi: 'công khai', en: 'publishable' },
  id: { vi: 'mã', en: 'id' },
  kind: { vi: 'loại', en: 'kind' },
  key: { vi: 'khóa', en: 'key' },
  label: { vi: 'nhãn', en: 'label' },
  createdAt: { vi: 'tạo lúc ({zone})', en: 'created ({zone})' },
  revokedAt: { vi: 'thu hồi lúc ({zone})', en: 'revoked ({zone})' },
  revoked: { vi: 'đã thu hồi {id}', en: 'revoked {id}' },
  setting: { vi: 'thiết lập', en: 'setting' },
  value: { vi: 'giá trị', en: 'value' },
  about: { vi: 'ý nghĩa', en: 'about' },
  isSet: { vi: '(đã đặt)', en: '(set)' },
  notSet: { vi: '(chưa đặt)', en: '(not set)' },
} as const satisfies Catalogue;

/** The language's formatter and the shop's time zone, for the key list's times. */
async function shopView(ctx: AppContext, shopId: string, f: Formatter) {
  const timezone = await shopTimeZone(ctx, shopId);
  return { f, zone: timezone, minute: (d: Date | null) => (d ? f.dateTime(d, timezone) : '') };
}

export function registerAdminCommands(program: Command, deps: CliDeps): void {
  const apikey = program.command('apikey').description('API keys of a shop: create, list, revoke');
  withCommon(apikey.command('create').description('create a key (shown once)'))
    .requiredOption('--kind <kind>', 'secret (API, CLI, servers) | publishable (storefront events only)')
    .option('--label <text>', 'what the key is for')
    .action(async (raw: unknown) => {
      const o = parseOptions(createSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const { shopId, lang } = deps.config(flags);
      const { key, record } = await withContext(deps, flags, (ctx) =>
        createApiKey(ctx, { shopId, kind: o.kind, ...(o.label ? { label: o.label } : {}) }),
      );
      if (o.json) deps.out(json({ key, ...record }));
      else
        deps.out(
          `${key}\n${fill(T.created, lang, { kind: tr(T[record.kind], lang), id: record.keyId, shop: shopId })}\n`,
        );
    });
  withCommon(apikey.command('list').description("the shop's keys (never the keys themselves)")).action(
    async (raw: unknown) => {
      const o = parseOptions(common, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const { shopId, lang } = deps.config(flags);
      const { keys, view } = await withContext(
        deps,
        flags,
        async (ctx) => ({
          keys: await listShopApiKeys(ctx, { shopId }),
          view: await shopView(ctx, shopId, formatterFor(lang)),
        }),
        'existing',
      );
      if (o.json) deps.out(json(keys));
      else
        deps.out(
          `${table(
            [
              ...[T.id, T.kind, T.key, T.label].map((h) => tr(h, lang)),
              fill(T.createdAt, lang, { zone: view.zone }),
              fill(T.revokedAt, lang, { zone: view.zone }),
            ],
            keys.map((k) => [
              k.keyId,
              tr(T[k.kind], lang),
              k.hint,
              k.label ?? '',
              view.minute(k.createdAt),
              view.minute(k.revokedAt),
            ]),
            [false, false, false, false, false, false],
          )}\n`,
        );
    },
  );
  withCommon(
    apikey.command('revoke').description('revoke a key').argument('<id>', 'the key id (key_…)'),
  ).action(async (id: string, raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const { shopId, lang } = deps.config(flags);
    const r = await withContext(
      deps,
      flags,
      (ctx) => revokeShopApiKey(ctx, { shopId, keyId: id }),
      'existing',
    );
    deps.out(o.json ? json(r) : `${fill(T.revoked, lang, { id: r.keyId })}\n`);
  });

  const shop = program.command('shop').description('shop settings: show, set');
  withCommon(shop.command('show').description('every setting (secrets say only "set")')).action(
    async (raw: unknown) => {
      const o = parseOptions(common, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const { shopId, lang } = deps.config(flags);
      const settings = await withContext(deps, flags, (ctx) => showShopSettings(ctx, { shopId }), 'existing');
      if (o.json) deps.out(json(settings));
      else
        deps.out(
          `${table(
            [T.setting, T.value, T.about].map((h) => tr(h, lang)),
            settings.map((s) => [
              s.key,
              s.secret ? tr(s.set ? T.isSet : T.notSet, lang) : (s.value ?? ''),
              settingAbout(s.key, lang),
            ]),
            [false, false, false],
          )}\n`,
        );
    },
  );
  withCommon(
    shop
      .command('set')
      .description('set one setting (see `nurture shop show` for the keys)')
      .argument('<key>', 'timezone, currency, name, shopify.webhook_secret, haravan.webhook_secret, …')
      .argument('<value>', 'the value'),
  ).action(async (key: string, value: string, raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const { shopId, lang } = deps.config(flags);
    const view = await withContext(
      deps,
      flags,
      (ctx) => setShopSetting(ctx, { shopId, key, value }),
      'existing',
    );
    deps.out(o.json ? json(view) : `${view.key} = ${view.secret ? tr(T.isSet, lang) : view.value}\n`);
  });
}
