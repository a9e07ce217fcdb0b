/**
 * `nurture user …`: the dashboard's users of a shop. A user made without a password gets a
 * one-time setup code (printed once, with the link to open) to choose it at first sign-in; a
 * password may instead come on standard input, never as an argument (it would sit in the shell's
 * history and the process list).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { shopTimeZone } from '../../app/shop-settings.js';
import { createUser, listShopUsers, resetUserSetupCode } from '../../app/users.js';
import { NurtureError } from '../../errors.js';
import { type Formatter, formatterFor } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { common, parseOptions, withCommon } from '../options.js';

const createSchema = common.extend({
  email: z.string().min(1, '--email is required'),
  role: z.enum(['owner', 'staff'], { error: '--role is owner or staff' }).default('staff'),
  passwordStdin: z.boolean().optional(),
  url: z.string().url('--url must be a URL like http://127.0.0.1:8787').default('http://127.0.0.1:8787'),
});
const resetSchema = common.extend({
  email: z.string().min(1, '--email is required'),
  url: z.string().url('--url must be a URL like http://127.0.0.1:8787').default('http://127.0.0.1:8787'),
});

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** What `user` prints, in both languages; `--json` keeps its English keys. */
const T = {
  owner: { vi: 'chủ shop', en: 'owner' },
  staff: { vi: 'nhân viên', en: 'staff' },
  createdOpen: {
    vi: 'Đã tạo {role} {email} của shop {shop}.\nĐể đặt mật khẩu, mở liên kết sau (một lần, trước {until}):\n{link}',
    en: '{role} {email} of shop {shop} created.\nTo choose a password, open (once, before {until}):\n{link}',
  },
  createdReady: {
    vi: 'Đã tạo {role} {email} của shop {shop}; người này đăng nhập được ngay.',
    en: '{role} {email} of shop {shop} created; they can sign in now.',
  },
  email: { vi: 'e-mail', en: 'e-mail' },
  role: { vi: 'vai trò', en: 'role' },
  passwordSet: { vi: 'đặt mật khẩu lúc ({zone})', en: 'password set ({zone})' },
  createdAt: { vi: 'tạo lúc ({zone})', en: 'created ({zone})' },
  waiting: { vi: '(đang chờ)', en: '(waiting)' },
  reset: {
    vi: 'Mở liên kết sau (một lần, trước {until}):\n{link}',
    en: 'Open (once, before {until}):\n{link}',
  },
} as const satisfies Catalogue;

/** An instant as the shop's wall time with the zone named, or '' for none. */
const zoned = (f: Formatter, zone: string, d: Date | null | undefined) => (d ? f.zonedDateTime(d, zone) : '');

/** The link that opens the password form with the e-mail and code filled in. */
const setupLink = (base: string, email: string, code: string) =>
  `${base.replace(/\/$/, '')}/setup?email=${encodeURIComponent(email)}&code=${encodeURIComponent(code)}`;

/** A password from standard input: its first line, without the line end. */
async function passwordFromStdin(deps: CliDeps): Promise<string> {
  const text = deps.readStdin ? await deps.readStdin() : '';
  const password = text.split(/\r?\n/)[0] ?? '';
  if (!password)
    throw new NurtureError('invalid_input', '--password-stdin: no password on standard input', [
      { path: 'password', reason: 'empty' },
    ]);
  return password;
}

export function registerUserCommands(program: Command, deps: CliDeps): void {
  const user = program.command('user').description("the dashboard's users of a shop: create, list, reset");
  withCommon(user.command('create').description('create a user (owner or staff) of the shop'))
    .requiredOption('--email <email>', "the user's e-mail (they sign in with it)")
    .option('--role <role>', 'owner (settings, keys, users) | staff', 'staff')
    .option('--password-stdin', 'read the password from standard input instead of making a setup code')
    .option('--url <url>', 'where the dashboard is reached, for the setup link', 'http://127.0.0.1:8787')
    .action(async (raw: unknown) => {
      const o = parseOptions(createSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const { shopId, lang } = deps.config(flags);
      const f = formatterFor(lang);
      const password = o.passwordStdin ? await passwordFromStdin(deps) : undefined;
      const { created, zone } = await withContext(deps, flags, async (ctx) => ({
        created: await createUser(ctx, {
          shopId,
          email: o.email,
          role: o.role,
          ...(password ? { password } : {}),
        }),
        zone: await shopTimeZone(ctx, shopId),
      }));
      const link = created.setupCode ? setupLink(o.url, created.user.email, created.setupCode) : undefined;
      const who = { role: tr(T[created.user.role], lang), email: created.user.email, shop: shopId };
      if (o.json) deps.out(json({ ...created, ...(link ? { setupLink: link } : {}) }));
      else if (link)
        deps.out(
          `${fill(T.createdOpen, lang, { ...who, until: zoned(f, zone, created.setupExpiresAt), link })}\n`,
        );
      else deps.out(`${fill(T.createdReady, lang, who)}\n`);
    });
  withCommon(user.command('list').description("the shop's users")).action(async (raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const { shopId, lang } = deps.config(flags);
    const f = formatterFor(lang);
    const { users, zone } = await withContext(
      deps,
      flags,
      async (ctx) => ({ users: await listShopUsers(ctx, { shopId }), zone: await shopTimeZone(ctx, shopId) }),
      'existing',
    );
    const at = (d: Date | null) => (d ? f.dateTime(d, zone) : '');
    if (o.json) deps.out(json(users));
    else
      deps.out(
        `${table(
          [
            tr(T.email, lang),
            tr(T.role, lang),
            fill(T.passwordSet, lang, { zone }),
            fill(T.createdAt, lang, { zone }),
          ],
          users.map((u) => [
            u.email,
            tr(T[u.role], lang),
            at(u.passwordSetAt) || tr(T.waiting, lang),
            at(u.createdAt),
          ]),
          [false, false, false, false],
        )}\n`,
      );
  });
  withCommon(user.command('reset').description('a new setup code for a user (a forgotten password)'))
    .requiredOption('--email <email>', "the user's e-mail")
    .option('--url <url>', 'where the dashboard is reached, for the setup link', 'http://127.0.0.1:8787')
    .action(async (raw: unknown) => {
      const o = parseOptions(resetSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const { shopId, lang } = deps.config(flags);
      const { made, zone } = await withContext(
        deps,
        flags,
        async (ctx) => ({
          made: await resetUserSetupCode(ctx, { shopId, email: o.email }),
          zone: await shopTimeZone(ctx, shopId),
        }),
        'existing',
      );
      const link = setupLink(o.url, o.email.trim().toLowerCase(), made.setupCode);
      const until = zoned(formatterFor(lang), zone, made.setupExpiresAt);
      deps.out(o.json ? json({ ...made, setupLink: link }) : `${fill(T.reset, lang, { until, link })}\n`);
    });
}
