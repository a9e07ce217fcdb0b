/**
 * `nurture products replenishment`: each product's learned reorder cycle, its evidence, and
 * whether it is replenishable (else why not); `--recompute` learns them again from the orders
 * (the first run does it by itself); `--evaluate` measures the next-purchase prediction on a time
 * split against the product-median baseline.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  evaluateShopReplenishment,
  listProductCycles,
  type RecomputeCyclesResult,
  recomputeReorderCycles,
  type TitledCycle,
} from '../../app/replenishment.js';
import type { ReplenishEvaluation } from '../../domain/replenish/evaluate.js';
import { PATTERN_TEXT, REASON_TEXT, SOURCE_TEXT } from '../../domain/replenish/text.js';
import { formatterFor } from '../../report/format.js';
import type { Lang } from '../../report/labels.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions } from '../options.js';

const schema = z.object({
  db: z.string().min(1).optional(),
  shop: z.string().min(1).optional(),
  json: z.boolean().optional(),
  lang: z.enum(['vi', 'en'], { error: '--lang must be vi or en' }).optional(),
  recompute: z.boolean().optional(),
  evaluate: z.boolean().optional(),
  replenishable: z.boolean().optional(),
  splitAt: z.iso.date({ error: '--split-at must be a date YYYY-MM-DD' }).optional(),
  level: z.coerce.number({ error: '--level must be a number' }).gt(0).lt(1).optional(),
  leadDays: z.coerce.number({ error: '--lead-days must be a number' }).int().min(0).max(60).optional(),
});

const W = {
  sku: { vi: 'SKU', en: 'SKU' },
  title: { vi: 'Sản phẩm', en: 'Product' },
  buyers: { vi: 'Người mua', en: 'Buyers' },
  repeat: { vi: 'Mua lại', en: 'Repeat' },
  cycle: { vi: 'Chu kỳ (ngày/sp)', en: 'Cycle (days/unit)' },
  pattern: { vi: 'Kiểu mua', en: 'Pattern' },
  source: { vi: 'Nguồn', en: 'Source' },
  verdict: { vi: 'Nhắc mua lại?', en: 'Replenishable?' },
  yes: { vi: 'có', en: 'yes' },
  no: { vi: 'không', en: 'no' },
  none: { vi: '(chưa có sản phẩm nào)', en: '(no products)' },
  computed: { vi: 'Tính lúc', en: 'Computed' },
  pairs: { vi: 'Cặp khách × sản phẩm', en: 'Customer × product pairs' },
  mae: { vi: 'Sai số trung bình (ngày)', en: 'Mean absolute error (days)' },
  baseline: { vi: 'Đường cơ sở: trung vị sản phẩm', en: 'Baseline: product median' },
  nurture: { vi: 'Nurture', en: 'Nurture' },
  median: { vi: 'Sai số trung vị (ngày)', en: 'Median absolute error (days)' },
  split: { vi: 'Mốc chia', en: 'Split at' },
} as const;

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export function registerReplenishmentCommand(products: Command, deps: CliDeps): void {
  products
    .command('replenishment')
    .description(
      "each product's reorder cycle learned from the orders, its evidence, replenishable or why not; --evaluate measures the prediction",
    )
    .option(
      '--db <path>',
      'DuckDB file, :memory: or postgres:// URL (default: NURTURE_DB or ./nurture.duckdb)',
    )
    .option('--shop <id>', 'shop id (default: NURTURE_SHOP or "default")')
    .option('--lang <lang>', 'vi | en (default: NURTURE_LANG or vi)')
    .option('--json', 'print JSON')
    .option('--recompute', 'learn the cycles and predictions again from the orders first')
    .option('--replenishable', 'only replenishable products')
    .option('--no-replenishable', 'only products that are not')
    .option(
      '--level <p>',
      'with --recompute: the probability of having bought again the date marks (default 0.5)',
    )
    .option('--lead-days <n>', 'with --recompute: days before that date the reminder is due (default 2)')
    .option('--evaluate', 'mean absolute error of the predicted next purchase against the product median')
    .option(
      '--split-at <date>',
      'with --evaluate: learn before this day, test after (default: 80 % into the orders)',
    )
    .action(async (raw: unknown) => {
      const o = parseOptions(schema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const lang = config.lang;
      if (o.evaluate) {
        const e = await withContext(
          deps,
          flags,
          (ctx) =>
            evaluateShopReplenishment(ctx, {
              shopId: config.shopId,
              ...(o.splitAt !== undefined ? { splitAt: o.splitAt } : {}),
              ...(o.level !== undefined ? { level: o.level } : {}),
            }),
          'existing',
        );
        deps.out(o.json ? json(e) : evaluationText(e, lang));
        return;
      }
      const result = await withContext(
        deps,
        flags,
        async (ctx) => {
          let recomputed: RecomputeCyclesResult | null = null;
          const stored = await listProductCycles(ctx, { shopId: config.shopId });
          if (o.recompute || stored.computedAt === null)
            recomputed = await recomputeReorderCycles(ctx, {
              shopId: config.shopId,
              ...(o.level !== undefined ? { level: o.level } : {}),
              ...(o.leadDays !== undefined ? { leadDays: o.leadDays } : {}),
            });
          const list = await listProductCycles(ctx, {
            shopId: config.shopId,
            ...(o.replenishable !== undefined ? { replenishable: o.replenishable } : {}),
          });
          return { ...list, recomputed };
        },
        'existing',
      );
      deps.out(o.json ? json(result) : cyclesText(result.cycles, result.computedAt, result.timezone, lang));
    });
}

/** `12,5 [11,0–14,2]`: the cycle with its 95 % interval. */
function cycleText(c: TitledCycle, lang: Lang): string {
  const f = formatterFor(lang);
  if (c.cycleDays === null) return '';
  const ci =
    c.cycleLowDays === null || c.cycleHighDays === null
      ? ''
      : ` [${f.decimal(c.cycleLowDays, 1)}–${f.decimal(c.cycleHighDays, 1)}]`;
  return `${f.decimal(c.cycleDays, 1)}${ci}`;
}

