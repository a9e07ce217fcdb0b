import type { z } from 'zod';
import { NurtureError } from '../errors.js';

/**
 * Validates a use case's input with its schema. A bad value is invalid input whose details name
 * the field (`mapping`, `asOf`): each transport says it its own way (`--mapping`, a JSON path).
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    reason: issue.message,
  }));
  throw new NurtureError(
    'invalid_input',
    details.map((d) => (d.path ? `${d.path}: ${d.reason}` : d.reason)).join('; '),
    details,
  );
}
