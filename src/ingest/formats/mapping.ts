/**
 * The mapping file of the `orders-csv` format: which column of a seller's export holds which
 * order field, how its dates are written, and what its status values mean. JSON or YAML;
 * `--mapping haravan|shopee|lazada|tiktok` picks a built-in one. Reference: docs/import.md.
 */
import { z } from 'zod';
import { ORDER_STATUSES, PAYMENT_METHODS, sourceSchema } from '../../domain/model/index.js';
import { compileDateFormat, isValidTimeZone } from '../../domain/time.js';
import { NurtureError } from '../../errors.js';
import { readMappingFile } from './mapping-file.js';
import { haravanMapping } from './mappings/haravan.js';
import { lazadaMapping } from './mappings/lazada.js';
import { shopeeMapping } from './mappings/shopee.js';
import { tiktokMapping } from './mappings/tiktok.js';

/** The fields a column can feed. `line.*` fields are read on every row, the others on the first. */
export const MAPPING_FIELDS = [
  'order.id',
  'order.name',
  'order.status',
  'order.financialStatus',
  'order.fulfillmentStatus',
  'order.paymentMethod',
  'order.currency',
  'order.subtotal',
  'order.shipping',
  'order.taxes',
  'order.discount',
  'order.total',
  'order.refunded',
  'order.coupon',
  'order.createdAt',
  'order.paidAt',
  'order.cancelledAt',
  'order.tags',
  'customer.id',
  'customer.phone',
  'customer.email',
  'customer.name',
  'customer.firstName',
  'customer.lastName',
  'customer.city',
  'customer.province',
  'customer.country',
  'line.sku',
  'line.title',
  'line.category',
  'line.quantity',
  'line.price',
  'line.total',
] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];

/** `line.*` fields that describe a line named by line.title or line.sku. */
export const LINE_DETAIL_FIELDS = ['line.price', 'line.total', 'line.quantity', 'line.category'] as const;

const orderStatusSchema = z.enum(ORDER_STATUSES);

export const mappingSchema = z
  .object({
    /** A label for messages. */
    name: z.string().min(1).optional(),
    /** The `source` of the imported orders; with the order id it makes re-imports idempotent. */
    source: sourceSchema,
    delimiter: z.string().length(1).default(','),
    /** How dates are written (see src/domain/time.ts); ISO 8601 when left out. */
    dateFormat: z.string().min(1).optional(),
    /** Zone of dates written without an offset; the shop's zone when left out. */
    timezone: z.string().refine(isValidTimeZone, 'unknown IANA time zone (e.g. Asia/Ho_Chi_Minh)').optional(),
    /** Currency of the amounts when no column says; the shop's currency when left out. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'a three-letter currency code')
      .optional(),
    /** Column header in the file → field. Several columns may feed one field: the first non-empty wins. */
    columns: z.record(z.string().min(1), z.enum(MAPPING_FIELDS)),
    status: z
      .object({
        /**
         * Fields whose values, joined with " / ", are looked up in `values` (e.g. payment and
         * delivery state together); by default order.status alone.
         */
        fields: z.array(z.enum(MAPPING_FIELDS)).min(1).optional(),
        /** Value (case-insensitive; `*` matches any one part) → our status. */
        values: z.record(z.string(), orderStatusSchema),
        /** Status for values not in `values`; without it they are rejected. */
        default: orderStatusSchema.optional(),
      })
      .strict(),
    /** Payment method value → ours; values not listed are guessed from their text. */
    paymentMethods: z.record(z.string(), z.enum(PAYMENT_METHODS)).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const fields = new Set(Object.values(m.columns));
    for (const need of ['order.id', 'order.createdAt'] as const)
      if (!fields.has(need))
        ctx.addIssue({ code: 'custom', path: ['columns'], message: `no column maps to ${need}` });
    for (const f of m.status.fields ?? ['order.status'])
      if (!fields.has(f))
        ctx.addIssue({ code: 'custom', path: ['status'], message: `no column maps to ${f}` });
    if (!fields.has('order.total') && !fields.has('line.price') && !fields.has('line.total'))
      ctx.addIssue({
        code: 'custom',
        path: ['columns'],
        message: 'map order.total, line.price or line.total',
      });
    // A line is read only when it has a product name or SKU: line.price without either would be
    // dropped on every row, and an order without order.total would come out at 0.
    if (!fields.has('line.title') && !fields.has('line.sku')) {
      const orphans = LINE_DETAIL_FIELDS.filter((f) => fields.has(f));
      if (orphans.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['columns'],
          message: `${orphans.join(', ')} ${orphans.length === 1 ? 'is' : 'are'} mapped but neither line.title nor line.sku: map the product name or SKU column too (lines are read only with one), or map order.total instead`,
        });
    }
    if (!fields.has('customer.id') && !fields.has('customer.phone') && !fields.has('customer.email'))
      ctx.addIssue({
        code: 'custom',
        path: ['columns'],
        message: 'map at least one of customer.id, customer.phone, customer.email',
      });
    if (m.dateFormat !== undefined) {
      try {
        compileDateFormat(m.dateFormat);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['dateFormat'], message: (error as Error).message });
      }
    }
  });

