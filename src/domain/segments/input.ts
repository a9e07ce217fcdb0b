import { z } from 'zod';
import { NurtureError } from '../../errors.js';
import { isBuiltinName } from './builtins.js';

/**
 * Wire types of the segment operations (CLI and API input), validated with zod. Query text is
 * checked by the parser, which reports line and column.
 */

export const segmentNameSchema = z
  .string()
  .trim()
  .min(1, 'a segment needs a name')
  .max(120, 'a segment name has at most 120 characters')
  .refine(
    (n) => ![...n].some((ch) => ch.charCodeAt(0) < 32),
    'a segment name cannot hold control characters',
  );

export const segmentQueryTextSchema = z.string().min(1, 'the query is empty');

export const createSegmentSchema = z.object({
  name: segmentNameSchema.refine(
    (n) => !isBuiltinName(n),
    'names starting with rfm:, lifecycle: or value: belong to built-in segments',
  ),
  query: segmentQueryTextSchema,
  description: z.string().max(2_000).optional(),
});
export type CreateSegmentInput = z.infer<typeof createSegmentSchema>;

export const updateSegmentSchema = z
  .object({
    query: segmentQueryTextSchema.optional(),
    description: z.string().max(2_000).optional(),
    rename: createSegmentSchema.shape.name.optional(),
  })
  .refine((u) => u.query !== undefined || u.description !== undefined || u.rename !== undefined, {
    message: 'nothing to update: give a query, a description or a new name',
  });
export type UpdateSegmentInput = z.infer<typeof updateSegmentSchema>;

export const EXPORT_FORMATS = ['csv', 'json', 'ads'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportOptionsSchema = z.object({
  format: z.enum(EXPORT_FORMATS, { error: 'the format is csv, json or ads' }),
  /** SHA-256 the identifiers (ads format), as the ad platforms accept them. */
  hash: z.boolean().default(false),
  /** Keep customers who gave no marketing consent on any channel (left out by default). */
  includeWithoutConsent: z.boolean().default(false),
});
export type ExportOptions = z.infer<typeof exportOptionsSchema>;

/** Parses input with a schema; a failure becomes an invalid_input error naming the field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: i.path.join('.'),
    reason: i.message,
  }));
  const text = issues.map((i) => (i.path ? `${i.path}: ${i.reason}` : i.reason)).join('; ');
  throw new NurtureError('invalid_input', text, issues);
}
