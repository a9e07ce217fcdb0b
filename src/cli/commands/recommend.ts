/**
 * `nurture recommend …`: recompute the recommendations, read them (a customer's "for you" list
 * or everyone's as CSV/JSON, bought together, popular), evaluate them against baselines, and the
 * seller's settings (excluded products, cross-shop links).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  boughtTogether,
  excludeProduct,
  linkShops,
  personalRows,
  popularProducts,
  recomputeRecommendations,
} from '../../app/recommend.js';
import { type EvaluationResult, evaluateRecommendations } from '../../app/recommend-evaluate.js';
import { csvLine } from '../../ingest/csv.js';
import { checkOutputPaths, databaseFiles, writeOutputFile } from '../../output-file.js';
import { formatterFor, type Lang } from '../../report/format.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions } from '../options.js';

const common = z.object({
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
  json: z.boolean().optional(),
  lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional(),
});
const limit = (max: number) =>
  z.coerce.number({ error: '--limit must be a number' }).int().min(1).max(max).optional();
const schemas = {
  recompute: common.extend({ asOf: z.coerce.date({ error: '--as-of must be a date' }).optional() }),
  personal: common.extend({
    customer: z.string().min(1).optional(),
    limit: limit(20),
    out: z.string().min(1).optional(),
  }),
  together: common.extend({ limit: limit(20) }),
  popular: common.extend({
    category: z.string().min(1).optional(),
    kind: z
      .enum(['bought', 'viewed', 'trending'], { error: '--kind is bought, viewed or trending' })
      .optional(),
    limit: limit(50),
  }),
  evaluate: common.extend({
    splitAt: z.coerce.date({ error: '--split-at must be a date' }).optional(),
    k: z
      .string()
      .regex(/^\d+(,\d+)*$/, '--k must be a number or numbers separated by commas')
      .optional(),
    maxCustomers: z.coerce.number({ error: '--max-customers must be a number' }).int().min(10).optional(),
    tifuMax: z.coerce.number({ error: '--tifu-max must be a number' }).int().min(0).optional(),
    tune: z.boolean().optional(),
  }),
  exclude: common.extend({ undo: z.boolean().optional() }),
  link: common.extend({ undo: z.boolean().optional() }),
};

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

const WORDS = {
  rank: { vi: '#', en: '#' },
  sku: { vi: 'SKU', en: 'SKU' },
  title: { vi: 'Sản phẩm', en: 'Product' },
  score: { vi: 'Điểm', en: 'Score' },
  reason: { vi: 'Lý do', en: 'Reason' },
  price: { vi: 'Giá', en: 'Price' },
  lift: { vi: 'Lift', en: 'Lift' },
  confidence: { vi: 'Độ tin cậy', en: 'Confidence' },
  orders: { vi: 'Số đơn cùng', en: 'Orders together' },
  events: { vi: 'Lượt', en: 'Count' },
  method: { vi: 'Phương pháp', en: 'Method' },
  none: {
    vi: '(chưa có gợi ý: chạy nurture recommend recompute)',
    en: '(no recommendations: run nurture recommend recompute)',
  },
  bundle: { vi: 'Combo gợi ý', en: 'Bundle' },
} as const;

const withCommon = (cmd: Command): Command =>
  cmd
    .option(
      '--db <path>',
      'DuckDB file, :memory: or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)',
    )
    .option('--shop <id>', 'shop id (default: NURTURE_SHOP or "default")')
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)')
    .option('--json', 'print JSON');

const PERSONAL_COLUMNS = ['customer_id', 'external_id', 'rank', 'sku', 'score', 'reason'] as const;

export function registerRecommendCommands(program: Command, deps: CliDeps): void {
  const rec = program
    .command('recommend')
    .description('product recommendations: recompute, personal, together, popular, evaluate, exclude, link');
  const setup = (raw: {
    db?: string | undefined;
    shop?: string | undefined;
    lang?: 'vi' | 'en' | undefined;
  }) => {
    const flags = { db: raw.db, shop: raw.shop, lang: raw.lang };
    return { flags, config: deps.config(flags) };
  };

  withCommon(
    rec.command('recompute').description('recompute every list from the valid orders and storefront events'),
  )
    .option('--as-of <date>', 'compute as of this instant (default: now)')
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.recompute, raw);
      const { flags, config } = setup(o);
      const r = await withContext(
        deps,
        flags,
        (ctx) =>
          recomputeRecommendations(ctx, { shopId: config.shopId, ...(o.asOf ? { asOf: o.asOf } : {}) }),
        'existing',
      );
      if (o.json) return deps.out(json(r));
      const f = formatterFor(config.lang);
      deps.out(
        config.lang === 'vi'
          ? `đã tính gợi ý cho ${f.count(r.customers)} khách từ ${f.count(r.orders)} đơn hợp lệ (${f.count(r.lines)} dòng)${r.small ? '; cửa hàng nhỏ: gợi ý dựa nhiều vào danh mục và độ phổ biến' : ''}\n`
          : `computed recommendations for ${f.count(r.customers)} customers from ${f.count(r.orders)} valid orders (${f.count(r.lines)} lines)${r.small ? '; a small shop: the lists lean on category and popularity' : ''}\n`,
      );
    });

  withCommon(
    rec.command('personal').description('"for you" lists: one customer, or everyone to a CSV/JSON file'),
  )
    .option('--customer <id>', 'only this customer')
    .option('--limit <k>', 'items per customer (default 10, at most 20)')
    .option(
      '--out <file>',
      'write CSV (columns customer_id, external_id, rank, sku, score, reason), or JSON with --json',
    )
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.personal, raw);
      const { flags, config } = setup(o);
      if (o.out !== undefined)
        await checkOutputPaths([{ option: '--out', path: o.out }], databaseFiles(config.db));
      const rows = await withContext(
        deps,
        flags,
        (ctx) =>
          personalRows(ctx, {
            shopId: config.shopId,
            lang: config.lang,
            ...(o.customer !== undefined ? { customerId: o.customer } : {}),
            ...(o.limit !== undefined ? { limit: o.limit } : {}),
          }),
        'existing',
      );
      const text = o.json
        ? json(rows)
        : `${csvLine(PERSONAL_COLUMNS)}${rows.map((r) => csvLine(PERSONAL_COLUMNS.map((c) => r[c]))).join('')}`;
      if (o.out === undefined) return deps.out(text);
      await writeOutputFile(o.out, text);
      const f = formatterFor(config.lang);
      deps.out(
        config.lang === 'vi'
          ? `đã ghi ${o.out}: ${f.count(rows.length)} dòng\n`
          : `wrote ${o.out}: ${f.count(rows.length)} rows\n`,
      );
    });

  withCommon(
    rec
      .command('together')
      .description('products bought in the same order as a SKU, and a bundle')
      .argument('<sku>'),
  )
    .option('--limit <n>', 'at most this many (default 5)')
    .action(async (sku: string, raw: unknown) => {
      const o = parseOptions(schemas.together, raw);
      const { flags, config } = setup(o);
      const r = await withContext(
        deps,
        flags,
        (ctx) =>
          boughtTogether(ctx, {
            shopId: config.shopId,
            sku,
            lang: config.lang,
            ...(o.limit ? { limit: o.limit } : {}),
          }),
        'existing',
      );
      if (o.json) return deps.out(json(r));
      const lang = config.lang;
      const f = formatterFor(lang);
      const w = (k: keyof typeof WORDS) => WORDS[k][lang];
      let out = `${r.sku} — ${r.title}\n`;
      out +=
        r.items.length === 0
          ? `${w('none')}\n`
          : `${table(
              [w('rank'), w('sku'), w('title'), w('orders'), w('confidence'), w('lift')],
              r.items.map((i) => [
                String(i.rank),
                i.sku,
                i.title,
                f.count(i.together),
                f.percent(i.confidence, 1),
                f.decimal(i.lift, 2),
              ]),
              [true, false, false, true, true, true],
            )}\n`;
      if (r.bundle)
        out += `${w('bundle')}: ${r.bundle.titles.join(' + ')}${r.bundle.combinedPrice !== null ? ` = ${f.money(r.bundle.combinedPrice, 'VND')}` : ''}\n`;
      deps.out(out);
    });

  withCommon(rec.command('popular').description('the most bought, most viewed or trending products'))
    .option('--category <name>', 'only this category')
    .option('--kind <kind>', 'bought | viewed | trending (default bought)')
    .option('--limit <n>', 'at most this many (default 10)')
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.popular, raw);
      const { flags, config } = setup(o);
      const r = await withContext(
        deps,
        flags,
        (ctx) =>
          popularProducts(ctx, {
            shopId: config.shopId,
            lang: config.lang,
            ...(o.category ? { category: o.category } : {}),
            ...(o.kind ? { kind: o.kind } : {}),
            ...(o.limit ? { limit: o.limit } : {}),
          }),
        'existing',
      );
      if (o.json) return deps.out(json(r));
      deps.out(itemsTable(r.items, config.lang));
    });

  withCommon(rec.command('evaluate').description('recall@k and NDCG@k on held-out orders, against baselines'))
    .option(
      '--split-at <date>',
      "hold out the orders from this date on (default: each customer's last order)",
    )
    .option('--k <k>', 'list lengths, e.g. 10 or 10,20 (default 10,20)')
    .option('--max-customers <n>', 'evaluate at most this many customers, a fixed sample (default 20000)')
    .option('--tifu-max <n>', 'compute TIFU-KNN up to this many training customers (default 5000)')
    .option('--tune', 'choose the blend on an earlier split of the same length, report on this one')
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.evaluate, raw);
      const { flags, config } = setup(o);
      const r = await withContext(
        deps,
        flags,
        (ctx) =>
          evaluateRecommendations(ctx, {
            shopId: config.shopId,
            ...(o.splitAt ? { splitAt: o.splitAt } : {}),
            ...(o.k ? { ks: o.k.split(',').map(Number) } : {}),
            ...(o.maxCustomers ? { maxCustomers: o.maxCustomers } : {}),
            ...(o.tifuMax !== undefined ? { tifuMaxCustomers: o.tifuMax } : {}),
            ...(o.tune ? { tune: true } : {}),
          }),
        'existing',
      );
      deps.out(o.json ? json(r) : evaluationText(r, config.lang));
    });

  withCommon(
    rec.command('exclude').description('never recommend this SKU (--undo lets it back in)').argument('<sku>'),
  )
    .option('--undo', 'recommend it again')
    .action(async (sku: string, raw: unknown) => {
      const o = parseOptions(schemas.exclude, raw);
      const { flags, config } = setup(o);
      const r = await withContext(
        deps,
        flags,
        (ctx) => excludeProduct(ctx, { shopId: config.shopId, sku, excluded: !o.undo }),
        'existing',
      );
      deps.out(
        o.json
          ? json(r)
          : `${r.sku}: ${r.excluded ? (config.lang === 'vi' ? 'không gợi ý' : 'excluded') : config.lang === 'vi' ? 'được gợi ý lại' : 'recommended again'}\n`,
      );
    });

  withCommon(
    rec
      .command('link')
      .description(
        "opt in: this shop's customers (with marketing consent) may be recommended the partner shop's products",
      )
      .argument('<partner-shop>'),
  )
    .option('--undo', 'remove the link')
    .action(async (partner: string, raw: unknown) => {
      const o = parseOptions(schemas.link, raw);
      const { flags, config } = setup(o);
      const r = await withContext(
        deps,
        flags,
        (ctx) => linkShops(ctx, { shopId: config.shopId, partnerShopId: partner, linked: !o.undo }),
        'existing',
      );
      deps.out(
        o.json
          ? json(r)
          : `${r.shopId} → ${r.links.map((l) => l.partnerShopId).join(', ') || (config.lang === 'vi' ? '(không liên kết)' : '(no links)')}\n`,
      );
    });
}

function itemsTable(
  items: readonly { rank: number; sku: string; title: string; score: number; reason: { text: string } }[],
  lang: Lang,
): string {
  const w = (k: keyof typeof WORDS) => WORDS[k][lang];
  if (items.length === 0) return `${w('none')}\n`;
  const f = formatterFor(lang);
  return `${table(
    [w('rank'), w('sku'), w('title'), w('score'), w('reason')],
    items.map((i) => [String(i.rank), i.sku, i.title, f.decimal(i.score, 3), i.reason.text]),
    [true, false, false, true, false],
  )}\n`;
}

const METHOD_NAMES: Record<string, { vi: string; en: string }> = {
  nurture: { vi: 'Nurture', en: 'Nurture' },
  top_frequency: { vi: 'Mua nhiều nhất của khách', en: 'Personal top-frequency' },
  popularity: { vi: 'Phổ biến toàn cửa hàng', en: 'Global popularity' },
  tifu_knn: { vi: 'TIFU-KNN', en: 'TIFU-KNN' },
};

function evaluationText(r: EvaluationResult, lang: Lang): string {
  const f = formatterFor(lang);
  const vi = lang === 'vi';
  const pct = (x: number | null) => (x === null ? '—' : f.percent(x, 1));
  const head =
    r.holdout.kind === 'split'
      ? vi
        ? `Giữ lại các đơn từ ${r.holdout.splitAt.slice(0, 10)}`
        : `Held out the orders from ${r.holdout.splitAt.slice(0, 10)}`
      : vi
        ? 'Giữ lại đơn cuối của mỗi khách'
        : "Held out each customer's last order";
  let out = `${head}: ${f.count(r.evaluatedCustomers)} ${vi ? 'khách' : 'customers'}${r.sample < 1 ? ` (${vi ? 'mẫu' : 'sample'} ${f.percent(r.sample, 1)})` : ''}, ${f.count(r.heldOutItems)} ${vi ? 'sản phẩm, mua lại' : 'products, repeat'} ${f.percent(r.repeatShare, 1)}\n`;
  for (const k of r.ks) {
    const key = String(k);
    out += `\nk = ${k}\n${table(
      [
        vi ? 'Phương pháp' : 'Method',
        `recall@${k}`,
        `NDCG@${k}`,
        vi ? 'recall mua lại' : 'recall repeat',
        vi ? 'recall mới' : 'recall new',
        vi ? 'NDCG mua lại' : 'NDCG repeat',
        vi ? 'NDCG mới' : 'NDCG new',
      ],
      r.methods.map((m) => {
        const s = m.at[key];
        return [
          METHOD_NAMES[m.method]?.[lang] ?? m.method,
          pct(s?.recall ?? null),
          pct(s?.ndcg ?? null),
          pct(s?.recallRepeat ?? null),
          pct(s?.recallNew ?? null),
          pct(s?.ndcgRepeat ?? null),
          pct(s?.ndcgNew ?? null),
        ];
      }),
      [false, true, true, true, true, true, true],
    )}\n`;
  }
  if (r.tifuSkipped) out += `${vi ? 'Không tính TIFU-KNN' : 'TIFU-KNN skipped'}: ${r.tifuSkipped}\n`;
  if (r.tuning)
    out += vi
      ? `Trọng số chọn trên mốc sớm hơn ${r.tuning.splitAt.slice(0, 10)} (${r.tuning.candidates} bộ)\n`
      : `Weights chosen on the earlier split ${r.tuning.splitAt.slice(0, 10)} (${r.tuning.candidates} candidates)\n`;
  return out;
}
