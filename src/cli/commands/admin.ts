/**
 * `nurture apikey …` and `nurture shop …`: API keys and shop settings. A key is printed once, when
 * it is created; secret settings are never printed back.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { createApiKey, listShopApiKeys, revokeShopApiKey } from '../../app/api-keys.js';
import { setShopSetting, showShopSettings } from '../../app/shop-settings.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions } from '../options.js';

const common = z.object({
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
  json: z.boolean().optional(),
});
const createSchema = common.extend({
  kind: z.enum(['secret', 'publishable'], { error: '--kind is secret or publishable' }),
  label: z.string().min(1).optional(),
});

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const minute = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '');

const withCommon = (cmd: Command): Command =>
  cmd
    .option(
      '--db <path>',
      'DuckDB file, :memory: or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)',
    )
    .option('--shop <id>', 'shop id (default: NURTURE_SHOP or "default")')
    .option('--json', 'print JSON');

export function registerAdminCommands(program: Command, deps: CliDeps): void {
  const apikey = program.command('apikey').description('API keys of a shop: create, list, revoke');
  withCommon(apikey.command('create').description('create a key (shown once)'))
    .requiredOption('--kind <kind>', 'secret (API, CLI, servers) | publishable (storefront events only)')
    .option('--label <text>', 'what the key is for')
    .action(async (raw: unknown) => {
      const o = parseOptions(createSchema, raw);
      const flags = { db: o.db, shop: o.shop };
      const shopId = deps.config(flags).shopId;
      const { key, record } = await withContext(deps, flags, (ctx) =>
        createApiKey(ctx, { shopId, kind: o.kind, ...(o.label ? { label: o.label } : {}) }),
      );
      if (o.json) deps.out(json({ key, ...record }));
      else
        deps.out(
          `${key}\n` +
            `(${record.kind} key ${record.keyId} of shop ${shopId}: shown this once, only its hash is kept)\n`,
        );
    });
  withCommon(apikey.command('list').description("the shop's keys (never the keys themselves)")).action(
    async (raw: unknown) => {
      const o = parseOptions(common, raw);
      const flags = { db: o.db, shop: o.shop };
      const shopId = deps.config(flags).shopId;
      const keys = await withContext(deps, flags, (ctx) => listShopApiKeys(ctx, { shopId }), 'existing');
      if (o.json) deps.out(json(keys));
      else
        deps.out(
          `${table(
            ['id', 'kind', 'key', 'label', 'created', 'revoked'],
            keys.map((k) => [
              k.keyId,
              k.kind,
              k.hint,
              k.label ?? '',
              minute(k.createdAt),
              minute(k.revokedAt),
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
    const flags = { db: o.db, shop: o.shop };
    const shopId = deps.config(flags).shopId;
    const r = await withContext(
      deps,
      flags,
      (ctx) => revokeShopApiKey(ctx, { shopId, keyId: id }),
      'existing',
    );
    deps.out(o.json ? json(r) : `revoked ${r.keyId}\n`);
  });

  const shop = program.command('shop').description('shop settings: show, set');
  withCommon(shop.command('show').description('every setting (secrets say only "set")')).action(
    async (raw: unknown) => {
      const o = parseOptions(common, raw);
      const flags = { db: o.db, shop: o.shop };
      const shopId = deps.config(flags).shopId;
      const settings = await withContext(deps, flags, (ctx) => showShopSettings(ctx, { shopId }), 'existing');
      if (o.json) deps.out(json(settings));
      else
        deps.out(
          `${table(
            ['setting', 'value', 'about'],
            settings.map((s) => [
              s.key,
              s.secret ? (s.set ? '(set)' : '(not set)') : (s.value ?? ''),
              s.about,
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
    const flags = { db: o.db, shop: o.shop };
    const shopId = deps.config(flags).shopId;
    const view = await withContext(
      deps,
      flags,
      (ctx) => setShopSetting(ctx, { shopId, key, value }),
      'existing',
    );
    deps.out(o.json ? json(view) : `${view.key} = ${view.secret ? '(set)' : view.value}\n`);
  });
}