function cyclesText(
  cycles: readonly TitledCycle[],
  computedAt: Date | null,
  timezone: string,
  lang: Lang,
): string {
  const f = formatterFor(lang);
  const w = (k: keyof typeof W) => W[k][lang];
  if (cycles.length === 0) return `${w('none')}\n`;
  const rows = cycles.map((c) => [
    c.sku,
    c.title ?? '',
    f.count(c.buyers),
    c.repeatProbability === null ? '' : f.percent(c.repeatProbability, 0),
    cycleText(c, lang),
    PATTERN_TEXT[c.pattern][lang],
    SOURCE_TEXT[c.source][lang],
    c.replenishable ? w('yes') : `${w('no')}: ${REASON_TEXT[c.reason ?? 'too_few_buyers'][lang]}`,
  ]);
  const head = computedAt === null ? '' : `${w('computed')}: ${f.date(computedAt, timezone)} (${timezone})\n`;
  return `${head}${table(
    [w('sku'), w('title'), w('buyers'), w('repeat'), w('cycle'), w('pattern'), w('source'), w('verdict')],
    rows,
    [false, false, true, true, true, false, false, false],
  )}\n`;
}

function evaluationText(e: ReplenishEvaluation & { splitDay: string }, lang: Lang): string {
  const f = formatterFor(lang);
  const w = (k: keyof typeof W) => W[k][lang];
  const d = (v: number | null) => (v === null ? '—' : f.decimal(v, 1));
  const lines = [
    `${w('split')}: ${e.splitDay}; ${w('pairs')}: ${f.count(e.pairs)}`,
    table(
      ['', w('nurture'), w('baseline')],
      [
        [w('mae'), d(e.maeDays), d(e.baselineMaeDays)],
        [w('median'), d(e.medianErrorDays), d(e.baselineMedianErrorDays)],
      ],
      [false, true, true],
    ),
    '',
    table(
      [w('sku'), w('pairs'), w('nurture'), w('baseline')],
      e.products.map((p) => [p.sku, f.count(p.pairs), d(p.maeDays), d(p.baselineMaeDays)]),
      [false, true, true, true],
    ),
  ];
  return `${lines.join('\n')}\n`;
}
