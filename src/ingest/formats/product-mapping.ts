/**
 * The mapping file of the `products-csv` format: which column of a catalogue export (Haravan,
 * Shopee, a spreadsheet) holds which product field. JSON or YAML, like the orders-csv mappings
 * (mapping.ts); `--mapping haravan|shopee` picks a built-in one. Reference: docs/import.md.
 */
import { z } from 'zod';
import { NurtureError } from '../../errors.js';
import { readMappingFile } from './mapping-file.js';
import { haravanProductsMapping } from './product-mappings/haravan.js';
import { shopeeProductsMapping } from './product-mappings/shopee.js';

/**
 * The fields a column can feed. `product.*` fields are the product's (read from the first row of
 * its group that has them), `variant.*` fields are read on every row. `product.key` groups the
 * rows of one product (a handle, a product id); without it every row is a product of its own.
 */
export const PRODUCT_MAPPING_FIELDS = [
  'product.key',
  'product.title',
  'product.category',
  'product.type',
  'product.taxonomy',
  'product.vendor',
  'product.tags',
  'product.status',
  'product.published',
  'product.image',
  'product.consumable',
  'product.reorderCycleDays',
  'variant.sku',
  'variant.title',
  'variant.option',
  'variant.price',
  'variant.inventory',
  'variant.image',
] as const;
export type ProductMappingField = (typeof PRODUCT_MAPPING_FIELDS)[number];

export const productMappingSchema = z
  .object({
    /** A label for messages. */
    name: z.string().min(1).optional(),
    delimiter: z.string().length(1).default(','),
    /**
     * Column header in the file → field. Several columns may feed one field: the first non-empty
     * wins, except `variant.option`, whose values are joined with " / " ("Đỏ / M").
     */
    columns: z.record(z.string().min(1), z.enum(PRODUCT_MAPPING_FIELDS)),
  })
  .strict()
  .superRefine((m, ctx) => {
    const fields = new Set(Object.values(m.columns));
    for (const need of ['variant.sku', 'product.title'] as const)
      if (!fields.has(need))
        ctx.addIssue({ code: 'custom', path: ['columns'], message: `no column maps to ${need}` });
  });

export type ProductMapping = z.infer<typeof productMappingSchema>;
export type ProductMappingInput = z.input<typeof productMappingSchema>;

export const BUILTIN_PRODUCT_MAPPINGS: Readonly<Record<string, ProductMappingInput>> = {
  haravan: haravanProductsMapping,
  shopee: shopeeProductsMapping,
};

/** Validates a mapping; the error names each bad place by its path in the file. */
export function parseProductMapping(value: unknown, origin: string): ProductMapping {
  const result = productMappingSchema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    file: origin,
    path: issue.path.map(String).join('.') || '(top)',
    reason: issue.message,
  }));
  throw new NurtureError(
    'invalid_input',
    `${origin}: invalid products mapping\n${details.map((d) => `  ${d.path}: ${d.reason}`).join('\n')}`,
    details,
  );
}

/** A built-in products mapping by name, or a .json / .yaml / .yml mapping file. */
export async function loadProductMapping(ref: string): Promise<ProductMapping> {
  const builtin = BUILTIN_PRODUCT_MAPPINGS[ref.toLowerCase()];
  if (builtin !== undefined) return parseProductMapping(builtin, `built-in products mapping ${ref}`);
  const value = await readMappingFile(ref, 'products mapping', Object.keys(BUILTIN_PRODUCT_MAPPINGS));
  return parseProductMapping(value, ref);
}
