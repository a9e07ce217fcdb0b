/**
 * `nurture loyalty program show | set FILE` and `nurture points show CUSTOMER | adjust CUSTOMER
 * AMOUNT --reason R | redeem CUSTOMER REWARD` (docs/loyalty.md, "CLI and API"). CUSTOMER: an id,
 * a phone in any spelling, or an e-mail.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { adjustPoints, type CustomerPoints, redeemReward, showPoints } from '../../app/loyalty/points.js';
import { parseProgramText, setProgram, showProgram } from '../../app/loyalty/program.js';
import { inputFileError } from '../../errors.js';
import { formatterFor, type Lang } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import { ENTRY_REASON_TEXT, LEDGER_KIND_TEXT, PENDING_WHY_TEXT } from '../../report/loyalty-text.js';
import { columnsTable } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { common, jsonText, parseOptions, withCommon } from '../options.js';

const T = {
  version: {
    vi: '# Chương trình khách hàng thân thiết, phiên bản {version}{state}',
    en: '# Loyalty programme, version {version}{state}',
  },
  off: { vi: ' (đang tắt)', en: ' (off)' },
  defaults: { vi: ' (mặc định, chưa lưu)', en: ' (the default, not stored)' },
  saved: {
    vi: 'Đã lưu chương trình phiên bản {version} ({rules} quy tắc, {tiers} hạng, {rewards} phần quà){state}.',
    en: 'Stored programme version {version} ({rules} rules, {tiers} tiers, {rewards} rewards){state}.',
  },
  balance: { vi: 'Điểm khả dụng: {points}', en: 'Balance: {points} points' },
  pending: { vi: 'Điểm chờ duyệt: {points}', en: 'Pending: {points} points' },
  pendingOrder: { vi: '  đơn {order}: {points} điểm, {why}', en: '  order {order}: {points} points, {why}' },
  tier: { vi: 'Hạng: {tier}', en: 'Tier: {tier}' },
  next: { vi: 'Còn {missing} để lên {tier}', en: '{missing} to go for {tier}' },
  top: { vi: 'Hạng cao nhất', en: 'Top tier' },
  expires: { vi: 'Điểm hết hạn lúc {at} nếu không có hoạt động', en: 'Points expire {at} without activity' },
  when: { vi: 'Thời gian', en: 'When' },
  kind: { vi: 'Loại', en: 'Kind' },
  pts: { vi: 'Điểm', en: 'Points' },
  pend: { vi: 'Chờ duyệt', en: 'Pending' },
  why: { vi: 'Lý do', en: 'Reason' },
  adjusted: {
    vi: 'Đã điều chỉnh {amount} điểm; số dư {balance}.',
    en: 'Adjusted by {amount} points; balance {balance}.',
  },
  redeemed: {
    vi: 'Đã đổi "{reward}" ({cost} điểm){what}; số dư {balance}.',
    en: 'Redeemed "{reward}" ({cost} points){what}; balance {balance}.',
  },
  again: { vi: ' (yêu cầu lặp lại, không trừ thêm)', en: ' (a repeated request: nothing spent again)' },
} as const satisfies Catalogue;

const adjustSchema = common.extend({ reason: z.string().trim().min(1, '--reason is required') });
const redeemSchema = common.extend({ key: z.string().min(1).optional() });
const showSchema = common.extend({ limit: z.coerce.number().int().min(1).max(1000).optional() });

/** A customer's points as text: balance, pending with why, tier and the next one, the ledger. */
export function pointsText(p: CustomerPoints, lang: Lang, currency: string, timeZone: string): string {
  const f = formatterFor(lang);
  const lines = [
    fill(T.balance, lang, { points: f.count(p.balance.points) }),
    fill(T.pending, lang, { points: f.count(p.balance.pending) }),
    ...p.pendingOrders.map((o) =>
      fill(T.pendingOrder, lang, {
        order: o.orderId,
        points: f.count(o.points),
        why: tr(PENDING_WHY_TEXT[o.why], lang),
      }),
    ),
    fill(T.tier, lang, { tier: tr(p.tier.name, lang) }),
    p.next
      ? fill(T.next, lang, {
          missing: p.basis === 'spend' ? f.money(p.next.missing, currency) : f.count(p.next.missing),
          tier: tr(p.next.tier.name, lang),
        })
      : tr(T.top, lang),
    ...(p.expiresAt ? [fill(T.expires, lang, { at: f.zonedDateTime(p.expiresAt, timeZone) })] : []),
    '',
    columnsTable(p.entries, [
      { header: tr(T.when, lang), cell: (e) => f.dateTime(e.createdAt, timeZone) },
      { header: tr(T.kind, lang), cell: (e) => tr(LEDGER_KIND_TEXT[e.kind], lang) },
      { header: tr(T.pts, lang), cell: (e) => f.count(e.points), right: true },
      { header: tr(T.pend, lang), cell: (e) => f.count(e.pending), right: true },
      {
        header: tr(T.why, lang),
        cell: (e) =>
          `${tr(ENTRY_REASON_TEXT[e.reason], lang)}${e.note ? `: ${e.note}` : ''}${e.sourceType === 'order' && e.sourceId ? ` (${e.sourceId})` : ''}`,
      },
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

export function registerLoyaltyCommands(program: Command, deps: CliDeps): void {
  const loyalty = program
    .command('loyalty')
    .description('the loyalty programme: rules, tiers, rewards, settings');
  const prog = loyalty.command('program').description('show or replace the loyalty programme (YAML or JSON)');
  withCommon(
    prog.command('show').description('the programme in force, as YAML to edit and set again'),
  ).action(async (raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const config = deps.config(flags);
    const r = await withContext(
      deps,
      flags,
      (ctx) => showProgram(ctx, { shopId: config.shopId }),
      'existing',
    );
    if (o.json) deps.out(jsonText(r));
    else {
      const state =
        r.version === 0 ? tr(T.defaults, config.lang) : r.program.enabled ? '' : tr(T.off, config.lang);
      deps.out(`${fill(T.version, config.lang, { version: r.version, state })}\n${toYaml(r.program)}`);
    }
  });
  withCommon(
    prog
      .command('set')
      .description('store FILE (YAML or JSON) as the next version; an invalid file changes nothing')
      .argument('<file>', 'the programme'),
  ).action(async (file: string, raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const config = deps.config(flags);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw inputFileError(error, file) ?? error;
    }
    const document = parseProgramText(text, file);
    const r = await withContext(
      deps,
      flags,
      (ctx) => setProgram(ctx, { shopId: config.shopId, program: document }),
      'existing',
    );
    if (o.json) deps.out(jsonText(r));
    else
      deps.out(
        `${fill(T.saved, config.lang, {
          version: r.version,
          rules: r.program.rules.length,
          tiers: r.program.tiers.levels.length,
          rewards: r.program.rewards.length,
          state: r.program.enabled ? '' : tr(T.off, config.lang),
        })}\n`,
      );
  });

  const points = program.command('points').description("a customer's points: show, adjust, redeem");
  withCommon(
    points
      .command('show')
      .description('balance, pending points and why, tier, the ledger')
      .argument('<customer>', 'an id, a phone (any spelling) or an e-mail'),
  )
    .option('--limit <n>', 'ledger entries shown (default 50)')
    .action(async (customer: string, raw: unknown) => {
      const o = parseOptions(showSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const r = await withContext(
        deps,
        flags,
        async (ctx) => ({
          points: await showPoints(ctx, {
            shopId: config.shopId,
            customer,
            ...(o.limit ? { limit: o.limit } : {}),
          }),
          shop: await ctx.store.requireShop(config.shopId),
        }),
        'existing',
      );
      deps.out(
        o.json ? jsonText(r.points) : pointsText(r.points, config.lang, r.shop.currency, r.shop.timezone),
      );
    });
  withCommon(
    points
      .command('adjust')
      .description('add (or with a minus, take) points by hand, with the reason')
      .argument('<customer>', 'an id, a phone (any spelling) or an e-mail')
      .argument('<amount>', 'points, e.g. 100 or -50'),
  )
    .requiredOption('--reason <text>', 'why (kept on the entry)')
    .action(async (customer: string, amount: string, raw: unknown) => {
      const o = parseOptions(adjustSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const n = Number(amount);
      const r = await withContext(
        deps,
        flags,
        (ctx) =>
          adjustPoints(ctx, {
            shopId: config.shopId,
            customer,
            amount: Number.isInteger(n) ? n : Number.NaN,
            reason: o.reason,
            by: 'cli',
          }),
        'existing',
      );
      const f = formatterFor(config.lang);
      deps.out(
        o.json
          ? jsonText(r)
          : `${fill(T.adjusted, config.lang, { amount: f.count(r.entry.points), balance: f.count(r.balance) })}\n`,
      );
    });
  withCommon(
    points
      .command('redeem')
      .description('spend points on a reward of the catalogue')
      .argument('<customer>', 'an id, a phone (any spelling) or an e-mail')
      .argument('<reward>', "the reward's id"),
  )
    .option('--key <key>', 'idempotency key: the same key redeems once')
    .action(async (customer: string, reward: string, raw: unknown) => {
      const o = parseOptions(redeemSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const r = await withContext(
        deps,
        flags,
        (ctx) =>
          redeemReward(ctx, {
            shopId: config.shopId,
            customer,
            reward,
            ...(o.key ? { requestKey: o.key } : {}),
          }),
        'existing',
      );
      const f = formatterFor(config.lang);
      const what = r.couponCode ? `: ${r.couponCode}` : r.taskId ? `: ${r.taskId}` : '';
      deps.out(
        o.json
          ? jsonText(r)
          : `${fill(T.redeemed, config.lang, {
              reward: tr(r.reward.name, config.lang),
              cost: f.count(r.reward.cost),
              what,
              balance: f.count(r.balance),
            })}${r.created ? '' : tr(T.again, config.lang)}\n`,
      );
    });
}
