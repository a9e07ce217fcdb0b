/**
 * `nurture coupon create | list | show`: unique coupon codes for customers, bulk batches of codes
 * to paste into Shopify or Haravan, and what became of each code (redeemed by which order,
 * released when that order was cancelled, refused or returned).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  type CouponShop,
  type CouponView,
  codesFile,
  createCoupon,
  createCouponBatch,
  listCoupons,
  showCoupon,
} from '../../app/coupons.js';
import { COUPON_STATES, type CouponKind } from '../../domain/coupons/index.js';
import { NurtureError } from '../../errors.js';
import { checkOutputPaths, databaseFiles, writeOutputFile } from '../../output-file.js';
import { COUPON_STATE_LABELS, couponOffer } from '../../report/coupons.js';
import { formatterFor, type Lang } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import { listTable, table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { common, jsonText, parseOptions, withCommon } from '../options.js';
import { SHARED } from '../words.js';

const T = {
  code: { vi: 'Mã', en: 'Code' },
  offer: { vi: 'Ưu đãi', en: 'Offer' },
  customer: { vi: 'Khách hàng', en: 'Customer' },
  anyone: { vi: '(ai cũng dùng được)', en: '(anyone)' },
  expires: { vi: 'Hết hạn', en: 'Expires' },
  state: { vi: 'Trạng thái', en: 'State' },
  order: { vi: 'Đơn hàng', en: 'Order' },
  batch: { vi: 'Lô', en: 'Batch' },
  created: { vi: 'Tạo lúc', en: 'Created' },
  source: { vi: 'Nguồn', en: 'Source' },
  released: { vi: 'Mở lại lúc', en: 'Released' },
  history: { vi: 'Lịch sử', en: 'History' },
  eventRedeemed: { vi: 'dùng cho đơn', en: 'redeemed by order' },
  eventReleased: { vi: 'mở lại, đơn', en: 'released, order' },
  none: { vi: '(chưa có mã nào)', en: '(no coupons)' },
  more: {
    vi: 'Còn nữa: thêm --cursor {cursor} để xem tiếp.',
    en: 'More: add --cursor {cursor} to see the next page.',
  },
  made: {
    vi: 'Đã tạo mã {code}: {offer}, hết hạn {expires}.',
    en: 'Created {code}: {offer}, expires {expires}.',
  },
  existed: {
    vi: 'Mã {code} đã được tạo trước đó với khoá nguồn này: {offer}, hết hạn {expires}.',
    en: '{code} was created before under this source key: {offer}, expires {expires}.',
  },
  batchMade: {
    vi: 'Lô {batch}: {count} mã ({created} mã mới), {offer}, hết hạn {expires}, mỗi mã dùng một lần.',
    en: 'Batch {batch}: {count} codes ({created} new), {offer}, expires {expires}, each code single use.',
  },
} as const satisfies Catalogue;

const KINDS: Record<string, CouponKind> = {
  fixed: 'fixed_amount',
  'fixed-amount': 'fixed_amount',
  fixed_amount: 'fixed_amount',
  percent: 'percent',
  'free-shipping': 'free_shipping',
  free_shipping: 'free_shipping',
};

const number = (what: string) =>
  z.coerce.number({ error: `a number (${what})` }).refine(Number.isFinite, what);
const createSchema = common.extend({
  customer: z.string().min(1).optional(),
  kind: z.string().transform((k, issue) => {
    const kind = KINDS[k.toLowerCase()];
    if (kind === undefined) {
      issue.addIssue({ code: 'custom', message: 'fixed, percent or free-shipping' });
      return z.NEVER;
    }
    return kind;
  }),
  value: number('the amount or percent').optional(),
  minOrder: number('an amount').optional(),
  expires: z.string().min(1).optional(),
  prefix: z.string().min(1).optional(),
  groups: z.coerce.number().int().optional(),
  count: z.coerce.number({ error: 'a whole number' }).int('a whole number').optional(),
  batch: z.string().min(1).optional(),
  csv: z.string().min(1).optional(),
  sourceKey: z.string().min(1).optional(),
});
const listSchema = common.extend({
  state: z.enum(COUPON_STATES, { error: `one of ${COUPON_STATES.join(', ')}` }).optional(),
  customer: z.string().min(1).optional(),
  batch: z.string().min(1).optional(),
  search: z.string().min(1).optional(),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export function registerCouponCommands(program: Command, deps: CliDeps): void {
  const coupon = program
    .command('coupon')
    .description('unique coupon codes: create (one, or a bulk batch for Shopify/Haravan), list, show');

  withCommon(
    coupon
      .command('create')
      .description('create a coupon for a customer, or a batch of codes (--count --batch)'),
  )
    .requiredOption('--kind <kind>', 'fixed | percent | free-shipping')
    .option('--value <n>', 'the amount off (fixed, in the shop currency) or the percent (1-100)')
    .option('--customer <id>', 'the customer it belongs to (default: anyone may use it)')
    .option('--min-order <n>', 'the smallest order it applies to')
    .option(
      '--expires <when>',
      '24h, 7d, 90m, or a date-time (shop time zone unless it has an offset); default 7d',
    )
    .option('--prefix <text>', 'letters or digits before the code (NUR → NUR-7KQ4-M2XP)')
    .option('--groups <n>', 'groups of 4 random characters, 2-4 (default 2)')
    .option('--count <n>', 'a batch of this many unassigned codes (with --batch)')
    .option('--batch <name>', "the batch's name; running it again returns the same codes")
    .option('--csv <file>', 'also write the codes to FILE, one code per line (to paste or upload)')
    .option('--source-key <key>', 'idempotency key: the same key returns the same coupon')
    .action(async (raw: unknown) => {
      const o = parseOptions(createSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const lang = config.lang;
      if ((o.count === undefined) !== (o.batch === undefined))
        throw new NurtureError('invalid_input', '--count and --batch go together (a batch has a name)', [
          { path: o.count === undefined ? '--count' : '--batch', reason: 'needs the other' },
        ]);
      if (o.batch !== undefined && (o.customer !== undefined || o.sourceKey !== undefined))
        throw new NurtureError(
          'invalid_input',
          '--batch makes codes for anyone: no --customer or --source-key',
          [{ path: '--batch', reason: 'bulk codes are unassigned' }],
        );
      if (o.csv !== undefined)
        await checkOutputPaths([{ option: '--csv', path: o.csv }], databaseFiles(config.db));
      const terms = {
        shopId: config.shopId,
        kind: o.kind,
        ...(o.value !== undefined ? { value: o.value } : {}),
        ...(o.minOrder !== undefined ? { minOrder: o.minOrder } : {}),
        ...(o.expires !== undefined ? { expires: o.expires } : {}),
        ...(o.prefix !== undefined ? { prefix: o.prefix } : {}),
        ...(o.groups !== undefined ? { groups: o.groups } : {}),
      };
      const f = formatterFor(lang);
      if (o.batch !== undefined && o.count !== undefined) {
        const { batch, count } = o;
        const made = await withContext(
          deps,
          flags,
          (ctx) => createCouponBatch(ctx, { ...terms, batch, count }),
          'existing',
        );
        if (o.csv !== undefined) await writeOutputFile(o.csv, codesFile(made.codes));
        if (o.json) deps.out(jsonText(made));
        else
          deps.out(
            `${fill(T.batchMade, lang, {
              batch: made.batch,
              count: f.count(made.codes.length),
              created: f.count(made.created),
              offer: couponOffer(made, made.shop.currency, lang),
              expires: f.zonedDateTime(made.expiresAt, made.shop.timezone),
            })}\n${o.csv === undefined ? codesFile(made.codes) : ''}`,
          );
        if (o.csv !== undefined) deps.err(`${fill(SHARED.wrote, lang, { file: o.csv })}\n`);
        return;
      }
      const made = await withContext(
        deps,
        flags,
        (ctx) =>
          createCoupon(ctx, {
            ...terms,
            ...(o.customer !== undefined ? { customerId: o.customer } : {}),
            ...(o.sourceKey !== undefined ? { sourceKey: o.sourceKey } : {}),
          }),
        'existing',
      );
      if (o.csv !== undefined) await writeOutputFile(o.csv, codesFile([made.coupon.code]));
      const c = made.coupon;
      deps.out(
        o.json
          ? jsonText(made)
          : `${fill(made.created ? T.made : T.existed, lang, {
              code: c.code,
              offer: couponOffer(c, made.shop.currency, lang),
              expires: f.zonedDateTime(c.expiresAt, made.shop.timezone),
            })}\n`,
      );
      if (o.csv !== undefined) deps.err(`${fill(SHARED.wrote, lang, { file: o.csv })}\n`);
    });

  withCommon(coupon.command('list').description('coupons, newest first'))
    .option('--state <state>', `only this state: ${COUPON_STATES.join(', ')}`)
    .option('--customer <id>', "only this customer's coupons")
    .option('--batch <name>', 'only this batch')
    .option('--search <text>', 'codes containing this text')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--cursor <cursor>', 'continue a list (printed at its end)')
    .action(async (raw: unknown) => {
      const o = parseOptions(listSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const result = await withContext(
        deps,
        flags,
        (ctx) =>
          listCoupons(ctx, {
            shopId: config.shopId,
            ...(o.state !== undefined ? { state: o.state } : {}),
            ...(o.customer !== undefined ? { customerId: o.customer } : {}),
            ...(o.batch !== undefined ? { batch: o.batch } : {}),
            ...(o.search !== undefined ? { q: o.search } : {}),
            ...(o.cursor !== undefined ? { cursor: o.cursor } : {}),
            ...(o.limit !== undefined ? { limit: o.limit } : {}),
          }),
        'existing',
      );
      if (o.json) {
        deps.out(jsonText(result));
        return;
      }
      const more = result.nextCursor ? `${fill(T.more, config.lang, { cursor: result.nextCursor })}\n` : '';
      deps.out(`${couponTable(result.coupons, result.shop, config.lang)}${more}`);
    });

  withCommon(
    coupon.command('show').description('one coupon by its code (any case)').argument('<code>', 'the code'),
  ).action(async (code: string, raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const config = deps.config(flags);
    const lang = config.lang;
    const r = await withContext(
      deps,
      flags,
      (ctx) => showCoupon(ctx, { shopId: config.shopId, code }),
      'existing',
    );
    if (o.json) {
      deps.out(jsonText(r));
      return;
    }
    const f = formatterFor(lang);
    const c = r.coupon;
    const tz = r.shop.timezone;
    const lines: [string, string][] = [
      [tr(T.code, lang), c.code],
      [tr(T.offer, lang), couponOffer(c, r.shop.currency, lang)],
      [tr(T.customer, lang), c.customerId ?? tr(T.anyone, lang)],
      [tr(T.expires, lang), f.zonedDateTime(c.expiresAt, tz)],
      [tr(T.state, lang), tr(COUPON_STATE_LABELS[c.state], lang)],
      [tr(T.created, lang), f.zonedDateTime(c.createdAt, tz)],
    ];
    if (c.batchId) lines.push([tr(T.batch, lang), c.batchId]);
    if (c.sourceKey && !c.batchId) lines.push([tr(T.source, lang), c.sourceKey]);
    if (r.order)
      lines.push([
        tr(T.order, lang),
        `${r.order.name ?? r.order.orderId} (${r.order.status}, ${f.money(r.order.total, r.shop.currency)}, ${f.dateTime(r.order.createdAt, tz)})`,
      ]);
    if (c.releasedAt)
      lines.push([tr(T.released, lang), `${f.dateTime(c.releasedAt, tz)} (${c.releaseReason ?? ''})`]);
    const history = r.history.map(
      (e) =>
        `  ${f.dateTime(e.at, tz)}  ${tr(e.action === 'redeemed' ? T.eventRedeemed : T.eventReleased, lang)} ${e.orderId} (${e.orderStatus})\n`,
    );
    deps.out(
      `${table(['', ''], lines, [false, false])}\n${history.length > 0 ? `${tr(T.history, lang)}:\n${history.join('')}` : ''}`,
    );
  });
}

function couponTable(coupons: readonly CouponView[], shop: CouponShop, lang: Lang): string {
  const f = formatterFor(lang);
  return listTable(
    coupons,
    [
      { header: tr(T.code, lang), cell: (c) => c.code },
      { header: tr(T.offer, lang), cell: (c) => couponOffer(c, shop.currency, lang) },
      {
        header: tr(T.customer, lang),
        cell: (c) => c.customerId ?? (c.batchId ? `${tr(T.batch, lang)} ${c.batchId}` : ''),
      },
      {
        header: `${tr(T.expires, lang)} (${shop.timezone})`,
        cell: (c) => f.dateTime(c.expiresAt, shop.timezone),
      },
      { header: tr(T.state, lang), cell: (c) => tr(COUPON_STATE_LABELS[c.state], lang) },
    ],
    tr(T.none, lang),
  );
}
