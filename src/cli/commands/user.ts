/**
 * `nurture user …`: the dashboard's users of a shop. A user made without a password gets a
 * one-time setup code (printed once, with the link to open) to choose it at first sign-in; a
 * password may instead come on standard input, never as an argument (it would sit in the shell's
 * history and the process list).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { createUser, listShopUsers, resetUserSetupCode } from '../../app/users.js';
import { NurtureError } from '../../errors.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions } from '../options.js';

const common = z.object({
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
  json: z.boolean().optional(),
});
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
const minute = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '');

const withCommon = (cmd: Command): Command =>
  cmd
    .option(
      '--db <path>',
      'DuckDB file, :memory: or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)',
    )
    .option('--shop <id>', 'shop id (default: NURTURE_SHOP or "default")')
    .option('--json', 'print JSON');

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
      const flags = { db: o.db, shop: o.shop };
      const shopId = deps.config(flags).shopId;
      const password = o.passwordStdin ? await passwordFromStdin(deps) : undefined;
      const created = await withContext(deps, flags, (ctx) =>
        createUser(ctx, { shopId, email: o.email, role: o.role, ...(password ? { password } : {}) }),
      );
      const link = created.setupCode ? setupLink(o.url, created.user.email, created.setupCode) : undefined;
      if (o.json) deps.out(json({ ...created, ...(link ? { setupLink: link } : {}) }));
      else if (link)
        deps.out(
          `${created.user.role} ${created.user.email} of shop ${shopId} created.\n` +
            `To choose a password, open (once, before ${minute(created.setupExpiresAt ?? null)}):\n${link}\n`,
        );
      else
        deps.out(
          `${created.user.role} ${created.user.email} of shop ${shopId} created; they can sign in now.\n`,
        );
    });
  withCommon(user.command('list').description("the shop's users")).action(async (raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop };
    const shopId = deps.config(flags).shopId;
    const users = await withContext(deps, flags, (ctx) => listShopUsers(ctx, { shopId }), 'existing');
    if (o.json) deps.out(json(users));
    else
      deps.out(
        `${table(
          ['e-mail', 'role', 'password set', 'created'],
          users.map((u) => [u.email, u.role, minute(u.passwordSetAt) || '(waiting)', minute(u.createdAt)]),
          [false, false, false, false],
        )}\n`,
      );
  });
  withCommon(user.command('reset').description('a new setup code for a user (a forgotten password)'))
    .requiredOption('--email <email>', "the user's e-mail")
    .option('--url <url>', 'where the dashboard is reached, for the setup link', 'http://127.0.0.1:8787')
    .action(async (raw: unknown) => {
      const o = parseOptions(resetSchema, raw);
      const flags = { db: o.db, shop: o.shop };
      const shopId = deps.config(flags).shopId;
      const made = await withContext(
        deps,
        flags,
        (ctx) => resetUserSetupCode(ctx, { shopId, email: o.email }),
        'existing',
      );
      const link = setupLink(o.url, o.email.trim().toLowerCase(), made.setupCode);
      deps.out(
        o.json
          ? json({ ...made, setupLink: link })
          : `Open (once, before ${minute(made.setupExpiresAt)}):\n${link}\n`,
      );
    });
}
