/**
 * Shopify's products export (Admin → Products → Export, CSV): one row per variant, the rows of
 * one product next to each other under its Handle, the product's own fields (Title, Type, Tags…)
 * on its first row, and rows that only add an image (Handle and Image Src, nothing else).
 * Both the classic headers ("Handle", "Variant SKU", "Variant Price", "Image Src") and the
 * 2025 ones ("URL handle", "SKU", "Price", "Product image URL") are read.
 *
 * Each variant with a SKU becomes one catalogue entry: order lines name SKUs, so a variant
 * without one cannot be matched and is counted as skipped, not rejected. The category is the
 * seller's Type, or the leaf of Shopify's Product Category when Type is empty. Optional product
 * or variant metafields `nurture.consumable` and `nurture.reorder_cycle_days` (columns such as
 * "Consumable (product.metafields.nurture.consumable)") carry the consumable flag and the
 * reorder cycle.
 */
import type { Product } from '../../domain/model/index.js';
import type { ParsedBatch, ReadOptions } from '../records.js';
import {
  type Cells,
  type Header,
  problem,
  type Row,
  RowProblem,
  requireColumns,
  tagsOf,
  text,
} from './fields.js';
import { type GroupedRowsFormat, PRODUCT_GROUPS, readGroupedRows } from './grouped-orders.js';
import {
  categoryOf,
  consumableOf,
  cycleOf,
  DuplicateSkus,
  inventoryOf,
  priceOf,
  publishedOf,
  statusOf,
} from './product-fields.js';

/** Where each field comes from: the first header present wins. */
const COLUMNS = {
  handle: ['Handle', 'URL handle'],
  title: ['Title'],
  vendor: ['Vendor'],
  taxonomy: ['Product Category', 'Standard Product Type'],
  type: ['Type', 'Custom Product Type'],
  tags: ['Tags'],
  published: ['Published', 'Published on online store'],
  option1Name: ['Option1 Name'],
  option1: ['Option1 Value'],
  option2: ['Option2 Value'],
  option3: ['Option3 Value'],
  sku: ['Variant SKU', 'SKU'],
  price: ['Variant Price', 'Price'],
  inventory: ['Variant Inventory Qty', 'Inventory quantity'],
  image: ['Image Src', 'Product image URL'],
  variantImage: ['Variant Image', 'Variant image URL'],
  status: ['Status'],
} as const;

type Field = keyof typeof COLUMNS;

/** Metafield columns end with "(product.metafields.nurture.KEY)" or "(variant.metafields.nurture.KEY)". */
const METAFIELD = /\((product|variant)\.metafields\.nurture\.(consumable|reorder_cycle_days)\)\s*$/i;

/** Shopify's option value of a product without options. */
const DEFAULT_TITLE = 'default title';

class ShopifyProductBuilder implements GroupedRowsFormat<Product[]> {
  readonly keyColumn: string;
  readonly keyColumns: readonly number[];
  private readonly c: Record<Field, number>;
  private readonly meta: {
    level: 'product' | 'variant';
    key: 'consumable' | 'reorder_cycle_days';
    index: number;
  }[];

  constructor(
    private readonly header: Header,
    private readonly skus: DuplicateSkus,
    private readonly skipped: { count: number },
  ) {
    const c = {} as Record<Field, number>;
    for (const field of Object.keys(COLUMNS) as Field[]) c[field] = header.find(...COLUMNS[field]);
    this.c = c;
    this.keyColumns = [c.handle];
    this.keyColumn = header.name(c.handle);
    this.meta = header.names.flatMap((name, index) => {
      const m = METAFIELD.exec(name);
      if (m === null) return [];
      const level = m[1]!.toLowerCase() === 'variant' ? ('variant' as const) : ('product' as const);
      const key =
        m[2]!.toLowerCase() === 'consumable' ? ('consumable' as const) : ('reorder_cycle_days' as const);
      return [{ level, key, index }];
    });
  }

  keyOf(row: Cells): string {
    return row.get(this.c.handle).trim();
  }

