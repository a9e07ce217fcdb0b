/**
 * `nurture products …`: the product catalogue (as `nurture import shopify-products|products-csv`
 * filled it) and the seller's consumable flag and reorder cycle, per product or per category.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  listShopCategories,
  listShopProducts,
  type ProductSetResult,
  setProductSettings,
  showProduct,
} from '../../app/products.js';
import type { CatalogueEntry } from '../../domain/catalogue.js';
import type { SettingOrigin } from '../../domain/model/index.js';
import { formatterFor } from '../../report/format.js';
import { formatCurrency, type Lang } from '../../report/labels.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { common, parseOptions, withCommon } from '../options.js';
import { registerReplenishmentCommand } from './products-replenishment.js';

const listSchema = common.extend({
  category: z.string().min(1).optional(),
  consumable: z.boolean().optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});
const setSchema = common.extend({
  category: z.string().min(1).optional(),
  consumable: z.boolean().optional(),
  reorderCycleDays: z.coerce
    .number({ error: 'a whole number of days' })
    .int('a whole number of days')
    .min(1)
    .max(3650)
    .optional(),
  clear: z.boolean().optional(),
});

const WORDS = {
  sku: { vi: 'SKU', en: 'SKU' },
  title: { vi: 'Sản phẩm', en: 'Product' },
  category: { vi: 'Danh mục', en: 'Category' },
  price: { vi: 'Giá', en: 'Price' },
  consumable: { vi: 'Tiêu hao', en: 'Consumable' },
  cycle: { vi: 'Chu kỳ mua lại', en: 'Reorder cycle' },
  products: { vi: 'Sản phẩm', en: 'Products' },
  yes: { vi: 'có', en: 'yes' },
  no: { vi: 'không', en: 'no' },
  days: { vi: 'ngày', en: 'days' },
  none: { vi: '(không có sản phẩm)', en: '(no products)' },
  ordered: { vi: 'Đã bán', en: 'Ordered' },
  orders: { vi: 'đơn', en: 'orders' },
  units: { vi: 'sản phẩm', en: 'units' },
  buyers: { vi: 'khách', en: 'customers' },
} as const;
type Word = keyof typeof WORDS;

const ORIGIN: Record<SettingOrigin, { vi: string; en: string }> = {
  product: { vi: 'theo sản phẩm', en: 'set for the product' },
  category: { vi: 'theo danh mục', en: 'set for the category' },
  catalogue: { vi: 'theo file danh mục', en: 'from the catalogue file' },
  none: { vi: 'mặc định', en: 'default' },
};

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export function registerProductCommands(program: Command, deps: CliDeps): void {
  const products = program
    .command('products')
    .description(
      'the product catalogue: list, show, categories, set (consumable, reorder cycle), replenishment (learned cycles)',
    );
  registerReplenishmentCommand(products, deps);

  withCommon(
    products.command('list').description('products by SKU with their consumable flag and reorder cycle'),
  )
    .option('--category <name>', 'only this category')
    .option('--consumable', 'only consumables')
    .option('--no-consumable', 'only products that are not consumables')
    .option('--limit <n>', 'at most this many (default 1000)')
    .action(async (raw: unknown) => {
      const o = parseOptions(listSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const result = await withContext(
        deps,
        flags,
        (ctx) =>
          listShopProducts(ctx, {
            shopId: config.shopId,
            ...(o.category !== undefined ? { category: o.category } : {}),
            ...(o.consumable !== undefined ? { consumable: o.consumable } : {}),
            ...(o.limit !== undefined ? { limit: o.limit } : {}),
          }),
        'existing',
      );
      deps.out(o.json ? json(result) : productTable(result.products, result.currency, config.lang));
    });

  withCommon(products.command('show').description('one product by SKU').argument('<sku>', 'the SKU')).action(
    async (sku: string, raw: unknown) => {
      const o = parseOptions(common, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const result = await withContext(
        deps,
        flags,
        (ctx) => showProduct(ctx, { shopId: config.shopId, sku }),
        'existing',
      );
      deps.out(
        o.json ? json(result) : productDetail(result.product, result.usage, result.currency, config.lang),
      );
    },
  );

  withCommon(
    products.command('categories').description('categories with their product counts and settings'),
  ).action(async (raw: unknown) => {
    const o = parseOptions(common, raw);
    const flags = { db: o.db, shop: o.shop, lang: o.lang };
    const config = deps.config(flags);
    const lang = config.lang;
    const result = await withContext(
      deps,
      flags,
      (ctx) => listShopCategories(ctx, { shopId: config.shopId }),
      'existing',
    );
    if (o.json) {
      deps.out(json(result));
      return;
    }
    const w = (k: Word) => WORDS[k][lang];
    deps.out(
      `${table(
        [w('category'), w('products'), w('consumable'), w('cycle')],
        result.categories.map((c) => [
          c.category,
          formatterFor(lang).count(c.products),
          c.consumable === null ? '' : c.consumable ? w('yes') : w('no'),
          c.reorderCycleDays === null ? '' : `${c.reorderCycleDays} ${w('days')}`,
        ]),
        [false, true, false, true],
      )}\n`,
    );
  });

  withCommon(
    products
      .command('set')
      .description(
        'set a product (SKU) or a category (--category) as a consumable and its reorder cycle; --clear removes the setting',
      )
      .argument('[sku]', 'the SKU (or give --category)'),
  )
    .option('--category <name>', 'set every product of this category')
    .option('--consumable', 'a consumable (bought again)')
    .option('--no-consumable', 'not a consumable (also drops the reorder cycle)')
    .option(
      '--reorder-cycle-days <days>',
      'days after which a buyer usually needs it again (makes it a consumable)',
    )
    .option('--clear', 'remove the setting: the product follows its category, the category its catalogue')
    .action(async (sku: string | undefined, raw: unknown) => {
      const o = parseOptions(setSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const result = await withContext(
        deps,
        flags,
        (ctx) =>
          setProductSettings(ctx, {
            shopId: config.shopId,
            ...(sku !== undefined ? { sku } : {}),
            ...(o.category !== undefined ? { category: o.category } : {}),
            ...(o.consumable !== undefined ? { consumable: o.consumable } : {}),
            ...(o.reorderCycleDays !== undefined ? { reorderCycleDays: o.reorderCycleDays } : {}),
            ...(o.clear ? { clear: true } : {}),
          }),
        'existing',
      );
      deps.out(o.json ? json(result) : setSummary(result, config.lang));
    });
}

function productTable(entries: readonly CatalogueEntry[], currency: string, lang: Lang): string {
  const w = (k: Word) => WORDS[k][lang];
  if (entries.length === 0) return `${w('none')}\n`;
  return `${table(
    [w('sku'), w('title'), w('category'), w('price'), w('consumable'), w('cycle')],
    entries.map((e) => [
      e.sku,
      e.variantTitle ? `${e.title} (${e.variantTitle})` : e.title,
      e.category ?? '',
      e.price === undefined ? '' : formatCurrency(Number(e.price), currency, lang),
      e.consumable ? w('yes') : w('no'),
      e.reorderCycleDays === undefined ? '' : `${e.reorderCycleDays} ${w('days')}`,
    ]),
    [false, false, false, true, false, true],
  )}\n`;
}

function productDetail(
  e: CatalogueEntry,
  usage: { orders: number; units: number; customers: number },
  currency: string,
  lang: Lang,
): string {
  const w = (k: Word) => WORDS[k][lang];
  const n = (v: number) => formatterFor(lang).count(v);
  const lines: [string, string][] = [
    [w('sku'), e.sku],
    [w('title'), e.variantTitle ? `${e.title} (${e.variantTitle})` : e.title],
    [w('category'), e.category ?? ''],
    [w('price'), e.price === undefined ? '' : formatCurrency(Number(e.price), currency, lang)],
    [w('consumable'), `${e.consumable ? w('yes') : w('no')} (${ORIGIN[e.consumableFrom][lang]})`],
    [
      w('cycle'),
      e.reorderCycleDays === undefined
        ? ''
        : `${e.reorderCycleDays} ${w('days')} (${ORIGIN[e.reorderCycleFrom][lang]})`,
    ],
    [
      w('ordered'),
      `${n(usage.orders)} ${w('orders')}, ${n(usage.units)} ${w('units')}, ${n(usage.customers)} ${w('buyers')}`,
    ],
  ];
  return `${table(['', ''], lines, [false, false])}\n`;
}

function setSummary(r: ProductSetResult, lang: Lang): string {
  const what =
    r.scope === 'product' ? `SKU ${r.target}` : `${WORDS.category[lang].toLowerCase()} ${r.target}`;
  const said =
    r.consumable === null && r.reorderCycleDays === null
      ? lang === 'vi'
        ? 'đã xoá thiết lập'
        : 'setting cleared'
      : [
          r.consumable === null
            ? ''
            : `${WORDS.consumable[lang].toLowerCase()}: ${r.consumable ? WORDS.yes[lang] : WORDS.no[lang]}`,
          r.reorderCycleDays === null
            ? ''
            : `${WORDS.cycle[lang].toLowerCase()}: ${r.reorderCycleDays} ${WORDS.days[lang]}`,
        ]
          .filter(Boolean)
          .join(', ');
  const n = r.products.length;
  const count =
    lang === 'vi'
      ? `${formatterFor(lang).count(n)} sản phẩm`
      : `${formatterFor(lang).count(n)} product${n === 1 ? '' : 's'}`;
  return `${what}: ${said} (${count})\n${productTable(r.products, r.currency, lang)}`;
}