export type Mapping = z.infer<typeof mappingSchema>;
/** A mapping as written (defaults not applied yet): what the built-ins are. */
export type MappingInput = z.input<typeof mappingSchema>;

export const BUILTIN_MAPPINGS: Readonly<Record<string, MappingInput>> = {
  haravan: haravanMapping,
  shopee: shopeeMapping,
  lazada: lazadaMapping,
  tiktok: tiktokMapping,
};

/** Validates a mapping; the error names each bad place by its path in the file. */
export function parseMapping(value: unknown, origin: string): Mapping {
  const result = mappingSchema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    file: origin,
    path: issue.path.map(String).join('.') || '(top)',
    reason: issue.message,
  }));
  throw new NurtureError(
    'invalid_input',
    `${origin}: invalid mapping\n${details.map((d) => `  ${d.path}: ${d.reason}`).join('\n')}`,
    details,
  );
}

/** A built-in mapping by name, or a .json / .yaml / .yml mapping file. */
export async function loadMapping(ref: string): Promise<Mapping> {
  const builtin = BUILTIN_MAPPINGS[ref.toLowerCase()];
  if (builtin !== undefined) return parseMapping(builtin, `built-in mapping ${ref}`);
  const value = await readMappingFile(ref, 'mapping', Object.keys(BUILTIN_MAPPINGS));
  return parseMapping(value, ref);
}

/** Lookup key of a status or payment value: trimmed, NFC, lower case, spaces collapsed. */
export function valueKey(value: string): string {
  return value.trim().normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
}

/** Compiled `status.values`: exact keys first, then patterns with `*` parts. */
export class StatusTable {
  private readonly exact = new Map<string, (typeof ORDER_STATUSES)[number]>();
  private readonly patterns: { parts: string[]; status: (typeof ORDER_STATUSES)[number] }[] = [];

  constructor(values: Mapping['status']['values']) {
    for (const [raw, status] of Object.entries(values)) {
      const parts = raw.split('/').map(valueKey);
      if (parts.includes('*')) this.patterns.push({ parts, status });
      else this.exact.set(parts.join(' / '), status);
    }
  }

  /** The status of the row's status parts, or undefined when the table does not know them. */
  lookup(parts: readonly string[]): (typeof ORDER_STATUSES)[number] | undefined {
    const keys = parts.map(valueKey);
    const hit = this.exact.get(keys.join(' / '));
    if (hit !== undefined) return hit;
    for (const p of this.patterns)
      if (p.parts.length === keys.length && p.parts.every((part, i) => part === '*' || part === keys[i]))
        return p.status;
    return undefined;
  }
}
