/**
 * Any catalogue export (Haravan, Shopee, a spreadsheet) read through a products mapping (see
 * product-mapping.ts and docs/import.md). Rows of one product sit next to each other and share
 * its `product.key`; without a key column, every row is a product of its own.
 */
import type { Product } from '../../domain/model/index.js';
import { NurtureError } from '../../errors.js';
import type { ParsedBatch, ReadOptions } from '../records.js';
import { type Cells, type Header, problem, type Row, RowProblem, tagsOf, text } from './fields.js';
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
import {
  loadProductMapping,
  PRODUCT_MAPPING_FIELDS,
  type ProductMapping,
  type ProductMappingField,
} from './product-mapping.js';

type FieldColumns = Record<ProductMappingField, number[]>;

function fieldColumns(mapping: ProductMapping, header: Header): FieldColumns {
  const out = Object.fromEntries(PRODUCT_MAPPING_FIELDS.map((f) => [f, [] as number[]])) as FieldColumns;
  for (const [column, field] of Object.entries(mapping.columns)) {
    const index = header.find(column);
    if (index >= 0 && !out[field].includes(index)) out[field].push(index);
  }
  return out;
}

class MappedProductBuilder implements GroupedRowsFormat<Product[]> {
  readonly keyColumn: string;
  readonly keyColumns: readonly number[];
  private readonly cols: FieldColumns;

  constructor(
    mapping: ProductMapping,
    private readonly header: Header,
    path: string,
    private readonly skus: DuplicateSkus,
  ) {
    this.cols = fieldColumns(mapping, header);
    const missing = (['variant.sku', 'product.title'] as const).filter((f) => this.cols[f].length === 0);
    if (missing.length > 0) {
      const reasons = missing.map((f) => `no column for ${f} (${columnsOf(mapping, f)})`);
      throw new NurtureError(
        'invalid_file',
        `${path}: the file does not fit the mapping${mapping.name ? ` "${mapping.name}"` : ''}: ${reasons.join('; ')}`,
        reasons.map((reason) => ({ file: path, line: 1, reason })),
      );
    }
    // Grouped by the product key when the file has one, else each SKU is its own product.
    this.keyColumns =
      this.cols['product.key'].length > 0 ? this.cols['product.key'] : this.cols['variant.sku'];
    this.keyColumn = header.name(this.keyColumns[0]!);
  }

  keyOf(row: Cells): string {
    return this.value(row, this.keyColumns)?.trim() ?? '';
  }

  build(rows: readonly Row[]): Product[] {
    const product = (field: ProductMappingField): string | undefined => {
      for (const row of rows) {
        const v = this.value(row, this.cols[field]);
        if (v !== undefined) return v;
      }
      return undefined;
    };
    const column = (field: ProductMappingField): string => this.columnName(field);
    const title =
      text(product('product.title')) ?? problem(column('product.title'), 'the product has no name');
    const productType = text(product('product.type'));
    const taxonomy = text(product('product.taxonomy'));
    const category = text(product('product.category')) ?? categoryOf(productType, taxonomy);
    const tags = tagsOf(product('product.tags'));
    const consumable = consumableOf(product('product.consumable') ?? '', column('product.consumable'));
    const cycle = cycleOf(product('product.reorderCycleDays') ?? '', column('product.reorderCycleDays'));
    const productImage = text(product('product.image'));
    const shared = {
      title,
      productKey: this.cols['product.key'].length > 0 ? this.keyOf(rows[0]!) : undefined,
      category,
      vendor: text(product('product.vendor')),
      productType,
      taxonomy,
      tags: tags.length > 0 ? tags : undefined,
      status: statusOf(product('product.status') ?? '', column('product.status')),
      published: publishedOf(product('product.published') ?? '', column('product.published')),
      consumable: consumable ?? cycle !== undefined,
      reorderCycleDays: cycle,
    };
    const out: Product[] = [];
    for (const row of rows) {
      const sku = text(this.value(row, this.cols['variant.sku']));
      if (sku === undefined) return problem(this.columnName('variant.sku', row), 'the row has no SKU');
      try {
        this.skus.claim(sku, row.line, this.columnName('variant.sku', row));
        out.push({
          sku,
          ...shared,
          variantTitle: text(this.value(row, this.cols['variant.title'])) ?? this.options(row),
          price: priceOf(
            this.value(row, this.cols['variant.price']) ?? '',
            this.columnName('variant.price', row),
          ),
          inventoryQty: inventoryOf(
            this.value(row, this.cols['variant.inventory']) ?? '',
            this.columnName('variant.inventory', row),
          ),
          imageUrl: text(this.value(row, this.cols['variant.image'])) ?? productImage,
        });
      } catch (error) {
        if (error instanceof RowProblem && error.line === undefined)
          throw new RowProblem(error.column, error.reason, row.line);
        throw error;
      }
    }
    return out;
  }

  /** The option values of a row, joined: "Đỏ / M". */
  private options(row: Row): string | undefined {
    const values = this.cols['variant.option']
      .map((i) => text(row.get(i)))
      .filter((v): v is string => v !== undefined);
    return values.length > 0 ? values.join(' / ') : undefined;
  }

  /** The first non-empty cell of the columns, or undefined. */
  private value(row: Cells, columns: readonly number[]): string | undefined {
    for (const index of columns) {
      const v = row.get(index);
      if (v.trim() !== '') return v;
    }
    return undefined;
  }

  /** Header of the column that fed a field (in this row, when given), for rejects. */
  private columnName(field: ProductMappingField, row?: Row): string {
    const cols = this.cols[field];
    const index = (row && cols.find((i) => row.get(i).trim() !== '')) ?? cols[0];
    return index === undefined ? field : this.header.name(index);
  }
}

function columnsOf(mapping: ProductMapping, field: ProductMappingField): string {
  const names = Object.entries(mapping.columns)
    .filter(([, f]) => f === field)
    .map(([c]) => `"${c}"`);
  return names.length > 0 ? `expected ${names.join(' or ')}` : 'not mapped';
}

/** Reads a catalogue export through a products mapping, in batches of whole products. */
export async function* readProductsCsv(path: string, options: ReadOptions): AsyncGenerator<ParsedBatch> {
  if (options.mappingFile === undefined)
    throw new NurtureError(
      'invalid_input',
      'products-csv needs --mapping (haravan, shopee, or a .json/.yaml products mapping file)',
    );
  const mapping = await loadProductMapping(options.mappingFile);
  const skus = new DuplicateSkus();
  const keyed = Object.values(mapping.columns).includes('product.key');
  yield* readGroupedRows(
    path,
    { delimiter: mapping.delimiter, batchSize: options.batchSize },
    (header) => new MappedProductBuilder(mapping, header, path, skus),
    keyed ? PRODUCT_GROUPS : { ...PRODUCT_GROUPS, missingKey: 'missing SKU' },
  );
}