  build(rows: readonly Row[]): Product[] {
    const first = rows[0]!;
    const c = this.c;
    const title =
      text(first.get(c.title)) ?? problem(this.name(c.title), 'the product has no Title on its first row');
    const productType = text(first.get(c.type));
    const taxonomy = text(first.get(c.taxonomy));
    const category = categoryOf(productType, taxonomy);
    const tags = tagsOf(first.get(c.tags));
    const shared = {
      title,
      productKey: this.keyOf(first),
      ...(category !== undefined ? { category } : {}),
      ...opt('vendor', text(first.get(c.vendor))),
      ...opt('productType', productType),
      ...opt('taxonomy', taxonomy),
      ...(tags.length > 0 ? { tags } : {}),
      ...opt('status', statusOf(first.get(c.status), this.name(c.status))),
      ...opt('published', publishedOf(first.get(c.published), this.name(c.published))),
    };
    const productImage = rows.map((r) => text(r.get(c.image))).find((v) => v !== undefined);
    const productMeta = this.metafields(first, 'product');
    const out: Product[] = [];
    for (const row of rows) {
      if (!this.isVariantRow(row, row === first)) continue;
      const sku = text(row.get(c.sku));
      if (sku === undefined) {
        this.skipped.count++;
        continue;
      }
      try {
        out.push(this.variant(row, sku, shared, productImage, productMeta));
      } catch (error) {
        // A bad cell on a later row of the product: name that row's line.
        if (error instanceof RowProblem && error.line === undefined)
          throw new RowProblem(error.column, error.reason, row.line);
        throw error;
      }
    }
    return out;
  }

  private variant(
    row: Row,
    sku: string,
    shared: Omit<Product, 'sku' | 'consumable'>,
    productImage: string | undefined,
    productMeta: { consumable?: boolean; reorderCycleDays?: number },
  ): Product {
    const c = this.c;
    this.skus.claim(sku, row.line, this.name(c.sku));
    const variantMeta = this.metafields(row, 'variant');
    const consumable = variantMeta.consumable ?? productMeta.consumable;
    const cycle = variantMeta.reorderCycleDays ?? productMeta.reorderCycleDays;
    return {
      sku,
      ...shared,
      consumable: consumable ?? cycle !== undefined,
      ...opt('reorderCycleDays', cycle),
      ...opt('variantTitle', this.variantTitle(row)),
      ...opt('price', priceOf(row.get(c.price), this.name(c.price))),
      ...opt('inventoryQty', inventoryOf(row.get(c.inventory), this.name(c.inventory))),
      ...opt('imageUrl', text(row.get(c.variantImage)) ?? productImage),
    };
  }

  /**
   * A row describes a variant when it is the product's first row, or has a SKU, an option value
   * or a price; the other rows of a product only add images.
   */
  private isVariantRow(row: Row, first: boolean): boolean {
    const c = this.c;
    return (
      first ||
      [c.sku, c.option1, c.option2, c.option3, c.price].some((i) => i >= 0 && row.get(i).trim() !== '')
    );
  }

  private variantTitle(row: Row): string | undefined {
    const c = this.c;
    const values = [c.option1, c.option2, c.option3]
      .map((i) => text(row.get(i)))
      .filter((v): v is string => v !== undefined);
    if (values.length === 0) return undefined;
    if (values.length === 1 && values[0]!.toLowerCase() === DEFAULT_TITLE) return undefined;
    return values.join(' / ');
  }

  private metafields(
    row: Row,
    level: 'product' | 'variant',
  ): { consumable?: boolean; reorderCycleDays?: number } {
    const out: { consumable?: boolean; reorderCycleDays?: number } = {};
    for (const m of this.meta) {
      if (m.level !== level) continue;
      const column = this.header.name(m.index);
      if (m.key === 'consumable') {
        const v = consumableOf(row.get(m.index), column);
        if (v !== undefined) out.consumable = v;
      } else {
        const v = cycleOf(row.get(m.index), column);
        if (v !== undefined) out.reorderCycleDays = v;
      }
    }
    return out;
  }

  private name(index: number): string {
    return index < 0 ? 'column' : this.header.name(index);
  }
}

/** `{ key: value }` when the value is there, `{}` otherwise. */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Reads Shopify's products export in batches of whole products. */
export async function* readShopifyProducts(path: string, options: ReadOptions): AsyncGenerator<ParsedBatch> {
  const skus = new DuplicateSkus();
  const skipped = { count: 0 };
  const batches = readGroupedRows(
    path,
    { batchSize: options.batchSize },
    (header) => {
      requireColumns(path, header, [COLUMNS.handle, COLUMNS.title, COLUMNS.sku]);
      return new ShopifyProductBuilder(header, skus, skipped);
    },
    PRODUCT_GROUPS,
  );
  for await (const batch of batches) {
    batch.skippedVariants = skipped.count;
    yield batch;
  }
}
